"""dbt is not parsed again when the project did not change: a new as-of date (every day, as
`make run` exports it) leaves dbt's partial parse as it is, and still reaches the SQL dbt runs."""

from __future__ import annotations

import os
import subprocess

from pipelines.resources import dbt_executable
from pipelines.settings import DBT_PROJECT_DIR


def _dbt(args: list[str], tmp_path, as_of: str, target=None, warehouse=None) -> str:
    env = {**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse or tmp_path / "w.duckdb"), "LAGESBILD_AS_OF": as_of}
    out = subprocess.run(
        [dbt_executable(), *args, "--profiles-dir", str(DBT_PROJECT_DIR), "--project-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target or tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--log-level", "debug"],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=True)
    return out.stdout


def test_a_new_as_of_date_changes_the_sql_but_parses_nothing_again(tmp_path):
    _dbt(["parse"], tmp_path, "2026-12-01")
    again = _dbt(["parse"], tmp_path, "2026-12-02")
    assert "0 files changed" in again and "updated file" not in again and "Unable to do partial parsing" not in again
    _dbt(["compile", "--select", "int_periods"], tmp_path, "2026-06-15")
    compiled = next((tmp_path / "target" / "compiled").rglob("int_periods.sql")).read_text()
    assert "date '2026-06-15'" in compiled and "current_date" not in compiled


def test_a_new_warehouse_path_parses_partially_with_the_carried_parse(tmp_path, monkeypatch):
    """dbt keys its partial parse on the profile, whose path differs for every warehouse: the
    parse carried into a build's folder (dbt_manifest.carry_parse) has this warehouse's hash as
    dbt computes it, so dbt does not parse in full."""
    import msgpack

    from pipelines import dbt_manifest

    first = str(tmp_path / "a" / "lagesbild.duckdb")
    env = {**os.environ, "LAGESBILD_WAREHOUSE": first}
    subprocess.run([dbt_executable(), "parse", "--profiles-dir", ".", "--target-path", str(tmp_path / "target")],
                   cwd=DBT_PROJECT_DIR, env=env, capture_output=True, check=True)
    state = msgpack.unpackb((tmp_path / "target" / "partial_parse.msgpack").read_bytes(), raw=False,
                            strict_map_key=False)
    assert state["state_check"]["profile_hash"]["checksum"] == dbt_manifest._profile_hash(first)

    monkeypatch.setattr(dbt_manifest, "DBT_TARGET_DIR", tmp_path / "target")
    monkeypatch.setattr(dbt_manifest, "PROFILE_STAMP", tmp_path / "target" / ".warehouse_of_last_parse")
    dbt_manifest.PROFILE_STAMP.write_text(first)
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "b" / "lagesbild.duckdb"))
    assert dbt_manifest.carry_parse(tmp_path / "run") is True
    again = _dbt(["parse"], tmp_path, "2026-12-01", target=tmp_path / "run", warehouse=tmp_path / "b" / "lagesbild.duckdb")
    assert "Unable to do partial parsing" not in again and "Partial parsing enabled, no changes found" in again
