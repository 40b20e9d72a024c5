"""Cost follows change: which warehouse assets a run must materialise (issue 15).

One mechanism for every asset of the warehouse (ingest, dbt models, the published figures,
the analyst copy): a Merkle-style fingerprint,

    fingerprint(asset) = sha256(own inputs, fingerprints of its parents in the asset graph)

- own inputs of an ingest asset: its files (path + SHA-256), the configuration files it
  reads (municipality.yaml for redaction and areas, questions.yaml, pledges.yaml, …), the
  loader code (pipelines/ingest/, config.py, …) and the settings that change what it stores
  (LAGESBILD_FREE_TEXT);
- of a dbt model: its SQL's checksum (dagster-dbt's code_version) and the project's shared files
  (dbt_project.yml with its vars, macros, the YAML with the tests); a model reading an audit
  table (dbt source `audit`) has the loaders that write it (every ingest asset) as parents;
- of the published figures: the code that builds them and the edition settings; they read
  every mart and the audit tables, so every ingest asset and dbt model is their parent;
- of the analyst copy: publish.py; it copies the whole warehouse, so everything is its parent;
- of every asset, the as-of date's *effect* on it, not the date (pipelines/as_of_effect.py): the
  files that would parse differently on it, the tertial in progress, the latest action-plan date
  it has passed. A new day that crosses no boundary of the data leaves everything current; an
  (explicit or calendar) date that crosses one makes what it changes stale.

Each asset records its fingerprint when it succeeds (`record`, in audit.asset_fingerprints of
the warehouse: a deleted warehouse rebuilds everything), computed from its own inputs as read
at its start (the as-of effect as it is after it ran: a file it read again is current) and its
parents' *recorded* fingerprints, so a parent that changed after the child ran (or whose child
failed) leaves the child stale. `plan` recomputes them from the inputs as they are (read-only
warehouse, no dbt, no GX) and returns the assets whose fingerprint differs: nothing, or what a
change touches and everything downstream of it.

File hashes are cached by (path, size, mtime_ns) in the recorded inputs, so a run with nothing
new reads no file's bytes. The lägesbild itself keeps its per-tertial fingerprint of the
printed figures (picture/fingerprint.py), see `stale_reports`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import duckdb

from .settings import FREE_TEXT_VAR, REPO_ROOT, Settings
from .warehouse import connect, table_exists

TABLE = "audit.asset_fingerprints"
DDL = f"""
create schema if not exists audit;
create table if not exists {TABLE} (
    asset_key   varchar primary key,  -- e.g. raw/partner_reports
    fingerprint varchar not null,     -- sha256 of own inputs and the parents' fingerprints
    inputs      varchar,              -- JSON [[file, size, mtime_ns, sha256], …]: the hash cache
    recorded_at timestamp not null
);
"""

FIGURES = "marts/fct_published_figures"
COPY = "publish/analytics_copy"
# The code each kind of asset runs (a change re-runs it and everything downstream).
INGEST_CODE = ("pipelines/ingest", "pipelines/config.py", "pipelines/config_messages.py", "pipelines/layout.py",
               "pipelines/warehouse.py", "dbt_project/dbt_project.yml", "dbt_project/seeds")
DBT_SHARED = ("dbt_project/dbt_project.yml", "dbt_project/profiles.yml", "dbt_project/macros", "dbt_project/tests",
              "dbt_project/models/**/*.yml", "dbt_project/packages.yml")
FIGURES_CODE = ("pipelines/picture/figures.py", "pipelines/picture/marts.py", "pipelines/picture/rebuild.py",
                "pipelines/picture/inputs.py", "pipelines/picture/published.py", "pipelines/picture/suppression.py",
                "pipelines/picture/region_figures.py", "pipelines/picture/sources.py", "pipelines/periods.py")
COPY_CODE = ("pipelines/publish.py",)

# Ingest assets that read a source folder: asset key -> the folder's key (settings.SOURCE_DIRS).
SOURCE_FOLDERS = {
    "raw/police_events": "police_events", "raw/police_bra": "police_bra", "raw/police_local": "police_local",
    "raw/partner_reports": "partners", "raw/scb_population": "scb", "raw/kolada_values": "kolada",
    "raw/kolada_kpis": "kolada_kpis", "raw/survey_responses": "surveys",
}
SURVEY_KEYS = ("raw/survey_responses", "raw/config_survey_questions", "raw/config_survey_scale_labels")


def key_of(asset_key) -> str:
    """'raw/partner_reports' of an AssetKey, a ['raw', 'partner_reports'] or the string itself."""
    if isinstance(asset_key, str):
        return asset_key
    return "/".join(asset_key.path if hasattr(asset_key, "path") else asset_key)


# ---------------------------------------------------------------------------- the graph


@dataclass(frozen=True)
class Graph:
    """The warehouse assets in topological order, each with its parents and kind."""

    order: tuple[str, ...]
    parents: dict[str, tuple[str, ...]]
    kind: dict[str, str]  # ingest | dbt | figures | copy
    code_version: dict[str, str]


@lru_cache(maxsize=1)
def graph() -> Graph:
    """From the asset definitions themselves (the same specs Dagster's asset graph is made of)."""
    from .ingest.assets import assets as ingest_assets
    from .ingest.assets import audit_tables
    from .picture.assets import fct_published_figures
    from .publish import analytics_copy
    from .transform import dbt_models

    kind, parents, versions = {}, {}, {}
    for definition in ingest_assets:
        for spec in definition.specs:
            kind[key_of(spec.key)], parents[key_of(spec.key)] = "ingest", ()
    # an audit table (a dbt source no asset materialises) stands for the loaders that write it
    writers = {key_of(spec.key): tuple(key_of(d.asset_key) for d in spec.deps) for spec in audit_tables}
    for spec in dbt_models.specs:
        key = key_of(spec.key)
        kind[key], versions[key] = "dbt", spec.code_version or ""
        deps = (key_of(d.asset_key) for d in spec.deps)
        parents[key] = tuple(sorted({w for dep in deps for w in writers.get(dep, (dep,))}))
    warehouse = sorted(kind)
    kind[key_of(fct_published_figures.key)], parents[FIGURES] = "figures", tuple(warehouse)
    kind[key_of(analytics_copy.key)], parents[COPY] = "copy", (*warehouse, FIGURES)
    parents = {k: tuple(p for p in ps if p in kind) for k, ps in parents.items()}  # dbt's own sources only
    order: list[str] = []
    seen: set[str] = set()

    def visit(key: str) -> None:
        if key in seen:
            return
        seen.add(key)
        for parent in parents[key]:
            visit(parent)
        order.append(key)

    for key in sorted(kind):
        visit(key)
    return Graph(tuple(order), parents, kind, versions)


@lru_cache(maxsize=1)
def _ingest_keys() -> frozenset[str]:
    from .ingest.assets import assets as ingest_assets

    return frozenset(key_of(spec.key) for definition in ingest_assets for spec in definition.specs)


def _graph_for(keys: Iterable[str]) -> Graph:
    """The graph, or for ingest assets only (no parents) without importing the dbt assets: an
    ingest step needs no dbt manifest (unit tests load sources alone)."""
    keys = sorted(set(keys))
    if all(k in _ingest_keys() for k in keys):
        return Graph(tuple(keys), {k: () for k in keys}, {k: "ingest" for k in keys}, {})
    return graph()


# ---------------------------------------------------------------------------- own inputs


def _code_files(patterns: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        path = REPO_ROOT / pattern
        if "*" in pattern:
            files += sorted(REPO_ROOT.glob(pattern))
        elif path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            files.append(path)
    return files


def _code_digest(patterns: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for path in _code_files(patterns):
        digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _ingest_files(settings: Settings, keys: Iterable[str] | None = None) -> dict[str, list[Path]]:
    """The files each ingest asset of `keys` (None: every one) reads (config files for validation
    and redaction included). Only the folders of `keys` are listed: each ingest asset takes its
    snapshot at its start, and 12 listings of every source of 290 municipalities cost seconds."""
    from .ingest.assets import CONFIG_TABLES, source_folders
    from .ingest.common import source_files
    from .sensors import WATCHED

    wanted = set(SOURCE_FOLDERS) if keys is None else set(keys)
    if wanted & set(SURVEY_KEYS):  # one step: the catalogues and the exports read with them
        wanted.add("raw/survey_responses")
    entries = settings.municipalities
    config = [e.municipality_file for e in entries]
    pledges = [*config, *(e.pledges_file for e in entries)]
    files = {f"raw/{table}": config for table in CONFIG_TABLES}
    files["raw/config_pledges"] = pledges
    files["raw/actions"] = files["raw/action_updates"] = [*pledges, *(e.actions_file for e in entries)]
    if keys is None or "raw/coordinator_analysis" in wanted:
        files["raw/coordinator_analysis"] = [*config, *(p for e in entries if e.analysis_dir.is_dir()
                                                        for p in sorted(e.analysis_dir.glob("*.md")))]
    for key, folder_key in SOURCE_FOLDERS.items():
        if key in wanted:
            patterns = WATCHED[folder_key]
            found = [p for f in source_folders(settings, folder_key, entries)
                     for listed in source_files(f.path, patterns) for p in listed]
            files[key] = [*config, *found]
    if "raw/survey_responses" in files:
        for key in SURVEY_KEYS:
            files[key] = [*files["raw/survey_responses"], *(e.questions_file for e in entries)]
    return files


def _settings_text(settings: Settings) -> str:
    import os

    # Not the data dir's path: its files are named relative to it, so a copied data dir is the same.
    # Not the as-of date: its effect is an input of its own (as_of_effect.py).
    return json.dumps({"free_text": os.environ.get(FREE_TEXT_VAR, "")})


class Hasher:
    """SHA-256 of files, reusing a recorded hash while size and mtime_ns are the same."""

    def __init__(self, cache: dict[tuple[str, int, int], str] | None = None):
        self.cache = cache or {}

    def entry(self, path: Path, root: Path) -> list:
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return [name, -1, 0, ""]
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in self.cache:
            from .ingest.common import file_sha256

            self.cache[key] = file_sha256(path)
        return [name, stat.st_size, stat.st_mtime_ns, self.cache[key]]


@dataclass
class Own:
    """Each asset's own inputs but the as-of date's effect (`text`), and the file entries behind
    them (the hash cache); `fingerprint` adds the effect."""

    text: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, list] = field(default_factory=dict)

    def fingerprint(self, effects: dict[str, str]) -> dict[str, str]:
        return {key: hashlib.sha256(json.dumps([text, effects[key]]).encode()).hexdigest()
                for key, text in self.text.items()}


def own_inputs(settings: Settings, keys: Iterable[str], hasher: Hasher | None = None) -> Own:
    """The own inputs of `keys` as they are now, but for the as-of date's effect (`effects`)."""
    hasher = hasher or Hasher()
    keys = list(keys)
    g = _graph_for(keys)
    common = _settings_text(settings)
    own = Own()
    kinds = {g.kind[k] for k in keys}
    files = _ingest_files(settings, keys) if "ingest" in kinds else {}
    code = {
        "ingest": _code_digest(INGEST_CODE) if "ingest" in kinds else "",
        "dbt": _code_digest(DBT_SHARED) if "dbt" in kinds else "",
        "figures": _code_digest(FIGURES_CODE) + json.dumps([settings.internal, settings.is_region]),
        "copy": _code_digest(COPY_CODE),
    }
    for key in keys:
        kind = g.kind[key]
        entries = [hasher.entry(p, settings.data_dir) for p in files.get(key, [])]
        own.text[key] = json.dumps([kind, code[kind], g.code_version.get(key, ""), common,
                                    [[name, sha] for name, _, _, sha in entries]])
        if entries:
            own.inputs[key] = entries
    return own


def effects(settings: Settings, con: duckdb.DuckDBPyConnection | None, keys: Iterable[str]) -> dict[str, str]:
    """The as-of date's effect on each asset of `keys` (as_of_effect.py), from the warehouse `con`."""
    from .as_of_effect import effects as as_of_effects

    keys = list(keys)
    return as_of_effects(settings.as_of, con, keys, _graph_for(keys).kind)


def _merkle(own: str, parents: Iterable[str]) -> str:
    return hashlib.sha256(json.dumps([own, *parents]).encode()).hexdigest()


# ---------------------------------------------------------------------------- recorded


@dataclass
class Recorded:
    fingerprint: dict[str, str]
    cache: dict[tuple[str, int, int], str]


def recorded(con: duckdb.DuckDBPyConnection, settings: Settings) -> Recorded:
    if not table_exists(con, "audit", "asset_fingerprints"):
        return Recorded({}, {})
    fingerprints, cache = {}, {}
    for key, fingerprint, inputs in con.execute(f"select asset_key, fingerprint, inputs from {TABLE}").fetchall():
        fingerprints[key] = fingerprint
        for name, size, mtime, sha in json.loads(inputs or "[]"):
            path = Path(name) if Path(name).is_absolute() else settings.data_dir / name
            cache[(str(path), size, mtime)] = sha
    return Recorded(fingerprints, cache)


class Snapshot:
    """An asset's own inputs as it starts reading them; `record` stores its fingerprint when it
    succeeded (only the keys it materialised)."""

    def __init__(self, settings: Settings, keys: Iterable, con: duckdb.DuckDBPyConnection | None = None):
        self.settings = settings
        self.keys = [key_of(k) for k in keys]
        cache = recorded(con, settings).cache if con is not None else {}
        self.own = own_inputs(settings, self.keys, Hasher(cache))

    def record(self, con: duckdb.DuckDBPyConnection, keys: Iterable | None = None) -> None:
        keys = set(self.keys if keys is None else (key_of(k) for k in keys))
        g = _graph_for(keys)
        con.execute(DDL)
        own = self.own.fingerprint(effects(self.settings, con, self.keys))  # the effect after the run
        known = recorded(con, self.settings).fingerprint
        now = datetime.now().replace(microsecond=0)
        rows = []
        for key in g.order:  # parents first: a model built in this run is its child's parent
            if key not in keys:
                continue
            known[key] = _merkle(own[key], [known.get(p, "") for p in g.parents[key]])
            rows.append((key, known[key], json.dumps(self.own.inputs.get(key, [])), now))
        con.executemany(f"insert or replace into {TABLE} values (?, ?, ?, ?)", rows)


def snapshot(warehouse, keys: Iterable) -> Snapshot:
    """A Snapshot at an asset's start, with the warehouse's hash cache (`warehouse`: the resource)."""
    with warehouse.connect() as con:
        con.execute(DDL)
        return Snapshot(warehouse.settings, keys, con)


def record(warehouse, snap: Snapshot, keys: Iterable | None = None) -> None:
    with warehouse.connect() as con:
        snap.record(con, keys)


# ---------------------------------------------------------------------------- the plan


@dataclass
class Plan:
    stale: list[str]  # warehouse asset keys to materialise, topological order
    current: dict[str, str]  # every asset's fingerprint as the inputs are now
    reason: str = ""  # why everything (a missing warehouse, …), in Swedish

    @property
    def asset_keys(self):
        import dagster as dg

        return [dg.AssetKey(k.split("/")) for k in self.stale]

    @property
    def digest(self) -> str:
        """One fingerprint of every input: a run key (the same inputs start one run)."""
        return hashlib.sha256(json.dumps(sorted(self.current.items())).encode()).hexdigest()[:32]

    def ingest_changed(self) -> list[str]:
        g = graph()
        return [k for k in self.stale if g.kind[k] == "ingest"]


class WarehouseBusy(Exception):
    """Another process writes the warehouse: the plan waits for the next look."""


def plan(settings: Settings) -> Plan:
    """The warehouse assets whose inputs changed since they were last built, and their downstream."""
    g = graph()
    if not settings.warehouse.exists():
        rec, reason = Recorded({}, {}), f"lagret {settings.warehouse} finns inte"
        effect = effects(settings, None, g.order)
    else:
        try:
            with connect(settings.warehouse, read_only=True) as con:
                rec, reason = recorded(con, settings), ""
                effect = effects(settings, con, g.order)
        except duckdb.IOException as exc:
            raise WarehouseBusy(str(exc)) from exc
    own = own_inputs(settings, g.order, Hasher(dict(rec.cache))).fingerprint(effect)
    current: dict[str, str] = {}
    for key in g.order:
        current[key] = _merkle(own[key], [current[p] for p in g.parents[key]])
    stale = [k for k in g.order if rec.fingerprint.get(k) != current[k]]
    if COPY not in stale and not settings.analytics_copy.exists():
        stale.append(COPY)
    return Plan(stale, current, reason)


def stale_reports(settings: Settings, keys: list[str], codes: list[str]) -> list[str]:
    """The tertial partition keys (of `keys`) that have a municipality of `codes` whose report is
    missing or no longer matches its printed figures (picture/fingerprint.py)."""
    from .partitions import period_of_key
    from .picture import published
    from .picture.assets import _report_dir, report_files
    from .picture.fingerprint import is_current, period_fingerprint

    stale = []
    with connect(settings.warehouse, read_only=True) as con:
        in_warehouse = set(published.municipalities(con))
        with_data = {code: set(published.periods(con, code)) for code in codes if code in in_warehouse}
        for key in keys:
            period = period_of_key(key)
            for code, periods in with_data.items():
                if period not in periods:
                    continue
                folder = _report_dir(settings, period, code)
                fingerprint = period_fingerprint(con, period, code, settings.internal)
                if not is_current(folder, fingerprint, report_files(settings.wants_pdf(code), settings.internal)):
                    stale.append(key)
                    break
    return stale
