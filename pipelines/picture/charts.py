"""Charts as inline SVG, rendered offline by Altair + vl-convert (no browser, no CDN).

Counts below the suppression threshold are never drawn at their value: the bar is
left out and the label says '<t'.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from .suppression import is_hidden, show_count

FONT = "DejaVu Sans, Arial, sans-serif"


def _svg(chart: alt.Chart) -> str:
    spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_dict()
    return vl_convert.vegalite_to_svg(spec)


def category_bars(frame: pd.DataFrame, value: str, label: str, threshold: int, title: str) -> str:
    """Horizontal bars per category; `frame` has category_name, category_order and `value`."""
    data = frame[["category_name", "category_order", value]].copy()
    data["shown"] = [None if is_hidden(v, threshold) else v for v in data[value]]
    data["text"] = [show_count(v, threshold) for v in data[value]]
    order = data.sort_values("category_order")["category_name"].tolist()
    base = alt.Chart(data, title=title).encode(
        y=alt.Y("category_name:N", sort=order, title=None),
    )
    bars = base.mark_bar(color="#1f5f8b").encode(x=alt.X("shown:Q", title=label, axis=alt.Axis(tickMinStep=1)))
    text = base.mark_text(align="left", dx=4, color="#222").encode(x=alt.X("shown:Q"), text="text:N")
    # Hidden values have no bar: put their label at zero.
    hidden_text = (
        alt.Chart(data[data["shown"].isna() & (data[value].fillna(0) > 0)])
        .mark_text(align="left", dx=4, color="#666")
        .encode(y=alt.Y("category_name:N", sort=order), x=alt.datum(0), text="text:N")
    )
    return _svg((bars + text + hidden_text).properties(width=460, height=28 * max(len(order), 1)))


def period_bars(frame: pd.DataFrame, value: str, label: str, threshold: int, title: str) -> str:
    """One bar per period (`frame` has period and `value`, every period present, zeros included)."""
    data = frame[["period", value]].copy()
    data["shown"] = [None if is_hidden(v, threshold) else v for v in data[value]]
    data["text"] = [show_count(v, threshold) for v in data[value]]
    base = alt.Chart(data, title=title).encode(x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(color="#1f5f8b").encode(y=alt.Y("shown:Q", title=label, axis=alt.Axis(tickMinStep=1)))
    text = base.mark_text(dy=-6, color="#222").encode(y=alt.Y("shown:Q"), text="text:N")
    hidden_text = (
        alt.Chart(data[data["shown"].isna() & (data[value].fillna(0) > 0)])
        .mark_text(dy=-6, color="#666")
        .encode(x=alt.X("period:O"), y=alt.datum(0), text="text:N")
    )
    return _svg((bars + text + hidden_text).properties(width=60 * max(len(data), 4), height=180))
