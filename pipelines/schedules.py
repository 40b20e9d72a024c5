"""Schedules: the lägesbild of the tertial that just ended, and a monthly refresh.

Both are on by default (they fire only while the daemon runs: `make ui`) and can be
switched off under Automation in the UI; the switch is kept in DAGSTER_HOME.
"""

from datetime import timedelta

import dagster as dg

from .jobs import build_warehouse, update_lagesbild
from .partitions import period_of_key, range_tags, tertial_partitions

TIMEZONE = "Europe/Stockholm"


def build_tertial_schedule(codes: list[str]) -> dg.ScheduleDefinition:
    """The tertial schedule over the municipalities `codes` (the lägesbild's kommun dimension)."""

    # build_schedule_from_partitioned_job takes the partitions' cron as is (midnight UTC);
    # a plain schedule lets the run start at 06:00 Swedish time.
    @dg.schedule(
        name="tertial_lagesbild",
        job=update_lagesbild,
        cron_schedule="0 6 1 1,5,9 *",
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            "1 January, May and September at 06:00: load every source, rebuild the marts, publish the "
            "analyst copy and render every municipality's lägesbild of the tertial that just ended, in one "
            "run (files arriving later are picked up by the inbox sensor)."
        ),
    )
    def tertial_lagesbild(context: dg.ScheduleEvaluationContext):
        # The tertial that ended at midnight is the one that held yesterday.
        yesterday = context.scheduled_execution_time - timedelta(days=1)
        key = tertial_partitions.get_partition_key_for_timestamp(yesterday.timestamp())
        # every municipality × that tertial: one run (pipelines/partitions.py range_tags)
        return dg.RunRequest(tags={**range_tags(codes, key, key), "lagesbild/period": period_of_key(key)})

    return tertial_lagesbild


monthly_refresh = dg.ScheduleDefinition(
    name="monthly_refresh",
    job=build_warehouse,
    cron_schedule="0 3 1 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The 1st of every month at 03:00: load every source, rebuild all indicators, publish the analyst copy.",
)

def build_schedules(codes: list[str]) -> list[dg.ScheduleDefinition]:
    return [build_tertial_schedule(codes), monthly_refresh]
