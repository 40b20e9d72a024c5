"""Live sources (pipelines/connectors, DATA-CONTRACT §7) against a real HTTP server on this
machine (pytest-httpserver), with recorded payloads in the services' formats and a fake clock:
the waiting is checked, never done."""

import json
import shutil
import socket
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from werkzeug import Response

from pipelines.connectors import fetch_source, kolada, police
from pipelines.connectors.http import CapReached, Limits, PoliteClient
from pipelines.connectors.record import CallRecord
from pipelines.settings import ConnectorSettings, Settings

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
FIXTURES = REPO / "tests" / "fixtures" / "connectors"
ARCHIVE = json.loads((SAMPLE / "police" / "events" / "events_uppsala_lan.json").read_text(encoding="utf-8"))
CONTACT = "kontakt@example.org"
START = datetime(2026, 9, 1, 12, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, start: datetime = START):
        self.moment, self.slept = start, []

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.moment += timedelta(seconds=seconds)


def api_payload(events: list[dict]) -> bytes:
    """As the API sends it: a JSON array, newest first."""
    return json.dumps(list(reversed(events)), ensure_ascii=False).encode()


@pytest.fixture
def settings(tmp_path) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    text = (SAMPLE / "municipality.yaml").read_text(encoding="utf-8")
    (data_dir / "municipality.yaml").write_text(text + "kolada_kpis: [N07403, N07402]\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse" / "lagesbild.duckdb"
    return Settings(data_dir, warehouse, tmp_path / "output", warehouse.parent / "analytics.duckdb")


def connectors(server, *names: str) -> ConnectorSettings:
    url = server.url_for("").rstrip("/")
    return ConnectorSettings(enabled=names or ("polisen", "scb", "kolada"),
                             urls={"polisen": url, "scb": url + "/api/v2", "kolada": url + "/v3"}, contact=CONTACT)


def calls(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute("select source, status, bytes, error from audit.connector_calls order by called_at").fetchall()


def api_files(settings: Settings) -> list[Path]:
    return sorted(police.api_dir(settings.data_dir).glob("*.json"))


def test_police_payload_written_as_received_with_our_user_agent(httpserver, settings):
    body = api_payload(ARCHIVE[-500:])
    httpserver.expect_request("/api/events").respond_with_data(body, content_type="application/json")
    outcome = fetch_source("polisen", settings, connectors(httpserver, "polisen"), clock=FakeClock())
    assert outcome.warnings == []
    (request, _), = httpserver.log
    agent = request.headers["User-Agent"]
    assert agent.startswith("lagesbild/") and CONTACT in agent
    (path,) = api_files(settings)
    assert path.read_bytes() == body and path.name == "20260901T120000Z.json"
    assert calls(settings) == [("polisen", 200, len(body), None)]
    assert (outcome.calls, outcome.bytes) == (1, len(body))
    # the loader reads it like any payload (DATA-CONTRACT §2.4)
    from pipelines.ingest import police_events

    assert len(police_events.parse(path).rows) == 500


def test_an_identical_poll_writes_no_file_a_changed_event_does(httpserver, settings):
    events = [dict(e) for e in ARCHIVE[-500:]]
    clock = FakeClock()
    conn = connectors(httpserver, "polisen")
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(events))
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(events))
    edited = [*events[:-1], {**events[-1], "summary": events[-1]["summary"] + " Uppdatering."}]
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(edited))
    for _ in range(3):
        fetch_source("polisen", settings, conn, clock=clock)
    assert len(httpserver.log) == 3 and len(api_files(settings)) == 2
    # a new warehouse (the index is rebuilt from the files): still nothing new to write
    shutil.rmtree(settings.warehouse.parent)
    httpserver.expect_request("/api/events").respond_with_data(api_payload(edited))
    outcome = fetch_source("polisen", settings, conn, clock=clock)
    assert outcome.files == [] and len(api_files(settings)) == 2


