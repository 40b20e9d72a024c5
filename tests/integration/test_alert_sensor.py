"""The run-failure sensor (pipelines/alerts.py) on a real failing Dagster run: a run the
monthly schedule started, whose municipality.yaml is broken, reported in Swedish to the alert
log, a local SMTP server and a local HTTP server; a failed `make run` run is left to make run."""

from __future__ import annotations

import json
import socket
import warnings

import dagster as dg
import pytest

from pipelines.settings import alert_log
from tests.conftest import make_data_dir


@pytest.fixture(scope="module")
def defs():
    from pipelines.dbt_manifest import ensure_manifest

    ensure_manifest()
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from pipelines.definitions import defs

    return defs


def _free_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def _failed_run(defs, instance, tags):
    job = defs.resolve_job_def("build_warehouse")
    # municipality.yaml's step only (all the keys it writes): it fails on the broken file
    keys = list(defs.resolve_assets_def(dg.AssetKey(["raw", "config_municipality"])).keys)
    result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags, asset_selection=keys)
    assert not result.success
    return result


def _evaluate(defs, instance, result):
    sensor = defs.get_sensor_def("alert_on_failure")
    context = dg.build_run_status_sensor_context(
        sensor_name="alert_on_failure", dagster_event=result.get_run_failure_event(), dagster_instance=instance,
        dagster_run=result.dagster_run).for_run_failure()
    return sensor(context)


def test_a_failed_scheduled_run_is_reported_in_swedish_everywhere(defs, tmp_path, monkeypatch, httpserver):
    from aiosmtpd.controller import Controller

    data_dir = make_data_dir(tmp_path)
    (data_dir / "municipality.yaml").write_text("kod: [0382\nnamn: Östhammar\n", encoding="utf-8")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    port = _free_port()
    monkeypatch.setenv("LAGESBILD_ALERT_SMTP", f"127.0.0.1:{port}")
    monkeypatch.setenv("LAGESBILD_ALERT_TO", "samordnare@kommun.se")
    monkeypatch.setenv("LAGESBILD_ALERT_WEBHOOK", httpserver.url_for("/larm"))
    httpserver.expect_oneshot_request("/larm", method="POST").respond_with_data("ok")

    class Keep:
        mails: list = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append(envelope)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with dg.instance_for_test() as instance:
            result = _failed_run(defs, instance, {"dagster/schedule_name": "monthly_refresh"})
            _evaluate(defs, instance, result)
    finally:
        controller.stop()

    text = alert_log(tmp_path / "out").read_text(encoding="utf-8")
    for expected in ("En körning av lägesbilden misslyckades.",
                     "jobbet build_warehouse, startat av schemat monthly_refresh",
                     "Tertial:  alla (lagret och indikatorerna, inte en enskild lägesbild)",
                     f"körning {result.run_id}", "municipality.yaml"):
        assert expected in text, text
    (mail,) = Keep.mails
    assert f"körning {result.run_id}".encode() in mail.content or "municipality.yaml" in mail.content.decode("utf-8", "replace")
    (request, _), = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["run_id"] == result.run_id and "startat av schemat monthly_refresh" in payload["text"]


def test_a_make_run_failure_is_left_to_make_run(defs, tmp_path, monkeypatch):
    data_dir = make_data_dir(tmp_path)
    (data_dir / "municipality.yaml").write_text("kod: [0382\n", encoding="utf-8")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    for var in ("LAGESBILD_ALERT_SMTP", "LAGESBILD_ALERT_WEBHOOK"):
        monkeypatch.delenv(var, raising=False)
    with dg.instance_for_test() as instance:
        result = _failed_run(defs, instance, {"lagesbild/started_by": "make run"})
        _evaluate(defs, instance, result)
    assert not alert_log(tmp_path / "out").exists()
