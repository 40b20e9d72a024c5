"""The dbt step alone, as a new partner file's run does it: `dbt_models` over raw/partner_reports'
downstream models (with their tests as asset checks), materialised in a fresh process on a copy of
a built warehouse. Prints the step's seconds (from just before `materialize` to its end), the
whole process's and the floor's, alternating checkouts: before and after in the same minutes.

    .venv/bin/python tests/benchmarks/dbt_step.py WAREHOUSE [--repeats 5] [--compare DIR]

WAREHOUSE: a built sample warehouse (`make run` leaves warehouse/lagesbild.duckdb). --compare DIR:
another checkout (e.g. `git archive main | tar -x -C DIR`), run with this venv. Asserts nothing.
DAGSTER_HOME gets `make setup`'s dagster.yaml, which names pipelines/instance_storage.py: a
--compare checkout older than that module fails to load the instance.
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

from pipelines.settings import new_dagster_home

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
FLOOR = "import dagster, dagster_dbt; import pipelines.definitions"
STEP = """
import time, dagster as dg
from pipelines.changes import graph
from pipelines.resources import build_resources
from pipelines.transform import dbt_models
g, found = graph(), {"raw/partner_reports"}
for node in g.order:
    if set(g.parents[node]) & found:
        found.add(node)
keys = [k for k in dbt_models.keys if "/".join(k.path) in found]
started = time.monotonic()
result = dg.materialize([dbt_models], selection=keys, resources=build_resources())
print(f"{time.monotonic() - started:.2f} {len(keys)}")
"""


def timed(args: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.monotonic() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--compare", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dbt-step-"))
    shutil.copy(args.warehouse, work / "lagesbild.duckdb")
    env = {**os.environ, "LAGESBILD_WAREHOUSE": str(work / "lagesbild.duckdb"), "LAGESBILD_AS_OF": "2026-12-01",
           "LAGESBILD_OUTPUT_DIR": str(work / "out"), "DAGSTER_HOME": str(work / "home"), "TQDM_DISABLE": "1"}
    new_dagster_home(work / "home")
    checkouts = [REPO, args.compare] if args.compare else [REPO]
    manifest = [str(PYTHON), "-c", "from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()"]
    for checkout in checkouts:
        subprocess.run(manifest, env=env, cwd=checkout, check=True)
    steps: dict[Path, list[float]] = {c: [] for c in checkouts}
    for i in range(args.repeats):
        floor, _ = timed([str(PYTHON), "-c", FLOOR], env, REPO)
        for checkout in checkouts if i % 2 == 0 else checkouts[::-1]:
            whole, out = timed([str(PYTHON), "-c", STEP], env, checkout)
            step, models = out.split()[-2:]
            steps[checkout].append(float(step) / floor)
            print(f"{i + 1} {checkout}: dbt step {float(step):.1f} s ({float(step) / floor:.2f}× the floor "
                  f"{floor:.1f} s; {models} assets), process {whole:.1f} s", flush=True)
    for checkout, ratios in steps.items():
        print(f"{checkout}: dbt step median {statistics.median(ratios):.2f}× the floor")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
