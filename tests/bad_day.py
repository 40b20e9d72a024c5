"""A bad day's tools (tests/integration/test_bad_day*.py): real `make run` processes on a
municipality's own copy of the sample build, killed at points the run's progress lines choose,
and what must hold after each blow."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DAGSTER_YAML, REPO, SAMPLE, TEST_AS_OF, PipelineRun

# Rows of the marts that record when or after what, not what the files say: the report's
# "Framtagen" time, and how many quality checks ran (the row-count comparison with the run
# before exists from the second build on). Every other row and column of every marts table
# must be equal (no marts column holds a load time or run id).
NOT_COMPARED = {"fct_published_figures": "not (table_name = 'meta' and row_key = 'framtagen') "
                                         "and table_name <> 'kvalitet_kontroller'"}
LONGEST_RUN = 1800  # seconds: a guard against a hung process, not a timing


def copy_data(target: Path, *, reverse: bool) -> Path:
    """The sample data dir, its files copied in sorted (or reverse) order with mtimes to match."""
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file())
    now = time.time()
    for i, source in enumerate(reversed(files) if reverse else files):
        path = target / source.relative_to(SAMPLE)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        os.utime(path, (now - 3600 + i, now - 3600 + i))
    return target


class Day:
    """One municipality's day: its own copy of the sample data dir (`data-a`), warehouse, analyst
    copy, reports and DAGSTER_HOME, starting from a good build: a copy of the session's shared
    sample build (conftest.sample_run; the marts do not depend on the data dir's path, and the
    loaded files are known by content), which is also the clean build the marts are compared with."""

    def __init__(self, base: Path, built: PipelineRun):
        self.base = base
        self.data = copy_data(base / "data-a", reverse=False)
        self.warehouse = base / "warehouse" / "lagesbild.duckdb"
        self.copy = self.warehouse.parent / "analytics.duckdb"
        self.output = base / "output"
        self.clean = built.warehouse  # read only
        shutil.copytree(built.warehouse.parent, self.warehouse.parent)
        shutil.copytree(built.output_dir, self.output)
        self.copies = {sha(self.copy)}  # the analyst copies a good run published
        home = base / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text(DAGSTER_YAML)
        self.env = {**os.environ, "LAGESBILD_DATA_DIR": str(self.data), "LAGESBILD_WAREHOUSE": str(self.warehouse),
                    "LAGESBILD_OUTPUT_DIR": str(self.output), "DAGSTER_HOME": str(home), "LAGESBILD_AS_OF": TEST_AS_OF}
        for var in ("LAGESBILD_ANALYTICS_COPY", "LAGESBILD_PDF", "LAGESBILD_CONNECTORS", "LAGESBILD_ALERT_SMTP",
                    "LAGESBILD_ALERT_WEBHOOK"):
            self.env.pop(var, None)

    def start(self, *args: str, preexec_fn=None, **env) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "pipelines.run", *args], cwd=REPO, env={**self.env, **env},
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True, preexec_fn=preexec_fn)

    def run(self, *args: str, preexec_fn=None, **env) -> tuple[int, str]:
        process = self.start(*args, preexec_fn=preexec_fn, **env)
        out, _ = process.communicate(timeout=LONGEST_RUN)
        return process.returncode, out

    def kill_at(self, marker: str, *, then_first_temporary: bool = False) -> str:
        """SIGKILL to the run's process group when it prints a line starting with `marker`
        (and, for the render, once it has started writing a report: its first temporary)."""
        process, seen = self.start(), []
        for line in process.stdout:
            seen.append(line)
            if line.startswith(marker):
                break
        else:
            process.wait()
            pytest.fail(f"the run ended before {marker!r}:\n{''.join(seen)}")
        if then_first_temporary:
            deadline = time.monotonic() + LONGEST_RUN
            while not any(self.output.rglob(".*.tmp")) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            assert process.poll() is None, "the render ended before a report was being written"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return "".join(seen)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_whole(day: Day, copies: set[str]) -> None:
    """The four promises after a blow (the next run's completion is checked by the caller)."""
    with duckdb.connect(str(day.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_published_figures").fetchone()[0] > 0
    assert sha(day.copy) in copies, "the analyst copy is not one a good run published"
    with duckdb.connect(str(day.copy), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_problem_indicators").fetchone()[0] > 0
    assert_reports_whole(day.output)


def assert_reports_whole(output: Path) -> None:
    import openpyxl
    import pypdfium2

    files = [p for p in output.rglob("*") if p.is_file()]
    visible = [p for p in files if p.suffix == ".tmp" and not p.name.startswith(".")]
    assert not visible, visible
    checked = 0
    for path in files:
        if path.name.startswith("."):
            continue
        if path.suffix == ".html" and "quality" not in path.parts:
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".pdf":
            assert len(pypdfium2.PdfDocument(path)) > 0, path
        elif path.suffix == ".xlsx":
            assert openpyxl.load_workbook(path, read_only=True).sheetnames, path
        elif path.suffix == ".md":
            assert path.read_text(encoding="utf-8").strip(), path
        else:
            continue
        checked += 1
    assert checked > 30  # html, pdf, xlsx and briefs of 11 tertials


def marts_differences(a: Path, b: Path) -> dict[str, int]:
    """Rows of each marts table in one warehouse and not the other (EXCEPT ALL both ways)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        tables = {db: {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts'", [db]).fetchall()}
            for db in ("a", "b")}
        assert tables["a"] == tables["b"] and len(tables["a"]) > 5
        differences = {}
        for table in sorted(tables["a"]):
            where = f"where {NOT_COMPARED[table]}" if table in NOT_COMPARED else ""
            one, other = f"select * from a.marts.{table} {where}", f"select * from b.marts.{table} {where}"
            count = con.execute(f"select (select count(*) from ({one} except all {other})) + "
                                f"(select count(*) from ({other} except all {one}))").fetchone()[0]
            if count:
                differences[table] = count
        return differences


def forget_fingerprints(warehouse: Path) -> None:
    """Every asset stale again, as in a warehouse from before pipelines/changes.py: the whole run
    (a run with nothing new does nothing, and these tests need one that does the work)."""
    from pipelines.changes import TABLE

    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop table if exists {TABLE}")
