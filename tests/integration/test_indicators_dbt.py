"""fct_problem_indicators and fct_pledge_followup through the real loaders and the real
dbt project (subprocess, own target path) on a small fixture built here, against values
worked out by hand: rates, same-tertial comparisons, the exact significance test, Wilson
bounds, the priority ranks of one tertial and every pledge status.

The fixture (municipality of five areas; one police extract; partner reports; surveys):
- police extract: 2022-T1, 2023-T1, 2024-T1, 2025-T1 (January of each), 2025-T2 (May) and
  2025-T3 (September) are covered; 2024-T2 and 2024-T3 are not. Dannemora's stöld in
  2024-01 is suppressed at source ('..').
- Öregrund's population is 1 000 in 2024 and 3 000 in 2025 (2023 takes the nearest year,
  2024); the others have one configured year.
- no police events: the events weight drops out of the priority score.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from scipy.stats import binomtest, false_discovery_control, fisher_exact

from pipelines import warehouse
from pipelines.config import load_municipality, load_pledges, load_questions
from pipelines.ingest import (kolada_kpis, kolada_values, partners, police_bra, police_events, police_local,
                              scb_population, surveys)
from pipelines.ingest.common import load_file
from pipelines.ingest.municipality import write_config
from pipelines.ingest.pledges import write_pledges
from tests.raw_lineage import own_rows

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"

MUNICIPALITY = """
code: "0382"
name: Östhammar
areas:
  - {id: osthammar, name: Östhammar, population: {2023: 5000}}
  - {id: gimo, name: Gimo, population: {2023: 2000}}
  - {id: alunda, name: Alunda, population: {2023: 2500}}
  - {id: oregrund, name: Öregrund, population: {2024: 1000, 2025: 3000}}
  - {id: dannemora, name: Dannemora, population: {2023: 250}}
"""

# Significance cases, last year (2024-T1) -> this year (2025-T1): (area, category, last, now).
# Öregrund's exposure share this year is 3000 / (1000 + 3000) = 0.75, the others' 0.5.
TEST_CASES = [
    ("osthammar", "stold", 3, 15),        # documented: significant
    ("gimo", "stold", 2, 4),              # documented: not significant
    ("alunda", "stold", 4, 12),           # documented edge: exact test says not significant
    ("osthammar", "inbrott", 0, 6),
    ("osthammar", "snatteri", 10, 20),
    ("osthammar", "skadegorelse", 20, 10),
    ("osthammar", "hot_vald", 7, 7),
    ("osthammar", "social_oro", 1, 9),
    ("osthammar", "narkotika", 30, 55),
    ("osthammar", "vapen", 0, 0),         # zeros listed explicitly
    ("gimo", "inbrott", 5, 0),
    ("gimo", "snatteri", 50, 80),
    ("gimo", "skadegorelse", 100, 130),
    ("oregrund", "stold", 5, 9),          # p = 0.75
    ("oregrund", "inbrott", 2, 1),        # p = 0.75
    ("oregrund", "snatteri", 0, 10),      # p = 0.75
]
AREA_NAMES = {"osthammar": "Östhammar", "gimo": "Gimo", "alunda": "Alunda", "oregrund": "Öregrund",
              "dannemora": "Dannemora"}
POLICE = [
    "Månad;Område;Brottskategori;Antal",
    "2022-01;Östhammar;stold;6", "2022-01;Dannemora;stold;1",
    "2023-01;Östhammar;stold;9", "2023-01;Öregrund;stold;2",
    *[f"2024-01;{AREA_NAMES[a]};{c};{last}" for a, c, last, _ in TEST_CASES],
    *[f"2025-01;{AREA_NAMES[a]};{c};{now}" for a, c, _, now in TEST_CASES],
    "2024-01;Dannemora;stold;..", "2025-01;Dannemora;stold;4",
    "2025-01;Gimo;narkotika;3",           # absent from the covered 2024-01: last year 0
    "2025-05;Östhammar;stold;5",          # 2024-T2 not covered: no comparison
    "2025-09;Östhammar;stold;18", "2025-09;Östhammar;snatteri;10", "2025-09;Gimo;snatteri;5",
    "2025-09;Alunda;stold;8", "2025-09;Öregrund;skadegörelse;2",
    "2025-09;Uppgift saknas;hot_vald;20",  # okant: neither ranked nor the maximum
]
PARTNERS = [
    "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning",
    "2025-02-10;Skolan;skadegörelse;Öregrund;Skolgården;10;",
    "2025-02-11;ICA;snatteri;Östhammar;Butiken;3;",
    "2025-09-10;ICA;snatteri;Östhammar;Butiken;20;",
    "2025-09-11;ICA;snatteri;Gimo;Butiken;4;",
    "2025-09-12;Skolan;skadegörelse;Öregrund;Skolgården;8;",
    "2025-09-13;Föreningen;hot och våld;Alunda;Hallen;3;",
    "2025-09-14;Bostadsbolaget;klotter;Tierp;Trapphus;50;",   # okant
]
QUESTIONS = """
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
questions:
  - {header: "Snatteri?", id: q_snatteri, category: snatteri, scale: agree4}
  - {header: "Stöld?", id: q_stold, category: stold, scale: agree4}