def test_calls_are_spaced_by_the_clock_not_by_waiting(httpserver, settings):
    httpserver.expect_request("/api/events").respond_with_data(api_payload(ARCHIVE[-10:]))
    clock = FakeClock()
    conn = connectors(httpserver, "polisen")
    fetch_source("polisen", settings, conn, clock=clock)
    clock.sleep(3)  # three seconds later another fetch must wait the seven that are left
    fetch_source("polisen", settings, conn, clock=clock)
    assert clock.slept == [3, 7]


def test_a_gap_is_a_warning_with_its_time_span_and_is_recorded(httpserver, settings):
    clock = FakeClock()
    conn = connectors(httpserver, "polisen")
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(ARCHIVE[-1000:-700]))
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(ARCHIVE[-500:]))
    assert fetch_source("polisen", settings, conn, clock=clock).gaps == []
    outcome = fetch_source("polisen", settings, conn, clock=clock)
    (start, end), = outcome.gaps
    assert start == police.published_at(ARCHIVE[-701]) and end == police.published_at(ARCHIVE[-500])
    assert "lucka" in outcome.warnings[0] and f"{start:%Y-%m-%d %H:%M}" in outcome.warnings[0]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("select newest_before, oldest_now from audit.connector_gaps").fetchall() == [(start, end)]
    assert len(api_files(settings)) == 2


def test_429_waits_as_asked_then_succeeds(httpserver, settings):
    body = api_payload(ARCHIVE[-20:])
    httpserver.expect_ordered_request("/api/events").respond_with_response(Response("", 429, {"Retry-After": "30"}))
    httpserver.expect_ordered_request("/api/events").respond_with_data(body)
    clock = FakeClock()
    outcome = fetch_source("polisen", settings, connectors(httpserver, "polisen"), clock=clock)
    assert clock.slept == [30] and outcome.warnings == [] and len(api_files(settings)) == 1
    assert [c[1] for c in calls(settings)] == [429, 200]


def test_5xx_backs_off_then_gives_up_with_a_warning(httpserver, settings):
    httpserver.expect_request("/api/events").respond_with_data("busy", status=503)
    clock = FakeClock()
    outcome = fetch_source("polisen", settings, connectors(httpserver, "polisen"), clock=clock)
    # 5, 10, 20 s of backoff (each at least the 10 s spacing)
    assert clock.slept == [5, 5, 10, 20] and len(httpserver.log) == 4
    assert "503" in outcome.warnings[0] and api_files(settings) == []


def test_404_stops_at_once(httpserver, settings):
    httpserver.expect_request("/api/events").respond_with_data("not here", status=404)
    outcome = fetch_source("polisen", settings, connectors(httpserver, "polisen"), clock=FakeClock())
    assert len(httpserver.log) == 1 and "404" in outcome.warnings[0]


def test_unreachable_or_malformed_is_a_warning_and_loses_nothing(httpserver, settings):
    clock = FakeClock()
    httpserver.expect_ordered_request("/api/events").respond_with_data(api_payload(ARCHIVE[-50:]))
    httpserver.expect_ordered_request("/api/events").respond_with_data("<html>underhåll</html>")
    conn = connectors(httpserver, "polisen")
    fetch_source("polisen", settings, conn, clock=clock)
    before = {p: p.read_bytes() for p in api_files(settings)}
    malformed = fetch_source("polisen", settings, conn, clock=clock)
    assert "inte JSON" in malformed.warnings[0]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = ConnectorSettings(enabled=("polisen",), urls={**conn.urls, "polisen": f"http://127.0.0.1:{port}"},
                             contact=CONTACT)
    unreachable = fetch_source("polisen", settings, down, clock=clock)
    assert "inget svar" in unreachable.warnings[0]
    assert {p: p.read_bytes() for p in api_files(settings)} == before
    assert calls(settings)[-1][1] is None and "ConnectError" in calls(settings)[-1][3]


def test_plain_http_to_another_host_is_refused_before_any_call(settings):
    conn = ConnectorSettings(enabled=("polisen",), urls={"polisen": "http://polisen.example"}, contact=CONTACT)
    outcome = fetch_source("polisen", settings, conn, clock=FakeClock())
    assert "HTTPS" in outcome.warnings[0] and outcome.calls == 0


