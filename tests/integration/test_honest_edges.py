"""DATA-CONTRACT §4.1 "Honest at the edges" through the real pipeline (`make run`'s driver:
Dagster ingest + dbt build + report) on a data directory written here:

- a local police extract for the whole of 2024, and a newer one that ends in February
  2025 (mid-tertial): 2025-T1 is compared January–February against January–February 2024,
  never against last year's four months, and it is preliminary;
- a `..` month (Gimo inbrott, February 2025): that tertial's count and its comparison are
  unknown (null), never a partial sum;
- `survey_min_respondents: 4` in municipality.yaml: it reaches dim_municipality and decides
  survey_few_respondents (3 respondents are too few, 4 are enough);
- a pledge on reported crimes with a 2024-T1 baseline, followed up over the same months.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import NO_PDF, make_data_dir, run_pipeline

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

AREAS = {"osthammar": "Östhammar", "gimo": "Gimo", "alunda": "Alunda"}
# 2024, every month: Östhammar stöld 5, Gimo inbrott 2, Alunda skadegörelse 1.
EXTRACT_2024 = ["Månad;Område;Brottskategori;Antal"] + [
    line
    for month in range(1, 13)
    for line in (
        f"2024-{month:02d};Östhammar;stöld;5",
        f"2024-{month:02d};Gimo;inbrott;2",
        f"2024-{month:02d};Alunda;skadegörelse;1",
    )
]
# A newer extract that ends in February 2025. Alunda skadegörelse is not listed: 0.
EXTRACT_2025 = [
    "Månad;Område;Brottskategori;Antal",
    "2025-01;Östhammar;stöld;3",
    "2025-02;Östhammar;stöld;4",
    "2025-01;Gimo;inbrott;1",
    "2025-02;Gimo;inbrott;..",
]
QUESTIONS = """
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
questions:
  - {header: "Snatteri?", id: q_snatteri, category: snatteri, scale: agree4}
scales:
  agree4:
    problem: ["Stämmer helt", "Stämmer ganska bra"]
    no_problem: ["Stämmer ganska dåligt", "Stämmer inte alls"]
    ignore: ["Vet ej", ""]
"""
SURVEY = [
    "Svars-ID;Inskickad;Område;Snatteri?",
    "1;2025-02-10 12:00:00;Östhammar;Stämmer helt",
    "2;2025-02-10 12:00:00;Östhammar;Stämmer inte alls",
    "3;2025-02-10 12:00:00;Östhammar;Stämmer inte alls",
    "4;2025-02-10 12:00:00;Gimo;Stämmer helt",
    "5;2025-02-10 12:00:00;Gimo;Stämmer ganska bra",
    "6;2025-02-10 12:00:00;Gimo;Stämmer inte alls",
    "7;2025-02-10 12:00:00;Gimo;Stämmer inte alls",
    "8;2025-02-10 12:00:00;Gimo;Vet ej",
]
PLEDGES = """
- {id: stold-osthammar, period: 2024-T2, title: Mindre stöld, category: stold, areas: [osthammar],
   indicator: police_reported_count, baseline_period: 2024-T1, target_change_pct: -20}
