"""The published figures and the lägesbild asset (municipality × tertial): reads the marts,
renders each municipality's files under settings.period_dir(period, code)."""


import base64

import dagster as dg
import vl_convert
from data_quality import gate

from .. import changes
from ..jobs import LAGESBILD_KEY
from ..partitions import period_of_key, split_key
from ..resources import Warehouse
from ..retries import retry_transient
from ..settings import INTERNAL_FOLDER
from . import figures, overview, published, rebuild, region_figures
from .batch import Job, Renderer, workers_for
from .fingerprint import is_current, mark_current, period_fingerprint
from .lagesbild import PDF_NAME

REPORT_FILES = ["lagesbild.html", PDF_NAME, "lagesbild.xlsx"]


def report_files(pdf: bool, internal: bool = False) -> list[str]:
    """The files a current report has: its PDF only when one is wanted (Settings.wants_pdf), the
    internal edition's under intern/ only when it is on (Settings.internal)."""
    files = REPORT_FILES if pdf else [name for name in REPORT_FILES if name != PDF_NAME]
    return files + ([f"{INTERNAL_FOLDER}/{name}" for name in files] if internal else [])
FIGURES_KEY = ["marts", "fct_published_figures"]
# What the figures are built from (and, by being downstream of the marts' blocking
# quality checks, after those checks: their results are printed too).
MART_DEPS = [
    ["marts", "fct_problem_indicators"],
    ["marts", "fct_area_comparison"],
    ["marts", "fct_survey_by_category"],
    ["marts", "fct_survey_by_sector"],
    ["marts", "dim_area"],
    ["marts", "dim_problem_category"],
    ["marts", "dim_period"],
    ["marts", "dim_municipality_period"],
    ["marts", "dim_month"],
    ["marts", "dim_municipality"],
    ["marts", "dim_pledge"],
    ["marts", "fct_reference_crime_rates"],
    ["marts", "fct_pledge_followup"],
    ["marts", "fct_municipality_comparison"],
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
    # Planned on a read-only connection; many municipalities' figures are built by worker
    # processes meanwhile (figures_pool.py), then written on the connection that writes.
    with retry_transient(context, "Publicerade siffror", str(settings.warehouse)):
        with warehouse.connect(read_only=True) as con:
            snap = changes.Snapshot(settings, [FIGURES_KEY], con)
        with rebuild.prebuilt(settings.warehouse) as built, warehouse.connect() as con:
            written = rebuild.write(con, settings.is_region, built=built)
            summary = published.summary(con)
            # The internal edition's figures: only when it is on, in a table of their own (never a
            # row of this one); switched off, none stay in the warehouse.
            if settings.internal:
                internal_rows = published.write_frames(con, figures.build_frames(con, internal=True),
                                                       published.INTERNAL_TABLE)
            else:
                published.drop_internal(con)
                internal_rows = 0
            snap.record(con)
    if written.full:
        context.log.info(f"every municipality's figures built ({written.reason})")
    else:
        context.log.info(f"figures rebuilt for {', '.join(written.rebuilt) or 'no municipality'} "
                         f"({written.reason}); the overview's tertials {', '.join(written.periods) or 'none'}; "
                         f"comparisons for {len(written.compared)}; the others kept")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": sum(summary["by_municipality"].values()),
        "rows_written": written.rows,
        "figures_workers": len(built.parts or []),  # processes that built them (0: this one)
        "rebuilt_municipalities": dg.MetadataValue.json(written.rebuilt),
        "rebuilt_comparisons": len(written.compared),
        "rebuilt_overview_tertials": dg.MetadataValue.json(written.periods),
        "periods": dg.MetadataValue.json(summary["periods"]),
        "figures_by_municipality": dg.MetadataValue.json(summary["by_municipality"]),
        "hidden": summary["hidden"],
        "internal_rows": internal_rows,
    })


# Every municipality's figures, then the region's (rebuild.frames; tests build the table with it).
_figure_frames = rebuild.frames


def _report_dir(settings, period: str, code: str):
    """settings.period_dir of a municipality; a warehouse built from another data dir (a code
    this data dir does not have) keeps the single layout's output/<period>/ when it is one."""
    try:
        return settings.period_dir(period, code)
    except KeyError:
        if settings.is_region:
            raise
        return settings.period_dir(period)


