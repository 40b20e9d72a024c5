"""The lägesbild files (HTML, PDF, XLSX, pledge briefs): on a hand-made warehouse with
small counts and known pledge statuses, and on the sample run."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pypdfium2
import pytest
import yaml

from pipelines.picture import lagesbild
from pipelines.picture.suppression import COMPLEMENTARY

PERIOD = "2025-T2"
THRESHOLD = 3
STATUS_SV = {"on_track": "På väg mot målet", "off_track": "Inte på väg mot målet", "no_data": "Underlag saknas"}

# (period, area, category) -> police_reported, police_events, partner, survey respondents, survey share
ROWS = {
    (PERIOD, "norrby", "stold"): (40, 1, 2, 50, 0.30),
    (PERIOD, "norrby", "inbrott"): (1, 0, 0, 50, 0.44),
    (PERIOD, "soderby", "stold"): (2, 0, 20, 2, 0.50),
    (PERIOD, "soderby", "inbrott"): (30, 0, 0, None, None),
    (PERIOD, "vastby", "stold"): (25, 0, 15, None, None),
    (PERIOD, "vastby", "inbrott"): (15, 0, 0, None, None),
    ("2024-T2", "norrby", "stold"): (35, 0, 10, None, None),
    ("2024-T2", "norrby", "inbrott"): (20, 0, 0, None, None),
    ("2024-T2", "soderby", "stold"): (25, 0, 30, None, None),
    ("2024-T2", "soderby", "inbrott"): (40, 0, 0, None, None),
    ("2024-T2", "vastby", "stold"): (30, 0, 10, None, None),
    ("2024-T2", "vastby", "inbrott"): (10, 0, 0, None, None),
}
POPULATION = {"norrby": 3100, "soderby": 4300, "vastby": 7300}
PLEDGES = [  # id, indicator, value, baseline, change, status
    ("p-minska-stold", "police_reported_count", 40.0, 60.0, -33.3, "on_track"),
    ("p-fler-trygga", "partner_report_count", 2.0, 30.0, -93.3, "off_track"),
    ("p-enkat", "survey_problem_share", None, 0.4, None, "no_data"),
]


def build_warehouse(path: Path) -> None:
    """The marts and intermediate tables the report reads, with the columns of the contract."""
    con = duckdb.connect(str(path))
    for schema in ("marts", "intermediate", "audit"):
        con.execute(f"create schema {schema}")
    con.execute("create table marts.dim_municipality as select '9999' as kommun_code, 'Provby' as kommun_name, "
                "'Provlän' as county, 3 as suppression_threshold")
    con.execute("create table marts.dim_area (area_id varchar, area_name varchar, population integer, "
                "population_year integer, kommun_code varchar, sort_order integer)")
    for i, (area, name) in enumerate([("norrby", "Norrby"), ("soderby", "Söderby"), ("vastby", "Västby")], 1):
        con.execute("insert into marts.dim_area values (?, ?, ?, 2024, '9999', ?)", [area, name, POPULATION[area], i])
    con.execute("insert into marts.dim_area values ('okant', 'Okänt område', null, null, '9999', 99)")
    con.execute("create table marts.dim_problem_category as select * from (values ('stold', 'Stöld', 10), "
                "('inbrott', 'Inbrott', 20)) t(category_id, name_sv, sort_order)")
    con.execute("""create table marts.dim_period as
        select * from (values ('2024-T2', date '2024-05-01', date '2024-08-31', 2024, 2),
                              ('2024-T3', date '2024-09-01', date '2024-12-31', 2024, 3),
                              ('2025-T1', date '2025-01-01', date '2025-04-30', 2025, 1),
                              ('2025-T2', date '2025-05-01', date '2025-08-31', 2025, 2))
        t(period, period_start, period_end, year, tertial)""")
    con.execute("""create table marts.fct_problem_indicators (period varchar, kommun_code varchar, area_id varchar,
        category_id varchar, police_reported_count bigint, police_event_count bigint, partner_report_count bigint,
        survey_respondents bigint, survey_problem_share double, survey_ci_low double, survey_ci_high double,
        population integer, police_reported_per_1000 double, police_reported_same_period_last_year bigint,
        change_vs_last_year_pct double, change_is_significant boolean, priority_score double, priority_rank integer)""")
    for (period, area, cat), (rep, ev, part, n, share) in ROWS.items():
        last = ROWS.get(("2024-T2", area, cat)) if period == PERIOD else None
        change = (rep - last[0]) / last[0] * 100 if last else None
        con.execute(
            "insert into marts.fct_problem_indicators values (?, '9999', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "null, null)",
            [period, area, cat, rep, ev, part, n, share, share and share - 0.1, share and share + 0.1,
             POPULATION[area], rep * 1000 / POPULATION[area], last and last[0], change,
             None if change is None else abs(change) > 60],
        )
    con.execute("""update marts.fct_problem_indicators f set priority_rank = r.rnk, priority_score = r.score
        from (select period, area_id, category_id, rank() over (partition by period
                    order by police_reported_count desc) as rnk, police_reported_count / 100.0 as score
              from marts.fct_problem_indicators) r
        where f.period = r.period and f.area_id = r.area_id and f.category_id = r.category_id""")
    con.execute("create table marts.fct_reference_crime_rates as select * from (values (2024, 'Provby', 1733, "
                "7771.3, '9999', 'Provlän'), (2024, 'Grannby', 2400, 9120.5, '9998', 'Provlän')) "
                "t(year, kommun, reported_crimes, per_100k, kommun_code, county)")
    con.execute("create table marts.fct_pledge_followup (pledge_id varchar, period varchar, category_id varchar, "
                "indicator_value double, baseline_value double, target_value double, change_pct double, status varchar)")
    for pid, _, value, base, change, status in PLEDGES:
        con.execute("insert into marts.fct_pledge_followup values (?, ?, 'stold', ?, ?, ?, ?, ?)",
                    [pid, PERIOD, value, base, base * 0.8, change, status])
    con.execute("create table intermediate.int_police_events as select '9999' as kommun_code, 'norrby' as area_id, "
                "'stold' as category_id, timestamp '2025-06-01 22:10' as event_at, '2025-T2' as period")
    con.execute("""create table intermediate.int_partner_reports as select * from (values
        ('9999', 'norrby', 'stold', '2025-T2', 'Butiken', 2), ('9999', 'soderby', 'stold', '2025-T2', 'Butiken', 20),
        ('9999', 'vastby', 'stold', '2025-T2', 'Bostadsbolaget', 15))
        t(kommun_code, area_id, category_id, period, partner, report_count)""")
    con.execute("""create table intermediate.int_police_reported_monthly as
        select date '2025-05-01' as month, period, kommun_code, area_id, category_id,
               police_reported_count as reported_count
        from marts.fct_problem_indicators where period = '2025-T2'""")
    con.execute("create table intermediate.int_survey_free_text as select '2025-T2' as period, '9999' as kommun_code, "
                "'norrby' as area_id, 'q_fritext' as question_id, 'Mörkt och otryggt vid busstationen på kvällarna.' "
                "as answer_text")
    con.execute("create table intermediate.int_source_dates as select 'police_local' as source, date '2025-05-01' "
                "as data_date")
    con.execute("create table audit.rejected_rows (source_file varchar, source_row bigint, reason varchar, "
                "raw_record varchar, source_kind varchar)")
    con.execute("create table audit.loaded_files (source_file varchar, file_sha256 varchar, source_kind varchar, "
                "rows_loaded bigint, rows_rejected bigint, loaded_at timestamp)")
    con.execute("create table audit.ignored_columns (source_file varchar, column_header varchar, reason varchar)")
    con.close()


def write_pledges(path: Path) -> None:
    path.write_text(yaml.safe_dump([
        {"id": pid, "period": "2025-T1", "title": f"Löftet {pid}", "category": "stold", "areas": ["norrby"],
         "indicator": indicator, "baseline_period": "2025-T1", "target_change_pct": -20}
        for pid, indicator, *_ in PLEDGES
    ], allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    build_warehouse(base / "w.duckdb")
    write_pledges(base / "pledges.yaml")
    with duckdb.connect(str(base / "w.duckdb"), read_only=True) as con:
        return lagesbild.build(con, PERIOD, base / "out", base / "pledges.yaml")


# --------------------------------------------------------------------------- reading outputs back

NOT_COUNTS = [  # numbers in published text that are not counts
    r"\d{4}-\d{2}-\d{2}( \d{1,2}:\d{2})?", r"\d{4}-T\d", r"\b\d{2}-\d{2}\b", r"[Tt]ertial \d", r"\(2023:196\)",
    r"[+−±-]?\d+(,\d+)? %", r"\d+:[ae]\b", r"Sida \d+ av \d+", r"\b1[ \u00a0]000\b", r"\b100[ \u00a0]000\b",
]
SMALL = re.compile(r"(?<![\d,.\u00a0])[12](?![\d,.\u00a0])")


def small_counts(text: str) -> list[str]:
    """Standalone 1s and 2s left after removing dates, periods, percentages, ordinals, page numbers."""
    for pattern in NOT_COUNTS:
        text = re.sub(pattern, " ", text)
    return [text[max(0, m.start() - 40):m.end() + 40] for m in SMALL.finditer(text)]


def html_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<head>.*?</head>", " ", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:aria-label|title|alt)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html).replace("&lt;", "<") + " " + attributes


def pdf_pages(path: Path) -> list[str]:
    """Text per page, with the line breaks inside table cells ('2025-' / 'T1') undone."""
    pdf = pypdfium2.PdfDocument(str(path))
    texts = [page.get_textpage().get_text_range() for page in pdf]
    return [re.sub(r"[ \t\r\n]+", " ", re.sub(r"([-–])\s*\r?\n", r"\1", t)) for t in texts]


def xlsx_cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


# --------------------------------------------------------------------------- the fixture warehouse


def test_every_file_is_written(fixture_report):
    r = fixture_report
    assert [p.name for p in r.paths] == ["lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx",
                                         "p-minska-stold.md", "p-fler-trygga.md", "p-enkat.md"]
    assert all(p.stat().st_size > 0 for p in r.paths)


def test_small_counts_never_appear_in_any_output(fixture_report):
    r = fixture_report
    html = html_text(r.html_path)
    assert "<3" in html and COMPLEMENTARY in html  # the hidden cells are there, as text
    assert small_counts(html) == []
    pages = pdf_pages(r.pdf_path)
    assert small_counts("\n".join(pages)) == []
    for path in r.brief_paths:
        assert small_counts(path.read_text(encoding="utf-8")) == [], path.name
    for sheet, rows in xlsx_cells(r.xlsx_path).items():
        header = rows[2]
        for row in rows[3:]:
            for head, value in zip(header, row):
                if isinstance(value, (int, float)) and head not in ("Prioritet", "Prioritetspoäng"):
                    assert value not in (1, 2), (sheet, head, row)
                if isinstance(value, str):
                    assert small_counts(value) == [], (sheet, head, value)


def test_the_hidden_cell_stays_hidden_in_the_total_that_would_reveal_it(fixture_report):
    # Norrby: stöld 40, inbrott 1 -> total 41 would give inbrott away unless stöld is hidden too.
    rows = xlsx_cells(fixture_report.xlsx_path)["Anmälda brott"]
    norrby = next(r for r in rows if r[0] == "Norrby")
    assert norrby[1:] == [COMPLEMENTARY, "<3", 41] or norrby[1:].count(COMPLEMENTARY) + norrby[1:].count("<3") >= 2


def test_each_pledge_status_in_html_and_brief(fixture_report):
    html = fixture_report.html_path.read_text(encoding="utf-8")
    for pid, _, _, _, _, status in PLEDGES:
        row = re.search(rf'<tr id="pledge-{pid}">(.*?)</tr>', html, flags=re.S).group(1)
        assert f'data-status="{status}">{STATUS_SV[status]}<' in row
        brief = (fixture_report.html_path.parent / "pledges" / f"{pid}.md").read_text(encoding="utf-8")
        assert f"- **Status:** {STATUS_SV[status]}" in brief
        assert f"| {PERIOD} |" in brief and STATUS_SV[status] in brief.split("## Indikatorn per tertial")[1]


def test_the_pledge_brief_has_problem_areas_series_and_evidence(fixture_report):
    brief = (fixture_report.html_path.parent / "pledges" / "p-fler-trygga.md").read_text(encoding="utf-8")
    for heading in ("## Problemet", "## Indikatorn per tertial", "## Underlag bakom senaste värdet",
                    "### Polisen: anmälda brott per månad", "### Samverkanspartner", "### Trygghetsenkäten"):
        assert heading in brief
    assert "- **Områden:** Norrby" in brief
    assert "**Senaste värde (2025-T2):** <3" in brief  # a partner count of 2, hidden


def test_pdf_is_paginated_with_page_numbers_and_not_blank(fixture_report):
    pages = pdf_pages(fixture_report.pdf_path)
    assert len(pages) >= 5
    for i, text in enumerate(pages, start=1):
        assert f"Sida {i} av {len(pages)}" in text
    pdf = pypdfium2.PdfDocument(str(fixture_report.pdf_path))
    for page in pdf:
        image = page.render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 128  # something dark is printed on every page


def test_xlsx_sheets_have_swedish_headers_frozen_and_typed(fixture_report):
    book = openpyxl.load_workbook(fixture_report.xlsx_path)
    assert {"Problemområden", "Anmälda brott", "Partnerrapporter", "Medborgarlöften"} <= set(book.sheetnames)
    ws = book["Problemområden"]
    assert ws.freeze_panes == "B4"
    header = [c.value for c in ws[3]]
    assert header[:3] == ["Område", "Problemkategori", "Anmälda brott"]
    vastby = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] == "Västby" and r[1] == "Stöld")
    assert vastby[2] == 25 and isinstance(vastby[2], int)
    share_col = header.index("Andel som upplever problem")
    norrby = next(r for r in ws.iter_rows(min_row=4) if r[0].value == "Norrby" and r[1].value == "Stöld")
    assert norrby[share_col].value == pytest.approx(0.30) and "%" in norrby[share_col].number_format


# --------------------------------------------------------------------------- the sample run


@pytest.fixture(scope="module")
def sample_outputs(sample_run):
    periods = sorted(p.name for p in sample_run.output_dir.iterdir() if re.fullmatch(r"\d{4}-T\d", p.name))
    return sample_run, periods


def test_sample_run_writes_the_full_set_for_every_tertial(sample_outputs):
    run, periods = sample_outputs
    assert periods[0] == "2023-T1" and len(periods) >= 10
    pledges = yaml.safe_load((run.data_dir / "pledges.yaml").read_text(encoding="utf-8")) if (
        run.data_dir / "pledges.yaml").exists() else []
    for period in periods:
        folder = run.output_dir / period
        for name in ("lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx"):
            assert (folder / name).stat().st_size > 10_000, (period, name)
        given = [p["id"] for p in pledges if p["period"] <= period]
        assert sorted(p.stem for p in (folder / "pledges").glob("*.md")) == sorted(given) if given else True


def test_sample_xlsx_reads_back_as_the_marts(sample_outputs):
    run, periods = sample_outputs
    period = periods[-2]
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        mart = con.execute(
            """select a.area_name, c.name_sv, f.police_reported_count, f.partner_report_count, f.population
               from marts.fct_problem_indicators f join marts.dim_area a using (area_id)
               join marts.dim_problem_category c using (category_id) where period = ?""",
            [period],
        ).df()
    sheet = pd.read_excel(run.output_dir / period / "lagesbild.xlsx", sheet_name="Problemområden", header=2, engine="openpyxl")
    merged = mart.merge(sheet, left_on=["area_name", "name_sv"], right_on=["Område", "Problemkategori"],
                        how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    for mart_col, sheet_col in [("police_reported_count", "Anmälda brott"), ("partner_report_count", "Partnerrapporter"),
                                ("population", "Invånare")]:
        for expected, published in zip(merged[mart_col], merged[sheet_col]):
            if isinstance(published, str):  # hidden: only small counts or their complements
                assert published in ("<3", COMPLEMENTARY) and (published == COMPLEMENTARY or 0 < expected < 3)
            elif pd.isna(expected):
                assert pd.isna(published)
            else:
                assert published == expected
    hidden = sheet["Anmälda brott"].isin(["<3"]).sum()
    assert hidden == ((mart["police_reported_count"] > 0) & (mart["police_reported_count"] < 3)).sum()


def test_asset_metadata_shows_paths_priorities_and_a_chart(tmp_path, monkeypatch):
    """The Dagster asset on the fixture warehouse: what the UI shows about the files."""
    import dagster as dg

    from pipelines.picture.assets import lagesbild as asset
    from pipelines.resources import Warehouse

    build_warehouse(tmp_path / "w.duckdb")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    write_pledges(data_dir / "pledges.yaml")
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    result = dg.materialize([asset], partition_key="2025-05", resources={"warehouse": Warehouse()})
    assert result.success
    meta = result.asset_materializations_for_node("picture__lagesbild")[0].metadata
    for key, name in [("latest_html", "lagesbild.html"), ("latest_pdf", "lagesbild.pdf"),
                      ("latest_xlsx", "lagesbild.xlsx")]:
        assert Path(meta[key].value) == tmp_path / "out" / PERIOD / name and Path(meta[key].value).is_file()
    assert "p-enkat.md" in meta["latest_pledge_briefs"].value
    top = meta["latest_top_priorities"].value
    assert "1:a **Stöld i Norrby**" in top
    assert meta["latest_chart"].value.startswith("![") and "data:image/png;base64," in meta["latest_chart"].value
