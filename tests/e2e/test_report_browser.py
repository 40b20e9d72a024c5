"""The lägesbild as a person opens it: Debian's chromium, file:// URL, network off."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
SECTIONS = ["Sammanfattning", "Kartläggning", "Övrig relevant information", "Analys",
            "Uppföljning av medborgarlöften", "Åtgärder och uppföljning", "Förslag inför nästa löfte",
            "Datakvalitet och källor"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def latest_report(output_dir: Path) -> Path:
    periods = sorted(p for p in output_dir.iterdir() if re.fullmatch(r"\d{4}-T\d", p.name))
    return periods[-1] / "lagesbild.html"


def test_lagesbild_renders_offline_in_chromium(sample_run, browser, artifacts):
    html = latest_report(sample_run.output_dir)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
    page = context.new_page()
    errors, attempted = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            attempted.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(html.as_uri(), wait_until="load")

    assert errors == [] and attempted == []
    headings = page.locator("h2").all_inner_texts()
    assert headings == SECTIONS
    charts = page.locator("figure.chart")
    assert charts.count() >= 7
    for i in range(charts.count()):
        box = charts.nth(i).locator("svg").first.bounding_box()
        assert box and box["width"] > 150 and box["height"] > 80, f"chart {i} not rendered"
        assert charts.nth(i).locator("svg path, svg line, svg rect").count() > 3
    text = page.inner_text("body")
    assert "Lägesbild Östhammars kommun" in text
    # the action plan: a late measure stands out; the coordinator's words sit under Analys
    late = page.locator("#atgarder tr.late")
    assert late.count() >= 1
    assert late.first.locator("th").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 236, 234)"
    page.locator("#atgarder").screenshot(path=str(artifacts / f"atgarder_{html.parent.name}.png"))
    assert page.locator("#analys .coordinator h4").count() >= 1
    page.locator("#analys .coordinator").screenshot(path=str(artifacts / f"analys_{html.parent.name}.png"))
    shot = artifacts / f"lagesbild_{html.parent.name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    # the page prints: the PDF of the same file is kept beside the screenshot for a person to read
    shutil.copy(html.with_suffix(".pdf"), artifacts / f"lagesbild_{html.parent.name}.pdf")
    context.close()
