"""One writer across `make run`'s two jobs (issue 16): between them no job run of make run's is
in progress, but its turn's own run is (pipelines/turn.py), so a real dagster-daemon with a
queued run in a real instance (DAGSTER_HOME in a tmp dir, dagster.yaml as the Makefile writes
it) starts nothing until make run's turn is over, and then starts it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from pipelines import turn
from tests.conftest import DAGSTER_YAML, dagster_instance

CODE = '''
import dagster as dg

@dg.op
def hello():
    return 1

@dg.job
def scheduled_like():
    hello()

defs = dg.Definitions(jobs=[scheduled_like])
'''
REFUSED = "runs are currently in progress. Maximum is 1, won't launch more."
BIN = Path(sys.executable).parent


@dg.op
def step():
    return 1


@dg.job
def first_job():
    step()


@dg.job
def second_job():
    step()


def wait_for(what, condition, timeout=240.0):
    """Poll until `condition()` is true; fails the test after `timeout` s (never a timed assertion:
    the steps themselves are not timed)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.5)


@pytest.fixture
def daemon(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")  # as `make setup` writes it
    (tmp_path / "queued_job.py").write_text(CODE, encoding="utf-8")
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    instance = dagster_instance(home)
    instance.get_runs()  # the storage created here, not by two processes at once
    log = tmp_path / "daemon.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-f", "queued_job.py"], cwd=tmp_path, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield instance, env, tmp_path, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        instance.dispose()


def refusals(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count(REFUSED)


def test_a_queued_run_waits_for_make_runs_whole_turn_not_only_its_jobs(daemon):
    instance, env, folder, log = daemon
    said = []
    with turn.my_turn(instance, said.append, max_wait=60) as waited:
        assert waited < 60 and said == []
        holders = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
        assert [run.job_name for run in holders] == [turn.TURN_JOB]  # the turn's own run, in the UI too

        assert first_job.execute_in_process(instance=instance, tags=turn.owner_tags()).success
        # The gap between make run's two jobs: a run is queued (as a schedule or sensor does) ...
        subprocess.run([str(BIN / "dagster"), "job", "launch", "-f", "queued_job.py", "-j", "scheduled_like"],
                       cwd=folder, env=env, check=True, capture_output=True)
        queued = instance.get_runs(dg.RunsFilter(job_name="scheduled_like"))
        assert [run.status for run in queued] == [dg.DagsterRunStatus.QUEUED]
        # ... and the daemon looks at its queue twice and starts nothing.
        seen = refusals(log)
        wait_for("the daemon to look at its queue twice", lambda: refusals(log) >= seen + 2)
        assert instance.get_run_by_id(queued[0].run_id).status == dg.DagsterRunStatus.QUEUED

        assert second_job.execute_in_process(instance=instance, tags=turn.owner_tags()).success
        assert instance.get_run_by_id(queued[0].run_id).status == dg.DagsterRunStatus.QUEUED
        turn_over = time.time()

    # The turn's run is gone; the queued run is started now, and runs to the end.
    assert not instance.get_runs(dg.RunsFilter(job_name=turn.TURN_JOB))
    wait_for("the queued run to finish",
             lambda: instance.get_run_by_id(queued[0].run_id).status in (dg.DagsterRunStatus.SUCCESS,
                                                                        dg.DagsterRunStatus.FAILURE))
    record = instance.get_run_record_by_id(queued[0].run_id)
    assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
    assert record.start_time >= turn_over


def test_a_killed_make_runs_turn_run_is_deleted_not_waited_for(daemon):
    instance, *_ = daemon
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = dg.GraphDefinition(name=turn.TURN_JOB, node_defs=[]).to_job()
    instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED,
                                tags={turn.PID_TAG: str(dead.pid), turn.HOST_TAG: os.uname().nodename,
                                      turn.TURN_TAG: "true"})
    reported = []
    with turn.my_turn(instance, lambda line: None, max_wait=30, on_dead=reported.append):
        runs = instance.get_runs(dg.RunsFilter(job_name=turn.TURN_JOB))
        assert [run.tags[turn.PID_TAG] for run in runs] == [str(os.getpid())]  # only this process's own
    assert reported == []  # a turn is no job: nothing to report (its job's run is, if it was killed in one)