scales:
  agree4:
    problem: ["Stämmer helt", "Stämmer ganska bra"]
    no_problem: ["Stämmer ganska dåligt", "Stämmer inte alls"]
    ignore: ["Vet ej", ""]
"""
# (submitted date, area, question column, problem answers, respondents)
SURVEY_GROUPS = [
    # Wilson reference values: Newcombe (1998), Statistics in Medicine 17:857-872, Table I
    ("2024-09-15", "Östhammar", "snatteri", 81, 263),
    ("2024-09-15", "Gimo", "snatteri", 15, 148),
    ("2024-09-15", "Alunda", "snatteri", 0, 20),
    ("2024-09-15", "Öregrund", "snatteri", 1, 29),
    ("2025-03-15", "Östhammar", "snatteri", 4, 10),
    ("2025-03-15", "Gimo", "snatteri", 1, 10),
    ("2025-09-15", "Östhammar", "snatteri", 6, 10),
    ("2025-09-15", "Gimo", "snatteri", 2, 2),
    ("2025-09-15", "Alunda", "stold", 5, 20),
]
PLEDGES = """
- {id: stold-ned, period: 2025-T1, title: Mindre stöld, category: Stöld, areas: [osthammar, gimo],
   indicator: police_reported_count, baseline_period: 2025-T1, target_change_pct: -20}
- {id: hot-vald-alunda, period: 2025-T1, title: Mindre hot, category: Hot och våld, areas: [alunda],
   indicator: partner_report_count, baseline_period: 2025-T1, target_change_pct: -20}
- {id: skadegorelse-oregrund, period: 2025-T1, title: Mindre klotter, category: klotter, areas: [oregrund],
   indicator: partner_report_count, baseline_period: 2025-T1, target_change_pct: -20}
- {id: snatteri-enkat, period: 2025-T1, title: Syns snatteriet, category: snatteri, areas: [osthammar, gimo],
   indicator: survey_problem_share, baseline_period: 2025-T1, target_change_pct: 50}
- {id: stold-dannemora, period: 2024-T1, title: Stöld i Dannemora, category: stold, areas: [dannemora, osthammar],
   indicator: police_reported_count, baseline_period: 2024-T1, target_change_pct: -10}
