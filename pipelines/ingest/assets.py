"""Ingest assets: each loads one source family into raw.* and records audit.*.

They only load and record; every business rule lives in dbt.
"""


from types import SimpleNamespace

import dagster as dg

from ..config import ConfigError, load_actions, load_municipality, load_pledges, load_questions
from ..resources import Warehouse
from ..retries import retry_transient
from . import partners as partners_source
from . import police_bra as police_bra_source
from . import police_events as police_events_source
from . import police_local as police_local_source
from . import surveys as surveys_source
from .actions import write_actions
from .common import FileOutcome, find_files, load_file, unsupported_files, unsupported_parser
from .municipality import write_config
from .pledges import load_and_write as write_pledges_file

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
            description=f"municipality.yaml, validated, as raw.{table} (replaced on every run).",
        )
        for table in CONFIG_TABLES
    ],
    name="municipality_config",
)
def municipality_config(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Read and validate municipality.yaml once and hand it to dbt as raw tables."""
    municipality = load_municipality(warehouse.settings.municipality_file)
    with retry_transient(context, "Inläsning av municipality.yaml", str(warehouse.settings.warehouse)):
        with warehouse.connect() as con:
            counts = write_config(con, municipality)
    context.log.info(f"{municipality.name} ({municipality.code}): {counts['areas']} areas")
    for table in CONFIG_TABLES:
        yield dg.MaterializeResult(
            asset_key=["raw", table],
            metadata={"municipality": f"{municipality.name} ({municipality.code})", **counts},
        )


def load_municipality_checking(path, check_own_file):
    """municipality.yaml for a step that validates another file against it. When it is broken,
    the other file is still checked on its own (areas unchecked) and its problems reported
    first, so one run shows the coordinator everything to fix; then the municipality's error."""
    try:
        return load_municipality(path)
    except ConfigError:
        check_own_file()
        raise


def load_folder(context, warehouse: Warehouse, folder, source, raw_table: str) -> dict:
    """Load every file of one source folder into raw.<raw_table>; a failed file is reported,
    the others still load. A locked warehouse or busy disk is retried (pipelines.retries).

    `source` is a source module: SOURCE_KIND, FILE_PATTERNS, parse(path), write(con, rows).
    """
    settings = warehouse.settings
    wrong_type = unsupported_parser(source.FILE_PATTERNS)
    files = [(path, source.parse) for path in find_files(folder, source.FILE_PATTERNS)]
    files += [(path, wrong_type) for path in unsupported_files(folder, source.FILE_PATTERNS)]
    outcomes: list[FileOutcome] = []
    with retry_transient(context, f"Inläsning av {folder}", str(settings.warehouse)), warehouse.connect() as con:
        for path, parse in files:
            outcome = load_file(
                con, path, data_dir=settings.data_dir, source_kind=source.SOURCE_KIND,
                parse=parse, write=source.write,
            )
            outcomes.append(outcome)
            if outcome.status == "failed":
                context.log.warning(f"{outcome.source_file}: {outcome.message}")
            elif outcome.status == "loaded":
                context.log.info(
                    f"{outcome.source_file}: {outcome.rows_loaded} rows loaded, {outcome.rows_rejected} rejected"
                )
        # An empty folder still leaves an (empty) table for dbt to read.
        con.execute(source.RAW_DDL)
        row_count = con.execute(f"select count(*) from raw.{raw_table}").fetchall()[0][0]
    table = "\n".join(
        f"| {o.source_file} | {o.status} | {o.rows_loaded} | {o.rows_rejected} | {o.message} |" for o in outcomes
    )
    return {
        "dagster/row_count": row_count,
        "files_found": len(files),
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


def source_asset(source, *, table: str, folder: str, kinds: set[str], description: str) -> dg.AssetsDefinition:
    """An ingest asset loading the source folder `folder` (a key of settings.SOURCE_DIRS)
    with a source module into raw.<table>."""

    @dg.asset(
        key=["raw", table], group_name="ingest", kinds={"duckdb", *kinds}, owners=OWNERS, description=description
    )
    def _load(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        return dg.MaterializeResult(
            metadata=load_folder(context, warehouse, warehouse.settings.source_dir(folder), source, table)
        )

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
        "as raw.police_local; '..' (suppressed at source) kept as unknown, not zero."
    ),
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
    """Validate the question catalogue once (a broken one fails the run), then load the exports with it."""
    settings = warehouse.settings
    source = surveys_source
    if settings.questions_file.exists():
        questions = load_questions(settings.questions_file)
        with retry_transient(context, "Inläsning av surveys/questions.yaml", str(settings.warehouse)):
            with warehouse.connect() as con:
                surveys_source.write_catalogue(con, questions)
        source = SimpleNamespace(
            **{name: getattr(surveys_source, name) for name in ("SOURCE_KIND", "FILE_PATTERNS", "RAW_DDL", "write")},
            parse=surveys_source.make_parser(questions),
        )
    metadata = load_folder(context, warehouse, settings.source_dir("surveys"), source, "survey_responses")
    with warehouse.connect() as con:
        ignored = surveys_source.ignored_columns(con)
    metadata["columns_not_stored"] = dg.MetadataValue.md(
        "\n".join(f"- {file}: `{column}`" for file, column in ignored) or "none"
    )
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
    municipality = load_municipality_checking(
        settings.municipality_file, lambda: load_pledges(settings.pledges_file, None)
    )
    with retry_transient(context, "Inläsning av pledges.yaml", str(settings.warehouse)), warehouse.connect() as con:
        count = write_pledges_file(con, settings.pledges_file, municipality)
    present = settings.pledges_file.exists()
    context.log.info(f"{count} pledges" if present else "no pledges.yaml: no pledges")
    return dg.MaterializeResult(metadata={"pledges": count, "file_present": present})


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
    municipality = load_municipality_checking(
        settings.municipality_file, lambda: load_actions(settings.actions_file, None, None)
    )
    try:
        pledges = load_pledges(settings.pledges_file, municipality)
    except ConfigError:
        load_actions(settings.actions_file, municipality, None)  # its own problems first, then the pledges'
        raise
    actions = load_actions(settings.actions_file, municipality, pledges)
    with retry_transient(context, "Inläsning av actions.yaml", str(settings.warehouse)), warehouse.connect() as con:
        counts = write_actions(con, settings.actions_file, settings.data_dir, actions)
    present = settings.actions_file.exists()
    context.log.info(f"{counts['actions']} measures, {counts['updates']} updates" if present
                     else "no actions.yaml: no measures")
    yield dg.MaterializeResult(asset_key=["raw", "actions"], metadata={**counts, "file_present": present})
    yield dg.MaterializeResult(asset_key=["raw", "action_updates"], metadata={"updates": counts["updates"]})


assets = [municipality_config, config_pledges, action_plan, police_events, police_bra, police_local, partner_reports,
          surveys]
