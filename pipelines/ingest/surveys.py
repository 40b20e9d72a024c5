"""Survey exports (DATA-CONTRACT §2.3): wide CSV/xlsx files, one row per response,
-> raw.survey_responses, LONG: one row per (response, catalogue question).

The question catalogue (questions.yaml) decides what is read:

- Columns are matched to the catalogue by header after trimming and case-folding
  (inner whitespace collapsed). The id, submission-time and area columns named in
  questions.yaml are required (a file without them is a named bad file); the sector
  column is optional.
- Every other column (Namn, E-post, IP-adress, ...) is NOT stored anywhere: its header
  (never its cells) goes to audit.ignored_columns and to `SurveyParsed.ignored_columns`.
  Rejected rows keep only the catalogue's columns in audit.rejected_rows.raw_record.
- Free-text questions (`free_text: true`) are stored only after redact() and
  neutralise_formula() (names, numbers, addresses gone); with `LAGESBILD_FREE_TEXT=off`
  they are stored as null and left out of a rejected row's raw record. Area, sector and
  scaled answers are passed through redact() as well (cheap, memoised per distinct
  value): they are not free text by contract, but a survey tool may let respondents type
  into them.
- Answers are stored as given (a label, a digit, blank as null); what they mean (scale
  position, problem / no problem / ignore), the area, the period and the choice of the
  newest export for a response id are dbt's job (models/intermediate/int_survey_*.sql),
  from the catalogue written by `write_catalogue` to raw.config_survey_questions and
  raw.config_survey_scale_labels.

Which catalogue parses a file: `make_parser(questions)` returns a parser bound to an
already validated catalogue (the asset passes each municipality's own `surveys/questions.yaml`);
the module-level `parse(path)` reads ``questions.yaml`` in the file's own folder (cached
by the catalogue file's mtime and size), so the generic ingest asset can call it like
any other source's parse. A catalogue change does not re-read files already loaded
(file idempotency is by content hash): the meaning of answers (scales, categories) is
applied in dbt and follows the new catalogue at once, but a column newly added to the
catalogue is read only from files loaded after the change.

A row is rejected (Swedish reason naming column and value) when
- the response id is empty;
- the submission time is empty, not a valid date/time, in the future (after the day
  following the as-of date, `LAGESBILD_AS_OF`, default today: survey tools export local
  time, and a margin of a day keeps a time-zone difference from rejecting a fresh
  answer), or before the date floor (dbt var `earliest_date`, the year 2000);
- its response id already occurred on an earlier row of the same file (the first wins);
- it has more cells than the header has columns.
A blank answer is not a rejection (blanks are not counted, in dbt). An unknown area is
not a rejection (the unknown area, 'okant', in dbt).
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import pyarrow as pa

from .. import settings
from ..config import ConfigError, Questions, header_key, load_questions
from ..dbt_vars import earliest_date, earliest_text
from ..names import normalise_name
from ..warehouse import registered
from .common import AsOfWindow, BadFileError, Parsed, Rejection, alike_runs, raw_record_text, single_kommun_code
from .readers import read_table
from .redact import free_text, neutralise_formula, redact

SOURCE_KIND = "surveys"
FILE_PATTERNS = ("*.csv", "*.xlsx")
CATALOGUE_FILE = "questions.yaml"

RAW_DDL = """
create table if not exists raw.survey_responses (
    response_id   varchar   not null,  -- the id column as in the file
    submitted     varchar   not null,  -- the submission-time cell as in the file
    submitted_at  timestamp not null,  -- the same, parsed (local time as exported)
    area          varchar,             -- the area cell, trimmed
    sector        varchar,             -- the sector cell (null: no such column or empty)
    question_id   varchar   not null,  -- the catalogue's question id
    answer        varchar,             -- as given (label or digit); null when blank; free text redacted
    _source_file  varchar   not null,
    _source_row   bigint    not null,
    _file_sha256  varchar   not null,
    _loaded_at    timestamp not null,
    _kommun_code  varchar
);
alter table raw.survey_responses add column if not exists _kommun_code varchar;
create table if not exists raw.config_survey_questions (
    kommun_code   varchar not null,  -- whose catalogue (DATA-CONTRACT §6)
    question_id   varchar not null,
    header        varchar not null,
    header_key    varchar not null,
    category_text varchar,
    scale         varchar,
    free_text     boolean not null,
    sort_order    integer not null
);
create table if not exists raw.config_survey_scale_labels (
    kommun_code varchar not null,
    scale     varchar not null,
    label     varchar not null,
    label_key varchar not null,
    kind      varchar not null,  -- problem | no_problem | ignore
    position  integer            -- the answer digit: 1 = first problem label, then on through no_problem; null for ignore
);
alter table raw.config_survey_questions add column if not exists kommun_code varchar;
alter table raw.config_survey_scale_labels add column if not exists kommun_code varchar;
create table if not exists audit.ignored_columns (
    source_file   varchar   not null,
    column_header varchar   not null,
    reason        varchar   not null,
    file_sha256   varchar,
    recorded_at   timestamp
);
"""

CATALOGUE_DDL = """
create or replace table raw.config_survey_questions (
    kommun_code varchar not null, question_id varchar not null, header varchar not null, header_key varchar not null,
    category_text varchar, scale varchar, free_text boolean not null, sort_order integer not null
);
create or replace table raw.config_survey_scale_labels (
    kommun_code varchar not null, scale varchar not null, label varchar not null, label_key varchar not null,
    kind varchar not null, position integer
);
"""

IGNORED_REASON = "Kolumnen finns inte i frågekatalogen (questions.yaml) och sparas inte."
IGNORED_REASON_BLANK = "Kolumnen saknar rubrik och finns inte i frågekatalogen; den sparas inte."
FUTURE_MARGIN = dt.timedelta(days=1)  # a submission up to the end of the day after the as-of date is fine
_Q = "q:"  # prefix of the question columns in the wide frame handed to write()


@dataclass
class SurveyParsed(Parsed):
    """Parsed plus the file's headers that are not in the catalogue (reported, not stored)."""

    ignored_columns: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- catalogue


