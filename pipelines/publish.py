"""The analysts' read-only copy of the warehouse, published atomically.

DuckDB allows one writer or many readers across processes: an analyst holding
the warehouse open would block the pipeline, and the pipeline would block them.
So after a successful build the warehouse is copied to `settings.analytics_copy`
(default warehouse/analytics.duckdb) and analysts only ever open that copy:

- the copy is written under a temporary name in the same directory and then
  renamed over the old one (os.replace is atomic), so a reader sees either the
  old or the new database, never half of one; a reader with the old file open
  keeps reading it undisturbed;
- it is a logical copy (ATTACH … READ_ONLY, CREATE TABLE … AS), so it holds no
  write-ahead log and no view that names the warehouse's catalog; views become
  tables;
- the file is made read-only (mode 0444), so nobody opens it for writing by mistake;
- the asset depends on the marts, which the single dbt step builds after every
  source: when ingest or dbt fails, it is skipped and the previous copy stays as it was.
"""

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from . import atomic, changes
from .picture.published import INTERNAL_SCHEMA
from .resources import Warehouse
from .retries import retry_transient
from .transform import dbt_models

PUBLISHED_TABLE = ("audit", "published_copy")


@dataclass
class Published:
    path: Path
    tables: int
    bytes: int
    seconds: float
    row_counts: dict[str, int]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _copy(warehouse: Path, temporary: Path, run_id: str) -> tuple[dict[str, int], list]:
    con = duckdb.connect()  # in memory: only the two attached files are touched
    try:
        con.execute(f"attach {_literal(warehouse)} as src (read_only)")
        con.execute(f"attach {_literal(temporary)} as dst")
        objects = con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'src' "
            "union all "
            "select schema_name, view_name from duckdb_views() where database_name = 'src' and not internal "
            "order by 1, 2"
        ).fetchall()
        # The internal edition's unsuppressed figures are never published to analysts (DATA-CONTRACT §4.2).
        objects = [(schema, name) for schema, name in objects if schema != INTERNAL_SCHEMA]
        for schema in sorted({schema for schema, _ in objects} | {PUBLISHED_TABLE[0]}):
            con.execute(f"create schema if not exists dst.{_quote(schema)}")
        for schema, name in objects:
            con.execute(f"create table dst.{_quote(schema)}.{_quote(name)} as from src.{_quote(schema)}.{_quote(name)}")
        con.execute(
            f"create or replace table dst.{_quote(PUBLISHED_TABLE[0])}.{_quote(PUBLISHED_TABLE[1])} as "
            "select ?::timestamp as published_at, ? as source_warehouse, ? as dagster_run_id",
            [datetime.now().replace(microsecond=0), str(warehouse), run_id],
        )
        row_counts = {
            f"{schema}.{name}": con.execute(f"select count(*) from dst.{_quote(schema)}.{_quote(name)}").fetchall()[0][0]
            for schema, name in objects
            if schema == "marts"
        }
        con.execute("detach dst")  # checkpoints: the file is complete, no .wal left
    finally:
        con.close()
    return row_counts, objects


def publish_copy(warehouse: Path, target: Path, *, run_id: str = "") -> Published:
    """Copy every table and view of `warehouse` into `target`, atomically (module docstring)."""
    started = time.monotonic()
    if not warehouse.exists():
        raise FileNotFoundError(f"Lagret {warehouse} finns inte: kör `make run` först.")
    # Whole or not at all, and a full disk leaves the old copy (pipelines/atomic.py).
    with atomic.replacing(target, needed=warehouse.stat().st_size) as temporary:
        _remove(temporary)  # and its .wal
        try:
            row_counts, objects = _copy(warehouse, temporary, run_id)
            os.chmod(temporary, 0o444)
        except BaseException:
            _remove(temporary)
            raise
    return Published(target, len(objects) + 1, target.stat().st_size, time.monotonic() - started, row_counts)


@dg.asset(
    key=["publish", "analytics_copy"],
    # The marts are built last by the one dbt step: when ingest or dbt fails, this is skipped.
    deps=[*(key for key in dbt_models.keys if key.path[0] == "marts"), dg.AssetKey(["marts", "fct_published_figures"])],
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:dataops"],
    description=(
        "Read-only copy of the whole warehouse for analysts (DuckDB CLI, Python, DBeaver): "
        "published after every successful build by writing a new file and renaming it over the "
        "old one, so readers never block the pipeline and always see a complete database. "
        "Path: LAGESBILD_ANALYTICS_COPY, default analytics.duckdb beside the warehouse."
    ),
)
def analytics_copy(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings
    # Its own inputs are code (no file hashes to cache): no connection before the copy's own, so
    # a missing warehouse stays missing and a locked one is retried below.
    snap = changes.Snapshot(settings, [context.asset_key])
    with retry_transient(context, "Publicering av analytikerkopian", str(settings.warehouse)):
        published = publish_copy(settings.warehouse, settings.analytics_copy, run_id=context.run_id)
    changes.record(warehouse, snap)
    context.log.info(
        f"{published.path}: {published.tables} tables, {published.bytes / 1e6:.1f} MB in {published.seconds:.2f} s"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(published.path)),
            "tables": published.tables,
            "size_mb": round(published.bytes / 1e6, 2),
            "publish_seconds": round(published.seconds, 3),
            "dagster/row_count": published.row_counts.get("marts.fct_problem_indicators", 0),
            "marts": dg.MetadataValue.md(
                "| table | rows |\n|---|---|\n"
                + "\n".join(f"| {name} | {rows} |" for name, rows in published.row_counts.items())
            ),
            "query": dg.MetadataValue.md(
                f"```sh\nduckdb -readonly {published.path}\n```\n"
                "```sql\nselect * from marts.fct_problem_indicators order by period desc, priority_rank limit 20;\n```"
            ),
        }
    )


assets = [analytics_copy]
