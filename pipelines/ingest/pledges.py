"""pledges.yaml -> raw.config_pledges (DATA-CONTRACT §2.2).

The file is the current truth, so the table is replaced as a whole on every run, with
every municipality's pledges (`kommun_code`, DATA-CONTRACT §6);
no pledges (file absent or empty) is an empty table, and the follow-up mart is
then empty too. Validation lives in pipelines.config.load_pledges; the category
text is mapped to its id in dbt, like every other source.
"""

from __future__ import annotations


import duckdb

from ..config import Pledge
from .common import single_kommun_code

DDL = """
create or replace table raw.config_pledges (
    kommun_code varchar not null, pledge_id varchar not null, period varchar not null, title varchar not null,
    category_text varchar not null, area_ids varchar[] not null, indicator varchar not null,
    baseline_period varchar not null, target_change_pct double not null, sort_order integer not null
);
"""


def write_pledges(con: duckdb.DuckDBPyConnection, pledges: "list[Pledge] | dict[str, list[Pledge]]",
                  kommun_code: str | None = None) -> int:
    """Replace raw.config_pledges: `pledges` maps kommun_code -> that municipality's pledges,
    or is one municipality's list (`kommun_code`, default the data dir's municipality)."""
    if not isinstance(pledges, dict):
        pledges = {kommun_code or single_kommun_code(): pledges}
    rows = [
        (code, p.id, p.period, p.title, p.category, list(p.areas), p.indicator, p.baseline_period,
         float(p.target_change_pct), order)
        for code, items in pledges.items()
        for order, p in enumerate(items, start=1)
    ]
    con.execute("begin transaction")
    try:
        con.execute("create schema if not exists raw")
        con.execute(DDL)
        if rows:
            con.executemany("insert into raw.config_pledges values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(rows)