def write_catalogue(con: duckdb.DuckDBPyConnection, catalogues: "Questions | dict[str, Questions]",
                    kommun_code: str | None = None) -> dict[str, int]:
    """Replace raw.config_survey_questions and raw.config_survey_scale_labels (one transaction)
    with every municipality's catalogue: `catalogues` maps kommun_code -> Questions (or is one
    catalogue, of `kommun_code`: default the data dir's municipality)."""
    if isinstance(catalogues, Questions):
        catalogues = {kommun_code or single_kommun_code(): catalogues}
    question_rows, label_rows = [], []
    for code, questions in catalogues.items():
        question_rows += [
            (code, q.id, q.header, header_key(q.header), q.category, q.scale, q.free_text, order)
            for order, q in enumerate(questions.questions, start=1)
        ]
        for name, scale in questions.scales.items():
            for position, label in enumerate(scale.counted_labels(), start=1):
                kind = "problem" if position <= len(scale.problem) else "no_problem"
                label_rows.append((code, name, label, normalise_name(label), kind, position))
            label_rows += [(code, name, label, normalise_name(label), "ignore", None) for label in scale.ignore]
    con.execute("begin transaction")
    try:
        con.execute(CATALOGUE_DDL)
        # as Arrow tables: executemany costs ~0.4 ms a row (a national run's catalogues, seconds)
        _insert_rows(con, "raw.config_survey_questions", question_rows, QUESTION_TYPES)
        _insert_rows(con, "raw.config_survey_scale_labels", label_rows, LABEL_TYPES)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"questions": len(question_rows), "scales": sum(len(q.scales) for q in catalogues.values()),
            "scale_labels": len(label_rows)}


QUESTION_TYPES = [pa.string()] * 6 + [pa.bool_(), pa.int32()]
LABEL_TYPES = [pa.string()] * 5 + [pa.int32()]


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple], types: list[pa.DataType]) -> None:
    if rows:
        columns = [pa.array(column, type=type_) for column, type_ in zip(zip(*rows), types)]
        with registered(con, "_catalogue_rows", pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(types))])):
            con.execute(f"insert into {table} select * from _catalogue_rows")


# --------------------------------------------------------------------------- parsing


def make_parser(questions: Questions, *, as_of: dt.date | None = None) -> Callable[[Path], SurveyParsed]:
    """A parse(path) bound to a validated catalogue; `as_of` decides what 'future' is
    (default: the as-of date of the settings, read when a file is parsed)."""

    def parse_with_catalogue(path: Path) -> SurveyParsed:
        return _parse(Path(path), questions, as_of or settings.as_of())

    return parse_with_catalogue


