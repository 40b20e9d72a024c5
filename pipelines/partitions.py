"""Tertial partitions: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec. Key '2024-05' is 2024-T2."""

from __future__ import annotations

from datetime import date

import dagster as dg

tertial_partitions = dg.TimeWindowPartitionsDefinition(
    start="2023-01", cron_schedule="0 0 1 1,5,9 *", fmt="%Y-%m"
)


def period_of_key(key: str) -> str:
    """'2024-05' -> '2024-T2'."""
    year, month = key.split("-")
    return f"{year}-T{(int(month) - 1) // 4 + 1}"


def key_of_period(period: str) -> str:
    """'2024-T2' -> '2024-05'."""
    year, tertial = period.split("-T")
    return f"{year}-{(int(tertial) - 1) * 4 + 1:02d}"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a tertial."""
    year, tertial = (int(p) for p in period.split("-T"))
    start = date(year, (tertial - 1) * 4 + 1, 1)
    end = date(year + 1, 1, 1) if tertial == 3 else date(year, start.month + 4, 1)
    return start, date.fromordinal(end.toordinal() - 1)
