"""Is this category text known? Read from the dbt seeds, the one place the taxonomy lives.

Loaders reject rows whose category names nothing (DATA-CONTRACT §2.4, §2.5); the
mapping itself (text -> category id) is done in dbt (int_category_keys) from the
same seed files, with the same normalisation: dbt's `normalise_name` macro, evaluated
in DuckDB (pipelines/names.py), so a text is known here exactly when dbt can map it.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from typing import Iterable

from ..names import normalise_names
from ..settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


@lru_cache(maxsize=1)
def category_ids() -> tuple[str, ...]:
    """The category ids, in the taxonomy's order."""
    with (SEEDS / "problem_categories.csv").open(encoding="utf-8") as handle:
        return tuple(row["category_id"] for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def category_spellings() -> tuple[str, ...]:
    """Every spelling of every category as the seeds write it: ids, Swedish names, aliases."""
    spellings: list[str] = []
    with (SEEDS / "problem_categories.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            spellings += [row["category_id"], row["name_sv"]]
    with (SEEDS / "category_aliases.csv").open(encoding="utf-8") as handle:
        spellings += [row["alias"] for row in csv.DictReader(handle)]
    return tuple(spellings)


@lru_cache(maxsize=1)
def category_keys() -> frozenset[str]:
    """The normalised spellings of every category (id, Swedish name, aliases), as
    int_category_keys builds them."""
    return frozenset(normalise_names(list(category_spellings())))


def known_categories(texts: Iterable[str | None]) -> list[bool]:
    """is_known_category of each text, normalised in one DuckDB call."""
    texts = list(texts)
    keys = category_keys()
    return [bool(text) and key in keys for text, key in zip(texts, normalise_names(texts))]


def is_known_category(text: str | None) -> bool:
    return known_categories([text])[0]