def test_switched_off_nothing_is_fetched(httpserver, settings):
    assert ConnectorSettings.from_env({}).enabled == ()
    outcome = fetch_source("polisen", settings, connectors(httpserver, "scb"), clock=FakeClock())
    assert httpserver.log == [] and outcome.calls == 0 and not settings.warehouse.exists()


def test_without_a_contact_nothing_is_fetched(httpserver, settings):
    conn = ConnectorSettings(enabled=("polisen",), urls=connectors(httpserver).urls, contact="")
    outcome = fetch_source("polisen", settings, conn, clock=FakeClock())
    assert httpserver.log == [] and "LAGESBILD_CONTACT" in outcome.warnings[0]


def test_the_hourly_cap_counts_every_earlier_call(httpserver, settings):
    record = CallRecord(settings.warehouse)
    with record.connect() as con:
        for minute in range(60):
            record.reserve(con, "polisen", "x", START - timedelta(minutes=minute, seconds=30))
    httpserver.expect_request("/api/events").respond_with_data(api_payload(ARCHIVE[-5:]))
    outcome = fetch_source("polisen", settings, connectors(httpserver, "polisen"), clock=FakeClock())
    assert httpserver.log == [] and "60 anrop per timme" in outcome.warnings[0]


CAPPED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipelines.connectors.http import CapReached, Limits, PoliteClient
    from pipelines.connectors.record import CallRecord
    limits = Limits(min_interval=0.0, caps=((3600.0, 60), (86400.0, {daily})))
    made = 0
    with PoliteClient("polisen", limits, CallRecord(Path(sys.argv[1])), "kontakt@example.org") as client:
        for _ in range(6):
            try:
                client.get(sys.argv[2])
                made += 1
            except CapReached:
                break
    print(made)
""")


@pytest.mark.parametrize("window", ["hour", "day"])
def test_caps_hold_across_two_processes(httpserver, settings, window):
    """Two processes share the warehouse's record: together they make no more calls than the cap."""
    record = CallRecord(settings.warehouse)
    if window == "hour":
        script = CAPPED.format(daily=1440).replace("(3600.0, 60)", "(3600.0, 4)")
    else:
        # three calls earlier today, outside the last hour: four of seven left
        with record.connect() as con:
            for hours in (2, 3, 4):
                record.reserve(con, "polisen", "x", datetime.now(timezone.utc) - timedelta(hours=hours))
        script = CAPPED.format(daily=7)
    httpserver.expect_request("/api/events").respond_with_data("[]")
    url = httpserver.url_for("/api/events")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(settings.warehouse), url], cwd=REPO,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    made = [int(p.communicate(timeout=120)[0]) for p in procs]
    assert sum(made) == 4 and len(httpserver.log) == 4


def test_scb_population_as_json_stat2(httpserver, settings):
    body = (FIXTURES / "scb_tab638.json").read_bytes()
    httpserver.expect_request("/api/v2/tables/TAB638/data").respond_with_data(body)
    clock = FakeClock()
    outcome = fetch_source("scb", settings, connectors(httpserver, "scb"), clock=clock)
    (request, _), = httpserver.log
    assert request.args["valueCodes[Region]"] == "0382" and request.args["outputFormat"] == "json-stat2"
    assert request.args["valueCodes[Tid]"] == "top(5)" and request.args["valueCodes[ContentsCode]"] == "BE0101N1"
    (path,) = (settings.data_dir / "reference" / "scb").glob("*.json")
    assert path.name == "TAB638_20260901T120000Z.json" and path.read_bytes() == body
    assert outcome.newest_data == "2024"
    again = fetch_source("scb", settings, connectors(httpserver, "scb"), clock=clock)  # the same answer
    assert again.files == [] and len(list(path.parent.glob("*.json"))) == 1


def kolada_page(kpi: str, area: str, next_url: str | None) -> dict:
    values = [{"kpi": kpi, "municipality": area, "period": year,
               "values": [{"gender": "T", "count": 1, "status": "", "value": 500.0 + year % 10, "isdeleted": False}]}
              for year in (2023, 2024)]
    return {"count": len(values), "next_url": next_url, "previous_url": None, "values": values}


