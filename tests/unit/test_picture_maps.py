"""The lägesbild's map (maps.area_map): a valid Vega-Lite spec, drawn offline; a hidden count is
a ring whose size says nothing about it; the text alternative says what the tables say."""

import re

import jsonschema
import pytest
from altair.vegalite.v6.schema import core

from pipelines.picture import maps

POINTS = [
    maps.AreaPoint("Östhammar", 60.259, 18.370, 120.0, "120", "+20 %", "säkerställd", "Ökning, säkerställd"),
    maps.AreaPoint("Gimo", 60.175, 18.182, 30.0, "30", "−5 %", "kan vara slump", "Oförändrat"),
    maps.AreaPoint("Alunda", 60.063, 18.078, None, "<3", "dolt", "–", "Ingen jämförelse"),
]


def test_the_map_spec_is_valid_vega_lite(monkeypatch):
    specs = []
    monkeypatch.setattr(maps.vl_convert, "vegalite_to_svg", lambda spec, **_: specs.append(spec) or "<svg/>")
    maps.area_map("0382", POINTS, "Titel")
    [spec] = specs
    schema = core.load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(spec)


def _paths(svg: str, name: str) -> list[str]:
    group = re.search(rf'<g class="[^"]*\b{name}_marks"[^>]*>(.*?)</g>', svg, re.S)
    return re.findall(r'<path [^>]*d="([^"]+)"', group.group(1)) if group else []


def test_outline_circles_and_a_ring_for_the_hidden_count():
    svg = maps.area_map("0382", POINTS, "Titel")
    assert len(_paths(svg, "outline")) == 1
    assert len(_paths(svg, "area")) == 2 and len(_paths(svg, "area_hidden")) == 1
    assert "Alunda &lt;3" in svg and "Östhammar 120" in svg
    for label in maps.CHANGE_COLOURS:  # the whole legend, whatever this tertial uses
        assert label in svg


def test_size_follows_the_count_and_never_a_hidden_one():
    assert maps.circle_size(120, 120) == maps.SIZE_RANGE[1]
    assert maps.circle_size(0, 120) == maps.SIZE_RANGE[0]
    assert maps.circle_size(60, 120) - maps.SIZE_RANGE[0] == pytest.approx((maps.SIZE_RANGE[1] - maps.SIZE_RANGE[0]) / 2)
    # the ring of a hidden count is the same whatever the other counts are
    other = [POINTS[0], maps.AreaPoint("Gimo", 60.175, 18.182, 3000.0, "3 000", "–", "–", "Ingen jämförelse"),
             POINTS[2]]
    assert _paths(maps.area_map("0382", POINTS, "T"), "area_hidden") == \
        _paths(maps.area_map("0382", other, "T"), "area_hidden")


def test_text_alternative_lists_what_is_printed():
    text = maps.area_map_text("Östhammars", "2026-T2", POINTS, ["Gräsö", "Forsmark"])
    assert text.startswith("Karta över Östhammars kommun.")
    assert "Östhammar: 120 anmälda brott, förändring +20 % (säkerställd)" in text
    assert "Alunda: <3 anmälda brott, förändring dolt" in text
    assert text.endswith("Utan punkt på kartan: Gräsö, Forsmark.")
    assert maps.area_map_text("Östhammars", "2026-T2", [], ["Gräsö"]).endswith(
        "Inget område har en punkt på kartan. Utan punkt på kartan: Gräsö.")


def test_a_municipality_without_an_outline_still_gets_its_points():
    svg = maps.area_map("9999", POINTS, "T")
    assert len(_paths(svg, "outline")) == 0 and len(_paths(svg, "area")) == 2
    assert maps.area_map("9999", [], "T") == ""
