"""The dbt project's vars (dbt_project.yml), for the rules Python shares with dbt."""

from functools import cache

import yaml

from .settings import DBT_PROJECT_DIR


@cache
def _vars() -> dict:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def dbt_var(name: str):
    return _vars()[name]
