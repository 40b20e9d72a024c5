"""BRÅ "Anmälda brott" per kommun and year (DATA-CONTRACT §2.4) -> raw.police_bra.

A file is ``Kommun;Antal;Per 100 000 inv.``; the year is not in the file but in
its name (``Anmälda brott per kommun 2024.csv``). Two layouts occur:

* 2022 and later: a header row, plain names ("Östhammar"), "Hela landet" last;
* older files: no header ("Ale kommun;2 968;9 415,0"), "X kommun" and genitive
  "Xs kommun" names, space thousands separators, "Hela landet" first.

The header is detected, not assumed: when the first row's second cell is a
number the file has none. Numbers may use space or no-break space as thousands
separator and a decimal comma (the shared readers handle both).

Only validation happens here. The name as written is stored as is; matching it
to an SCB code, the national row and "the newest file wins for a (kommun, year)"
are dbt's job (int_police_reported_by_kommun).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse import append_frame
from .common import BadFileError, Parsed, Rejection, raw_record_text, write_concatenated
from .readers import normalise_header, parse_decimal, parse_int, read_table
from .redact import redact

SOURCE_KIND = "police_bra"
FILE_PATTERNS = ("*.csv", "*.xlsx")

HEADER = ["Kommun", "Antal", "Per 100 000 inv."]

RAW_DDL = """
create table if not exists raw.police_bra (
    kommun           varchar not null,
    reported_crimes  bigint  not null,
    per_100k         double,
    year             integer not null,
    _source_file     varchar not null,
    _source_row      bigint  not null,
    _file_sha256     varchar not null,
    _loaded_at       timestamp not null,
    _kommun_code     varchar
);
alter table raw.police_bra add column if not exists _kommun_code varchar
"""
COLUMNS = ["kommun", "reported_crimes", "per_100k", "year"]

# A year on its own in the file name: four digits not glued to other digits.
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_from_name(path: Path) -> int:
    """The statistics year from the file name; BadFileError when there is none or several."""
    years = sorted({int(y) for y in _YEAR.findall(path.stem)})
    if not years:
        raise BadFileError(
            f"Filnamnet '{path.name}' innehåller inget årtal. BRÅ-filer måste ha statistikåret i "
            "namnet, t.ex. 'Anmälda brott per kommun 2024.csv'."
        )
    if len(years) > 1:
        raise BadFileError(
            f"Filnamnet '{path.name}' innehåller flera årtal ({', '.join(map(str, years))}); "
            "det går inte att avgöra vilket år siffrorna gäller. Döp om filen så att bara "
            "statistikåret står i namnet."
        )
    return years[0]


def _is_number(text: str | None) -> bool:
    try:
        return parse_int(text) is not None
    except ValueError:
        try:
            parse_decimal(text)
            return True
        except ValueError:
            return False


def _layout(rows: list[list[str | None]]) -> tuple[int, dict[str, int], int]:
    """(index of the first data row, column positions, width) of a file read without header."""
    if rows and len(rows[0]) >= 3 and _is_number(rows[0][1]) and (rows[0][2] is None or _is_number(rows[0][2])):
        return 0, {"kommun": 0, "antal": 1, "per_100k": 2}, 3
    wanted = [normalise_header(c) for c in HEADER]
    for i, row in enumerate(rows[:20]):
        cells = [normalise_header(c) for c in row]
        if all(w in cells for w in wanted):
            width = len(row)
            while width and row[width - 1] is None:
                width -= 1
            return i + 1, {
                "kommun": cells.index(wanted[0]),
                "antal": cells.index(wanted[1]),
                "per_100k": cells.index(wanted[2]),
            }, width
    raise BadFileError(
        "Filen liknar inte BRÅ:s statistik: första raden är varken rubrikraden "
        f"{';'.join(HEADER)} eller en datarad (kommun;antal;per 100 000 inv.)."
    )


def _semicolon_rows(table) -> list[list[str | None]]:
    """The rows split on ';' when the reader chose another separator although the
    cells hold semicolons. With a decimal comma in every row, ',' splits a
    header-less file into a perfectly regular two columns, and one ragged row is
    then enough for the shared reader to prefer ',' over ';'."""
    if table.delimiter in (";", None):
        return table.rows
    with_semicolon = sum(1 for row in table.rows if any(c and ";" in c for c in row))
    if with_semicolon * 2 <= len(table.rows):
        return table.rows
    out = []
    for row in table.rows:
        cells = [c.strip() or None for c in table.delimiter.join(c or "" for c in row).split(";")]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    return out


def parse(path: Path) -> Parsed:
    year = year_from_name(path)
    table = read_table(path, header=False)
    table.rows = _semicolon_rows(table)
    start, position, width = _layout(table.rows)

    kommun_at, antal_at, rate_at = position["kommun"], position["antal"], position["per_100k"]
    rows: dict[str, list] = {"kommun": [], "reported_crimes": [], "per_100k": [], "_source_row": []}
    rejections: list[Rejection] = []
    seen: dict[str, int] = {}
    for cells, line in zip(table.rows[start:], table.row_numbers[start:]):
        problem = None
        kommun = cells[kommun_at] if kommun_at < len(cells) else None
        antal_text = cells[antal_at] if antal_at < len(cells) else None
        rate_text = cells[rate_at] if rate_at < len(cells) else None
        antal = rate = None
        if any(c is not None for c in cells[width:]):
            problem = f"Raden har fler värden än filens {width} kolumner ({HEADER[0]}, {HEADER[1]}, {HEADER[2]})."
        elif not kommun:
            problem = "Kommun saknas."
        elif antal_text is None:
            problem = f"Antal saknas för {kommun}."
        else:
            try:
                antal = parse_int(antal_text)
            except ValueError:
                problem = f"Antal '{antal_text}' för {kommun} är inget heltal."
            else:
                if antal < 0:
                    problem = f"Antal '{antal_text}' för {kommun} är negativt."
        if problem is None and rate_text is not None:
            try:
                rate = parse_decimal(rate_text)
            except ValueError:
                problem = f"Per 100 000 inv. '{rate_text}' för {kommun} är inget tal."
            else:
                if rate < 0:
                    problem = f"Per 100 000 inv. '{rate_text}' för {kommun} är negativt."
        if problem is None:
            key = " ".join(kommun.casefold().split())
            if key in seen:
                problem = f"Kommun '{kommun}' finns redan på rad {seen[key]} i samma fil."
            else:
                seen[key] = line
        if problem:
            # reasons quote the bad value: redacted like the raw record
            record = raw_record_text(redact(";".join(c or "" for c in cells)))
            rejections.append(Rejection(line, redact(problem), record))
            continue
        rows["kommun"].append(redact(kommun))  # a name; redaction is a no-op for real ones
        rows["reported_crimes"].append(antal)
        rows["per_100k"].append(rate)
        rows["_source_row"].append(line)

    frame = pd.DataFrame(
        {
            "kommun": pd.Series(rows["kommun"], dtype="object"),
            "reported_crimes": pd.Series(rows["reported_crimes"], dtype="int64"),
            "per_100k": pd.Series(rows["per_100k"], dtype="float64"),
            "year": pd.Series([year] * len(rows["kommun"]), dtype="int32"),
            "_source_row": pd.Series(rows["_source_row"], dtype="int64"),
        }
    )
    return Parsed(frame, rejections)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Append the file's rows. Raw keeps every loaded version; which file wins a
    (kommun, year) is decided in dbt (newest loaded)."""
    con.execute(RAW_DDL)
    return append_frame(con, "raw.police_bra", rows)


# Every row given is appended: a batch of files goes in with one statement per run of alike files.
write_batch = write_concatenated(write)
