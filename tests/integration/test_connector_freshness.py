"""The live sources' freshness checks (DATA-CONTRACT §7) in real Dagster runs: a source whose last
successful fetch is older than its limit is a warning on its connector asset, measured from the
last *successful* call (a failed fetch still materialises the asset), evaluated after a fetch and
by the check-only job the UI schedules."""

import json
from datetime import datetime, timedelta, timezone

import dagster as dg
import pytest

from pipelines.connectors import assets as connector_defs
from pipelines.connectors.record import CallRecord
from pipelines.resources import Warehouse
from pipelines.settings import ConnectorSettings, ConnectorSettingsError
from tests.conftest import SAMPLE, make_data_dir

ARCHIVE = json.loads((SAMPLE / "police" / "events" / "events_uppsala_lan.json").read_text(encoding="utf-8"))


@pytest.fixture
def env(tmp_path, monkeypatch, httpserver):
    data_dir = make_data_dir(tmp_path)
    warehouse = tmp_path / "warehouse" / "lagesbild.duckdb"
    for var, value in {"LAGESBILD_DATA_DIR": data_dir, "LAGESBILD_WAREHOUSE": warehouse,
                       "LAGESBILD_OUTPUT_DIR": tmp_path / "output", "LAGESBILD_CONNECTORS": "polisen,scb",
                       "LAGESBILD_CONTACT": "kontakt@example.org",
                       "LAGESBILD_POLISEN_URL": httpserver.url_for("").rstrip("/")}.items():
        monkeypatch.setenv(var, str(value))
    return warehouse


def defs() -> dg.Definitions:
    return dg.Definitions(assets=connector_defs.assets, asset_checks=connector_defs.checks,
                          jobs=connector_defs.jobs, resources={"warehouse": Warehouse()})


def record_call(warehouse, source: str, hours_ago: float, status: int | None = 200) -> None:
    record = CallRecord(warehouse)
    when = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    with record.connect() as con:
        call_id = record.reserve(con, source, "https://example.org", when)
    record.finish(call_id, status, 10, None if status else "ConnectError")


def evaluations(result) -> dict[str, tuple[bool, str | None]]:
    out = {}
    for event in result.get_asset_check_evaluations():
        severity = event.severity.value if not event.passed else None
        out[event.asset_key.path[-1]] = (event.passed, severity)
    return out


def test_a_stale_source_warns_and_a_fresh_one_passes(env):
    record_call(env, "polisen", hours_ago=3)              # older than the police's 2 h
    record_call(env, "polisen", hours_ago=0.5, status=None)  # a failed call is no fetch
    record_call(env, "scb", hours_ago=24 * 6)              # well inside SCB's 3 weeks
    with dg.instance_for_test() as instance:
        result = defs().resolve_job_def("check_connector_freshness").execute_in_process(instance=instance)
    assert result.success  # a warning, never a failed run
    assert evaluations(result) == {"polisen": (False, "WARN"), "scb": (True, None), "kolada": (True, None)}
    (polisen,) = [e for e in result.get_asset_check_evaluations() if e.asset_key.path[-1] == "polisen"]
    assert "inaktuell" in polisen.description and polisen.metadata["age_hours"].value == pytest.approx(3, abs=0.1)


def test_the_check_follows_a_fetch_in_the_same_run(env, httpserver, monkeypatch):
    record_call(env, "polisen", hours_ago=5)
    monkeypatch.setenv("LAGESBILD_CONNECTORS", "polisen")
    httpserver.expect_request("/api/events").respond_with_data(json.dumps(list(reversed(ARCHIVE[-50:]))))
    with dg.instance_for_test() as instance:
        result = defs().resolve_job_def("fetch_polisen").execute_in_process(instance=instance)
    assert evaluations(result) == {"polisen": (True, None)}
    monkeypatch.setenv("LAGESBILD_POLISEN_MAX_AGE", "0.0h")  # a limit nothing meets: it warns
    with dg.instance_for_test() as instance:
        result = defs().resolve_job_def("check_connector_freshness").execute_in_process(instance=instance)
    assert evaluations(result)["polisen"] == (False, "WARN")


def test_limits_are_settings_and_a_bad_one_is_named():
    settings = ConnectorSettings.from_env({"LAGESBILD_SCB_MAX_AGE": "10d"})
    assert settings.max_age == {"polisen": timedelta(hours=2), "scb": timedelta(days=10),
                                "kolada": timedelta(weeks=3)}
    with pytest.raises(ConnectorSettingsError, match="LAGESBILD_KOLADA_MAX_AGE"):
        ConnectorSettings.from_env({"LAGESBILD_KOLADA_MAX_AGE": "tre veckor"})
    schedules = connector_defs.build_schedules(ConnectorSettings(enabled=("polisen",)))
    assert "check_connector_freshness_schedule" in {s.name for s in schedules}
    assert connector_defs.build_schedules(ConnectorSettings()) == []
