"""`make bench-national`: the whole country in one data dir, one warehouse, one run (issue 12).

    .venv/bin/python tests/benchmarks/national.py [--sizes 30,100,290] [--reports] [--work DIR]

1. Generates a synthetic region of all 290 municipalities (real codes and names from
   dbt_project/seeds/kommuner.csv) into a work dir (a temporary one unless --work; never
   committed): per municipality 2-6 areas, a municipality.yaml, a pledge, three yearly
   trygghetsenkäter, two partners' yearly reports and four local-police extracts, all sized
   by population; at the root the real national police events
   (../shared/data/polisen/events_sweden.jsonl.gz) and BRÅ files for every municipality.
   Populations are APPROXIMATE (no SCB table offline): the share of the police events that
   name the municipality, smoothed, scaled to 10.55 million, replaced by the 2023 figure for
   the 25 municipalities data/generate_sample.py knows (KOMMUNER).
2. For N in --sizes (a nested, seeded choice of municipalities: the 30 are among the 100),
   builds the warehouse from scratch: ingest, dbt, checks, figures and the analyst copy
   (pipelines.run's first step, `build_warehouse`), and prints wall time and peak memory for
   the whole and per step (from the run's own "ok <step> (s)" lines; the memory of a step is
   the peak of the process tree while it ran, sampled from /proc every 0.1 s).
3. Plain DuckDB doing the same work on the same data, step by step: the files the ingest step
   reads, read by read_csv / read_json_auto into tables (plain_ingest.py: no validation), and the
   models' SQL run directly in DuckDB on the same warehouse (tests/benchmarks/bench.py's
   run_sql_directly), and the built warehouse copied table by table into a new file as the
   analyst copy copies it (`plain_copy`); each step's ratio, the whole run against the three
   together and, as before, against the SQL alone; the cost per added municipality and the fixed cost from a
   least-squares line through the sizes.
4. With --reports: the newest complete tertial's lägesbild of every municipality at the largest
   size, in one Dagster run (--reports all: the whole `python -m pipelines.run`, every tertial),
   timed the same way; the reports counted in the output dir.

Prints figures, asserts nothing (a benchmark, not a timed test). Linux only (/proc).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "data"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_region as gr  # noqa: E402
import generate_sample as gs  # noqa: E402

SEEDS = REPO / "dbt_project" / "seeds"
SWEDEN = REPO.parent / "shared" / "data" / "polisen" / "events_sweden.jsonl.gz"
SWEDEN_POPULATION = 10_550_000
AS_OF = "2026-12-01"  # after the events' last month (2026-08), as the tests pin it
SIZES = (30, 100, 290)

# --------------------------------------------------------------------------- the municipalities


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    county: str
    population: int


def kommuner() -> list[Place]:
    rows = list(csv.DictReader((SEEDS / "kommuner.csv").open(encoding="utf-8")))
    events = {}
    if SWEDEN.exists():
        with gzip.open(SWEDEN, "rt", encoding="utf-8") as handle:
            for line in handle:
                where = json.loads(line).get("name", "").rsplit(",", 1)[-1].strip().casefold()
                events[where] = events.get(where, 0) + 1
    weights = {r["kommun_code"]: events.get(r["kommun_name"].casefold(), 0) + 30 for r in rows}  # smoothed
    known = {name: pop for name, (pop, _, _) in gs.KOMMUNER.items()}
    # the rest of the country's population shared out by the weights (equally without the events file)
    rest = SWEDEN_POPULATION - sum(pop for name, pop in known.items() if any(r["kommun_name"] == name for r in rows))
    total = sum(weights[r["kommun_code"]] for r in rows if r["kommun_name"] not in known)
    return [Place(r["kommun_code"], r["kommun_name"], r["county_name"],
                  known.get(r["kommun_name"]) or max(2400, round(rest * weights[r["kommun_code"]] / total)))
            for r in rows]


def choose(places: list[Place], n: int) -> list[Place]:
    """The first n of one seeded order: the 30 are among the 100, which are among the 290."""
    order = places[:]
    random.Random(f"{gs.SEED}-national").shuffle(order)
    return sorted(order[:n], key=lambda p: p.code)


AREA_PARTS = [("centralort", "{name}", ["{name} centrum", "Centrala {name}"], 0.45),
              ("norra", "Norra {name}", ["{name} norra"], 0.15),
              ("sodra", "Södra {name}", ["{name} södra"], 0.14),
              ("ostra", "Östra {name}", ["{name} östra"], 0.1),
              ("vastra", "Västra {name}", ["{name} västra"], 0.08),
              ("landsbygd", "{name}s landsbygd", ["Landsbygden kring {name}"], 0.08)]


def areas_of(place: Place) -> list[gs.Area]:
    """Two to six areas by population; ids repeat across municipalities (unique only within one)."""
    count = 2 + sum(place.population > limit for limit in (10_000, 25_000, 60_000, 150_000))
    parts = [AREA_PARTS[0], *AREA_PARTS[1:count - 1], AREA_PARTS[-1]] if count > 1 else AREA_PARTS[:1]
    share = sum(p[3] for p in parts)
    return [gs.Area(aid, name.format(name=place.name), [a.format(name=place.name) for a in aliases],
                    max(50, round(place.population * s / share))) for aid, name, aliases, s in parts]


PLEDGE = """\
# SYNTHETIC pledge of the national benchmark (tests/benchmarks/national.py).
- id: 2025-t2-snatteri
  period: 2025-T2
  title: "Vi ska minska snatteriet i centralorten"
  category: snatteri
  areas: [centralort]
  indicator: police_reported_count
  baseline_period: 2025-T1
  target_change_pct: -10
