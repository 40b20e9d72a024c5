"""Give the raw rows of a test warehouse their municipality (DATA-CONTRACT §6).

Tests that build a warehouse with the loaders directly (not through the Dagster assets)
load files without naming the municipality whose folder holds them, as the loaders' one-
municipality helpers allow: `own_rows(con, code)` gives every row without one to `code`,
the way the ingest assets record the folder's municipality. It adds the columns first when
the warehouse does not have them yet, so a test can write and own raw rows in any order.
"""

from __future__ import annotations

import duckdb

# raw table -> its municipality column (the lineage `_kommun_code` of file-loaded tables,
# `kommun_code` of the configuration tables)
FILE_TABLES = ("police_events", "police_bra", "police_local", "partner_reports", "survey_responses")
CONFIG_TABLES = ("config_municipality", "config_area_names", "config_area_population", "config_survey_questions",
                 "config_survey_scale_labels", "config_pledges")


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                            "and table_name = ?", [table]).fetchall()[0][0])


def own_rows(con: duckdb.DuckDBPyConnection, kommun_code: str) -> None:
    """Every raw row without a municipality becomes `kommun_code`'s (shared rows included:
    in a single data dir every file is its municipality's)."""
    columns = [(t, "_kommun_code") for t in FILE_TABLES] + [(t, "kommun_code") for t in CONFIG_TABLES]
    for table, column in columns:
        if not _exists(con, table):
            continue
        con.execute(f"alter table raw.{table} add column if not exists {column} varchar")
        con.execute(f"update raw.{table} set {column} = ? where {column} is null", [kommun_code])
    if _exists(con, "police_local"):
        con.execute("alter table raw.police_local add column if not exists kommun_text varchar")
