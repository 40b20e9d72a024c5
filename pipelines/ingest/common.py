"""Loading one file into raw.*: the rules every source shares.

- A file whose bytes were loaded before (under any name) for the same municipality adds
  nothing. The municipality is the folder's (`kommun_code`, DATA-CONTRACT §6; null for a
  shared file at the root of a region): the same bytes under two municipalities' folders
  are two municipalities' rows. Every raw row carries it as `_kommun_code`.
- A file's valid rows, rejected rows and audit.loaded_files entry land together or not at
  all: in one transaction (several files share one, see FileLoader). A big file whose source
  reads it in chunks (Stream) is written chunk by chunk in a transaction of its own, so memory
  holds one chunk, not the file.
- A file that cannot be read is recorded in audit.rejected_rows (source_row
  null) with a Swedish reason, and the next file is loaded regardless.
- A source that rejects rows dated after the as-of date records each file's AsOfWindow in
  audit.loaded_files (as_of_from, as_of_until): the as-of dates on which the file parses the
  same. A file whose window no longer holds the as-of date is read again (`forget_outside_window`),
  so a row once in the future is loaded when its day comes; any other day reads nothing again.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from itertools import chain
from typing import Callable, Iterable, Iterator

import duckdb
import numpy as np
import pandas as pd

from ..atomic import is_disk_full
from ..warehouse import append_frame, table_exists
from .redact import current_scope, redact, redaction_scope


class BadFileError(Exception):
    """The whole file is unusable; `reason` is a Swedish sentence for the coordinator."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Rejection:
    source_row: int | None
    reason: str
    raw_record: str | None


@dataclass(frozen=True)
class AsOfWindow:
    """The as-of dates on which a file parses as it did: from `since` (the first as-of date that
    accepts every row it accepted; None: any) up to, not including, `until` (the first on which a
    row it rejected as future-dated is accepted; None: never). Each source gives, for every dated
    row, the first as-of date that accepts it (`accepted_from`)."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, accepted: Iterable[date], future: Iterable[date]) -> AsOfWindow:
        """`accepted`, `future`: the first accepting as-of date of each row kept and of each row
        rejected as future-dated."""
        return cls(max(accepted, default=None), min(future, default=None))

    def holds(self, as_of: date) -> bool:
        return (self.since is None or self.since <= as_of) and (self.until is None or as_of < self.until)


def day_after(moment: date) -> date:
    return moment + timedelta(days=1)


@dataclass
class Parsed:
    """What a parser made of one file: valid rows (a `_source_row` column included), rejections,
    and the as-of dates on which it would parse the same (sources with a future-date rule)."""

    rows: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    window: AsOfWindow = field(default_factory=AsOfWindow)


@dataclass(frozen=True)
class Stream:
    """How a source reads a file piece by piece, set as its parse function's `stream` attribute.

    `chunks(path)` yields Parsed chunks as it reads (at least one; it may raise BadFileError after
    some). A file of one chunk is loaded like any other. A longer one is staged chunk by chunk
    in a table shaped like `raw_table` (created by `ddl`), then `write(con, staged_table)` writes
    it to raw in the file's one transaction, as `parse`'s rows would have been written."""

    chunks: Callable[[Path], Iterator[Parsed]]
    ddl: str
    raw_table: str
    write: Callable[[duckdb.DuckDBPyConnection, str], int]


STAGING_SCHEMA = "_loading"  # a streamed file's chunks until its transaction; dropped after
STREAM_MEMORY_LIMIT = "256MB"  # DuckDB's share while a streamed file is written (it spills to disk beyond)


@dataclass
class FileOutcome:
    source_file: str
    file_sha256: str
    status: str  # loaded | unchanged | failed (pending: waiting in a FileLoader's batch)
    rows_loaded: int = 0
    rows_rejected: int = 0
    message: str = ""


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# Files people keep beside the data (notes, the question catalogue): neither data nor an error.
NOT_DATA = ("readme*", "läsmig*", "*.md", "*.txt", "questions.yaml")


def _candidates(folder: Path) -> list[Path]:
    """Files of a folder in name order; hidden and temporary (Excel's ~$) files skipped."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def _matches(path: Path, patterns: Iterable[str]) -> bool:
    # Case-insensitive: RAPPORT.CSV from a Windows machine is a CSV file.
    return any(fnmatch.fnmatch(path.name.lower(), pattern) for pattern in patterns)


def find_files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    """Input files of a folder that match the source's patterns, in name order."""
    return [p for p in _candidates(folder) if _matches(p, patterns)]


def source_files(folder: Path, patterns: Iterable[str]) -> tuple[list[Path], list[Path]]:
    """(find_files, the files its loader cannot read: an .xls, an .ods, a .pdf, reported as failed
    files, never silently skipped) of a folder, from one listing of it."""
    candidates = _candidates(folder)
    return ([p for p in candidates if _matches(p, patterns)],
            [p for p in candidates if not _matches(p, patterns) and not _matches(p, NOT_DATA)])


def unsupported_parser(patterns: Iterable[str]) -> Callable[[Path], Parsed]:
    """A parse function that fails a file of the wrong type with a reason naming the types read here."""
    expected = ", ".join(pattern.removeprefix("*") for pattern in patterns)

    def parse(path: Path) -> Parsed:
        suffix = "".join(path.suffixes[-1:]).lower() or "(ingen filändelse)"
        hint = " Spara den som .xlsx eller CSV." if suffix in (".xls", ".ods", ".numbers") else ""
        raise BadFileError(f"Filtypen {suffix} läses inte i den här mappen (bara {expected}).{hint}")

    return parse


def raw_record_text(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:2000]


Writer = Callable[[duckdb.DuckDBPyConnection, pd.DataFrame], int]
# Several files' prepared rows (each with its lineage) -> how many of each it kept.
BatchWriter = Callable[[duckdb.DuckDBPyConnection, list[pd.DataFrame]], list[int]]


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    data_dir: Path,
    source_kind: str,
    parse: Callable[[Path], Parsed],
    write: Writer,
    kommun_code: str | None = None,
) -> FileOutcome:
    """Load one file (see module docstring). `write` inserts the prepared rows and returns how many it kept."""
    loader = FileLoader(con, data_dir=data_dir, source_kind=source_kind, write=write)
    outcome = loader.add(path, parse, kommun_code)
    loader.flush()
    return outcome


