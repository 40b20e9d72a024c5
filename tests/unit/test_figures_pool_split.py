"""figures_pool: how the municipalities are shared out among the workers, and when there are none."""

from pipelines.picture import figures_pool
from pipelines.picture.figures_pool import split


def test_runs_are_consecutive_cover_every_code_and_balance_the_weights():
    codes = [f"{i:04d}" for i in range(10)]
    weights = {c: (50 if c == "0000" else 10) for c in codes}  # one large municipality first
    runs = split(codes, weights, 2)
    assert [c for run in runs for c in run] == codes
    assert runs == [codes[:3], codes[3:]]  # 70 and 70 of 140
    assert split(codes, weights, 3) == [codes[:1], codes[1:5], codes[5:]]  # 50, 40, 50: cuts nearest a third
    assert split(["a", "b"], {"a": 1, "b": 9}, 2) == [["a"], ["b"]]  # not one run: b alone is nearer half


def test_never_more_runs_than_codes_and_none_empty():
    assert split(["a", "b"], {}, 4) == [["a"], ["b"]]
    assert split(["a"], {"a": 5}, 2) == [["a"]]
    assert split([], {}, 2) == []
    assert split(list("abcd"), {}, 2) == [["a", "b"], ["c", "d"]]  # unknown weights count alike


def test_few_municipalities_are_built_in_process():
    assert figures_pool.workers_for(1) == 0
    assert figures_pool.workers_for(figures_pool.MIN_POOLED - 1) == 0
