"""Shared fixtures: the whole pipeline run for real (Dagster + dbt + DuckDB) into
temporary directories, once per session for the sample data and for the hard cases.

`make test` runs the suite on pytest-xdist workers, one more than cores (`-n 3` on two cores,
`--dist loadfile`: a module's tests stay together, in order, on one worker); plain `pytest` runs
it in one process. Either way `shared_run` builds each shared run once per session: under xdist
the first worker that needs it builds it under a file lock and the others read the same files.
Tests must not change a shared run's files (copy the warehouse first, as test_analyst_copy does).

A new test that needs the pipeline uses `sample_run` or `edge_run` where their data prove
its point (each run costs about a minute); one that needs data of its own and is read by
more than one module gets a session fixture of its own:

    @pytest.fixture(scope="session")
    def template_run(tmp_path_factory):
        return shared_run("templates", tmp_path_factory, lambda base: write_cases(make_data_dir(base)))
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
ARTIFACTS = REPO / "test-artifacts"
# What `make setup` copies to DAGSTER_HOME/dagster.yaml: one run at a time (DuckDB has one
# writer), the instance storage of pipelines/instance_storage.py. Read by path, not through
# pipelines.settings, which must not be imported before DBT_TARGET_PATH is set below.
DAGSTER_YAML = (REPO / "pipelines" / "dagster_instance.yaml").read_text(encoding="utf-8")

# An xdist worker is a process of its own: dbt's target folder (manifest, partial parse) for
# each, or two workers' `dbt parse` write the same files at once (pipelines/settings.py reads
# DBT_TARGET_PATH; set before `pipelines` is imported). dbt's own log goes there too.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if WORKER:
    os.environ.setdefault("DBT_TARGET_PATH", str(REPO / "dbt_project" / "target" / WORKER))
    os.environ.setdefault("DBT_LOG_PATH", os.environ["DBT_TARGET_PATH"])

os.environ.setdefault("TQDM_DISABLE", "1")
# The one clock (pipelines/settings.py): every rule that depends on "today" uses this
# date, in this process and in dbt. Pinned for the whole session, after the sample's last
# data (August 2026), so results do not change with the day the tests run; a test that
# needs another date sets LAGESBILD_AS_OF itself (monkeypatch.setenv).
TEST_AS_OF = "2026-12-01"
os.environ["LAGESBILD_AS_OF"] = TEST_AS_OF


@dataclass
class PipelineRun:
    data_dir: Path
    warehouse: Path
    output_dir: Path
    exit_code: int

    @property
    def printed(self) -> str:
        """What a shared run printed (`make run`'s lines), kept beside its warehouse."""
        return (self.warehouse.parent.parent / "make-run.out").read_text(encoding="utf-8")


class _Tee(io.TextIOBase):
    def __init__(self, *streams):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _run_shared(data_dir_of: Callable[[Path], Path], base: Path, pdf: str | None = None) -> PipelineRun:
    """run_pipeline for a shared run, what it prints also kept in base/make-run.out."""
    with (base / "make-run.out").open("w", encoding="utf-8") as out, contextlib.redirect_stdout(_Tee(sys.stdout, out)), \
            pytest.MonkeyPatch.context() as monkeypatch:
        return run_pipeline(data_dir_of(base), base, monkeypatch, pdf=pdf)


# LAGESBILD_PDF for a run whose tests read no PDF: WeasyPrint's layout is most of a render
# (about 2 s a lägesbild, 11 in the sample). The PDFs are checked where they are read: the
# shared sample and edge builds (test_report, test_editions), the bad day, the redaction corpus.
NO_PDF = "none"


def run_pipeline(data_dir: Path, base: Path, monkeypatch: pytest.MonkeyPatch, pdf: str | None = None) -> PipelineRun:
    """`make run`'s driver (pipelines.run.main) on `data_dir`, writing under `base`; `pdf`:
    LAGESBILD_PDF (NO_PDF for a test that reads none), else the default choice."""
    from pipelines import run

    warehouse, output_dir = base / "warehouse" / "lagesbild.duckdb", base / "output"
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(output_dir))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("LAGESBILD_ANALYTICS_COPY", raising=False)  # the copy beside this warehouse
    if pdf is None:
        monkeypatch.delenv("LAGESBILD_PDF", raising=False)  # the default choice of PDFs (settings.read_pdf_choice)
    else:
        monkeypatch.setenv("LAGESBILD_PDF", pdf)
    return PipelineRun(data_dir, warehouse, output_dir, run.main())


