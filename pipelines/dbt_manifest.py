"""Keep dbt's manifest current: the dbt assets are defined from it at import time.

`dagster dev` prepares it itself (DbtProject.prepare_if_dev); `make run`, `make ui`
and the tests call `ensure_manifest()` first.
"""

import hashlib
import os
import pprint
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
PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's partial-parse state
_PARSE_FILES = (PARTIAL_PARSE, "manifest.json")


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


def _profile_hash(warehouse: str) -> str:
    """dbt's `state_check.profile_hash` of profiles.yml with `warehouse` as its path: the SHA-256 of
    `pprint.pformat(sorted(credentials.connection_info()))` (dbt-core's build_manifest_state_check)
    for dbt-duckdb's credentials as our profile sets them (the database is the file's stem)."""
    info = [("attach", None), ("config_options", None), ("database", Path(warehouse).stem),
            ("disable_transactions", False), ("extensions", None), ("external_root", "."), ("filesystems", None),
            ("path", warehouse), ("plugins", None), ("remote", None), ("schema", "main"), ("settings", {}),
            ("use_credential_provider", None)]
    return hashlib.sha256(pprint.pformat(info).encode()).hexdigest()


def carry_parse(run_folder: Path) -> bool:
    """Before a `dbt build` for another warehouse than the target folder's parse (a new path, same
    file name): that parse, its profile hash set to this warehouse's, goes into the build's own
    target folder, so dbt parses partially (≈ 3.4 s) instead of in full (≈ 7 s). Only the path
    differs, and nothing in the project reads `target.path` while parsing; the database (the
    file's stem) is in every node, so another stem parses in full. Only when our hash of the last
    parse's warehouse equals the stored one (a dbt or dbt-duckdb that hashes otherwise, or a
    parse and stamp caught mid-update by another process: dbt parses in full, as before).
    dagster-dbt copies the target folder's parse only into a run folder without one.
    Returns whether it did."""
    warehouse = _warehouse()
    try:
        last = PROFILE_STAMP.read_text()
        raw = (DBT_TARGET_DIR / PARTIAL_PARSE).read_bytes()
    except FileNotFoundError:
        return False
    if not warehouse or last == warehouse or Path(last).stem != Path(warehouse).stem:
        return False
    import msgpack  # dbt's own format for the partial-parse state (a dependency of dbt-core)

    state = msgpack.unpackb(raw, raw=False, strict_map_key=False)
    stored = state.get("state_check", {}).get("profile_hash") or {}
    if stored.get("checksum") != _profile_hash(last):
        return False
    stored["checksum"] = _profile_hash(warehouse)
    run_folder.mkdir(parents=True, exist_ok=True)
    part = run_folder / f".{PARTIAL_PARSE}.part"
    part.write_bytes(msgpack.packb(state))
    os.replace(part, run_folder / PARTIAL_PARSE)
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
