"""The analysts' read-only copy: readers never see an error while the pipeline runs and
publishes; a failed run leaves the previous copy as it was; a locked warehouse is retried
with backoff, bad data is not."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import NO_PDF, SAMPLE, dbt_manifest

# A reader process, as an analyst's script would be: open the copy read-only, query, close,
# again and again; every error is printed, the published_at of every copy seen is counted.
READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    queries = errors = 0
    seen = set()
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                total = con.execute(
                    "select count(*), sum(coalesce(police_event_count, 0)) from marts.fct_problem_indicators"
                ).fetchall()[0]
                published = con.execute("select published_at from audit.published_copy").fetchall()[0][0]
                assert total[0] > 0, "empty fct_problem_indicators"
                seen.add(str(published))
            finally:
                con.close()
            queries += 1
        except Exception as exc:
            errors += 1
            print(f"ERROR {type(exc).__name__}: {exc}", flush=True)
        time.sleep(0.02)
    print(f"queries={queries} errors={errors} copies_seen={len(seen)}", flush=True)
    """
)


@pytest.fixture
def own_warehouse(sample_run, tmp_path, monkeypatch):
    """A private copy of the sample run's warehouse, so the session's files stay as they were."""
    warehouse = tmp_path / "warehouse" / "lagesbild.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(sample_run.warehouse, warehouse)
    monkeypatch.delenv("LAGESBILD_ANALYTICS_COPY", raising=False)
    return warehouse


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sample_run_publishes_the_copy(sample_run):
    copy = sample_run.warehouse.parent / "analytics.duckdb"
    assert copy.exists(), "make run publishes the analyst copy beside the warehouse"
    assert copy.stat().st_mode & 0o222 == 0, "the copy is read-only"
    with duckdb.connect(str(copy), read_only=True) as con, duckdb.connect(
        str(sample_run.warehouse), read_only=True
    ) as source:
        for table in ("marts.fct_problem_indicators", "marts.dim_area", "audit.loaded_files", "audit.rejected_rows"):
            query = f"select * from {table} order by all"
            assert con.execute(query).fetchall() == source.execute(query).fetchall(), table
        assert con.execute("select count(*) from audit.published_copy").fetchall() == [(1,)]
    assert not list(copy.parent.glob(".analytics.duckdb.*")), "no temporary file left behind"


@pytest.mark.slow
def test_reader_never_fails_during_a_full_run_and_publishes(own_warehouse, sample_run, tmp_path, monkeypatch):
    from pipelines.publish import publish_copy

    copy = own_warehouse.parent / "analytics.duckdb"
    publish_copy(own_warehouse, copy)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(copy), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.0)  # the reader is in its loop
        # A full `make run` on the same warehouse: ingest, dbt build, publish. Its reports are a copy
        # of the sample build's, current with the same figures: the copy is published before any
        # lägesbild is rendered and the render never touches it, so rendering them again would
        # only make the run longer.
        base = tmp_path / "run"
        base.mkdir()
        shutil.copytree(sample_run.output_dir, base / "output")
        monkeypatch.setenv("LAGESBILD_DATA_DIR", str(SAMPLE))
        monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(own_warehouse))
        monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(base / "output"))
        monkeypatch.setenv("LAGESBILD_PDF", NO_PDF)  # the reader reads the copy, not the reports
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        from pipelines import run
        from pipelines.changes import TABLE

        with duckdb.connect(str(own_warehouse)) as con:  # every step stale: the whole run (pipelines/changes.py)
            con.execute(f"drop table if exists {TABLE}")
        assert run.main() == 0, "the run failed while an analyst was reading"
        # ... and publishes in a row, each replacing the file under the reader.
        timings = [publish_copy(own_warehouse, copy).seconds for _ in range(5)]
        time.sleep(0.5)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    summary = out.strip().splitlines()[-1]
    print(f"reader: {summary}; publish: {min(timings):.2f}-{max(timings):.2f} s")
    assert "ERROR" not in out, out
    assert reader.returncode == 0
    counts = dict(part.split("=") for part in summary.split())
    assert int(counts["errors"]) == 0
    assert int(counts["queries"]) > 50
    assert int(counts["copies_seen"]) >= 3, "the reader went on to the new copies"


