"""The Dagster code location loads, and what the UI shows is what we mean to show."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[2]


def test_dagster_definitions_validate_passes():
    from pipelines.dbt_manifest import ensure_manifest

    ensure_manifest()
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "DAGSTER_HOME": ""}, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_assets_groups_checks_and_partitions():
    from pipelines.dbt_manifest import ensure_manifest

    ensure_manifest()
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw/police_events", "raw/partner_reports", "raw/survey_responses", "raw/police_local",
            "raw/police_bra", "marts/fct_problem_indicators", "picture/lagesbild"} <= keys
    groups = {graph.get(dg.AssetKey.from_user_string(k)).group_name for k in keys}
    assert {"ingest", "transform", "picture"} <= groups
    for key in graph.get_all_asset_keys():
        assert graph.get(key).description, f"{key.to_user_string()} has no description"
    # dbt tests arrive as asset checks on the marts
    checks = {c.asset_key.to_user_string() + ":" + c.name for c in graph.asset_check_keys}
    assert any(c.startswith("marts/fct_problem_indicators:unique_combination") for c in checks)
    assert "marts/dim_area:unique_dim_area_area_id" in checks
    # dbt sources are the ingest assets: fct depends (transitively) on raw.police_events
    assert dg.AssetKey(["raw", "police_events"]) in graph.get(dg.AssetKey(["staging", "stg_polisen__events"])).parent_keys
    # tertial partitions: '2024-05' is 2024-T2
    partitions = graph.get(dg.AssetKey(["picture", "lagesbild"])).partitions_def
    assert partitions.get_partition_keys()[:3] == ["2023-01", "2023-05", "2023-09"]
