"""The dbt step without dagster-dbt's two fixed costs (pipelines/resources.py `Dbt`: no `dbt
--version` subprocess, no dbt adapter in the Dagster process) still does what it did: the version
it assumes is the one the dbt it runs reports, and a failing dbt test is a failed asset check, its
model still materialised and recorded, the step failed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import dagster as dg
import duckdb
import pytest
from packaging.version import Version

from pipelines.dbt_manifest import KEEP_RUN_FOLDERS, PROFILE_STAMP, RUN_FOLDER
from pipelines.resources import Dbt, build_resources, dbt_executable
from pipelines.settings import DBT_PROJECT_DIR, DBT_TARGET_DIR


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

    old = [DBT_TARGET_DIR / f"dbt_models-{i:07x}-0000000" for i in range(KEEP_RUN_FOLDERS + 1)]
    for path in old:  # earlier runs' folders, older than any real one
        path.mkdir(parents=True, exist_ok=True)
        os.utime(path, (1, 1))

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
    # dagster-dbt's per-run target folders: only the newest stay (the old ones made above are gone)
    runs = [p for p in DBT_TARGET_DIR.iterdir() if p.is_dir() and RUN_FOLDER.fullmatch(p.name)]
    assert 1 <= len(runs) <= KEEP_RUN_FOLDERS and not set(old) & set(runs)
    newest = max(runs, key=lambda p: p.stat().st_mtime)
    assert (newest / "run_results.json").is_file()
    # A warehouse dbt had not parsed for: the build's own parse is kept for the next build.
    assert PROFILE_STAMP.read_text() == str(warehouse)
    for name in ("partial_parse.msgpack", "manifest.json"):
        assert (DBT_TARGET_DIR / name).read_bytes() == (newest / name).read_bytes()
