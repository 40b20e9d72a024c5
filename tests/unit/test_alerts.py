"""pipelines/alerts.py: the Swedish alert to the alert log, a real SMTP server and a real HTTP
server on 127.0.0.1 (the failure sensor with a real failing run: tests/integration/test_bad_day.py)."""

import json
from email import message_from_bytes, policy

import pytest

from pipelines import alerts
from pipelines.settings import AlertSettings, AlertSettingsError, Settings, alert_log

SAMPLE = __import__("pathlib").Path(__file__).resolve().parents[2] / "data" / "sample"
TAGS = {"dagster/asset_partition_range_start": "0382|2026-05", "dagster/asset_partition_range_end": "0382|2026-05",
        "dagster/schedule_name": "tertial_lagesbild"}


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(SAMPLE))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "wh.duckdb"))
    for var in ("LAGESBILD_ALERT_SMTP", "LAGESBILD_ALERT_TO", "LAGESBILD_ALERT_FROM", "LAGESBILD_ALERT_WEBHOOK"):
        monkeypatch.delenv(var, raising=False)
    return Settings.from_env()


def _free_port() -> int:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def _alert(settings):
    return alerts.describe(job="update_lagesbild", run_id="1234-abcd", tags=TAGS, settings=settings,
                           errors=["raw.partner_reports: Disken är full: /srv/lagesbild.duckdb kunde inte skrivas"])


def test_the_text_says_what_where_and_which_municipality_and_tertial(settings):
    alert = _alert(settings)
    assert alert.subject == "lägesbild: körningen misslyckades (Östhammar, 2026-T2)"
    for text in ("jobbet update_lagesbild, startat av schemat tertial_lagesbild", "Kommun:   0382 Östhammar",
                 "Tertial:  2026-T2", "raw.partner_reports: Disken är full", "körning 1234-abcd",
                 "kör `make run` igen"):
        assert text in alert.body
    assert alerts.scope({}, settings) == (["0382"], "")  # a warehouse run: every municipality, every tertial


def test_always_the_alert_log(settings):
    assert alerts.report(_alert(settings), settings) == []
    text = alert_log(settings.output_dir).read_text(encoding="utf-8")
    assert "Kommun:   0382 Östhammar" in text and text.startswith("=== ")


def test_email_over_smtp_to_a_local_server(settings):
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.mails = []

        async def handle_DATA(self, server, session, envelope):
            self.mails.append(envelope)
            return "250 OK"

    handler = Keep()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = AlertSettings.from_env({"LAGESBILD_ALERT_SMTP": f"127.0.0.1:{port}",
                                         "LAGESBILD_ALERT_TO": "samordnare@kommun.se, it@kommun.se",
                                         "LAGESBILD_ALERT_FROM": "lagesbild@kommun.se"})
        assert alerts.report(_alert(settings), settings, config) == []
    finally:
        controller.stop()
    (mail,) = handler.mails
    assert mail.rcpt_tos == ["samordnare@kommun.se", "it@kommun.se"] and mail.mail_from == "lagesbild@kommun.se"
    message = message_from_bytes(mail.content, policy=policy.default)
    assert message["Subject"] == "lägesbild: körningen misslyckades (Östhammar, 2026-T2)"
    assert "Tertial:  2026-T2" in message.get_content()


def test_webhook_to_a_local_http_server(settings, httpserver):
    httpserver.expect_oneshot_request("/larm", method="POST").respond_with_data("ok")
    config = AlertSettings.from_env({"LAGESBILD_ALERT_WEBHOOK": httpserver.url_for("/larm")})
    assert alerts.report(_alert(settings), settings, config) == []
    (request, _), = httpserver.log
    payload = json.loads(request.get_data())
    assert payload["kommuner"] == ["0382"] and payload["tertial"] == "2026-T2" and payload["run_id"] == "1234-abcd"
    assert "Kommun:   0382 Östhammar" in payload["text"]


def test_a_dead_mail_server_is_noted_not_raised(settings):
    port = _free_port()  # nobody listens there
    config = AlertSettings.from_env({"LAGESBILD_ALERT_SMTP": f"127.0.0.1:{port}", "LAGESBILD_ALERT_TO": "a@b.se"})
    (problem,) = alerts.report(_alert(settings), settings, config)
    assert problem.startswith("e-post till a@b.se via 127.0.0.1:") and "OBS: e-post" in alert_log(settings.output_dir).read_text()


def test_settings_say_what_is_wrong():
    with pytest.raises(AlertSettingsError, match="värd:port"):
        AlertSettings.from_env({"LAGESBILD_ALERT_SMTP": "smtp.kommun.se:abc", "LAGESBILD_ALERT_TO": "a@b.se"})
    with pytest.raises(AlertSettingsError, match="mottagare"):
        AlertSettings.from_env({"LAGESBILD_ALERT_SMTP": "smtp.kommun.se:25"})
    assert AlertSettings.from_env({}).smtp_host == ""
