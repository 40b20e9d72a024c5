"""Police events through the real pipeline (Dagster + dbt + DuckDB): the parsing quirks
of real payloads, and the sample data's counts against an independent count."""

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE, make_data_dir, run_pipeline

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
        result = run_pipeline(data_dir, base, monkeypatch)
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
