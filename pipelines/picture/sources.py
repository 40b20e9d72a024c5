"""The *Datakvalitet och källor* section: coverage per source and month, what was not
loaded and why, and the attribution of every source.

Built from the audit tables and intermediate.int_source_dates; kept apart so it can
switch to the data_quality package's summary once that exists.
"""

from __future__ import annotations

from datetime import date

import duckdb

from ..warehouse import has_column, table_exists


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


def data_quality(con: duckdb.DuckDBPyConnection, period_end: date, kommun_code: str | None = None,
                 months: int = 12, audit: tuple | None = None, dates: list | None = None,
                 files: set | None = None) -> dict:
    """Everything the section shows, as plain rows for the template, the XLSX and tests; with
    `kommun_code`, of that municipality (its own files and the region's shared ones).
    `audit`: audit_rows(con, kommun_code), `dates`: source_months(con, kommun_code), when read
    already (they are the same every tertial). `files`: the source files the tertial's section
    lists (section_files()); None: every file."""
    month_list = _months_back(period_end, months)
    dates = source_months(con, kommun_code) if dates is None else dates
    # a month has data when one of its dates falls between the first month and the period's end
    present = {(source, month) for source, month, first in dates if month >= month_list[0] and first <= period_end}
    coverage = [
        {"source": name, "cells": ["✓" if (source, m) in present else "–" for m in month_list]}
        for source, name in SOURCE_NAMES.items()
        if source != "police_bra"  # yearly file, no months
    ]
    rejected, loaded, ignored = audit if audit is not None else audit_rows(con, kommun_code)
    if files is not None:
        rejected, loaded, ignored = ([r for r in rows if r[0] in files] for rows in (rejected, loaded, ignored))
    return {
        "months": [f"{m:%Y-%m}" for m in month_list],
        "coverage": coverage,
        "rejected": [
            {"source": SOURCE_NAMES.get(kind, kind or "–"), "reason": reason, "rows": rows}
            for kind, reason, rows in _rejected_by_reason(rejected)
        ],
        "files": [
            {"source": SOURCE_NAMES.get(kind, kind), "files": n, "rows_loaded": int(loaded_rows or 0),
             "rows_rejected": int(rej or 0), "last_loaded": last.strftime("%Y-%m-%d") if last else "–"}
            for kind, n, loaded_rows, rej, last in _files_by_kind(loaded)
        ],
        "ignored": [{"column": col, "files": n, "reason": reason} for col, n, reason in _ignored_by_column(ignored)],
        "attribution": [{"source": s, "text": t} for s, t in ATTRIBUTION],
    }


def _rejected_by_reason(rows: list[tuple]) -> list[tuple]:
    """(source kind, reason, rows) of per-file rows (file, kind, reason, rows), most rows first."""
    out: dict[tuple, int] = {}
    for _file, kind, reason, n in rows:
        out[(kind, reason)] = out.get((kind, reason), 0) + int(n)
    return sorted(((kind, reason, n) for (kind, reason), n in out.items()), key=lambda r: (-r[2], r[1], r[0]))


def _files_by_kind(rows: list[tuple]) -> list[tuple]:
    """(source kind, files, rows loaded, rows rejected, last loaded) of the loaded files' rows
    (file, kind, sha256, loaded, rejected, loaded at), one per loaded version of a file."""
    out: dict[str, list] = {}
    for _file, kind, _sha, loaded, rejected, at in rows:
        n, total, rej, last = out.get(kind, [0, 0, 0, None])
        out[kind] = [n + 1, total + int(loaded or 0), rej + int(rejected or 0),
                     at if last is None or (at is not None and at > last) else last]
    return [(kind, *values) for kind, values in sorted(out.items())]


def _ignored_by_column(rows: list[tuple]) -> list[tuple]:
    """(column, files, reason) of per-file rows (file, column, reason)."""
    out: dict[str, tuple[set, str]] = {}
    for file, column, reason in rows:
        found, first = out.get(column, (set(), reason))
        out[column] = (found | {file}, min(first, reason))
    return [(column, len(found), reason) for column, (found, reason) in sorted(out.items())]


def report_files(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]] | None:
    """period -> the source files whose dated rows that tertial's report reads
    (intermediate.int_report_source_files, the one definition of the window); None in a
    warehouse built before that model."""
    if not table_exists(con, "intermediate", "int_report_source_files"):
        return None
    out: dict[str, set[str]] = {}
    for period, source_file in con.execute(
            "select distinct period, source_file from intermediate.int_report_source_files").fetchall():
        out.setdefault(period, set()).add(source_file)
    return out


def section_files(by_period: dict[str, set[str]] | None, periods: list[str], complete: list[str],
                  audit_files: set[str]) -> dict[str, set[str]] | None:
    """The files (of `audit_files`: a municipality's own and the region's shared ones) each
    tertial's section lists: those whose dated rows it reads (report_files),
    and in the newest complete tertial (the newest report) also every file no complete
    tertial lists (no dated row: BRÅ's yearly files, configuration, a wholly rejected file;
    or rows only in the tertial still in progress), so none vanishes. None (every file, every
    tertial) in a warehouse built before int_report_source_files."""
    if by_period is None:
        return None
    out = {p: by_period.get(p, set()) & audit_files for p in periods}  # the municipality's own and shared
    newest = (complete or periods or [None])[-1]
    if newest is not None:
        shown = set().union(*(out[p] for p in complete)) if complete else set()
        out[newest] |= audit_files - shown
    return out


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


# audit_rows' three reads, per source file (the section lists a tertial's files only):
# (table, select list, order), the same for one municipality and for all
AUDIT_READS = (
    ("rejected_rows", "source_file, coalesce(source_kind, '') as source_kind, reason, count(*) as rows",
     "source_file, reason"),
    ("loaded_files", "source_file, source_kind, file_sha256, rows_loaded, rows_rejected, loaded_at",
     "source_file, loaded_at"),
    ("ignored_columns", "source_file, column_header, min(reason)", "source_file, column_header"),
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
    """The section's audit rows per source file (rejected reasons, loaded files, ignored
    columns) of a municipality's own files and the region's shared ones (every row when None)."""
    out = []
    for table, columns, order in AUDIT_READS:
        if not table_exists(con, "audit", table):
            out.append([])
            continue
        mine, params = _of_municipality(con, "audit", table, kommun_code, shared=True)
        out.append(con.execute(f"select {columns} from audit.{table} where {mine} group by all order by {order}",
                               params).fetchall())
    return tuple(out)
