"""Skip re-rendering a tertial whose inputs have not changed since its files were written.

The marts are a function of the loaded files, the configuration and the code, so the
fingerprint hashes those (plus today's date: "future" and "framtagen" move with it).
A warm `make run` with nothing new then re-renders nothing; any new file, changed
config or changed code renders every tertial again, since reports also show trends
and earlier tertials.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb

from ..settings import DBT_PROJECT_DIR, REPO_ROOT, Settings

FINGERPRINT_FILE = ".fingerprint"
_CODE = [REPO_ROOT / "pipelines" / "picture", REPO_ROOT / "data_quality", DBT_PROJECT_DIR / "models",
         DBT_PROJECT_DIR / "seeds", DBT_PROJECT_DIR / "macros", DBT_PROJECT_DIR / "dbt_project.yml"]


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    digest = hashlib.sha256(date.today().isoformat().encode())
    for (sha,) in con.execute("select distinct file_sha256 from audit.loaded_files order by 1").fetchall():
        digest.update(sha.encode())
    # Files that failed to load are listed in the report's data-quality section.
    for row in con.execute(
        "select distinct source_file, reason from audit.rejected_rows where source_row is null order by 1, 2"
    ).fetchall():
        digest.update(repr(row).encode())
    for path in (settings.municipality_file, settings.pledges_file, settings.questions_file):
        digest.update(path.read_bytes() if path.exists() else b"-")
    for root in _CODE:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def is_current(period_dir: Path, fingerprint: str, expected_files: list[str]) -> bool:
    stamp = period_dir / FINGERPRINT_FILE
    return (
        stamp.exists()
        and stamp.read_text() == fingerprint
        and all((period_dir / name).exists() for name in expected_files)
    )


def mark_current(period_dir: Path, fingerprint: str) -> None:
    (period_dir / FINGERPRINT_FILE).write_text(fingerprint)