def dagster_instance(home: Path):
    """The instance of a DAGSTER_HOME a test made with DAGSTER_YAML, whose storage is found by
    the DAGSTER_HOME variable (set here while it loads)."""
    import dagster as dg

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        return dg.DagsterInstance.from_config(str(home))


def dbt_manifest() -> None:
    """This worker's dbt manifest (DBT_TARGET_PATH), which importing the dbt assets needs
    (pipelines.transform, .publish, .definitions), when no run of this worker has built it yet."""
    from pipelines.dbt_manifest import MANIFEST, ensure_manifest

    if not MANIFEST.exists():
        ensure_manifest()


def shared_run(name: str, tmp_path_factory, data_dir_of: Callable[[Path], Path], pdf: str | None = None) -> PipelineRun:
    """The pipeline on `data_dir_of(base)` (which may write a data dir under `base`), run once
    per test session however many modules and xdist workers use it. Not under xdist: a plain
    temporary directory. Under xdist: a directory shared by the session's workers (the parent
    of each worker's base temp), built by the first under a file lock, read by the others."""
    if not WORKER:
        return _run_shared(data_dir_of, tmp_path_factory.mktemp(name), pdf)

    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent
    base, done = root / f"shared-{name}", root / f"shared-{name}.json"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.exists():
            shutil.rmtree(base, ignore_errors=True)  # what a worker that failed half-way left
            base.mkdir()
            result = _run_shared(data_dir_of, base, pdf)
            done.write_text(json.dumps({k: str(v) for k, v in asdict(result).items()}))
        fields = json.loads(done.read_text())
    dbt_manifest()  # the run may have been built by another worker, in its own target folder
    return PipelineRun(Path(fields["data_dir"]), Path(fields["warehouse"]), Path(fields["output_dir"]),
                       int(fields["exit_code"]))


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> PipelineRun:
    """The pipeline on the shipped sample data."""
    result = shared_run("sample", tmp_path_factory, lambda base: SAMPLE)
    assert result.exit_code == 0, "the pipeline failed on the sample data"
    return result


def make_data_dir(base: Path, municipality_from: Path = SAMPLE) -> Path:
    """An empty data directory with the sample municipality.yaml."""
    data_dir = base / "data"
    data_dir.mkdir(parents=True)
    shutil.copy(municipality_from / "municipality.yaml", data_dir / "municipality.yaml")
    return data_dir


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def edge_run(tmp_path_factory) -> PipelineRun:
    """The pipeline on the hard cases of tests/edge_cases.py."""
    from tests.edge_cases import write_edge_cases

    def data_dir_of(base: Path) -> Path:
        data_dir = make_data_dir(base)
        write_edge_cases(data_dir)
        return data_dir

    result = shared_run("edges", tmp_path_factory, data_dir_of)
    assert result.exit_code == 0, "the pipeline failed on the edge cases"
    return result


# The session's shared pipeline runs: a test that needs one (as a fixture, or by name through
# request.getfixturevalue in a parameter) is slow, like a module that runs the pipeline itself
# (`pytestmark = pytest.mark.slow`). `make test-fast` leaves them out.
SHARED_RUNS = {"sample_run", "edge_run", "region_run"}

# `make test` hands whole modules to its workers in collection order (pyproject: --dist
# loadfile --no-loadscope-reorder): the longest first, so that no worker is left alone with
# one at the end; the two bad-day modules apart, the first with the sample build, the second
# once it is there. Every other module follows in its usual order, the many short unit tests last.
LONGEST_FIRST = [
    "tests/integration/test_bad_day.py",
    "tests/e2e/test_ui.py",
    "tests/integration/test_cost_follows_change.py",  # three runs and a fresh build on sample copies
    "tests/integration/test_bad_day_rebuild.py",
    "tests/integration/test_connectors_pipeline.py",
    "tests/integration/test_load_bounds.py",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        params = getattr(item, "callspec", None) and item.callspec.params.values()
        if SHARED_RUNS & set(item.fixturenames) or SHARED_RUNS & {p for p in params or () if isinstance(p, str)}:
            item.add_marker(pytest.mark.slow)
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.nodeid.split("::")[0], len(rank)), order[id(item)]))