"""


def survey_size(population: int) -> int:
    return min(1200, max(60, round(population * 0.012)))


def partner_kinds(k: gr.Kommun, population: int) -> list[gr.PartnerKind]:
    central = k.areas[0].id
    others = [a.id for a in k.areas[1:]]
    per_month = population / 1000
    return [
        gr.PartnerKind(f"Handeln i {k.name}", "handel", {central: 0.5 * per_month * 0.7,
                                                       **{a: 0.5 * per_month * 0.3 / len(others) for a in others}},
                       [(["snatteri", "Snatteri", "butiksstöld"], gs.SHOP_PLACES, gs.SHOP_TEXT, 0.95),
                        (["hot mot personal"], ["Kassalinjen", "Entrén"], gs.SHOP_THREAT, 0.05)]),
        gr.PartnerKind(f"Bostadsbolaget i {k.name}", "bostadsbolaget", {a.id: 0.3 * per_month * a.population / population
                                                                       for a in k.areas},
                       [(["klotter", "skadegörelse"], gs.HOUSING_PLACES, gr.HOUSING_TEXTS[:4], 0.55),
                        (["störningar"], gs.HOUSING_PLACES, gr.HOUSING_TEXTS[4:5], 0.3),
                        (["inbrott i förråd"], ["Källarförråd"], gr.HOUSING_TEXTS[5:], 0.15)], season="skadegorelse"),
    ]


def generate_municipality(root: Path, place: Place) -> int:
    """One municipality's folder; returns the number of files written."""
    k = gr.Kommun(place.code, place.name, place.county, areas_of(place),
                  partners=[f"Handeln i {place.name}", f"Bostadsbolaget i {place.name}"])
    folder = root / "kommuner" / f"{place.code}-{gs.ascii_fold(place.name).replace('.', '-')}"
    folder.mkdir(parents=True, exist_ok=True)
    ledger = gs.Ledger(folder)
    (folder / "municipality.yaml").write_text(gr.municipality_yaml(k), encoding="utf-8")
    (folder / "pledges.yaml").write_text(PLEDGE, encoding="utf-8")
    rng = random.Random(f"{gs.SEED}-national-{place.code}")
    n = survey_size(k.population)
    gr.gen_surveys_for(ledger, k, [gr.Wave(f"trygghetsenkat_{y}.csv", y, datetime(y, 9, 15), n)
                                   for y in (2023, 2024, 2025)], rng)
    gr.gen_partners_for(ledger, k, partner_kinds(k, k.population), rng)
    truth = gr.police_truth(rng, k)
    for last in ((2023, 12), (2024, 12), (2025, 12), (2026, 8)):
        rows = gr.local_rows(rng, k, truth, last, style=last[0] % 4, suppress=True)
        gs.write_csv(ledger, folder / "police" / "local" / f"lokalpolis_{last[0]}-{last[1]:02d}.csv",
                     ["Månad", "Område", "Brottskategori", "Antal"], rows, note="")
    return len(ledger.files) + 2


