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


# --------------------------------------------------------------------------- the full lägesbild

COUNT_MEASURES = ("police_reported_count", "police_event_count", "partner_report_count")


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()[0][0]
    )


def period_row(con: duckdb.DuckDBPyConnection, period: str) -> dict:
    return con.execute("select * from marts.dim_period where period = ?", [period]).df().iloc[0].to_dict()


def count_matrix(con: duckdb.DuckDBPyConnection, period: str, measure: str) -> pd.DataFrame:
    """Area × category counts of one measure in one period (all areas and categories,
    zeros where there are none; all null when the measure's source covers no data)."""
    if measure not in COUNT_MEASURES:
        raise ValueError(measure)
    frame = con.execute(
        f"""
        select a.area_id, c.category_id, f.{measure} as value
        from marts.dim_area a
        cross join marts.dim_problem_category c
        left join marts.fct_problem_indicators f
            on f.area_id = a.area_id and f.category_id = c.category_id and f.period = ?
        order by a.sort_order, c.sort_order
        """,
        [period],
    ).df()
    matrix = frame.pivot(index="area_id", columns="category_id", values="value")
    return matrix.reindex(index=frame["area_id"].unique(), columns=frame["category_id"].unique())


def covered(con: duckdb.DuckDBPyConnection, period: str, measure: str) -> bool:
    """Whether any row of the period has the measure (null = its source covers nothing)."""
    return bool(
        con.execute(
            f"select count(*) from marts.fct_problem_indicators where period = ? and {measure} is not null",
            [period],
        ).fetchall()[0][0]
    )


def same_tertial_periods(con: duckdb.DuckDBPyConnection, period: str, years: int = 3) -> list[str]:
    """This tertial and the same tertial in up to `years` earlier years that have data."""
    return [
        r[0]
        for r in con.execute(
            """
            select p.period from marts.dim_period p, marts.dim_period me
            where me.period = ? and p.tertial = me.tertial and p.year between me.year - ? and me.year
            order by p.period
            """,
            [period, years],
        ).fetchall()
    ]


def periods_up_to(con: duckdb.DuckDBPyConnection, period: str, count: int) -> list[str]:
    rows = con.execute("select period from marts.dim_period where period <= ? order by period", [period]).fetchall()
    return [r[0] for r in rows][-count:]


def police_event_times(con: duckdb.DuckDBPyConnection, periods: list[str]) -> pd.DataFrame:
    """Police events of the municipality in the problem categories (as counted in the marts)."""
    return con.execute(
        """
        select e.event_at, e.category_id
        from intermediate.int_police_events e
        join marts.dim_municipality m using (kommun_code)
        where e.area_id is not null and e.category_id is not null and list_contains(?, e.period)
        """,
        [periods],
    ).df()


def partner_counts(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """Partner × category incident counts in the period."""
    return con.execute(
        """
        select partner, category_id, sum(report_count) as value
        from intermediate.int_partner_reports r
        join marts.dim_municipality m using (kommun_code)
        where period = ?
        group by all
        """,
        [period],
    ).df()


def latest_survey_period(con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    rows = con.execute(
        "select max(period) from marts.fct_problem_indicators where period <= ? and survey_respondents > 0",
        [period],
    ).fetchall()
    return rows[0][0]


def survey_by_category(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """Respondents and problem answers per category, whole municipality (areas pooled)."""
    return con.execute(
        """
        select c.category_id, c.name_sv as category_name, c.sort_order as category_order,
               sum(f.survey_respondents) as respondents,
               round(sum(f.survey_problem_share * f.survey_respondents)) as problem_answers
        from marts.dim_problem_category c
        left join marts.fct_problem_indicators f on f.category_id = c.category_id and f.period = ?
        group by all
        order by c.sort_order
        """,
        [period],
    ).df()


def free_text(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """Redacted free-text answers of the period (already redacted at load)."""
    if not table_exists(con, "intermediate", "int_survey_free_text"):
        return pd.DataFrame(columns=["area_id", "answer_text"])
    return con.execute(
        """
        select t.area_id, a.area_name, t.answer_text
        from intermediate.int_survey_free_text t
        left join marts.dim_area a using (area_id)
        where t.period = ?
        """,
        [period],
    ).df()


def reference_rates(con: duckdb.DuckDBPyConnection, up_to_year: int) -> pd.DataFrame:
    """BRÅ: the municipality's reported crimes per 100 000 per year, beside the median of
    the other municipalities of its county in the file."""
    return con.execute(
        """
        with me as (select * from marts.dim_municipality)
        select r.year,
               max(r.reported_crimes) filter (where r.kommun_code = me.kommun_code) as reported_crimes,
               max(r.per_100k) filter (where r.kommun_code = me.kommun_code) as per_100k,
               median(r.per_100k) filter (where r.county = me.county and r.kommun_code <> me.kommun_code)
                   as county_median_per_100k,
               count(*) filter (where r.county = me.county and r.kommun_code <> me.kommun_code)
                   as county_kommuner
        from marts.fct_reference_crime_rates r, me
        where r.year <= ?
        group by r.year
        order by r.year
        """,
        [up_to_year],
    ).df()


def pledge_followup(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """marts.fct_pledge_followup, or None before it exists."""
    if not table_exists(con, "marts", "fct_pledge_followup"):
        return None
    return con.execute("select * from marts.fct_pledge_followup order by pledge_id, period").df()


def police_reported_months(con: duckdb.DuckDBPyConnection, period: str, category_id: str, areas: list[str]) -> pd.DataFrame:
    """Monthly local-police counts behind one category and set of areas in a period."""
    return con.execute(
        """
        select month, area_id, sum(reported_count) as value
        from intermediate.int_police_reported_monthly r
        join marts.dim_municipality m using (kommun_code)
        where period = ? and category_id = ? and list_contains(?, area_id)
        group by all order by month
        """,
        [period, category_id, areas],
    ).df()


def partner_rows(con: duckdb.DuckDBPyConnection, period: str, category_id: str, areas: list[str]) -> pd.DataFrame:
    return con.execute(
        """
        select partner, area_id, sum(report_count) as value
        from intermediate.int_partner_reports r
        join marts.dim_municipality m using (kommun_code)
        where period = ? and category_id = ? and list_contains(?, area_id)
        group by all
        """,
        [period, category_id, areas],
    ).df()
