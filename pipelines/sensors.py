"""The inbox sensor: a new or changed file in the data directory starts one run.

Files are told apart by path and content hash (SHA-256): a file saved again with
the same bytes starts nothing, a changed file starts a run. The cursor, a JSON
object path -> sha256, is kept by Dagster (instance storage in DAGSTER_HOME), so
it survives a restart of the daemon.

The run (job update_lagesbild) loads every source, rebuilds the marts, publishes
the analyst copy and renders the lägesbild of every tertial (a late file can
change any of them; rendering all costs a few seconds, one dbt build serves all).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import dagster as dg

from .ingest import partners, police_bra, police_events, police_local, surveys
from .ingest.common import file_sha256, find_files, unsupported_files
from .jobs import update_lagesbild
from .partitions import tertial_partitions
from .settings import Settings

# The files each source folder's loader reads (settings.SOURCE_DIRS keys).
WATCHED = {
    "police_events": police_events.FILE_PATTERNS,
    "police_bra": police_bra.FILE_PATTERNS,
    "police_local": police_local.FILE_PATTERNS,
    "surveys": (*surveys.FILE_PATTERNS, "questions.yaml"),
    "partners": partners.FILE_PATTERNS,
}
# Configuration beside the folders: a changed area list or pledge changes the picture too.
CONFIG_FILES = ("municipality.yaml", "pledges.yaml", "actions.yaml")
# A file modified this recently may still be being copied in: look again on the next tick.
SETTLE_SECONDS = 2.0
MAX_TAG_LENGTH = 200


def watched_files(settings: Settings) -> list[Path]:
    files = [settings.data_dir / name for name in CONFIG_FILES if (settings.data_dir / name).is_file()]
    for source, patterns in WATCHED.items():
        folder = settings.source_dir(source)
        # a file of the wrong type too: the run it triggers reports it
        files += find_files(folder, patterns) + unsupported_files(folder, patterns)
    return files


def scan(settings: Settings, previous: dict[str, str], now: float | None = None) -> dict[str, str]:
    """path (relative to the data dir) -> sha256 of every watched file; a file still being
    written keeps its previous hash (or stays out) until it has settled."""
    now = time.time() if now is None else now
    state: dict[str, str] = {}
    for path in watched_files(settings):
        name = path.relative_to(settings.data_dir).as_posix()
        try:
            if now - path.stat().st_mtime < SETTLE_SECONDS:
                if name in previous:
                    state[name] = previous[name]
                continue
            state[name] = file_sha256(path)
        except FileNotFoundError:  # removed between listing and reading
            continue
    return state


def _changes(previous: dict[str, str], current: dict[str, str]) -> tuple[list[str], list[str]]:
    new = sorted(name for name in current if name not in previous)
    changed = sorted(name for name in current if name in previous and previous[name] != current[name])
    return new, changed


def _all_tertials_tags() -> dict[str, str]:
    keys = tertial_partitions.get_partition_keys()
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }


@dg.sensor(
    name="inbox",
    job=update_lagesbild,
    minimum_interval_seconds=15,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Watches the data directory (municipality.yaml, pledges.yaml, actions.yaml, surveys/, "
        "police/events|bra|local/, partners/). A new or changed file (path and SHA-256) starts one run of update_lagesbild for all "
        "tertials; an unchanged file starts nothing. Switch it on here; the first tick after switching on "
        "counts every file present as new and rebuilds everything once."
    ),
)
def inbox(context: dg.SensorEvaluationContext):
    settings = Settings.from_env()
    previous: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    current = scan(settings, previous)
    cursor = json.dumps(current, sort_keys=True, ensure_ascii=False)
    new, changed = _changes(previous, current)
    if not new and not changed:
        return dg.SensorResult(skip_reason=f"Inga nya eller ändrade filer i {settings.data_dir}.", cursor=cursor)
    files = ", ".join(new + changed)
    shown = ", ".join((new + changed)[:10]) + (" …" if len(new) + len(changed) > 10 else "")
    context.log.info(f"{len(new)} new, {len(changed)} changed: {shown}")
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                tags={
                    **_all_tertials_tags(),
                    "lagesbild/new_files": str(len(new)),
                    "lagesbild/changed_files": str(len(changed)),
                    "lagesbild/files": files[:MAX_TAG_LENGTH],
                },
            )
        ],
        cursor=cursor,
    )


sensors = [inbox]
