"""How published figures read, and the charts that draw them."""

import re

import pandas as pd
import pytest

from pipelines.picture import charts
from pipelines.picture.suppression import ordinal, show_change, show_decimal, show_int, show_share


def test_change_and_ordinals_read_as_swedish():
    assert [show_change(v) for v in (12.4, -8.6, 0, None)] == ["+12 %", "−9 %", "±0 %", "–"]
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 21, 22)] == ["1:a", "2:a", "3:e", "11:e", "12:e", "21:a", "22:a"]
    assert [show_share(v) for v in (0.304, 0.0, None)] == ["30 %", "0 %", "–"]
    assert show_int(12345) == "12\u00a0345" and show_decimal(1234.56, 1) == "1\u00a0234,6"


@pytest.mark.parametrize("top", [0, 1, 2, 4, 5, 7, 12, 40, 137, 999, 12345])
@pytest.mark.parametrize("threshold", [3, 5])
def test_count_axes_never_label_a_small_count(top, threshold):
    enc = charts._count_encoding("v", "Antal", threshold, [top, None])
    ticks = enc["axis"].values
    assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 8
    assert not [t for t in ticks if 0 < t < max(5, threshold)]


def test_bar_chart_shows_the_published_text_not_the_hidden_value():
    data = pd.DataFrame({"label": ["Stöld", "Inbrott"], "shown": [None, 40], "text": ["<3", "40"]})
    svg = charts.published_bars(data, 3, "Anmälda brott", "Antal")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "&lt;3" in labels and "40" in labels
    # one text alternative, of the printed figures; no generated descriptions of data or axes
    # (such as "a scale with 2 values")
    assert re.findall(r'aria-label="([^"]*)"', svg) == [
        "Stapeldiagram: Anmälda brott. Antal, som i tabellen: Stöld: &lt;3; Inbrott: 40."]
