"""Dagster resources: the warehouse (paths from settings) and dbt."""

from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

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


def build_resources() -> dict:
    return {
        "warehouse": Warehouse(),
        "dbt": DbtCliResource(
            project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable()
        ),
    }
