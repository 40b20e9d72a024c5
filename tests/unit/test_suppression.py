"""Small counts are hidden in published tables, and so are cells that totals would reveal."""

import pandas as pd

from pipelines.picture.suppression import COMPLEMENTARY, TOTAL, show_count, suppress_table


def test_show_count():
    assert [show_count(v, 3) for v in (0, 1, 2, 3, 1234, None)] == ["0", "<3", "<3", "3", "1\u00a0234", "–"]
    assert show_count(4, 5) == "<5"


def lines_with_one_hidden(text: pd.DataFrame) -> list:
    hidden = text.isin(["<3", COMPLEMENTARY])
    return [k for k in text.index if hidden.loc[k].sum() == 1] + [c for c in text.columns if hidden[c].sum() == 1]


def test_single_hidden_cell_gets_a_complementary_one():
    counts = pd.DataFrame({"stold": [1, 5], "inbrott": [4, 9]}, index=["gimo", "alunda"])
    text = suppress_table(counts, 3)
    assert text.loc["gimo", "stold"] == "<3"
    assert text.loc["gimo", "inbrott"] == COMPLEMENTARY   # else 5 − 4 = 1 would show
    assert text.loc["alunda", "stold"] == COMPLEMENTARY   # else 6 − 5 = 1 would show
    assert lines_with_one_hidden(text) == []
    assert text.loc[TOTAL, TOTAL] == "19"


def test_no_small_counts_means_nothing_hidden():
    counts = pd.DataFrame({"a": [3, 4], "b": [0, 7]}, index=["x", "y"])
    text = suppress_table(counts, 3)
    assert not text.isin(["<3", COMPLEMENTARY]).any().any()
    assert text.loc["x", TOTAL] == "3" and text.loc[TOTAL, "b"] == "7"


def test_small_totals_are_hidden_too():
    counts = pd.DataFrame({"a": [1, 0], "b": [1, 0]}, index=["x", "y"])
    text = suppress_table(counts, 3)
    assert text.loc["x", TOTAL] == "<3" and text.loc[TOTAL, TOTAL] == "<3"
    assert not {"1", "2"} & set(text.to_numpy().ravel())


def test_random_tables_never_show_a_derivable_small_count():
    import numpy as np

    rng = np.random.default_rng(7)
    for _ in range(200):
        counts = pd.DataFrame(rng.poisson(2.0, size=(4, 5)))
        text = suppress_table(counts, 3)
        assert not {"1", "2"} & set(text.to_numpy().ravel())
        assert lines_with_one_hidden(text) == []
