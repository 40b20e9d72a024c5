"""A bad day (issue 16), the warehouse's side, with real `make run` processes: a truncated
warehouse rebuilt from files copied in the other order (also the determinism test), `make
rebuild`, two runs started together. The kills and the full disk: test_bad_day.py.

Each step on the day's own copy of the session's shared sample build (tests/bad_day.py),
whose marts every rebuild must equal. One module, its steps in order.
"""

from __future__ import annotations

import time

import pytest

from tests.bad_day import LONGEST_RUN, Day, copy_data, forget_fingerprints, marts_differences

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def day(sample_run, tmp_path_factory):
    return Day(tmp_path_factory.mktemp("bad_day_rebuild"), sample_run)


def test_a_truncated_warehouse_is_rebuilt_from_files_in_the_other_order(day):
    """Also the determinism test: the rebuild reads a copy of the data dir made in reverse
    order with reverse mtimes, and its marts equal the clean build's."""
    with day.warehouse.open("r+b") as handle:
        handle.truncate(day.warehouse.stat().st_size // 3)
    day.env["LAGESBILD_DATA_DIR"] = str(copy_data(day.base / "data-b", reverse=True))
    day.env["LAGESBILD_PDF"] = "none"  # from here on about the warehouse: the PDFs there stay as they are
    started = time.monotonic()
    code, out = day.run()
    seconds = time.monotonic() - started
    assert code == 0, out
    assert f"Lagret {day.warehouse} gick inte att öppna (" in out and "byggs nu om från filerna i datamappen" in out
    assert list(day.warehouse.parent.glob("lagesbild.duckdb.trasig-*"))  # moved aside, not deleted
    assert marts_differences(day.warehouse, day.clean) == {}
    print(f"rebuild of the sample warehouse from scratch (make run, reports included): {seconds:.0f} s")


def test_make_rebuild_keeps_the_old_warehouse_until_the_new_one_is_built(day):
    code, out = day.run("--rebuild")
    assert code == 0, out
    assert "Bygger om lagret" in out and "det gamla ligger kvar som" in out
    assert not day.warehouse.with_name("lagesbild.duckdb.före-ombyggnad").exists()
    assert marts_differences(day.warehouse, day.clean) == {}


def test_two_runs_started_together_take_turns(day):
    forget_fingerprints(day.warehouse)  # two runs that both do the whole work
    first, second = day.start(), day.start()
    outs = [p.communicate(timeout=LONGEST_RUN)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    waited = [o for o in outs if "En annan körning pågår" in o]
    assert len(waited) == 1 and "Min tur efter" in waited[0], outs
    for out in outs:
        assert "lock" not in out.lower() and "låst" not in out, out
    assert marts_differences(day.warehouse, day.clean) == {}
    print(next(line for line in waited[0].splitlines() if line.startswith("Min tur efter")))
