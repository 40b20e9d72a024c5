"""Many lägesbild reports in one run: rendered by worker processes, one per core.

A report is ~0.5 s of Python (figures, charts through vl-convert, HTML, workbook) plus ~3 s
when it has a PDF; the reports are independent and only read the warehouse, so each worker
opens it read-only itself and renders whole reports. One report is rendered in-process
(spawning a worker and importing Altair, DuckDB and WeasyPrint costs a few seconds).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import lagesbild


@dataclass(frozen=True)
class Job:
    code: str
    period: str
    folder: Path
    pdf: bool
    internal: bool = False  # also the internal edition (LAGESBILD_INTERNAL=on)


def render(con: duckdb.DuckDBPyConnection, output_dir: Path, job: Job) -> lagesbild.Report:
    return lagesbild.build(con, job.period, output_dir, kommun_code=job.code, folder=job.folder, pdf=job.pdf,
                           internal=job.internal)


_worker = {}  # the worker's open warehouse: its context manager (closes it when collected) and connection


def _open(warehouse: str) -> None:
    from ..warehouse import connect

    # the worker's connection lives as long as the worker; it only reads
    _worker["opened"] = connect(Path(warehouse), read_only=True)
    _worker["con"] = _worker["opened"].__enter__()


def _render_in_worker(output_dir: Path, job: Job) -> lagesbild.Report:
    return render(_worker["con"], output_dir, job)


class Renderer:
    """submit(job) -> a Future of its Report. `workers` > 0: a pool of that many processes
    (spawn: the parent holds DuckDB and Dagster threads, which fork would copy mid-flight),
    started on the first job; 0: each job rendered at once, in this process, on `con`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, warehouse: Path, output_dir: Path, workers: int = 0):
        self.con, self.output_dir = con, output_dir
        self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_open, initargs=(str(warehouse),)) if workers else None

    def submit(self, job: Job, here: bool = False) -> Future:
        """`here`: rendered at once in this process, while the workers render what they were given."""
        if self._pool is not None and not here:
            return self._pool.submit(_render_in_worker, self.output_dir, job)
        future = Future()
        future.set_result(render(self.con, self.output_dir, job))
        return future

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            # on an error, the reports not yet started are not rendered
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)


def workers_for(jobs: int) -> int:
    """Processes for a run of `jobs` reports (0: render in-process): one per core, none for one report."""
    return 0 if jobs <= 1 else min(jobs, os.cpu_count() or 1)
