"""Loading one file into raw.*: the rules every source shares.

- A file whose bytes were loaded before (under any name) for the same municipality adds
  nothing. The municipality is the folder's (`kommun_code`, DATA-CONTRACT §6; null for a
  shared file at the root of a region): the same bytes under two municipalities' folders
  are two municipalities' rows. Every raw row carries it as `_kommun_code`.
- Each file loads in one transaction: valid rows, rejected rows and the
  audit.loaded_files entry land together or not at all.
- A file that cannot be read is recorded in audit.rejected_rows (source_row
  null) with a Swedish reason, and the next file is loaded regardless.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import duckdb
import pandas as pd

from ..warehouse import append_frame
from .redact import redact


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


@dataclass
class Parsed:
    """What a parser made of one file: valid rows (a `_source_row` column included) and rejections."""

    rows: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)


@dataclass
class FileOutcome:
    source_file: str
    file_sha256: str
    status: str  # loaded | unchanged | failed
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


def unsupported_files(folder: Path, patterns: Iterable[str]) -> list[Path]:
    """Files of a source folder that its loader cannot read (an .xls, an .ods, a .pdf): reported
    as failed files, never silently skipped."""
    return [p for p in _candidates(folder) if not _matches(p, patterns) and not _matches(p, NOT_DATA)]


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
    source_file = relative_source_file(path, data_dir)
    sha = file_sha256(path)
    # DuckDB 2.0: fetchone() leaves the result open and blocks the connection; fetchall() completes it.
    earlier = con.execute(
        "select source_file from audit.loaded_files where file_sha256 = ? and kommun_code is not distinct from ? "
        "limit 1", [sha, kommun_code]
    ).fetchall()
    if earlier:
        note = "" if earlier[0][0] == source_file else f"samma innehåll som {earlier[0][0]}"
        return FileOutcome(source_file, sha, "unchanged", message=note)

    now = datetime.now().replace(microsecond=0)
    try:
        parsed = parse(path)
    except BadFileError as exc:
        return _record_failed_file(con, source_file, sha, source_kind, exc.reason, now, kommun_code)
    except Exception as exc:  # a reader bug must not stop the other files
        reason = f"Filen kunde inte läsas ({type(exc).__name__}: {exc})."
        return _record_failed_file(con, source_file, sha, source_kind, reason, now, kommun_code)

    rows = parsed.rows  # the parser's own frame: lineage columns are added in place
    rows["_source_file"] = source_file
    rows["_file_sha256"] = sha
    rows["_loaded_at"] = now
    rows["_kommun_code"] = pd.Series([kommun_code] * len(rows), index=rows.index, dtype="object")
    con.execute("begin transaction")
    try:
        kept = write(con, rows)
        _insert_rejections(con, source_file, sha, source_kind, parsed.rejections, now, kommun_code)
        con.execute(
            "insert into audit.loaded_files (source_file, file_sha256, source_kind, rows_loaded, rows_rejected, "
            "loaded_at, kommun_code) values (?, ?, ?, ?, ?, ?, ?)",
            [source_file, sha, source_kind, kept, len(parsed.rejections), now, kommun_code],
        )
        con.execute("commit")
    except Exception as exc:
        con.execute("rollback")
        reason = f"Filen kunde inte sparas i lagret ({type(exc).__name__}: {exc})."
        return _record_failed_file(con, source_file, sha, source_kind, reason, now, kommun_code)
    return FileOutcome(source_file, sha, "loaded", kept, len(parsed.rejections))


def single_kommun_code() -> str:
    """The code of the data dir's municipality, for a caller of a one-municipality helper
    that names none (a single-municipality data dir, as before DATA-CONTRACT §6)."""
    from .. import layout
    from ..settings import data_dir_from_env

    return layout.municipality_dirs(data_dir_from_env())[0].code


def relative_source_file(path: Path, data_dir: Path) -> str:
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def _insert_rejections(con, source_file, sha, source_kind, rejections: list[Rejection], now, kommun_code) -> None:
    """Rejected rows are stored too, so they are redacted like any free text: a reason
    quotes the bad value, and the raw record may hold anything."""
    if not rejections:
        return
    frame = pd.DataFrame(
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
