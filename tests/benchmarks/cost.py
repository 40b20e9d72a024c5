"""Cost follows change (issue 15): `make run` with nothing new, and with one new partner file until
the updated lägesbild, against the floor (a fresh Python importing dagster and dagster_dbt and
loading the definitions), each in a fresh process as `make run` is.

    .venv/bin/python tests/benchmarks/cost.py [--work DIR] [--repeats 3] [--compare DIR]

Copies data/sample into the work dir, builds it once (untimed), then alternates floor, nothing
new and a new partner file (a different one each repeat, dated 2026-03). Prints the seconds and
the ratios to the floor measured in the same repeat. A benchmark: it asserts nothing.

--compare DIR also times a new partner file with another checkout's pipelines (cwd DIR, this
venv; e.g. `git archive main | tar -x -C DIR`) in every repeat, on the same warehouse, the two
in alternating order: before and after in the same minutes. Each run's dbt step is printed too.
DAGSTER_HOME gets `make setup`'s dagster.yaml, which names pipelines/instance_storage.py: a
--compare checkout older than that module fails to load the instance.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.settings import new_dagster_home

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
FLOOR = "import dagster, dagster_dbt; import pipelines.definitions"
ROWS = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning\n2026-03-{day:02d};ICA Gimo;Snatteri;Gimo;Butiken;{n};Tog varor\n"


def timed(args: list[str], env: dict, cwd: Path = REPO) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cost-"))
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    shutil.copytree(REPO / "data" / "sample", data)
    env = {**os.environ, "LAGESBILD_DATA_DIR": str(data), "LAGESBILD_WAREHOUSE": str(work / "w" / "lagesbild.duckdb"),
           "LAGESBILD_OUTPUT_DIR": str(work / "out"), "LAGESBILD_AS_OF": "2026-12-01",
           "DAGSTER_HOME": str(work / "dagster_home")}
    new_dagster_home(work / "dagster_home")
    run = [str(PYTHON), "-m", "pipelines.run"]
    manifest = [str(PYTHON), "-c", "from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()"]
    subprocess.run(manifest, env=env, cwd=REPO, check=True)
    if args.compare:
        subprocess.run(manifest, env=env, cwd=args.compare, check=True)
    seconds, _ = timed(run, env)
    print(f"first run (untimed for the ratios): {seconds:.1f} s", flush=True)
    # A first new file validates the partner tables a second time (the checks' row-count comparison
    # with the run before is added, and every report prints the number of checks): untimed.
    (data / "partners" / "bench_warm.csv").write_text(ROWS.format(day=1, n=1), encoding="utf-8")
    timed(run, env)
    rows, compared = [], []
    for i in range(args.repeats):
        floor, _ = timed([str(PYTHON), "-c", FLOOR], env)
        idle, out = timed(run, env)
        assert "Inget nytt" in out, out
        checkouts = [REPO, args.compare] if args.compare else [REPO]
        for j, checkout in enumerate(checkouts if i % 2 == 0 else checkouts[::-1]):
            name = f"bench_{i}_{j}.csv"
            (data / "partners" / name).write_text(ROWS.format(day=i + 2, n=i + 2 + j), encoding="utf-8")
            seconds, out = timed(run, env, cwd=checkout)
            print(f"  {checkout}: new partner file {seconds:.1f} s ({seconds / floor:.1f}×), dbt step "
                  f"{_dbt_step(out)}", flush=True)
            if checkout == REPO:
                new = seconds
            else:
                compared.append(seconds / floor)
        rows.append((floor, idle, new))
        print(f"repeat {i + 1}: floor {floor:.1f} s, nothing new {idle:.1f} s ({idle / floor:.1f}×), "
              f"new partner file {new:.1f} s ({new / floor:.1f}×)", flush=True)
    floor, idle, new = (statistics.median(column) for column in zip(*rows))
    print(f"median: floor {floor:.1f} s, nothing new {idle:.1f} s ({idle / floor:.1f}× the floor; target ≤ 3×), "
          f"new partner file {new:.1f} s ({new / floor:.1f}×; target ≤ 8×)")
    if compared:
        print(f"--compare {args.compare}: new partner file, median {statistics.median(compared):.1f}× the floor")


def _dbt_step(out: str) -> str:
    """The dbt step's line of `make run`'s output (its seconds), if it printed one."""
    found = re.search(r"^\s+\S+\s+(?:dbt_models|dbt build)\b.*$", out, re.M)
    return found.group(0).strip() if found else "?"


if __name__ == "__main__":
    main()
