"""Shared fixtures: the whole pipeline run for real (Dagster + dbt + DuckDB) into
temporary directories, once per session for the sample data and for the hard cases.

`make test` runs the suite on two pytest-xdist workers (`-n 2 --dist loadfile`: a module's
tests stay together, in order, on one worker); plain `pytest` runs it in one process. Either
way `shared_run` builds each shared run once per session: under xdist the first worker that
needs it builds it under a file lock and the others read the same files. Tests must not
change a shared run's files (copy the warehouse first, as test_analyst_copy does).

A new test that needs the pipeline uses `sample_run` or `edge_run` where their data prove
its point (each run costs about a minute); one that needs data of its own and is read by
more than one module gets a session fixture of its own:

    @pytest.fixture(scope="session")
    def template_run(tmp_path_factory):
        return shared_run("templates", tmp_path_factory, lambda base: write_cases(make_data_dir(base)))
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
ARTIFACTS = REPO / "test-artifacts"

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


def run_pipeline(data_dir: Path, base: Path, monkeypatch: pytest.MonkeyPatch) -> PipelineRun:
    """`make run`'s driver (pipelines.run.main) on `data_dir`, writing under `base`."""
    from pipelines import run

    warehouse, output_dir = base / "warehouse" / "lagesbild.duckdb", base / "output"
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(output_dir))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("LAGESBILD_ANALYTICS_COPY", raising=False)  # the copy beside this warehouse
    monkeypatch.delenv("LAGESBILD_PDF", raising=False)  # the default choice of PDFs (settings.read_pdf_choice)
    return PipelineRun(data_dir, warehouse, output_dir, run.main())


def dbt_manifest() -> None:
    """This worker's dbt manifest (DBT_TARGET_PATH), which importing the dbt assets needs
    (pipelines.transform, .publish, .definitions), when no run of this worker has built it yet."""
    from pipelines.dbt_manifest import MANIFEST, ensure_manifest

    if not MANIFEST.exists():
        ensure_manifest()


def shared_run(name: str, tmp_path_factory, data_dir_of: Callable[[Path], Path]) -> PipelineRun:
    """The pipeline on `data_dir_of(base)` (which may write a data dir under `base`), run once
    per test session however many modules and xdist workers use it. Not under xdist: a plain
    temporary directory. Under xdist: a directory shared by the session's workers (the parent
    of each worker's base temp), built by the first under a file lock, read by the others."""
    if not WORKER:
        base = tmp_path_factory.mktemp(name)
        with pytest.MonkeyPatch.context() as monkeypatch:
            return run_pipeline(data_dir_of(base), base, monkeypatch)

    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent
    base, done = root / f"shared-{name}", root / f"shared-{name}.json"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.exists():
            shutil.rmtree(base, ignore_errors=True)  # what a worker that failed half-way left
            base.mkdir()
            with pytest.MonkeyPatch.context() as monkeypatch:
                result = run_pipeline(data_dir_of(base), base, monkeypatch)
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
