"""A bad day (issue 16), with real `make run` processes: killed with SIGKILL (the whole process
group) at points the run's own progress lines choose, a file-size limit (a real EFBIG), a
truncated warehouse rebuilt from files copied in the other order, two runs started together.

After each blow: the warehouse opens, the analyst copy is the last good one, every report is
whole (HTML ends with </html>, PDFs parse, workbooks open), no temporary is visible, and the
next run completes with the marts of a clean build.

One module, its steps in order (each builds on the one before); about 15 minutes on a quiet
machine, most of it the four complete runs.
"""

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

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
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
    def __init__(self, base: Path):
        self.base = base
        self.data = copy_data(base / "data-a", reverse=False)
        self.warehouse = base / "warehouse" / "lagesbild.duckdb"
        self.copy = self.warehouse.parent / "analytics.duckdb"
        self.output = base / "output"
        self.clean = base / "clean.duckdb"
        home = base / "dagster_home"
        home.mkdir()
        shutil.copyfile(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml") if (
            REPO / ".dagster_home" / "dagster.yaml").exists() else (home / "dagster.yaml").write_text(
            "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n")
        self.env = {**os.environ, "LAGESBILD_DATA_DIR": str(self.data), "LAGESBILD_WAREHOUSE": str(self.warehouse),
                    "LAGESBILD_OUTPUT_DIR": str(self.output), "DAGSTER_HOME": str(home), "LAGESBILD_AS_OF": "2026-12-01"}
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
    """Every asset stale again, as in a warehouse from before pipelines/changes.py: the whole run."""
    from pipelines.changes import TABLE

    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"drop table if exists {TABLE}")


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    day = Day(tmp_path_factory.mktemp("bad_day"))
    code, out = day.run()
    assert code == 0, out
    # the missing warehouse of a first run is said, in Swedish, and built from the files
    assert f"Lagret {day.warehouse} saknas: det byggs nu från filerna i datamappen." in out
    shutil.copyfile(day.warehouse, day.clean)
    day.copies = {sha(day.copy)}
    return day


@pytest.mark.parametrize("point, marker", [
    ("ingest", "  ok  raw.police_bra"),  # sources are loading
    ("dbt", "  ok  surveys"),  # the last source: dbt build has started
    ("render", "2/2 "),  # the lägesbild is being written
])
def test_killed_at_any_moment_leaves_everything_whole(day, point, marker):
    forget_fingerprints(day.warehouse)  # a run with nothing new would do nothing (pipelines/changes.py)
    if point == "render":  # make sure every tertial is written again (unchanged ones are skipped)
        for stamp in day.output.rglob(".fingerprint"):
            stamp.unlink()
    seen = day.kill_at(marker, then_first_temporary=point == "render")
    if "  ok  publish.analytics_copy" in seen:  # published by this run's good warehouse build
        day.copies.add(sha(day.copy))
    assert_whole(day, day.copies)


def test_the_next_run_completes_with_the_marts_of_a_clean_build(day):
    code, out = day.run()
    assert code == 0, out
    assert not list(day.output.rglob("*.tmp")) and not list(day.warehouse.parent.glob("*.tmp*"))
    assert_whole(day, {sha(day.copy)})
    assert marts_differences(day.warehouse, day.clean) == {}
    # the killed runs were marked failed in Dagster and reported (pipelines/turn.py, alerts.py)
    alerts = (day.output / "logs" / "larm.log").read_text(encoding="utf-8")
    assert "En körning avbröts mitt i." in alerts and "processen som körde jobbet finns inte längre" in alerts
    day.copies = {sha(day.copy)}


def test_a_full_disk_leaves_the_previous_state_and_says_what_is_needed(day):
    """A file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so write() fails with EFBIG) below the
    warehouse's size: the first write past it fails."""
    import resource

    limit = day.warehouse.stat().st_size // 2

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    for stamp in day.output.rglob(".fingerprint"):
        stamp.unlink()
    forget_fingerprints(day.warehouse)
    code, out = day.run(preexec_fn=small_disk)
    assert code != 0, out
    assert "Disken är full:" in out and "ledigt" in out, out
    assert "nytt försök" not in out  # not retried as if it were transient
    assert_whole(day, day.copies)
    assert marts_differences(day.warehouse, day.clean) == {}


def test_a_truncated_warehouse_is_rebuilt_from_files_in_the_other_order(day):
    """Also the determinism test: the rebuild reads a copy of the data dir made in reverse
    order with reverse mtimes, and its marts equal the clean build's."""
    with day.warehouse.open("r+b") as handle:
        handle.truncate(day.warehouse.stat().st_size // 3)
    day.env["LAGESBILD_DATA_DIR"] = str(copy_data(day.base / "data-b", reverse=True))
    day.env["LAGESBILD_PDF"] = "none"  # from here on about the warehouse: the PDFs there stay as they are
    started = time.monotonic()
    code, out = day.run()
    seconds = time.monotonic() - started
    assert code == 0, out
    assert f"Lagret {day.warehouse} gick inte att öppna (" in out and "byggs nu om från filerna i datamappen" in out
    assert list(day.warehouse.parent.glob("lagesbild.duckdb.trasig-*"))  # moved aside, not deleted
    assert marts_differences(day.warehouse, day.clean) == {}
    print(f"rebuild of the sample warehouse from scratch (make run, reports included): {seconds:.0f} s")


def test_make_rebuild_keeps_the_old_warehouse_until_the_new_one_is_built(day):
    code, out = day.run("--rebuild")
    assert code == 0, out
    assert "Bygger om lagret" in out and "det gamla ligger kvar som" in out
    assert not day.warehouse.with_name("lagesbild.duckdb.före-ombyggnad").exists()
    assert marts_differences(day.warehouse, day.clean) == {}


def test_two_runs_started_together_take_turns(day):
    first, second = day.start(), day.start()
    outs = [p.communicate(timeout=LONGEST_RUN)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    waited = [o for o in outs if "En annan körning pågår" in o]
    assert len(waited) == 1 and "Min tur efter" in waited[0], outs
    for out in outs:
        assert "lock" not in out.lower() and "låst" not in out, out
    assert marts_differences(day.warehouse, day.clean) == {}
    print(next(line for line in waited[0].splitlines() if line.startswith("Min tur efter")))
