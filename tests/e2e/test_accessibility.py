"""Every kind of HTML output passes axe-core's WCAG 2.1 A and AA rules in Debian's chromium,
offline (issue 17, DATA-CONTRACT §4.2): the lägesbild (the sample's newest tertial; the hard
cases' preliminary one, which has hidden small counts, and its internal edition),
datakvalitet.html, the regional overview and the pledge briefs rendered as HTML. axe-core is
the copy bundled in the axe-playwright-python wheel; nothing is fetched."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe
from markdown_it import MarkdownIt

from pipelines.picture.published import Figures
from tests.e2e.test_overview_browser import overview_html  # noqa: F401  (the two-municipality overview)
from tests.e2e.test_report_browser import browser, latest_report  # noqa: F401  (the module's chromium)

pytestmark = pytest.mark.e2e

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules the issue names too: heading order, a main landmark, one h1, the skip link.
STRUCTURE = ["heading-order", "landmark-one-main", "page-has-heading-one", "skip-link", "region"]
EDGE_PERIOD = "2025-T2"  # tests/edge_cases.py: preliminary, with hidden small counts


def axe(browser, path: Path, rules: list[str] | None = None) -> list[dict]:  # noqa: F811
    """axe-core's violations of `path` (WCAG 2.1 A/AA, or the named rules), the page offline."""
    context = browser.new_context(offline=True)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        options = ({"runOnly": {"type": "rule", "values": rules}} if rules
                   else {"runOnly": {"type": "tag", "values": WCAG}})
        return Axe().run(page, options=options).response["violations"]
    finally:
        context.close()


def summary(violations: list[dict]) -> list[str]:
    return [f"{v['id']} ({len(v['nodes'])}): {v['nodes'][0]['target']}" for v in violations]


def brief_pages(report_dir: Path, out: Path) -> list[Path]:
    """The pledge briefs as a person reads them rendered (Markdown to HTML, in a Swedish page)."""
    md = MarkdownIt("commonmark").enable("table")
    pages = []
    for brief in sorted((report_dir / "pledges").glob("*.md")):
        text = brief.read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("# ")
        page = out / f"{brief.stem}.html"
        page.write_text(f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title}</title></head>'
                        f"<body><main>{md.render(text)}</main></body></html>", encoding="utf-8")
        pages.append(page)
    return pages


def internal_edition(run, period: str, base: Path) -> Path:
    """The internal edition (LAGESBILD_INTERNAL=on) of `period`, from a copy of the run's warehouse."""
    import shutil

    from pipelines.picture import figures, lagesbild, published

    warehouse = base / "lagesbild.duckdb"
    shutil.copy(run.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        published.write_frames(con, figures.build_frames(con, internal=True), published.INTERNAL_TABLE)
        report = lagesbild.build(con, period, base / "output", pdf=False, internal=True)
    return report.internal.html_path


@pytest.fixture(scope="module")
def outputs(sample_run, edge_run, overview_html, tmp_path_factory) -> dict[str, Path]:  # noqa: F811
    report = latest_report(sample_run.output_dir)
    pages = {"lagesbild": report, "datakvalitet": report.with_name("datakvalitet.html"),
             "lagesbild med dolda tal": edge_run.output_dir / EDGE_PERIOD / "lagesbild.html",
             "datakvalitet med dolda tal": edge_run.output_dir / EDGE_PERIOD / "datakvalitet.html",
             "regional översikt": overview_html,
             "intern utgåva": internal_edition(edge_run, EDGE_PERIOD, tmp_path_factory.mktemp("internal"))}
    briefs = brief_pages(report.parent, tmp_path_factory.mktemp("briefs"))
    assert briefs, "the sample has pledges: their briefs are checked too"
    pages.update({f"brief {p.stem}": p for p in briefs})
    for path in pages.values():
        assert path.exists(), path
    return pages


def test_every_html_output_passes_wcag21_aa(outputs, browser):  # noqa: F811
    found = {name: summary(axe(browser, path)) for name, path in outputs.items()}
    assert found == {name: [] for name in outputs}


def test_headings_landmarks_and_skip_link(outputs, browser):  # noqa: F811
    published = {k: v for k, v in outputs.items() if not k.startswith("brief")}
    found = {name: summary(axe(browser, path, STRUCTURE)) for name, path in published.items()}
    assert found == {name: [] for name in published}
    for path in published.values():
        assert '<a class="skip-link" href="#innehall">' in path.read_text(encoding="utf-8")


def test_a_planted_violation_fails(outputs, browser, tmp_path):  # noqa: F811
    """The check can fail: a chart without its text alternative, and a page without its language."""
    html = outputs["lagesbild"].read_text(encoding="utf-8")
    no_alt = re.sub(r'(<svg[^>]*? role="img") aria-label="[^"]*"(>)<title>[^<]*</title>', r"\1\2", html, count=1)
    assert no_alt != html
    (tmp_path / "no_alt.html").write_text(no_alt, encoding="utf-8")
    assert "svg-img-alt" in {v["id"] for v in axe(browser, tmp_path / "no_alt.html")}
    (tmp_path / "no_lang.html").write_text(html.replace('<html lang="sv">', "<html>"), encoding="utf-8")
    assert "html-has-lang" in {v["id"] for v in axe(browser, tmp_path / "no_lang.html")}


CHARTED = {"kallor": "reported", "omraden": "per_1000", "tid_pa_dygnet": "events", "veckodag": "events"}


@pytest.mark.parametrize("run_name", ["sample_run", "edge_run"])
def test_chart_text_alternatives_say_the_published_figures_never_a_hidden_one(run_name, request):
    """Each bar chart's text alternative lists its rows as the table prints them; a hidden cell
    is '<3' or 'dolt' there too, never the number behind it."""
    run = request.getfixturevalue(run_name)
    report = latest_report(run.output_dir) if run_name == "sample_run" else run.output_dir / EDGE_PERIOD / "lagesbild.html"
    labels = [unescape(a) for a in re.findall(r'<svg[^>]* role="img" aria-label="([^"]*)"', report.read_text("utf-8"))]
    assert len(labels) >= 6
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        f = Figures(con, report.parent.name)
    checked = hidden = 0
    for table, column in CHARTED.items():
        g = f[table]
        [alt] = [a for a in labels if g.rows and all(f"{label}: " in a for _, label in g.rows if _ != "*")][:1] or [""]
        for key, label in g.rows:
            cell = g.cell(key, column)
            if key == "*" or cell is None:
                continue
            assert f"{label}: {cell.shown}" in alt, (table, label)
            checked += 1
            if cell.value is not None and (cell.shown == "dolt" or cell.shown.startswith("<")):
                hidden += 1
                assert f"{label}: {int(cell.value)}" not in alt
    assert checked >= 10
    if run_name == "edge_run":
        assert hidden, "the hard cases have hidden counts in a chart"
