"""audit.quality_results and the gate: what is stored, which run counts, which tertials stop."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from data_quality import gate, results
from data_quality.tables import BY_NAME
from data_quality.validate import ExpectationOutcome, TableOutcome

PERIODS = ["2024-T1", "2024-T2", "2024-T3", "2025-T1"]


def expectation(table, *, success=True, severity="error", periods=None, message="Kontroll"):
    return ExpectationOutcome(
        table=table, expectation="expect_column_values_to_be_between", column="police_event_count",
        arguments={"min_value": 0}, success=success, severity=severity,
        observed={} if success else {"unexpected_count": 1, "element_count": 9, "examples": [-4]},
        periods=periods, message_sv=message,
    )


def outcome(table, *expectations, rows=9):
    return TableOutcome(BY_NAME[table], rows, list(expectations))


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts; create table marts.dim_period (period varchar)")
    con.execute("insert into marts.dim_period select unnest(?)", [PERIODS])
    yield con
    con.close()


def test_record_stores_one_row_per_expectation(con):
    fct = "marts.fct_problem_indicators"
    written = results.record(
        con,
        [outcome(fct, expectation(fct), expectation(fct, success=False, periods=("2024-T2",), message="Fel"))],
        run_id="run-1", checked_at=datetime(2026, 11, 1, 8, 0),
    )
    assert written == 2
    rows = con.execute(
        "select run_id, table_name, expectation, success, observed_value, severity, blocking, periods, row_count, "
        "message_sv from audit.quality_results order by success"
    ).fetchall()
    assert rows[0] == ("run-1", fct, "expect_column_values_to_be_between", False,
                       '{"unexpected_count": 1, "element_count": 9, "examples": [-4]}', "error", True,
                       ["2024-T2"], 9, "Fel")
    assert rows[1][3] is True and rows[1][7] is None


def test_failed_mart_blocks_only_its_tertials_and_a_whole_table_failure_blocks_all(con):
    fct, area = "marts.fct_problem_indicators", "marts.dim_area"
    results.record(con, [outcome(fct, expectation(fct, success=False, periods=("2024-T2",), message="Negativt"))],
                   run_id="r1", checked_at=datetime(2026, 11, 1))
    blocked = gate.blocked_periods(con)
    assert list(blocked) == ["2024-T2"]
    assert blocked["2024-T2"][0].message == "Negativt"
    assert "Lägesbilden för 2024-T2 skrivs inte" in gate.explain(blocked)

    results.record(con, [outcome(area, expectation(area, success=False, message="Dubblett"))],
                   run_id="r1", checked_at=datetime(2026, 11, 1))
    blocked = gate.blocked_periods(con)
    assert list(blocked) == PERIODS
    assert sorted(b.message for b in blocked["2024-T2"]) == ["Dubblett", "Negativt"]
    assert gate.blocked_periods(con, ["2024-T1"]).keys() == {"2024-T1"}


def test_warnings_and_raw_failures_never_block(con):
    fct, raw = "marts.fct_problem_indicators", "raw.partner_reports"
    results.record(
        con,
        [outcome(fct, expectation(fct, success=False, severity="warn")),
         outcome(raw, expectation(raw, success=False, severity="warn"))],
        run_id="r1", checked_at=datetime(2026, 11, 1),
    )
    assert gate.blocked_periods(con) == {}


def test_only_each_tables_latest_validation_counts(con):
    fct = "marts.fct_problem_indicators"
    results.record(con, [outcome(fct, expectation(fct, success=False, periods=("2024-T2",)), rows=100)],
                   run_id="old", checked_at=datetime(2026, 10, 1))
    results.record(con, [outcome(fct, expectation(fct), rows=40)], run_id="new", checked_at=datetime(2026, 11, 1))
    assert gate.blocked_periods(con) == {}
    # the previous run's row count is the baseline of the next one, not the current run's
    assert results.previous_row_counts(con, "new") == {fct: 100}
    assert results.previous_row_counts(con, "next") == {fct: 40}


def test_a_future_tertial_named_by_a_failure_is_reported_even_outside_dim_period(con):
    period = "marts.dim_period"
    results.record(con, [outcome(period, expectation(period, success=False, periods=("2027-T1",)))],
                   run_id="r1", checked_at=datetime(2026, 11, 1))
    assert list(gate.blocked_periods(con)) == ["2027-T1"]


def test_no_results_table_means_nothing_blocked():
    with duckdb.connect() as con:
        assert gate.blocked_periods(con, PERIODS) == {}
        assert results.previous_row_counts(con, "r") == {}


@pytest.mark.parametrize(
    "blocked, ranges",
    [
        (set(), [("2024-01", "2025-01")]),
        ({"2024-05"}, [("2024-01", "2024-01"), ("2024-09", "2025-01")]),
        ({"2024-01", "2025-01"}, [("2024-05", "2024-09")]),
        ({"2024-01", "2024-05", "2024-09", "2025-01"}, []),
    ],
)
def test_publishable_ranges(blocked, ranges):
    keys = ["2024-01", "2024-05", "2024-09", "2025-01"]
    assert gate.publishable_ranges(keys, blocked) == ranges
