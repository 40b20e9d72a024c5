"""Local police extract (DATA-CONTRACT §2.4) -> raw.police_local.

``Månad;Område;Brottskategori;Antal``: reported crimes per month, area and crime
category, CSV or xlsx (title rows above the header are skipped by the reader).

Validation only, one Swedish reason per rejected row:

* ``Månad``: ``YYYY-MM``, ``YYYY-MM-DD`` or an Excel date (stored as the first of the
  month); a month before the date floor (dbt var ``earliest_date``, 2000-01) or after the
  month of the as-of date (``LAGESBILD_AS_OF``, default today) is rejected;
* ``Brottskategori``: a category id, name or alias of the taxonomy (else rejected);
* ``Antal``: a whole number ≥ 0, or ``..`` = suppressed at source, stored as
  ``reported_count`` null with ``suppressed`` true — never as zero;
* ``Område`` is never a reason to reject: an unknown or empty area becomes the unknown
  area (``okant``) in dbt;
* ``Kommun`` (optional, DATA-CONTRACT §6): whose row it is, a municipality's name or
  4-digit code, stored as written in ``kommun_text``; a text that names no Swedish
  municipality (pipelines/ingest/kommuner.py) is rejected. A shared extract at the root
  of a region must have the column and a municipality on every row (``parse(path,
  shared=True)``: a file without it fails); in a municipality's own folder it is optional,
  an empty cell means the folder's municipality, and a row naming another municipality
  is kept (dbt decides where it counts).

Summing duplicates within a file, "the newest file wins" across overlapping
extracts, and the mapping to area and category ids are dbt's job
(int_police_reported_monthly). Values repeat a lot in these extracts (12 months,
~10 areas, 8 categories), so each distinct cell text is parsed once.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from .. import settings
from ..dbt_vars import earliest_date, earliest_text
from ..names import normalise_names
from ..warehouse import registered
from .common import AsOfWindow, BadFileError, Parsed, Rejection, raw_record_text, write_concatenated
from .kommuner import kommun_code_of, unknown_kommun_reason
from .readers import parse_int, parse_month, read_table
from .redact import neutralise_formula, redact
from .taxonomy import is_known_category, unknown_category_reason

SOURCE_KIND = "police_local"
FILE_PATTERNS = ("*.csv", "*.xlsx")

HEADER = ["Månad", "Område", "Brottskategori", "Antal"]
KOMMUN = "Kommun"  # optional; required in a shared extract
SUPPRESSED = ".."

RAW_DDL = """
create table if not exists raw.police_local (
    month           date    not null,
    area            varchar,
    category        varchar not null,
    reported_count  bigint,
    suppressed      boolean not null,
    _source_file    varchar not null,
    _source_row     bigint  not null,
    _file_sha256    varchar not null,
    _loaded_at      timestamp not null,
    _kommun_code    varchar,
    kommun_text     varchar
);
alter table raw.police_local add column if not exists kommun_text varchar;
alter table raw.police_local add column if not exists _kommun_code varchar
"""
COLUMNS = ["month", "area", "category", "reported_count", "suppressed"]


class _Cache(dict):
    """text -> (value, problem); each distinct cell text is checked once."""

    def __init__(self, check):
        super().__init__()
        self.check = check

    def __missing__(self, text):
        result = self[text] = self.check(text)
        return result


def _check_month(text: str | None, *, earliest: dt.date, latest: dt.date):
    """(month, None) or (None, reason). A month outside [earliest, latest] (the date floor,
    the as-of month) is a typo, and would otherwise make its file the "newest" extract in
    dbt (newest = latest month covered)."""
    if text is None:
        return None, "Månad saknas."
    try:
        month = parse_month(text)
    except ValueError:
        return None, f"Månad '{text}' är ingen giltig månad (väntade ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD eller ett Excel-datum)."
    if month < earliest:
        return None, f"Månad '{text}' ({month:%Y-%m}) ligger före {earliest_text()}; kontrollera datumet."
    if month > latest:
        return None, f"Månad '{text}' ({month:%Y-%m}) ligger i framtiden; ett utdrag kan bara innehålla passerade månader."
    return month, None


def _check_category(text: str | None):
    if text is None:
        return None, "Brottskategori saknas."
    if not is_known_category(text):
        return None, unknown_category_reason("Brottskategori", f"'{text}'", text)
    return text, None


def _check_count(text: str | None):
    """((reported_count, suppressed), problem)."""
    if text is None:
        return None, "Antal saknas (ange ett heltal 0 eller större, eller .. om uppgiften är skyddad)."
    if text == SUPPRESSED:
        return (None, True), None
    try:
        value = parse_int(text)
    except ValueError:
        return None, f"Antal '{text}' är inget heltal (ange ett heltal 0 eller större, eller .. om uppgiften är skyddad)."
    if value < 0:
        return None, f"Antal '{text}' är negativt; antalet anmälda brott kan inte vara mindre än 0."
    return (value, False), None


def _check_kommun(text: str | None, *, shared: bool):
    if text is None:
        if shared:
            return None, f"{KOMMUN} saknas: i ett gemensamt utdrag måste varje rad ange sin kommun."
        return None, None
    if kommun_code_of(text) is None:
        return None, unknown_kommun_reason(KOMMUN, text)
    return text, None


def _clean_area(text: str | None):
    return neutralise_formula(redact(text)), None


SHARED_WITHOUT_KOMMUN = (
    "Filen ligger i den gemensamma mappen police/local/ i datamappens rot men har ingen kolumn "
    f"{KOMMUN}. Ett gemensamt utdrag måste säga vilken kommun varje rad gäller: lägg till kolumnen "
    f"{KOMMUN} (kommunens namn eller kommunkod), eller lägg filen i kommunens egen mapp "
    "(kommuner/<kod>-<namn>/police/local/)."
)


def parse(path: Path, *, shared: bool = False) -> Parsed:
    """`shared`: the file is a shared extract at the root of a region (see module docstring)."""
    table = read_table(path, expected_columns=HEADER)
    at = [table.column_index(c) for c in HEADER]
    k_at = table.column_index(KOMMUN)
    if k_at is None and shared:
        raise BadFileError(SHARED_WITHOUT_KOMMUN)
    kommuner = _Cache(partial(_check_kommun, shared=shared))
    width = len(table.columns)
    latest = settings.as_of().replace(day=1)
    check_month = partial(_check_month, earliest=earliest_date().replace(day=1), latest=latest)
    months, areas, categories, counts = (
        _Cache(check_month), _Cache(_clean_area), _Cache(_check_category), _Cache(_check_count)
    )
    c_index = at[2]
    normalise_names({cells[c_index] for cells in table.rows if len(cells) > c_index})  # one DuckDB call, cached

    out_month, out_area, out_category, out_count, out_suppressed, out_row, out_kommun = [], [], [], [], [], [], []
    kommun = None
    rejections: list[Rejection] = []
    m_at, a_at, c_at, n_at = at
    for cells, line in zip(table.rows, table.row_numbers):
        if len(cells) > width and any(c is not None for c in cells[width:]):
            problem = f"Raden har fler värden än rubrikraden har kolumner ({len(cells)} i stället för {width})."
        else:
            month, problem = months[cells[m_at]]
            if problem is None:
                category, problem = categories[cells[c_at]]
            if problem is None:
                count, problem = counts[cells[n_at]]
            if problem is None and k_at is not None:
                kommun, problem = kommuner[cells[k_at]]
        if problem:
            # reasons quote the bad value: redacted like the raw record
            record = raw_record_text(redact(";".join(c or "" for c in cells)))
            rejections.append(Rejection(line, redact(problem), record))
            continue
        out_month.append(month)
        out_area.append(areas[cells[a_at]][0])
        out_category.append(category)
        out_count.append(count[0])
        out_suppressed.append(count[1])
        out_row.append(line)
        out_kommun.append(kommun)

    frame = pd.DataFrame(
        {
            "month": pd.Series(out_month, dtype="object"),
            "area": pd.Series(out_area, dtype="object"),
            "category": pd.Series(out_category, dtype="object"),
            "reported_count": pd.array(out_count, dtype="Int64"),
            "suppressed": pd.Series(out_suppressed, dtype="bool"),
            "_source_row": pd.Series(out_row, dtype="int64"),
        }
    )
    if k_at is not None:  # only a file with the column has it (write stores null otherwise)
        frame["kommun_text"] = pd.Series(out_kommun, dtype="object")
    return Parsed(frame, rejections, _window(months, latest))


def _window(months: _Cache, latest: dt.date) -> AsOfWindow:
    """A month is accepted from its first day on (every distinct Månad text of the file)."""
    future = []
    for text, (month, problem) in months.items():
        if problem is not None and text is not None:
            try:
                value = parse_month(text)
            except ValueError:
                continue
            if value > latest:
                future.append(value)
    return AsOfWindow.of((month for month, _ in months.values() if month is not None), future)


def parse_shared(path: Path) -> Parsed:
    return parse(path, shared=True)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Append the file's rows as they are; dbt sums and picks the newest file."""
    con.execute(RAW_DDL)
    kommun_text = "kommun_text" if "kommun_text" in rows.columns else "null"
    with registered(con, "_local_rows", rows):
        con.execute(
            f"""
            insert into raw.police_local by name
            select cast(month as date) as month, area, category, reported_count, suppressed,
                   _source_file, _source_row, _file_sha256, _loaded_at, _kommun_code,
                   cast({kommun_text} as varchar) as kommun_text
            from _local_rows
            """
        )
    return len(rows)


# Every row given is appended: a batch of files goes in with one statement per run of alike files.
write_batch = write_concatenated(write)
