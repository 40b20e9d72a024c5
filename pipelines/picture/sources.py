"""The *Datakvalitet och källor* section: coverage per source and month, what was not
loaded and why, and the attribution of every source.

Lays out what dbt counts (the int_report_* models: the audit rows of the files each
tertial's section lists) and intermediate.int_source_dates; kept apart so it can switch to
the data_quality package's summary once that exists.
"""

from __future__ import annotations

from datetime import date

import duckdb

from ..warehouse import has_column, table_exists


def _of_municipality(con, schema: str, table: str, kommun_code: str | None) -> tuple[str, list]:
    """A condition on one municipality's rows of a table; none when the table has no such column."""
    if kommun_code is None or not has_column(con, schema, table, "kommun_code"):
        return "true", []
    return "kommun_code = ?", [kommun_code]


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
    """The automatic checks (data_quality) as this tertial's report prints them: the warnings
    that concern it (a failure of its tertials or of a whole table) and do not stop it. The
    totals of every check live on datakvalitet.html alone: a re-validation of another
    tertial's table must not re-render this report. The same for every municipality;
    `latest`: data_quality.results.latest(con), when read."""
    from data_quality.summary import checks_summary

    s = checks_summary(con, period, latest)
    return {"warnings": sum(1 for f in s.warnings if f.periods is None or period in f.periods)}


def _months_back(end: date, count: int) -> list[date]:
    months, year, month = [], end.year, end.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def data_quality(con: duckdb.DuckDBPyConnection, period: str, period_end: date, kommun_code: str,
                 months: int = 12, section: dict | None = None, dates: list | None = None) -> dict:
    """Everything the section shows, as plain rows for the template, the XLSX and tests, of a
    municipality. What was loaded, rejected and left out is counted in dbt (SECTION_TABLES:
    the files the tertial's section lists, its own and the region's shared ones); this lays it
    out. `section`: section_rows(con, kommun_code, period), `dates`: source_months(con,
    kommun_code), when read already."""
    month_list = _months_back(period_end, months)
    dates = source_months(con, kommun_code) if dates is None else dates
    # a month has data when one of its dates falls between the first month and the period's end
    present = {(source, month) for source, month, first in dates if month >= month_list[0] and first <= period_end}
    coverage = [
        {"source": name, "cells": ["✓" if (source, m) in present else "–" for m in month_list]}
        for source, name in SOURCE_NAMES.items()
        if source != "police_bra"  # yearly file, no months
    ]
    section = section_rows(con, kommun_code, period) if section is None else section
    return {
        "months": [f"{m:%Y-%m}" for m in month_list],
        "coverage": coverage,
        "rejected": [
            {"source": SOURCE_NAMES.get(kind, kind or "–"), "reason": reason, "rows": int(rows)}
            for kind, reason, rows in section.get("rejected", [])
        ],
        "files": [
            {"source": SOURCE_NAMES.get(kind, kind), "files": int(n), "rows_loaded": int(loaded),
             "rows_rejected": int(rejected), "last_loaded": last.strftime("%Y-%m-%d") if last else "–"}
            for kind, n, loaded, rejected, last in section.get("files", [])
        ],
        "ignored": [{"column": column, "files": int(n), "reason": reason}
                    for column, n, reason in section.get("ignored", [])],
        "attribution": [{"source": s, "text": t} for s, t in ATTRIBUTION],
    }


# The section's three tables as dbt counts them, per municipality and tertial (DATA-CONTRACT
# §4.2): name -> (table, columns, the order the section prints them in).
SECTION_TABLES = {
    "rejected": ("intermediate.int_report_rejected_rows", "source_kind, reason, row_count",
                 "row_count desc, reason, source_kind nulls first"),
    "files": ("intermediate.int_report_loaded_files",
              "source_kind, file_count, rows_loaded, rows_rejected, last_loaded_at", "source_kind"),
    "ignored": ("intermediate.int_report_ignored_columns", "column_header, file_count, reason", "column_header"),
}


def section_rows(con: duckdb.DuckDBPyConnection, kommun_code: str, period: str) -> dict[str, list[tuple]]:
    """name -> a municipality's rows of the tertial of each of SECTION_TABLES, in order; none
    of a table a warehouse built before it lacks."""
    return section_rows_by_municipality(con, [kommun_code]).get(kommun_code, {}).get(period, {})


def section_rows_by_municipality(con: duckdb.DuckDBPyConnection, codes: list[str] | None = None) -> dict[str, dict]:
    """kommun_code -> period -> section_rows of every municipality of `codes` (None: all): one
    query per table for all of them, which cost less than one per municipality and tertial."""
    out: dict[str, dict] = {}
    for name, (table, columns, order) in SECTION_TABLES.items():
        if not table_exists(con, *table.split(".")):
            continue
        only = "" if codes is None else " where list_contains(?, kommun_code)"
        rows = con.execute(f"select kommun_code, period, {columns} from {table}{only} "
                           f"order by kommun_code, period, {order}", [] if codes is None else [codes]).fetchall()
        for code, period, *row in rows:
            out.setdefault(code, {}).setdefault(period, {}).setdefault(name, []).append(tuple(row))
    return out


def source_months(con: duckdb.DuckDBPyConnection, kommun_code: str | None = None,
                  by_municipality: bool = False) -> list[tuple]:
    """(source, month, its first date with data) of a municipality's sources (all when None;
    `by_municipality`: (kommun_code, source, month, first date) of each municipality)."""
    if not table_exists(con, "intermediate", "int_source_dates"):
        return []
    mine, params = _of_municipality(con, "intermediate", "int_source_dates", kommun_code)
    return con.execute(
        f"""
        select {"kommun_code, " if by_municipality else ""}source, date_trunc('month', data_date)::date,
               min(data_date)
        from intermediate.int_source_dates where data_date is not null and {mine} group by all
        """, params
    ).fetchall()
