"""Test helper: is there personal data anywhere in a DuckDB warehouse? (DATA-CONTRACT §5)

    from tests.privacy import find_personal_data
    assert find_personal_data(warehouse_path, needles) == []

Every text column (VARCHAR, and anything whose type contains VARCHAR or JSON:
lists, structs, maps, cast to text) of every table and view in every schema of
the file is read and checked for

- each of ``needles`` (case-insensitive substring): the exact personal data a
  test planted or found in its input files, and
- generic patterns, written independently of ``pipelines.ingest.redact`` so a
  bug there cannot hide itself: e-mail addresses, personnummer /
  samordningsnummer (10 or 12 digits, optional ``-``/``+``, a plausible
  month and day) and Swedish phone numbers (``+46``/``0046``/``0`` and 6–9
  more digits with spaces, dashes or parentheses).

The redaction tokens (``[personnummer]``, ``[telefon]``, ``[e-post]``) are
removed before the pattern scan, so redacted text is never a hit; hex digests
(sha256 and the like) are not scanned for patterns. Returns
``(schema, table, column, value)`` for every distinct offending value.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

__all__ = ["find_personal_data", "PATTERNS"]

REDACTION_TOKENS = ("[personnummer]", "[telefon]", "[e-post]")

PATTERNS = {
    "e-post": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "personnummer": re.compile(
        r"(?<![0-9A-Za-z])(?:1[89]|20)?\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
        r"[-+]?\d{4}(?![0-9A-Za-z])"
    ),
    "telefon": re.compile(
        r"(?<![0-9A-Za-z+])(?:(?:\+|00)\s?46[\s\-]*(?:\(0\)[\s\-]*)?|\(?0)[1-9](?:[\s\-()\u00a0]{0,3}\d){5,8}(?!\d)"
    ),
}

# A digest or a UUID (run ids) is an identifier, not personal data: a UUID's first group can look
# like a phone number ("09558351-19c5-…").
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32,128}|[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_SKIP_SCHEMAS = {"information_schema", "pg_catalog"}


def _text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        """
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_catalog = current_database()
          and (data_type like '%VARCHAR%' or data_type like '%JSON%')
        order by table_schema, table_name, ordinal_position
        """
    ).fetchall()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan_value(value: str, needles: re.Pattern | None, patterns: bool = True) -> list[str]:
    """What in one value is personal data: matched needles and pattern names."""
    hits: list[str] = []
    if needles is not None:
        hits.extend(m.group(0) for m in needles.finditer(value))
    if patterns and not _HEX_DIGEST.fullmatch(value.strip()):
        cleaned = value
        for token in REDACTION_TOKENS:
            cleaned = cleaned.replace(token, " ")
        hits.extend(name for name, pattern in PATTERNS.items() if pattern.search(cleaned))
    return hits


def find_personal_data(
    duckdb_path: str | Path,
    needles: list[str],
    *,
    patterns: bool = True,
    schemas: list[str] | None = None,
) -> list[tuple[str, str, str, str]]:
    """Every (schema, table, column, value) in the warehouse holding one of `needles`
    or, with `patterns`, something shaped like an e-mail address, a personnummer or a
    Swedish phone number outside a redaction token. `schemas` limits the scan."""
    wanted = [n for n in needles if n and n.strip()]
    needle_re = (
        re.compile("|".join(re.escape(n) for n in sorted(set(wanted), key=len, reverse=True)), re.IGNORECASE)
        if wanted
        else None
    )
    found: list[tuple[str, str, str, str]] = []
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        for schema, table, column in _text_columns(con):
            if schema in _SKIP_SCHEMAS or (schemas is not None and schema not in schemas):
                continue
            col = _quote(column)
            values = con.execute(
                f"select distinct cast({col} as varchar) from {_quote(schema)}.{_quote(table)} "
                f"where {col} is not null"
            ).fetchall()
            for (value,) in values:
                if value and scan_value(value, needle_re, patterns):
                    found.append((schema, table, column, value))
    finally:
        con.close()
    return found
