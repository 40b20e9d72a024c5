"""marts.fct_published_figures is the picture as data: every figure the HTML, the workbook
and the briefs print is a row of it, with the same text; and on the hard cases (an
extract that ends mid-tertial, a `..` month, an area with three respondents, an event
whose newer version is loaded first) every output tells the truth in the same words."""

from __future__ import annotations

import filecmp
import html as htmllib
import re
from pathlib import Path

import duckdb
import openpyxl


from tests.edge_cases import PERIOD

NUMBER = re.compile(r"\d+(?:[,.]\d+)?")
# Numbers in the template's own prose, not figures: the law, clock hours, the confidence
# level, the false discovery rate, "per 1 000 invånare".
STATIC = [r"2023:196", r"\b\d\d–\d\d\b", r"95 %", r"5 % falska", r"1\u00a0?000 inv", r"1 000 inv", r"2023:196"]


def figures_of(warehouse: Path, period: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from marts.fct_published_figures where period = ?", [period]).df()


def visible_html(path: Path) -> tuple[list[str], str]:
    """(the text of every table cell, all visible text outside the charts)."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<svg.*?</svg>|<style.*?</style>|<title>.*?</title>", " ", page, flags=re.S)
    cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    return cells, text


def allowed_numbers(figures) -> set[str]:
    texts = [*figures["shown"], *figures["row_label"], *figures["column_label"], *figures["table_title"]]
    return {n for t in texts for n in NUMBER.findall(str(t))}


def stray_numbers(text: str, allowed: set[str]) -> list[str]:
    for pattern in STATIC:
        text = re.sub(pattern, " ", text)
    return sorted({n for n in NUMBER.findall(text) if n not in allowed})


def assert_outputs_print_only_figures(output_dir: Path, warehouse: Path, period: str) -> None:
    figures = figures_of(warehouse, period)
    shown = set(figures["shown"])
    allowed = allowed_numbers(figures)
    folder = output_dir / period
    cells, text = visible_html(folder / "lagesbild.html")
    assert cells, period
    assert [c for c in cells if c and c not in shown] == [], f"{period}: table cells not in fct_published_figures"
    assert stray_numbers(text, allowed) == [], f"{period}: numbers in the HTML that are no published figure"
    book = openpyxl.load_workbook(folder / "lagesbild.xlsx")
    values = {v for v in figures["value"].dropna()} | {v / 100 for v in figures.loc[figures["kind"] == "pct", "value"].dropna()}
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=4, min_col=2, values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert v in shown, (period, ws.title, v)
                elif v is not None:
                    assert any(abs(v - x) < 1e-9 for x in values), (period, ws.title, v)
    for brief in (folder / "pledges").glob("*.md"):
        md = brief.read_text(encoding="utf-8")
        for line in md.splitlines():
            if line.startswith("|") and not line.startswith("|---"):
                for cell in [c.strip() for c in line.strip("|").split(" | ")][1:]:
                    assert cell in shown or cell in set(figures["column_label"]) or cell == "", (brief.name, cell)
        assert stray_numbers(re.sub(r"[\w-]+\.md|\d{4}-t\d-[\w-]+", " ", md), allowed) == [], brief.name


# --------------------------------------------------------------------------- the sample


def test_every_number_the_sample_prints_is_a_published_figure(sample_run):
    periods = sorted(p.name for p in sample_run.output_dir.iterdir() if re.fullmatch(r"\d{4}-T\d", p.name))
    assert len(periods) >= 10
    for period in periods:
        assert_outputs_print_only_figures(sample_run.output_dir, sample_run.warehouse, period)


def test_one_query_answers_where_a_number_comes_from(sample_run):
    """The analyst copy holds the table; a cell hidden in one table is hidden wherever it is printed."""
    with duckdb.connect(str(sample_run.warehouse.parent / "analytics.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select count(*), count(distinct period), count(*) filter (where shown like '<%' or shown = 'dolt') "
            "from marts.fct_published_figures").fetchall()[0]
        assert rows[0] > 1000 and rows[1] >= 10 and rows[2] > 0
        # The same quantity (period, area, category of the police count) printed in several tables.
        clash = con.execute(
            """
            select period, row_key, count(distinct shown)
            from marts.fct_published_figures
            where table_name in ('prioriteringar', 'indikatorer') and column_key = 'reported'
            group by all having count(distinct shown) > 1
            """).fetchall()
        assert clash == []


def test_rerendering_an_unchanged_warehouse_gives_identical_html_and_workbook(sample_run, tmp_path):
    from pipelines.picture import lagesbild

    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        report = lagesbild.build(con, PERIOD, tmp_path)
    for name in ("lagesbild.html", "lagesbild.xlsx"):
        assert filecmp.cmp(report.html_path.parent / name, sample_run.output_dir / PERIOD / name, shallow=False), name


# --------------------------------------------------------------------------- the hard cases


def test_edge_outputs_print_only_published_figures(edge_run):
    assert_outputs_print_only_figures(edge_run.output_dir, edge_run.warehouse, PERIOD)


def test_a_partial_tertial_is_marked_preliminary_and_compared_over_common_months(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    row = ("indikatorer", "osthammar:stold")
    assert f.loc[(*row, "reported"), "shown"] == "24"          # May + June 2025
    assert f.loc[(*row, "last_year"), "shown"] == "22"         # May + June 2024, not all four months
    assert f.loc[(*row, "compared_months"), "shown"] == "2"
    assert f.loc[(*row, "change"), "shown"] == "+9 %"
    assert f.loc[(*row, "note"), "shown"] == "preliminär"
    html = (edge_run.output_dir / PERIOD / "lagesbild.html").read_text(encoding="utf-8")
    assert "Preliminär lägesbild" in html and "2 av 4 månader" in html
    brief = (edge_run.output_dir / PERIOD / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "preliminär" in brief.lower()


def test_unknown_is_printed_okant_in_every_output_never_as_a_partial_sum(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("indikatorer", "oregrund:skadegorelse", "reported"), "shown"] == "okänt"
    assert f.loc[("omrade_kategori", "*", "skadegorelse"), "shown"] == "okänt"   # the total too
    assert f.loc[("omrade_kategori", "*", "*"), "shown"] == "okänt"
    folder = edge_run.output_dir / PERIOD
    cells, _ = visible_html(folder / "lagesbild.html")
    assert "okänt" in cells
    sheet = openpyxl.load_workbook(folder / "lagesbild.xlsx")["Problemområden"]
    oregrund = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "Öregrund, Skadegörelse och klotter")
    assert "okänt" in oregrund
    brief = (folder / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "| Öregrund | okänt |" in brief and "Underlag saknas" in brief


def test_few_respondents_say_nothing_in_every_output(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("indikatorer", "oregrund:skadegorelse", "share"), "shown"] == "för få svar"
    assert f.loc[("indikatorer", "osthammar:skadegorelse", "share"), "shown"] == "36 %"   # 5 of 14
    folder = edge_run.output_dir / PERIOD
    assert "för få svar" in (folder / "lagesbild.xlsx").read_bytes().decode("latin-1", "ignore") or any(
        "för få svar" in (c or "") for ws in openpyxl.load_workbook(folder / "lagesbild.xlsx").worksheets
        for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str))
    brief = (folder / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "| Öregrund | 3 | för få svar |" in brief or "| Öregrund | <3 | för få svar |" in brief


def test_the_newest_version_of_an_event_wins_whatever_the_load_order(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("omrade_kategori_handelser", "gimo", "inbrott"), "shown"] == "1"
    assert f.loc[("omrade_kategori_handelser", "gimo", "stold"), "shown"] == "0"
    assert f.loc[("omrade_kategori_handelser", "gimo", "inbrott"), "is_public"]   # public: never hidden
