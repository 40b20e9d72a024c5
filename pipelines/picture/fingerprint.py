"""Skip re-rendering a tertial whose inputs have not changed since its files were written.

The marts are a function of the loaded files, the configuration, the code and the
as-of date (`LAGESBILD_AS_OF`: what is "future", which tertial is in progress), so the
fingerprint hashes those: it follows the inputs, not the calendar. A warm `make run` with
nothing new then re-renders nothing, also on a later day with the same as-of date; any new
file, changed config, changed code or another as-of date renders every tertial again,
since reports also show trends and earlier tertials.

The latest data-quality results are an input too (the report prints how many checks ran
and what failed; datakvalitet.html is written after every validation): hashed by content,
not by run id or time, so the report and datakvalitet.html never disagree and an
unchanged validation re-renders nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from ..settings import DBT_PROJECT_DIR, REPO_ROOT, Settings

FINGERPRINT_FILE = ".fingerprint"
_CODE = [REPO_ROOT / "pipelines" / "picture", REPO_ROOT / "data_quality", DBT_PROJECT_DIR / "models",
         DBT_PROJECT_DIR / "seeds", DBT_PROJECT_DIR / "macros", DBT_PROJECT_DIR / "dbt_project.yml",
         REPO_ROOT / "pipelines" / "periods.py"]
# What a validation found, without when or in which run (audit.quality_results).
_QUALITY = """
with last_run as (
    select table_name, arg_max(run_id, checked_at) as run_id from audit.quality_results group by table_name
)
select q.table_name, q.expectation, q.column_name, q.arguments, q.success, q.severity, q.blocking,
       cast(q.periods as varchar), q.row_count, q.message_sv
from audit.quality_results q join last_run using (table_name, run_id)
order by all
"""


def inputs_fingerprint(con: duckdb.DuckDBPyConnection, settings: Settings) -> str:
    digest = hashlib.sha256(f"as_of={settings.as_of.isoformat()}".encode())
    for (sha,) in con.execute("select distinct file_sha256 from audit.loaded_files order by 1").fetchall():
        digest.update(sha.encode())
    # Files that failed to load are listed in the report's data-quality section.
    for row in con.execute(
        "select distinct source_file, reason from audit.rejected_rows where source_row is null order by 1, 2"
    ).fetchall():
        digest.update(repr(row).encode())
    if _exists(con, "audit", "quality_results"):
        for row in con.execute(_QUALITY).fetchall():
            digest.update(repr(row).encode())
    for path in (settings.municipality_file, settings.pledges_file, settings.questions_file):
        digest.update(path.read_bytes() if path.exists() else b"-")
    for root in _CODE:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO_ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def _exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    )


def is_current(period_dir: Path, fingerprint: str, expected_files: list[str]) -> bool:
    stamp = period_dir / FINGERPRINT_FILE
    return (
        stamp.exists()
        and stamp.read_text() == fingerprint
        and all((period_dir / name).exists() for name in expected_files)
    )


def mark_current(period_dir: Path, fingerprint: str) -> None:
    (period_dir / FINGERPRINT_FILE).write_text(fingerprint)
