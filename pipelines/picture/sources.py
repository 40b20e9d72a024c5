"""The *Datakvalitet och källor* section: coverage per source and month, what was not
loaded and why, and the attribution of every source.

Built from the audit tables and intermediate.int_source_dates; kept apart so it can
switch to the data_quality package's summary once that exists.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

import duckdb

# Within `catalogue(con)`: the warehouse's tables and columns, read once (the figures are built
# on a read-only snapshot; a catalogue query per tertial and table cost more than the rows).
_known: ContextVar[tuple[set, set] | None] = ContextVar("known_tables", default=None)


@contextmanager
def catalogue(con: duckdb.DuckDBPyConnection):
    tables = set(con.execute("select table_schema, table_name from information_schema.tables").fetchall())
    columns = set(con.execute(
        "select table_schema, table_name, column_name from information_schema.columns").fetchall())
    token = _known.set((tables, columns))
    try:
        yield
    finally:
        _known.reset(token)

def table_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    if (known := _known.get()) is not None:
        return (schema, name) in known[0]
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchall()[0][0])


def has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    if (known := _known.get()) is not None:
        return (schema, table, column) in known[1]
    return bool(con.execute(
        "select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
        "and column_name = ?", [schema, table, column]).fetchall()[0][0])


def _of_municipality(con, schema: str, table: str, kommun_code: str | None, shared: bool) -> tuple[str, list]:
    """A condition on one municipality's rows of a table (with `shared`, also the rows of the
    region's shared root files, kommun_code null); none when the table has no such column."""
    if kommun_code is None or not has_column(con, schema, table, "kommun_code"):
        return "true", []
    return ("(kommun_code = ? or kommun_code is null)" if shared else "kommun_code = ?"), [kommun_code]


SOURCE_NAMES = {
    "police_events": "Polisens händelser (polisen.se)",
    "police_local": "Anmälda brott, lokalpolisområdet",
    "police_bra": "Anmälda brott per kommun (BRÅ)",
    "partner_reports": "Rapporter från samverkanspartner",
    "surveys": "Trygghetsenkäter",
}

ATTRIBUTION = [
    ("Polisens händelser", "Källa: Polisen, polisen.se (öppet API för händelser). Ett urval av det polisen "
     "arbetar med och publicerar, inte antalet anmälda brott. Räknas till tertialen då händelsen inträffade "
     "och till det område som polisens sammanfattning nämner."),
    ("Anmälda brott, lokalpolisområdet", "Källa: Polisen, lokalpolisområdets månadsuttag per område och "
     "brottskategori. Uppgifter som polisen själv skyddat (”..”) räknas som okända, inte som noll."),
    ("Anmälda brott per kommun", "Källa: Brottsförebyggande rådet (BRÅ), statistik över anmälda brott. "
     "Används som jämförelse mellan kommuner per år."),
    ("Rapporter från samverkanspartner", "Källa: kommunens samverkanspartner (handel, bostadsbolag, skolor, "
     "föreningar) enligt kommunens rapportmall. Samma händelse kan också finnas hos polisen; källorna "
     "redovisas därför bredvid varandra och summeras aldrig."),
    ("Trygghetsenkäter", "Källa: kommunens trygghetsenkäter. Andelar med 95 % konfidensintervall (Wilson); "
     "”Vet ej” räknas inte. Fritextsvar visas bara efter att personnummer, telefonnummer och e-postadresser "
     "tagits bort."),
]


def quality_checks(con: duckdb.DuckDBPyConnection, period: str, latest=None) -> dict:
    """The automatic checks (data_quality) behind this tertial, for one sentence and a link
    (the same for every municipality; `latest`: data_quality.results.latest(con), when read)."""
    from data_quality.summary import checks_summary

    s = checks_summary(con, period, latest)
    return {"total": s.checks_total, "tables": len(s.tables), "warnings": len(s.warnings),
            "checked_at": s.checked_at.strftime("%Y-%m-%d %H:%M") if s.checked_at else None}


