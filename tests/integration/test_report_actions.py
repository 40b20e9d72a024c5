"""The action plan and the coordinator's own words in the real lägesbild of the sample
(DATA-CONTRACT §2.7, §4.2): the section "Åtgärder och uppföljning" with each measure's owner,
area, problem, status and progress beside the reported crimes of its problem in its areas, a
late measure marked, the note that correlation is not effect; the coordinator's analysis under
Analys in the HTML and the PDF (and where to write it when there is none); the workbook's
"Åtgärder" sheet; the briefs' measures. Every value printed is a row of fct_published_figures."""

from __future__ import annotations

import re

import duckdb
import openpyxl

from tests.integration.test_report import pdf_pages

NEWEST = "2026-T2"


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


def _rows(section: str) -> dict[str, str]:
    """Row header text -> the row's HTML."""
    return {re.sub(r"<[^>]+>", "", m.group(1)).split("Löfte:")[0].split("”")[0].strip(): m.group(0)
            for m in re.finditer(r'<tr[^>]*>\s*<th scope="row"[^>]*>(.*?)</th>.*?</tr>', section, re.S)}


def test_the_measures_stand_beside_the_problem_they_should_move(sample_run):
    html = (sample_run.output_dir / NEWEST / "lagesbild.html").read_text(encoding="utf-8")
    assert 'href="#atgarder"' in html
    section = _section(html, "atgarder")
    rows = _rows(section)
    assert set(rows) == {"Kommunpolisen besöker butikerna i Östhammars centrum", "Klotter i Gimo saneras inom 24 timmar",
                         "Bättre belysning runt skolgården i Gimo",
                         "Föräldravandringar fredagskvällar i Östhammar och Alunda",
                         "Informationskvällar om narkotika för föräldrar"}  # closed before 2026-T2: not listed
    late = rows["Bättre belysning runt skolgården i Gimo"]
    assert 'class="late"' in late and "Försenad (pågår, slut 2026-06-30)" in late
    assert all('class="late"' not in r for k, r in rows.items() if k != "Bättre belysning runt skolgården i Gimo")
    shop = rows["Kommunpolisen besöker butikerna i Östhammars centrum"]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", shop, re.S)]
    assert cells[:5] == ["Polisen", "Östhammar", "Snatteri", "Pågår", "10 av 12 butiksbesök (83 %)"]
    assert "Löfte: Vi ska minska snatteriet i Östhammars centrum" in shop
    assert "Informationskvällar" in section and "0 av 4 informationskvällar" in section
    assert "Samband är inte samma sak som effekt" in section

    # every figure beside a measure is the published one (the report computes nothing)
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        published = dict(con.execute(
            "select column_key, shown from marts.fct_published_figures where period = ? and table_name = 'atgarder' "
            "and row_key = 'snatteri-butiksbesok-osthammar'", [NEWEST]).fetchall())
        followup = con.execute(
            "select status, done, target_count, is_late from marts.fct_action_followup "
            "where period = ? and action_id = 'belysning-gimo-skola'", [NEWEST]).fetchall()
    assert cells[5:] == [published["reported"], published["last_year"], published["change"]]
    assert followup == [("pågår", 4, 10, True)]


def test_the_coordinators_analysis_is_printed_beside_the_computed_one(sample_run):
    html = (sample_run.output_dir / NEWEST / "lagesbild.html").read_text(encoding="utf-8")
    analysis = _section(html, "analys")
    own = analysis[:analysis.index("Prioriterade problemområden")]
    assert "Koordinatorns bedömning" in own and "egen bedömning" in own and "analysis/2026-T2.md" in own
    assert "<h4>Sommaren 2026 i korthet</h4>" in own and "<strong>stölder av båtmotorer</strong>" in own
    assert "<ol>" in own  # Markdown rendered, not shown raw
    assert "Skälen till rangordningen" in analysis  # the computed analysis stays
    pdf = " ".join(pdf_pages(sample_run.output_dir / NEWEST / "lagesbild.pdf"))
    assert "Koordinatorns bedömning" in pdf and "Sommaren 2026 i korthet" in pdf
    assert "Åtgärder och uppföljning" in pdf and "Försenad" in pdf

    # a tertial without a text says where to write it (the file in the municipality's folder)
    older = (sample_run.output_dir / "2026-T1" / "lagesbild.html").read_text(encoding="utf-8")
    hint = _section(older, "analys")
    assert "Ingen egen bedömning" in hint and "<code>analysis/2026-T1.md</code> i kommunens datamapp" in hint
    assert not (sample_run.data_dir / "analysis" / "2026-T1.md").exists()


def test_workbook_and_briefs_list_the_measures(sample_run):
    folder = sample_run.output_dir / NEWEST
    sheet = openpyxl.load_workbook(folder / "lagesbild.xlsx")["Åtgärder"]
    header = [c.value for c in sheet[3]]
    assert header[:7] == ["Åtgärd", "Ansvarig", "Område", "Problem", "Tid", "Status", "Försenad"]
    values = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    lights = values["Bättre belysning runt skolgården i Gimo"]
    assert lights[header.index("Försenad")] == "Försenad (pågår, slut 2026-06-30)"
    assert lights[header.index("Genomfört")] == 4 and lights[header.index("Mål")] == 10
    brief = (folder / "pledges" / "2025-t3-skadegorelse-gimo.md").read_text(encoding="utf-8")
    part = brief[brief.index("## Åtgärderna som ska hålla löftet"):brief.index("## Problemet")]
    assert "**Klotter i Gimo saneras inom 24 timmar** (Östhammarshem, Gimo, från 2025-09-15): pågår, 38 av 40" in part
    assert "**Bättre belysning runt skolgården i Gimo**" in part and "**försenad**" in part
    assert "- **Åtgärder:** 2 åtgärder (1 försenad)" in brief
    pledges = openpyxl.load_workbook(folder / "lagesbild.xlsx")["Medborgarlöften"]
    assert "2 åtgärder (1 försenad)" in [c.value for row in pledges.iter_rows(min_row=4) for c in row]
