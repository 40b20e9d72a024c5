"""Is this category text known? Read from the dbt seeds, the one place the taxonomy lives.

Loaders reject rows whose category names nothing (DATA-CONTRACT §2.4, §2.5); the
mapping itself (text -> category id) is done in dbt (int_category_keys) from the
same seed files, with the same normalisation: dbt's `normalise_name` macro, evaluated
in DuckDB (pipelines/names.py), so a text is known here exactly when dbt can map it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from ..names import normalise_names
from ..settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


@dataclass(frozen=True)
class Category:
    id: str
    name: str  # Swedish name (name_sv)


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    """The categories of the taxonomy in their sort order (problem_categories.csv)."""
    with (SEEDS / "problem_categories.csv").open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["sort_order"]))
    return tuple(Category(row["category_id"], row["name_sv"]) for row in rows)


@lru_cache(maxsize=1)
def aliases() -> tuple[tuple[str, str], ...]:
    """(alias, category id) of every alias (category_aliases.csv), in file order."""
    with (SEEDS / "category_aliases.csv").open(encoding="utf-8") as handle:
        return tuple((row["alias"], row["category_id"]) for row in csv.DictReader(handle))


def valid_categories_text() -> str:
    """The valid categories as a rejection reason lists them: 'stold (Stöld), inbrott (Inbrott), …'."""
    return ", ".join(f"{c.id} ({c.name})" if c.name != c.id else c.id for c in categories())


def unknown_category_reason(column: str, quoted: str, text: str) -> str:
    """Why a row's category is rejected, in the same words for every loader: the closest
    spelling when one is near ("Snateri" -> snatteri) and the valid categories.
    `quoted` is the cell as the reason shows it (redacted, quoted)."""
    from ..config_messages import closest  # difflib over folded spellings, as config errors suggest

    hint = closest(text, category_spellings(), cutoff=0.7)
    return (
        f"{column} {quoted} är ingen känd problemkategori"
        + (f" – menade du '{hint}'?" if hint else ".")
        + f" Ange id eller namn på en av kategorierna {valid_categories_text()}, eller ett alias ur kategorilistan."
    )


@lru_cache(maxsize=1)
def category_keys() -> frozenset[str]:
    """The normalised spellings of every category (id, Swedish name, aliases), as
    int_category_keys builds them."""
    return frozenset(normalise_names(list(category_spellings())))


def category_spellings() -> tuple[str, ...]:
    """Every spelling of every category as the seeds write it: ids, Swedish names, aliases
    (the candidates for "menade du …?")."""
    return tuple(text for c in categories() for text in (c.id, c.name)) + tuple(alias for alias, _ in aliases())


def known_categories(texts: Iterable[str | None]) -> list[bool]:
    """is_known_category of each text, normalised in one DuckDB call."""
    texts = list(texts)
    keys = category_keys()
    return [bool(text) and key in keys for text, key in zip(texts, normalise_names(texts))]


def is_known_category(text: str | None) -> bool:
    return known_categories([text])[0]
