"""Charts as inline SVG, rendered offline by Altair + vl-convert (no browser, no CDN).

Every chart takes already published values: a count hidden in the tables is hidden
in the chart too (no bar, no point; its label says '<t' or 'dolt'). Count axes tick
in steps of at least five, so no axis label reads as a small count.

Every chart is an image with a text alternative (WCAG 2.1, DATA-CONTRACT §4.2): the SVG's
<title>, which a screen reader reads and WeasyPrint writes as the PDF Figure's /Alt. The
text lists the figures *as printed* (the `text` column of the published cells, '<3' and
'dolt' included), never the number behind a hidden one.
"""

from __future__ import annotations

import re
from html import escape

import altair as alt
import pandas as pd
import vl_convert


FONT = "DejaVu Sans, Arial, sans-serif"
# Every mark colour has at least 3:1 contrast against the white page (WCAG 1.4.11, non-text
# contrast; tests/unit/test_chart_accessibility.py checks it), text colours at least 4.5:1.
BLUE = "#1f5f8b"
TEXT = "#222222"
PALETTE = ["#1f5f8b", "#b35f12", "#3a8f5c", "#b03a48", "#6c4f9e", "#8c6d31", "#1d7f91", "#6b6b6b"]
SEQUENTIAL = ["#6d94b5", "#4a7aa3", "#2f6790", "#15405f"]  # light to dark, e.g. oldest to newest tertial
INTERVAL = "#6b6b6b"

_INNER_ROLES = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def accessible_svg(svg: str, alt: str) -> str:
    """The SVG as one image with its text alternative: role="img" and aria-label on the root, the
    same text as its first child <title> (WeasyPrint's PDF/UA Figure /Alt). Vega's own roles of
    the marks inside are dropped: they are parts of the picture, not images of their own."""
    if not svg:
        return ""
    head, sep, body = svg.partition(">")
    head = _INNER_ROLES.sub("", head)
    return (f'{head} role="img" aria-label="{escape(alt)}"{sep}<title>{escape(alt, quote=False)}</title>'
            + _INNER_ROLES.sub("", body))


def _items(data: pd.DataFrame, label: str = "label") -> str:
    return "; ".join(f"{row[label]}: {row['text']}" for _, row in data.iterrows())


def _series(data: pd.DataFrame, group: str, step: str, order: list[str]) -> str:
    """'Stöld: 2025-T1 12, 2025-T2 <3; Inbrott: …' — each group's printed figures in `order`."""
    groups = [g for g in order if g in set(data[group])] + sorted(set(data[group]) - set(order))
    return "; ".join(
        f"{g}: " + ", ".join(f"{r[step]} {r['text']}" for _, r in data[data[group] == g].iterrows())
        for g in groups)


def _svg(chart, alt: str) -> str:
    # aria=False: no generated descriptions ("a scale with 2 values") in the published SVG.
    # validate=False: the JSON-schema check of a spec this module built cost more than drawing it;
    # tests/unit/test_picture_charts.py validates every chart kind instead.
    spec = (chart.configure(font=FONT, aria=False).configure_view(strokeWidth=0)
            .configure_title(anchor="start", fontSize=13).to_dict(validate=False))
    return accessible_svg(vl_convert.vegalite_to_svg(spec), alt)


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
    alt_text = f"Stapeldiagram: {title}. {axis_title}, som i tabellen: {_items(data)}."
    base = alt.Chart(data, title=title)
    bars = base.mark_bar(color=BLUE).encode(**{"y" if horizontal else "x": cat, "x" if horizontal else "y": val})
    labels = base.mark_text(color=TEXT, **text_mark).encode(
        **{"y" if horizontal else "x": cat, "x" if horizontal else "y": pos}, text="text:N"
    )
    return _svg((bars + labels).properties(**size), alt_text)


def trend_lines(data: pd.DataFrame, threshold: int, title: str, order: list[str]) -> str:
    """One line per category over the periods; `data` has period, category_name, shown
    (None = hidden: the line breaks there) and text (the figure as printed)."""
    alt_text = f"Linjediagram: {title}, anmälda brott per tertial och kategori. {_series(data, 'category_name', 'period', order)}."
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
    return _svg(chart, alt_text)


def grouped_bars(data: pd.DataFrame, threshold: int, title: str, order: list[str]) -> str:
    """Bars per category, one per period (the same tertial in several years); `data` as trend_lines'."""
    periods = sorted(data["period"].unique())
    alt_text = f"Stapeldiagram: {title}, anmälda brott per kategori och tertial. {_series(data, 'category_name', 'period', order)}."
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y("category_name:N", sort=order, title=None),
            yOffset=alt.YOffset("period:N", sort=periods),
            x=alt.X(**_count_encoding("shown", "Anmälda brott", threshold, data["shown"])),
            color=alt.Color("period:N", sort=periods, title="Tertial",
                            scale=alt.Scale(range=SEQUENTIAL[-len(periods):] if periods else SEQUENTIAL)),
        )
        .properties(width=440, height=22 * len(order) * max(len(periods), 1) / 2 + 40)
    )
    return _svg(chart, alt_text)


def share_intervals(data: pd.DataFrame, title: str, order: list[str]) -> str:
    """Survey shares with their 95 % intervals; `data` has category_name, share, low, high (0–1)
    and text (the share and interval as printed)."""
    alt_text = f"Punktdiagram: {title}, andel som upplever problem med 95 % konfidensintervall. {_items(data, 'category_name')}."
    base = alt.Chart(data, title=title).encode(y=alt.Y("category_name:N", sort=order, title=None))
    rules = base.mark_rule(color=INTERVAL, strokeWidth=2).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(title="Andel som upplever problem", format="%")),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=70, color=BLUE).encode(x="share:Q")
    return _svg((rules + points).properties(width=440, height=26 * max(len(order), 1)), alt_text)
