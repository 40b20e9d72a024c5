"""What makes a chart accessible without a browser (issue 17, DATA-CONTRACT §4.2): every chart
colour has 3:1 contrast against the page (WCAG 1.4.11), text colours 4.5:1 (1.4.3), and every
chart is one image whose text alternative lists the figures as printed."""

import re

import pandas as pd
import pytest

from pipelines.picture import charts, maps


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = "#ffffff") -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert round(contrast("#000000"), 1) == 21.0 and round(contrast("#777777"), 2) == 4.48


@pytest.mark.parametrize("colour", [charts.BLUE, *charts.PALETTE, *charts.SEQUENTIAL, charts.INTERVAL])
def test_chart_colours_stand_out_from_the_page(colour):
    assert contrast(colour) >= 3.0


def hex_of(colour: str) -> str:
    """'#rrggbb' of a colour as Vega writes it: '#rrggbb' or 'rgb(r, g, b)'."""
    if colour.startswith("#"):
        return colour
    return "#" + "".join(f"{int(c):02x}" for c in re.findall(r"\d+", colour))


def test_every_municipality_of_the_choropleth_has_an_outline_that_stands_out():
    """The lightest fill (no figure: grey; the scale's low end) has less than 3:1 against the
    page, so each shape's border carries the 3:1 (WCAG 1.4.11) against the page and every fill."""
    values = [maps.MapValue("0382", "Östhammar", 0.0, "0,0"), maps.MapValue("0360", "Tierp", None, "–"),
              maps.MapValue("0319", "Älvkarleby", 4.2, "4,2")]
    svg = maps.choropleth(values, "Anmälda brott", "per 1 000 invånare")
    shapes = [(hex_of(fill), stroke) for fill, stroke in
              re.findall(r'<path transform[^>]*\sfill="([^"]+)"[^>]*\sstroke="(#[0-9a-f]{6})"', svg)]
    assert len({fill for fill, _ in shapes}) == 3  # the grey, the low end and the high end are drawn
    for fill, stroke in shapes:
        assert contrast(stroke) >= 3.0 and contrast(stroke, fill) >= 3.0 or contrast(fill) >= 3.0, (fill, stroke)
    assert contrast(maps.SCHEME[0]) < 3.0  # why the outline is needed at all


def test_chart_text_is_readable():
    assert contrast(charts.TEXT) >= 4.5


LONG = pd.DataFrame({"period": ["2025-T1", "2025-T2", "2025-T1", "2025-T2"],
                     "category_name": ["Stöld", "Stöld", "Våld", "Våld"], "shown": [10.0, 12.0, None, 5.0],
                     "text": ["10", "12", "<3", "5"]})


@pytest.mark.parametrize("draw", [charts.trend_lines, charts.grouped_bars])
def test_series_charts_describe_every_point_as_printed(draw):
    svg = draw(LONG, 3, "Anmälda brott", ["Våld", "Stöld"])
    [label] = re.findall(r'<svg[^>]* role="img" aria-label="([^"]*)"', svg)
    assert "Våld: 2025-T1 &lt;3, 2025-T2 5; Stöld: 2025-T1 10, 2025-T2 12." in label
    [title] = re.findall(r"<title>([^<]*)</title>", svg)
    assert title == label  # the PDF's /Alt (WeasyPrint reads the <title>) says the same
    assert not re.search(r'\srole="graphics-', svg)  # Vega's inner roles are gone: one image


def test_accessible_svg_escapes_and_the_map_uses_it():
    svg = charts.accessible_svg('<svg width="1"><g role="graphics-object" aria-roledescription="x"/></svg>', 'a "b" <c>')
    assert svg == ('<svg width="1" role="img" aria-label="a &quot;b&quot; &lt;c&gt;"><title>a "b" &lt;c&gt;</title>'
                   '<g/></svg>')
    assert maps.accessible_svg("", "x") == "" and "<title>x</title>" in maps.accessible_svg("<svg></svg>", "x")
