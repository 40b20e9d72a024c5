"""Jobs: the warehouse (sources, marts, analyst copy), the lägesbild (municipality × tertial),
and both in one run."""

import dagster as dg

# The lägesbild asset (pipelines/picture/assets.py), which the schedules' and the sensor's runs add.
LAGESBILD_KEY = dg.AssetKey(["picture", "lagesbild"])

# Everything that writes the warehouse, and the analyst copy published from it.
WAREHOUSE_GROUPS = ("ingest", "transform", "publish")

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.groups(*WAREHOUSE_GROUPS),
    description="Load every source, rebuild all dbt models and tests, publish the analyst copy.",
)

build_lagesbild = dg.define_asset_job(
    "build_lagesbild",
    selection=dg.AssetSelection.groups("picture"),
    # partitioned like the lägesbild (municipality × tertial, made when the definitions load)
    description="Render the lägesbild for one or more municipalities × tertials from the marts.",
)

# One run for the schedule and the inbox sensor: the warehouse steps run once (they are
# not partitioned), then the lägesbild for the run's municipalities × tertials.
update_lagesbild = dg.define_asset_job(
    "update_lagesbild",
    selection=dg.AssetSelection.groups(*WAREHOUSE_GROUPS, "picture"),
    description=(
        "Load every source, rebuild the marts, publish the analyst copy and render the lägesbild "
        "for the run's municipalities × tertials, in one run."
    ),
)

# After a run that a failed blocking check stopped: the published figures of every tertial from
# the marts as they are, so the tertials the failure does not concern can still be rendered
# (the gate keeps the others unpublished). The analyst copy stays the last good one.
build_figures = dg.define_asset_job(
    "build_figures",
    selection=dg.AssetSelection.assets(["marts", "fct_published_figures"]),
    description="Rebuild marts.fct_published_figures from the marts as they are.",
)

jobs = [build_warehouse, build_lagesbild, update_lagesbild, build_figures]
