"""The Dagster code location: assembles assets, jobs, resources and loggers; no logic here."""

import warnings

import dagster as dg

# BackfillPolicy (one run for a range of tertials) is marked beta; we rely on it on purpose.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

from data_quality.checks import build_quality_checks

from .connectors import assets as connector_defs
from .ingest.assets import assets as ingest_assets
from .ingest.assets import audit_tables
from .jobs import jobs
from .partitions import lagesbild_partitions_def, municipality_codes
from .picture.assets import build_assets as build_picture_assets
from .progress import progress_logger
from .publish import assets as publish_assets
from .resources import build_resources
from .schedules import build_schedules
from .sensors import build_sensors
from .settings import Settings
from .transform import dbt_models


def build_defs(settings: Settings | None = None) -> dg.Definitions:
    """The code location for the data dir's municipalities (LAGESBILD_DATA_DIR when loaded): they
    are the lägesbild's kommun partitions. A new municipality folder needs a reload."""
    codes = municipality_codes(settings)
    with warnings.catch_warnings():  # also when called again after the module's filter (run.py, tests)
        warnings.filterwarnings("ignore", category=dg.BetaWarning)
        lagesbild_assets = build_picture_assets(lagesbild_partitions_def(codes))
    return dg.Definitions(
        assets=[*connector_defs.assets, *ingest_assets, *audit_tables, dbt_models, *lagesbild_assets, *publish_assets],
        # Great Expectations suites: raw tables warn, marts block the lägesbild (data_quality/).
        asset_checks=[*build_quality_checks([*ingest_assets, dbt_models]), *connector_defs.checks],
        jobs=[*jobs, *connector_defs.jobs],
        # live sources: a schedule for each one LAGESBILD_CONNECTORS switches on (none by default)
        schedules=[*build_schedules(codes), *connector_defs.build_schedules()],
        sensors=build_sensors(codes),
        resources=build_resources(),
        loggers={"console": dg.colored_console_logger, "progress": progress_logger},
        # DuckDB has one writer at a time: run every step in one process, one after another.
        executor=dg.in_process_executor,
    )


defs = build_defs()
