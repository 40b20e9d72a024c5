"""audit.quality_results: every expectation of every validation, kept across runs.

The table is the memory of the checks: the row-count sanity check reads the previous
run's counts from it, and the lägesbild reads the latest mart validation from it to
decide which tertials may be published (gate.py), also in a later, separate run.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from .validate import TableOutcome
from pipelines.warehouse import append_frame, table_exists

DDL = """
create schema if not exists audit;
create table if not exists audit.quality_results (
    run_id         varchar   not null,  -- the Dagster run that validated
    table_name     varchar   not null,  -- schema.table
    expectation    varchar   not null,  -- GX expectation type
    column_name    varchar,             -- column(s) it concerns
    arguments      varchar,             -- the expectation's other arguments, JSON
    success        boolean   not null,
    observed_value varchar,             -- JSON: observed value, or unexpected count and examples
    severity       varchar   not null,  -- what a failure means: error (blocks marts) | warn
    blocking       boolean   not null,  -- a failed error here stops the lägesbild
    periods        varchar[],           -- tertials of the failing rows; null = all tertials
    row_count      bigint,              -- rows in the table when validated (next run's baseline)
    message_sv     varchar   not null,  -- the check in Swedish; when failed, what was found
    checked_at     timestamp not null
);
"""


def ensure_table(con) -> None:
    con.execute(DDL)


def record(con, outcomes: list[TableOutcome], *, run_id: str, checked_at: datetime) -> int:
    """Store the outcomes of one validation; returns the number of rows written."""
    ensure_table(con)
    rows = [
        {
            "run_id": run_id,
            "table_name": o.table.name,
            "expectation": e.expectation,
            "column_name": e.column,
            "arguments": json.dumps(e.arguments, ensure_ascii=False, default=str),
            "success": e.success,
            "observed_value": json.dumps(e.observed, ensure_ascii=False, default=str) if e.observed else None,
            "severity": e.severity,
            "blocking": o.table.blocking,
            "periods": list(e.periods) if e.periods else None,
            "row_count": o.row_count,
            "message_sv": e.message_sv,
            "checked_at": checked_at,
        }
        for o in outcomes
        for e in o.expectations
    ]
    if not rows:
        return 0
    frame = pd.DataFrame(rows)
    frame["periods"] = frame["periods"].astype(object)
    return append_frame(con, "audit.quality_results", frame)


def periods_of(value) -> tuple[str, ...] | None:
    """The `periods` cell as read back (a list, None, NaN or pd.NA): None means all tertials."""
    if value is None or not hasattr(value, "__len__") or isinstance(value, str) or len(value) == 0:
        return None
    return tuple(str(p) for p in value)


def previous_row_counts(con, run_id: str) -> dict[str, int]:
    """Each table's row count at its latest validation in another run."""
    if not table_exists(con, "audit", "quality_results"):
        return {}
    rows = con.execute(
        """
        select table_name, arg_max(row_count, checked_at)
        from audit.quality_results
        where run_id <> ? and row_count is not null
        group by table_name
        """,
        [run_id],
    ).fetchall()
    return {table: int(count) for table, count in rows}


def latest(con) -> pd.DataFrame:
    """Every expectation of each table's latest validation (one run per table)."""
    if not table_exists(con, "audit", "quality_results"):
        return pd.DataFrame(columns=["run_id", "table_name", "expectation", "column_name", "success",
                                     "severity", "blocking", "periods", "row_count", "message_sv", "checked_at"])
    return con.execute(
        """
        with last_run as (
            select table_name, arg_max(run_id, checked_at) as run_id
            from audit.quality_results group by table_name
        )
        select q.* from audit.quality_results q join last_run using (table_name, run_id)
        order by q.table_name, q.success, q.expectation
        """
    ).df()


