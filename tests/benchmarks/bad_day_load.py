"""Load (issue 16): a data dir of many partner files and a large police events file, loaded by
the real ingest steps (a Dagster run of the build_warehouse job's ingest group) in a process
of its own, whose peak memory (ru_maxrss from wait4) and time are printed. Reduced sizes:
the figures per file and per MB say what 2 000 files and 1 GB would take.

    .venv/bin/python tests/benchmarks/bad_day_load.py --partners 200,2000 --events-mb 10,40
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"

INGEST = """
import warnings, dagster as dg
warnings.filterwarnings("ignore")
from pipelines.dbt_manifest import ensure_manifest
ensure_manifest()
from pipelines.definitions import build_defs
defs = build_defs()
job = defs.resolve_job_def("build_warehouse")
keys = [k for k in dg.AssetSelection.groups("ingest").resolve(defs.resolve_asset_graph())]
result = job.execute_in_process(asset_selection=keys, raise_on_error=False)
raise SystemExit(0 if result.success else 1)
"""


def data_dir(base: Path, partners: int, events_mb: float) -> Path:
    folder = base / f"data-{partners}-{events_mb:g}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "partners").mkdir(parents=True)
    (folder / "police" / "events").mkdir(parents=True)
    shutil.copy(SAMPLE / "municipality.yaml", folder)
    rows = (SAMPLE / "partners" / "skolor_2024.csv").read_text(encoding="utf-8").splitlines()
    for i in range(partners):  # distinct bytes each: every file is loaded, none skipped as seen
        body = "\n".join(rows[: 2 + i % (len(rows) - 2)] + [f"2024-03-0{1 + i % 9};Skolan;skadegörelse;;;{1 + i};"])
        (folder / "partners" / f"partner_{i:05d}.csv").write_text(f"{body}\n", encoding="utf-8")
    if events_mb:
        events = json.loads((SAMPLE / "police" / "events" / "events_uppsala_lan.json").read_text(encoding="utf-8"))
        target, written, n = events_mb * 1e6, 0, 0
        with (folder / "police" / "events" / "events.jsonl").open("w", encoding="utf-8") as out:
            while written < target:
                for event in events:
                    n += 1
                    line = json.dumps({**event, "id": n}, ensure_ascii=False) + "\n"
                    out.write(line)
                    written += len(line.encode("utf-8"))
    return folder


def measure(folder: Path, base: Path) -> tuple[float, float, int, int]:
    warehouse = base / f"{folder.name}.duckdb"
    warehouse.unlink(missing_ok=True)
    env = {**os.environ, "LAGESBILD_DATA_DIR": str(folder), "LAGESBILD_WAREHOUSE": str(warehouse),
           "LAGESBILD_OUTPUT_DIR": str(base / "out"), "LAGESBILD_AS_OF": "2026-12-01"}
    env.pop("DAGSTER_HOME", None)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", INGEST], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest of {folder} failed")
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:  # proof it all loaded
        files, rows = con.execute("select count(*), sum(rows_loaded + rows_rejected) from audit.loaded_files "
                                  "where source_kind in ('partner_reports', 'police_events')").fetchone()
    return time.monotonic() - started, usage.ru_maxrss / 1024, files, rows or 0  # ru_maxrss: kB -> MB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", default="0,2000")
    parser.add_argument("--events-mb", default="0,10,40")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    base = args.work or Path(tempfile.mkdtemp(prefix="bad_day_load-"))
    base.mkdir(parents=True, exist_ok=True)
    cases = [(int(p), 0.0) for p in args.partners.split(",")] + [(0, float(m)) for m in args.events_mb.split(",") if float(m)]
    print(f"{'partner files':>13} {'events MB':>9} {'seconds':>8} {'peak RSS MB':>11} {'files loaded':>12} {'rows':>9}")
    for partners, events_mb in cases:
        seconds, peak, files, rows = measure(data_dir(base, partners, events_mb), base)
        print(f"{partners:>13} {events_mb:>9g} {seconds:>8.1f} {peak:>11.0f} {files:>12} {rows:>9}", flush=True)


if __name__ == "__main__":
    main()
