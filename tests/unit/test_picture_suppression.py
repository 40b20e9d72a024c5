"""Published numbers of the lägesbild: series with totals, survey shares, chart axes."""

import re

import pandas as pd
import pytest

from pipelines.picture import charts
from pipelines.picture.content import ordinal
from pipelines.picture.suppression import COMPLEMENTARY, show_change, show_share, shown_value, suppress_series


def test_series_with_one_small_count_hides_a_second_one():
    text, total = suppress_series(pd.Series({"natt": 11, "dag": 5, "kväll": 1}), 3)
    assert text["kväll"] == "<3"
    assert text["dag"] == COMPLEMENTARY  # else 17 − 11 − 5 = 1 would show
    assert text["natt"] == "11" and total == "17"


def test_series_whose_total_is_small_hides_everything_small():
    text, total = suppress_series(pd.Series({"a": 0, "b": 2}), 3)
    assert text.tolist() == ["0", "<3"] and total == "<3"


@pytest.mark.parametrize(
    "share, n, shown",
    [(0.3, 50, "30 %"), (0.5, 2, None), (0.02, 50, None), (0.98, 50, None), (None, 40, None), (0.0, 40, "0 %")],
)
def test_survey_share_hidden_when_it_reveals_a_small_number_of_people(share, n, shown):
    text = show_share(share, n, 3)
    assert text == shown if shown else not text.endswith("%")


def test_shown_value_drops_hidden_cells():
    assert shown_value(7, "7") == 7
    assert shown_value(2, "<3") is None and shown_value(9, COMPLEMENTARY) is None and shown_value(None, "–") is None


def test_change_and_ordinals_read_as_swedish():
    assert [show_change(v) for v in (12.4, -8.6, 0, None)] == ["+12 %", "−9 %", "±0 %", "–"]
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 21, 22)] == ["1:a", "2:a", "3:e", "11:e", "12:e", "21:a", "22:a"]


@pytest.mark.parametrize("top", [0, 1, 2, 4, 5, 7, 12, 40, 137, 999, 12345])
@pytest.mark.parametrize("threshold", [3, 5])
def test_count_axes_never_label_a_small_count(top, threshold):
    enc = charts._count_encoding("v", "Antal", threshold, [top, None])
    ticks = enc["axis"].values
    assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 8
    assert not [t for t in ticks if 0 < t < max(5, threshold)]


def test_bar_chart_shows_the_published_text_not_the_hidden_value():
    data = pd.DataFrame({"label": ["Stöld", "Inbrott"], "shown": [None, 40], "text": ["<3", "40"]})
    svg = charts.published_bars(data, "label", "shown", "text", 3, "Anmälda brott", "Antal")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "&lt;3" in labels and "40" in labels
    # no generated descriptions of data or axes (such as "a scale with 2 values")
    assert all(a.startswith("Title text") for a in re.findall(r'aria-label="([^"]*)"', svg))
