"""A switched-on connector through `make run`'s code path (pipelines.run.main), against a local
server that speaks the police events API: what it fetches is kept as a file and reaches
raw.police_events, the marts and the analyst copy; an unreachable server is a warning and the
picture is still built. DATA-CONTRACT §7."""

import json
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.connectors import police
from tests.conftest import NO_PDF, SAMPLE, make_data_dir, run_pipeline

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
    first = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert first.exit_code == 0
    before = query(first.warehouse, BURGLARIES_GIMO)[0][0]
    (written,) = police.api_dir(data_dir).glob("*.json")
    assert written.read_bytes() == payload(ARCHIVE)
    assert query(first.warehouse, "select count(distinct id) from raw.police_events "
                                  "where _source_file like 'police/events/api/%'") == [(500,)]

    # the event appears on the server; the next run fetches it and shows it
    server.expect_ordered_request("/api/events").respond_with_data(payload([*ARCHIVE, NEW_EVENT]))
    second = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
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
    monkeypatch.setenv("LAGESBILD_POLISEN_MAX_AGE", "0h")  # so the last success counts as stale
    third = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert third.exit_code == 0
    out = capsys.readouterr().out
    assert "VARNING: polisen: inget svar" in out and "VARNING: polisen: inaktuell: senaste lyckade hämtning" in out
    assert query(third.warehouse, BURGLARIES_GIMO)[0][0] == before + 1
    assert len(list(police.api_dir(data_dir).glob("*.json"))) == 2


def scb_dataset(values: dict[str, int | None]) -> dict:
    """TAB638 as SCB's PxWeb API v2 answers in json-stat2: Östhammar's Folkmängd per year
    (a null with status '..' where SCB has no figure)."""
    years = list(values)
    return {
        "version": "2.0", "class": "dataset", "label": "Folkmängden efter region, tabellinnehåll och år",
        "source": "SCB", "updated": "2026-02-20T07:00:00Z",
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "id": ["Region", "ContentsCode", "Tid"], "size": [1, 1, len(years)],
        "dimension": {
            "Region": {"label": "region", "category": {"index": {"0382": 0}, "label": {"0382": "Östhammar"}}},
            "ContentsCode": {"label": "tabellinnehåll", "category": {
                "index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"},
                "unit": {"BE0101N1": {"base": "antal", "decimals": 0}}}},
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)},
                                                 "label": {y: y for y in years}}},
        },
        "value": list(values.values()),
        "status": {str(i): ".." for i, v in enumerate(values.values()) if v is None},
        "extension": {"px": {"tableid": "TAB638"}},
    }


KPI = "N07403"
KPI_TITLE = "Anmälda våldsbrott, antal/100 000 inv"
KOLADA = {("0382", 2023): 512.0, ("0382", 2024): 498.5, ("0003", 2023): 640.2, ("0003", 2024): 655.0,
          ("0000", 2023): 780.1, ("0000", 2024): 771.3}


def kolada_entries(areas: tuple[str, ...], overrides: dict | None = None) -> list[dict]:
    figures = {**KOLADA, **(overrides or {})}
    return [{"kpi": KPI, "municipality": area, "period": year,
             "values": [{"gender": "T", "count": 1, "status": "", "value": figures[(area, year)], "isdeleted": False}]}
            for (area, year) in figures if area in areas]


def serve_reference(server, kolada_overrides: dict | None = None) -> None:
    """SCB and Kolada in their formats: TAB638 json-stat2; Kolada /data over two pages (next_url)
    and /kpi with the title."""
    server.expect_request("/api/v2/tables/TAB638/data").respond_with_json(
        scb_dataset({"2023": 22355, "2024": 22370, "2025": None}))
    page2 = server.url_for("/v3/data/kpi/N07403/municipality/0000,0003,0382/page/2")
    server.expect_request("/v3/data/kpi/N07403/municipality/0000,0003,0382").respond_with_json(
        {"count": 4, "next_url": page2, "previous_url": None,
         "values": kolada_entries(("0382", "0003"), kolada_overrides)})
    server.expect_request("/v3/data/kpi/N07403/municipality/0000,0003,0382/page/2").respond_with_json(
        {"count": 2, "next_url": None, "previous_url": None, "values": kolada_entries(("0000",), kolada_overrides)})
    server.expect_request(f"/v3/kpi/{KPI}").respond_with_json(
        {"count": 1, "next_url": None, "values": [{"id": KPI, "title": KPI_TITLE, "municipality_type": "K"}]})