def parse(path: Path) -> SurveyParsed:
    """Parse with the questions.yaml in the file's own folder (see the module docstring)."""
    path = Path(path)
    catalogue = path.parent / CATALOGUE_FILE
    try:
        stat = catalogue.stat()
    except OSError as exc:
        raise BadFileError(f"Frågekatalogen {CATALOGUE_FILE} saknas i mappen {path.parent.name}/.") from exc
    try:
        questions = _cached_catalogue(str(catalogue), stat.st_mtime_ns, stat.st_size)
    except ConfigError as exc:
        raise BadFileError(f"Frågekatalogen {CATALOGUE_FILE} är felaktig: {'; '.join(exc.lines)}") from exc
    return _parse(path, questions, settings.as_of())


@lru_cache(maxsize=8)
def _cached_catalogue(path: str, mtime_ns: int, size: int) -> Questions:
    return load_questions(Path(path))


_TS_ISO = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC)?"
)
_TS_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:,? (\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?")
_TS_SERIAL = re.compile(r"(\d{5})(?:[.,](\d+))?")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def parse_timestamp(text: str) -> dt.datetime:
    """A submission time: ISO ``YYYY-MM-DD[ T]HH:MM[:SS]`` (a trailing UTC offset is
    ignored: the time is kept as exported), a date alone (midnight, as xlsx gives it),
    ``DD/MM/YYYY HH:MM[:SS]`` (also with dots), or an Excel serial number with a
    fraction of a day. ValueError otherwise (also for 2023-09-31 or 25:00)."""
    s = text.strip()
    if len(s) == 19 and s[4] == "-" and s[10] in " T":  # the common case, at C speed
        try:
            return dt.datetime.fromisoformat(s)
        except ValueError:
            pass
    if m := _TS_ISO.fullmatch(s):
        y, mo, d, h, mi, se = m.groups()
    elif m := _TS_DMY.fullmatch(s):
        d, mo, y, h, mi, se = m.groups()
    elif m := _TS_SERIAL.fullmatch(s):
        fraction = float("0." + m.group(2)) if m.group(2) else 0.0
        value = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)) + fraction)
        return (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    else:
        raise ValueError(s)
    return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(se or 0))


