"""marts.fct_published_figures in the warehouse: written by its asset, read by the renderers.

The renderers (HTML, PDF, workbook, briefs) read one tertial's rows through `Figures`
and lay them out; they print nothing that is not a row here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .figures import COLUMNS

TABLE = "marts.fct_published_figures"
KEY = "kommun_code, period, table_name, row_key, column_key"
DDL = f"""
create or replace table {TABLE} (
    kommun_code varchar not null, period varchar not null, table_name varchar not null,
    row_label varchar not null, column_label varchar not null, value double, shown varchar not null,
    is_public boolean not null, table_title varchar not null, row_key varchar not null,
    column_key varchar not null, row_order integer not null, column_order integer not null,
    kind varchar not null
)
"""
# KEY is unique, but not declared a primary key: DuckDB's index of it cost more than the figures'
# Python (a national table has millions of rows). check_unique says so after every write instead.


# The internal edition's figures (DATA-CONTRACT §4.2, LAGESBILD_INTERNAL=on): the same tables
# without small-count suppression, plus the police's event summaries. A schema of its own, which
# the analysts' copy leaves out (pipelines/publish.py), written only when the edition is on.
INTERNAL_SCHEMA = "internal"
INTERNAL_TABLE = f"{INTERNAL_SCHEMA}.fct_internal_figures"


def write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    return write_frames(con, [frame])


STAGING = "_fct_published_figures_next"  # in the table's schema while the table is written
BATCH_ROWS = 250_000


def drop_internal(con: duckdb.DuckDBPyConnection) -> None:
    """No unsuppressed figures stay in the warehouse once the internal edition is switched off."""
    con.execute(f"drop schema if exists {INTERNAL_SCHEMA} cascade")


def write_frames(con: duckdb.DuckDBPyConnection, frames: Iterable[pd.DataFrame | Path], table: str = TABLE) -> int:
    """Replace the table with the rows of `frames`, in their order. The frames may be built
    while they are written (figures.build_frames), or be parquet files of such rows (built by
    workers, figures_pool.py). They go into a staging table committed a batch (or a file) at a
    time, which is then renamed in one transaction: a national table held as one uncommitted
    insert cost DuckDB gigabytes, and the old table stays until the new one is whole."""
    schema, name = table.split(".")
    staging = f"{schema}.{STAGING}"
    con.execute(f"create schema if not exists {schema}")
    con.execute(DDL.replace(TABLE, staging))
    rows, batch = 0, []
    try:
        for frame in frames:
            if isinstance(frame, Path):
                _insert(con, staging, batch)
                batch = []
                rows += insert_parquet(con, staging, [frame])
                continue
            batch.append(frame[COLUMNS])
            rows += len(frame)
            if sum(len(f) for f in batch) >= BATCH_ROWS:
                _insert(con, staging, batch)
                batch = []
        _insert(con, staging, batch)
        check_unique(con, staging)
        con.execute("begin")
        try:
            con.execute(f"drop table if exists {table}")
            con.execute(f"alter table {staging} rename to {name}")
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    except BaseException:
        con.execute(f"drop table if exists {staging}")
        raise
    return rows


def _insert(con: duckdb.DuckDBPyConnection, table: str, frames: list[pd.DataFrame]) -> None:
    if not frames:
        return
    con.register("_figures", frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True))
    try:
        con.execute(f"insert into {table} by name select * from _figures")
    finally:
        con.unregister("_figures")


def insert_parquet(con: duckdb.DuckDBPyConnection, table: str, paths: list[Path]) -> int:
    """Insert the rows of parquet files of figures (figures_pool.py) into `table`; their count."""
    if not paths:
        return 0
    return con.execute(f"insert into {table} by name select * from read_parquet(?)",
                       [[str(p) for p in paths]]).fetchone()[0]


def check_unique(con: duckdb.DuckDBPyConnection, table: str = TABLE, codes: list[str] | None = None) -> None:
    """Raise if two rows of the table (of the municipalities `codes`, or all) share a KEY: two
    figures in one cell would print whichever a reader met first."""
    where, params = ("where list_contains(?, kommun_code)", [codes]) if codes is not None else ("", [])
    twice = con.execute(f"select {KEY} from {table} {where} group by all having count(*) > 1 limit 3",
                        params).fetchall()
    if twice:
        raise ValueError(f"{table}: samma cell mer än en gång ({KEY}): {twice}")


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    """The table's periods, rows per kommun_code and hidden cells (the asset's metadata)."""
    return {
        "periods": [r[0] for r in con.execute(f"select distinct period from {TABLE} order by 1").fetchall()],
        "by_municipality": dict(con.execute(
            f"select kommun_code, count(*)::int from {TABLE} group by 1 order by 1").fetchall()),
        "hidden": con.execute(
            f"select count(*)::int from {TABLE} where starts_with(shown, '<') or shown = 'dolt'").fetchone()[0],
    }


@dataclass
class Cell:
    value: float | None
    shown: str
    kind: str
    row_label: str
    column_label: str

    @property
    def number(self):
        """The value a chart or a spreadsheet may show: None when the text hides or lacks it."""
        return self.value if self.value is not None and self.shown[:1] in "0123456789+−±" else None


@dataclass
class Grid:
    """One published table: rows and columns in their order, cells by key."""

    name: str
    title: str
    rows: list[tuple[str, str]]      # (row_key, row_label)
    columns: list[tuple[str, str]]   # (column_key, column_label)
    cells: dict

    def __bool__(self) -> bool:
        return bool(self.rows)

    def cell(self, row: str, column: str) -> Cell | None:
        return self.cells.get((row, column))

    def shown(self, row: str, column: str, default: str = "–") -> str:
        c = self.cells.get((row, column))
        return c.shown if c else default


REGION = "region"  # kommun_code of the regional overview's rows (tables named region_*)
# The table comparing a municipality with the region's other municipalities: its own rows
# when the overview writes one per municipality, else the region's shared one.
REGION_COMPARISON = "region_comparison"


def municipality_rows(frame: pd.DataFrame, tables: frozenset) -> pd.DataFrame:
    """The rows of `frame` of the tables `tables` that are a municipality's (not the region's)."""
    return frame[frame["table_name"].isin(tables) & (frame["kommun_code"] != REGION)]


def only_municipality(con: duckdb.DuckDBPyConnection) -> str:
    """The code of the one municipality with published figures (for callers of one municipality)."""
    codes = municipalities(con)
    if len(codes) != 1:
        raise ValueError(f"ange kommun: {TABLE} har {len(codes)} kommuner ({', '.join(codes)})")
    return codes[0]


def rows_sql(columns: str = "*", table: str = TABLE) -> str:
    """One municipality's rows of a tertial (parameters: period, kommun_code, period, kommun_code),
    with the region's comparison table when the municipality has none of its own (always the
    published one: the region's rows are the public overview's)."""
    return (
        f"select {columns} from {table} where period = ? and kommun_code = ? "
        f"union all select {columns} from {TABLE} where period = ? and kommun_code = '{REGION}' "
        f"and table_name = '{REGION_COMPARISON}' and not exists (select 1 from {table} "
        f"where kommun_code = ? and table_name = '{REGION_COMPARISON}')"
    )


class Figures:
    """The published figures of one tertial of one municipality (`kommun_code`; None: the
    warehouse's only municipality); `internal`: the internal edition's (INTERNAL_TABLE)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, period: str, kommun_code: str | None = None,
                 internal: bool = False):
        # Built from the rows in plain Python: pandas' grouping cost ~0.15 s a report, ten times the
        # query. Within a table the row and column orders are unique per key, so sorting by them
        # gives the tables' order.
        self.period = period
        self.kommun_code = kommun_code or only_municipality(con)
        self.internal = internal
        rows = con.execute(
            f"select table_name, table_title, row_key, row_label, row_order, column_key, column_label, column_order, "
            f"value, shown, kind from ({rows_sql(table=INTERNAL_TABLE if internal else TABLE)}) "
            "order by table_name, row_order, column_order",
            [period, self.kommun_code, period, self.kommun_code]).fetchall()
        tables: dict[str, list] = {}
        for row in rows:
            tables.setdefault(row[0], []).append(row)
        self._grids = {}
        for name, cells in tables.items():
            row_keys, column_keys = {}, {}
            for _, _, rkey, rlabel, rorder, ckey, clabel, corder, _, _, _ in cells:
                row_keys.setdefault(rkey, (rorder, rlabel))
                column_keys.setdefault(ckey, (corder, clabel))
            self._grids[name] = Grid(
                name, cells[0][1],
                [(k, label) for k, (_, label) in sorted(row_keys.items(), key=lambda item: item[1][0])],
                [(k, label) for k, (_, label) in sorted(column_keys.items(), key=lambda item: item[1][0])],
                {(rkey, ckey): Cell(None if value is None or value != value else float(value), shown, kind,
                                    rlabel, clabel)
                 for _, _, rkey, rlabel, _, ckey, clabel, _, value, shown, kind in cells},
            )

    def __getitem__(self, name: str) -> Grid:
        return self._grids.get(name) or Grid(name, "", [], [], {})

    def meta(self, key: str) -> str:
        return self["meta"].shown(key, "text" if self["meta"].cell(key, "text") else "value")


def periods(con: duckdb.DuckDBPyConnection, kommun_code: str | None = None) -> list[str]:
    """The tertials that have published figures (of `kommun_code`; None: of any municipality)."""
    where, params = ("where kommun_code = ?", [kommun_code]) if kommun_code else ("where kommun_code <> ?", [REGION])
    return [r[0] for r in con.execute(f"select distinct period from {TABLE} {where} order by 1", params).fetchall()]


def municipalities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The municipalities that have published figures, in code order."""
    return [r[0] for r in con.execute(
        f"select distinct kommun_code from {TABLE} where kommun_code <> ? order by 1", [REGION]).fetchall()]