def generate(root: Path, places: list[Place], *, events: bool = True, bra_places: list[Place] | None = None) -> dict:
    """A region data dir of `places` under `root` (emptied first). BRÅ for `bra_places` (default:
    the same places); the national events file copied in unless events=False."""
    started = time.perf_counter()
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    files = sum(generate_municipality(root, p) for p in places)
    gr.write_bra_national(gs.Ledger(root), [(p.name, p.population) for p in (bra_places or places)])
    if events and SWEDEN.exists():
        (root / "police" / "events").mkdir(parents=True)
        shutil.copyfile(SWEDEN, root / "police" / "events" / SWEDEN.name)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return {"municipalities": len(places), "files": files, "mb": size / 1e6, "seconds": time.perf_counter() - started}


def subset(full: Path, target: Path, places: list[Place]) -> None:
    """A data dir of some municipalities of `full`, hard-linked (same bytes, no copy)."""
    if target.exists():
        shutil.rmtree(target)
    codes = {p.code for p in places}

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    for folder in (full / "kommuner").iterdir():
        if folder.name[:4] in codes:
            shutil.copytree(folder, target / "kommuner" / folder.name, copy_function=link)
    shutil.copytree(full / "police", target / "police", copy_function=link)


# --------------------------------------------------------------------------- measuring a run

STEP_LINE = re.compile(r"^\s+ok\s+(\S+) \((\d+(?:\.\d+)?) s\)")
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (dbt, DuckDB, chromium ...)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo += children.get(current, [])
    return total


@dataclass
class Step:
    name: str
    seconds: float
    at: float  # seconds since the start when it finished
    peak: int  # bytes


@dataclass
class Measured:
    wall: float
    peak: int
    max_single: int  # largest single process (getrusage of the children), bytes
    code: int
    steps: list[Step] = field(default_factory=list)
    output: str = ""

    def until(self, step: str) -> float:
        return next((s.at for s in self.steps if s.name == step), self.wall)