def _per_municipality_table(rows: list[dict]) -> str:
    lines = ["| Kommun | Skrivna | Oförändrade | Senaste tertial | Mapp |", "|---|---:|---:|---|---|"]
    lines += [f"| {r['kommun']} ({r['code']}) | {len(r['written'])} | {len(r['unchanged'])} | "
              f"{r['latest'] or '–'} | `{r['folder']}` |" for r in rows]
    return "\n".join(lines)


def _render_overviews(context, con, settings, wanted: dict[str, list[str]]) -> list:
    """The regional overview (output/region/<period>/) of every tertial this run renders that has
    the region's figures; re-rendered only when those figures or the layout changed."""
    paths = []
    with_region = set(published.periods(con, region_figures.REGION))
    for period in sorted({p for ps in wanted.values() for p in ps} & with_region):
        folder = settings.region_dir(period)
        fingerprint = overview.fingerprint(con, period)
        pdf = settings.wants_pdf(region_figures.REGION)
        if is_current(folder, fingerprint, [n for n in overview.FILES if pdf or not n.endswith(".pdf")]):
            continue
        result = overview.build(con, period, folder, pdf=pdf)
        mark_current(folder, fingerprint)
        paths.append(result.html_path)
        context.log.info(f"region {period}: oversikt in {folder}")
    return paths


