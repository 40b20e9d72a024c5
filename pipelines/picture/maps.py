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
# Each municipality's outline: 3:1 against the page and the lightest fills (WCAG 1.4.11), so
# every shape stands out however light its colour; the colour's value is printed on the map.
BORDER = "#6b6b6b"


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
    empty = base.mark_geoshape(fill=NO_FIGURE, stroke=BORDER, strokeWidth=0.75).transform_filter(
        "datum.properties.value == null")
    layers = [empty]
    if numbers:
        top = max(numbers) or 1.0
        coloured = base.mark_geoshape(stroke=BORDER, strokeWidth=0.75).encode(
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


# ------------------------------------------------------------------ a municipality's areas (the lägesbild's map)

# The colour of an area's change against the same tertial last year (figures.MAP_CLASSES and
# figures.NO_COMPARISON): dark when the change is significant, light when it may be chance.
# Every circle has a dark outline, so even the lightest fill stands out against the page.
CHANGE_COLOURS = {
    "Ökning, säkerställd": "#b2182b",
    "Ökning, kan vara slump": "#f4a582",
    "Oförändrat": "#f7f7f7",
    "Minskning, kan vara slump": "#92c5de",
    "Minskning, säkerställd": "#2166ac",
    "Ingen jämförelse": "#bdbdbd",
}
OUTLINE_FILL, OUTLINE_STROKE, MARK_STROKE = "#f1f4f7", "#4d4d4d", "#1d1d1d"
# Circle areas in px², proportional to the count above a floor that keeps 0 visible; a hidden
# count gets a fixed ring whose size says nothing about it.
SIZE_RANGE, HIDDEN_SIZE = (40.0, 1400.0), 220.0


@dataclass
class AreaPoint:
    name: str
    lat: float
    lon: float
    number: float | None  # the count drawn; None = hidden, unknown or missing: a dashed ring of fixed size
    shown: str            # the count as printed
    change: str           # the change as printed
    significance: str     # 'säkerställd', 'kan vara slump', '–'
    colour: str           # a key of CHANGE_COLOURS


def circle_size(number: float, top: float) -> float:
    low, high = SIZE_RANGE
    return low + (high - low) * number / top if top > 0 else low


def area_map(kommun_code: str, points: list[AreaPoint], title: str, width: int = 520, height: int = 440) -> str:
    """SVG of the municipality's outline with its areas as circles at their points: size = the
    count (hidden ones a dashed ring), colour = the change and its test, labelled with the
    figures as printed. Offline (vl-convert); the outline from OUTLINES by SCB code."""
    feature = outlines().get(kommun_code)
    if feature is None and not points:
        return ""
    # A plain Vega-Lite spec: Altair's encoders cost ~0.3 s a map (the renderer ~0.1 s), once per
    # report (tests/unit/test_picture_maps.py validates the spec against the schema instead).
    layers = []
    if feature is not None:
        layers.append({"name": "outline", "data": {"values": [{"type": "Feature", "geometry": feature["geometry"],
                                                               "properties": {}}]},
                       "mark": {"type": "geoshape", "fill": OUTLINE_FILL, "stroke": OUTLINE_STROKE,
                                "strokeWidth": 1.2}})
    top = max([p.number for p in points if p.number is not None] or [0.0])
    rows = []
    for p in points:
        size = circle_size(p.number, top) if p.number is not None else HIDDEN_SIZE
        rows.append({"name": p.name, "lat": p.lat, "lon": p.lon, "size": size, "drawn": p.number is not None,
                     "colour": p.colour, "label": f"{p.name} {p.shown}",
                     "dx": round((size / 3.14159) ** 0.5 + 4, 1)})
    if rows:
        position = {"longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"}}
        colour = {"field": "colour", "type": "nominal", "title": ["Förändring mot", "samma tertial i fjol"],
                  "scale": {"domain": list(CHANGE_COLOURS), "range": list(CHANGE_COLOURS.values())},
                  "legend": {"orient": "right", "symbolStrokeColor": MARK_STROKE, "symbolStrokeWidth": 1,
                             "titleLineHeight": 15, "titleLimit": 400, "labelLimit": 300}}
        text = {"type": "text", "align": "left", "baseline": "middle", "fontSize": 11, "font": FONT,
                "dx": {"expr": "datum.dx"}}
        label = {**position, "text": {"field": "label", "type": "nominal"}}
        layers += [
            {"name": "area", "transform": [{"filter": "datum.drawn"}],
             "mark": {"type": "circle", "stroke": MARK_STROKE, "strokeWidth": 1, "opacity": 1},
             "encoding": {**position, "size": {"field": "size", "type": "quantitative", "scale": None},
                          "color": colour}},
            {"name": "area_hidden", "transform": [{"filter": "!datum.drawn"}],
             "mark": {"type": "point", "shape": "circle", "filled": False, "size": HIDDEN_SIZE, "stroke": "#555555",
                      "strokeWidth": 1.5, "strokeDash": [3, 2]},
             "encoding": position},
            {"name": "label_halo", "mark": {**text, "color": "white", "stroke": "white", "strokeWidth": 3},
             "encoding": label},
            {"name": "label", "mark": {**text, "color": "#111111"}, "encoding": label},
        ]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",  # a name only: nothing is fetched
        "width": width, "height": height, "title": title, "projection": {"type": "mercator"},
        "data": {"values": rows}, "layer": layers,
        "config": {"font": FONT, "aria": False, "view": {"strokeWidth": 0}, "title": {"anchor": "start", "fontSize": 13}},
    }
    return vl_convert.vegalite_to_svg(spec)


def area_map_text(kommun_genitive: str, period: str, points: list[AreaPoint], without_point: list[str]) -> str:
    """The map in words (its aria-label): what it shows and every drawn area's figures as printed."""
    parts = []
    for p in points:
        part = f"{p.name}: {p.shown} anmälda brott"
        if p.change not in ("–", ""):
            part += f", förändring {p.change}" + (f" ({p.significance})" if p.significance not in ("–", "") else "")
        parts.append(part)
    text = (f"Karta över {kommun_genitive} kommun. Varje område med en punkt är en cirkel vars storlek visar anmälda brott "
            f"{period} och vars färg visar förändringen mot samma tertial i fjol. ")
    text += "; ".join(parts) + "." if parts else "Inget område har en punkt på kartan."
    if without_point:
        text += f" Utan punkt på kartan: {', '.join(without_point)}."
    return text
