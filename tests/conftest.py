"""Shared fixtures: the whole pipeline run for real (Dagster + dbt + DuckDB) into
temporary directories, once per session for the sample data."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
ARTIFACTS = REPO / "test-artifacts"

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
    return PipelineRun(data_dir, warehouse, output_dir, run.main())


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> PipelineRun:
    """The pipeline on the shipped sample data."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_pipeline(SAMPLE, tmp_path_factory.mktemp("sample"), monkeypatch)
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

    base = tmp_path_factory.mktemp("edges")
    data_dir = make_data_dir(base)
    write_edge_cases(data_dir)
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_pipeline(data_dir, base, monkeypatch)
    assert result.exit_code == 0, "the pipeline failed on the edge cases"
    return result
