"""Jobs: the warehouse (sources, marts, analyst copy), the tertial lägesbild, and both in one run."""

import dagster as dg

from .partitions import tertial_partitions

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
    partitions_def=tertial_partitions,
    description="Render the lägesbild for one or more tertials from the marts.",
)

# One run for the schedule and the inbox sensor: the warehouse steps run once (they are
# not partitioned), then the lägesbild for the run's tertial or range of tertials.
update_lagesbild = dg.define_asset_job(
    "update_lagesbild",
    selection=dg.AssetSelection.groups(*WAREHOUSE_GROUPS, "picture"),
    description=(
        "Load every source, rebuild the marts, publish the analyst copy and render the lägesbild "
        "for the run's tertial(s), in one run."
    ),
)

jobs = [build_warehouse, build_lagesbild, update_lagesbild]
