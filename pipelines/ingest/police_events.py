"""Swedish Police events (DATA-CONTRACT §2.4): API payloads as JSON arrays, or
JSON lines, optionally gzipped -> raw.police_events, one row per distinct version
of an event.

The police edit events after publication, and payloads arrive in any order, so
raw keeps every version (id, datetime and content) and dbt picks the one with the
newest `datetime` (intermediate.int_police_event_versions). Only the shape is
checked here (can the record be read at all?); the meaning of the fields (event
time from `name`, municipality, area, category) is derived in dbt.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

import duckdb
import ijson
import pandas as pd

from .. import settings
from .common import BadFileError, Parsed, Rejection, Stream, raw_record_text
from .redact import redactor

SOURCE_KIND = "police_events"
FILE_PATTERNS = ("*.json", "*.jsonl", "*.jsonl.gz", "*.json.gz")

RAW_DDL = """
create table if not exists raw.police_events (
    id            bigint  not null,
    datetime      varchar not null,
    name          varchar not null,
    summary       varchar,
    url           varchar,
    type          varchar not null,
    location_name varchar,
    location_gps  varchar,
    _source_file  varchar not null,
    _source_row   bigint  not null,
    _file_sha256  varchar not null,
    _loaded_at    timestamp not null,
    _kommun_code  varchar
);
alter table raw.police_events add column if not exists _kommun_code varchar
"""
COLUMNS = ["id", "datetime", "name", "summary", "url", "type", "location_name", "location_gps"]

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2} [+-]\d{2}:\d{2}$")
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_NAME = re.compile(rf"^\s*\d{{1,2}} ({_MONTHS}) \d{{1,2}}[.:]\d{{2}}\s*,.*,", re.IGNORECASE)


CHUNK_ROWS = 25_000  # records per chunk: what one chunk holds in memory, whatever the file's size
_READ = 1 << 20  # bytes per read from the (decompressed) file


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes as a stream (decompressed on the fly), its UTF-8 BOM skipped; a broken
    gzip stream, wherever it breaks, is the file's reason."""
    try:
        with (gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")) as stream:
            if stream.read(3) != codecs.BOM_UTF8:
                stream.seek(0)
            yield stream
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise BadFileError(f"Filen är inte en giltig gzip-fil ({exc}).") from exc


def _first_byte(stream: BinaryIO) -> bytes:
    """The first byte that is not whitespace ('' for an empty file); the stream is rewound."""
    while block := stream.read(_READ):
        if stripped := block.lstrip():
            stream.seek(0)
            if stream.read(3) != codecs.BOM_UTF8:
                stream.seek(0)
            return stripped[:1]
    return b""


def _records(stream: BinaryIO) -> Iterator[tuple[int, object | Rejection]]:
    """(position, record) pairs, read as the file is read; a JSON array counts positions from 1,
    JSON lines count lines. A JSON array that breaks off (or is not JSON) fails the whole file,
    also after records were read: the caller's transaction drops what came before."""
    first = _first_byte(stream)
    if not first:
        raise BadFileError("Filen är tom.")
    if first == b"[":
        position = 0
        try:
            # ijson's C backend: one record at a time; floats as float (not Decimal), as json.loads.
            for position, record in enumerate(ijson.items(stream, "item", use_float=True, buf_size=_READ), start=1):
                yield position, record
        except ijson.JSONError as exc:
            raise BadFileError(f"Filen är inte giltig JSON (efter post {position}: {exc}).") from exc
        return
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadFileError("Filen är inte UTF-8-kodad JSON.") from exc
        try:
            yield number, json.loads(text)
        except json.JSONDecodeError:
            yield number, Rejection(number, "Raden är inte giltig JSON.", raw_record_text(text.rstrip("\r\n")))


def _check(record: object) -> str | None:
    """Why a record cannot be used, in Swedish; None when it can."""
    if not isinstance(record, dict):
        return "Raden är inte en händelse (inget JSON-objekt)."
    event_id = record.get("id")
    if isinstance(event_id, bool) or not isinstance(event_id, int):
        if not (isinstance(event_id, str) and event_id.strip().isdigit()):
            return "Händelsen saknar id, eller id är inte ett heltal."
    if not isinstance(record.get("datetime"), str) or not _DATETIME.match(record["datetime"].strip()):
        return f"Händelsens tidpunkt (datetime) går inte att läsa: {record.get('datetime')!r}."
    if not isinstance(record.get("name"), str) or not _NAME.match(record["name"]):
        return f"Händelsens rubrik (name) saknar datum och klockslag: {record.get('name')!r}."
    if not isinstance(record.get("type"), str) or not record["type"].strip():
        return "Händelsetyp (type) saknas."
    return None


def parse_chunks(path: Path, chunk_rows: int | None = None) -> Iterator[Parsed]:
    """The file's rows and rejections, `chunk_rows` records at a time, read as they are yielded
    (at least one chunk, maybe empty). A file that turns out unreadable raises BadFileError,
    also after earlier chunks were yielded."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    free_text = redactor().free_text
    rows: list[dict] = []
    rejections: list[Rejection] = []
    with _opened(path) as stream:
        for position, record in _records(stream):
            if isinstance(record, Rejection):
                rejections.append(record)
            elif problem := _check(record):
                if not settings.free_text_stored() and isinstance(record, dict):
                    record = {k: v for k, v in record.items() if k != "summary"}
                rejections.append(Rejection(position, problem, raw_record_text(record)))
            else:
                rows.append(_row(record, position, free_text))
            if len(rows) + len(rejections) >= chunk_rows:
                yield _parsed(rows, rejections)
                rows, rejections = [], []
    yield _parsed(rows, rejections)


def parse(path: Path) -> Parsed:
    """The whole file at once (its chunks joined): for small files and tests. The loader streams
    a file of more than one chunk instead (`parse.stream`, common.Stream)."""
    chunks = list(parse_chunks(path))
    frames = [c.rows for c in chunks if len(c.rows)] or [chunks[0].rows]
    return Parsed(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0],
                  [r for c in chunks for r in c.rejections])


def _row(record: dict, position: int, free_text) -> dict:
    location = record.get("location") if isinstance(record.get("location"), dict) else {}
    return {
        "id": int(record["id"]),
        "datetime": record["datetime"].strip(),
        "name": record["name"].strip(),
        # Public text, but free text all the same: redacted like every other
        # (null when LAGESBILD_FREE_TEXT=off).
        "summary": free_text(_text(record.get("summary"))),
        "url": _text(record.get("url")),
        "type": record["type"].strip(),
        "location_name": _text(location.get("name")),
        "location_gps": _text(location.get("gps")),
        "_source_row": position,
    }


def _parsed(rows: list[dict], rejections: list[Rejection]) -> Parsed:
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_source_row"])
    return Parsed(frame.astype({"id": "int64", "_source_row": "int64"}), rejections)


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# What makes a version: every field. The same id, datetime and content from another payload
# is the same version (the API repeats an event in every payload for about ten days).
VERSION_COLUMNS = COLUMNS


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Insert the file's event versions that raw does not hold yet; returns how many.

    Nothing is deleted: which version counts is decided in dbt (newest `datetime`), so
    the order in which files are loaded cannot matter, and loading a version again
    (same file, or another payload repeating it) adds nothing.
    """
    con.register("_events", rows)
    try:
        return write_staged(con, "_events")
    finally:
        con.unregister("_events")


def write_staged(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """`write` for a file's rows in a table (or a registered frame) `table`: a file read in
    chunks is staged whole first (common.Stream) and written here in one statement."""
    con.execute(RAW_DDL)
    same_version = " and ".join(f"raw_events.{c} is not distinct from new_events.{c}" for c in VERSION_COLUMNS)
    try:
        # A version repeated within the file is stored once, from its last row.
        con.execute(
            f"""
            create or replace temp table _events_new as
            select * from {table}
            qualify row_number() over (
                partition by {", ".join(VERSION_COLUMNS)} order by _source_row desc
            ) = 1
            """
        )
        # DuckDB's insert returns the number of rows it added.
        return con.execute(
            f"""
            insert into raw.police_events by name
            select * from _events_new as new_events
            where not exists (
                select 1 from raw.police_events as raw_events
                where raw_events.id = new_events.id and {same_version}
                  -- the same version from two municipalities' folders is each one's row
                  and raw_events._kommun_code is not distinct from new_events._kommun_code
            )
            """
        ).fetchall()[0][0]
    finally:
        con.execute("drop table if exists _events_new")


# A file of more than one chunk is staged chunk by chunk and written at once (common.Stream).
parse.stream = Stream(parse_chunks, RAW_DDL, "raw.police_events", write_staged)
