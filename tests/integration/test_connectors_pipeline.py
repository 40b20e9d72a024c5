"""A switched-on connector through `make run`'s code path (pipelines.run.main), against a local
server that speaks the police events API: what it fetches is kept as a file and reaches
raw.police_events, the marts and the analyst copy; an unreachable server is a warning and the
picture is still built. DATA-CONTRACT §7."""

import json
import socket
from pathlib import Path

import duckdb
import pytest

from pipelines.connectors import police
from tests.conftest import SAMPLE, make_data_dir, run_pipeline

ARCHIVE = json.loads((SAMPLE / "police" / "events" / "events_uppsala_lan.json").read_text(encoding="utf-8"))
NEW_EVENT = {
    "id": 9999001, "datetime": "2026-08-20 21:14:07 +02:00", "name": "20 augusti 20.50, Inbrott, Östhammar",
    "summary": "Inbrott i förråd i Gimo.", "url": "/aktuellt/handelser/2026/augusti/20/20-augusti-2050-inbrott-osthammar/",
    "type": "Inbrott", "location": {"name": "Uppsala län", "gps": "60.124,17.834"},
}
BURGLARIES_GIMO = (
    "select coalesce(sum(police_event_count), 0) from marts.fct_problem_indicators "
    "where kommun_code = '0382' and period = '2026-T2' and area_id = 'gimo' and category_id = 'inbrott'"
)


def payload(events: list[dict]) -> bytes:
    return json.dumps(list(reversed(events[-500:])), ensure_ascii=False).encode()


@pytest.fixture
def switched_on(monkeypatch, httpserver):
    monkeypatch.setenv("LAGESBILD_CONNECTORS", "polisen")
    monkeypatch.setenv("LAGESBILD_POLISEN_URL", httpserver.url_for("").rstrip("/"))
    monkeypatch.setenv("LAGESBILD_CONTACT", "kontakt@example.org")
    monkeypatch.setenv("LAGESBILD_AS_OF", "2026-12-01")
    return httpserver


def query(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.slow
def test_a_new_event_on_the_server_reaches_the_marts_and_the_analyst_copy(switched_on, tmp_path, monkeypatch, capsys):
    data_dir = make_data_dir(tmp_path)
    server = switched_on
    server.expect_ordered_request("/api/events").respond_with_data(payload(ARCHIVE))
    first = run_pipeline(data_dir, tmp_path, monkeypatch)
    assert first.exit_code == 0
    before = query(first.warehouse, BURGLARIES_GIMO)[0][0]
    (written,) = police.api_dir(data_dir).glob("*.json")
    assert written.read_bytes() == payload(ARCHIVE)
    assert query(first.warehouse, "select count(distinct id) from raw.police_events "
                                  "where _source_file like 'police/events/api/%'") == [(500,)]

    # the event appears on the server; the next run fetches it and shows it
    server.expect_ordered_request("/api/events").respond_with_data(payload([*ARCHIVE, NEW_EVENT]))
    second = run_pipeline(data_dir, tmp_path, monkeypatch)
    assert second.exit_code == 0
    assert query(second.warehouse, BURGLARIES_GIMO)[0][0] == before + 1
    assert query(second.warehouse.parent / "analytics.duckdb", BURGLARIES_GIMO)[0][0] == before + 1
    assert len(list(police.api_dir(data_dir).glob("*.json"))) == 2
    out = capsys.readouterr().out
    assert "0/2 hämtar från live-källor: polisen" in out and "polisen: 1 anrop" in out

    # the server is gone: a warning, the files stay, the picture is still built
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("LAGESBILD_POLISEN_URL", f"http://127.0.0.1:{port}")
    third = run_pipeline(data_dir, tmp_path, monkeypatch)
    assert third.exit_code == 0
    assert "VARNING: polisen: inget svar" in capsys.readouterr().out
    assert query(third.warehouse, BURGLARIES_GIMO)[0][0] == before + 1
    assert len(list(police.api_dir(data_dir).glob("*.json"))) == 2
