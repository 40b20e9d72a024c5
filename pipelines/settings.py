"""Every path the pipeline uses, from environment variables, in one place.

DATA-CONTRACT §1: relative paths are relative to the repository root, so the
same values work from `make run`, the Dagster UI, tests and dbt's profile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# Input folders inside the data directory (DATA-CONTRACT §2).
SOURCE_DIRS = {
    "police_events": "police/events",
    "police_bra": "police/bra",
    "police_local": "police/local",
    "surveys": "surveys",
    "partners": "partners",
}

DEFAULTS = {
    "LAGESBILD_DATA_DIR": "data/sample",
    "LAGESBILD_WAREHOUSE": "warehouse/lagesbild.duckdb",
    "LAGESBILD_OUTPUT_DIR": "output",
}
# The analysts' read-only copy (pipelines/publish.py); unset, it lies beside the warehouse.
ANALYTICS_COPY_VAR = "LAGESBILD_ANALYTICS_COPY"
ANALYTICS_COPY_NAME = "analytics.duckdb"


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _path(var: str) -> Path:
    return _resolve(os.environ.get(var) or DEFAULTS[var])


def quality_docs_dir(output_dir: Path, layer: str) -> Path:
    """Great Expectations Data Docs of one layer (raw, marts) under the output directory."""
    return output_dir / "quality" / layer


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    output_dir: Path
    analytics_copy: Path

    @classmethod
    def from_env(cls) -> "Settings":
        warehouse = _path("LAGESBILD_WAREHOUSE")
        copy = os.environ.get(ANALYTICS_COPY_VAR)
        return cls(
            data_dir=_path("LAGESBILD_DATA_DIR"),
            warehouse=warehouse,
            output_dir=_path("LAGESBILD_OUTPUT_DIR"),
            analytics_copy=_resolve(copy) if copy else warehouse.parent / ANALYTICS_COPY_NAME,
        )

    def export(self) -> None:
        """Write the resolved absolute paths back to the environment, so child
        processes (dbt) that read the same variables see the same files."""
        os.environ["LAGESBILD_DATA_DIR"] = str(self.data_dir)
        os.environ["LAGESBILD_WAREHOUSE"] = str(self.warehouse)
        os.environ["LAGESBILD_OUTPUT_DIR"] = str(self.output_dir)

    # Input layout (DATA-CONTRACT §2)
    @property
    def municipality_file(self) -> Path:
        return self.data_dir / "municipality.yaml"

    @property
    def pledges_file(self) -> Path:
        return self.data_dir / "pledges.yaml"

    def source_dir(self, source: str) -> Path:
        return self.data_dir / SOURCE_DIRS[source]

    @property
    def questions_file(self) -> Path:
        return self.source_dir("surveys") / "questions.yaml"

    def period_dir(self, period: str) -> Path:
        return self.output_dir / period

    @property
    def run_log(self) -> Path:
        """Dagster's debug log of `make run`."""
        return self.output_dir / "logs" / "run.log"
