"""`make bench-newfile`: a new partner file for one municipality in the national warehouse, until
that municipality's updated newest lägesbild (issue 12's last target, issue 15 part 2).

    .venv/bin/python tests/benchmarks/newfile.py [--national /tmp/national] [--work DIR] [--kommun 0382]
                                                 [--repo DIR] [--no-warm] [--keep]

1. Copies the national benchmark's data dir and warehouse (`make bench-national BENCH_ARGS="--reports
   --work /tmp/national"` leaves them: data-290/, run-290/warehouse.duckdb and output/) into a work dir.
2. Builds the warehouse (ingest, dbt, checks, figures) once with the code measured and renders
   every tertial of the municipality (the steady state of a deployment: every tertial has its
   report and fingerprint), untimed (--no-warm: only what the copy has).
3. Evaluates the inbox sensor once (its cursor: every file as the warmed warehouse has it), drops a
   partner file into the municipality's partners/ (half the rows of its newest yearly file, as a
   correction would; dated 3 s back, so it has settled), evaluates the sensor again, as the daemon's
   next tick would, and runs its run request in this process: update_lagesbild with the request's
   asset selection (the change planner's: raw/partner_reports and what lies downstream of it, and
   the lägesbild) and tags (that municipality × every tertial). The clock starts before that tick:
   it includes the sensor's scan and plan, not the wait for the tick (≤ 15 s) nor the run worker's
   start (about the floor below).
4. Prints the time from the file to the updated newest picture (its `.fingerprint`, written when
   its files are whole, seen by a thread polling every 0.1 s), to the end of the run, the tick, each
   step (Dagster's step durations, and the process's CPU seconds), the assets the run materialised,
   and the framework floor (Python + import dagster + loading the definitions, in a fresh process)
   with ratios.

--repo runs another checkout's pipelines (e.g. /work/main: before and after in the same minutes).
Prints figures, asserts nothing (a benchmark, not a timed test).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-12-01"
FLOOR = ("import time; t = time.time(); import dagster, dagster_dbt; "
         "from pipelines.definitions import build_defs; build_defs(); print(time.time() - t)")


def prepare(national: Path, work: Path) -> None:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(national / "data-290", work / "data")
    shutil.copy(national / "run-290" / "warehouse.duckdb", work / "warehouse.duckdb")
    shutil.copytree(national / "run-290" / "output", work / "output")
    (work / "dagster_home").mkdir()  # as `make setup` makes it (--repo: a checkout that has the storage module)
    shutil.copyfile(REPO / "pipelines" / "dagster_instance.yaml", work / "dagster_home" / "dagster.yaml")


def environment(work: Path) -> dict[str, str]:
    return {"LAGESBILD_DATA_DIR": str(work / "data"), "LAGESBILD_WAREHOUSE": str(work / "warehouse.duckdb"),
            "LAGESBILD_OUTPUT_DIR": str(work / "output"), "LAGESBILD_ANALYTICS_COPY": str(work / "analytics.duckdb"),
            "LAGESBILD_AS_OF": AS_OF, "DAGSTER_HOME": str(work / "dagster_home"), "TQDM_DISABLE": "1"}


def drop_file(data: Path, code: str) -> Path:
    folder = next((data / "kommuner").glob(f"{code}-*")) / "partners"
    src = sorted(folder.glob("*_2026.csv"))[0]
    new = folder / f"{src.stem.rsplit('_', 1)[0]}_2026_rattelse.csv"
    n = 1
    while new.exists():  # --keep: a work dir measured before has the earlier corrections
        n += 1
        new = folder / f"{src.stem.rsplit('_', 1)[0]}_2026_rattelse{n}.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    rows = lines[1:][: max(5, len(lines) // 2)]
    if n > 1:  # other counts (Antal) than the corrections before: rows that change the figures again
        rows = [";".join(f if i != 5 else str(n) for i, f in enumerate(r.split(";"))) for r in rows]
    new.write_text("\n".join(lines[:1] + rows) + "\n", encoding="utf-8")
    return new


class Watch(threading.Thread):
    """The moment `path` is (re)written after `since`."""

    def __init__(self, path: Path, since: float):
        super().__init__(daemon=True)
        self.path, self.since, self.at, self.done = path, since, None, threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                if self.path.stat().st_mtime > self.since:
                    self.at = time.time()
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.1)


def cpu_seconds() -> float:
    """CPU of this process (all threads) and of its children that ended (dbt, the render workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def measure(code: str, warm: bool) -> None:
    """In the child process: the pipelines of --repo on the work dir of the environment."""
    import dagster as dg

    from pipelines.definitions import build_defs
    from pipelines.partitions import range_tags, tertial_partitions
    from pipelines.picture.fingerprint import FINGERPRINT_FILE
    from pipelines.picture.published import periods
    from pipelines.settings import Settings
    from pipelines.warehouse import connect

    settings = Settings.from_env()
    defs = build_defs()
    keys = tertial_partitions.get_partition_keys()
    instance = dg.DagsterInstance.ephemeral()
    if warm:  # the marts and figures built once by this code and every tertial rendered, as a deployment
        # has them: a copy built by older dbt models would change every municipality's marts in the
        # measured run, and so rebuild every municipality's figures (build_figures alone did that)
        defs.resolve_job_def("build_warehouse").execute_in_process(instance=instance, raise_on_error=False)
        defs.resolve_job_def("build_lagesbild").execute_in_process(tags=range_tags([code], keys[0], keys[-1]),
                                                                  instance=instance, raise_on_error=False)
    with connect(settings.warehouse, read_only=True) as con:
        newest = periods(con, code)[-1]
    stamp = settings.period_dir(newest, code) / FINGERPRINT_FILE
    before = {p: (settings.period_dir(p, code) / FINGERPRINT_FILE) for p in periods_of(settings, code)}
    before = {p: f.read_text() if f.exists() else None for p, f in before.items()}
    sensor = defs.get_sensor_def("inbox")

    def tick(cursor):
        context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=defs.get_repository_def())
        return sensor.evaluate_tick(context)

    idle = tick(None)  # every file is new to a fresh cursor; the warmed warehouse has them all
    if idle.run_requests:
        print(f"RESULT note: the first tick asked for a run too ({idle.run_requests[0].tags.get('lagesbild/steps')} "
              "steps): the warehouse was not current")
    new = drop_file(settings.data_dir, code)
    settled = time.time() - 3  # the sensor waits for a file to settle (SETTLE_SECONDS)
    os.utime(new, (settled, settled))
    start, cpu = time.time(), cpu_seconds()
    watch = Watch(stamp, start)
    watch.start()
    ticked = tick(idle.cursor)
    tick_s = time.time() - start
    if len(ticked.run_requests) != 1:
        print(f"RESULT no run requested: {ticked.skip_message}")
        return
    request = ticked.run_requests[0]
    result = defs.resolve_job_def(sensor.job_name).execute_in_process(
        asset_selection=request.asset_selection, tags=request.tags, instance=instance, raise_on_error=False)
    took, cpu = time.time() - start, cpu_seconds() - cpu
    watch.done.set()
    watch.join()
    steps = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    after = {p: (settings.period_dir(p, code) / FINGERPRINT_FILE) for p in before}
    rerendered = sorted(p for p, f in after.items() if f.exists() and f.read_text() != before[p])
    newest_at = (watch.at - start) if watch.at else None
    built = sorted({"/".join(e.asset_key.path) for e in result.get_asset_materialization_events()})
    print(f"RESULT success={result.success} file={new.name} newest={newest} "
          f"newest_s={'-' if newest_at is None else f'{newest_at:.1f}'} run_s={took:.1f} cpu_s={cpu:.1f} "
          f"tick_s={tick_s:.1f}")
    print(f"RESULT selected {len(request.asset_selection)} assets, materialised {len(built)}: {', '.join(built)}")
    print(f"RESULT rerendered {len(rerendered)}/{len(before)}: {', '.join(rerendered)}")
    for key, seconds in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"STEP {seconds:7.1f} s  {key}")


