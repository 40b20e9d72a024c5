"""Keep dbt's manifest current: the dbt assets are defined from it at import time.

`dagster dev` prepares it itself (DbtProject.prepare_if_dev); `make run`, `make ui`
and the tests call `ensure_manifest()` first.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from .resources import dbt_executable
from .settings import DBT_PROJECT_DIR, DBT_TARGET_DIR

MANIFEST = DBT_TARGET_DIR / "manifest.json"
# dbt's partial parsing is keyed on the rendered profile, which holds the warehouse path: the
# warehouse the target folder's parse was made for.
PROFILE_STAMP = DBT_TARGET_DIR / ".warehouse_of_last_parse"
# dagster-dbt gives every `dbt build` a target folder of its own beside the manifest
# (<op>-<run id>-<random>: compiled SQL, manifest, run_results.json, dbt.log; ~11 MB on the
# sample) and never removes one: an inbox sensor starting runs all day would fill the disk.
# The newest few stay, to read what a recent run did (and for tests/benchmarks/national.py).
KEEP_RUN_FOLDERS = 5
RUN_FOLDER = re.compile(r"\w+-[0-9a-f]{7}-[0-9a-f]{7}")
_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")
_PARSE_FILES = ("partial_parse.msgpack", "manifest.json")


def _newest_source() -> float:
    newest = 0.0
    for name in _SOURCES:
        path = DBT_PROJECT_DIR / name
        paths = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.is_file())])
    return newest


def ensure_manifest() -> Path:
    """dbt parses again when the project changed. Another warehouse alone parses nothing here:
    its profile differs, so its first `dbt build` parses in full anyway, and `adopt_parse` keeps
    that parse for the builds after it (one dbt process less, ≈ 5 s, for every new warehouse)."""
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_source():
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(DBT_TARGET_DIR)],
            check=True,
            cwd=DBT_PROJECT_DIR,
        )
        PROFILE_STAMP.write_text(_warehouse())
    return MANIFEST


def _warehouse() -> str:
    return os.environ.get("LAGESBILD_WAREHOUSE", "")


def adopt_parse(run_folder: Path) -> bool:
    """After a `dbt build` for another warehouse than the last parse's: the build's parse (its
    partial-parse state and manifest, their times kept) becomes the target folder's, so the next
    build for this warehouse parses partially. Returns whether it did."""
    warehouse = _warehouse()
    if PROFILE_STAMP.exists() and PROFILE_STAMP.read_text() == warehouse:
        return False
    if not all((run_folder / name).is_file() for name in _PARSE_FILES):
        return False  # the build stopped before its parse was written
    for name in _PARSE_FILES:
        part = DBT_TARGET_DIR / f".{name}.part"
        shutil.copy2(run_folder / name, part)
        os.replace(part, DBT_TARGET_DIR / name)
    PROFILE_STAMP.write_text(warehouse)
    return True


def prune_run_folders(current: Path, keep: int = KEEP_RUN_FOLDERS) -> list[Path]:
    """Remove the per-run target folders beside `current` (the run's own, always kept) but the
    newest `keep` in all; returns what was removed."""
    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # removed meanwhile by another process's prune
            return 0.0

    others = sorted((p for p in current.parent.iterdir()
                     if p != current and p.is_dir() and RUN_FOLDER.fullmatch(p.name)), key=mtime, reverse=True)
    removed = others[max(keep - 1, 0):]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
