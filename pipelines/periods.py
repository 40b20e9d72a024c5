"""Tertials on the Python side, in one place.

A tertial is four months: T1 January–April, T2 May–August, T3 September–December,
written `YYYY-Tn` (DATA-CONTRACT §4.1). The definition is the Dagster partition
schedule, `PARTITION_CRON` (a partition starts on the 1st of January, May and
September); `pipelines/partitions.py` builds the Dagster partitions from the constants
here, and every tertial calculation below is derived from the same cron, so Python has
one definition. dbt has its own (macros `tertial_of` / `tertial_start`, model
`int_periods`); tests/unit/test_periods.py checks day by day that the two agree.

Partition keys are the first month of a tertial: `2024-05` is `2024-T2`.
Pure date arithmetic, no Dagster import: data_quality and the report use it too.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from bisect import bisect_right

from .settings import DBT_PROJECT_DIR

# The partition definition (pipelines/partitions.py builds the Dagster object from these).
PARTITION_CRON = "0 0 1 1,5,9 *"  # minute hour day-of-month month day-of-week
PARTITION_START = "2023-01"  # the first tertial with a report (2023-T1)
PARTITION_FORMAT = "%Y-%m"  # key '2024-05' = 2024-T2

# Derived from the cron: the months in which a tertial starts, and its length.
START_MONTHS: tuple[int, ...] = tuple(int(m) for m in PARTITION_CRON.split()[3].split(","))
MONTHS_PER_PERIOD = 12 // len(START_MONTHS)
PERIODS_PER_YEAR = len(START_MONTHS)
if START_MONTHS != tuple(1 + i * MONTHS_PER_PERIOD for i in range(PERIODS_PER_YEAR)):
    raise ValueError(f"PARTITION_CRON {PARTITION_CRON!r}: periods must split the year evenly from January")

# Swedish month names: the dbt seed that dim_period's and dim_month's labels come from.
with (DBT_PROJECT_DIR / "seeds" / "calendar_months.csv").open(encoding="utf-8") as _seed:
    MONTH_NAMES_SV = [r["name_sv"] for r in sorted(csv.DictReader(_seed), key=lambda r: int(r["month_number"]))]

_PERIOD = re.compile(r"(\d{4})-T(\d)")
_KEY = re.compile(r"(\d{4})-(\d{2})")


def parse(period: str) -> tuple[int, int]:
    """'2025-T2' -> (2025, 2); ValueError for anything else."""
    match = _PERIOD.fullmatch(str(period).strip())
    if not match or not 1 <= int(match.group(2)) <= PERIODS_PER_YEAR:
        raise ValueError(f"'{period}' is not a tertial (YYYY-T1, -T2 or -T3)")
    return int(match.group(1)), int(match.group(2))


def make(year: int, number: int) -> str:
    """(2025, 2) -> '2025-T2'."""
    return f"{year}-T{number}"


def period_of(day: dt.date) -> str:
    """The tertial a date (or datetime) lies in: 2025-05-01 -> '2025-T2'."""
    return make(day.year, bisect_right(START_MONTHS, day.month))


def bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a tertial: '2025-T2' -> (2025-05-01, 2025-08-31)."""
    year, number = parse(period)
    start = dt.date(year, START_MONTHS[number - 1], 1)
    following = dt.date(year + 1, 1, 1) if number == PERIODS_PER_YEAR else dt.date(year, START_MONTHS[number], 1)
    return start, following - dt.timedelta(days=1)


def start(period: str) -> dt.date:
    return bounds(period)[0]


def end(period: str) -> dt.date:
    return bounds(period)[1]


def months(period: str) -> list[dt.date]:
    """The first day of each month of a tertial, in order."""
    first = start(period)
    return [first.replace(month=first.month + i) for i in range(MONTHS_PER_PERIOD)]


def month_keys(period: str) -> list[str]:
    """The months of a tertial as 'YYYY-MM'."""
    return [f"{m:%Y-%m}" for m in months(period)]


def shift(period: str, n: int) -> str:
    """The tertial n tertials later (n < 0: earlier): shift('2025-T1', -1) == '2024-T3'."""
    year, number = parse(period)
    index = year * PERIODS_PER_YEAR + (number - 1) + n
    return make(index // PERIODS_PER_YEAR, index % PERIODS_PER_YEAR + 1)


def shift_years(period: str, n: int) -> str:
    """The same tertial n years later (n < 0: earlier): shift_years('2025-T2', -1) == '2024-T2'."""
    year, number = parse(period)
    return make(year + n, number)


def between(first: str, last: str) -> list[str]:
    """Every tertial from `first` to `last`, both included (empty when last < first)."""
    out, period = [], first
    while start(period) <= start(last):
        out.append(period)
        period = shift(period, 1)
    return out


def label(period: str) -> str:
    """'2025-T2' -> 'tertial 2 2025 (maj–augusti)'."""
    year, number = parse(period)
    first = START_MONTHS[number - 1] - 1
    return f"tertial {number} {year} ({MONTH_NAMES_SV[first]}–{MONTH_NAMES_SV[first + MONTHS_PER_PERIOD - 1]})"


# --------------------------------------------------------------------------- partitions


def key_of(period: str) -> str:
    """'2024-T2' -> '2024-05', the tertial's Dagster partition key."""
    return start(period).strftime(PARTITION_FORMAT)


def period_of_key(key: str) -> str:
    """'2024-05' -> '2024-T2'. A key is the first month of its tertial."""
    match = _KEY.fullmatch(str(key).strip())
    if not match or int(match.group(2)) not in START_MONTHS:
        raise ValueError(f"'{key}' is not a tertial partition key (YYYY-MM, a month in {START_MONTHS})")
    return period_of(dt.date(int(match.group(1)), int(match.group(2)), 1))


def first_reported() -> str:
    """The first tertial with a partition (a report): '2023-T1'."""
    return period_of_key(PARTITION_START)


def is_complete(period: str, as_of: dt.date) -> bool:
    """True when the tertial ended before `as_of` (its last day has passed)."""
    return end(period) < as_of


def in_progress(as_of: dt.date) -> str:
    """The tertial `as_of` lies in: the one in progress, always preliminary."""
    return period_of(as_of)


def has_partition(period: str, as_of: dt.date) -> bool:
    """Does the tertial have a lägesbild partition on `as_of`: from PARTITION_START on, and
    complete (Dagster's time windows end with the last complete one)."""
    return start(period) >= start(first_reported()) and is_complete(period, as_of)


def reported(as_of: dt.date) -> list[str]:
    """Every tertial with a partition on `as_of`, oldest first."""
    last = shift(in_progress(as_of), -1)
    return between(first_reported(), last)
