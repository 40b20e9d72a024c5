"""The charts skip Altair's schema check when they render (charts._svg: it cost more than the
drawing); here every kind of chart's spec is checked against the Vega-Lite schema instead."""

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema import core

from pipelines.picture import charts

BARS = pd.DataFrame({"label": ["Stöld", "Skadegörelse", "Våld"], "shown": [120.0, None, 7.0],
                     "text": ["120", "<3", "7"]})
LONG = pd.DataFrame({"period": ["2025-T1", "2025-T2", "2025-T1", "2025-T2"],
                     "category_name": ["Stöld", "Stöld", "Våld", "Våld"], "shown": [10.0, 12.0, None, 5.0],
                     "text": ["10", "12", "<3", "5"]})
SHARE = pd.DataFrame({"category_name": ["Stöld", "Våld"], "share": [0.3, 0.1], "low": [0.2, 0.05],
                      "high": [0.4, 0.2], "text": ["30 % (20 %–40 %)", "10 % (5 %–20 %)"]})
ORDER = ["Stöld", "Skadegörelse", "Våld"]


@pytest.mark.parametrize("draw", [
    lambda: charts.published_bars(BARS, 3, "Titel", "Anmälda brott"),
    lambda: charts.published_bars(BARS, 3, "Titel", "Händelser", horizontal=False),
    lambda: charts.trend_lines(LONG, 3, "Titel", ORDER),
    lambda: charts.grouped_bars(LONG, 3, "Titel", ORDER),
    lambda: charts.share_intervals(SHARE, "Titel", ORDER),
])
def test_every_chart_spec_is_valid_vega_lite(draw, monkeypatch):
    specs = []
    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", lambda spec: specs.append(spec) or "<svg/>")
    draw()
    [spec] = specs
    schema = core.load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(spec)
    with pytest.raises(jsonschema.ValidationError):  # the check does look at the spec
        jsonschema.validators.validator_for(schema)(schema).validate({**spec, "mark": "no-such-mark"})
