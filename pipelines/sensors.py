"""The inbox sensor: a new or changed file in the data directory starts one run.

Files are told apart by path and content hash (SHA-256): a file saved again with
the same bytes starts nothing, a changed file starts a run. The cursor, a JSON
object path -> sha256, is kept by Dagster (instance storage in DAGSTER_HOME), so
it survives a restart of the daemon.

Every municipality folder is watched, and in a region the shared folders at its root
(DATA-CONTRACT §6). A file belongs to the municipality whose folder holds it
(layout.owner_of); a shared root file belongs to all of them. The run (job
update_lagesbild) loads every source, rebuilds the marts, publishes the analyst copy
and renders the lägesbild of every tertial of the municipalities the new files touch
(a late file can change any tertial; one dbt build serves all). Of those, only the
municipalities whose inputs changed get new published figures (picture/rebuild.py), and
only the tertials whose figures changed are rendered again, the newest first.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import dagster as dg

from . import changes, layout
from .ingest import kolada_kpis, kolada_values, partners, police_bra, police_events, police_local, scb_population, surveys
from .ingest.common import find_files, source_files
from .jobs import LAGESBILD_KEY, update_lagesbild
from .partitions import contiguous_blocks, range_tags, tertial_partitions
from .settings import POLICE_API_SUBDIR, SOURCE_DIRS, Settings

# The files each source folder's loader reads (settings.SOURCE_DIRS keys).
WATCHED = {
    "police_events": police_events.FILE_PATTERNS,
    "police_bra": police_bra.FILE_PATTERNS,
    "police_local": police_local.FILE_PATTERNS,
    "surveys": (*surveys.FILE_PATTERNS, "questions.yaml"),
    "partners": partners.FILE_PATTERNS,
    "scb": scb_population.FILE_PATTERNS,
    "kolada": kolada_values.FILE_PATTERNS,
    "kolada_kpis": kolada_kpis.FILE_PATTERNS,
}
# Configuration beside the folders: a changed area list or pledge changes the picture too.
CONFIG_FILES = ("municipality.yaml", "pledges.yaml", "actions.yaml")
# A file modified this recently may still be being copied in: look again on the next tick.
SETTLE_SECONDS = 2.0
MAX_TAG_LENGTH = 200
# The sensor's process keeps each file's hash while its size and mtime stay: an idle tick reads no bytes.
_HASHER = changes.Hasher()


# Subfolders a connector writes into (DATA-CONTRACT §7): police/events/api/.
SUBFOLDERS = (POLICE_API_SUBDIR,)


def _source_files(folder: Path, patterns) -> list[Path]:
    # a file of the wrong type too: the run it triggers reports it
    files = [p for listed in source_files(folder, patterns) for p in listed]
    if patterns is police_events.FILE_PATTERNS:
        files += [p for sub in SUBFOLDERS for p in find_files(folder / sub, patterns)]
    return files


def watched_files(settings: Settings) -> list[Path]:
    files: list[Path] = []
    for entry in settings.municipalities:
        files += [entry.path / name for name in CONFIG_FILES if (entry.path / name).is_file()]
        if entry.analysis_dir.is_dir():  # the coordinator's own analysis texts
            files += sorted(p for p in entry.analysis_dir.glob("*.md") if p.is_file())
        for source, patterns in WATCHED.items():
            files += _source_files(entry.source_dir(SOURCE_DIRS[source]), patterns)
    for source in layout.SHARED_SOURCES:  # a region's shared folders at its root
        folder = layout.shared_source_dir(settings.data_dir, SOURCE_DIRS[source])
        if folder is not None:
            files += _source_files(folder, WATCHED[source])
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
            sha = _HASHER.entry(path, settings.data_dir)[3]
            if sha:  # not removed between listing and reading
                state[name] = sha
        except FileNotFoundError:  # removed between listing and reading
            continue
    return state


def _changes(previous: dict[str, str], current: dict[str, str]) -> tuple[list[str], list[str]]:
    new = sorted(name for name in current if name not in previous)
    changed = sorted(name for name in current if name in previous and previous[name] != current[name])
    return new, changed


def touched_municipalities(files: list[str], dirs: list[layout.MunicipalityDir]) -> set[str]:
    """The codes whose pictures the files can change: the owner of each file's folder, every
    municipality for a shared file at the root of a region."""
    touched: set[str] = set()
    for name in files:
        owner = layout.owner_of(name, dirs)
        touched |= {entry.code for entry in dirs} if owner is None else {owner}
    return touched


def build_inbox_sensor(codes: list[str]) -> dg.SensorDefinition:
    """The inbox sensor; `codes` are the lägesbild's municipality partitions (definitions load)."""

    @dg.sensor(
        name="inbox",
        job=update_lagesbild,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description=(
            "Watches every municipality's folder (municipality.yaml, pledges.yaml, actions.yaml, analysis/, surveys/, "
            "police/events|bra|local/, partners/) and, in a data dir of several municipalities, the shared "
            "police/ folders at its root. A new or changed file (path and SHA-256) starts one run of "
            "update_lagesbild that loads what changed, rebuilds only the dbt models, checks and figures "
            "downstream of it (pipelines/changes.py) and renders every tertial of the municipalities it "
            "belongs to (a shared file: all) whose figures changed; an unchanged file, or one a run already "
            "loaded, starts nothing."
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
        # Only what the files change, and what depends on it (pipelines/changes.py); nothing
        # when a run (make run, the schedule) already took them in.
        try:
            plan = changes.plan(settings)
        except changes.WarehouseBusy:
            return dg.SensorResult(skip_reason="Lagret skrivs av en annan körning: de nya filerna tas vid nästa kontroll.",
                                   cursor=context.cursor)
        if not plan.stale:
            return dg.SensorResult(skip_reason=f"Filerna är redan inlästa ({', '.join((new + changed)[:3])}"
                                               f"{' …' if len(new) + len(changed) > 3 else ''}): inget att göra.",
                                   cursor=cursor)
        files = ", ".join(new + changed)
        shown = ", ".join((new + changed)[:10]) + (" …" if len(new) + len(changed) > 10 else "")
        context.log.info(f"{len(new)} new, {len(changed)} changed: {shown}")
        touched = touched_municipalities(new + changed, settings.municipalities)
        unknown = sorted(touched - set(codes))
        if unknown:  # a folder added after the definitions loaded: its pictures wait for a reload
            context.log.warning(
                f"kommun {', '.join(unknown)} saknas bland lägesbildens partitioner: ladda om kodplatsen "
                "(Reload definitions) för att få dess lägesbild")
        # One run (one ingest, one dbt build): over the touched municipalities when they are one
        # stretch of the partition order (one folder or all of them: the usual case), else over the
        # smallest stretch that holds them all, whose untouched pictures the fingerprints keep as they are.
        blocks = contiguous_blocks(codes, touched) or [codes]
        keys = tertial_partitions.get_partition_keys()
        rectangle = codes[codes.index(blocks[0][0]):codes.index(blocks[-1][-1]) + 1]
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    asset_selection=[*plan.asset_keys, LAGESBILD_KEY],
                    tags={
                        **range_tags(rectangle, keys[0], keys[-1]),
                        "lagesbild/kommuner": ",".join(sorted(touched & set(codes)) or codes),
                        "lagesbild/new_files": str(len(new)),
                        "lagesbild/changed_files": str(len(changed)),
                        "lagesbild/files": files[:MAX_TAG_LENGTH],
                        "lagesbild/steps": str(len(plan.stale)),
                    },
                )
            ],
            cursor=cursor,
        )

    return inbox


def build_sensors(codes: list[str]) -> list[dg.SensorDefinition]:
    from .alerts import alert_on_failure  # every failed run is reported (pipelines/alerts.py)

    return [build_inbox_sensor(codes), alert_on_failure]
