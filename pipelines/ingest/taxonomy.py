"""Is this category text known? Read from the dbt seeds, the one place the taxonomy lives.

Loaders reject rows whose category names nothing (DATA-CONTRACT §2.4, §2.5); the
mapping itself (text -> category id) is done in dbt (int_category_keys) from the
same seed files, with the same normalisation.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from ..config import normalise_name
from ..settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


@lru_cache(maxsize=1)
def category_keys() -> frozenset[str]:
    keys: set[str] = set()
    with (SEEDS / "problem_categories.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            keys.update({normalise_name(row["category_id"]), normalise_name(row["name_sv"])})
    with (SEEDS / "category_aliases.csv").open(encoding="utf-8") as handle:
        keys.update(normalise_name(row["alias"]) for row in csv.DictReader(handle))
    return frozenset(keys)


def is_known_category(text: str | None) -> bool:
    return bool(text) and normalise_name(text) in category_keys()
