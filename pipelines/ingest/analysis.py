"""analysis/<period>.md -> raw.coordinator_analysis (DATA-CONTRACT §2.7).

The coordinator's own analysis of a tertial, Markdown as written. It is stored so that every
printed word traces to a file and analysts can query it, and it is free text: redacted before
it is stored (the one place, redact.py, in the folder's own redaction scope), or stored as null
with LAGESBILD_FREE_TEXT=off (DATA-CONTRACT §5). The files as they are now are the truth: the
table is replaced whole when any of them changes, and the same files again change nothing.
A file whose name is no tertial (`analys.md`, `2026-t2.md`) is a failed file in
audit.rejected_rows with a Swedish reason; the other files still load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ..layout import MunicipalityDir
from .common import _record_failed_file, file_sha256, relative_source_file
from ..settings import free_text_stored
from .redact import redact, redaction_scope

SOURCE_KIND = "analysis"
TABLE = "raw.coordinator_analysis"
DDL = f"""
create table if not exists {TABLE} (
    kommun_code varchar not null, period varchar not null, analysis_markdown varchar,
    _source_file varchar not null, _file_sha256 varchar not null, _loaded_at timestamp not null
)
"""
_PERIOD_FILE = re.compile(r"^(\d{4}-T[123])\.md$")
NOTES = ("readme", "läsmig", "lasmig")  # notes beside the texts are not texts


@dataclass(frozen=True)
class AnalysisFile:
    kommun_code: str
    path: Path
    period: str | None  # None: the name is no tertial


def find(entries: list[MunicipalityDir]) -> list[AnalysisFile]:
    """Every Markdown file in each municipality's analysis/ folder, by name."""
    found = []
    for entry in entries:
        folder = entry.analysis_dir
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix.lower() != ".md" or path.stem.lower().startswith(NOTES):
                continue
            match = _PERIOD_FILE.match(path.name)
            found.append(AnalysisFile(entry.code, path, match.group(1) if match else None))
    return found


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # saved from an old Windows editor


_PARAGRAPH_BREAK = re.compile(r"(\n[ \t]*\n)")


def redacted(text: str) -> str | None:
    """The text as stored: redacted paragraph by paragraph (a paragraph written all in lower
    case is judged as such, not by the casing of the whole text), or None with free text off."""
    if not free_text_stored():
        return None
    parts = _PARAGRAPH_BREAK.split(text)
    return "".join(part if i % 2 else redact(part) for i, part in enumerate(parts))


def write_analysis(con: duckdb.DuckDBPyConnection, data_dir: Path, entries: list[MunicipalityDir]) -> dict:
    """Replace raw.coordinator_analysis with the texts of every municipality's analysis/ folder."""
    con.execute("create schema if not exists raw")
    con.execute(DDL)
    files = find(entries)
    good = [f for f in files if f.period]
    now = datetime.now().replace(microsecond=0)
    for bad in (f for f in files if not f.period):
        _record_failed_file(con, relative_source_file(bad.path, data_dir), file_sha256(bad.path), SOURCE_KIND,
                            f"Filnamnet {bad.path.name!r} är inget tertial: koordinatorns analys ska heta som "
                            "tertialet den gäller, till exempel 2026-T2.md.", now, bad.kommun_code)
    shas = {(f.kommun_code, f.period): file_sha256(f.path) for f in good}
    loaded = set(con.execute(f"select kommun_code, period, _file_sha256 from {TABLE}").fetchall())
    if loaded == {(code, period, sha) for (code, period), sha in shas.items()}:
        return {"texts": len(good), "failed": len(files) - len(good), "changed": False}
    folders = {entry.code: entry for entry in entries}
    rows = []
    for f in good:
        with redaction_scope([folders[f.kommun_code].municipality_file]):
            text = redacted(_text(f.path))
        rows.append((f.kommun_code, f.period, text, relative_source_file(f.path, data_dir),
                     shas[(f.kommun_code, f.period)], now))
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {TABLE}")
        if rows:
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?)", rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"texts": len(rows), "failed": len(files) - len(good), "changed": True}
