"""The Dagster code location: assembles assets, jobs, resources and loggers; no logic here."""

import warnings

import dagster as dg

# BackfillPolicy (one run for a range of tertials) is marked beta; we rely on it on purpose.
warnings.filterwarnings("ignore", category=dg.BetaWarning)

from data_quality.checks import build_quality_checks

from .ingest.assets import assets as ingest_assets
from .jobs import jobs
from .picture.assets import assets as picture_assets
from .progress import progress_logger
from .publish import assets as publish_assets
from .resources import build_resources
from .schedules import schedules
from .sensors import sensors
from .transform import dbt_models

defs = dg.Definitions(
    assets=[*ingest_assets, dbt_models, *picture_assets, *publish_assets],
    # Great Expectations suites: raw tables warn, marts block the lägesbild (data_quality/).
    asset_checks=build_quality_checks([*ingest_assets, dbt_models]),
    jobs=jobs,
    schedules=schedules,
    sensors=sensors,
    resources=build_resources(),
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    # DuckDB has one writer at a time: run every step in one process, one after another.
    executor=dg.in_process_executor,
)
