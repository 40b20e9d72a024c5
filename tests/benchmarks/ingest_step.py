"""The ingest group alone: every ingest asset materialised in one fresh process on an empty
warehouse (no quality checks, no dbt), as `make run` runs them (in-process executor). Prints the
wall and CPU seconds of the whole and each step's own seconds.

    .venv/bin/python tests/benchmarks/ingest_step.py DATA_DIR [--repeats 1] [--compare DIR] [--profile OUT]

DATA_DIR: any data dir (`data/sample-region`, or a national one of `make bench-national
BENCH_ARGS="--work /tmp/nat"`: /tmp/nat/data-100). --compare DIR: another checkout (e.g.
`git archive main | tar -x -C DIR`, run with this venv) in every repeat, the two in alternating
order, and afterwards the raw and audit tables of the two warehouses compared row for row
(EXCEPT ALL both ways, the load times and the fingerprints left out: a code change changes
those): exit 1 on a difference. --profile OUT: cProfile of this checkout's run (its stats file).
A benchmark: it asserts nothing else.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
RUN = """
import cProfile, sys, time
import dagster as dg
from pipelines.definitions import defs
job = dg.define_asset_job("ingest_only", selection=dg.AssetSelection.groups("ingest"))
job = dg.Definitions(assets=defs.assets, resources=defs.resources, jobs=[job]).get_job_def("ingest_only")
profile = cProfile.Profile() if sys.argv[1] else None
wall, cpu = time.perf_counter(), time.process_time()
if profile: profile.enable()
result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
if profile: profile.disable(); profile.dump_stats(sys.argv[1])
steps = ", ".join(f"{e.step_key} {e.event_specific_data.duration_ms / 1000:.1f}" for e in result.all_events
                  if e.event_type_value == "STEP_SUCCESS")
print(f"{'ok' if result.success else 'FAILED'} {time.perf_counter() - wall:.1f} s wall, "
      f"{time.process_time() - cpu:.1f} s CPU; {steps}")
"""
LEFT_OUT = {"_loaded_at", "loaded_at", "rejected_at", "recorded_at"}  # when, not what
NOT_COMPARED = {("audit", "asset_fingerprints")}  # a digest of the code, which differs on purpose


def run(checkout: Path, data_dir: Path, work: Path, profile: str = "") -> Path:
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "lagesbild.duckdb"
    for leftover in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        leftover.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(checkout), "LAGESBILD_DATA_DIR": str(data_dir.resolve()),
           "LAGESBILD_WAREHOUSE": str(warehouse), "LAGESBILD_OUTPUT_DIR": str(work / "output"),
           "LAGESBILD_AS_OF": os.environ.get("LAGESBILD_AS_OF", "2026-12-01"),
           "DBT_TARGET_PATH": str(work / "target")}
    env.pop("DAGSTER_HOME", None)  # an ephemeral instance
    subprocess.run([str(PYTHON), "-c", "from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()"],
                   cwd=checkout, env=env, check=True, capture_output=True)
    done = subprocess.run([str(PYTHON), "-c", RUN, profile], cwd=checkout, env=env, capture_output=True, text=True)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-2000:]
    print(f"  {checkout}: {line}", flush=True)
    return warehouse


def differences(a: Path, b: Path) -> list[str]:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    tables = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'a' "
                         "and schema_name in ('raw', 'audit') order by all").fetchall()
    found = []
    for schema, table in tables:
        if (schema, table) in NOT_COMPARED:
            continue
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'a' and schema_name = ? "
            "and table_name = ?", [schema, table]).fetchall() if c not in LEFT_OUT]
        select = ", ".join(f'"{c}"' for c in columns)
        counts = [con.execute(f"select count(*) from (select {select} from {x}.{schema}.{table} except all "
                              f"select {select} from {y}.{schema}.{table})").fetchone()[0]
                  for x, y in (("a", "b"), ("b", "a"))]
        if any(counts):
            found.append(f"{schema}.{table}: {counts[0]} rows only in this checkout's, {counts[1]} only in the other's")
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--profile", default="")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-step-"))
    checkouts = [REPO, args.compare] if args.compare else [REPO]
    print(f"ingest step on {args.data_dir} ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    warehouses = {}
    try:
        for i in range(args.repeats):
            for checkout in checkouts if i % 2 == 0 else checkouts[::-1]:
                profile = str(Path(args.profile).resolve()) if args.profile and checkout == REPO and i == 0 else ""
                warehouses[checkout] = run(checkout, args.data_dir, work / str(checkouts.index(checkout)), profile)
        if args.compare:
            found = differences(warehouses[REPO], warehouses[args.compare])
            print("raw and audit tables: " + ("; ".join(found) if found else "identical"))
            return 1 if found else 0
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
