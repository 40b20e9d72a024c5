"""dbt models, seeds and tests as Dagster assets and asset checks."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from data_quality.checks import checks_in_run, import_suites

from . import changes
from .dbt_manifest import adopt_parse, prune_run_folders
from .resources import Warehouse
from .retries import retry_transient
from .settings import DBT_PROJECT_DIR, DBT_TARGET_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=DBT_TARGET_DIR)
# Builds the manifest under `dagster dev` only; `make` and the tests run `dbt parse` first.
dbt_project.prepare_if_dev()

PREVIEW_ROWS = 5


class Translator(DagsterDbtTranslator):
    """Asset keys follow the warehouse, [schema, table], so dbt sources (raw.*) are the
    ingest assets' keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:analys"]


def _markdown_preview(con, table: str) -> str:
    frame = con.execute(f"select * from {table} limit {PREVIEW_ROWS}").df()
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, *rows])


def _with_table_metadata(context: dg.AssetExecutionContext, warehouse: Warehouse, events: list) -> list:
    """Row counts on every model and a preview of every mart. Read after dbt has exited:
    DuckDB lets no other process read while dbt holds the file."""
    outputs = [e for e in events if isinstance(e, dg.Output)]
    if not outputs:
        return events
    extra = {}
    with warehouse.connect(read_only=True) as con:
        tables = {tuple(row) for row in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
        for event in outputs:
            schema, name = context.asset_key_for_output(event.output_name).path
            if (schema, name) not in tables:
                continue
            metadata = {"dagster/row_count": con.execute(f'select count(*) from "{schema}"."{name}"').fetchall()[0][0]}
            if schema == "marts":
                metadata["preview"] = dg.MetadataValue.md(_markdown_preview(con, f'"{schema}"."{name}"'))
            extra[event.output_name] = metadata
    return [
        e.with_metadata({**e.metadata, **extra[e.output_name]})
        if isinstance(e, dg.Output) and e.output_name in extra
        else e
        for e in events
    ]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """`dbt build`: seeds, staging, intermediate and marts, with dbt tests as asset checks."""
    # dbt reads LAGESBILD_WAREHOUSE (profiles.yml) from dbt_project/: hand it the absolute path.
    warehouse.settings.export()
    if checks_in_run(context):  # GX's import while dbt works, not after it (data_quality/checks.py)
        import_suites()
    # the models' inputs as this build starts (pipelines/changes.py); recorded for those built
    snap = changes.snapshot(warehouse, context.selected_asset_keys)
    where = f"dbt:s logg under {DBT_TARGET_DIR} och stegets stdout i körningen"
    with retry_transient(context, "dbt build", where):
        # Unit tests check the SQL's logic on fixed inputs, not the data: they run once in the
        # test suite (tests/integration/test_dbt_unit_tests.py), not in every run (~6 s each).
        invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context, raise_on_error=False)
        try:
            events = list(invocation.stream())
        finally:
            adopt_parse(invocation.target_path)
            prune_run_folders(invocation.target_path)
        error = invocation.get_error()
        # What dbt built is recorded even when a later model or test failed.
        yield from _with_table_metadata(context, warehouse, events)
        changes.record(warehouse, snap, [context.asset_key_for_output(e.output_name)
                                         for e in events if isinstance(e, dg.Output)])
        if error is not None:
            raise error
