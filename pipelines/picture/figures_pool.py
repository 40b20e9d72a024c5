"""The municipalities' published figures built by worker processes, one per core.

A municipality's figures are ~0.2 s of single-threaded Python (building, suppressing and wording
~17 500 figures) and depend on its own rows only (figures.build_municipality with a Shared
limited to it gives the rows a build of all gives), so a national run builds them in parallel.
Each worker opens the warehouse read-only (DuckDB allows one writer or many readers across
processes: the caller holds no connection that writes meanwhile), builds runs of consecutive
municipalities and writes their rows to parquet files in a temporary folder, through DuckDB as
the in-process build inserts them; the caller inserts the files afterwards, in code order.
Few municipalities are built in-process (`workers_for`): starting a worker costs more.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from ..warehouse import catalogue
from . import figures, marts
from .published import BATCH_ROWS, municipality_rows

# Fewer municipalities than this are built in-process: two spawned workers cost ~1.5–2 s of
# imports and connecting before their first figure (~2.3 s CPU together, measured), the figures of 12
# municipalities ~2.6 s.
MIN_POOLED = 12
# How much work a municipality's figures are: its rows of the largest mart they are built from.
WEIGHT = "select kommun_code, count(*) from marts.fct_problem_indicators group by 1"


@dataclass
class Part:
    """The figures of a run of municipalities: rows in a DataFrame (in-process) or in parquet files
    (a worker's), and the rows of them the regional overview repeats (region_figures.printed)."""

    codes: list[str]
    rows: int
    printed: pd.DataFrame
    frame: pd.DataFrame | None = None
    paths: list[Path] = field(default_factory=list)
    cpu: float = 0.0  # a worker's CPU and wall seconds for the run (the benchmark prints them)
    wall: float = 0.0


def workers_for(municipalities: int) -> int:
    """Processes to build `municipalities`' figures with (0: in-process)."""
    cores = os.cpu_count() or 1
    return 0 if municipalities < MIN_POOLED or cores < 2 else cores


def in_process(con, codes: list[str], generated: datetime, shared: marts.Shared | None, printed: frozenset):
    """The Parts of `codes`, one per municipality, built on `con` as they are asked for; `printed`:
    the tables the overview repeats (region_figures.PRINTED_TABLES, not imported here: a worker
    would import Altair with it)."""
    for code in codes:
        frame = figures.build_municipality(con, code, generated, shared)
        yield Part([code], len(frame), municipality_rows(frame, printed), frame=frame)


def build(warehouse: Path, codes: list[str], weights: dict[str, int], generated: datetime, printed: frozenset,
          workers: int, folder: Path) -> list[Part]:
    """The Parts of `codes` (in their order), built by `workers` processes into parquet files in
    `folder`. Returns when every worker has closed its connection (and while they exit)."""
    # One run of consecutive municipalities per worker, of about equal weight: each run reads the
    # marts once (Shared), a read that scans whole tables, so more, smaller runs cost more than
    # the balance they would give (measured at 30: 8 runs +60 % CPU).
    runs = split(codes, weights, workers)
    # spawn: the parent holds DuckDB and Dagster threads, which fork would copy mid-flight
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    futures = [pool.submit(_build_run, str(warehouse), run, generated, printed, str(folder / f"run-{i:04d}"))
               for i, run in enumerate(runs)]
    try:
        parts = [future.result() for future in futures]
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    # Each worker closed its connection before returning its part; their exit (seconds on a
    # loaded machine) need not be waited for.
    pool.shutdown(wait=False)
    return parts


def split(codes: list[str], weights: dict[str, int], runs: int) -> list[list[str]]:
    """`codes` cut into at most `runs` consecutive runs of about equal total weight (none empty):
    each cut where the weight done is nearest the next share of the total."""
    total = sum(max(weights.get(c, 0), 1) for c in codes)
    out, run, done = [], [], 0
    for code in codes:
        weight = max(weights.get(code, 0), 1)
        target = total * (len(out) + 1) / runs
        if run and len(out) < runs - 1 and done + weight - target > target - done:
            out.append(run)  # nearer the share without this one
            run = []
        run.append(code)
        done += weight
        if len(out) < runs - 1 and done >= total * (len(out) + 1) / runs:
            out.append(run)
            run = []
    return [r for r in [*out, run] if r]


def _build_run(warehouse: str, codes: list[str], generated: datetime, printed_tables: frozenset,
               stem: str) -> Part:
    """In a worker: the run's figures into parquet files of about BATCH_ROWS rows each."""
    from ..warehouse import connect

    wall, cpu = time.perf_counter(), time.process_time()
    with connect(Path(warehouse), read_only=True) as con:
        con.execute("set threads = 1")  # one worker per core; its reads are a small part of its work
        part = _build_on(con, codes, generated, printed_tables, stem)
    part.cpu, part.wall = time.process_time() - cpu, time.perf_counter() - wall
    return part


def _build_on(con, codes: list[str], generated: datetime, printed_tables: frozenset, stem: str) -> Part:
    rows, printed, paths, batch = 0, [], [], []

    def flush():
        if batch:
            path = Path(f"{stem}-{len(paths):03d}.parquet")
            con.register("_figures", pd.concat(batch, ignore_index=True)[figures.COLUMNS])
            try:  # DuckDB converts the frame as the in-process insert does (NaN -> null and all)
                con.execute(f"copy (select * from _figures) to '{path}' (format parquet)")
            finally:
                con.unregister("_figures")
            paths.append(path)
            batch.clear()

    with catalogue(con):
        shared = marts.Shared(con, codes)
        for part in in_process(con, codes, generated, shared, printed_tables):
            rows += part.rows
            printed.append(part.printed)
            batch.append(part.frame)
            if sum(len(f) for f in batch) >= BATCH_ROWS:
                flush()
        flush()
    printed = pd.concat(printed, ignore_index=True) if printed else pd.DataFrame(columns=figures.COLUMNS)
    return Part(codes, rows, printed, paths=paths)
