"""The tertial lägesbild asset: reads marts, renders the files under output/<period>/."""


import base64
import contextlib

import dagster as dg
import vl_convert
from data_quality import gate

from ..partitions import period_of_key, tertial_partitions
from ..resources import Warehouse
from ..retries import retry_transient
from . import figures, published
from . import lagesbild as lagesbild_report
from .fingerprint import is_current, mark_current, period_fingerprint
from .render import PdfPool

REPORT_FILES = ["lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx"]
FIGURES_KEY = ["marts", "fct_published_figures"]
# What the figures are built from (and, by being downstream of the marts' blocking
# quality checks, after those checks: their results are printed too).
MART_DEPS = [
    ["marts", "fct_problem_indicators"],
    ["marts", "fct_survey_by_category"],
    ["marts", "dim_area"],
    ["marts", "dim_problem_category"],
    ["marts", "dim_period"],
    ["marts", "dim_month"],
    ["marts", "dim_municipality"],
    ["marts", "dim_pledge"],
    ["marts", "fct_reference_crime_rates"],
    ["marts", "fct_pledge_followup"],
]


@dg.asset(
    key=FIGURES_KEY,
    deps=MART_DEPS,
    group_name="publish",
    kinds={"duckdb", "python"},
    owners=["team:brottsforebyggande"],
    description=(
        "Every figure the lägesbild, the workbook and the pledge briefs print, one row each: the number behind "
        "it and the text exactly as printed, small counts hidden once for all outputs together "
        "(DATA-CONTRACT §4.1). The renderers only lay this table out."
    ),
)
def fct_published_figures(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings
    with retry_transient(context, "Publicerade siffror", str(settings.warehouse)), warehouse.connect() as con:
        frame = figures.build(con)
        rows = published.write(con, frame)
    return dg.MaterializeResult(metadata={
        "dagster/row_count": rows,
        "periods": dg.MetadataValue.json(sorted(frame["period"].unique().tolist())),
        "hidden": int(frame["shown"].str.startswith("<").sum() + (frame["shown"] == "dolt").sum()),
    })


@dg.asset(
    key=["picture", "lagesbild"],
    # It reads only the figures; the marts are named too so that their failed blocking checks
    # skip it in the same run (the gate below also refuses a stopped tertial in a later run).
    deps=[FIGURES_KEY, *MART_DEPS],
    partitions_def=tertial_partitions,
    # One run renders any range of tertials (a backfill is one run, not one per tertial).
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="picture",
    kinds={"html", "pdf", "excel"},
    owners=["team:brottsforebyggande"],
    description=(
        "The tertial lägesbild under `output/<period>/`: lagesbild.html (self-contained), lagesbild.pdf "
        "(page-numbered), lagesbild.xlsx (indicator tables) and `pledges/<pledge_id>.md` (a brief per "
        "medborgarlöfte); in Swedish, with small counts hidden everywhere."
    ),
)
def lagesbild(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings
    with warehouse.connect(read_only=True) as con:
        # A failed blocking quality check (this run or an earlier one) keeps its tertials unpublished.
        blocked = gate.blocked_periods(con, [period_of_key(k) for k in context.partition_keys])
    if blocked:
        raise dg.Failure(
            description=f"Datakvalitetskontroller stoppar lägesbilden:\n{gate.explain(blocked)}",
            metadata={"blocked_periods": sorted(blocked)},
        )
    written, unchanged = [], []
    # One tertial: render its PDF here; several: in worker processes (spawning one costs ~1 s).
    pool = PdfPool() if len(context.partition_keys) > 1 else contextlib.nullcontext(None)
    lock_retry = retry_transient(context, "Lägesbilden", str(settings.warehouse))
    with lock_retry, warehouse.connect(read_only=True) as con, pool as pdfs:
        with_data = set(published.periods(con))
        for key in context.partition_keys:
            period = period_of_key(key)
            if period not in with_data:
                context.log.info(f"{period}: no data in the warehouse, no report written")
                continue
            fingerprint = period_fingerprint(con, period)
            if is_current(settings.period_dir(period), fingerprint, REPORT_FILES):
                unchanged.append(period)
                continue
            written.append((lagesbild_report.build(con, period, settings.output_dir, pdfs), fingerprint))
        if unchanged:
            context.log.info(f"inputs unchanged since the last rendering: {', '.join(unchanged)}")
        for report, fingerprint in written:
            report.wait()
            mark_current(settings.period_dir(report.period), fingerprint)
            context.log.info(
                f"{report.period}: {len(report.paths)} files in {report.html_path.parent} "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in report.seconds.items())})"
            )
    if not written:
        return dg.MaterializeResult(metadata={"reports_written": 0, "reports_unchanged": unchanged})
    written = [report for report, _ in written]
    latest = written[-1]
    png = vl_convert.svg_to_png(latest.chart_svg, scale=1.0)
    return dg.MaterializeResult(
        metadata={
            "reports_written": len(written),
            "reports_unchanged": unchanged,
            "periods": [r.period for r in written],
            "latest_period": latest.period,
            "latest_html": dg.MetadataValue.path(str(latest.html_path)),
            "latest_pdf": dg.MetadataValue.path(str(latest.pdf_path)),
            "latest_xlsx": dg.MetadataValue.path(str(latest.xlsx_path)),
            "latest_pledge_briefs": dg.MetadataValue.md(
                "\n".join(f"- `{p}`" for p in latest.brief_paths) or "Inga medborgarlöften."
            ),
            "latest_top_priorities": dg.MetadataValue.md(latest.top_markdown),
            "latest_chart": dg.MetadataValue.md(
                f"![Anmälda brott per problemkategori, {latest.period}]"
                f"(data:image/png;base64,{base64.b64encode(png).decode()})"
            ),
            "render_seconds": dg.MetadataValue.json({r.period: r.seconds for r in written}),
        }
    )


assets = [fct_published_figures, lagesbild]
