"""The lägesbild files (HTML, PDF, XLSX, pledge briefs) of the real pipeline on the edge
cases (tests/edge_cases.py) and on the sample: complete, paginated, typed, and never
showing a small count of a source that is not public."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pypdfium2
import pytest

from tests.edge_cases import PERIOD
from tests.pdf_ua import assert_pdf_ua


def pdf_pages(path: Path) -> list[str]:
    """Text per page, with the line breaks inside table cells ('2025-' / 'T1') undone."""
    pdf = pypdfium2.PdfDocument(str(path))
    texts = [page.get_textpage().get_text_range() for page in pdf]
    return [re.sub(r"[ \t\r\n]+", " ", re.sub(r"([-–])\s*\r?\n", r"\1", t)) for t in texts]


def test_every_file_is_written(edge_run):
    folder = edge_run.output_dir / PERIOD
    for name in ("lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx", "pledges/2025-t2-klotter.md"):
        assert (folder / name).stat().st_size > 0, name


@pytest.mark.parametrize("run", ["edge_run", "sample_run"])
def test_no_small_count_of_a_source_that_is_not_public_is_shown(run, request):
    r = request.getfixturevalue(run)
    with duckdb.connect(str(r.warehouse), read_only=True) as con:
        threshold = con.execute("select suppression_threshold from marts.dim_municipality").fetchall()[0][0]
        leaks = con.execute(
            """
            select period, table_name, row_key, column_key, value, shown from marts.fct_published_figures
            where kind = 'count' and not is_public and value > 0 and value < ? and shown not in (?, 'dolt')
            """, [threshold, f"<{threshold}"]).fetchall()
        hidden = con.execute("select count(*) from marts.fct_published_figures where shown = 'dolt'").fetchall()[0][0]
    assert leaks == []
    if run == "sample_run":
        assert hidden > 0  # complementary suppression is at work


def test_pdf_is_paginated_with_page_numbers_and_not_blank(edge_run):
    path = edge_run.output_dir / PERIOD / "lagesbild.pdf"
    pages = pdf_pages(path)
    assert len(pages) >= 5
    for i, text in enumerate(pages, start=1):
        assert f"Sida {i} av {len(pages)}" in text
    assert "preliminär" in " ".join(pages).lower() and "okänt" in " ".join(pages)
    for page in pypdfium2.PdfDocument(str(path)):
        image = page.render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 128  # something dark is printed on every page


SECTIONS = ["Sammanfattning", "Kartläggning", "Övrig relevant information", "Analys",
            "Uppföljning av medborgarlöften", "Åtgärder och uppföljning",
            "Förslag inför nästa löfte", "Datakvalitet och källor"]


@pytest.mark.parametrize("run", ["edge_run", "sample_run"])
def test_pdf_is_tagged_pdf_ua(run, request):
    """PDF/UA-1 (DATA-CONTRACT §4.2): structure tree, /Lang sv, the report's title, a bookmark per
    section, tables tagged as tables, every chart a Figure with its text alternative as /Alt."""
    r = request.getfixturevalue(run)
    path = sorted(r.output_dir.glob("20*-T*/lagesbild.pdf"))[-1] if run == "sample_run" else (
        r.output_dir / PERIOD / "lagesbild.pdf")
    s = assert_pdf_ua(path, f"Lägesbild Östhammars kommun – {path.parent.name}", SECTIONS)
    assert s["tags"]["/Figure"] >= 6 and s["tags"]["/H2"] == len(SECTIONS) and s["tags"]["/Caption"] >= 5
    assert all(a.startswith(("Stapeldiagram", "Linjediagram", "Punktdiagram", "Karta")) for a in s["figure_alts"])


def test_workbook_numbers_are_numbers_never_formulas_errors_or_text(edge_run, sample_run):
    for run in (edge_run, sample_run):
        path = run.output_dir / PERIOD / "lagesbild.xlsx"
        book = openpyxl.load_workbook(path)
        assert {"Problemområden", "Anmälda brott", "Medborgarlöften"} <= set(book.sheetnames) or run is sample_run
        for ws in book.worksheets:
            assert ws.freeze_panes == "B4"
            for row in ws.iter_rows(min_row=4, min_col=2):
                for cell in row:
                    v = cell.value
                    assert not (isinstance(v, str) and v.startswith("=")), (ws.title, cell.coordinate)
                    assert not (isinstance(v, str) and v.startswith("#")), (ws.title, cell.coordinate)
                    assert not (isinstance(v, str) and re.fullmatch(r"'?[+−-]?\d[\d\s,]*( ?%)?", v)), \
                        (ws.title, cell.coordinate, v)
                    if isinstance(v, (int, float)):
                        assert cell.number_format != "General", (ws.title, cell.coordinate)
        with zipfile.ZipFile(path) as z:
            xml = " ".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
        assert "<f>" not in xml and 't="e"' not in xml
    sheet = openpyxl.load_workbook(edge_run.output_dir / PERIOD / "lagesbild.xlsx")["Problemområden"]
    header = [c.value for c in sheet[3]]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == "Östhammar, Stöld")
    assert row[header.index("Anmälda brott")].value == 24
    assert row[header.index("Förändring mot i fjol")].value == pytest.approx(2 / 22)
    assert "%" in row[header.index("Förändring mot i fjol")].number_format


def test_asset_metadata_shows_paths_priorities_and_a_chart(sample_run, tmp_path, monkeypatch):
    """The Dagster asset renders from the published figures: what the UI shows about the files."""
    import dagster as dg

    from pipelines.partitions import lagesbild_partitions_def, municipality_codes
    from pipelines.picture.assets import build_lagesbild_asset
    from pipelines.resources import Warehouse

    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(sample_run.warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(sample_run.data_dir))
    codes = municipality_codes()
    assert codes == ["0382"]
    asset = build_lagesbild_asset(lagesbild_partitions_def(codes))
    result = dg.materialize([asset], partition_key="0382|2025-05", resources={"warehouse": Warehouse()})
    assert result.success
    meta = result.asset_materializations_for_node("picture__lagesbild")[0].metadata
    for key, name in [("latest_html", "lagesbild.html"), ("latest_pdf", "lagesbild.pdf"),
                      ("latest_xlsx", "lagesbild.xlsx")]:
        assert Path(meta[key].value) == tmp_path / "out" / PERIOD / name and Path(meta[key].value).is_file()
    assert "2025-t2-snatteri.md" in meta["latest_pledge_briefs"].value
    assert meta["latest_top_priorities"].value.count("**") >= 4
    assert meta["latest_chart"].value.startswith("![") and "data:image/png;base64," in meta["latest_chart"].value
    # per municipality at a glance: what was written, the latest tertial, the folder
    assert meta["reports_by_municipality"].value == {"0382": {
        "kommun": "Östhammar", "written": [PERIOD], "unchanged": [], "latest_period": PERIOD,
        "folder": str(tmp_path / "out" / "<tertial>")}}
    assert "| Östhammar (0382) | 1 | 0 | 2025-T2 |" in meta["municipalities"].value
