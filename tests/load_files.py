"""Big inputs for the load case of issue 16 (tests/integration/test_load_bounds.py and
tests/benchmarks/bad_day_load.py): a police events file of any size from the real national
events, repeated with new ids, and many small partner files, each with bytes of its own."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
SWEDEN = REPO.parent / "shared" / "data" / "polisen" / "events_sweden.jsonl.gz"


def national_events() -> list[dict]:
    """The real events of all Sweden (84 794, 30 MB as JSON lines); the sample's Uppsala län
    events where the shared folder is not beside the repo."""
    if SWEDEN.exists():
        with gzip.open(SWEDEN, "rt", encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    return json.loads((SAMPLE / "police" / "events" / "events_uppsala_lan.json").read_text(encoding="utf-8"))


def events_file(path: Path, megabytes: float, *, array: bool = False, events: list[dict] | None = None) -> int:
    """Write about `megabytes` MB of events as JSON lines (or one JSON array) to `path`, gzipped
    when it ends in .gz; every record a distinct event (ids 1, 2, …). Returns the number written."""
    events = events or national_events()
    target, written, n = megabytes * 1e6, 0, 0
    opener = gzip.open if path.suffix == ".gz" else open
    path.parent.mkdir(parents=True, exist_ok=True)
    with opener(path, "wt", encoding="utf-8") as out:
        out.write("[\n" if array else "")
        while written < target:
            for event in events:
                n += 1
                text = json.dumps({**event, "id": n}, ensure_ascii=False)
                line = (",\n" if array and n > 1 else "") + text + ("" if array else "\n")
                out.write(line)
                written += len(line.encode("utf-8"))
                if written >= target:
                    break
        out.write("\n]\n" if array else "")
    return n


def partner_files(folder: Path, count: int) -> int:
    """`count` partner reports on the template, 2 to 86 rows each, no two alike (every file
    loads, none is skipped as seen before). Returns the number of data rows."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = (SAMPLE / "partners" / "skolor_2024.csv").read_text(encoding="utf-8").splitlines()
    total = 0
    for i in range(count):
        body = rows[: 2 + i % (len(rows) - 2)] + [f"2024-03-0{1 + i % 9};Skolan;skadegörelse;;;{1 + i};"]
        (folder / f"partner_{i:05d}.csv").write_text("\n".join(body) + "\n", encoding="utf-8")
        total += len(body) - 1
    return total


def load_data_dir(folder: Path, *, partners: int = 0, events_mb: float = 0, array: bool = False) -> Path:
    """A single-municipality data dir (the sample's municipality.yaml) with only these inputs."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "partners").mkdir(parents=True)
    (folder / "police" / "events").mkdir(parents=True)
    shutil.copy(SAMPLE / "municipality.yaml", folder)
    partner_files(folder / "partners", partners)
    if events_mb:
        events_file(folder / "police" / "events" / ("events.json" if array else "events.jsonl"), events_mb,
                    array=array)
    return folder


# The real ingest steps: a Dagster run of the build_warehouse job's ingest group, in process,
# with the raw tables' quality check (CHECKS) or without.
INGEST = """
import warnings, dagster as dg
warnings.filterwarnings("ignore")
from pipelines.dbt_manifest import ensure_manifest
ensure_manifest()
from pipelines.definitions import build_defs
defs = build_defs()
job = defs.resolve_job_def("build_warehouse")
graph = defs.resolve_asset_graph()
keys = set(dg.AssetSelection.groups("ingest").resolve(graph))
checks = set(dg.AssetSelection.groups("ingest").resolve_checks(graph)) if CHECKS else set()
job = job.get_subset(asset_selection=keys, asset_check_selection=checks)
result = job.execute_in_process(raise_on_error=False)
raise SystemExit(0 if result.success else 1)
"""


def ingest_in_subprocess(folder: Path, warehouse: Path, output_dir: Path, *, checks: bool = True) -> tuple[float, float]:
    """Load `folder` into `warehouse` by the ingest steps (and the raw quality check) in a process
    of its own; returns its seconds and peak RSS in MB (ru_maxrss of that process alone, wait4)."""
    env = {**os.environ, "LAGESBILD_DATA_DIR": str(folder), "LAGESBILD_WAREHOUSE": str(warehouse),
           "LAGESBILD_OUTPUT_DIR": str(output_dir), "LAGESBILD_AS_OF": "2026-12-01"}
    env.pop("DAGSTER_HOME", None)  # an ephemeral instance: nothing of the caller's
    started = time.monotonic()
    log = (output_dir / "ingest.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        script = f"CHECKS = {checks}\n{INGEST}"
        process = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env=env, stdout=out, stderr=out)
        _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"ingest of {folder} failed: {log.read_text(errors='replace')[-3000:]}")
    return time.monotonic() - started, usage.ru_maxrss / 1024  # ru_maxrss: kB -> MB
