"""Skip re-rendering a tertial whose outputs would come out the same.

Everything a tertial's outputs print is one input: its rows of
marts.fct_published_figures (counts, comparisons, the quality results, the as-of
date's "preliminär", …). So the fingerprint of a tertial is those rows plus the code
that lays them out; it follows the inputs, not the calendar. A new file re-renders
only the tertials whose printed figures it changes. The figures' own build time
("framtagen") is left out: it moves on every build without changing anything else.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from .. import atomic
from ..settings import REPO_ROOT
from .published import INTERNAL_TABLE, TABLE, only_municipality, rows_sql

FINGERPRINT_FILE = ".fingerprint"
_RENDERERS = REPO_ROOT / "pipelines" / "picture"
_LAYOUT = ["lagesbild.py", "workbook.py", "briefs.py", "charts.py", "render.py", "published.py", "markdown.py",
           "edition.py", "templates", "maps.py", "geo/kommuner.geojson"]


def _code_digest() -> bytes:
    digest = hashlib.sha256()
    for name in _LAYOUT:
        root = _RENDERERS / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode() + path.read_bytes())
    return digest.digest()


def period_fingerprint(con: duckdb.DuckDBPyConnection, period: str, kommun_code: str | None = None,
                       internal: bool = False) -> str:
    """The fingerprint of one municipality's tertial (None: the warehouse's only municipality);
    `internal`: with the internal edition's rows (switching the edition on or off re-renders)."""
    digest = hashlib.sha256(_code_digest())
    columns = ("kommun_code, period, table_name, row_label, column_label, value, shown, is_public, table_title, "
               "row_key, column_key, kind")
    code = kommun_code or only_municipality(con)
    for table in (TABLE, INTERNAL_TABLE) if internal else (TABLE,):
        digest.update(table.encode())
        rows = con.execute(
            f"select * from ({rows_sql(columns, table)}) where not (table_name = 'meta' and row_key = 'framtagen') "
            "order by table_name, row_key, column_key",
            [period, code, period, code],
        ).fetchall()
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def is_current(period_dir: Path, fingerprint: str, expected_files: list[str]) -> bool:
    stamp = period_dir / FINGERPRINT_FILE
    return (
        stamp.exists()
        and stamp.read_text() == fingerprint
        and all((period_dir / name).exists() for name in expected_files)
    )


def mark_current(period_dir: Path, fingerprint: str) -> None:
    atomic.write_text(period_dir / FINGERPRINT_FILE, fingerprint)
