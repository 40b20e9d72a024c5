"""pipelines/turn.py (one writer through a Dagster concurrency pool) and pipelines/warehouse_file.py
(a broken warehouse moved aside, `make rebuild`'s set-aside and restore), on a real Dagster
instance and real DuckDB files; two real processes together: tests/integration/test_bad_day.py."""

import os
import socket
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from pipelines import turn, warehouse_file


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_dead_runs_claim_and_run_are_released_and_reported():
    dead = _dead_pid()
    with dg.instance_for_test() as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(turn.POOL, 1)
        storage.claim_concurrency_slot(turn.POOL, "make-run-killed", f"pid {dead} @ {socket.gethostname()}", 0)
        run = instance.add_run(dg.DagsterRun(job_name="build_warehouse", run_id="killed-run",
                                             status=dg.DagsterRunStatus.STARTED,
                                             tags={turn.PID_TAG: str(dead), turn.HOST_TAG: socket.gethostname()}))
        said, reported = [], []
        with turn.my_turn(instance, said.append, max_wait=60, on_dead=reported.append) as waited:
            assert waited < 60
        assert said == [] and [r.run_id for r in reported] == [run.run_id]
        assert instance.get_run_by_id("killed-run").status == dg.DagsterRunStatus.FAILURE
        assert storage.get_concurrency_info(turn.POOL).claimed_slots == []


def test_a_live_writer_is_waited_for_then_given_up_on_in_swedish():
    with dg.instance_for_test() as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(turn.POOL, 1)
        storage.claim_concurrency_slot(turn.POOL, "make-run-other", f"pid {os.getpid()} @ {socket.gethostname()}", 0)
        said = []
        with pytest.raises(turn.NotMyTurn, match="En annan körning pågår fortfarande efter 1 s"):
            with turn.my_turn(instance, said.append, max_wait=1):
                pass
        assert said == ["En annan körning pågår (en annan make run): väntar på min tur …"]
        storage.free_concurrency_slots_for_run("make-run-other")
        with turn.my_turn(instance, said.append, max_wait=60):
            assert len(said) == 1  # nobody to wait for: no second "väntar" line


def _warehouse(path):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.fct_published_figures as select 1 as x")


def test_a_truncated_warehouse_is_moved_aside_and_said(tmp_path):
    path = tmp_path / "lagesbild.duckdb"
    assert warehouse_file.check(path) == f"Lagret {path} saknas: det byggs nu från filerna i datamappen."
    _warehouse(path)
    assert warehouse_file.check(path) is None and warehouse_file.has_marts(path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)
    line = warehouse_file.check(path)
    assert line.startswith(f"Lagret {path} gick inte att öppna (") and "byggs nu om från filerna i datamappen" in line
    assert not path.exists() and len(list(tmp_path.glob("lagesbild.duckdb.trasig-*"))) == 1


def test_rebuild_keeps_the_old_warehouse_until_the_new_one_is_built(tmp_path):
    path = tmp_path / "lagesbild.duckdb"
    _warehouse(path)
    old = path.read_bytes()
    aside = warehouse_file.set_aside(path)
    assert not path.exists() and aside.read_bytes() == old
    path.write_bytes(b"half a build")  # the rebuild failed
    warehouse_file.restore(aside, path)
    assert path.read_bytes() == old and not aside.exists()
    aside = warehouse_file.set_aside(path)
    _warehouse(path)  # the rebuild succeeded
    warehouse_file.discard(aside)
    assert warehouse_file.has_marts(path) and not aside.exists()
