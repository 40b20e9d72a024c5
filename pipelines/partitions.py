"""Tertial partitions: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec. Key '2024-05' is 2024-T2.

Built from the definition in pipelines/periods.py (cron, first key, key format), which
also does every tertial calculation; the helpers below are kept for existing callers.
"""

from __future__ import annotations

import dagster as dg

from . import periods

tertial_partitions = dg.TimeWindowPartitionsDefinition(
    start=periods.PARTITION_START, cron_schedule=periods.PARTITION_CRON, fmt=periods.PARTITION_FORMAT
)

# '2024-05' -> '2024-T2'
period_of_key = periods.period_of_key
# '2024-T2' -> '2024-05'
key_of_period = periods.key_of
# first and last day of a tertial
period_bounds = periods.bounds
