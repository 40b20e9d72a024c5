"""Jobs: the warehouse (sources and marts) and the tertial lägesbild."""

import dagster as dg

from .partitions import tertial_partitions

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.groups("ingest", "transform"),
    description="Load every source and rebuild all dbt models and tests.",
)

build_lagesbild = dg.define_asset_job(
    "build_lagesbild",
    selection=dg.AssetSelection.groups("picture"),
    partitions_def=tertial_partitions,
    description="Render the lägesbild for one or more tertials from the marts.",
)

jobs = [build_warehouse, build_lagesbild]
