"""Partner reports (DATA-CONTRACT §2.5): the partner template
``Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning`` as CSV or xlsx
-> raw.partner_reports, one row per valid file row.

What decides whether a row can be loaded is checked here, each failure with a
Swedish reason that names the column and the value:

- ``Datum``: ISO date, ``DD/MM/YYYY``, ``YYYY-MM-DD HH:MM`` or an Excel date;
  not before the date floor (dbt var ``earliest_date``, 2000-01-01) and not after the
  as-of date (``LAGESBILD_AS_OF``, default today: pipelines/settings.py).
- ``Partner``: required. It is part of the natural key and of the "partners
  reporting" count, so a row without it cannot be attributed: rejected.
- ``Kategori``: a category id, name or alias of the taxonomy; empty or unknown
  is rejected.
- ``Antal``: a whole number >= 1 (at most 100 000, a typo guard); empty means 1.
- ``Område``: never a reason to reject (unmatched or empty -> the unknown area, ``okant``, in dbt).
- A row with more cells than the header is rejected (a shifted row).

Privacy (§5): every stored text cell (Partner, Område, Plats, Beskrivning, and
the raw record of a rejected row) is redacted (numbers, e-mail, registration numbers,
addresses, people's names; the file's Partner values and the municipality's names are
not people) before it is stored; free text (Partner, Plats, Beskrivning) is also
formula-neutralised. With ``LAGESBILD_FREE_TEXT=off`` Plats and Beskrivning are stored
as null and left out of a rejected row's raw record. ``description_sha256`` is the SHA-256 (hex) of the stored,
redacted description (``''`` when empty), so ``sha256(description)`` in DuckDB
reproduces it and no hash of personal data is ever kept.

Key (§2.5): (partner, date, area, category, place, description hash, file
row). "File row" is read as *the occurrence of an identical row within its
file*: two identical rows in one file are two incidents, while the same row
arriving again in another file (a re-export under a new name, a cumulative
export) is one. The physical line number is kept as ``_source_row`` for the
audit trail but is not part of the key, because a row inserted at the top of a
re-sent file would shift every line and count the whole file twice. The
dedup itself (newest file wins for Antal) is done in dbt (int_partner_reports).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import settings
from ..dbt_vars import earliest_date, earliest_text
from ..warehouse import registered
from .common import AsOfWindow, Parsed, Rejection, raw_record_text, write_concatenated
from .readers import parse_date, parse_int, read_table
from .redact import Redactor, neutralise_formula, redact, redactor
from .taxonomy import known_categories, unknown_category_reason

SOURCE_KIND = "partner_reports"
FILE_PATTERNS = ("*.csv", "*.xlsx")
EXPECTED_COLUMNS = ["Datum", "Partner", "Kategori", "Område", "Plats", "Antal", "Beskrivning"]
EPOCH = dt.date(1970, 1, 1)
MAX_COUNT = 100_000  # one row is one incident or a count of them; more is a typo (and overflows integer)

RAW_DDL = """
create table if not exists raw.partner_reports (
    report_date        date    not null,
    report_date_text   varchar not null,
    partner            varchar not null,
    category_text      varchar not null,
    area_text          varchar,
    place              varchar,
    report_count       integer not null,
    report_count_text  varchar,
    description        varchar,
    description_sha256 varchar not null,
    _source_file       varchar not null,
    _source_row        bigint  not null,
    _file_sha256       varchar not null,
    _loaded_at         timestamp not null,
    _kommun_code       varchar
);
alter table raw.partner_reports add column if not exists _kommun_code varchar
"""
COLUMNS = [
    "report_date",
    "report_date_text",
    "partner",
    "category_text",
    "area_text",
    "place",
    "report_count",
    "report_count_text",
    "description",
    "description_sha256",
]


def _quote(value: str | None) -> str:
    """A cell value as quoted in a reason: redacted, so no reason stores personal data."""
    return "'" + (redact(value) or "") + "'"


def _date(text: str | None, latest: dt.date, earliest: dt.date) -> dt.date | str:
    """The date of a Datum cell, or the Swedish reason (str) why it cannot be used."""
    if text is None:
        return "Datum saknas."
    try:
        value = parse_date(text)
    except ValueError:
        return f"Datum {_quote(text)} är inget giltigt datum (väntade ÅÅÅÅ-MM-DD, DD/MM/ÅÅÅÅ eller ett Excel-datum)."
    if value < earliest:
        return f"Datum {_quote(text)} ligger före {earliest_text()}."
    if value > latest:  # not the as-of date itself: the reason holds until the row is due (issue 15)
        return f"Datum {_quote(text)} ligger i framtiden."
    return value


def _count(text: str | None) -> int | str:
    """Antal: a whole number >= 1, empty = 1; else the reason (str)."""
    try:
        value = parse_int(text)
    except ValueError:
        return f"Antal {_quote(text)} är inget heltal (ange ett heltal, minst 1, eller lämna tomt för 1)."
    if value is None:
        return 1
    if value < 1:
        return f"Antal {_quote(text)} måste vara minst 1 (lämna tomt för 1)."
    if value > MAX_COUNT:
        return f"Antal {_quote(text)} är orimligt stort (högst {MAX_COUNT} per rad)."
    return value


def _category(text: str | None, known: bool) -> str | None:
    """None for a known category, else the reason."""
    if text is None:
        return "Kategori saknas."
    if known:
        return None
    return unknown_category_reason("Kategori", _quote(text), text)


def _partner(text: str | None) -> str | None:
    return "Partner saknas (vem som rapporterar måste anges)." if text is None else None


def _free_text(text: str | None, redactor: Redactor) -> str | None:
    """Free text as stored: redacted (or dropped: LAGESBILD_FREE_TEXT=off), then formula-neutralised."""
    return neutralise_formula(redactor.free_text(text))


def _partner_name(text: str | None, redactor: Redactor) -> str | None:
    """The Partner cell: part of the key, never dropped; redacted like free text."""
    return neutralise_formula(redactor(text))


def _digest(stored: str | None) -> str:
    return hashlib.sha256((stored or "").encode("utf-8")).hexdigest()


class _Column:
    """One column of the file as an Arrow array, dictionary-encoded: every function is
    computed once per distinct value and spread back in C (dates, categories, counts and
    descriptions repeat a lot; a 100 000-row file is several times faster this way)."""

    def __init__(self, cells: list[str | None]):
        encoded = pa.array(cells, type=pa.string()).dictionary_encode(null_encoding="encode")
        self.indices = encoded.indices
        self.distinct: list[str | None] = encoded.dictionary.to_pylist()

    def map(self, function, type_: pa.DataType) -> tuple[pa.Array, list]:
        """(function of every cell as an Arrow array, function of every distinct value)."""
        values = [function(value) for value in self.distinct]
        return pa.array(values, type=type_).take(self.indices), values

    def rows_where(self, bad: list[bool]) -> np.ndarray:
        """Row positions whose value is flagged in `bad` (aligned with `distinct`)."""
        codes = [code for code, flag in enumerate(bad) if flag]
        if not codes:
            return np.empty(0, dtype=np.int64)
        hit = pc.is_in(self.indices, value_set=pa.array(codes, type=self.indices.type))
        return np.flatnonzero(hit.to_numpy(zero_copy_only=False))


def _raw_record(cells: list[str | None], redactor: Redactor, free: set[int]) -> str:
    """The rejected row as read, ';'-joined, every cell redacted (the free-text cells,
    positions `free`, empty when LAGESBILD_FREE_TEXT=off); the whole record neutralised."""
    text = ";".join((redactor.free_text(c) if i in free else redactor(c)) or "" for i, c in enumerate(cells))
    return raw_record_text(neutralise_formula(text))


def parse(path: Path) -> Parsed:
    table = read_table(path, expected_columns=EXPECTED_COLUMNS)
    width = len(table.columns)
    rows, lines = table.rows, table.row_numbers
    # Short rows come padded to the header's width; longer rows are shifted and rejected.
    dates, partners, categories, areas, places, counts, texts = (
        _Column([row[i] for row in rows]) for i in (table.column_index(name) for name in EXPECTED_COLUMNS)
    )
    # The reporting partners are not people, in this file's text either (DATA-CONTRACT §5).
    red = redactor().with_not_people(p for p in partners.distinct if p)
    free = {table.column_index("Plats"), table.column_index("Beskrivning")}

    latest, earliest = settings.as_of(), earliest_date()  # the one clock; the dbt var
    date_checks = [_date(text, latest, earliest) for text in dates.distinct]
    count_checks = [_count(text) for text in counts.distinct]
    partner_checks = [_partner(text) for text in partners.distinct]
    category_checks = [
        _category(text, known) for text, known in zip(categories.distinct, known_categories(categories.distinct))
    ]

    # Why each bad row is rejected: {row position: [reasons, in column order]}.
    problems: dict[int, list[str]] = {}
    shifted = {i for i, row in enumerate(rows) if len(row) > width}
    for i in sorted(shifted):
        extra = len(rows[i]) - width
        problems[i] = [
            f"Raden har {extra} cell{'er' if extra > 1 else ''} mer än rubrikraden ({width} kolumner); "
            "kontrollera avgränsare och citattecken."
        ]
    for column, checks in (
        (dates, date_checks),
        (partners, partner_checks),
        (categories, category_checks),
        (counts, count_checks),
    ):
        bad = [isinstance(check, str) for check in checks]
        for i in column.rows_where(bad).tolist():
            if i not in shifted:
                problems.setdefault(i, []).append(checks[column.indices[i].as_py()])
    rejections = [Rejection(lines[i], " ".join(problems[i]), _raw_record(rows[i], red, free)) for i in sorted(problems)]

    epoch = EPOCH.toordinal()
    days = [check.toordinal() - epoch if isinstance(check, dt.date) else None for check in date_checks]
    number = [check if isinstance(check, int) else None for check in count_checks]
    descriptions, distinct_descriptions = texts.map(lambda t: _free_text(t, red), pa.string())
    columns = {
        "report_date": pa.array(days, type=pa.int32()).take(dates.indices).cast(pa.date32()),
        "report_date_text": pa.array(dates.distinct, type=pa.string()).take(dates.indices),
        "partner": partners.map(lambda t: _partner_name(t, red), pa.string())[0],
        "category_text": pa.array(categories.distinct, type=pa.string()).take(categories.indices),
        "area_text": areas.map(red, pa.string())[0],
        "place": places.map(lambda t: _free_text(t, red), pa.string())[0],
        "report_count": pa.array(number, type=pa.int32()).take(counts.indices),
        "report_count_text": pa.array(counts.distinct, type=pa.string()).take(counts.indices),
        "description": descriptions,
        "description_sha256": pa.array([_digest(d) for d in distinct_descriptions], type=pa.string()).take(
            texts.indices
        ),
        "_source_row": pa.array(lines, type=pa.int64()),
    }
    if problems:
        keep = np.ones(len(rows), dtype=bool)
        keep[list(problems)] = False
        mask = pa.array(keep)
        columns = {name: array.filter(mask) for name, array in columns.items()}
    frame = pd.DataFrame({name: pd.arrays.ArrowExtensionArray(array) for name, array in columns.items()})
    return Parsed(frame, rejections, _window(dates.distinct, date_checks, latest))


def _window(texts: list, checks: list, latest: dt.date) -> AsOfWindow:
    """A Datum is accepted from its own day on (its distinct texts: those of rows rejected for
    another reason count too, which only narrows the window)."""
    future = []
    for text, check in zip(texts, checks):
        if isinstance(check, str) and text is not None:
            try:
                value = parse_date(text)
            except ValueError:
                continue
            if value > latest:
                future.append(value)
    return AsOfWindow.of((c for c in checks if isinstance(c, dt.date)), future)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Insert the file's valid rows as they are; dedup across files happens in dbt."""
    con.execute(RAW_DDL)
    with registered(con, "_partner_rows", rows):
        con.execute(
            f"""
            insert into raw.partner_reports by name
            select {', '.join(COLUMNS)}, _source_file, _source_row, _file_sha256, _loaded_at, _kommun_code
            from _partner_rows
            """
        )
    return len(rows)


# Every row given is appended: a batch of files goes in with one statement per run of alike files.
write_batch = write_concatenated(write)
