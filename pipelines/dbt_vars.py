"""The rules Python shares with dbt, read from `dbt_project/dbt_project.yml` (`vars:`).

dbt is where the business rules live (DESIGN.md); a few of them also decide what the
loaders and the data-quality suites do. They are written once, as dbt vars, and read here:

- `unknown_area_id` (`okant`): the area of a row whose place matches no area;
- `earliest_date` (`2000-01-01`): a date before it is a typo and is rejected.

Read once per process (cached). A `dbt build --vars '{…}'` override is not seen here:
change the project file, not the command line, when one of these rules changes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import yaml

from .settings import DBT_PROJECT_DIR

PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"


@lru_cache(maxsize=1)
def dbt_vars() -> dict[str, Any]:
    """Every var of dbt_project.yml, as YAML reads it."""
    project = yaml.safe_load(PROJECT_FILE.read_text(encoding="utf-8")) or {}
    return dict(project.get("vars") or {})


def _var(name: str) -> Any:
    try:
        return dbt_vars()[name]
    except KeyError:
        raise KeyError(f"{PROJECT_FILE}: vars.{name} is missing (Python reads it from there)") from None


@lru_cache(maxsize=1)
def unknown_area_id() -> str:
    """The area id of rows whose place matches no configured area ('okant')."""
    return str(_var("unknown_area_id"))


@lru_cache(maxsize=1)
def earliest_date() -> dt.date:
    """The date floor: anything dated before it is a typo (DATA-CONTRACT §2.5)."""
    value = _var("earliest_date")
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def earliest_year() -> int:
    """The year of the date floor, as the Swedish messages name it ("före år 2000")."""
    return earliest_date().year


def earliest_text() -> str:
    """The date floor as the Swedish messages name it: 'år 2000' (or '2000-03-01' when
    the floor is not the first of January): "ligger före år 2000"."""
    floor = earliest_date()
    return f"år {floor.year}" if (floor.month, floor.day) == (1, 1) else floor.isoformat()
