"""The DuckDB warehouse: connections and the audit tables every loader writes.

DuckDB allows one writer or many readers across processes, so every writing
step of the pipeline opens the file, does its work and closes it again before
dbt (another connection) runs.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import duckdb

if TYPE_CHECKING:  # the cheap paths (nothing new, changes.py) import this module without pandas
    import pandas as pd

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.loaded_files (
    source_file   varchar not null,
    file_sha256   varchar not null,
    source_kind   varchar not null,
    rows_loaded   bigint  not null,
    rows_rejected bigint  not null,
    loaded_at     timestamp not null,
    kommun_code   varchar             -- the folder's municipality; null for a shared file of a region
);
create table if not exists audit.rejected_rows (
    source_file varchar not null,
    source_row  bigint,            -- null when the whole file was rejected
    reason      varchar not null,  -- Swedish, for the coordinator
    raw_record  varchar,
    source_kind varchar,
    file_sha256 varchar,
    rejected_at timestamp,
    kommun_code varchar            -- as in audit.loaded_files
);
-- warehouses from before DATA-CONTRACT §6 (see adopt_unowned_rows)
alter table audit.loaded_files add column if not exists kommun_code varchar;
alter table audit.rejected_rows add column if not exists kommun_code varchar;
-- the as-of dates on which the file parses the same (ingest/common.py AsOfWindow; null: unbounded)
alter table audit.loaded_files add column if not exists as_of_from date;
alter table audit.loaded_files add column if not exists as_of_until date;
"""


# Within `catalogue(con)`: that connection's tables and columns, read once (a read-only snapshot
# asked per tertial, page and table: a catalogue query each time cost more than the rows).
_known: ContextVar[tuple[duckdb.DuckDBPyConnection, set, set] | None] = ContextVar("known_tables", default=None)


@contextmanager
def catalogue(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    tables = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
    columns = set(con.execute(
        "select table_schema, table_name, column_name from information_schema.columns").fetchall())
    token = _known.set((con, tables, columns))
    try:
        yield
    finally:
        _known.reset(token)


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether schema.name is a table or view of the warehouse (from the catalogue when open on `con`)."""
    if (known := _known.get()) is not None and known[0] is con:
        return (schema, name) in known[1]
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchall()[0][0])


def has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    if (known := _known.get()) is not None and known[0] is con:
        return (schema, table, column) in known[2]
    return bool(con.execute(
        "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name = ?", [schema, table, column]).fetchall()[0][0])


@contextmanager
def connect(path: Path, *, read_only: bool = False, attempts: int = 20) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse, waiting briefly while another process holds the write lock."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    delay = 0.1
    for attempt in range(attempts):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    try:
        con.execute("set enable_progress_bar = false")
        if not read_only:
            con.execute(AUDIT_DDL)
        yield con
    finally:
        con.close()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[str]:
    """A DataFrame visible to SQL as `name` for the duration of the block."""
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


def append_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a DataFrame into `table`, matching columns by name; returns the row count."""
    with registered(con, "_append_frame", frame):
        con.execute(f"insert into {table} by name select * from _append_frame")
    return len(frame)


def adopt_unowned_rows(con: duckdb.DuckDBPyConnection, table: str, column: str, code: str, where: str = "") -> None:
    """Give every row of `table` whose `column` is not `code` to municipality `code`: only for
    a single-municipality data dir, where every file is that municipality's. Rows from a
    warehouse built before the column existed have null there (and a municipality.yaml that
    could not be read gave its folder's name); without this their files would no longer count
    as loaded (the dedupe key is sha256 and municipality) and would load twice."""
    con.execute(f"update {table} set {column} = ? where {column} is distinct from ? {where}", [code, code])
