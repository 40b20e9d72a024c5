"""Police events through the real pipeline (Dagster + dbt + DuckDB): the parsing quirks
of real payloads, and the sample data's counts against an independent count."""

import gzip
import json
import re
from collections import Counter

import duckdb
import pytest

from tests.conftest import NO_PDF, SAMPLE, make_data_dir, run_pipeline

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

QUIRKS = [
    # single-digit hour in datetime; HH:MM in the older name format; the village in the summary
    {"id": 1, "datetime": "2023-05-13 7:19:16 +02:00", "name": "13 maj 00:55, Misshandel, Östhammar",
     "summary": "Man misshandlas på en restaurang i Öregrund.", "type": "Misshandel",
     "location": {"name": "Östhammar", "gps": "60.25,18.36"}},
    # HH.MM; county-level location.name since 2026; an alias in capitals
    {"id": 2, "datetime": "2026-06-20 8:38:52 +02:00", "name": "20 juni 19.27, Stöld, Östhammar",
     "summary": "Båtmotor stulen i LÖVSTABRUK.", "type": "Stöld",
     "location": {"name": "Uppsala län", "gps": "59.85,17.63"}},
    # published on 1 January about 31 December
    {"id": 3, "datetime": "2025-01-01 0:35:00 +01:00", "name": "31 december 23.50, Bråk, Östhammar",
     "summary": "Bråk vid nyårsfirande.", "type": "Bråk", "location": {"name": "Uppsala län", "gps": "1,2"}},
    # a place name inside a longer word is no mention: 'Gimonäs' is not Gimo
    {"id": 4, "datetime": "2024-03-02 12:00:00 +01:00", "name": "02 mars 11.00, Inbrott, Östhammar",
     "summary": "Inbrott i förråd vid Gimonäs.", "type": "Inbrott", "location": {"name": "Östhammar", "gps": "1,2"}},
    # another municipality: kept in staging, never in the indicators
    {"id": 5, "datetime": "2024-03-02 12:00:00 +01:00", "name": "02 mars 10.00, Inbrott, Tierp",
     "summary": "Inbrott i Gimo.", "type": "Inbrott", "location": {"name": "Tierp", "gps": "1,2"}},
    # out of scope type
    {"id": 6, "datetime": "2024-03-03 12:00:00 +01:00", "name": "03 mars 10.00, Trafikolycka, Östhammar",
     "summary": "Trafikolycka i Gimo.", "type": "Trafikolycka", "location": {"name": "Östhammar", "gps": "1,2"}},
    # county-wide summary: no municipality
    {"id": 7, "datetime": "2024-03-04 06:00:00 +01:00", "name": "04 mars 06.00, Sammanfattning natt, Uppsala län",
     "summary": "Lugn natt.", "type": "Sammanfattning natt", "location": {"name": "Uppsala län", "gps": "1,2"}},
]


