"""What `make run` tells the coordinator after a run: which rows and files were rejected and
why, and where the quality report is. Read from audit.rejected_rows (DATA-CONTRACT §4.1)
and the output directory; no SQL needed on their side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .ingest.common import file_sha256

PER_FILE = 3  # rows listed per file; the rest are counted
_PERIOD_DIR = re.compile(r"^\d{4}-T[123]$")


@dataclass
class FileRejections:
    source_file: str
    whole_file: str | None = None  # the reason the whole file was rejected
    rows: list[tuple[int, str]] = field(default_factory=list)  # (source_row, reason)


def _current_sha(path: Path, cache: dict[Path, str | None]) -> str | None:
    if path not in cache:
        cache[path] = file_sha256(path) if path.is_file() else None
    return cache[path]


def current_rejections(con: duckdb.DuckDBPyConnection, data_dir: Path) -> tuple[list[FileRejections], int]:
    """Rejections of the files as they are in the data directory now, per file in path order,
    and how many rejected rows belong to versions no longer there (a file fixed or removed
    since: it says nothing about what is to be fixed now)."""
    rows = con.execute(
        "select source_file, source_row, reason, file_sha256 from audit.rejected_rows "
        "order by source_file, source_row nulls first"
    ).fetchall()
    by_file: dict[str, FileRejections] = {}
    shas: dict[Path, str | None] = {}
    stale = 0
    for source_file, source_row, reason, sha in rows:
        if sha is not None and _current_sha(data_dir / source_file, shas) != sha:
            stale += 1
            continue
        entry = by_file.setdefault(source_file, FileRejections(source_file))
        if source_row is None:
            entry.whole_file = reason
        else:
            entry.rows.append((source_row, reason))
    return list(by_file.values()), stale


def _rows(n: int) -> str:
    return f"{n} rad" if n == 1 else f"{n} rader"


def _files(n: int) -> str:
    return f"{n} fil" if n == 1 else f"{n} filer"


def rejection_lines(files: list[FileRejections], stale: int, per_file: int = PER_FILE) -> list[str]:
    """The console lines: a count, then each file with its first rows and their reasons."""
    row_count = sum(len(f.rows) for f in files)
    whole = sum(f.whole_file is not None for f in files)
    lines: list[str] = []
    if files:
        parts = [f"{_rows(row_count)} i {_files(sum(bool(f.rows) for f in files))}"] if row_count else []
        parts += [f"{_files(whole)} i sin helhet"] if whole else []
        lines.append(f"  avvisat:    {' och '.join(parts)} (alla står i datakvalitet.html och audit.rejected_rows):")
    for f in files:
        if f.whole_file is not None:
            lines.append(f"    {f.source_file}: hela filen avvisades: {f.whole_file}")
        if len(f.rows) == 1:
            lines.append(f"    {f.source_file} rad {f.rows[0][0]}: {f.rows[0][1]}")
        elif f.rows:
            lines.append(f"    {f.source_file} ({_rows(len(f.rows))}):")
            lines += [f"      rad {row}: {reason}" for row, reason in f.rows[:per_file]]
            if len(f.rows) > per_file:
                lines.append(f"      … och {len(f.rows) - per_file} till")
    if stale:
        lead = "  avvisat:    " if not files else "    "
        lines.append(f"{lead}{_rows(stale)} ur äldre versioner av filer (ändrade eller borttagna sedan dess) "
                     "visas inte; de finns i audit.rejected_rows")
    return lines


def quality_reports(output_dir: Path, periods: list[str] | None = None) -> list[Path]:
    """The datakvalitet.html files on disk, oldest tertial first (only `periods` when given)."""
    if not output_dir.is_dir():
        return []
    found = sorted(p for p in output_dir.glob("*/datakvalitet.html") if _PERIOD_DIR.match(p.parent.name))
    return [p for p in found if periods is None or p.parent.name in periods]