def _parse(path: Path, questions: Questions, as_of: dt.date) -> SurveyParsed:
    gc_was_enabled = gc.isenabled()
    gc.disable()  # 100k row lists and timestamps make the cyclic GC run constantly (as in readers)
    try:
        return _parse_table(path, questions, as_of)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse_table(path: Path, questions: Questions, as_of: dt.date) -> SurveyParsed:
    id_col, sub_col, area_col = questions.id_column, questions.submitted_column, questions.area_column
    table = read_table(path, expected_columns=[id_col, sub_col, area_col])

    # Roles are keyed with '@', which a question id ([a-z0-9_]+) cannot contain.
    roles = {header_key(id_col): "@id", header_key(sub_col): "@submitted", header_key(area_col): "@area"}
    if questions.sector_column:
        roles[header_key(questions.sector_column)] = "@sector"
    by_header = questions.by_header()
    position: dict[str, int] = {}  # role or question id -> column index
    ignored: list[str] = []
    for i, column in enumerate(table.columns):
        key = header_key(column)
        name = roles.get(key) or (by_header[key].id if key in by_header else None)
        if name is None:
            ignored.append(column)
            continue
        if name in position:
            raise BadFileError(
                f"Kolumnen '{column}' finns två gånger (kolumn {position[name] + 1} och {i + 1}); "
                "det går inte att avgöra vilken som gäller."
            )
        position[name] = i
    question_cols = [(position[q.id], q) for q in questions.questions if q.id in position]
    if not question_cols:
        raise BadFileError(
            f"Filen har ingen kolumn vars rubrik finns i frågekatalogen ({CATALOGUE_FILE}); "
            "kontrollera att det är en enkätexport och att rubrikerna stämmer."
        )

    i_id, i_sub, i_area = position["@id"], position["@submitted"], position["@area"]
    i_sector = position.get("@sector")
    known = [(i_id, table.columns[i_id]), (i_sub, table.columns[i_sub]), (i_area, table.columns[i_area])]
    if i_sector is not None:
        known.append((i_sector, table.columns[i_sector]))
    known += [(i, table.columns[i]) for i, _ in question_cols]
    free = {i for i, q in question_cols if q.free_text}
    free_text_on = settings.free_text_stored()

    def record(row: list[str | None]) -> str:
        """The rejected row as JSON, catalogue columns only, free text redacted."""
        cells = {
            header: (_clean_free(row[i]) if i in free else redact(row[i])) if i < len(row) else None
            for i, header in known
            if i not in free or free_text_on
        }
        return raw_record_text(cells)

    width = len(table.columns)
    latest = dt.datetime.combine(as_of + FUTURE_MARGIN, dt.time.max)
    earliest = dt.datetime.combine(earliest_date(), dt.time.min)
    kept: list[list[str | None]] = []
    kept_at: list[dt.datetime] = []
    future: list[dt.date] = []
    source_rows: list[int] = []
    first_row: dict[str, int] = {}
    rejections: list[Rejection] = []
    reject = rejections.append
    for row, number in zip(table.rows, table.row_numbers):
        if len(row) > width:
            extra = len([c for c in row[width:] if c is not None])
            reject(Rejection(number, (
                f"Raden har {extra} ifylld(a) cell(er) till höger om sista kolumnen ({width} kolumner i "
                "rubrikraden); kolumnerna har troligen förskjutits."), record(row)))
            continue
        response_id = row[i_id]
        if response_id is None:
            reject(Rejection(number, f"{id_col} saknas: svaret kan inte identifieras.", record(row)))
            continue
        text = row[i_sub]
        if text is None:
            reject(Rejection(number, f"{sub_col} (när svaret skickades in) saknas.", record(row)))
            continue
        try:
            when = parse_timestamp(text)
        except ValueError:
            reject(Rejection(number, (
                f"{sub_col} '{text}' är ingen giltig tidpunkt (väntade ÅÅÅÅ-MM-DD TT:MM:SS)."), record(row)))
            continue
        if when > latest:
            future.append(when.date())
            reject(Rejection(number, f"{sub_col} '{text}' ligger i framtiden.", record(row)))
            continue
        if when < earliest:
            reject(Rejection(number, f"{sub_col} '{text}' är före {earliest_text()} och kan inte stämma.", record(row)))
            continue
        if response_id in first_row:
            reject(Rejection(number, (
                f"{id_col} '{response_id}' förekommer redan på rad {first_row[response_id]} i samma fil; "
                "den första raden används."), record(row)))
            continue
        first_row[response_id] = number
        kept.append(row)
        kept_at.append(when)
        source_rows.append(number)

    # Rows are padded to the header's width by the reader, so a transpose gives the columns.
    cells = list(zip(*kept)) if kept else [()] * width
    columns: dict[str, object] = {
        "response_id": _text_array(cells[i_id]),
        "submitted": _text_array(cells[i_sub]),
        "submitted_at": pd.array(kept_at, dtype="datetime64[us]"),
        "area": _text_array(_map_distinct(cells[i_area], redact)),
        "sector": _text_array(_map_distinct(cells[i_sector], redact) if i_sector is not None else [None] * len(kept)),
    }
    for i, question in question_cols:
        values = cells[i]
        cleaned = [_clean_free(v) for v in values] if question.free_text else _map_distinct(values, redact)
        columns[_Q + question.id] = _text_array(cleaned)
    columns["_source_row"] = pd.array(source_rows, dtype="int64")
    frame = pd.DataFrame(columns)
    frame.attrs["ignored_columns"] = list(ignored)
    # An answer is accepted from the day before its own on (FUTURE_MARGIN): its window.
    window = AsOfWindow.of((t.date() - FUTURE_MARGIN for t in kept_at), (d - FUTURE_MARGIN for d in future))
    return SurveyParsed(frame, rejections, window, ignored_columns=ignored)


def _clean_free(text: str | None) -> str | None:
    return neutralise_formula(free_text(text)) if text else text


def _map_distinct(values, func):
    """func over a column with few distinct values: computed once per distinct value,
    and the column returned untouched when func changes none of them."""
    changed = {v: out for v in set(values) if v is not None and (out := func(v)) != v}
    if not changed:
        return values
    return [changed.get(v, v) if v is not None else None for v in values]


