"""pledges.yaml -> raw.config_pledges (DATA-CONTRACT §2.2).

The file is the current truth, so the table is replaced as a whole on every run;
no pledges (file absent or empty) is an empty table, and the follow-up mart is
then empty too. Validation lives in pipelines.config.load_pledges; the category
text is mapped to its id in dbt, like every other source.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..config import Municipality, Pledge, load_pledges

DDL = """
create or replace table raw.config_pledges (
    pledge_id varchar not null, period varchar not null, title varchar not null,
    category_text varchar not null, area_ids varchar[] not null, indicator varchar not null,
    baseline_period varchar not null, target_change_pct double not null, sort_order integer not null
);
"""


def write_pledges(con: duckdb.DuckDBPyConnection, pledges: list[Pledge]) -> int:
    rows = [
        (p.id, p.period, p.title, p.category, list(p.areas), p.indicator, p.baseline_period,
         float(p.target_change_pct), order)
        for order, p in enumerate(pledges, start=1)
    ]
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        con.execute(DDL)
        if rows:
            con.executemany("insert into raw.config_pledges values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)


def load_and_write(con: duckdb.DuckDBPyConnection, path: Path, municipality: Municipality) -> int:
    """Validate pledges.yaml (absent -> no pledges) and replace raw.config_pledges."""
    return write_pledges(con, load_pledges(path, municipality))
