"""Schedules: the lägesbild of the tertial that just ended, and a monthly refresh.

Both are on by default (they fire only while the daemon runs: `make ui`) and can be
switched off under Automation in the UI; the switch is kept in DAGSTER_HOME.
"""

from datetime import timedelta

import dagster as dg

from . import changes
from .jobs import LAGESBILD_KEY, build_warehouse, update_lagesbild
from .partitions import period_of_key, range_tags, tertial_partitions
from .settings import Settings

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
        tags = {**range_tags(codes, key, key), "lagesbild/period": period_of_key(key)}
        # Only what changed since the last run (pipelines/changes.py), then that tertial's reports.
        settings = Settings.from_env()
        try:
            plan = changes.plan(settings)
            stale = changes.stale_reports(settings, [key], codes) if settings.warehouse.exists() else [key]
        except (changes.WarehouseBusy, KeyError):  # busy, or not built yet: the whole run
            return dg.RunRequest(tags=tags)
        if not plan.stale and not stale:
            return dg.SkipReason(f"Inget nytt sedan senaste körningen: lägesbilden för {period_of_key(key)} "
                                 "är redan skriven från oförändrade filer.")
        # every municipality × that tertial: one run (pipelines/partitions.py range_tags)
        return dg.RunRequest(asset_selection=[*plan.asset_keys, LAGESBILD_KEY], tags=tags)

    return tertial_lagesbild


@dg.schedule(
    name="monthly_refresh",
    job=build_warehouse,
    cron_schedule="0 3 1 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "The 1st of every month at 03:00: load what changed, rebuild the indicators downstream of it (all of "
        "them when the as-of date moved them), publish the analyst copy; skipped when nothing changed."
    ),
)
def monthly_refresh(context: dg.ScheduleEvaluationContext):
    try:
        plan = changes.plan(Settings.from_env())
    except changes.WarehouseBusy:
        return dg.RunRequest()
    if not plan.stale:
        return dg.SkipReason("Inget nytt sedan senaste körningen: lagret och analytikerkopian är oförändrade.")
    return dg.RunRequest(asset_selection=plan.asset_keys)

def build_schedules(codes: list[str]) -> list[dg.ScheduleDefinition]:
    return [build_tertial_schedule(codes), monthly_refresh]
