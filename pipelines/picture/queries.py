"""Read-only queries of the marts that feed a report. No business rules here: the
marts already hold them; these only select the rows of one period."""

from __future__ import annotations

import duckdb
import pandas as pd


def municipality(con: duckdb.DuckDBPyConnection) -> dict:
    frame = con.execute("select * from marts.dim_municipality").df()
    return frame.iloc[0].to_dict()


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("select period from marts.dim_period order by period").fetchall()]


def indicators(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    return con.execute(
        """
        select f.*, a.area_name, a.sort_order as area_order, c.name_sv as category_name,
               c.sort_order as category_order
        from marts.fct_problem_indicators f
        join marts.dim_area a using (area_id)
        join marts.dim_problem_category c using (category_id)
        where f.period = ?
        order by a.sort_order, c.sort_order
        """,
        [period],
    ).df()


def event_totals_by_period(con: duckdb.DuckDBPyConnection, up_to: str) -> pd.DataFrame:
    """Police events in the problem categories per period, whole municipality; every period listed."""
    return con.execute(
        """
        select p.period, coalesce(sum(f.police_event_count), 0) as police_event_count
        from marts.dim_period p
        left join marts.fct_problem_indicators f using (period)
        where p.period <= ?
        group by p.period
        order by p.period
        """,
        [up_to],
    ).df()


def categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("select * from marts.dim_problem_category order by sort_order").df()


def areas(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("select * from marts.dim_area order by sort_order").df()
