"""Dagster resources: the warehouse (paths from settings) and dbt."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging.version import Version

from .settings import DBT_PROJECT_DIR, Settings
from .warehouse import connect


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse and the data/output directories, as DATA-CONTRACT §1 sets them."""

    @property
    def settings(self) -> Settings:
        return Settings.from_env()

    @contextmanager
    def connect(self, read_only: bool = False):
        with connect(self.settings.warehouse, read_only=read_only) as con:
            yield con


def dbt_executable() -> str:
    """The dbt next to this Python (the venv's), so PATH need not include the venv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class Dbt(DbtCliResource):
    """dagster-dbt's dbt resource without two fixed costs it pays before every `dbt build`, each
    about as long as dbt's own start (a second or more, several under load):

    - its version, which dagster-dbt asks `dbt --version` for, a whole dbt start in a subprocess
      that also asks PyPI for the latest release: the dbt-core installed beside this Python is the
      one `dbt_executable()` runs;
    - a dbt adapter inside this process (dbt imported, the profile and project loaded, dbt's macros
      parsed), which dagster-dbt uses only for `fetch_row_counts` / `fetch_column_metadata`: the
      row counts are read after dbt has exited (`transform._with_table_metadata`).
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None

    def _get_unique_target_path(self, *, context) -> Path:
        """The build's own target folder, given the target folder's parse when it was made for
        another warehouse path (dbt_manifest.carry_parse: a partial parse, not a full one)."""
        from .dbt_manifest import carry_parse

        path = super()._get_unique_target_path(context=context)
        carry_parse(path if path.is_absolute() else Path(self.project_dir) / path)
        return path


def build_resources() -> dict:
    return {
        "warehouse": Warehouse(),
        "dbt": Dbt(
            project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
        ),
    }
