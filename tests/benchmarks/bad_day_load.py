"""Load (issue 16): a data dir of many partner files and a large police events file, loaded by
the real ingest steps (a Dagster run of the build_warehouse job's ingest group) in a process
of its own, whose peak memory (ru_maxrss from wait4) and time are printed, with the rows loaded.
The events are the real national ones (../shared/data/polisen) repeated with new ids.

    .venv/bin/python tests/benchmarks/bad_day_load.py --partners 2000 --events-mb 100,1000
    .venv/bin/python tests/benchmarks/bad_day_load.py --partners 0 --events-mb 1000 --array
    .venv/bin/python tests/benchmarks/bad_day_load.py --partners 0 --events-mb 1000 --no-checks
    .venv/bin/python tests/benchmarks/bad_day_load.py --partners 2000 --events-mb 1000 --together --no-checks

The raw tables' quality check (data_quality, one step of the ingest group) is included unless
--no-checks: it reads each raw table into pandas, so it is not bounded by the file streaming.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.load_files import ingest_in_subprocess, load_data_dir  # noqa: E402


def data_dir(base: Path, partners: int, events_mb: float, array: bool) -> Path:
    return load_data_dir(base / f"data-{partners}-{events_mb:g}", partners=partners, events_mb=events_mb, array=array)


def measure(folder: Path, base: Path, checks: bool) -> tuple[float, float, int, int]:
    warehouse = base / f"{folder.name}.duckdb"
    warehouse.unlink(missing_ok=True)
    seconds, peak = ingest_in_subprocess(folder, warehouse, base / "out", checks=checks)
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:  # proof it all loaded
        files, rows = con.execute("select count(*), sum(rows_loaded + rows_rejected) from audit.loaded_files "
                                  "where source_kind in ('partner_reports', 'police_events')").fetchall()[0]
    return seconds, peak, files, rows or 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", default="0,2000")
    parser.add_argument("--events-mb", default="0,10,40")
    parser.add_argument("--array", action="store_true", help="the events file as one JSON array, not JSON lines")
    parser.add_argument("--together", action="store_true", help="partner files and events in one data dir")
    parser.add_argument("--no-checks", action="store_true", help="the load steps alone, without the raw quality check")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    base = args.work or Path(tempfile.mkdtemp(prefix="bad_day_load-"))
    base.mkdir(parents=True, exist_ok=True)
    cases = [(int(p), 0.0) for p in args.partners.split(",")] + [(0, float(m)) for m in args.events_mb.split(",") if float(m)]
    if args.together:  # one data dir with both: the first partner count and each events size
        cases = [(int(args.partners.split(",")[0]), float(m)) for m in args.events_mb.split(",")]
    print(f"{'partner files':>13} {'events MB':>9} {'seconds':>8} {'peak RSS MB':>11} {'files loaded':>12} {'rows':>9}")
    for partners, events_mb in cases:
        folder = data_dir(base, partners, events_mb, args.array)
        seconds, peak, files, rows = measure(folder, base, not args.no_checks)
        shutil.rmtree(folder, ignore_errors=True)
        (base / f"{folder.name}.duckdb").unlink(missing_ok=True)
        print(f"{partners:>13} {events_mb:>9g} {seconds:>8.1f} {peak:>11.0f} {files:>12} {rows:>9}", flush=True)


if __name__ == "__main__":
    main()
