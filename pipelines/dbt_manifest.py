"""Keep dbt's manifest current: the dbt assets are defined from it at import time.

`dagster dev` prepares it itself (DbtProject.prepare_if_dev); `make run`, `make ui`
and the tests call `ensure_manifest()` first.
"""

import os
import subprocess
from pathlib import Path

from .resources import dbt_executable
from .settings import DBT_PROJECT_DIR, DBT_TARGET_DIR

MANIFEST = DBT_TARGET_DIR / "manifest.json"
# dbt's partial parsing is keyed on the rendered profile, which holds the warehouse
# path: parse again for another warehouse, so every `dbt build` can parse partially.
PROFILE_STAMP = DBT_TARGET_DIR / ".warehouse_of_last_parse"
_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "seeds", "macros", "tests")


def _newest_source() -> float:
    newest = 0.0
    for name in _SOURCES:
        path = DBT_PROJECT_DIR / name
        paths = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.is_file())])
    return newest


def ensure_manifest() -> Path:
    warehouse = os.environ.get("LAGESBILD_WAREHOUSE", "")
    stamp = PROFILE_STAMP.read_text() if PROFILE_STAMP.exists() else None
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_source() or stamp != warehouse:
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(DBT_TARGET_DIR)],
            check=True,
            cwd=DBT_PROJECT_DIR,
        )
        PROFILE_STAMP.write_text(warehouse)
    return MANIFEST
