"""The dbt step without dagster-dbt's two fixed costs (pipelines/resources.py `Dbt`: no `dbt
--version` subprocess, no dbt adapter in the Dagster process) still does what it did: the version
it assumes is the one the dbt it runs reports, and a failing dbt test is a failed asset check, its
model still materialised and recorded, the step failed."""

from __future__ import annotations

import re
import shutil
import subprocess

import dagster as dg
import duckdb
import pytest
from packaging.version import Version

from pipelines.resources import Dbt, build_resources, dbt_executable
from pipelines.settings import DBT_PROJECT_DIR


def test_the_assumed_version_is_the_executables():
    said = subprocess.run([dbt_executable(), "--version"], capture_output=True, text=True, check=True).stdout
    installed = re.search(r"installed:\s*(\d+\.\d+\.\d+)", said).group(1)
    dbt = Dbt(project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
    assert dbt._cli_version == Version(installed)


@pytest.mark.slow
def test_a_failing_dbt_test_is_a_failed_asset_check(sample_run, tmp_path, monkeypatch):
    from pipelines.transform import dbt_models

    warehouse = tmp_path / "warehouse" / "lagesbild.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(sample_run.warehouse, warehouse)
    [model] = [k for k in dbt_models.keys if k.path[-1] == "stg_partners__reports"]
    recorded_at = "select recorded_at from audit.asset_fingerprints where asset_key = ?"
    with duckdb.connect(str(warehouse)) as con:  # stg_partners__reports.kommun_code: not_null
        [before] = con.execute(recorded_at, ["/".join(model.path)]).fetchone()
        con.execute("update raw.partner_reports set _kommun_code = null "
                    "where _source_row = (select min(_source_row) from raw.partner_reports)")
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(sample_run.data_dir))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "output"))

    result = dg.materialize([dbt_models], selection=[model], resources=build_resources(), raise_on_error=False)

    assert not result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations() if e.asset_key == model}
    assert checks["not_null_stg_partners__reports_kommun_code"] is False
    assert checks["not_null_stg_partners__reports_report_date"] is True
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [model]
    [failure] = result.get_step_failure_events()
    assert "not_null_stg_partners__reports_kommun_code" in failure.step_failure_data.error.to_string()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [after] = con.execute(recorded_at, ["/".join(model.path)]).fetchone()
    assert after > before  # what dbt built is recorded though its test failed (changes.record)
