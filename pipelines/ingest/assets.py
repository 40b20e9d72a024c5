"""Ingest assets: each loads one source family into raw.* and records audit.*.

They only load and record; every business rule lives in dbt.
"""


from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import dagster as dg

from .. import changes, layout
from ..config import ConfigError, load_actions, load_municipalities, load_municipality, load_pledges, load_questions
from ..resources import Warehouse
from ..retries import retry_transient
from ..settings import POLICE_API_SUBDIR, SOURCE_DIRS, Settings
from ..warehouse import adopt_unowned_rows
from . import partners as partners_source
from . import police_bra as police_bra_source
from . import police_events as police_events_source
from . import police_local as police_local_source
from . import kolada_kpis as kolada_kpis_source
from . import kolada_values as kolada_values_source
from . import scb_population as scb_population_source
from . import surveys as surveys_source
from .actions import ActionPlan, write_action_plans
from .analysis import write_analysis
from .common import (FileLoader, FileOutcome, file_sha256, forget_outside_window, relative_source_file,
                     source_files, unsupported_parser)
from .municipality import write_config
from .pledges import write_pledges
from .redact import redaction_scope

CONFIG_TABLES = ("config_municipality", "config_area_names", "config_area_population")
# The coordinator's team drops the files; data ops keep the loading running.
OWNERS = ["team:dataops"]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", table],
            group_name="ingest",
            kinds={"duckdb", "yaml"},
            owners=OWNERS,
            description=f"Every municipality's municipality.yaml, validated, as raw.{table} (replaced on every run).",
        )
        for table in CONFIG_TABLES
    ],
    name="municipality_config",
)
def municipality_config(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Read and validate every municipality.yaml once (a broken one, a code that is no
    municipality or that two folders share fails the run) and hand them to dbt as raw tables."""
    snap = changes.snapshot(warehouse, context.selected_asset_keys)  # before reading: what this run sees
    municipalities = load_municipalities(warehouse.settings.municipalities)
    with retry_transient(context, "Inläsning av municipality.yaml", str(warehouse.settings.warehouse)):
        with warehouse.connect() as con:
            counts = write_config(con, municipalities)
            snap.record(con)
    names = ", ".join(f"{m.name} ({m.code})" for m in municipalities)
    for municipality in municipalities:
        context.log.info(f"{municipality.name} ({municipality.code}): {len(municipality.areas)} areas")
    for table in CONFIG_TABLES:
        yield dg.MaterializeResult(asset_key=["raw", table], metadata={"municipality": names, **counts})


def load_municipality_checking(path, check_own_file):
    """municipality.yaml for a step that validates another file against it. When it is broken,
    the other file is still checked on its own (areas unchecked) and its problems reported
    first, so one run shows the coordinator everything to fix; then the municipality's error."""
    try:
        return load_municipality(path)
    except ConfigError:
        check_own_file()
        raise


@dataclass(frozen=True)
class Folder:
    """One folder of a source: whose files they are (`kommun_code`; None for a shared folder
    at the root of a region) and whose names redaction protects in them."""

    path: Path
    kommun_code: str | None
    municipality_files: tuple[Path, ...]
    parse: Callable | None = None  # instead of the source's parse (a municipality's own catalogue)


def source_folders(settings: Settings, source_key: str, entries: list | None = None) -> list[Folder]:
    """The folders of a source (a key of SOURCE_DIRS): every municipality folder's, then, in a
    region, the shared one at the root (police events, BRÅ, local police; DATA-CONTRACT §6).
    `entries`: settings.municipalities when the caller has listed them already."""
    entries = settings.municipalities if entries is None else entries
    folders = [Folder(e.source_dir(SOURCE_DIRS[source_key]), e.code, (e.municipality_file,)) for e in entries]
    if source_key in layout.SHARED_SOURCES:
        shared = layout.shared_source_dir(settings.data_dir, SOURCE_DIRS[source_key])
        if shared is not None:
            folders.append(Folder(shared, None, tuple(e.municipality_file for e in entries)))
    if source_key == "police_events":  # the connector's payloads (DATA-CONTRACT §7), owned like their parent
        folders += [replace(f, path=f.path / POLICE_API_SUBDIR) for f in folders if (f.path / POLICE_API_SUBDIR).is_dir()]
    return folders


def adopt_single_municipality(con, settings: Settings, source, raw_table: str) -> None:
    """In a single-municipality data dir every row is its municipality's: rows written before
    `kommun_code` existed (or under a code since corrected) are given the current one, so
    their files still count as loaded (the dedupe key is sha256 and municipality)."""
    if settings.is_region:
        return
    code = settings.municipalities[0].code
    con.execute(source.RAW_DDL)
    adopt_unowned_rows(con, f"raw.{raw_table}", "_kommun_code", code)
    for table in ("audit.loaded_files", "audit.rejected_rows"):
        adopt_unowned_rows(con, table, "kommun_code", code, f"and source_kind = '{source.SOURCE_KIND}'")


def load_folder(context, warehouse: Warehouse, folders: list[Folder], source, raw_table: str) -> dict:
    """Load every file of a source's folders into raw.<raw_table>, each file with its
    folder's municipality as `_kommun_code`; a failed file is reported, the others still
    load. A locked warehouse or busy disk is retried (pipelines.retries).

    `source` is a source module: SOURCE_KIND, FILE_PATTERNS, RAW_DDL, parse(path), write(con, rows),
    optionally write_batch(con, frames) to write several files' rows at once (common.FileLoader).
    """
    settings = warehouse.settings
    wrong_type = unsupported_parser(source.FILE_PATTERNS)
    outcomes: list[FileOutcome] = []
    files_found = 0
    where = ", ".join(f"{relative_source_file(f.path, settings.data_dir)}/" for f in folders[:3])
    where += " …" if len(folders) > 3 else ""
    with retry_transient(context, f"Inläsning av {where}", str(settings.warehouse)), warehouse.connect() as con:
        adopt_single_municipality(con, settings, source, raw_table)
        con.execute(source.RAW_DDL)
        # a file that parses differently on this as-of date (a row no longer in the future) is read again
        reread = forget_outside_window(con, source.SOURCE_KIND, f"raw.{raw_table}", settings.as_of)
        if reread:
            context.log.info(f"{reread} files read again: the as-of date {settings.as_of} changes their rows")
        loader = FileLoader(con, data_dir=settings.data_dir, source_kind=source.SOURCE_KIND, write=source.write,
                            write_batch=getattr(source, "write_batch", None))
        unlogged: list[tuple[Folder, list[FileOutcome]]] = []
        for folder in folders:
            parse = folder.parse or source.parse
            found, unsupported = source_files(folder.path, source.FILE_PATTERNS)
            files = [(path, parse) for path in found] + [(path, wrong_type) for path in unsupported]
            files_found += len(files)
            with redaction_scope(folder.municipality_files):
                folder_outcomes = loader.add_all(files, folder.kommun_code)
            outcomes += folder_outcomes
            unlogged.append((folder, folder_outcomes))
            unlogged = _log_written(context, settings, unlogged)
        loader.flush()
        _log_written(context, settings, unlogged)
        # An empty folder still leaves an (empty) table for dbt to read.
        con.execute(source.RAW_DDL)
        row_count = con.execute(f"select count(*) from raw.{raw_table}").fetchall()[0][0]
    table = "\n".join(
        f"| {o.source_file} | {o.status} | {o.rows_loaded} | {o.rows_rejected} | {o.message} |" for o in outcomes
    )
    return {
        "dagster/row_count": row_count,
        "files_found": files_found,
        "files_loaded": sum(o.status == "loaded" for o in outcomes),
        "files_unchanged": sum(o.status == "unchanged" for o in outcomes),
        "files_failed": sum(o.status == "failed" for o in outcomes),
        "rows_loaded": sum(o.rows_loaded for o in outcomes),
        "rows_rejected": sum(o.rows_rejected for o in outcomes),
        "failed_files": [o.source_file for o in outcomes if o.status == "failed"],
        "files": dg.MetadataValue.md(
            "| file | status | rows loaded | rows rejected | note |\n|---|---|---|---|---|\n" + table
            if outcomes
            else "no files"
        ),
    }


def _log_written(context, settings: Settings, folders: list[tuple[Folder, list[FileOutcome]]]):
    """Log each folder whose files are all written (in order); returns the others.

    One line per folder, not per file: every log line is an event in Dagster's run storage,
    which made a national run's ingest several times slower. The per-file details are in the
    asset's `files` metadata table."""
    while folders and all(o.status != "pending" for o in folders[0][1]):
        folder, outcomes = folders.pop(0)
        for outcome in outcomes:
            if outcome.status == "failed":
                context.log.warning(f"{outcome.source_file}: {outcome.message}")
        loaded = [o for o in outcomes if o.status == "loaded"]
        if loaded:
            context.log.info(
                f"{relative_source_file(folder.path, settings.data_dir)}/: {len(loaded)} files loaded, "
                f"{sum(o.rows_loaded for o in loaded)} rows, {sum(o.rows_rejected for o in loaded)} rejected"
            )
    return folders


def source_asset(source, *, table: str, folder: str, kinds: set[str], description: str,
                 shared_parse: Callable | None = None) -> dg.AssetsDefinition:
    """An ingest asset loading the source folder `folder` (a key of settings.SOURCE_DIRS) of
    every municipality (and the region's shared one) with a source module into raw.<table>;
    `shared_parse` parses the region's shared folder instead of source.parse."""

    @dg.asset(
        key=["raw", table], group_name="ingest", kinds={"duckdb", *kinds}, owners=OWNERS, description=description
    )
    def _load(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        snap = changes.snapshot(warehouse, context.selected_asset_keys)
        folders = source_folders(warehouse.settings, folder)
        if shared_parse is not None:
            folders = [f if f.kommun_code is not None else Folder(f.path, None, f.municipality_files, shared_parse)
                       for f in folders]
        metadata = load_folder(context, warehouse, folders, source, table)
        changes.record(warehouse, snap)
        return dg.MaterializeResult(metadata=metadata)

    return _load


police_events = source_asset(
    police_events_source,
    table="police_events",
    folder="police_events",
    kinds={"json"},
    description=(
        "Swedish Police events (police/events/*.json|*.jsonl|*.jsonl.gz) as raw.police_events, "
        "one row per event id; unreadable records go to audit.rejected_rows."
    ),
)

police_bra = source_asset(
    police_bra_source,
    table="police_bra",
    folder="police_bra",
    kinds={"csv"},
    description="BRÅ 'Anmälda brott' per kommun and year (police/bra/*.csv) as raw.police_bra; the year from the file name.",
)

police_local = source_asset(
    police_local_source,
    table="police_local",
    folder="police_local",
    kinds={"csv", "xlsx"},
    description=(
        "Local police extracts, reported crimes per month, area and category (police/local/*.csv|*.xlsx) "
        "as raw.police_local; '..' (suppressed at source) kept as unknown, not zero. A shared extract "
        "at the root of a region names each row's municipality (Kommun column, raw kommun_text)."
    ),
    shared_parse=police_local_source.parse_shared,
)

partner_reports = source_asset(
    partners_source,
    table="partner_reports",
    folder="partners",
    kinds={"csv", "xlsx"},
    description=(
        "Partner reports on the partner template (partners/*.csv|*.xlsx) as raw.partner_reports; "
        "free text redacted before storage; bad rows in audit.rejected_rows."
    ),
)

# Reference figures a connector drops (or anyone copies in), DATA-CONTRACT §7.
scb_population = source_asset(
    scb_population_source,
    table="scb_population",
    folder="scb",
    kinds={"json"},
    description=(
        "SCB population (PxWeb v2 json-stat2, reference/scb/*.json) as raw.scb_population, one row per "
        "cell (region, contents, year); dbt takes Folkmängd (BE0101N1) from the newest fetch."
    ),
)

kolada_values = source_asset(
    kolada_values_source,
    table="kolada_values",
    folder="kolada",
    kinds={"json"},
    description=(
        "Kolada v3 /data pages (reference/kolada/*.json) as raw.kolada_values, one row per KPI, area "
        "(municipality, county 00LL, country 0000), year and gender."
    ),
)

kolada_kpis = source_asset(
    kolada_kpis_source,
    table="kolada_kpis",
    folder="kolada_kpis",
    kinds={"json"},
    description="Kolada v3 /kpi answers (reference/kolada/kpi/*.json) as raw.kolada_kpis: each KPI's title.",
)

SURVEY_TABLES = {
    "survey_responses": "Survey exports (surveys/*.csv|*.xlsx), wide to long: one row per response and "
    "question; columns not in the catalogue are not stored (listed in audit.ignored_columns).",
    "config_survey_questions": "surveys/questions.yaml, validated: the question catalogue.",
    "config_survey_scale_labels": "surveys/questions.yaml, validated: the answer scales.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", table], group_name="ingest", kinds={"duckdb", "csv", "xlsx"}, owners=OWNERS, description=text
        )
        for table, text in SURVEY_TABLES.items()
    ],
    name="surveys",
)
def surveys(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Validate every municipality's question catalogue once (a broken one fails the run), then
    load each municipality's exports with its own catalogue."""
    settings = warehouse.settings
    snap = changes.snapshot(warehouse, context.selected_asset_keys)
    municipalities = settings.municipalities  # listed once, not per municipality (290 folders)
    first = {}  # what settings.municipality(code) would find
    for entry in municipalities:
        first.setdefault(entry.code, entry)
    catalogues = {
        entry.code: load_questions(entry.questions_file)
        for entry in municipalities
        if entry.questions_file.exists()
    }
    reread: list[str] = []
    if catalogues:
        with retry_transient(context, "Inläsning av surveys/questions.yaml", str(settings.warehouse)):
            with warehouse.connect() as con:
                # a changed catalogue: the exports already loaded are read again with it
                reread = surveys_source.forget_if_catalogue_changed(
                    con, {code: file_sha256(first[code].questions_file) for code in catalogues})
                surveys_source.write_catalogue(con, catalogues)
        if reread:
            context.log.info(f"questions.yaml changed ({', '.join(reread)}): survey exports read again")
    # without a catalogue, the module's parse fails each file with a reason naming the missing file
    folders = [
        Folder(f.path, f.kommun_code, f.municipality_files,
               surveys_source.make_parser(catalogues[f.kommun_code]) if f.kommun_code in catalogues else None)
        for f in source_folders(settings, "surveys")
    ]
    metadata = load_folder(context, warehouse, folders, surveys_source, "survey_responses")
    with warehouse.connect() as con:
        ignored = surveys_source.ignored_columns(con)
    metadata["columns_not_stored"] = dg.MetadataValue.md(
        "\n".join(f"- {file}: `{column}`" for file, column in ignored) or "none"
    )
    changes.record(warehouse, snap)
    yield dg.MaterializeResult(asset_key=["raw", "survey_responses"], metadata=metadata)
    for table in ("config_survey_questions", "config_survey_scale_labels"):
        yield dg.MaterializeResult(asset_key=["raw", table])


@dg.asset(
    key=["raw", "config_pledges"],
    group_name="ingest",
    kinds={"duckdb", "yaml"},
    owners=OWNERS,
    description="pledges.yaml, validated against the taxonomy and municipality.yaml, as raw.config_pledges "
    "(replaced on every run; empty when the file is absent).",
)
def config_pledges(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """A broken pledges.yaml fails the run with a ConfigError naming file, field and pledge."""
    settings = warehouse.settings
    snap = changes.snapshot(warehouse, context.selected_asset_keys)
    pledges = {}
    for entry in settings.municipalities:
        municipality = load_municipality_checking(
            entry.municipality_file, lambda: load_pledges(entry.pledges_file, None)
        )
        pledges[entry.code] = load_pledges(entry.pledges_file, municipality)
    with retry_transient(context, "Inläsning av pledges.yaml", str(settings.warehouse)), warehouse.connect() as con:
        count = write_pledges(con, pledges)
        snap.record(con)
    present = sum(entry.pledges_file.exists() for entry in settings.municipalities)
    context.log.info(f"{count} pledges" if present else "no pledges.yaml: no pledges")
    return dg.MaterializeResult(metadata={"pledges": count, "file_present": bool(present), "files_present": present})


ACTION_TABLES = {
    "actions": "actions.yaml (the action plan), validated against the taxonomy, municipality.yaml and "
    "pledges.yaml: one row per measure (replaced when the file changes; empty when it is absent).",
    "action_updates": "actions.yaml: one row per follow-up update of a measure, notes redacted.",
}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", table], group_name="ingest", kinds={"duckdb", "yaml"}, owners=OWNERS, description=text)
        for table, text in ACTION_TABLES.items()
    ],
    name="action_plan",
)
def action_plan(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """A broken actions.yaml fails the run with a ConfigError naming file, measure, line and field."""
    settings = warehouse.settings
    snap = changes.snapshot(warehouse, context.selected_asset_keys)
    plans = []
    for entry in settings.municipalities:
        municipality = load_municipality_checking(
            entry.municipality_file, lambda: load_actions(entry.actions_file, None, None)
        )
        try:
            pledges = load_pledges(entry.pledges_file, municipality)
        except ConfigError:
            load_actions(entry.actions_file, municipality, None)  # its own problems first, then the pledges'
            raise
        plans.append(ActionPlan(entry.code, entry.actions_file, load_actions(entry.actions_file, municipality, pledges)))
    with retry_transient(context, "Inläsning av actions.yaml", str(settings.warehouse)), warehouse.connect() as con:
        counts = write_action_plans(con, settings.data_dir, plans)
        snap.record(con)
    present = sum(plan.path.exists() for plan in plans)
    context.log.info(f"{counts['actions']} measures, {counts['updates']} updates" if present
                     else "no actions.yaml: no measures")
    yield dg.MaterializeResult(asset_key=["raw", "actions"],
                               metadata={**counts, "file_present": bool(present), "files_present": present})
    yield dg.MaterializeResult(asset_key=["raw", "action_updates"], metadata={"updates": counts["updates"]})


@dg.asset(
    key=["raw", "coordinator_analysis"],
    group_name="ingest",
    kinds={"duckdb"},
    owners=OWNERS,
    description="analysis/<period>.md, the coordinator's own analysis per tertial (Markdown, redacted), as "
    "raw.coordinator_analysis (replaced when a text changes; empty when there is none).",
)
def coordinator_analysis(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """A file named as no tertial is a failed file in audit.rejected_rows; the others load."""
    settings = warehouse.settings
    snap = changes.snapshot(warehouse, context.selected_asset_keys)
    with retry_transient(context, "Inläsning av analysis/", str(settings.warehouse)), warehouse.connect() as con:
        counts = write_analysis(con, settings.data_dir, settings.municipalities)
        snap.record(con)
    context.log.info(f"{counts['texts']} analysis texts" + (f", {counts['failed']} misnamed" if counts["failed"] else ""))
    return dg.MaterializeResult(metadata=counts)


assets = [municipality_config, config_pledges, action_plan, coordinator_analysis, police_events, police_bra, police_local,
          partner_reports, surveys, scb_population, kolada_values, kolada_kpis]

# The audit tables the loaders write next to raw (pipelines/warehouse.py), which dbt reads as
# sources (the data-quality section's models, intermediate.int_report_*). Declared, never
# materialised themselves: every loader may write them, so every ingest asset is upstream of
# them, and pipelines/changes.py makes a model that reads them stale when any loader ran anew.
AUDIT_TABLES = {
    "loaded_files": "One row per loaded version of a file: rows loaded and rejected, when, the folder's municipality.",
    "rejected_rows": "One row per rejected row (or wholly rejected file) with its reason in Swedish.",
    "ignored_columns": "Survey export columns outside the question catalogue, never stored: file, header, reason.",
}
audit_tables = [
    dg.AssetSpec(["audit", name], description=text, group_name="audit", kinds={"duckdb"}, owners=OWNERS,
                 deps=[spec.key for definition in assets for spec in definition.specs])
    for name, text in AUDIT_TABLES.items()
]
