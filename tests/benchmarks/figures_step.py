"""The figures step alone (marts.fct_published_figures) on a copy of a built warehouse: timed,
optionally profiled, and compared row for row with a saved table.

    .venv/bin/python tests/benchmarks/figures_step.py WAREHOUSE [--region] [--profile OUT.prof]
        [--save ROWS.parquet | --compare ROWS.parquet] [--changed CODE] [--workers N]

- Builds every municipality's figures from scratch (rebuild.write after forgetting the digests)
  with a fixed build time, so two builds are comparable; prints wall and CPU seconds (the CPU of
  the worker processes included). As the asset does: planned on a read-only connection, the
  figures built by worker processes when there are enough municipalities (--workers N: that
  many, 0: in-process).
- --save writes the table (and the internal edition's) to a parquet file; --compare checks
  the new table equals the saved one (EXCEPT ALL both ways, every column) and exits 1 if not:
  the check that a change of the figures' code keeps the output identical row for row.
- --changed CODE: then a selective rebuild after one municipality's inputs changed (its
  digest forgotten), timed per part (digests, books, region, write).
The warehouse given is never written: the work is done on a temporary copy.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from pipelines.picture import figures, figures_pool, inputs, published, rebuild  # noqa: E402

GENERATED = datetime(2026, 12, 1, 12, 0, tzinfo=figures.STOCKHOLM)


def compare(con: duckdb.DuckDBPyConnection, saved: Path, table: str) -> int:
    """Rows of `table` not in the saved file and the other way round (0: identical)."""
    con.execute(f"create or replace temp view _saved as select * from read_parquet('{saved}')")
    cols = ", ".join(figures.COLUMNS)
    extra = con.execute(f"select count(*) from (select {cols} from {table} except all select {cols} from _saved)"
                        ).fetchone()[0]
    lost = con.execute(f"select count(*) from (select {cols} from _saved except all select {cols} from {table})"
                       ).fetchone()[0]
    total = con.execute(f"select count(*) from {table}").fetchone()[0]
    print(f"  compared with {saved.name}: {total:,} rows, {extra} new, {lost} missing")
    if extra or lost:
        print(con.execute(f"(select 'new' as side, {cols} from {table} except all select 'new', {cols} from _saved) "
                          f"union all (select 'old', {cols} from _saved except all select 'old', {cols} from {table}) "
                          "order by kommun_code, period, table_name, row_key, column_key, side limit 20").df()
              .to_string())
    return extra + lost


def _cpu() -> float:
    """CPU seconds of this process and its ended children (the pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def build(copy: Path, region: bool, workers: int | None, profiler=None):
    """rebuild.write as the asset calls it; the open write connection and what it wrote."""
    start, cpu = time.perf_counter(), time.process_time()
    with rebuild.prebuilt(copy, GENERATED, workers) as built:
        planned = time.perf_counter() - start
        if built.parts:
            print(f"  {len(built.parts)} workers: " + "; ".join(
                f"{len(p.codes)} municipalities {p.wall:.1f} s wall {p.cpu:.1f} s CPU" for p in built.parts)
                  + f"; plan, start and wait {planned:.1f} s wall ({time.process_time() - cpu:.1f} s CPU here)")
        con = duckdb.connect(str(copy))
        with profiler or contextlib.nullcontext():
            start, cpu = time.perf_counter(), time.process_time()
            written = rebuild.write(con, region, GENERATED, built)
        if built.parts:
            print(f"  written (the overview built here): {time.perf_counter() - start:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU")
    return con, written


def written_workers(args, codes: int) -> int:
    return figures_pool.workers_for(codes) if args.workers is None else args.workers


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--region", action="store_true", help="a region's warehouse (the overview's rows too)")
    ap.add_argument("--profile", type=Path, help="write cProfile stats of the full build here")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--changed", help="also time a selective rebuild after this municipality changed")
    ap.add_argument("--workers", type=int, help="worker processes (0: in-process; default: as the asset decides)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="figures-step-") as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(args.warehouse, copy)
        con = duckdb.connect(str(copy))
        inputs.forget(con)
        con.close()
        profiler = cProfile.Profile() if args.profile else None
        start, cpu = time.perf_counter(), _cpu()
        con, written = build(copy, args.region, args.workers, profiler)
        if profiler:
            profiler.dump_stats(str(args.profile))
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        codes = len(written.rebuilt)
        print(f"full build: {written.rows:,} rows, {codes} municipalities, {seconds:.1f} s wall, {cpu:.1f} s CPU "
              f"({'in-process' if written_workers(args, codes) == 0 else f'{written_workers(args, codes)} workers'}) "
              f"({seconds / max(codes, 1):.3f} s wall per municipality; load {os.getloadavg()[0]:.1f})")
        failed = 0
        if args.save:
            con.execute(f"copy (select * from {published.TABLE} order by all) to '{args.save}' (format parquet)")
            print(f"  saved to {args.save}")
        if args.compare:
            failed = compare(con, args.compare, published.TABLE)
        if args.changed:
            con.execute(f"delete from {inputs.TABLE} where kommun_code = ?", [args.changed])
            start = time.perf_counter()
            now = inputs.digests(con)
            digests = time.perf_counter() - start
            con.execute(f"delete from {inputs.TABLE} where kommun_code = ?", [args.changed])
            con.close()
            start, cpu = time.perf_counter(), _cpu()
            con, written = build(copy, args.region, args.workers)
            total, cpu = time.perf_counter() - start, _cpu() - cpu
            print(f"selective rebuild of {written.rebuilt}: {total:.1f} s wall, {cpu:.1f} s CPU "
                  f"(of which the digests {digests:.1f} s), "
                  f"{written.rows:,} rows written, {len(written.compared)} comparisons; {len(now) - 1} digests")
            if args.compare:
                failed += compare(con, args.compare, published.TABLE)
        con.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
