"""The lägesbild's map as a person opens it: Debian's chromium, file:// URL, network off, on the
sample: the municipality's outline and one circle per area with a point in municipality.yaml,
drawn with a real size; the areas without a point listed beside it; the map has a text
alternative. The screenshot is kept under test-artifacts/ for a person to look at."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import SAMPLE
from tests.e2e.test_report_browser import browser, latest_report  # noqa: F401  (the module's chromium)

pytestmark = pytest.mark.e2e


def test_map_renders_offline_in_chromium(sample_run, browser, artifacts):  # noqa: F811
    areas = yaml.safe_load((SAMPLE / "municipality.yaml").read_text(encoding="utf-8"))["areas"]
    with_point = [a["name"] for a in areas if "lat" in a]
    without = [a["name"] for a in areas if "lat" not in a]
    assert len(with_point) == 5 and without

    html = latest_report(sample_run.output_dir)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    page = context.new_page()
    errors, attempted = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(html.as_uri(), wait_until="load")
    assert errors == [] and attempted == []

    svg = page.locator("figure.map svg")
    assert svg.count() == 1 and svg.get_attribute("role") == "img"
    label = svg.get_attribute("aria-label")
    assert label.startswith("Karta över Östhammars kommun") and all(name in label for name in with_point)

    outline = page.locator("figure.map svg g.outline_marks path")
    assert outline.count() == 1
    box = outline.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    circles = page.locator("figure.map svg g.area_marks path, figure.map svg g.area_hidden_marks path")
    assert circles.count() == len(with_point)
    for i in range(circles.count()):
        circle = circles.nth(i).bounding_box()
        assert circle and circle["width"] > 5 and circle["height"] > 5
        # every circle lies on the map, within the outline's box
        assert box["x"] <= circle["x"] + circle["width"] / 2 <= box["x"] + box["width"]
        assert box["y"] <= circle["y"] + circle["height"] / 2 <= box["y"] + box["height"]
    labels = page.locator("figure.map svg g.label_marks text").all_text_contents()
    assert sorted(t.rsplit(" ", 1)[0] for t in labels) == sorted(with_point)
    aside = page.locator(".map-aside li").all_inner_texts()
    assert aside == without
    assert "Kartunderlag: Valmyndigheten" in page.locator("figure.map figcaption").inner_text()

    page.locator(".map-row").scroll_into_view_if_needed()
    shot = artifacts / f"karta_{html.parent.name}.png"
    page.locator(".map-row").screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    context.close()