def test_kolada_follows_next_url_with_at_most_25_ids_a_call(httpserver, settings):
    kpis = [f"N{n:05d}" for n in range(7400, 7430)]  # 30: two calls' worth
    text = (settings.data_dir / "municipality.yaml").read_text(encoding="utf-8")
    (settings.data_dir / "municipality.yaml").write_text(
        text.replace("kolada_kpis: [N07403, N07402]", f"kolada_kpis: [{', '.join(kpis)}]"), encoding="utf-8")
    areas = "0000,0003,0382"
    first, second = ",".join(kpis[:25]), ",".join(kpis[25:])
    page2 = httpserver.url_for("/v3/data/page2")
    httpserver.expect_request(f"/v3/data/kpi/{first}/municipality/{areas}").respond_with_json(
        kolada_page(kpis[0], "0382", page2))
    httpserver.expect_request("/v3/data/page2").respond_with_json(kolada_page(kpis[1], "0003", None))
    httpserver.expect_request(f"/v3/data/kpi/{second}/municipality/{areas}").respond_with_json(
        kolada_page(kpis[25], "0000", None))
    for chunk in (kpis[:25], kpis[25:]):  # the KPIs' titles, 25 ids a call too
        httpserver.expect_request(f"/v3/kpi/{','.join(chunk)}").respond_with_json(
            {"count": len(chunk), "next_url": None, "values": [{"id": k, "title": f"Titel {k}"} for k in chunk]})
    outcome = fetch_source("kolada", settings, connectors(httpserver, "kolada"), clock=FakeClock())
    assert outcome.warnings == [] and outcome.calls == 5 and outcome.newest_data == "2024"
    written = sorted(p.name for p in (settings.data_dir / "reference" / "kolada").glob("*.json"))
    assert written == ["20260901T120000Z-2.json", "20260901T120000Z-3.json", "20260901T120000Z.json"]
    titles = sorted(p.name for p in (settings.data_dir / "reference" / "kolada" / "kpi").glob("*.json"))
    assert titles == ["20260901T120000Z-2.json", "20260901T120000Z.json"]
    assert kolada.county_id("0382") == "0003"


def test_a_limits_object_waits_out_a_short_window(settings, httpserver):
    """SCB's 30 calls per 10 s: the 31st call waits for the first to leave the window."""
    httpserver.expect_request("/x").respond_with_data("{}")
    clock = FakeClock()
    limits = Limits(min_interval=0.0, caps=((10.0, 30),))
    with PoliteClient("scb", limits, CallRecord(settings.warehouse), CONTACT, clock) as client:
        for _ in range(31):
            client.get(httpserver.url_for("/x"))
    assert clock.slept == [10]
    assert CapReached  # long windows raise instead (test_the_hourly_cap_counts_every_earlier_call)


def test_the_inbox_sensor_sees_the_connector_files(settings):
    from pipelines.sensors import watched_files

    path = police.api_dir(settings.data_dir) / "20260901T120000Z.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(api_payload(ARCHIVE[-3:]))
    assert path in watched_files(settings)


def test_the_police_events_loader_reads_the_api_subfolder_with_its_owner(tmp_path):
    from pipelines.ingest.assets import source_folders
    from region_dirs import make_region_dir

    data_dir = make_region_dir(tmp_path, {"0360": "Tierp"})
    shared = data_dir / "police" / "events"
    (shared / "api").mkdir(parents=True)
    (data_dir / "kommuner" / "0382-osthammar" / "police" / "events" / "api").mkdir(parents=True)
    region = Settings(data_dir, tmp_path / "w.duckdb", tmp_path / "output", tmp_path / "a.duckdb")
    folders = {(f.path, f.kommun_code) for f in source_folders(region, "police_events")}
    assert (shared / "api", None) in folders
    assert (data_dir / "kommuner" / "0382-osthammar" / "police" / "events" / "api", "0382") in folders
    assert not any(f.path.name == "api" for f in source_folders(region, "police_local"))