def test_failed_run_leaves_the_previous_copy_and_reports(own_warehouse, tmp_path, monkeypatch):
    from pipelines.publish import publish_copy

    copy = own_warehouse.parent / "analytics.duckdb"
    publish_copy(own_warehouse, copy)
    before = _sha(copy)
    output = tmp_path / "output"
    report = output / "2025-T1" / "lagesbild.html"
    report.parent.mkdir(parents=True)
    report.write_text("den förra lägesbilden", encoding="utf-8")

    data_dir = tmp_path / "data"
    shutil.copytree(SAMPLE, data_dir)
    (data_dir / "municipality.yaml").write_text("code: 382\nname: [\n", encoding="utf-8")  # broken YAML
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(own_warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(output))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    from pipelines import run

    assert run.main() == 1
    assert _sha(copy) == before, "a failed run leaves the previous analyst copy untouched"
    assert report.read_text(encoding="utf-8") == "den förra lägesbilden"


def test_publish_that_fails_midway_leaves_the_copy_and_no_temporary_file(own_warehouse):
    from pipelines.publish import publish_copy

    copy = own_warehouse.parent / "analytics.duckdb"
    publish_copy(own_warehouse, copy)
    before = _sha(copy)
    with _locked(own_warehouse):
        with pytest.raises(duckdb.IOException, match="lock"):
            publish_copy(own_warehouse, copy)
    assert _sha(copy) == before
    assert not list(copy.parent.glob(".analytics.duckdb.*"))


# --- retries: transient errors only -------------------------------------------------


def test_transient_errors_are_told_from_bad_data():
    import errno

    from pipelines.retries import transient_reason

    lock = duckdb.IOException('Could not set lock on file "w.duckdb": Conflicting lock is held in python (PID 7)')
    assert transient_reason(lock)
    wrapped = RuntimeError("step failed")
    wrapped.__cause__ = lock
    assert transient_reason(wrapped), "found through the exception chain"
    assert transient_reason(OSError(errno.EBUSY, "Device or resource busy", "/data/x.csv"))
    assert transient_reason(OSError(errno.ENOSPC, "No space left on device")) is None
    assert transient_reason(ValueError("Kategori 'xyz' finns inte")) is None
    assert transient_reason(duckdb.ConversionException("Could not convert string 'abc' to INT32")) is None


def _materialize_copy(instance):
    dbt_manifest()
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from pipelines.publish import analytics_copy
    from pipelines.resources import Warehouse

    return dg.materialize([analytics_copy], resources={"warehouse": Warehouse()}, instance=instance, raise_on_error=False)


@pytest.mark.slow
def test_locked_warehouse_is_retried_with_backoff_then_published(own_warehouse, monkeypatch):
    from pipelines import retries

    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(own_warehouse))
    copy = own_warehouse.parent / "analytics.duckdb"
    waits = []
    with dg.instance_for_test() as instance, _locked(own_warehouse) as lock:

        def release_then_wait(retry_number: int) -> float:
            # The first attempt met the lock; the analyst closes their connection.
            waits.append(retry_number)
            lock.release()
            return 0.5

        monkeypatch.setattr(retries, "wait_seconds", release_then_wait)
        result = _materialize_copy(instance)
    assert result.success
    assert waits == [0], "one retry, asked for by the first attempt"
    retried = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retried) == 1
    assert copy.exists()


def test_backoff_doubles():
    from pipelines.retries import wait_seconds

    assert [wait_seconds(n) for n in range(4)] == [5, 10, 20, 40]


def test_bad_input_is_not_retried_and_says_where_to_look(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "saknas.duckdb"))
    monkeypatch.delenv("LAGESBILD_ANALYTICS_COPY", raising=False)
    with dg.instance_for_test() as instance:
        result = _materialize_copy(instance)
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    [failure] = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.cause.message if failure.step_failure_data.error.cause else ""
    assert "saknas.duckdb" in message + failure.step_failure_data.error.message
    assert "make run" in message + failure.step_failure_data.error.message


class _locked:
    """Another process holding the warehouse open for writing, until released."""

    CODE = "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()"

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", self.CODE, str(self.path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout.readline().strip() == "locked"
        return self

    def release(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)

    def __exit__(self, *exc):
        self.release()
