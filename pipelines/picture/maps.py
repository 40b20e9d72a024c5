"""The regional overview's map: a choropleth of the region's municipalities, drawn offline
(Altair/Vega-Lite geoshape rendered to SVG by vl-convert; no tiles, no network).

It only draws published figures: a municipality whose figure is hidden ('<3', 'dolt') or
missing is drawn grey, without a number, and its label says what the table says. A text
alternative lists every municipality's figure as printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

import vl_convert

from . import charts
from .charts import FONT

OUTLINES = Path(__file__).parent / "geo" / "kommuner.geojson"
CREDIT = "Kartunderlag: Valmyndigheten (förenklat)"
NO_FIGURE = "#d0d0d0"
SCHEME = ["#eef3f7", "#1f5f8b"]  # light to dark: more per 1 000 is darker


@lru_cache(maxsize=1)
def outlines() -> dict[str, dict]:
    """SCB code -> the municipality's GeoJSON feature (pipelines/picture/geo/README.md)."""
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in data["features"]}


@dataclass
class MapValue:
    kommun_code: str
    name: str
    number: float | None  # the value drawn; None = no colour (hidden, missing, unknown)
    shown: str             # the figure as printed


def choropleth(values: list[MapValue], title: str, legend: str, width: int = 360, height: int = 360) -> str:
    """SVG of the municipalities in `values` coloured by `number`; those without a number grey.
    Municipalities without an outline are left out of the drawing (the text alternative lists
    them all)."""
    shapes = outlines()
    features = []
    for v in values:
        feature = shapes.get(v.kommun_code)
        if feature is None:
            continue
        features.append({"type": "Feature", "geometry": feature["geometry"],
                         "properties": {"kommun": v.name, "code": v.kommun_code, "value": v.number,
                                        "label": f"{v.name}: {v.shown}"}})
    if not features:
        return ""
    data = alt.Data(values=features)
    base = alt.Chart(data).properties(width=width, height=height, title=title).project(type="mercator")
    numbers = [v.number for v in values if v.number is not None]
    empty = base.mark_geoshape(fill=NO_FIGURE, stroke="white", strokeWidth=1).transform_filter(
        "datum.properties.value == null")
    layers = [empty]
    if numbers:
        top = max(numbers) or 1.0
        coloured = base.mark_geoshape(stroke="white", strokeWidth=1).encode(
            color=alt.Color("properties.value:Q", title=legend,
                            scale=alt.Scale(domain=[0, top], range=SCHEME, nice=False),
                            legend=alt.Legend(orient="bottom", gradientLength=200, format=".1f", titleLimit=400)),
        ).transform_filter("datum.properties.value != null")
        layers.append(coloured)
    labels = base.mark_text(fontSize=11, font=FONT, color="#111111", stroke="white", strokeWidth=3,
                            strokeOpacity=0.8).encode(
        longitude="centroid[0]:Q", latitude="centroid[1]:Q", text="properties.label:N",
    ).transform_calculate(centroid="geoCentroid(null, datum)")
    text = base.mark_text(fontSize=11, font=FONT, color="#111111").encode(
        longitude="centroid[0]:Q", latitude="centroid[1]:Q", text="properties.label:N",
    ).transform_calculate(centroid="geoCentroid(null, datum)")
    chart = alt.layer(*layers, labels, text).configure(font=FONT, aria=False).configure_view(strokeWidth=0)
    spec = chart.configure_title(anchor="start", fontSize=13).to_dict()
    # sv-SE: the legend's numbers with a decimal comma, as the tables print them
    return vl_convert.vegalite_to_svg(spec, format_locale="sv-SE")


def text_alternative(values: list[MapValue], legend: str) -> str:
    """The map as a sentence for screen readers and the printed page: every figure as printed."""
    parts = [f"{v.name} {v.shown}" for v in values]
    return f"{legend}: " + "; ".join(parts) + "." if parts else ""


def values_frame(values: list[MapValue]) -> pd.DataFrame:
    return pd.DataFrame([vars(v) for v in values], columns=["kommun_code", "name", "number", "shown"])


def accessible_svg(svg: str, label: str) -> str:
    """The SVG as an image with its text alternative (charts.accessible_svg: role="img",
    aria-label and <title>, which is also the PDF's /Alt)."""
    return charts.accessible_svg(svg, label)