def measured(cmd: list[str], env: dict) -> Measured:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1)
    state = {"peak": 0, "step_peak": 0}

    def sample():
        while proc.poll() is None:
            rss = tree_rss(proc.pid)
            state["peak"] = max(state["peak"], rss)
            state["step_peak"] = max(state["step_peak"], rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    steps, lines = [], []
    for line in proc.stdout:
        lines.append(line)
        if match := STEP_LINE.match(line):
            steps.append(Step(match.group(1), float(match.group(2)), time.perf_counter() - start, state["step_peak"]))
            state["step_peak"] = 0
    code = proc.wait()
    wall = time.perf_counter() - start
    sampler.join()
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return Measured(wall, state["peak"], single, code, steps, "".join(lines))


# pipelines.run's first step alone: ingest, dbt, checks, figures, analyst copy (the same jobs and
# the same console lines as `make run`, without the pictures). Written against pipelines/run.py;
# `build_defs(settings)` where the definitions have it (one set of partitions per data dir).
_PRELUDE = """
import sys
from pipelines import definitions, partitions, run
from pipelines.settings import Settings
from pipelines.dbt_manifest import ensure_manifest
settings = Settings.from_env(); settings.export(); ensure_manifest()
defs = definitions.build_defs(settings) if hasattr(definitions, "build_defs") else definitions.defs
settings.run_log.parent.mkdir(parents=True, exist_ok=True)
"""
WAREHOUSE_ONLY = _PRELUDE + """
from data_quality import gate
settings.run_log.write_text("", encoding="utf-8")
result = run._execute(defs.resolve_job_def("build_warehouse"), settings, instance=run._instance())
if not result.success and gate.failed_only_on_blocking_checks(result):  # as make run: figures and copy still
    result = run._execute(defs.resolve_job_def("build_figures"), settings, instance=run._instance())
sys.exit(0 if result.success else 1)
"""
# The newest complete tertial's lägesbild of every municipality, in one run (pipelines/run.py's
# second step narrowed to one tertial).
NEWEST_REPORTS = _PRELUDE + """
from pipelines.periods import has_partition
from pipelines.picture import published
from pipelines.warehouse import connect
with connect(settings.warehouse, read_only=True) as con:
    periods = published.periods(con)
keys = [partitions.key_of_period(p) for p in periods if has_partition(p, settings.as_of)
        and partitions.tertial_partitions.has_partition_key(partitions.key_of_period(p))]
job = defs.resolve_job_def("build_lagesbild")
if hasattr(partitions, "range_tags"):  # municipality x tertial
    codes = job.partitions_def.get_partitions_def_for_dimension(partitions.KOMMUN).get_partition_keys()
    tags = partitions.range_tags(codes, keys[-1], keys[-1])
else:
    tags = {"dagster/asset_partition_range_start": keys[-1], "dagster/asset_partition_range_end": keys[-1]}
print(f"newest tertial: {partitions.period_of_key(keys[-1])}", flush=True)
result = run._execute(job, settings, instance=run._instance(), tags=tags)
sys.exit(0 if result.success else 1)
"""

GROUPS = {"ingest": ("municipality_config", "action_plan", "raw.", "surveys", "config"),
          "dbt": ("dbt_",), "checks": ("_quality",), "figures": ("marts.fct_published_figures", "region"),
          "analyst copy": ("publish.",), "reports": ("picture.",)}


def group_of(step: str) -> str:
    for group, marks in GROUPS.items():
        if any(step.startswith(m) or m in step for m in marks):
            return group
    return "other"


def gib(n: int) -> str:
    return f"{n / 2**30:5.2f} GiB"


def report_run(label: str, m: Measured) -> None:
    print(f"\n{label}: {m.wall:7.1f} s wall, peak {gib(m.peak)} (process tree), largest process {gib(m.max_single)}, "
          f"exit {m.code}")
    groups: dict[str, list[Step]] = {}
    for step in m.steps:
        groups.setdefault(group_of(step.name), []).append(step)
    for group, steps in groups.items():
        print(f"  {group:<14} {sum(s.seconds for s in steps):7.1f} s  peak {gib(max(s.peak for s in steps))}  "
              + ", ".join(f"{s.name} {s.seconds:.1f}" for s in steps))
    if m.code:
        print("  the run failed; its last lines:\n" + "".join(m.output.splitlines(True)[-15:]))


def sql_directly(warehouse: Path, since: float) -> float:
    """bench.run_sql_directly on the dbt invocation of the run that started at `since`: Dagster's
    dbt step writes its compiled SQL and run_results.json to a target folder of its own."""
    import bench
    from pipelines.settings import DBT_TARGET_DIR

    runs = [p.parent for p in DBT_TARGET_DIR.glob("*/run_results.json") if p.stat().st_mtime >= since]
    if not runs:
        return float("nan")
    target = max(runs, key=lambda p: (p / "run_results.json").stat().st_mtime)
    bench.DBT_TARGET_DIR, bench.MANIFEST = target, target / "manifest.json"
    return bench.run_sql_directly(warehouse)


def plain_ingest(env: dict, out: Path) -> float:
    """Seconds for plain DuckDB to read the files the ingest step reads into tables (plain_ingest.py)."""
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("plain_ingest.py")), str(out), "--json"],
                          cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode:
        print("  plain DuckDB ingest failed: " + done.stderr.strip().splitlines()[-1])
        return float("nan")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return sum(result["seconds"].values())


