"""Cost follows change (issue 15): `make run` with nothing new, and with one new partner file until
the updated lägesbild, against the floor (a fresh Python importing dagster and dagster_dbt and
loading the definitions), each in a fresh process as `make run` is.

    .venv/bin/python tests/benchmarks/cost.py [--work DIR] [--repeats 3]

Copies data/sample into the work dir, builds it once (untimed), then alternates floor, nothing
new and a new partner file (a different one each repeat, dated 2026-03). Prints the seconds and
the ratios to the floor measured in the same repeat. A benchmark: it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
FLOOR = "import dagster, dagster_dbt; import pipelines.definitions"
ROWS = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning\n2026-03-{day:02d};ICA Gimo;Snatteri;Gimo;Butiken;{n};Tog varor\n"


def timed(args: list[str], env: dict) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cost-"))
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    shutil.copytree(REPO / "data" / "sample", data)
    env = {**os.environ, "LAGESBILD_DATA_DIR": str(data), "LAGESBILD_WAREHOUSE": str(work / "w" / "lagesbild.duckdb"),
           "LAGESBILD_OUTPUT_DIR": str(work / "out"), "LAGESBILD_AS_OF": "2026-12-01",
           "DAGSTER_HOME": str(work / "dagster_home")}
    (work / "dagster_home").mkdir()
    run = [str(PYTHON), "-m", "pipelines.run"]
    subprocess.run([str(PYTHON), "-c", "from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()"],
                   env=env, cwd=REPO, check=True)
    seconds, _ = timed(run, env)
    print(f"first run (untimed for the ratios): {seconds:.1f} s", flush=True)
    # A first new file validates the partner tables a second time (the checks' row-count comparison
    # with the run before is added, and every report prints the number of checks): untimed.
    (data / "partners" / "bench_warm.csv").write_text(ROWS.format(day=1, n=1), encoding="utf-8")
    timed(run, env)
    rows = []
    for i in range(args.repeats):
        floor, _ = timed([str(PYTHON), "-c", FLOOR], env)
        idle, out = timed(run, env)
        assert "Inget nytt" in out, out
        (data / "partners" / f"bench_{i}.csv").write_text(ROWS.format(day=i + 2, n=i + 2), encoding="utf-8")
        new, out = timed(run, env)
        rows.append((floor, idle, new))
        print(f"repeat {i + 1}: floor {floor:.1f} s, nothing new {idle:.1f} s ({idle / floor:.1f}×), "
              f"new partner file {new:.1f} s ({new / floor:.1f}×)", flush=True)
    floor, idle, new = (statistics.median(column) for column in zip(*rows))
    print(f"median: floor {floor:.1f} s, nothing new {idle:.1f} s ({idle / floor:.1f}× the floor; target ≤ 3×), "
          f"new partner file {new:.1f} s ({new / floor:.1f}×; target ≤ 8×)")


if __name__ == "__main__":
    main()