@dataclass
class _Pending:
    """A parsed file waiting for its batch's transaction."""

    outcome: FileOutcome
    rows: pd.DataFrame  # with its lineage columns
    rejections: pd.DataFrame | None  # already redacted (in the folder's redaction scope)
    rejected: int
    now: datetime
    kommun_code: str | None
    scope: tuple[Path, ...] | None  # the redaction scope it was parsed in (for a reason written later)
    window: AsOfWindow


class FileLoader:
    """Loads files by the rules of the module docstring with few DuckDB statements, as a
    national run has thousands of small files: what is loaded is read once (not one query per
    file), and parsed files are written in batches, one transaction each (`write_batch` may
    insert a batch's rows in one statement). A batch that fails to write is rolled back and its
    files written one by one, so a bad file is still one failed file and the others load.

    `add` returns the file's FileOutcome; a file waiting in a batch is "pending" until `flush`
    (called when the batch is full, and by the caller at the end) completes it in place.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, *, data_dir: Path, source_kind: str, write: Writer,
                 write_batch: BatchWriter | None = None, max_files: int = 64, max_rows: int = 250_000):
        self.con, self.source_kind = con, source_kind
        self.root = data_dir.resolve()  # resolved once, not per file
        self.write = write
        self.write_batch = write_batch or (lambda con, frames: [write(con, frame) for frame in frames])
        self.max_files, self.max_rows = max_files, max_rows
        # Any source's files count (as the per-file lookup did): the same bytes are loaded once.
        self.loaded: dict[tuple[str, str | None], str] = {}
        for sha, code, source_file in con.execute(
            "select file_sha256, kommun_code, source_file from audit.loaded_files"
        ).fetchall():
            self.loaded.setdefault((sha, code), source_file)
        drop_leftover_staging(con)
        self.pending: list[_Pending] = []
        self.pending_keys: set[tuple[str, str | None]] = set()
        self.pending_rows = 0

    def add_all(self, files: list[tuple[Path, Callable[[Path], Parsed]]],
                kommun_code: str | None = None) -> list[FileOutcome]:
        """`add` for each (path, parse), with the CSV files to parse read ahead (readers.prefetch)."""
        from .readers import forget, prefetch

        shas = [file_sha256(path) for path, _ in files]
        ahead = [path for (path, _), sha in zip(files, shas) if (sha, kommun_code) not in self.loaded]
        prefetch(ahead)
        try:
            return [self.add(path, parse, kommun_code, sha) for (path, parse), sha in zip(files, shas)]
        finally:
            forget(ahead)

    def add(self, path: Path, parse: Callable[[Path], Parsed], kommun_code: str | None = None,
            sha: str | None = None) -> FileOutcome:
        source_file = relative_source_file(path, self.root, resolved=True)
        sha = sha or file_sha256(path)
        key = (sha, kommun_code)
        if key in self.pending_keys:  # the same bytes twice in a batch: the first is written first
            self.flush()
        if key in self.loaded:
            earlier = self.loaded[key]
            note = "" if earlier == source_file else f"samma innehåll som {earlier}"
            return FileOutcome(source_file, sha, "unchanged", message=note)

        now = datetime.now().replace(microsecond=0)
        stream: Stream | None = getattr(parse, "stream", None)
        try:
            if stream is None:
                parsed = parse(path)
            else:
                chunks = stream.chunks(path)
                parsed = next(chunks)
                second = next(chunks, None)
                if second is not None:  # more than one chunk: streamed, never held whole
                    return self._add_streamed(source_file, sha, now, kommun_code, stream,
                                              chain([parsed, second], chunks))
        except BadFileError as exc:
            return _record_failed_file(self.con, source_file, sha, self.source_kind, exc.reason, now, kommun_code)
        except Exception as exc:  # a reader bug must not stop the other files
            reason = f"Filen kunde inte läsas ({type(exc).__name__}: {exc})."
            return _record_failed_file(self.con, source_file, sha, self.source_kind, reason, now, kommun_code)

        rows = _with_lineage(parsed.rows, source_file, sha, now, kommun_code)
        outcome = FileOutcome(source_file, sha, "pending")
        rejections = _rejection_frame(source_file, sha, self.source_kind, parsed.rejections, now, kommun_code)
        self.pending.append(
            _Pending(outcome, rows, rejections, len(parsed.rejections), now, kommun_code, current_scope(),
                     parsed.window)
        )
        self.pending_keys.add(key)
        self.pending_rows += len(rows)
        if len(self.pending) >= self.max_files or self.pending_rows >= self.max_rows:
            self.flush()
        return outcome

    def _add_streamed(self, source_file: str, sha: str, now: datetime, kommun_code: str | None,
                      stream: Stream, chunks: Iterator[Parsed]) -> FileOutcome:
        """A file of many chunks, never held whole: each chunk is appended to staging tables
        (committed as it goes, so DuckDB holds no growing transaction), then one transaction moves
        the file's rows, its rejections and its loaded_files entry in, and drops the staging. A file
        unreadable part way (a JSON array broken off at the end) adds nothing and is a failed
        file like any other; a run killed part way leaves only staging, dropped by the next."""
        self.flush()
        con, staged, rejected = self.con, False, 0
        rows_table, rejections_table = _staging_tables(sha, kommun_code)
        limit = con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        con.execute(f"set memory_limit = '{STREAM_MEMORY_LIMIT}'")
        try:
            con.execute(stream.ddl)
            con.execute(f"create schema if not exists {STAGING_SCHEMA}")
            con.execute(f"create or replace table {rows_table} as select * from {stream.raw_table} limit 0")
            con.execute(f"create or replace table {rejections_table} as select * from audit.rejected_rows limit 0")
            for parsed in chunks:
                append_frame(con, rows_table, _with_lineage(parsed.rows, source_file, sha, now, kommun_code))
                frame = _rejection_frame(source_file, sha, self.source_kind, parsed.rejections, now, kommun_code)
                if frame is not None:
                    append_frame(con, rejections_table, frame)
                rejected += len(parsed.rejections)
                del parsed, frame  # one chunk at a time
            staged = True
            con.execute("begin transaction")
            kept = stream.write(con, rows_table)
            con.execute(f"insert into audit.rejected_rows by name select * from {rejections_table}")
            append_frame(con, "audit.loaded_files", pd.DataFrame({
                "source_file": [source_file], "file_sha256": [sha], "source_kind": self.source_kind,
                "rows_loaded": pd.array([kept], dtype="int64"), "rows_rejected": pd.array([rejected], dtype="int64"),
                "loaded_at": [now], "kommun_code": pd.Series([kommun_code], dtype="object"),
            }))
            con.execute(f"drop table {rows_table}")
            con.execute(f"drop table {rejections_table}")
            con.execute("commit")
        except Exception as exc:
            if staged:
                con.execute("rollback")
            _drop_staging(con, rows_table, rejections_table)
            if is_disk_full(exc):  # not the file's fault: the run fails and says so (pipelines.retries)
                raise
            reason = exc.reason if isinstance(exc, BadFileError) else (
                f"Filen kunde inte läsas eller sparas i lagret ({type(exc).__name__}: {exc}).")
            return _record_failed_file(con, source_file, sha, self.source_kind, reason, now, kommun_code)
        finally:
            con.execute(f"set memory_limit = '{limit}'")
        self.loaded[(sha, kommun_code)] = source_file
        return FileOutcome(source_file, sha, "loaded", kept, rejected)

    def flush(self) -> None:
        """Write the waiting files (see the class docstring)."""
        batch, self.pending, self.pending_keys, self.pending_rows = self.pending, [], set(), 0
        if batch:
            self._write(batch)

    def _write(self, batch: list[_Pending]) -> None:
        con = self.con
        con.execute("begin transaction")
        try:
            kept = self.write_batch(con, [p.rows for p in batch])
            rejections = [p.rejections for p in batch if p.rejections is not None]
            if rejections:
                append_frame(con, "audit.rejected_rows", pd.concat(rejections, ignore_index=True))
            append_frame(con, "audit.loaded_files", pd.DataFrame({
                "source_file": [p.outcome.source_file for p in batch],
                "file_sha256": [p.outcome.file_sha256 for p in batch],
                "source_kind": self.source_kind,
                "rows_loaded": pd.array(kept, dtype="int64"),
                "rows_rejected": pd.array([p.rejected for p in batch], dtype="int64"),
                "loaded_at": [p.now for p in batch],
                "kommun_code": pd.Series([p.kommun_code for p in batch], dtype="object"),
                "as_of_from": pd.Series([p.window.since for p in batch], dtype="object"),
                "as_of_until": pd.Series([p.window.until for p in batch], dtype="object"),
            }))
            con.execute("commit")
        except Exception as exc:
            con.execute("rollback")
            if len(batch) > 1:  # find the file that cannot be written; the others load
                for pending in batch:
                    self._write([pending])
                return
            p = batch[0]
            reason = f"Filen kunde inte sparas i lagret ({type(exc).__name__}: {exc})."
            with redaction_scope(p.scope):
                failed = _record_failed_file(con, p.outcome.source_file, p.outcome.file_sha256, self.source_kind,
                                             reason, p.now, p.kommun_code)
            p.outcome.status, p.outcome.message = failed.status, failed.message
            return
        for p, count in zip(batch, kept):
            p.outcome.status, p.outcome.rows_loaded, p.outcome.rows_rejected = "loaded", count, p.rejected
            self.loaded[(p.outcome.file_sha256, p.kommun_code)] = p.outcome.source_file


def outside_window(con: duckdb.DuckDBPyConnection, as_of: date) -> list[tuple[str, str, str, str | None]]:
    """(source_kind, source_file, file_sha256, kommun_code) of every loaded file whose AsOfWindow
    does not hold `as_of`: it would parse differently today."""
    return con.execute(
        "select source_kind, source_file, file_sha256, kommun_code from audit.loaded_files "
        "where not (coalesce(as_of_from <= ?, true) and coalesce(? < as_of_until, true)) order by all",
        [as_of, as_of]).fetchall()


def forget_outside_window(con: duckdb.DuckDBPyConnection, source_kind: str, raw_table: str, as_of: date) -> int:
    """Remove the rows, rejections and loaded_files entries of the source's files whose window does
    not hold `as_of`, in one transaction, so the loader reads them again; their number."""
    files = [(sha, code) for kind, _, sha, code in outside_window(con, as_of) if kind == source_kind]
    if not files:
        return 0
    ignored = table_exists(con, "audit", "ignored_columns")  # the surveys' headers not stored
    con.execute("begin transaction")
    try:
        for sha, code in files:
            con.execute(f"delete from {raw_table} where _file_sha256 = ? and _kommun_code is not distinct from ?",
                        [sha, code])
            for table in ("audit.rejected_rows", "audit.loaded_files"):
                con.execute(f"delete from {table} where source_kind = ? and file_sha256 = ? "
                            "and kommun_code is not distinct from ?", [source_kind, sha, code])
            if ignored:
                con.execute("delete from audit.ignored_columns where file_sha256 = ?", [sha])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(files)


def _staging_tables(sha: str, kommun_code: str | None) -> tuple[str, str]:
    # The file and its folder's municipality (a folder name may be anything: hashed, not quoted).
    key = hashlib.sha256(f"{sha}/{kommun_code}".encode()).hexdigest()[:24]
    return f"{STAGING_SCHEMA}.rows_{key}", f"{STAGING_SCHEMA}.rejected_{key}"


def _drop_staging(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    """After a failure: what cannot be dropped now (a full disk) is dropped by the next load."""
    try:
        for table in tables:
            con.execute(f"drop table if exists {table}")
    except duckdb.Error:
        pass


def drop_leftover_staging(con: duckdb.DuckDBPyConnection) -> None:
    """What a run killed while staging a streamed file left (one writer: nobody else is staging)."""
    for (table,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = ?", [STAGING_SCHEMA]
    ).fetchall():
        con.execute(f'drop table if exists {STAGING_SCHEMA}."{table}"')


def _with_lineage(rows: pd.DataFrame, source_file: str, sha: str, now: datetime,
                  kommun_code: str | None) -> pd.DataFrame:
    """The parser's own frame with the lineage columns every raw row carries (added in place).
    Built as arrays of the final dtype: a scalar set into a column goes through pandas' string
    inference per file (~1 ms a file, 5 s of a national run's 5 000 files)."""
    n = len(rows)
    rows["_source_file"] = pd.array(np.full(n, source_file, dtype=object), dtype="str")
    rows["_file_sha256"] = pd.array(np.full(n, sha, dtype=object), dtype="str")
    rows["_loaded_at"] = np.full(n, np.datetime64(now, "us"))
    rows["_kommun_code"] = pd.Series(np.full(n, kommun_code, dtype=object), index=rows.index, dtype="object")
    return rows


def write_concatenated(write: Writer) -> BatchWriter:
    """A BatchWriter for a source whose `write` appends every row it is given and returns
    their number: consecutive files with the same columns are written in one statement."""

    def write_batch(con: duckdb.DuckDBPyConnection, frames: list[pd.DataFrame]) -> list[int]:
        for group in alike_runs(frames):
            write(con, group[0] if len(group) == 1 else pd.concat(group, ignore_index=True))
        return [len(frame) for frame in frames]

    return write_batch


def alike_runs(frames: list[pd.DataFrame]) -> list[list[pd.DataFrame]]:
    """The frames in order, cut where the columns (names and types) change."""
    runs: list[list[pd.DataFrame]] = []
    last = None
    for frame in frames:
        signature = tuple(zip(frame.columns, map(str, frame.dtypes)))
        if runs and signature == last:
            runs[-1].append(frame)
        else:
            runs.append([frame])
        last = signature
    return runs


def single_kommun_code() -> str:
    """The code of the data dir's municipality, for a caller of a one-municipality helper
    that names none (a single-municipality data dir, as before DATA-CONTRACT §6)."""
    from .. import layout
    from ..settings import data_dir_from_env

    return layout.municipality_dirs(data_dir_from_env())[0].code


def relative_source_file(path: Path, data_dir: Path, *, resolved: bool = False) -> str:
    """`path` relative to the data dir, POSIX; `resolved`: data_dir is resolved already (a
    loader resolves it once, not per file)."""
    try:
        return path.resolve().relative_to(data_dir if resolved else data_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _rejection_frame(source_file, sha, source_kind, rejections: list[Rejection], now,
                     kommun_code) -> pd.DataFrame | None:
    """Rejected rows as stored. They are redacted like any free text (a reason quotes the bad
    value, the raw record may hold anything), here, in the loading folder's redaction scope."""
    if not rejections:
        return None
    return pd.DataFrame(
        {
            "source_file": source_file,
            "source_row": pd.array([r.source_row for r in rejections], dtype="Int64"),
            "reason": [redact(r.reason) for r in rejections],
            "raw_record": [redact(r.raw_record) for r in rejections],
            "source_kind": source_kind,
            "file_sha256": sha,
            "rejected_at": now,
            "kommun_code": pd.Series([kommun_code] * len(rejections), dtype="object"),
        }
    )


def _insert_rejections(con, source_file, sha, source_kind, rejections: list[Rejection], now, kommun_code) -> None:
    frame = _rejection_frame(source_file, sha, source_kind, rejections, now, kommun_code)
    if frame is not None:
        append_frame(con, "audit.rejected_rows", frame)


def _record_failed_file(con, source_file, sha, source_kind, reason, now, kommun_code) -> FileOutcome:
    """A failed file is retried on the next run, so its earlier rejection is replaced, not repeated."""
    con.execute("begin transaction")
    con.execute(
        "delete from audit.rejected_rows where file_sha256 = ? and source_row is null "
        "and kommun_code is not distinct from ?", [sha, kommun_code]
    )
    _insert_rejections(con, source_file, sha, source_kind, [Rejection(None, reason, None)], now, kommun_code)
    con.execute("commit")
    return FileOutcome(source_file, sha, "failed", 0, 0, reason)