@pytest.fixture
def all_switched_on(switched_on, monkeypatch):
    server = switched_on
    monkeypatch.setenv("LAGESBILD_CONNECTORS", "polisen,scb,kolada")
    monkeypatch.setenv("LAGESBILD_SCB_URL", server.url_for("/api/v2").rstrip("/"))
    monkeypatch.setenv("LAGESBILD_KOLADA_URL", server.url_for("/v3").rstrip("/"))
    return server


@pytest.mark.slow
def test_scb_and_kolada_reach_the_marts_through_make_run(all_switched_on, tmp_path, monkeypatch, capsys):
    server = all_switched_on
    data_dir = make_data_dir(tmp_path)
    with (data_dir / "municipality.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"kolada_kpis: [{KPI}]\n")
    server.expect_request("/api/events").respond_with_data(payload(ARCHIVE))
    serve_reference(server)
    first = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert first.exit_code == 0
    assert len(list((data_dir / "reference" / "scb").glob("TAB638_*.json"))) == 1
    assert len(list((data_dir / "reference" / "kolada").glob("*.json"))) == 2
    assert len(list((data_dir / "reference" / "kolada" / "kpi").glob("*.json"))) == 1

    # SCB's newest year feeds the municipality and its rates; its missing 2025 is a rejected row
    assert query(first.warehouse, "select population, population_year, population_source "
                                  "from marts.dim_municipality") == [(22370, 2024, "SCB")]
    populations = dict(query(first.warehouse, "select distinct period, population from "
                                              "marts.fct_municipality_comparison where kommun_code = '0382'"))
    assert populations and all(p == (22355 if period < "2024" else 22370) for period, p in populations.items())
    (reason,) = query(first.warehouse, "select reason from audit.rejected_rows where source_kind = 'scb'")
    assert reason == ("SCB har inget värde för Östhammar (0382), Folkmängd, år 2025 (status '..').",)

    # Kolada: the municipality, its county and the country, every figure traced to its file
    rows = query(first.warehouse, "select kommun_code, area_level, year, value, kpi_title, source_file "
                                  "from marts.fct_reference_kpis order by kommun_code, year")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == sorted(
        (area, {"0382": "kommun", "0003": "län", "0000": "riket"}[area], year, value)
        for (area, year), value in KOLADA.items())
    assert {r[4] for r in rows} == {KPI_TITLE}
    assert all(r[5].startswith("reference/kolada/") and (data_dir / r[5]).is_file() for r in rows)
    assert query(first.warehouse.parent / "analytics.duckdb", "select count(*) from marts.fct_reference_kpis") == [(6,)]

    # the report lays out the published figures: the newest year beside the county and the country
    newest = max(p.name for p in first.output_dir.iterdir() if (p / "lagesbild.html").is_file())
    figures = query(first.warehouse, (
        "select table_name, column_key, shown, row_label from marts.fct_published_figures where period = "
        f"'{newest}' and table_name in ('referens_kolada', 'befolkning', 'referens_kallor')"))
    shown = {(r[0], r[1]): r[2] for r in figures}
    assert {k: shown[("referens_kolada", k)] for k in ("kommun", "lan", "riket")} == {
        "kommun": "498,5", "lan": "655,0", "riket": "771,3"}
    assert {r[3] for r in figures if r[0] == "referens_kolada"} == {f"{KPI_TITLE}, 2024"}
    assert shown[("befolkning", "population")] == "22\u00a0370" and shown[("befolkning", "source")] == "SCB"
    html = (first.output_dir / newest / "lagesbild.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="ovrigt">'):html.index('<section id="analys">')]
    assert KPI_TITLE in section and "Uppsala län" in section and "771,3" in section and "22\u00a0370" in section
    assert "Källa: Kolada" in section and "Källa: SCB" in section and "Källa: Polisen" in section

    # Kolada revises a figure: the newer fetch wins; loading again adds nothing
    server.clear()
    server.expect_request("/api/events").respond_with_data(payload(ARCHIVE))
    serve_reference(server, {("0382", 2024): 501.0})
    second = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert second.exit_code == 0
    assert query(second.warehouse, "select value from marts.fct_reference_kpis "
                                   "where kommun_code = '0382' and year = 2024") == [(501.0,)]
    assert query(second.warehouse, "select count(*) from marts.fct_reference_kpis") == [(6,)]
    assert query(second.warehouse, "select count(*) from raw.scb_population") == [(2,)]
    out = capsys.readouterr().out
    assert "scb: 1 anrop" in out and "kolada: 3 anrop" in out


class _Clock:
    """A connector clock set by hand (the file names are the fetch times)."""

    def __init__(self, moment):
        self.moment = moment

    def now(self):
        return self.moment

    def sleep(self, seconds):
        self.moment += timedelta(seconds=seconds)


FIRST = {**NEW_EVENT, "id": 9999002, "datetime": "2026-08-20 21:14:07 +02:00",
         "name": "20 augusti 20.50, Stöld, Östhammar", "type": "Stöld",
         "summary": "Cykel stulen vid stationen i Gimo."}
EDITED = {**FIRST, "datetime": "2026-08-20 23:40:00 +02:00", "name": "20 augusti 20.50, Inbrott, Östhammar",
          "type": "Inbrott", "summary": "Inbrott i förråd i Gimo."}
GIMO_2026_T2 = ("select coalesce(sum(police_event_count) filter (where category_id = 'inbrott'), 0), "
                "coalesce(sum(police_event_count) filter (where category_id = 'stold'), 0) "
                "from marts.fct_problem_indicators where kommun_code = '0382' and period = '2026-T2'")


@pytest.mark.slow
def test_the_newest_version_wins_when_payloads_arrive_out_of_order(httpserver, tmp_path, monkeypatch):
    """The connector fetches the first version (file 19:20 UTC), then the police edit the event
    (file 21:45). The earlier file arrives late (copied in from another machine): loaded after
    the edit, it changes nothing: the marts and the analyst copy count the edited version only,
    and no published figure carries the old one."""
    from pipelines.connectors import fetch_source
    from pipelines.settings import ConnectorSettings, Settings

    data_dir = make_data_dir(tmp_path)
    monkeypatch.setenv("LAGESBILD_AS_OF", "2026-12-01")
    monkeypatch.delenv("LAGESBILD_CONNECTORS", raising=False)  # the runs only load what was fetched
    settings = Settings(data_dir, tmp_path / "warehouse" / "lagesbild.duckdb", tmp_path / "output",
                        tmp_path / "warehouse" / "analytics.duckdb")
    connectors = ConnectorSettings(enabled=("polisen",), urls={"polisen": httpserver.url_for("").rstrip("/")},
                                   contact="kontakt@example.org")
    written = []
    for event, moment in ((FIRST, datetime(2026, 8, 20, 19, 20, tzinfo=timezone.utc)),
                          (EDITED, datetime(2026, 8, 20, 21, 45, tzinfo=timezone.utc))):
        httpserver.clear()
        httpserver.expect_request("/api/events").respond_with_data(payload([event]))
        outcome = fetch_source("polisen", settings, connectors, clock=_Clock(moment))
        assert len(outcome.files) == 1, outcome.warnings
        written += outcome.files
    assert [p.name for p in written] == ["20260820T192000Z.json", "20260820T214500Z.json"]
    late = tmp_path / written[0].name
    written[0].rename(late)  # the first payload is elsewhere: only the edit is loaded
    run = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert run.exit_code == 0 and query(run.warehouse, GIMO_2026_T2) == [(1, 0)]  # (inbrott, stöld)
    late.rename(written[0])  # ... and arrives after it
    run = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    assert run.exit_code == 0
    assert query(run.warehouse, "select count(*) from raw.police_events where id = 9999002") == [(2,)]
    for warehouse in (run.warehouse, run.warehouse.parent / "analytics.duckdb"):
        assert query(warehouse, GIMO_2026_T2) == [(1, 0)]  # (inbrott, stöld)
        assert query(warehouse, "select count(*) from marts.fct_published_figures "
                                "where shown like '%Cykel%' or shown like '%Stöld, Östhammar%'") == [(0,)]

    # a one-event payload reaches back to nothing seen before: a possible gap, with its span in
    # Swedish time, in the quality report of the tertial it falls in
    quality = (run.output_dir / "2026-T2" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Möjliga luckor i polisens händelser" in quality
    assert "publicerade mellan 2026-08-20 21:14 och 2026-08-20 23:40 (2 timmar) kan saknas" in quality
    assert "20260820T214500Z.json" in quality
