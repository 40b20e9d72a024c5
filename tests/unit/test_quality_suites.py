"""The GX suites on small DataFrames: clean data passes, each kind of breakage fails the
right expectation with the right severity, tertials and Swedish message."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from data_quality.suites import Inputs, expectations
from data_quality.tables import BY_NAME
from data_quality.validate import run_suites

NOW = datetime(2026, 11, 26, 12, 0)
INPUTS = Inputs(
    as_of=NOW.date(),
    area_ids=("gimo", "okant", "osthammar"),
    category_ids=("snatteri", "stold"),
    periods=("2024-T1", "2024-T2", "2024-T3"),
    kommun_codes=("0382",),
    config_area_ids=("gimo", "osthammar"),
    question_ids=("q_stold",),
    scales=("agree4",),
)


def fct(rows: int = 6) -> pd.DataFrame:
    periods = ["2024-T1", "2024-T2", "2024-T3"]
    frame = pd.DataFrame(
        {
            "period": [periods[i % 3] for i in range(rows)],
            "kommun_code": "0382",
            "area_id": [("gimo", "osthammar", "okant")[i // 3] for i in range(rows)],
            "category_id": "stold",
            "police_reported_count": [3] * rows,
            "police_event_count": [1] * rows,
            "partner_report_count": [0] * rows,
            "survey_respondents": [40] * rows,
            "survey_problem_share": [0.25] * rows,
            "survey_ci_low": [0.14] * rows,
            "survey_ci_high": [0.4] * rows,
            "population": [2811] * rows,
            "police_reported_per_1000": [1.07] * rows,
            "police_reported_same_period_last_year": [2] * rows,
            "priority_rank": list(range(1, rows + 1)),
        }
    )
    frame["share_minus_ci_low"] = frame["survey_problem_share"] - frame["survey_ci_low"]
    frame["ci_high_minus_share"] = frame["survey_ci_high"] - frame["survey_problem_share"]
    return frame


def partner_reports(rows: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "report_date": pd.to_datetime(["2024-03-01"] * rows),
            "report_day": [20240301] * rows,
            "partner": "Handeln",
            "category_text": "snatteri",
            "report_count": [1] * rows,
            "_kommun_code": "0382",
            "_source_file": "partners/handel.csv",
            "_source_row": list(range(2, rows + 2)),
            "_file_sha256": "v1",
        }
    )


def validate(name: str, frame: pd.DataFrame, inputs: Inputs = INPUTS):
    table = BY_NAME[name]
    [outcome] = run_suites(
        [table], {name: frame}, {name: expectations(table, inputs)}, run_id="test", now=NOW, docs_dir=None
    )
    return outcome


def only_failure(outcome):
    assert len(outcome.failures) == 1, [f.message_sv for f in outcome.failures]
    return outcome.failures[0]


def test_clean_mart_and_raw_frames_pass():
    assert validate("marts.fct_problem_indicators", fct()).passed
    assert validate("raw.partner_reports", partner_reports()).passed


def test_a_row_is_unique_within_one_version_of_its_file():
    """A file saved again under its name is a second version: its rows are not duplicates."""
    second = partner_reports().assign(_file_sha256="v2")
    assert validate("raw.partner_reports", pd.concat([partner_reports(), second], ignore_index=True)).passed
    twice = partner_reports()
    twice.loc[1, "_source_row"] = 2
    failure = only_failure(validate("raw.partner_reports", twice))
    assert failure.expectation == "expect_compound_columns_to_be_unique"


def test_negative_count_fails_as_error_in_its_tertial():
    frame = fct()
    frame.loc[1, "police_event_count"] = -4
    failure = only_failure(validate("marts.fct_problem_indicators", frame))
    assert (failure.expectation, failure.column) == ("expect_column_values_to_be_between", "police_event_count")
    assert failure.severity == "error"
    assert failure.periods == ("2024-T2",)
    assert "inte negativt" in failure.message_sv and "-4" in failure.message_sv and "2024-T2" in failure.message_sv


def test_unknown_area_fails_the_cross_table_check():
    frame = fct()
    frame.loc[5, "area_id"] = "atlantis"
    failure = only_failure(validate("marts.fct_problem_indicators", frame))
    assert (failure.expectation, failure.column) == ("expect_column_values_to_be_in_set", "area_id")
    assert failure.periods == ("2024-T3",)
    assert "dim_area" in failure.message_sv and "atlantis" in failure.message_sv


def test_duplicated_key_fails_uniqueness():
    frame = pd.concat([fct(), fct().iloc[[0]]], ignore_index=True)
    failure = only_failure(validate("marts.fct_problem_indicators", frame))
    assert failure.expectation == "expect_compound_columns_to_be_unique"
    assert failure.column == "period, kommun_code, area_id, category_id"
    assert failure.periods == ("2024-T1",)
    assert "(t.ex. (2024-T1, 0382, gimo, stold))" in failure.message_sv


def test_share_outside_its_interval_fails_but_rounding_does_not():
    frame = fct()
    frame.loc[0, "survey_ci_low"] = 0.25 + 4.9e-17  # Wilson bound of a share of 0 rounds like this
    frame.loc[2, "survey_ci_high"] = 0.2
    frame["share_minus_ci_low"] = frame["survey_problem_share"] - frame["survey_ci_low"]
    frame["ci_high_minus_share"] = frame["survey_ci_high"] - frame["survey_problem_share"]
    failure = only_failure(validate("marts.fct_problem_indicators", frame))
    assert failure.column == "ci_high_minus_share" and failure.periods == ("2024-T3",)


def test_future_date_in_raw_data_warns_and_names_file_and_row():
    frame = partner_reports()
    frame.loc[3, "report_day"] = 20270201
    outcome = validate("raw.partner_reports", frame)
    failure = only_failure(outcome)
    assert failure.column == "report_day" and failure.severity == "warn"
    assert outcome.severity == "warn"
    assert "framtiden" in failure.message_sv
    assert "partners/handel.csv rad 5" in failure.message_sv and "2027-02-01" in failure.message_sv


def test_the_as_of_date_decides_what_is_future_not_the_calendar():
    """Inputs carry the one clock (LAGESBILD_AS_OF): a report day after it warns, one on it passes."""
    on_the_day = Inputs(**{**INPUTS.__dict__, "as_of": date(2027, 2, 1)})
    frame = partner_reports()
    frame.loc[3, "report_day"] = 20270201
    assert validate("raw.partner_reports", frame, on_the_day).passed
    assert not validate("raw.partner_reports", frame, INPUTS).passed
    assert INPUTS.current_period == "2026-T3" and on_the_day.current_period == "2027-T1"
    assert (INPUTS.today, INPUTS.this_month) == (datetime(2026, 11, 26), datetime(2026, 11, 1))


def test_empty_source_warns():
    failure = only_failure(validate("raw.partner_reports", partner_reports().iloc[0:0]))
    assert failure.expectation == "expect_table_row_count_to_be_between"
    assert failure.severity == "warn" and failure.message_sv == "Källan är inte tom – uppmätt: 0 rader."


def test_row_count_drop_of_more_than_half_warns_even_on_a_mart():
    inputs = Inputs(**{**INPUTS.__dict__, "previous_row_counts": {"marts.fct_problem_indicators": 13}})
    failure = only_failure(validate("marts.fct_problem_indicators", fct(6), inputs))
    assert failure.expectation == "expect_table_row_count_to_be_between"
    assert failure.severity == "warn"
    assert "hälften" in failure.message_sv and "13 rader" in failure.message_sv
    assert validate("marts.fct_problem_indicators", fct(7), inputs).passed


def test_missing_column_fails_with_a_reason():
    outcome = validate("marts.fct_problem_indicators", fct().drop(columns=["police_event_count"]))
    messages = [f.message_sv for f in outcome.failures]
    assert any(m.startswith("Kolumnen police_event_count finns") for m in messages)
    assert outcome.severity == "error"


def test_future_tertial_in_dim_period_is_an_error():
    frame = pd.DataFrame(
        {
            "period": ["2026-T2", "2027-T1"],
            "period_start": pd.to_datetime(["2026-05-01", "2027-01-01"]),
            "period_end": pd.to_datetime(["2026-08-31", "2027-04-30"]),
        }
    )
    failure = only_failure(validate("marts.dim_period", frame))
    assert failure.column == "period_start" and failure.severity == "error"
    assert failure.periods == ("2027-T1",)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_table_has_a_suite_with_swedish_texts(name):
    items = expectations(BY_NAME[name], INPUTS)
    assert items
    assert all(e.meta.get("sv") for e in items)
    assert {e.severity.value for e in items} <= ({"warning"} if name.startswith("raw.") else {"critical", "warning"})


# --------------------------------------------------------------------------- several municipalities


def dim_area(codes=("0382", "0360")) -> pd.DataFrame:
    """The same area ids in every municipality of `codes`."""
    rows = [(code, area, area.title(), 1000, 2024) for code in codes for area in ("gimo", "osthammar", "okant")]
    return pd.DataFrame(rows, columns=["kommun_code", "area_id", "area_name", "population", "population_year"])


def test_an_area_id_is_unique_only_within_its_municipality():
    inputs = Inputs(as_of=NOW.date(), kommun_codes=("0360", "0382"))
    assert validate("marts.dim_area", dim_area(), inputs).passed
    twice = pd.concat([dim_area(), dim_area().iloc[[0]]], ignore_index=True)
    failure = only_failure(validate("marts.dim_area", twice, inputs))
    assert failure.column == "kommun_code, area_id" and failure.severity == "error"
    assert "(t.ex. (0382, gimo))" in failure.message_sv


def test_several_municipalities_are_configured_each_once():
    frame = pd.DataFrame({"kommun_code": ["0382", "0360"], "name": ["Östhammar", "Tierp"],
                          "suppression_threshold": [3, 3]})
    assert validate("raw.config_municipality", frame).passed
    failure = only_failure(validate("raw.config_municipality", pd.concat([frame, frame.iloc[[1]]], ignore_index=True)))
    assert failure.column == "kommun_code" and "0360" in failure.message_sv
    municipalities = frame.rename(columns={"name": "kommun_name"})
    assert validate("marts.dim_municipality", municipalities).passed


def test_the_same_file_under_two_municipalities_is_two_municipalities_rows():
    other = partner_reports().assign(_kommun_code="0360")
    assert validate("raw.partner_reports", pd.concat([partner_reports(), other], ignore_index=True)).passed


def test_frames_read_through_arrow_equal_duckdbs_own_conversion():
    """read_frame takes text columns through Arrow (fast); the frame GX sees must be exactly
    the one .df() gives: the same dtypes (pandas' str, nullable Int32, boolean, datetime64)
    and values, nulls included."""
    import duckdb

    from data_quality.validate import read_frame

    con = duckdb.connect()
    con.execute(
        """
        create table t as select * from (values
            ('a', 1, 10::bigint, true, date '2024-01-31', timestamp '2024-02-01 10:00:00', 0.5, 'x'),
            (null, null, null, null, null, null, null, ''),
            ('ö', 3, 30::bigint, false, date '2024-03-01', timestamp '2024-03-02 00:00:00', -1.0, null)
        ) v(text, small, big, flag, day, moment, share, other)
        """
    )
    for query in ("select * from t", "select text, cast(strftime(day, '%Y%m%d') as bigint) as day_n from t",
                  "select * from t where false", "select other from t", "select * from t where text is null"):
        expected, got = con.execute(query).df(), read_frame(con, query)
        assert list(got.dtypes) == list(expected.dtypes), query
        pd.testing.assert_frame_equal(got, expected)
