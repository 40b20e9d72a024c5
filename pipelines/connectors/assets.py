"""Each connector as a Dagster asset (group `connectors`), a job to fetch them all (`make run`
runs it before it loads) and a schedule per switched-on connector (`make ui`). The files they
write are picked up by the inbox sensor like any file a person drops."""


import dagster as dg

from ..resources import Warehouse
from ..settings import ConnectorSettings
from . import fetch_source, freshness

GROUP = "connectors"
OWNERS = ["team:dataops"]
DESCRIPTIONS = {
    "polisen": "The police events API (/api/events): the payload as received to police/events/api/<UTC>.json "
               "when it holds a new or changed event; gaps in audit.connector_gaps.",
    "scb": "SCB population (PxWeb v2, TAB638, json-stat2) to reference/scb/TAB638_<UTC>.json.",
    "kolada": "Kolada v3 KPI values (municipality.yaml kolada_kpis; municipality, county, country) "
              "to reference/kolada/<UTC>.json.",
}
# Reference figures change once a year: a weekly look is plenty.
WEEKLY = "0 4 * * 1"


def connector_asset(name: str) -> dg.AssetsDefinition:
    @dg.asset(key=[GROUP, name], group_name=GROUP, kinds={"python", "json"}, owners=OWNERS,
              description=DESCRIPTIONS[name])
    def _fetch(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings
        outcome = fetch_source(name, settings, ConnectorSettings.from_env(), log=context.log)
        return dg.MaterializeResult(metadata=outcome.metadata(settings.data_dir))

    return _fetch


assets = [connector_asset(name) for name in DESCRIPTIONS]

fetch_sources = dg.define_asset_job(
    "fetch_sources",
    selection=dg.AssetSelection.groups(GROUP),
    description="Fetch once from every live source (each is a no-op unless LAGESBILD_CONNECTORS names it).",
)
source_jobs = {
    name: dg.define_asset_job(f"fetch_{name}", selection=dg.AssetSelection.assets([GROUP, name]),
                              description=f"Fetch once from {name}.")
    for name in DESCRIPTIONS
}
jobs = [fetch_sources, *source_jobs.values(), freshness.check_freshness]
checks = freshness.checks


def build_schedules(connectors: ConnectorSettings | None = None) -> list[dg.ScheduleDefinition]:
    """A schedule per switched-on connector: the police every 30 minutes (LAGESBILD_POLISEN_SCHEDULE),
    SCB and Kolada weekly."""
    connectors = connectors or ConnectorSettings.from_env()
    freshness_schedules = freshness.build_schedules(connectors)
    crons = {"polisen": connectors.polisen_schedule, "scb": WEEKLY, "kolada": WEEKLY}
    return [
        dg.ScheduleDefinition(
            name=f"fetch_{name}_schedule", job=source_jobs[name], cron_schedule=crons[name],
            execution_timezone="Europe/Stockholm", default_status=dg.DefaultScheduleStatus.RUNNING,
            description=f"Fetch from {name} ({crons[name]}); the inbox sensor loads what arrives.",
        )
        for name in connectors.enabled
    ] + freshness_schedules
