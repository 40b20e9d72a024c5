"""`make bench`: where the time of a run goes, against plain DuckDB doing the same work.

Prints figures; asserts nothing (a benchmark, not a timed test). Everything runs in
temporary directories on the shipped sample data (or LAGESBILD_DATA_DIR), plus the
whole-of-Sweden police events file for the loader comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipelines.dbt_manifest import MANIFEST, ensure_manifest  # noqa: E402
from pipelines.ingest import police_events  # noqa: E402
from pipelines.ingest.common import load_file  # noqa: E402
from pipelines.resources import dbt_executable  # noqa: E402
from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT, Settings  # noqa: E402
from pipelines.warehouse import connect  # noqa: E402

SWEDEN = REPO_ROOT.parent / "shared" / "data" / "polisen" / "events_sweden.jsonl.gz"


def timed(fn, *args, repeat: int = 1, **kwargs):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def sh(cmd: list[str], env: dict | None = None, cwd: Path = REPO) -> None:
    subprocess.run(cmd, check=True, cwd=cwd, env={**os.environ, **(env or {})},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def row(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<48} {seconds:8.2f} s  {note}")


def run_sql_directly(warehouse: Path) -> float:
    """Every dbt model's compiled SQL as `create or replace table`, in dbt's order, in one DuckDB connection."""
    manifest = json.loads(MANIFEST.read_text())
    order = json.loads((DBT_PROJECT_DIR / "target" / "run_results.json").read_text())["results"]
    nodes = manifest["nodes"]
    statements = []
    for result in order:
        node = nodes.get(result["unique_id"])
        if not node or node["resource_type"] != "model":
            continue
        compiled = DBT_PROJECT_DIR / "target" / "compiled" / "lagesbild" / node["original_file_path"]
        statements.append(f'create or replace table {node["schema"]}.{node["name"]} as {compiled.read_text()}')
    with duckdb.connect(str(warehouse)) as con:
        start = time.perf_counter()
        for sql in statements:
            con.execute(sql)
        return time.perf_counter() - start


def plain_duckdb_police_count(events_file: Path) -> list:
    """The per-category, per-tertial count of the municipality's events, straight from the file."""
    with duckdb.connect() as con:
        return con.execute(
            f"""
            with e as (
                select type, datetime, name,
                       regexp_extract(name, '^\\s*(\\d{{1,2}}) (\\p{{L}}+)', ['d', 'm']) as p
                from read_json('{events_file}', format = 'array')
                where trim(list_last(string_split(name, ','))) = 'Östhammar'
            ), m as (
                select type,
                       list_position(['januari','februari','mars','april','maj','juni','juli','augusti',
                                      'september','oktober','november','december'], p.m) as month,
                       cast(left(datetime, 4) as int) - (p.m = 'december' and substr(datetime, 6, 2) = '01')::int as year
                from e
            )
            select year || '-T' || ((month - 1) // 4 + 1) as period, c.category_id, count(*)
            from m join read_csv('{DBT_PROJECT_DIR / "seeds" / "category_aliases.csv"}') c
              on c.alias = m.type and c.police_event_type
            group by all
            """
        ).fetchall()


def main() -> None:
    settings = Settings.from_env()
    print(f"lägesbild benchmark — data {settings.data_dir}, {os.cpu_count()} cores\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {"LAGESBILD_DATA_DIR": str(settings.data_dir), "LAGESBILD_WAREHOUSE": str(tmp / "w.duckdb"),
               "LAGESBILD_OUTPUT_DIR": str(tmp / "out")}
        os.environ.update(env)
        print("make run, split")
        setup, _ = timed(sh, ["make", "-s", "setup"])
        row("set-up (make setup, warm: nothing to install)", setup)
        first, _ = timed(sh, [sys.executable, "-m", "pipelines.run"], env)
        row("pipelines.run, first (fresh warehouse)", first)
        warm, _ = timed(sh, [sys.executable, "-m", "pipelines.run"], env, repeat=2)
        row("pipelines.run, warm (everything loaded once)", warm, "<- make run minus set-up")
        imports, _ = timed(sh, [sys.executable, "-c", "import pipelines.definitions"])
        row("  python + import dagster and the definitions", imports)
        ensure_manifest()
        dbt, _ = timed(sh, [dbt_executable(), "build", "--profiles-dir", ".", "-q"], env, DBT_PROJECT_DIR, repeat=2)
        row("  bare `dbt build` (parse, seeds, models, tests)", dbt)
        sql, _ = timed(run_sql_directly, tmp / "w.duckdb", repeat=3)
        row("  the models' SQL run directly in DuckDB", sql)
        row("  => Dagster + dbt framework overhead", warm - sql, f"({warm / max(sql, 1e-9):.0f}x the SQL work)")

        print("\nPolice events: per-category count per tertial")
        events = settings.data_dir / "police" / "events" / "events_uppsala_lan.json"
        plain, counts = timed(plain_duckdb_police_count, events, repeat=3)
        row("plain DuckDB, same file, same shell", plain, f"({sum(c for *_, c in counts)} events counted)")
        row("pipeline (warm make run)", warm, f"ratio {warm / plain:.0f}x")

        if SWEDEN.exists():
            print("\nLoader: police events, all of Sweden (JSON lines, gzipped)")
            def ours():
                path = tmp / "load.duckdb"
                path.unlink(missing_ok=True)
                with connect(path) as con:
                    return load_file(con, SWEDEN, data_dir=SWEDEN.parent, source_kind="police_events",
                                     parse=police_events.parse, write=police_events.write).rows_loaded
            ours_s, n = timed(ours, repeat=2)
            def plain_load():
                with duckdb.connect(str(tmp / "plain.duckdb")) as con:
                    con.execute(f"create or replace table t as select * from read_json('{SWEDEN}', format='newline_delimited')")
            plain_s, _ = timed(plain_load, repeat=2)
            row("pipeline loader (validate, dedupe, audit)", ours_s, f"{n / ours_s:,.0f} rows/s")
            row("plain DuckDB read_json into a table", plain_s, f"{n / plain_s:,.0f} rows/s, ratio {ours_s / plain_s:.1f}x")


if __name__ == "__main__":
    main()
