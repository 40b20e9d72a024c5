"""One writer, whoever starts it: `make run` waits its turn in Dagster's instance.

`make run` executes its jobs in process (execute_in_process), which bypasses the daemon's run
queue (dagster.yaml: max_concurrent_runs 1). So before it starts it takes the one slot of the
Dagster concurrency pool `lagesbild_writer` (instance storage, DAGSTER_HOME; Dagster queues the
claims first come, first served) and then waits until no other run of the instance is in
progress (a scheduled, sensor or UI run the daemon started). While it runs, its own runs are
STARTED in the same instance, so the daemon's queue holds its runs back in turn.

Between `make run`'s jobs no run of its own is in progress, and the daemon would start a queued
run there. So for its whole turn `make run` also holds a run of its own in the instance: the job
`make_run` (no steps), STARTED from the moment it has the pool's slot until its last job has
finished, then deleted. The daemon's queue (max_concurrent_runs 1) counts it like any run in
progress and starts nothing until it is gone; the UI shows it as running.

A run killed with kill -9 leaves its claim and a run marked STARTED: a claim or run whose
process (pid and host are in it) is gone is released and the run marked failed (the turn's own
run deleted), so nobody waits for a dead run. Without DAGSTER_HOME the instance is in memory:
nobody to wait for.
"""

from __future__ import annotations

import functools
import os
import socket
import time
import uuid
from contextlib import contextmanager
from typing import Callable, Iterator

import dagster as dg

POOL = "lagesbild_writer"
PID_TAG, HOST_TAG = "lagesbild/pid", "lagesbild/host"
TURN_JOB, TURN_TAG = "make_run", "lagesbild/turn"  # the run that holds make run's turn
IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.5


class NotMyTurn(Exception):
    """Another run was still in progress after the longest wait; the message is Swedish."""


def owner_tags() -> dict[str, str]:
    """Tags of a run this process starts: a later `make run` can tell whether it is still alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _dead(pid_text: str | None, host: str | None) -> bool:
    """A process of this machine that no longer exists (another machine's: assume alive)."""
    return bool(pid_text and pid_text.isdigit() and host == socket.gethostname() and not _alive(int(pid_text)))


def _claimant(pid: int) -> str:
    return f"pid {pid} @ {socket.gethostname()}"


def _release_dead(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Free the claims of dead processes and mark their runs failed; returns those runs."""
    storage = instance.event_log_storage
    info = storage.get_concurrency_info(POOL)
    for claim in [*info.claimed_slots, *info.pending_steps]:
        pid, _, host = claim.step_key.removeprefix("pid ").partition(" @ ")
        if _dead(pid, host):
            storage.free_concurrency_slots_for_run(claim.run_id)
    dead = [run for run in instance.get_runs(dg.RunsFilter(statuses=IN_PROGRESS))
            if _dead(run.tags.get(PID_TAG), run.tags.get(HOST_TAG))]
    for turn in [run for run in dead if TURN_TAG in run.tags]:  # its job's run, if any, is reported
        instance.delete_run(turn.run_id)
    dead = [run for run in dead if TURN_TAG not in run.tags]
    for run in dead:
        instance.report_run_failed(run, message="Processen som körde detta (make run) finns inte längre: "
                                                 "den avbröts, t.ex. med kill -9 eller ett strömavbrott.")
    return dead


def _describe(run: dg.DagsterRun) -> str:
    who = run.tags.get("dagster/schedule_name") or run.tags.get("dagster/sensor_name") or (
        "make run" if PID_TAG in run.tags else "Dagster-UI:t")
    return f"jobbet {run.job_name}, startat av {who}, körning {run.run_id}"


def _holding(storage, claim: str) -> bool:
    """The SQLite storage hands out a slot by reading a free row and then updating it, without a
    lock between the two: two processes claiming at the same instant both read the free row and
    the later update overwrites the earlier one, so both are told "claimed". The slot's row says
    who really holds it once the other's update has landed: look again after SETTLE_SECONDS."""
    for attempt in range(2):
        holders = [slot.run_id for slot in storage.get_concurrency_info(POOL).claimed_slots]
        if holders != [claim]:
            storage.free_concurrency_slots_for_run(claim)
            return False
        if attempt == 0:
            time.sleep(SETTLE_SECONDS)
    return True


@functools.cache
def _turn_job() -> dg.JobDefinition:
    return dg.GraphDefinition(name=TURN_JOB, node_defs=[]).to_job(
        description="make run: håller skrivarens tur mellan sina jobb (pipelines/turn.py).")


def _hold_turn(instance: dg.DagsterInstance) -> dg.DagsterRun:
    """make run's own run, STARTED: the daemon's queue starts nothing while it is (module docstring)."""
    from .alerts import MAKE_RUN, STARTED_BY_TAG

    return instance.create_run_for_job(_turn_job(), status=dg.DagsterRunStatus.STARTED,
                                       tags={**owner_tags(), TURN_TAG: "true", STARTED_BY_TAG: MAKE_RUN})


@contextmanager
def my_turn(instance: dg.DagsterInstance, say: Callable[[str], None], *, max_wait: float,
            on_dead: Callable[[dg.DagsterRun], None] = lambda run: None) -> Iterator[float]:
    """Hold the one writer's turn for the block; yields the seconds waited for it."""
    storage = instance.event_log_storage
    if instance.is_ephemeral or not storage.supports_global_concurrency_limits:
        yield 0.0
        return
    if storage.get_concurrency_info(POOL).slot_count != 1:
        storage.set_concurrency_slots(POOL, 1)
    claim = f"make-run-{uuid.uuid4()}"
    started, said, turn = time.monotonic(), False, None
    try:
        while True:
            for run in _release_dead(instance):
                on_dead(run)
            if storage.claim_concurrency_slot(POOL, claim, _claimant(os.getpid()), 0).is_claimed and _holding(
                    storage, claim):
                # Next in line: from now on the daemon's queue waits too (also while the run
                # it started last finishes).
                turn = turn or _hold_turn(instance)
                others = [run for run in instance.get_runs(dg.RunsFilter(statuses=IN_PROGRESS))
                          if run.run_id != turn.run_id]
                if not others:
                    break
                reason = _describe(others[0])
            else:
                reason = "en annan make run"
            if not said:
                say(f"En annan körning pågår ({reason}): väntar på min tur …")
                said = True
            if time.monotonic() - started > max_wait:
                raise NotMyTurn(f"En annan körning pågår fortfarande efter {max_wait:.0f} s ({reason}). "
                                "Inget har ändrats; kör `make run` igen när den är klar.")
            time.sleep(POLL_SECONDS)
        waited = time.monotonic() - started
        if said:
            say(f"Min tur efter {waited:.0f} s.")
        yield waited
    finally:
        if turn is not None:
            instance.delete_run(turn.run_id)
        storage.free_concurrency_slots_for_run(claim)
