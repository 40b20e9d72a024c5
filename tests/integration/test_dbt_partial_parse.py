"""dbt is not parsed again when the project did not change: a new as-of date (every day, as
`make run` exports it) leaves dbt's partial parse as it is, and still reaches the SQL dbt runs."""

from __future__ import annotations

import os
import subprocess

from pipelines.resources import dbt_executable
from pipelines.settings import DBT_PROJECT_DIR


def _dbt(args: list[str], tmp_path, as_of: str) -> str:
    env = {**os.environ, "LAGESBILD_WAREHOUSE": str(tmp_path / "w.duckdb"), "LAGESBILD_AS_OF": as_of}
    out = subprocess.run(
        [dbt_executable(), *args, "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--log-level", "debug"],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=True)
    return out.stdout


def test_a_new_as_of_date_changes_the_sql_but_parses_nothing_again(tmp_path):
    _dbt(["parse"], tmp_path, "2026-12-01")
    again = _dbt(["parse"], tmp_path, "2026-12-02")
    assert "0 files changed" in again and "updated file" not in again and "Unable to do partial parsing" not in again
    _dbt(["compile", "--select", "int_periods"], tmp_path, "2026-06-15")
    compiled = next((tmp_path / "target" / "compiled").rglob("int_periods.sql")).read_text()
    assert "date '2026-06-15'" in compiled and "current_date" not in compiled
