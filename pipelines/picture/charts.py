"""Charts as inline SVG, rendered offline by Altair + vl-convert (no browser, no CDN).

Every chart takes already published values: a count hidden in the tables is hidden
in the chart too (no bar, no point; its label says '<t' or 'dolt'). Count axes tick
in steps of at least five, so no axis label reads as a small count.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert


FONT = "DejaVu Sans, Arial, sans-serif"
BLUE = "#1f5f8b"
PALETTE = ["#1f5f8b", "#d9822b", "#3a8f5c", "#b03a48", "#6c4f9e", "#8c6d31", "#2b9bb5", "#7a7a7a"]


def _svg(chart) -> str:
    # aria=False: no generated descriptions ("a scale with 2 values") in the published SVG.
    # validate=False: the JSON-schema check of a spec this module built cost more than drawing it;
    # tests/unit/test_picture_charts.py validates every chart kind instead.
    spec = (chart.configure(font=FONT, aria=False).configure_view(strokeWidth=0)
            .configure_title(anchor="start", fontSize=13).to_dict(validate=False))
    return vl_convert.vegalite_to_svg(spec)


def _count_encoding(field: str, title: str, threshold: int, values) -> dict:
    """Scale and axis of a count: ticks at multiples of a step of at least five (and at
    least the threshold), so no tick label can be read as a hidden small count."""
    top = max([float(v) for v in values if v is not None and not pd.isna(v)] or [0.0])
    step = next(s for s in _STEPS if s >= max(5, threshold) and top / s <= 6)
    end = max(step, -(-int(top) // step) * step)
    return dict(
        field=field, type="quantitative",
        scale=alt.Scale(domain=[0, end], nice=False),
        axis=alt.Axis(title=title, values=list(range(0, end + 1, step)), format="d"),
    )


_STEPS = [m * 10**e for e in range(0, 9) for m in (1, 2, 2.5, 5)]
_STEPS = [int(s) for s in _STEPS if float(s).is_integer()]


def published_bars(data: pd.DataFrame, threshold: int, title: str, axis_title: str, horizontal: bool = True) -> str:
    """Bars of published figures: `data` has label, shown (the number drawn; None = hidden or
    missing: no bar) and text (the figure as printed, the bar's label)."""
    data = data[["label", "shown", "text"]].copy()
    order = data["label"].tolist()
    data["_pos"] = data["shown"].fillna(0)
    if horizontal:
        cat = alt.Y("label:N", sort=order, title=None)
        val = alt.X(**_count_encoding("shown", axis_title, threshold, data["shown"]))
        pos = alt.X("_pos:Q")
        text_mark = dict(align="left", dx=4)
        size = dict(width=440, height=26 * max(len(order), 1))
    else:
        cat = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0))
        val = alt.Y(**_count_encoding("shown", axis_title, threshold, data["shown"]))
        pos = alt.Y("_pos:Q")
        text_mark = dict(dy=-6)
        size = dict(width=max(72 * len(order), 240), height=180)
    base = alt.Chart(data, title=title)
    bars = base.mark_bar(color=BLUE).encode(**{"y" if horizontal else "x": cat, "x" if horizontal else "y": val})
    labels = base.mark_text(color="#222", **text_mark).encode(
        **{"y" if horizontal else "x": cat, "x" if horizontal else "y": pos}, text="text:N"
    )
    return _svg((bars + labels).properties(**size))


def trend_lines(data: pd.DataFrame, threshold: int, title: str, order: list[str]) -> str:
    """One line per category over the periods; `data` has period, category_name, shown
    (None = hidden: the line breaks there)."""
    chart = (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(**_count_encoding("shown", "Anmälda brott", threshold, data["shown"])),
            color=alt.Color("category_name:N", sort=order, title="Kategori",
                            scale=alt.Scale(range=PALETTE)),
        )
        .properties(width=560, height=240)
    )
    return _svg(chart)


def grouped_bars(data: pd.DataFrame, threshold: int, title: str, order: list[str]) -> str:
    """Bars per category, one per period (the same tertial in several years)."""
    periods = sorted(data["period"].unique())
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("category_name:N", sort=order, title=None),
            yOffset=alt.YOffset("period:N", sort=periods),
            x=alt.X(**_count_encoding("shown", "Anmälda brott", threshold, data["shown"])),
            color=alt.Color("period:N", sort=periods, title="Tertial",
                            scale=alt.Scale(range=["#c6d9e8", "#8fb4d0", "#4f86ad", BLUE][-len(periods):])),
        )
        .properties(width=440, height=22 * len(order) * max(len(periods), 1) / 2 + 40)
    )
    return _svg(chart)


def share_intervals(data: pd.DataFrame, title: str, order: list[str]) -> str:
    """Survey shares with their 95 % intervals; `data` has category_name, share, low, high (0–1)."""
    base = alt.Chart(data, title=title).encode(y=alt.Y("category_name:N", sort=order, title=None))
    rules = base.mark_rule(color="#888", strokeWidth=2).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(title="Andel som upplever problem", format="%")),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=70, color=BLUE).encode(x="share:Q")
    return _svg((rules + points).properties(width=440, height=26 * max(len(order), 1)))
