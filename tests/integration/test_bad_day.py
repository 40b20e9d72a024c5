"""A bad day (issue 16), with real `make run` processes: killed with SIGKILL (the whole process
group) at points the run's own progress lines choose, then a file-size limit (a real EFBIG).
The rebuilt warehouse and two runs together: test_bad_day_rebuild.py (on the other xdist worker).

After each blow: the warehouse opens, the analyst copy is the last good one, every report is
whole (HTML ends with </html>, PDFs parse, workbooks open), no temporary is visible, and the
next run completes with the marts of a clean build (the session's shared sample build, which
this day starts from: tests/bad_day.py).

One module, its steps in order (each builds on the one before).
"""

from __future__ import annotations

import signal

import pytest

from tests.bad_day import Day, assert_whole, forget_fingerprints, marts_differences, sha

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(sample_run, tmp_path_factory):
    return Day(tmp_path_factory.mktemp("bad_day"), sample_run)


def test_a_missing_warehouse_is_said_and_built_from_the_files(sample_run):
    """The shared sample build is a first run: its warehouse did not exist."""
    assert f"Lagret {sample_run.warehouse} saknas: det byggs nu från filerna i datamappen." in sample_run.printed


@pytest.mark.parametrize("point, marker", [
    ("ingest", "  ok  raw.police_bra"),  # sources are loading
    ("dbt", "  ok  surveys"),  # the last source: dbt build has started
    ("render", "2/2 "),  # the lägesbild is being written
])
def test_killed_at_any_moment_leaves_everything_whole(day, point, marker):
    forget_fingerprints(day.warehouse)  # a run with nothing new would do nothing (pipelines/changes.py)
    if point == "render":  # the two newest tertials written again (unchanged ones are skipped; newest first)
        for stamp in sorted(day.output.glob("*-T*/.fingerprint"))[-2:]:
            stamp.unlink()
    seen = day.kill_at(marker, then_first_temporary=point == "render")
    if "  ok  publish.analytics_copy" in seen:  # published by this run's good warehouse build
        day.copies.add(sha(day.copy))
    assert_whole(day, day.copies)


def test_the_next_run_completes_with_the_marts_of_a_clean_build(day):
    code, out = day.run()
    assert code == 0, out
    assert not list(day.output.rglob("*.tmp")) and not list(day.warehouse.parent.glob("*.tmp*"))
    assert_whole(day, {sha(day.copy)})
    assert marts_differences(day.warehouse, day.clean) == {}
    # the killed runs were marked failed in Dagster and reported (pipelines/turn.py, alerts.py)
    alerts = (day.output / "logs" / "larm.log").read_text(encoding="utf-8")
    assert "En körning avbröts mitt i." in alerts and "processen som körde jobbet finns inte längre" in alerts
    day.copies = {sha(day.copy)}


def test_a_full_disk_leaves_the_previous_state_and_says_what_is_needed(day):
    """A file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so write() fails with EFBIG) below the
    warehouse's size: the first write past it fails."""
    import resource

    limit = day.warehouse.stat().st_size // 2

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    for stamp in day.output.rglob(".fingerprint"):
        stamp.unlink()
    forget_fingerprints(day.warehouse)
    code, out = day.run(preexec_fn=small_disk)
    assert code != 0, out
    assert "Disken är full:" in out and "ledigt" in out, out
    assert "nytt försök" not in out  # not retried as if it were transient
    assert_whole(day, day.copies)
    assert marts_differences(day.warehouse, day.clean) == {}
