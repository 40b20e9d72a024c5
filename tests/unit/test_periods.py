"""One definition of tertials: pipelines/periods.py agrees with dbt's macros (rendered
from dbt_project/macros/periods.sql and evaluated in DuckDB, as dbt does) on every day,
and with the Dagster partitions built from it."""

from __future__ import annotations

import datetime as dt

import duckdb
import jinja2
import pytest

from pipelines import periods
from pipelines.settings import DBT_PROJECT_DIR

FIRST_DAY, LAST_DAY = dt.date(2023, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture(scope="module")
def macros():
    source = (DBT_PROJECT_DIR / "macros" / "periods.sql").read_text(encoding="utf-8")
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source).module


def test_every_day_lies_in_the_same_tertial_as_in_dbt(macros):
    tertial_of = str(macros.tertial_of("day")).strip()
    tertial_start = str(macros.tertial_start(tertial_of)).strip()
    with duckdb.connect() as con:
        rows = con.execute(
            f"""
            select cast(day as date) as day, {tertial_of} as period, {tertial_start} as period_start
            from generate_series(date '{FIRST_DAY}', date '{LAST_DAY}', interval 1 day) as t(day)
            order by day
            """
        ).fetchall()
    assert len(rows) == (LAST_DAY - FIRST_DAY).days + 1 == 1461
    for day, period, start in rows:
        assert periods.period_of(day) == period, day
        assert periods.bounds(period)[0] == start, period
        first, last = periods.bounds(periods.period_of(day))
        assert first <= day <= last


def test_bounds_months_and_labels():
    assert periods.bounds("2025-T1") == (dt.date(2025, 1, 1), dt.date(2025, 4, 30))
    assert periods.bounds("2024-T1") == (dt.date(2024, 1, 1), dt.date(2024, 4, 30))
    assert periods.bounds("2025-T2") == (dt.date(2025, 5, 1), dt.date(2025, 8, 31))
    assert periods.bounds("2025-T3") == (dt.date(2025, 9, 1), dt.date(2025, 12, 31))
    assert periods.month_keys("2025-T3") == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert periods.label("2025-T2") == "tertial 2 2025 (maj–augusti)"
    assert periods.label("2024-T1") == "tertial 1 2024 (januari–april)"
    assert periods.label("2026-T3") == "tertial 3 2026 (september–december)"
    assert len(periods.MONTH_NAMES_SV) == 12 and periods.MONTH_NAMES_SV[4] == "maj"


def test_shifting():
    assert periods.shift_years("2025-T2", -1) == "2024-T2"
    assert periods.shift_years("2025-T3", 2) == "2027-T3"
    assert periods.shift("2025-T1", -1) == "2024-T3"
    assert periods.shift("2024-T3", 1) == "2025-T1"
    assert periods.shift("2024-T2", -6) == "2022-T2"
    assert periods.between("2024-T2", "2025-T1") == ["2024-T2", "2024-T3", "2025-T1"]
    assert periods.between("2025-T1", "2024-T3") == []


@pytest.mark.parametrize("bad", ["2025-T4", "2025-T0", "2025T1", "25-T1", "", "2025-t1"])
def test_a_bad_period_is_refused(bad):
    with pytest.raises(ValueError):
        periods.bounds(bad)


def test_partition_keys():
    assert periods.key_of("2024-T2") == "2024-05"
    assert periods.period_of_key("2024-05") == "2024-T2"
    assert periods.period_of_key("2023-01") == periods.first_reported() == "2023-T1"
    with pytest.raises(ValueError):
        periods.period_of_key("2024-06")  # not the first month of a tertial


@pytest.mark.parametrize(
    "as_of", [dt.date(2026, 12, 1), dt.date(2026, 9, 1), dt.date(2026, 8, 31), dt.date(2024, 1, 2)]
)
def test_the_dagster_partitions_are_the_complete_tertials(as_of):
    from pipelines.partitions import tertial_partitions

    now = dt.datetime.combine(as_of, dt.time(12, 0))
    keys = tertial_partitions.get_partition_keys(current_time=now)
    assert keys == [periods.key_of(p) for p in periods.reported(as_of)]
    assert [periods.has_partition(periods.period_of_key(k), as_of) for k in keys] == [True] * len(keys)
    assert not periods.has_partition(periods.in_progress(as_of), as_of)
    assert not periods.has_partition("2022-T3", as_of)
    for key in keys:
        window = tertial_partitions.time_window_for_partition_key(key)
        first, last = periods.bounds(periods.period_of_key(key))
        assert (window.start.date(), window.end.date()) == (first, last + dt.timedelta(days=1))


def test_the_sample_tertials_on_the_pinned_as_of_date():
    # tests/conftest.py pins LAGESBILD_AS_OF to 2026-12-01: 2026-T3 is in progress.
    assert periods.reported(dt.date(2026, 12, 1))[-1] == "2026-T2"
    assert periods.in_progress(dt.date(2026, 12, 1)) == "2026-T3"