def _text_array(values):
    return pd.array(pa.array(values, type=pa.string()), dtype="string[pyarrow]")


# --------------------------------------------------------------------------- writing


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Unpivot the file's responses into raw.survey_responses (blank answers kept as null)
    and record its ignored columns; returns the number of responses (file rows) kept.

    Every file's rows are kept as loaded, also when an earlier export held the same
    response id: which export counts is decided in dbt (int_survey_responses)."""
    return write_batch(con, [rows])[0]


def write_batch(con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame]) -> list[int]:
    """`write` for several files: their ignored columns in one statement, and the responses of
    consecutive files with the same columns unpivoted in one."""
    con.execute(RAW_DDL)
    frames_kept = [rows for rows in frames if len(rows)]  # an empty file's ignored columns are only in its parse result
    ignored = []
    for rows in frames_kept:
        source_file, sha, loaded_at = rows[["_source_file", "_file_sha256", "_loaded_at"]].iloc[0]
        ignored += [
            (source_file, header or "", IGNORED_REASON if header else IGNORED_REASON_BLANK, sha, loaded_at)
            for header in rows.attrs.get("ignored_columns", [])
        ]
    if ignored:
        con.executemany("insert into audit.ignored_columns values (?, ?, ?, ?, ?)", ignored)
    for group in alike_runs(frames_kept):
        _unpivot(con, group[0] if len(group) == 1 else pd.concat(group, ignore_index=True))
    return [len(rows) for rows in frames]


def _unpivot(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    con.register("_survey_wide", rows)
    try:
        con.execute(
            f"""
            insert into raw.survey_responses by name
            select
                response_id, submitted, submitted_at, area, sector,
                substr(question_column, {len(_Q) + 1}) as question_id,
                answer,
                _source_file, _source_row, _file_sha256, _loaded_at, _kommun_code
            from _survey_wide
            unpivot include nulls (answer for question_column in (columns('^{_Q}')))
            """
        )
    finally:
        con.unregister("_survey_wide")


def ignored_columns(con: duckdb.DuckDBPyConnection, source_files: list[str] | None = None) -> list[tuple[str, str]]:
    """(source_file, column_header) of the columns not stored, for the asset's metadata."""
    con.execute(RAW_DDL)
    sql = "select distinct source_file, column_header from audit.ignored_columns"
    if source_files is not None:
        if not source_files:
            return []
        sql += " where source_file in (select unnest(?))"
        return sorted(con.execute(sql, [list(source_files)]).fetchall())
    return sorted(con.execute(sql).fetchall())


CATALOGUE_STATE_DDL = """
create schema if not exists audit;
create table if not exists audit.survey_catalogues (
    kommun_code varchar primary key,
    sha256      varchar not null     -- the questions.yaml the municipality's loaded exports were read with
);
"""


def forget_if_catalogue_changed(con: duckdb.DuckDBPyConnection, catalogues: dict[str, str]) -> list[str]:
    """`catalogues`: kommun_code -> SHA-256 of its questions.yaml. A municipality whose catalogue
    changed since its exports were read (or was never recorded) has its survey rows and their
    audit entries removed, so its exports are read again with the new catalogue (new questions
    stored, removed ones no longer). Returns those codes."""
    con.execute(CATALOGUE_STATE_DDL)
    con.execute(RAW_DDL)
    stored = dict(con.execute("select kommun_code, sha256 from audit.survey_catalogues").fetchall())
    changed = sorted(code for code, sha in catalogues.items() if stored.get(code) != sha)
    if not changed:
        return []
    con.execute("begin transaction")
    try:
        con.execute("delete from audit.ignored_columns where source_file in (select source_file from "
                    "audit.loaded_files where source_kind = ? and list_contains(?, kommun_code))", [SOURCE_KIND, changed])
        for table in ("audit.loaded_files", "audit.rejected_rows"):
            con.execute(f"delete from {table} where source_kind = ? and list_contains(?, kommun_code)",
                        [SOURCE_KIND, changed])
        con.execute("delete from raw.survey_responses where list_contains(?, _kommun_code)", [changed])
        con.executemany("insert or replace into audit.survey_catalogues values (?, ?)",
                        [(code, catalogues[code]) for code in changed])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return changed
