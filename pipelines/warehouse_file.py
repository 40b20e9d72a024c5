"""The warehouse is disposable: every input is a file in the data dir (connectors write theirs
there too), so a warehouse that is missing or does not open is built again from them.

`make run` checks the file before it starts (`check`); `make rebuild` (`set_aside` then
`discard` or `restore`) builds a new one on purpose and keeps the old one until the new
one has been built.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

SET_ASIDE_SUFFIX = ".före-ombyggnad"
HEADER_BYTES = 3 * 4096  # DuckDB's file header and its two database headers


def _with_log(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + ".wal")]


def problem(path: Path) -> str | None:
    """Why the warehouse at `path` cannot be used (None: it opens, or another process holds it)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():  # busy, not broken
            return None
        return text.splitlines()[0][:300]
    try:
        con.execute("select count(*) from duckdb_tables()").fetchall()
        blocks, free, block_size = con.execute(
            "select total_blocks, free_blocks, block_size from pragma_database_size()").fetchone()
    except duckdb.Error as exc:
        return str(exc).splitlines()[0][:300]
    finally:
        con.close()
    # DuckDB reads a block only when a query needs it: a file cut short (a disk that filled,
    # a copy that stopped) opens and fails later. Every used block lies after the file's headers;
    # free blocks at the end are cut off by DuckDB itself (seen after many small write transactions).
    expected, actual = HEADER_BYTES + (blocks - free) * block_size, path.stat().st_size
    if actual < expected:
        return f"filen är avkortad: {actual} av {expected} byte"
    return None


def has_marts(path: Path) -> bool:
    """A build got as far as the published figures (the last mart)."""
    if not path.exists() or problem(path) is not None:
        return False
    with duckdb.connect(str(path), read_only=True) as con:
        return bool(con.execute("select count(*) from duckdb_tables() where schema_name = 'marts' "
                                "and table_name = 'fct_published_figures'").fetchone()[0])


def check(path: Path) -> str | None:
    """Before a run: None when the warehouse is there and opens; else a Swedish line saying it
    will be built from the data dir's files (a broken one is moved aside first, not deleted)."""
    if not path.exists():
        return f"Lagret {path} saknas: det byggs nu från filerna i datamappen."
    reason = problem(path)
    if reason is None:
        return None
    broken = path.with_name(f"{path.name}.trasig-{datetime.now():%Y%m%dT%H%M%S}")
    for part in _with_log(path):
        if part.exists():
            part.replace(part.with_name(broken.name + part.name[len(path.name):]))
    return (f"Lagret {path} gick inte att öppna ({reason}). Det flyttades till {broken} "
            "och byggs nu om från filerna i datamappen.")


def set_aside(path: Path) -> Path | None:
    """`make rebuild`: move the warehouse (and its log) aside; returns where, None if there was none."""
    if not path.exists():
        return None
    aside = path.with_name(path.name + SET_ASIDE_SUFFIX)
    for part in _with_log(aside):
        part.unlink(missing_ok=True)
    for part in _with_log(path):
        if part.exists():
            part.replace(part.with_name(aside.name + part.name[len(path.name):]))
    return aside


def discard(aside: Path | None) -> None:
    """The rebuild succeeded: the old warehouse goes."""
    if aside is not None:
        for part in _with_log(aside):
            part.unlink(missing_ok=True)


def restore(aside: Path | None, path: Path) -> None:
    """The rebuild failed: the old warehouse comes back (the half-built one is kept beside it)."""
    if aside is None:
        return
    failed = path.with_name(path.name + ".misslyckad-ombyggnad")
    for part in _with_log(path):
        if part.exists():
            part.replace(part.with_name(failed.name + part.name[len(path.name):]))
    for part in _with_log(aside):
        if part.exists():
            part.replace(part.with_name(path.name + part.name[len(aside.name):]))