"""


def survey_csv() -> str:
    lines = ["Svars-ID;Inskickad;Område;Snatteri?;Stöld?"]
    response = 1000
    for date, area, column, problems, respondents in SURVEY_GROUPS:
        for i in range(respondents):
            answer = "Stämmer helt" if i < problems else "Stämmer inte alls"
            cells = [answer, ""] if column == "snatteri" else ["", answer]
            lines.append(f"{response};{date} 12:00:00;{area};{';'.join(cells)}")
            response += 1
    return "\n".join(lines) + "\n"


def dbt(base: Path, wh: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DBT), *args, "--profiles-dir", ".", "--target-path", str(base / "target"),
         "--log-path", str(base / "logs")],
        cwd=REPO / "dbt_project", env={**os.environ, "LAGESBILD_WAREHOUSE": str(wh)},
        capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("indicators")
    data_dir = base / "data"
    for folder in ("police/local", "partners", "surveys"):
        (data_dir / folder).mkdir(parents=True)
    (data_dir / "municipality.yaml").write_text(MUNICIPALITY, encoding="utf-8")
    (data_dir / "police/local/utdrag.csv").write_text("\n".join(POLICE) + "\n", encoding="utf-8")
    (data_dir / "partners/rapporter.csv").write_text("\n".join(PARTNERS) + "\n", encoding="utf-8")
    (data_dir / "surveys/questions.yaml").write_text(QUESTIONS, encoding="utf-8")
    (data_dir / "surveys/enkat.csv").write_text(survey_csv(), encoding="utf-8")
    (data_dir / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")

    municipality = load_municipality(data_dir / "municipality.yaml")
    questions = load_questions(data_dir / "surveys/questions.yaml")
    wh = base / "warehouse.duckdb"
    with warehouse.connect(wh) as con:
        write_config(con, municipality)
        write_pledges(con, load_pledges(data_dir / "pledges.yaml", municipality))
        surveys.write_catalogue(con, questions)
        for path, module, parse in (
            (data_dir / "police/local/utdrag.csv", police_local, police_local.parse),
            (data_dir / "partners/rapporter.csv", partners, partners.parse),
            (data_dir / "surveys/enkat.csv", surveys, surveys.make_parser(questions)),
        ):
            outcome = load_file(con, path, data_dir=data_dir, source_kind=module.SOURCE_KIND,
                                parse=parse, write=module.write)
            assert outcome.status == "loaded" and outcome.rows_rejected == 0, outcome
        for module in (police_events, police_bra, police_local, partners, surveys, scb_population, kolada_values,
                       kolada_kpis):
            con.execute(module.RAW_DDL)  # sources without files: empty tables
        own_rows(con, municipality.code)
    result = dbt(base, wh, "build", "--select", "+path:models/marts")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return wh


def rows(wh: Path, sql: str, params=()) -> list[dict]:
    with duckdb.connect(str(wh), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]


def indicator(wh: Path, period: str, area: str, category: str) -> dict:
    found = rows(wh, "select * from marts.fct_problem_indicators where period = ? and area_id = ? and category_id = ?",
                 (period, area, category))
    assert len(found) == 1, (period, area, category, found)
    return found[0]


def test_rates_use_the_population_of_the_year_or_the_nearest(built):
    assert indicator(built, "2025-T1", "osthammar", "stold")["police_reported_per_1000"] == pytest.approx(15 * 1000 / 5000)
    oregrund = {p: indicator(built, p, "oregrund", "stold") for p in ("2023-T1", "2024-T1", "2025-T1")}
    assert [oregrund[p]["population"] for p in sorted(oregrund)] == [1000, 1000, 3000]  # 2023 -> nearest, 2024
    assert [oregrund[p]["police_reported_per_1000"] for p in sorted(oregrund)] == pytest.approx([2.0, 5.0, 3.0])
    gimo = indicator(built, "2025-T3", "gimo", "snatteri")
    assert gimo["partner_report_per_1000"] == pytest.approx(4 * 1000 / 2000)
    assert gimo["police_event_per_1000"] == 0
    okant = indicator(built, "2025-T3", "okant", "hot_vald")
    assert okant["population"] is None and okant["police_reported_per_1000"] is None


def test_same_tertial_last_year_and_the_three_year_baseline(built):
    row = indicator(built, "2025-T1", "osthammar", "stold")   # 2024-T1: 3, 2023-T1: 9, 2022-T1: 6
    assert row["police_reported_same_period_last_year"] == 3
    assert row["change_vs_last_year_pct"] == pytest.approx(400.0)           # (15 - 3) / 3
    assert row["police_reported_baseline"] == pytest.approx(6.0)            # (3 + 9 + 6) / 3
    assert row["police_reported_baseline_years"] == 3
    assert row["change_vs_baseline_pct"] == pytest.approx(150.0)
    gimo = indicator(built, "2025-T1", "gimo", "stold")   # 2023-T1 and 2022-T1 covered without a row: 0
    assert gimo["police_reported_baseline"] == pytest.approx(2 / 3) and gimo["police_reported_baseline_years"] == 3
    new = indicator(built, "2025-T1", "gimo", "narkotika")   # absent last year from a covering extract: 0
    assert new["police_reported_same_period_last_year"] == 0 and new["change_vs_last_year_pct"] is None
    assert new["change_p_value"] == pytest.approx(2 / 8)
    # Dannemora 2024-T1 suppressed ('..'): unknown, not 0; baseline from 2023 (0) and 2022 (1).
    suppressed = indicator(built, "2025-T1", "dannemora", "stold")
    assert suppressed["police_reported_same_period_last_year"] is None
    assert suppressed["change_vs_last_year_pct"] is None and suppressed["change_is_significant"] is None
    assert suppressed["police_reported_baseline"] == pytest.approx(0.5) and suppressed["police_reported_baseline_years"] == 2
    # 2024-T2 and 2024-T3 are not covered by any extract: no comparison (never against another tertial).
    for period in ("2025-T2", "2025-T3"):
        row = indicator(built, period, "osthammar", "stold")
        assert row["police_reported_same_period_last_year"] is None and row["police_reported_baseline_years"] == 0
        assert row["change_is_significant"] is None and row["change_p_value"] is None


@pytest.mark.parametrize(
    "area, category, p_value, significant",
    [
        ("osthammar", "stold", 2 * 988 / 2**18, True),     # 3 -> 15: 2 P(X <= 3 | 18, 1/2) = 0.0075
        ("gimo", "stold", 2 * 22 / 2**6, False),           # 2 -> 4: 2 P(X <= 2 | 6, 1/2) = 0.69
        ("alunda", "stold", 2 * 2517 / 2**16, False),      # 4 -> 12: 0.0768 (mid-p 0.049, normal 0.046)
    ],
)
def test_documented_significance_cases(built, area, category, p_value, significant):
    row = indicator(built, "2025-T1", area, category)
    assert row["change_p_value"] == pytest.approx(p_value, rel=1e-9)
    assert (row["change_p_value"] < 0.05) is significant   # unadjusted: one comparison on its own


def test_significance_table_matches_scipy_binomtest(built):
    expected = {}
    for area, category, last, now in TEST_CASES:
        row = indicator(built, "2025-T1", area, category)
        assert (row["police_reported_same_period_last_year"], row["police_reported_count"]) == (last, now)
        assert row["compared_months"] == 1 and row["police_reported_compared_count"] == now
        assert row["is_preliminary"] is True   # January only: part of a tertial
        share = 0.75 if area == "oregrund" else 0.5
        expected[(area, category)] = binomtest(now, last + now, share).pvalue if last + now else 1.0
        assert row["change_p_value"] == pytest.approx(expected[(area, category)], rel=1e-9, abs=1e-15), (area, category)
    # Adjusted together with every other comparison of 2025-T1 (Benjamini–Hochberg; 0 -> 0 not counted).
    tested = rows(built, """select area_id, category_id, change_p_value, change_p_adjusted, change_is_significant
                            from marts.fct_problem_indicators where period = '2025-T1' and change_p_value is not null
                              and police_reported_compared_count + police_reported_same_period_last_year > 0""")
    adjusted = false_discovery_control([r["change_p_value"] for r in tested])
    for r, p_adjusted in zip(tested, adjusted):
        assert r["change_p_adjusted"] == pytest.approx(p_adjusted, rel=1e-9), r
        assert r["change_is_significant"] is bool(p_adjusted < 0.05), r
    vapen = indicator(built, "2025-T1", "osthammar", "vapen")   # 0 -> 0
    assert (vapen["change_p_value"], vapen["change_p_adjusted"], vapen["change_is_significant"]) == (1.0, 1.0, False)


@pytest.mark.parametrize(
    "period, area, problems, n, low, high",
    [  # Newcombe (1998) Table I, method 3 (Wilson score, no continuity correction), 4 decimals
        ("2024-T3", "osthammar", 81, 263, 0.2553, 0.3662),
        ("2024-T3", "gimo", 15, 148, 0.0624, 0.1605),
        ("2024-T3", "alunda", 0, 20, 0.0, 0.1611),
        ("2024-T3", "oregrund", 1, 29, 0.0061, 0.1718),
    ],
)
def test_survey_wilson_bounds_match_published_values(built, period, area, problems, n, low, high):
    row = indicator(built, period, area, "snatteri")
    assert row["survey_respondents"] == n and row["survey_problem_share"] == pytest.approx(problems / n)
    assert round(row["survey_ci_low"], 4) == low and round(row["survey_ci_high"], 4) == high
    assert row["survey_few_respondents"] is False


def test_few_respondents_are_flagged(built):
    assert indicator(built, "2025-T3", "gimo", "snatteri")["survey_few_respondents"] is True      # 2 answers
    assert indicator(built, "2025-T3", "osthammar", "snatteri")["survey_few_respondents"] is False  # 10
    assert indicator(built, "2025-T3", "osthammar", "stold")["survey_few_respondents"] is None     # no survey


# 2025-T3 by hand. Maxima (okant excluded): reported 18 (Östhammar stöld), partners 20
# (Östhammar snatteri), survey lower Wilson bound 0.3424 (Gimo 2 of 2; 6/10 -> 0.3127,
# 5/20 -> 0.1119). No events: that weight drops out everywhere. A row without survey
# respondents has no known survey signal: the survey weight drops out of its mean too
# (unknown is skipped, not counted as 0): denominator 0.35 + 0.25 (+ 0.25 with a survey).
PRIORITY_2025_T3 = [
    # area, category, score, triangulation, rank
    ("osthammar", "snatteri", (0.35 * 10 / 18 + 0.25 * 20 / 20 + 0.25 * 0.31267377 / 0.34238023) / 0.85, 3, 1),
    ("osthammar", "stold", (0.35 * 18 / 18) / 0.6, 1, 2),
    ("gimo", "snatteri", (0.35 * 5 / 18 + 0.25 * 4 / 20 + 0.25 * 1) / 0.85, 1, 3),
    ("alunda", "stold", (0.35 * 8 / 18 + 0.25 * 0.11186170 / 0.34238023) / 0.85, 0, 4),
    ("oregrund", "skadegorelse", (0.35 * 2 / 18 + 0.25 * 8 / 20) / 0.6, 0, 5),
    ("alunda", "hot_vald", (0.25 * 3 / 20) / 0.6, 0, 6),
]


def test_priority_scores_and_ranks_worked_by_hand(built):
    got = rows(built, """select area_id, category_id, priority_score, triangulation_count, priority_rank
                         from marts.fct_problem_indicators where period = '2025-T3' order by priority_rank nulls last""")
    ranked = [r for r in got if r["area_id"] != "okant"]
    assert [(r["area_id"], r["category_id"]) for r in ranked] == [(a, c) for a, c, *_ in PRIORITY_2025_T3]
    for row, (_, _, score, triangulation, rank) in zip(ranked, PRIORITY_2025_T3):
        assert row["priority_score"] == pytest.approx(score, rel=1e-6)
        assert (row["triangulation_count"], row["priority_rank"]) == (triangulation, rank)
    assert {r["priority_rank"] for r in got if r["area_id"] == "okant"} == {None}


def test_priority_weights_come_from_configuration(built, tmp_path):
    copy = tmp_path / "weights.duckdb"
    shutil.copy(built, copy)
    weights = {"priority_weights": {"police_reported": 0, "police_events": 0, "partner_reports": 1, "survey": 0}}
    result = dbt(tmp_path, copy, "run", "--select", "int_indicator_priority", "fct_problem_indicators",
                 "--vars", json.dumps(weights))
    assert result.returncode == 0, result.stdout[-3000:]
    got = rows(copy, """select area_id, category_id, priority_score, priority_rank from marts.fct_problem_indicators
                        where period = '2025-T3' and area_id <> 'okant' order by priority_rank, area_id, category_id""")
    assert [(r["area_id"], r["category_id"], r["priority_rank"]) for r in got[:3]] == [
        ("osthammar", "snatteri", 1), ("oregrund", "skadegorelse", 2), ("gimo", "snatteri", 3)]
    assert got[0]["priority_score"] == pytest.approx(1.0) and got[1]["priority_score"] == pytest.approx(0.4)


EXPECTED_FOLLOWUP = {
    # (pledge, period): (value, baseline, target value, change %, status)
    ("stold-ned", "2025-T2"): (5, 19, 15.2, (5 - 19) * 100 / 19, "on_track"),           # 5 + 0 (Gimo listed none)
    ("stold-ned", "2025-T3"): (18, 19, 15.2, (18 - 19) * 100 / 19, "off_track"),
    ("hot-vald-alunda", "2025-T2"): (None, 0, 0, None, "no_data"),                       # zero baseline
    ("hot-vald-alunda", "2025-T3"): (3, 0, 0, None, "no_data"),
    ("skadegorelse-oregrund", "2025-T2"): (None, 10, 8, None, "no_data"),                # no partner data at all
    ("skadegorelse-oregrund", "2025-T3"): (8, 10, 8, -20.0, "on_track"),                 # exactly the target
    ("snatteri-enkat", "2025-T2"): (None, 0.25, 0.375, None, "no_data"),                 # no survey in T2
    ("snatteri-enkat", "2025-T3"): (8 / 12, 0.25, 0.375, (8 / 12 - 0.25) * 100 / 0.25, "on_track"),  # pooled, not 0.8
    **{("stold-dannemora", p): (v, None, None, None, "no_data")                          # baseline suppressed
       for p, v in [("2024-T2", None), ("2024-T3", None), ("2025-T1", 19), ("2025-T2", 5), ("2025-T3", 18)]},
}


def test_pledge_followup_every_status(built):
    got = rows(built, "select * from marts.fct_pledge_followup")
    assert {(r["pledge_id"], r["period"]) for r in got} == set(EXPECTED_FOLLOWUP)
    for r in got:
        value, baseline, target, change, status = EXPECTED_FOLLOWUP[(r["pledge_id"], r["period"])]
        actual = (r["indicator_value"], r["baseline_value"], r["target_value"], r["change_pct"])
        for a, e in zip(actual, (value, baseline, target, change)):
            assert (a is None) if e is None else a == pytest.approx(e), (r, actual)
        assert r["status"] == status, r
    categories = {r["pledge_id"]: r["category_id"] for r in got}
    assert categories["hot-vald-alunda"] == "hot_vald" and categories["skadegorelse-oregrund"] == "skadegorelse"
    by_key = {(r["pledge_id"], r["period"]): r for r in got}
    # Reported crimes: May against January (the first month of each tertial), preliminary.
    stold = by_key[("stold-ned", "2025-T2")]
    assert (stold["baseline_period"], stold["pledge_baseline_period"], stold["compared_months"]) == ("2025-T1", "2025-T1", 1)
    assert stold["is_preliminary"] is True
    assert stold["change_p_value"] == pytest.approx(binomtest(5, 24, 0.5).pvalue, rel=1e-9)
    # 2025-T1 is the same tertial as the baseline: Dannemora's `..` January is unknown there.
    assert by_key[("stold-dannemora", "2025-T1")]["baseline_period"] == "2024-T1"
    # The survey share pooled from the counts, respondents beside it, Fisher's exact test.
    enkat = by_key[("snatteri-enkat", "2025-T3")]
    assert (enkat["respondents"], enkat["baseline_respondents"]) == (12, 20)
    assert enkat["change_p_value"] == pytest.approx(fisher_exact([[8, 4], [5, 15]]).pvalue, rel=1e-9)
    assert enkat["change_is_significant"] is bool(enkat["change_p_value"] < 0.05)
    assert by_key[("snatteri-enkat", "2025-T2")]["change_p_value"] is None


def test_no_pledges_is_an_empty_followup(built, tmp_path):
    copy = tmp_path / "nopledges.duckdb"
    shutil.copy(built, copy)
    with warehouse.connect(copy) as con:
        write_pledges(con, load_pledges(tmp_path / "absent.yaml", load_municipality(REPO / "data/sample/municipality.yaml")))
        own_rows(con, "0382")
    result = dbt(tmp_path, copy, "build", "--select", "stg_config__pledges", "int_pledge_followup", "fct_pledge_followup")
    assert result.returncode == 0, result.stdout[-3000:]
    assert rows(copy, "select count(*) as n from marts.fct_pledge_followup") == [{"n": 0}]


def test_sample_marts(sample_run):
    """The sample: p-values agree with scipy for every row, ranks run 1.. within each tertial,
    and the shipped pledges exercise every status."""
    wh = sample_run.warehouse
    compared = rows(wh, """select police_reported_same_period_last_year as last, police_reported_compared_count as now,
                                  change_p_value from marts.fct_problem_indicators
                           where change_p_value is not null""")
    assert len(compared) > 500
    for r in compared:  # the sample's populations are of one year: p = 0.5
        expected = binomtest(r["now"], r["last"] + r["now"], 0.5).pvalue if r["last"] + r["now"] else 1.0
        assert r["change_p_value"] == pytest.approx(expected, rel=1e-9, abs=1e-15)
    # Benjamini–Hochberg within each tertial agrees with scipy's false_discovery_control.
    tested = rows(wh, """select period, change_p_value, change_p_adjusted, change_is_significant
                         from marts.fct_problem_indicators
                         where change_p_value is not null
                           and police_reported_compared_count + police_reported_same_period_last_year > 0""")
    for period in {r["period"] for r in tested}:
        group = [r for r in tested if r["period"] == period]
        adjusted = false_discovery_control([r["change_p_value"] for r in group])
        for r, expected in zip(group, adjusted):
            assert r["change_p_adjusted"] == pytest.approx(expected, rel=1e-9)
            assert r["change_is_significant"] is bool(r["change_p_adjusted"] < 0.05)
    ranks = rows(wh, """select period, min(priority_rank) as first, count(priority_rank) as ranked,
                               count(*) filter (where area_id <> 'okant') as areas
                        from marts.fct_problem_indicators group by period""")
    assert all(r["first"] == 1 and r["ranked"] == r["areas"] for r in ranks)
    statuses = rows(wh, "select pledge_id, status from marts.fct_pledge_followup")
    assert {r["status"] for r in statuses} == {"on_track", "off_track", "no_data"}
    assert {r["pledge_id"] for r in statuses} == {"2025-t2-snatteri", "2025-t3-skadegorelse-gimo", "2025-t3-narkotika"}