"""


@pytest.fixture(scope="module")
def edges_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("edges")
    data_dir = make_data_dir(base)
    municipality = data_dir / "municipality.yaml"
    municipality.write_text(municipality.read_text(encoding="utf-8") + "\nsurvey_min_respondents: 4\n",
                            encoding="utf-8")
    local = data_dir / "police" / "local"
    local.mkdir(parents=True)
    (local / "utdrag_2024.csv").write_text("\n".join(EXTRACT_2024) + "\n", encoding="utf-8")
    (local / "utdrag_2025-02.csv").write_text("\n".join(EXTRACT_2025) + "\n", encoding="utf-8")
    (data_dir / "surveys").mkdir()
    (data_dir / "surveys" / "questions.yaml").write_text(QUESTIONS, encoding="utf-8")
    (data_dir / "surveys" / "enkat_2025.csv").write_text("\n".join(SURVEY) + "\n", encoding="utf-8")
    (data_dir / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("LAGESBILD_AS_OF", raising=False)  # today: 2025-T1 has ended
        result = run_pipeline(data_dir, base, monkeypatch, pdf=NO_PDF)
    assert result.exit_code == 0
    return result


def rows(run, sql: str, params=()) -> list[dict]:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]


def indicator(run, period: str, area: str, category: str) -> dict:
    found = rows(run, "select * from marts.fct_problem_indicators where period = ? and area_id = ? and category_id = ?",
                 (period, area, category))
    assert len(found) == 1, (period, area, category, found)
    return found[0]


def test_an_extract_ending_mid_tertial_is_compared_over_its_months_only(edges_run):
    row = indicator(edges_run, "2025-T1", "osthammar", "stold")
    assert row["police_reported_months"] == 2
    assert row["police_reported_count"] == 7                        # January 3 + February 4
    assert row["compared_months"] == 2
    assert row["police_reported_compared_count"] == 7
    assert row["police_reported_same_period_last_year"] == 10      # January + February 2024, not 20
    assert row["change_vs_last_year_pct"] == pytest.approx(-30.0)
    assert row["police_reported_baseline"] == pytest.approx(10.0)
    assert row["police_reported_baseline_years"] == 1
    assert row["is_preliminary"] is True
    assert row["police_reported_direction"] == "ned"
    assert 0 < row["change_p_value"] <= row["change_p_adjusted"] <= 1
    # A covered month without a row for the area and category counts 0, on both sides alike.
    alunda = indicator(edges_run, "2025-T1", "alunda", "skadegorelse")
    assert (alunda["police_reported_count"], alunda["police_reported_compared_count"],
            alunda["police_reported_same_period_last_year"], alunda["compared_months"]) == (0, 0, 2, 2)
    assert alunda["is_preliminary"] is True


def test_whole_tertials_are_not_preliminary(edges_run):
    got = rows(edges_run, """select period, bool_or(is_preliminary) as preliminary, min(police_reported_months) as lo,
                                    max(police_reported_months) as hi, count(compared_months) as compared
                             from marts.fct_problem_indicators where period like '2024-%' group by period order by period""")
    assert got == [{"period": p, "preliminary": False, "lo": 4, "hi": 4, "compared": 0}
                   for p in ("2024-T1", "2024-T2", "2024-T3")]


def test_a_suppressed_month_is_unknown_not_a_partial_sum(edges_run):
    row = indicator(edges_run, "2025-T1", "gimo", "inbrott")
    assert row["police_reported_count"] is None                     # not 1 (January alone)
    assert row["police_reported_compared_count"] is None
    assert row["police_reported_same_period_last_year"] == 4
    assert row["compared_months"] == 2
    for column in ("change_vs_last_year_pct", "change_p_value", "change_p_adjusted", "change_is_significant",
                   "police_reported_direction", "police_reported_per_1000"):
        assert row[column] is None, column
    assert row["is_preliminary"] is True
    priority = rows(edges_run, """select police_reported_norm, priority_score from intermediate.int_indicator_priority
                                  where period = '2025-T1' and area_id = 'gimo' and category_id = 'inbrott'""")
    assert priority == [{"police_reported_norm": None, "priority_score": None}]   # no known source: no score


def test_the_respondent_minimum_comes_from_municipality_yaml(edges_run):
    assert rows(edges_run, "select survey_min_respondents from marts.dim_municipality") == [{"survey_min_respondents": 4}]
    osthammar = indicator(edges_run, "2025-T1", "osthammar", "snatteri")
    gimo = indicator(edges_run, "2025-T1", "gimo", "snatteri")
    assert (osthammar["survey_respondents"], osthammar["survey_problem_count"], osthammar["survey_few_respondents"]) \
        == (3, 1, True)
    assert (gimo["survey_respondents"], gimo["survey_problem_count"], gimo["survey_few_respondents"]) == (4, 2, False)


def test_pledge_compares_the_same_months(edges_run):
    got = {r["period"]: r for r in rows(edges_run, "select * from marts.fct_pledge_followup")}
    assert set(got) == {"2024-T2", "2024-T3", "2025-T1"}
    first = got["2025-T1"]   # same tertial as the baseline: January–February against January–February
    assert (first["baseline_period"], first["pledge_baseline_period"], first["compared_months"]) == \
        ("2024-T1", "2024-T1", 2)
    assert (first["indicator_value"], first["baseline_value"]) == (7, 10)
    assert first["change_pct"] == pytest.approx(-30.0) and first["status"] == "on_track"
    assert first["is_preliminary"] is True and first["change_is_significant"] is False
    summer = got["2024-T2"]  # no earlier summer: against the declared baseline, four months each
    assert (summer["baseline_period"], summer["compared_months"], summer["is_preliminary"]) == ("2024-T1", 4, False)
    assert (summer["indicator_value"], summer["baseline_value"], summer["status"]) == (20, 20, "off_track")
