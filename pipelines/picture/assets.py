"""The tertial lägesbild asset: reads marts, renders files under output/<period>/."""


import base64

import dagster as dg
import vl_convert

from ..partitions import period_of_key, tertial_partitions
from ..resources import Warehouse
from . import lagesbild as lagesbild_report
from . import queries

MART_DEPS = [
    ["marts", "fct_problem_indicators"],
    ["marts", "dim_area"],
    ["marts", "dim_problem_category"],
    ["marts", "dim_period"],
    ["marts", "dim_municipality"],
]


@dg.asset(
    key=["picture", "lagesbild"],
    deps=MART_DEPS,
    partitions_def=tertial_partitions,
    # One run renders any range of tertials (a backfill is one run, not one per tertial).
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="picture",
    kinds={"html"},
    description=(
        "The tertial lägesbild: output/<period>/lagesbild.html, in Swedish, self-contained, "
        "with small counts hidden."
    ),
)
def lagesbild(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    output_dir = warehouse.settings.output_dir
    written = []
    with warehouse.connect(read_only=True) as con:
        with_data = set(queries.periods(con))
        for key in context.partition_keys:
            period = period_of_key(key)
            if period not in with_data:
                context.log.info(f"{period}: no data in the warehouse, no report written")
                continue
            written.append(lagesbild_report.build(con, period, output_dir))
            context.log.info(f"{period}: {written[-1].html_path}")
    if not written:
        return dg.MaterializeResult(metadata={"reports_written": 0})
    latest = written[-1]
    png = vl_convert.svg_to_png(latest.chart_svg, scale=1.0)
    return dg.MaterializeResult(
        metadata={
            "reports_written": len(written),
            "periods": [r.period for r in written],
            "latest_html": dg.MetadataValue.path(str(latest.html_path)),
            "latest_top_categories": dg.MetadataValue.md(f"**{latest.period}**\n\n{latest.top_markdown}"),
            "latest_chart": dg.MetadataValue.md(
                f"![chart](data:image/png;base64,{base64.b64encode(png).decode()})"
            ),
        }
    )


assets = [lagesbild]