def _months_back(end: date, count: int) -> list[date]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def data_quality(con: duckdb.DuckDBPyConnection, period_end: date, kommun_code: str | None = None,
                 months: int = 12, audit: tuple | None = None, dates: list | None = None) -> dict:
    """Everything the section shows, as plain rows for the template, the XLSX and tests; with
    `kommun_code`, of that municipality (its own files and the region's shared ones).
    `audit`: audit_rows(con, kommun_code), `dates`: source_months(con, kommun_code), when read
    already (they are the same every tertial)."""
    month_list = _months_back(period_end, months)
    dates = source_months(con, kommun_code) if dates is None else dates
    # a month has data when one of its dates falls between the first month and the period's end
    present = {(source, month) for source, month, first in dates if month >= month_list[0] and first <= period_end}
    coverage = [
        {"source": name, "cells": ["✓" if (source, m) in present else "–" for m in month_list]}
        for source, name in SOURCE_NAMES.items()
        if source != "police_bra"  # yearly file, no months
    ]
    rejected, files, ignored = audit if audit is not None else audit_rows(con, kommun_code)
    return {
        "months": [f"{m:%Y-%m}" for m in month_list],
        "coverage": coverage,
        "rejected": [
            {"source": SOURCE_NAMES.get(kind, kind or "–"), "reason": reason, "rows": rows}
            for kind, reason, rows in rejected
        ],
        "files": [
            {"source": SOURCE_NAMES.get(kind, kind), "files": n, "rows_loaded": int(loaded or 0),
             "rows_rejected": int(rej or 0), "last_loaded": last.strftime("%Y-%m-%d") if last else "–"}
            for kind, n, loaded, rej, last in files
        ],
        "ignored": [{"column": col, "files": n, "reason": reason} for col, n, reason in ignored],
        "attribution": [{"source": s, "text": t} for s, t in ATTRIBUTION],
    }


def source_months(con: duckdb.DuckDBPyConnection, kommun_code: str | None = None,
                  by_municipality: bool = False) -> list[tuple]:
    """(source, month, its first date with data) of a municipality's sources (all when None;
    `by_municipality`: (kommun_code, source, month, first date) of each municipality)."""
    if not table_exists(con, "intermediate", "int_source_dates"):
        return []
    mine, params = _of_municipality(con, "intermediate", "int_source_dates", kommun_code, shared=False)
    return con.execute(
        f"""
        select {"kommun_code, " if by_municipality else ""}source, date_trunc('month', data_date)::date,
               min(data_date)
        from intermediate.int_source_dates where data_date is not null and {mine} group by all
        """, params
    ).fetchall()


# audit_rows' three reads: (table, select list, order), the same for one municipality and for all
AUDIT_READS = (
    ("rejected_rows", "coalesce(source_kind, '') as source_kind, reason, count(*) as rows", "rows desc, reason"),
    ("loaded_files", "source_kind, count(*) as files, sum(rows_loaded) as rows_loaded, "
                     "sum(rows_rejected) as rows_rejected, max(loaded_at) as last_loaded", "source_kind"),
    ("ignored_columns", "column_header, count(distinct source_file) as files, any_value(reason)", "column_header"),
)


def audit_rows_by_municipality(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, tuple]:
    """audit_rows of each municipality of `codes`, three queries for all of them: three per
    municipality cost more than their rows in a national run."""
    parts = {code: ([], [], []) for code in codes}
    for i, (table, columns, order) in enumerate(AUDIT_READS):
        if not table_exists(con, "audit", table):
            continue
        mine = ("(t.kommun_code = m._code or t.kommun_code is null)"
                if has_column(con, "audit", table, "kommun_code") else "true")
        rows = con.execute(
            f"select m._code, {columns} from audit.{table} as t join (select unnest(?::varchar[]) as _code) as m "
            f"on {mine} group by all order by m._code, {order}", [codes]).fetchall()
        for code, *row in rows:
            parts[code][i].append(tuple(row))
    return parts


def audit_rows(con: duckdb.DuckDBPyConnection, kommun_code: str | None = None) -> tuple[list, list, list]:
    """The section's audit rows (rejected reasons, loaded files, ignored columns) of a
    municipality's own files and the region's shared ones: the same for every tertial."""
    rejected = files = ignored = []
    if table_exists(con, "audit", "rejected_rows"):
        mine, params = _of_municipality(con, "audit", "rejected_rows", kommun_code, shared=True)
        rejected = con.execute(
            f"""
            select coalesce(source_kind, '') as source_kind, reason, count(*) as rows
            from audit.rejected_rows where {mine} group by all order by rows desc, reason
            """, params
        ).fetchall()
    if table_exists(con, "audit", "loaded_files"):
        mine, params = _of_municipality(con, "audit", "loaded_files", kommun_code, shared=True)
        files = con.execute(
            f"""
            select source_kind, count(*) as files, sum(rows_loaded) as rows_loaded,
                   sum(rows_rejected) as rows_rejected, max(loaded_at) as last_loaded
            from audit.loaded_files where {mine} group by all order by source_kind
            """, params
        ).fetchall()
    if table_exists(con, "audit", "ignored_columns"):
        mine, params = _of_municipality(con, "audit", "ignored_columns", kommun_code, shared=True)
        ignored = con.execute(
            "select column_header, count(distinct source_file) as files, any_value(reason) "
            f"from audit.ignored_columns where {mine} group by all order by column_header", params
        ).fetchall()
    return rejected, files, ignored