def build_lagesbild_asset(partitions_def: dg.MultiPartitionsDefinition) -> dg.AssetsDefinition:
    """The lägesbild asset over `partitions_def` (municipality × tertial, pipelines/partitions.py),
    made when the definitions load, from the data dir's municipalities."""

    @dg.asset(
        key=LAGESBILD_KEY,
        # It reads only the figures; the marts are named too so that their failed blocking checks
        # skip it in the same run (the gate below also refuses a stopped tertial in a later run).
        deps=[FIGURES_KEY, *MART_DEPS],
        partitions_def=partitions_def,
        # One run renders any range of municipalities × tertials (a backfill is one run, not one per
        # partition); Dagster reads a range of the two dimensions as their cross product.
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="picture",
        kinds={"html", "pdf", "excel"},
        owners=["team:brottsforebyggande"],
        description=(
            "The tertial lägesbild of each municipality (partitions: kommun × tertial) under "
            "`output/<period>/`, or `output/<code>-<name>/<period>/` in a data dir of several municipalities: "
            "lagesbild.html (self-contained), lagesbild.pdf (page-numbered), lagesbild.xlsx (indicator "
            "tables) and `pledges/<pledge_id>.md` (a brief per medborgarlöfte); in Swedish, with small "
            "counts hidden everywhere."
        ),
    )
    def lagesbild(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        settings = warehouse.settings
        wanted: dict[str, list[str]] = {}  # code -> tertials, in partition order
        for key in context.partition_keys:
            code, tertial_key = split_key(key, partitions_def)
            wanted.setdefault(code, []).append(period_of_key(tertial_key))
        with warehouse.connect(read_only=True) as con:
            # A failed blocking quality check (this run or an earlier one) keeps its tertials unpublished.
            blocked = gate.blocked_periods(con, sorted({p for ps in wanted.values() for p in ps}))
        if blocked:
            raise dg.Failure(
                description=f"Datakvalitetskontroller stoppar lägesbilden:\n{gate.explain(blocked)}",
                metadata={"blocked_periods": sorted(blocked)},
            )
        summary = []
        # Several reports: rendered by worker processes (batch.py) while this one checks the next.
        workers = workers_for(len(context.partition_keys))
        lock_retry = retry_transient(context, "Lägesbilden", str(settings.warehouse))
        with lock_retry, warehouse.connect(read_only=True) as con, \
                Renderer(con, settings.warehouse, settings.output_dir, workers) as renderer:
            jobs = []
            in_warehouse = set(published.municipalities(con))
            names = dict(con.execute("select kommun_code, kommun_name from marts.dim_municipality").fetchall())
            for code, tertials in sorted(wanted.items()):
                if code not in in_warehouse:
                    context.log.info(f"{code}: no published figures in the warehouse, no report written")
                    continue
                with_data = set(published.periods(con, code))
                pdf = settings.wants_pdf(code)
                entry = {"code": code, "kommun": names.get(code, code), "written": [], "unchanged": [], "latest": None,
                         "folder": str(_report_dir(settings, "<tertial>", code))}
                summary.append(entry)
                for period in tertials:
                    if period not in with_data:
                        context.log.info(f"{code} {period}: no data in the warehouse, no report written")
                        continue
                    folder = _report_dir(settings, period, code)
                    fingerprint = period_fingerprint(con, period, code, settings.internal)
                    if is_current(folder, fingerprint, report_files(pdf, settings.internal)):
                        entry["unchanged"].append(period)
                        continue
                    jobs.append((Job(code, period, folder, pdf, settings.internal), fingerprint))
                    entry["written"].append(period)
                entry["latest"] = max(entry["written"] + entry["unchanged"], default=None)
                if entry["unchanged"]:
                    context.log.info(f"{code}: inputs unchanged since the last rendering: "
                                     f"{', '.join(entry['unchanged'])}")
            # Newest first, the newest of all rendered here while the workers take the rest: the
            # picture a new file is for is there first (its stamp written as soon as it is whole).
            jobs.sort(key=lambda item: item[0].period, reverse=True)
            written = [(renderer.submit(job), fingerprint, job.folder) for job, fingerprint in jobs[1:]]
            written[:0] = [(renderer.submit(job, here=True), fingerprint, job.folder) for job, fingerprint in jobs[:1]]
            reports, overviews = [], []
            for i, (future, fingerprint, folder) in enumerate(written):
                report = future.result()
                mark_current(folder, fingerprint)
                reports.append(report)
                context.log.info(
                    f"{report.kommun_code} {report.period}: {len(report.paths)} files in {report.html_path.parent} "
                    f"({', '.join(f'{k} {v:.1f} s' for k, v in report.seconds.items())})"
                )
                if i == 0 and settings.is_region:  # while the workers render the rest
                    overviews = _render_overviews(context, con, settings, wanted)
            if not written and settings.is_region:
                overviews = _render_overviews(context, con, settings, wanted)
        unchanged = [f"{e['code']} {p}" for e in summary for p in e["unchanged"]]
        # Per municipality at a glance (the partition grid shows each kommun × tertial's status).
        metadata = {
            "overviews": dg.MetadataValue.md("\n".join(f"- `{path}`" for path in overviews) or "–"),
            "municipalities": dg.MetadataValue.md(_per_municipality_table(summary) if summary else "Ingen kommun."),
            "reports_by_municipality": dg.MetadataValue.json(
                {e["code"]: {"kommun": e["kommun"], "written": e["written"], "unchanged": e["unchanged"],
                             "latest_period": e["latest"], "folder": e["folder"]} for e in summary}),
        }
        if not reports:
            return dg.MaterializeResult(metadata={**metadata, "reports_written": 0, "reports_unchanged": unchanged})
        written = reports
        latest = max(written, key=lambda r: (r.period, r.kommun_code))
        png = vl_convert.svg_to_png(latest.chart_svg, scale=1.0)
        return dg.MaterializeResult(
            metadata={
                **metadata,
                "reports_written": len(written),
                "reports_unchanged": unchanged,
                "periods": sorted({r.period for r in written}),
                "latest_period": latest.period,
                "latest_municipality": f"{latest.kommun} ({latest.kommun_code})",
                "latest_html": dg.MetadataValue.path(str(latest.html_path)),
                **({"latest_pdf": dg.MetadataValue.path(str(latest.pdf_path))} if latest.pdf_path else {}),
                "latest_xlsx": dg.MetadataValue.path(str(latest.xlsx_path)),
                "latest_pledge_briefs": dg.MetadataValue.md(
                    "\n".join(f"- `{p}`" for p in latest.brief_paths) or "Inga medborgarlöften."
                ),
                "latest_top_priorities": dg.MetadataValue.md(latest.top_markdown),
                "latest_chart": dg.MetadataValue.md(
                    f"![Anmälda brott per problemkategori, {latest.kommun}, {latest.period}]"
                    f"(data:image/png;base64,{base64.b64encode(png).decode()})"
                ),
                "render_seconds": dg.MetadataValue.json(
                    {f"{r.kommun_code} {r.period}": r.seconds for r in written}),
            }
        )

    return lagesbild


def build_assets(partitions_def: dg.MultiPartitionsDefinition) -> list[dg.AssetsDefinition]:
    return [fct_published_figures, build_lagesbild_asset(partitions_def)]
