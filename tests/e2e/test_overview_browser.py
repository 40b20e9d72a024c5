"""The regional overview as a person opens it: Debian's chromium, file:// URL, network off,
for a region of two municipalities (tests/region_overview.py): the map's outlines are drawn
and the side-by-side tables are there."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.picture import overview
from tests.e2e.test_report_browser import browser  # noqa: F401  (the module's chromium)
from tests.region_overview import SECOND_NAME, publish_region, two_municipalities

pytestmark = pytest.mark.e2e
PERIOD = "2024-T2"


@pytest.fixture(scope="module")
def overview_html(sample_run, tmp_path_factory):
    base = tmp_path_factory.mktemp("overview")
    warehouse = two_municipalities(sample_run.warehouse, base)
    publish_region(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return overview.build(con, PERIOD, base / "region" / PERIOD, pdf=False).html_path


def test_overview_map_and_tables_render_offline_in_chromium(overview_html, browser, artifacts):  # noqa: F811
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
    page.goto(overview_html.as_uri(), wait_until="load")
    assert errors == [] and attempted == []
    assert page.locator("html").get_attribute("lang") == "sv"

    # the map: one filled outline per municipality, drawn with a real size on the page
    svg = page.locator("figure.map svg")
    assert svg.get_attribute("role") == "img" and SECOND_NAME in svg.get_attribute("aria-label")
    shapes = page.locator("figure.map svg path[fill^='rgb']")
    assert shapes.count() == 2
    for i in range(shapes.count()):
        box = shapes.nth(i).bounding_box()
        assert box and box["width"] > 40 and box["height"] > 40
    assert "Kartunderlag: Valmyndigheten" in page.locator("figure.map figcaption").inner_text()

    # the tables: captions, column and row headers, both municipalities and the region
    tables = page.locator("table")
    assert tables.count() >= 10
    assert page.locator("table caption").count() == tables.count()
    side = page.locator("table", has=page.locator("caption", has_text="Alla problemkategorier"))
    rows = side.locator("tbody th[scope=row]").all_inner_texts()
    assert set(rows) == {"Östhammar", SECOND_NAME, "Hela regionen"}
    assert side.locator("thead th[scope=col]").count() >= 8
    assert "Kartunderlag" in page.locator("footer").inner_text()
    page.screenshot(path=str(artifacts / "oversikt.png"), full_page=True)
    context.close()