def periods_of(settings, code: str) -> list[str]:
    from pipelines.picture.published import periods
    from pipelines.warehouse import connect

    with connect(settings.warehouse, read_only=True) as con:
        return periods(con, code)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", type=Path, default=Path("/tmp/national"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/lagesbild-bench-newfile"))
    ap.add_argument("--kommun", default="0382")
    ap.add_argument("--repo", type=Path, default=REPO)
    ap.add_argument("--no-warm", action="store_true")
    ap.add_argument("--keep", action="store_true",
                    help="measure again on --work as an earlier measurement left it (no copy, no warm-up): "
                         "another correction file; the code measured must be the one that built it")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        measure(args.kommun, not args.no_warm)
        return
    if not (args.national / "run-290" / "warehouse.duckdb").exists():
        sys.exit(f"{args.national}/run-290 saknas: kör först make bench-national "
                 f'BENCH_ARGS="--reports --work {args.national}"')
    if not args.keep:
        prepare(args.national, args.work)
    env = {**os.environ, **environment(args.work), "PYTHONPATH": str(args.repo.resolve())}
    # dbt's manifest (the definitions need it; a fresh checkout has none), untimed
    subprocess.run([sys.executable, "-c", "from pipelines.dbt_manifest import ensure_manifest; ensure_manifest()"],
                   env=env, cwd=args.repo, check=True)
    run = [sys.executable, str(Path(__file__).resolve()), "--child", "--kommun", args.kommun,
           *(["--no-warm"] if args.no_warm or args.keep else [])]
    out = subprocess.run(run, env=env, cwd=args.repo, capture_output=True, text=True)
    floor = float(subprocess.run([sys.executable, "-c", FLOOR], env=env, cwd=args.repo, capture_output=True,
                                 text=True, check=True).stdout.strip().splitlines()[-1])
    lines = [line for line in out.stdout.splitlines() if line.startswith(("RESULT", "STEP"))]
    if out.returncode or not lines:
        sys.exit(out.stdout[-3000:] + out.stderr[-3000:])
    print(f"repo {args.repo.resolve()}, kommun {args.kommun}, work {args.work}")
    for line in lines:
        print(line.split(" ", 1)[1])
    first = next((line for line in lines if line.startswith("RESULT success=")), "RESULT").split()
    values = dict(part.split("=", 1) for part in first[1:])
    print(f"floor (python + import dagster, dagster_dbt + definitions): {floor:.1f} s")
    for label in ("newest_s", "run_s"):
        if values.get(label, "-") != "-":
            print(f"{label}: {float(values[label]):.1f} s = {float(values[label]) / floor:.1f} x the floor")


if __name__ == "__main__":
    main()