def plain_copy(warehouse: Path, out: Path) -> float:
    """Seconds for plain DuckDB to copy what the analyst copy copies (every table and view of the
    built warehouse but the internal edition's schema) into a new file, one `create table as` each."""
    import duckdb

    from pipelines.picture.published import INTERNAL_SCHEMA

    out.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as src (read_only)")
    con.execute(f"attach '{out}' as dst")
    objects = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'src' union all "
        "select schema_name, view_name from duckdb_views() where database_name = 'src' and not internal").fetchall()
    for schema in {schema for schema, _ in objects if schema != INTERNAL_SCHEMA}:
        con.execute(f'create schema dst."{schema}"')
    for schema, name in objects:
        if schema != INTERNAL_SCHEMA:
            con.execute(f'create table dst."{schema}"."{name}" as from src."{schema}"."{name}"')
    con.execute("detach dst")
    con.close()
    seconds = time.perf_counter() - started
    out.unlink(missing_ok=True)
    return seconds


def print_against_plain(stage: float, step: dict[str, float], plain: float, sql: float, copy: float) -> None:
    """Each step beside plain DuckDB doing the same work on the same data, where there is such a thing."""
    rows = [("ingest", step["ingest"], plain, "the same files by read_csv/read_json_auto into tables"),
            ("dbt", step["dbt"], sql, "the models' compiled SQL as create table"),
            ("checks", step["checks"], None, "none (GX's expectations)"),
            ("figures", step["figures"], None, "none (suppression and wording in Python)"),
            ("analyst copy", step["analyst copy"], copy, "every table and view by create table as, into a new file"),
            ("whole", stage, plain + sql + copy, "files read + SQL + copy")]
    print("  step vs plain DuckDB doing the same work:")
    for name, seconds, base, what in rows:
        ratio = f"{seconds / base:5.1f}x" if base and base == base else "    –"
        shown = f"{base:7.1f} s" if base is not None else "      –  "
        print(f"    {name:<13} {seconds:7.1f} s  plain {shown}  {ratio}  ({what})")


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: seconds = fixed + per * N."""
    n = len(points)
    mx, my = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    per = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return my - per * mx, per


def data_dir(given: Path | None, work: Path, n: int) -> Path:
    """data-N of --data when it has one (read only), else of the work dir (written there)."""
    return given / f"data-{n}" if given and (given / f"data-{n}").exists() else work / f"data-{n}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="numbers of municipalities (default 30,100,290)")
    ap.add_argument("--reports", nargs="?", const="newest", choices=["newest", "all"],
                    help="also the pictures at the largest size: the newest tertial of every municipality "
                         "(default), or `all`: the whole `python -m pipelines.run`")
    ap.add_argument("--work", type=Path, help="work dir to keep (default: a temporary dir, removed)")
    ap.add_argument("--generate-only", action="store_true", help="write the 290-municipality data dir and stop")
    ap.add_argument("--data", type=Path, help="take the data dirs (data-290, data-N) from this work dir of an "
                                              "earlier run instead of generating them (only read)")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    from pipelines.dbt_manifest import ensure_manifest

    work_ctx = tempfile.TemporaryDirectory(prefix="lagesbild-national-") if args.work is None else None
    work = Path(work_ctx.name) if work_ctx else args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"lägesbild national benchmark — {os.cpu_count()} cores, work dir {work}")
        places = kommuner()
        if not SWEDEN.exists():
            print(f"  ! {SWEDEN} is missing: no police events, and every municipality about the same size")
        full = (args.data or work) / "data-290"
        if args.data:
            print(f"data dirs of {args.data} (not generated again)")
        else:
            info = generate(full, places)
            print(f"generated {info['municipalities']} municipalities, {info['files']:,} files, {info['mb']:.0f} MB "
                  f"in {info['seconds']:.1f} s (populations approximate: see the module docstring)")
        if args.generate_only:
            return 0
        ensure_manifest()
        python = sys.executable
        results = []
        for n in sizes:
            data = full if n >= len(places) else data_dir(args.data, work, n)
            if data != full and not (args.data and data.exists()):
                subset(full, data, choose(places, n))
            base = work / f"run-{n}"
            shutil.rmtree(base, ignore_errors=True)
            env = {"LAGESBILD_DATA_DIR": str(data), "LAGESBILD_WAREHOUSE": str(base / "warehouse.duckdb"),
                   "LAGESBILD_OUTPUT_DIR": str(base / "output"), "LAGESBILD_AS_OF": AS_OF, "TQDM_DISABLE": "1"}
            since = time.time() - 1
            m = measured([python, "-c", WAREHOUSE_ONLY], env)
            report_run(f"N = {n}: ingest -> dbt -> checks -> figures -> analyst copy (fresh warehouse)", m)
            sql = sql_directly(base / "warehouse.duckdb", since) if m.code == 0 else float("nan")
            plain = plain_ingest(env, work / f"plain-{n}.duckdb")
            copy = plain_copy(base / "warehouse.duckdb", work / f"plain-copy-{n}.duckdb") if m.code == 0 else float("nan")
            stage = m.until("publish.analytics_copy")
            step = {g: sum(s.seconds for s in m.steps if group_of(s.name) == g) for g in GROUPS}
            print(f"  the models' SQL directly in DuckDB: {sql:.1f} s; run/SQL {stage / sql:.1f}x, "
                  f"dbt step/SQL {step['dbt'] / sql:.1f}x")
            print_against_plain(stage, step, plain, sql, copy)
            results.append((n, stage, m.peak, sql, plain + copy))
        if len(results) >= 2:
            fixed, per = fit([(n, s) for n, s, _, _, _ in results])
            sql_fixed, sql_per = fit([(n, q) for n, _, _, q, _ in results])
            plain_fixed, plain_per = fit([(n, q + p) for n, _, _, q, p in results])
            print("\nCost per added municipality (least squares through "
                  + ", ".join(f"N={n}: {s:.1f} s" for n, s, _, _, _ in results) + ")")
            print(f"  ingest -> analyst copy: {fixed:.1f} s fixed + {per:.2f} s per municipality")
            print(f"  the SQL alone:          {sql_fixed:.1f} s fixed + {sql_per:.2f} s per municipality")
            print(f"  plain DuckDB (files read + SQL + copy): {plain_fixed:.1f} s fixed + {plain_per:.2f} s per municipality")
            print(f"  per municipality, run against SQL: {per / sql_per:.1f}x" if sql_per > 0 else "")
            print(f"  per municipality, run against plain DuckDB: {per / plain_per:.1f}x" if plain_per > 0 else "")
            n, stage, peak, sql, plain = results[-1]
            print(f"  largest (N={n}): {stage:.1f} s (target ≤ 300 s), peak {gib(peak)} (target ≤ 4 GiB), "
                  f"{(stage - fixed) / sql:.1f}x the SQL after the fixed cost, "
                  f"{(stage - fixed) / (sql + plain):.1f}x plain DuckDB (target ≤ 3x)")
        if args.reports:
            n = sizes[-1]
            data = full if n >= len(places) else data_dir(args.data, work, n)
            base = work / f"run-{n}"
            env = {"LAGESBILD_DATA_DIR": str(data), "LAGESBILD_WAREHOUSE": str(base / "warehouse.duckdb"),
                   "LAGESBILD_OUTPUT_DIR": str(base / "output"), "LAGESBILD_AS_OF": AS_OF, "TQDM_DISABLE": "1"}
            if args.reports == "all":
                m = measured([python, "-m", "pipelines.run"], env)
                report_run(f"N = {n}: python -m pipelines.run (warm warehouse, every picture)", m)
                seconds = m.wall - m.until("publish.analytics_copy")
            else:
                m = measured([python, "-c", NEWEST_REPORTS], env)
                report_run(f"N = {n}: the newest tertial's lägesbild of every municipality (one run)", m)
                seconds = m.wall
            outputs = {kind: len(list((base / "output").rglob(f"lagesbild.{kind}"))) for kind in ("html", "xlsx", "pdf")}
            print(f"  pictures: {seconds:.1f} s (target ≤ 300 s for the newest tertial); {outputs['html']} HTML, "
                  f"{outputs['xlsx']} workbooks, {outputs['pdf']} PDFs ({seconds / max(outputs['html'], 1):.2f} s per lägesbild)")
        return 0
    finally:
        if work_ctx:
            work_ctx.cleanup()


if __name__ == "__main__":
    sys.exit(main())
