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
    assert any(c.startswith("marts/dim_area:unique_combination") for c in checks)  # (kommun_code, area_id)
    # dbt sources are the ingest assets: fct depends (transitively) on raw.police_events
    assert dg.AssetKey(["raw", "police_events"]) in graph.get(dg.AssetKey(["staging", "stg_polisen__events"])).parent_keys
    # the audit tables (dbt source `audit`) are declared, written by the loaders, never materialised;
    # to the change planner a model reading them has every loader as parent (pipelines/changes.py)
    from pipelines import changes

    audit = graph.get(dg.AssetKey(["audit", "rejected_rows"]))
    assert not audit.is_materializable and dg.AssetKey(["raw", "partner_reports"]) in audit.parent_keys
    assert audit.key in graph.get(dg.AssetKey(["intermediate", "int_report_rejected_rows"])).parent_keys
    planned = changes.graph()
    loaders = {key for key, kind in planned.kind.items() if kind == "ingest"}
    assert loaders <= set(planned.parents["intermediate/int_report_rejected_rows"])
    assert not any(key.startswith("audit/") for key in planned.order)
    # municipality × tertial partitions: '0382|2024-05' is Östhammar's 2024-T2
    partitions = graph.get(dg.AssetKey(["picture", "lagesbild"])).partitions_def
    assert partitions.get_partition_keys()[:3] == ["0382|2023-01", "0382|2023-05", "0382|2023-09"]
    assert partitions.get_partitions_def_for_dimension("tertial").get_partition_keys()[:2] == ["2023-01", "2023-05"]


def test_lagesbild_is_partitioned_by_the_data_dirs_municipalities(tmp_path, monkeypatch):
    """Loaded on a region data dir: one kommun partition per municipality folder, and the
    schedule's run renders every municipality's tertial that just ended, in one run."""
    from datetime import datetime, timezone

    from dagster._core.definitions.partitions.partition_key_range import PartitionKeyRange

    from pipelines.definitions import build_defs
    from tests.region_dirs import make_region_dir

    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(make_region_dir(tmp_path)))
    defs = build_defs()
    partitions = defs.resolve_asset_graph().get(dg.AssetKey(["picture", "lagesbild"])).partitions_def
    assert partitions.get_partitions_def_for_dimension("kommun").get_partition_keys() == ["0319", "0360", "0382"]

    schedule = defs.get_schedule_def("tertial_lagesbild")
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 9, 1, 4, tzinfo=timezone.utc))
    [request] = schedule.evaluate_tick(context).run_requests
    keys = partitions.get_partition_keys_in_range(PartitionKeyRange(
        request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]))
    assert keys == ["0319|2026-05", "0360|2026-05", "0382|2026-05"]
    assert request.tags["lagesbild/period"] == "2026-T2"


def test_a_broken_data_dir_does_not_stop_the_definitions_loading(tmp_path, monkeypatch):
    from pipelines.definitions import build_defs
    from pipelines.partitions import NO_MUNICIPALITY

    def kommun_keys():
        graph = build_defs().resolve_asset_graph()
        partitions = graph.get(dg.AssetKey(["picture", "lagesbild"])).partitions_def
        return partitions.get_partitions_def_for_dimension("kommun").get_partition_keys()

    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path / "finns-inte"))
    assert kommun_keys() == [NO_MUNICIPALITY]
    broken = tmp_path / "trasig"
    broken.mkdir()
    (broken / "municipality.yaml").write_text("code: [0382\nname: 'Öst", encoding="utf-8")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(broken))
    assert kommun_keys() == [NO_MUNICIPALITY]
    monkeypatch.setenv("LAGESBILD_AS_OF", "inte-ett-datum")  # Settings.from_env raises: still loads
    assert kommun_keys() == [NO_MUNICIPALITY]
