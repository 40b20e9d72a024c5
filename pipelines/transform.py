"""dbt models, seeds and tests as Dagster assets and asset checks."""


from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from .resources import Warehouse
from .settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Builds the manifest under `dagster dev` only; `make` and the tests run `dbt parse` first.
dbt_project.prepare_if_dev()


class Translator(DagsterDbtTranslator):
    """Asset keys follow the warehouse, [schema, table], so dbt sources (raw.*) are the
    ingest assets' keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "transform"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=Translator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """`dbt build`: seeds, staging, intermediate and marts, with dbt tests as asset checks."""
    # dbt reads LAGESBILD_WAREHOUSE (profiles.yml) from dbt_project/: hand it the absolute path.
    warehouse.settings.export()
    yield from dbt.cli(["build"], context=context).stream()