@pytest.fixture(scope="module")
def quirks_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("quirks")
    data_dir = make_data_dir(base)
    (data_dir / "police" / "events").mkdir(parents=True)
    (data_dir / "police" / "events" / "quirks.json").write_text(json.dumps(QUIRKS), encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_pipeline(data_dir, base, monkeypatch, pdf=NO_PDF)
    assert result.exit_code == 0
    return result


def query(run, sql):
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_event_time_municipality_area_and_category(quirks_run):
    got = {
        row[0]: row[1:]
        for row in query(
            quirks_run,
            "select event_id, strftime(event_at, '%Y-%m-%d %H:%M'), kommun_code, area_id, category_id, period "
            "from intermediate.int_police_events",
        )
    }
    assert got == {
        1: ("2023-05-13 00:55", "0382", "oregrund", "hot_vald", "2023-T2"),
        2: ("2026-06-20 19:27", "0382", "forsmark", "stold", "2026-T2"),
        3: ("2024-12-31 23:50", "0382", "okant", "social_oro", "2024-T3"),
        4: ("2024-03-02 11:00", "0382", "okant", "inbrott", "2024-T1"),
        5: ("2024-03-02 10:00", "0360", None, "inbrott", "2024-T1"),
        6: ("2024-03-03 10:00", "0382", "gimo", None, "2024-T1"),
        7: ("2024-03-04 06:00", None, None, None, "2024-T1"),
    }
    published = query(quirks_run, "select strftime(published_at, '%H:%M:%S') from staging.stg_polisen__events where event_id = 1")
    assert published == [("07:19:16",)]


def test_only_in_scope_events_of_the_municipality_reach_the_indicators(quirks_run):
    assert sorted(
        query(quirks_run, "select period, area_id, category_id, police_event_count from marts.fct_problem_indicators")
    ) == [
        ("2023-T2", "oregrund", "hot_vald", 1),
        ("2024-T1", "okant", "inbrott", 1),
        ("2024-T3", "okant", "social_oro", 1),
        ("2026-T2", "forsmark", "stold", 1),
    ]


# --- versions and extracts: the newest wins, whatever the load order -------------------

# The police edited event 100 (Stöld -> Inbrott, 10:00 -> 14:00). The newer version is in
# a file that sorts, and so loads, *before* the first version's file.
NEWER_100 = {"id": 100, "datetime": "2025-03-10 14:00:00 +01:00", "name": "10 mars 09.15, Inbrott, Östhammar",
             "summary": "Inbrott i villa i Gimo.", "url": "/aktuellt/handelser/2025/mars/10/100/", "type": "Inbrott",
             "location": {"name": "Uppsala län", "gps": "60.12,17.83"}}
OLDER_100 = {**NEWER_100, "datetime": "2025-03-10 10:00:00 +01:00", "name": "10 mars 09.15, Stöld, Östhammar",
             "summary": "Stöld i villa i Gimo.", "type": "Stöld"}
EVENT_101 = {"id": 101, "datetime": "2025-02-03 8:00:00 +01:00", "name": "03 februari 07.30, Skadegörelse, Östhammar",
             "summary": "Klotter i Alunda.", "url": "/aktuellt/handelser/2025/februari/3/101/", "type": "Skadegörelse",
             "location": {"name": "Uppsala län", "gps": "60.06,18.08"}}
LOCAL = "Månad;Område;Brottskategori;Antal"
# The newer extract (its latest month is April) sorts first; the older one (latest month
# February) loads after it. February belongs to the newer extract whole.
EXTRACT_NEWER = [LOCAL, "2025-02;Östhammar;stöld;6", "2025-03;Gimo;inbrott;1", "2025-04;Östhammar;stöld;2"]
EXTRACT_OLDER = [LOCAL, "2025-01;Östhammar;stöld;5", "2025-02;Östhammar;stöld;4", "2025-02;Gimo;inbrott;3"]


@pytest.fixture(scope="module")
def versions_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("versions")
    data_dir = make_data_dir(base)
    events, local = data_dir / "police" / "events", data_dir / "police" / "local"
    events.mkdir(parents=True)
    local.mkdir(parents=True)
    (events / "a_uppdatering.json").write_text(json.dumps([NEWER_100]), encoding="utf-8")
    (events / "b_forsta.json").write_text(json.dumps([OLDER_100, EVENT_101]), encoding="utf-8")
    # the next payload repeats both events unchanged: other bytes, no new version
    (events / "c_nasta.jsonl").write_text("\n".join(json.dumps(e) for e in (EVENT_101, NEWER_100)), encoding="utf-8")
    (local / "a_utdrag_2025-04.csv").write_text("\n".join(EXTRACT_NEWER) + "\n", encoding="utf-8")
    (local / "b_utdrag_2025-02.csv").write_text("\n".join(EXTRACT_OLDER) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_pipeline(data_dir, base, monkeypatch, pdf=NO_PDF)
    assert result.exit_code == 0
    return result, base


def test_every_version_is_kept_in_raw_once(versions_run):
    run, _ = versions_run
    assert query(run, "select id, type, _source_file from raw.police_events order by id, datetime") == [
        (100, "Stöld", "police/events/b_forsta.json"),
        (100, "Inbrott", "police/events/a_uppdatering.json"),
        (101, "Skadegörelse", "police/events/b_forsta.json"),
    ]
    assert query(
        run, "select source_file, rows_loaded from audit.loaded_files where source_kind = 'police_events' order by 1"
    ) == [
        ("police/events/a_uppdatering.json", 1),
        ("police/events/b_forsta.json", 2),
        ("police/events/c_nasta.jsonl", 0),
    ]


def test_the_newest_version_wins_though_it_was_loaded_first(versions_run):
    run, _ = versions_run
    assert query(
        run, "select event_id, version_rank, event_type from intermediate.int_police_event_versions order by 1, 2"
    ) == [(100, 1, "Inbrott"), (100, 2, "Stöld"), (101, 1, "Skadegörelse")]
    assert query(
        run,
        "select event_id, category_id, area_id, period, summary, version_count from intermediate.int_police_events "
        "order by event_id",
    ) == [
        (100, "inbrott", "gimo", "2025-T1", "Inbrott i villa i Gimo.", 2),
        (101, "skadegorelse", "alunda", "2025-T1", "Klotter i Alunda.", 1),
    ]
    events = query(
        run,
        "select area_id, category_id, police_event_count from marts.fct_problem_indicators "
        "where period = '2025-T1' and police_event_count > 0 order by all",
    )
    assert events == [("alunda", "skadegorelse", 1), ("gimo", "inbrott", 1)]  # no stöld: the old version


def test_the_newest_extract_owns_each_month_it_covers(versions_run):
    run, _ = versions_run
    monthly = query(
        run,
        "select strftime(month, '%Y-%m'), area_id, category_id, reported_count, source_file "
        "from intermediate.int_police_reported_monthly order by all",
    )
    assert monthly == [
        ("2025-01", "osthammar", "stold", 5, "police/local/b_utdrag_2025-02.csv"),  # only the older covers January
        ("2025-02", "osthammar", "stold", 6, "police/local/a_utdrag_2025-04.csv"),  # Gimo inbrott 3 does not survive
        ("2025-03", "gimo", "inbrott", 1, "police/local/a_utdrag_2025-04.csv"),
        ("2025-04", "osthammar", "stold", 2, "police/local/a_utdrag_2025-04.csv"),
    ]
    reported = query(
        run,
        "select area_id, category_id, police_reported_count from marts.fct_problem_indicators "
        "where period = '2025-T1' and police_reported_count > 0 order by all",
    )
    assert reported == [("gimo", "inbrott", 1), ("osthammar", "stold", 5 + 6 + 2)]


def test_loading_the_versions_again_adds_nothing(versions_run, tmp_path_factory):
    """A second run with one more payload repeating both versions (other bytes) adds no rows
    and changes no result."""
    run, base = versions_run
    before = query(run, "select * from intermediate.int_police_events order by event_id")
    (run.data_dir / "police" / "events" / "d_igen.json").write_text(
        json.dumps([EVENT_101, OLDER_100, NEWER_100], indent=2), encoding="utf-8"
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        again = run_pipeline(run.data_dir, base, monkeypatch, pdf=NO_PDF)
    assert again.exit_code == 0
    assert query(again, "select count(*) from raw.police_events") == [(3,)]
    assert query(again, "select rows_loaded from audit.loaded_files where source_file like '%d_igen.json'") == [(0,)]
    assert query(again, "select * from intermediate.int_police_events order by event_id") == before


# --- the sample data against an independent count -------------------------------------

# DATA-CONTRACT §3, written out here independently of the dbt seeds.
TYPE_TO_CATEGORY = {
    **dict.fromkeys(["Stöld", "Stöld, försök", "Stöld, ringa", "Häleri", "Motorfordon, stöld", "Stöld/inbrott"], "stold"),
    **dict.fromkeys(["Inbrott", "Inbrott, försök"], "inbrott"),
    **dict.fromkeys(["Skadegörelse", "Mordbrand"], "skadegorelse"),
    **dict.fromkeys(["Olaga hot", "Misshandel", "Misshandel, grov", "Våld/hot mot tjänsteman", "Rån", "Rån, försök",
                     "Rån väpnat", "Rån övrigt", "Mord/dråp", "Mord/dråp, försök"], "hot_vald"),
    **dict.fromkeys(["Bråk", "Fylleri/LOB", "Ordningslagen", "Ofog barn/ungdom", "Ofredande/förargelse", "Alkohollagen"],
                    "social_oro"),
    "Narkotikabrott": "narkotika",
    **dict.fromkeys(["Knivlagen", "Vapenlagen", "Skottlossning", "Skottlossning, misstänkt", "Sprängning"], "vapen"),
}
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


def independent_counts(events: list[dict], municipality: str) -> Counter:
    counts = Counter()
    for e in events:
        if e["name"].rsplit(",", 1)[-1].strip() != municipality or e["type"] not in TYPE_TO_CATEGORY:
            continue
        day, month = re.match(r"\s*(\d+) (\w+)", e["name"]).groups()
        month = MONTHS.index(month.lower()) + 1
        year, published_month = int(e["datetime"][:4]), int(e["datetime"][5:7])
        if month == 12 and published_month == 1:
            year -= 1
        counts[(f"{year}-T{(month - 1) // 4 + 1}", TYPE_TO_CATEGORY[e["type"]])] += 1
    return counts


def test_sample_counts_match_an_independent_count_from_the_json(sample_run):
    events = []
    for path in sorted((SAMPLE / "police" / "events").iterdir()):
        if path.suffix == ".json":
            events += json.loads(path.read_text(encoding="utf-8"))
        elif path.name.endswith(".jsonl.gz"):
            events += [json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines() if line.strip()]
    expected = independent_counts(list({e["id"]: e for e in events}.values()), "Östhammar")
    got = Counter(
        {
            (period, category): count
            for period, category, count in query(
                sample_run,
                "select period, category_id, sum(police_event_count) from marts.fct_problem_indicators "
                "where police_event_count > 0 group by all",
            )
        }
    )
    assert sum(expected.values()) > 20
    assert got == expected


def test_sample_run_writes_a_report_for_every_tertial_with_data(sample_run):
    """Every tertial with data gets its files (their content is tested in test_report.py)."""
    periods = [p for (p,) in query(sample_run, "select period from marts.dim_period order by 1")]
    assert periods[0] <= "2023-T1" and periods[-1] >= "2026-T2"
    for period in periods:
        if period < "2023-T1":  # before the partitions start (DESIGN.md): in the marts, no report
            continue
        folder = sample_run.output_dir / period
        assert {"lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx"} <= {p.name for p in folder.iterdir()}
        html = (folder / "lagesbild.html").read_text(encoding="utf-8")
        assert "Lägesbild Östhammars kommun" in html and "<svg" in html and "Källa: Polisen" in html
        assert not re.search(r"<(script|link)\b|src=\"https?://", html), "report must be self-contained"
