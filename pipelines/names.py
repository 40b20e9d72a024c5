"""The one name normaliser: dbt's macro, evaluated by DuckDB, for Python too.

Areas and categories are matched "case-, accent- and whitespace-insensitive"
(DATA-CONTRACT §2.1, §3). The rule is written once, as the dbt macro `normalise_name`
in `dbt_project/macros/normalise.sql`. Python does not re-implement it (a `casefold` +
NFKD version disagreed with it on 'ß', ligatures, full-width letters, …, so a loader
could accept a row that dbt then could not map): it renders the macro file with
Jinja (the macros are plain Jinja) to get the SQL expression and evaluates it in
DuckDB, the engine dbt runs on. So the loaders reject exactly the texts dbt would not
match, and config validation sees the same collisions dbt would.

    normalise_name("  ÖREGRUND ")   -> 'oregrund'
    normalise_names(["Gimo", None]) -> ['gimo', None]
    macro_sql("normalise_name", "label")  -> the SQL dbt compiles for {{ normalise_name('label') }}

Results are cached per text (names repeat); one in-memory DuckDB per process.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Iterable

import jinja2

from .settings import DBT_PROJECT_DIR

MACRO_FILE = DBT_PROJECT_DIR / "macros" / "normalise.sql"
_COLUMN = "name"  # the lambda parameter the rendered expression is applied to

_lock = threading.Lock()
_con = None
_con_pid = None
_cache: dict[tuple[str, str], str] = {}


@lru_cache(maxsize=1)
def _macros():
    """The macro file as a Jinja module: one callable per `{% macro %}`."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return env.from_string(MACRO_FILE.read_text(encoding="utf-8")).module


def macro_sql(macro: str, expr: str) -> str:
    """The SQL a dbt macro of normalise.sql renders to for the SQL expression `expr`."""
    try:
        function = getattr(_macros(), macro)
    except AttributeError:
        raise KeyError(f"{MACRO_FILE}: no macro '{macro}'") from None
    return str(function(expr)).strip()


def _connection():
    """One in-memory DuckDB per process (a fork gets its own)."""
    global _con, _con_pid
    import duckdb

    if _con is None or _con_pid != os.getpid():
        _con, _con_pid = duckdb.connect(), os.getpid()
    return _con


def _evaluate(macro: str, texts: list[str]) -> list[str]:
    expression = macro_sql(macro, _COLUMN)
    sql = f"select list_transform($1::varchar[], lambda {_COLUMN}: {expression})"
    with _lock:
        return _connection().execute(sql, [texts]).fetchall()[0][0]


def apply(macro: str, texts: Iterable[str | None]) -> list[str | None]:
    """`macro` of normalise.sql applied to every text (None stays None), as dbt computes it."""
    texts = list(texts)
    missing = sorted({t for t in texts if t is not None and (macro, t) not in _cache})
    if missing:
        for text, key in zip(missing, _evaluate(macro, missing)):
            _cache[(macro, text)] = key
    return [None if t is None else _cache[(macro, t)] for t in texts]


def normalise_names(texts: Iterable[str | None]) -> list[str | None]:
    """The contract's matching key of each text (case, accents, whitespace ignored)."""
    return apply("normalise_name", texts)


def normalise_name(text: str) -> str:
    """The contract's matching key of an area or category text: dbt's `normalise_name`."""
    return normalise_names([text])[0]


def casefold_name(text: str) -> str:
    """Case and whitespace ignored, accents kept (municipality names: Håbo ≠ Habo): dbt's
    `casefold_name`."""
    return apply("casefold_name", [text])[0]
