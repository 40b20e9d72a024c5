"""The report's map and the survey per sector (DATA-CONTRACT §4.1, §4.2), through the real
pipeline on a data dir written here, whose answers and counts the tests count themselves:

- the survey per sector: shares, Wilson intervals and respondents equal a count done here;
  sectors spelled alike are one; a sector with too few respondents says "för få svar"; the
  sectors add up to the category, so a hidden one is not given away; never per area;
- the map: an area's count, change and test as fct_area_comparison has them, its point from
  municipality.yaml; a hidden count is a ring without its figure; an area without a point is
  listed beside the map.
"""

from __future__ import annotations

import html as htmllib
import math
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
import yaml

from tests.conftest import NO_PDF, SAMPLE, make_data_dir, shared_run

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

PERIOD = "2025-T2"
SNATTERI = "Upplever du problem med snatteri i butikerna där du handlar?"
KLOTTER = "Upplever du problem med skadegörelse och klotter i ditt område?"
PROBLEM, NO_PROBLEM = ("Stämmer helt", "Stämmer ganska bra"), ("Stämmer ganska dåligt", "Stämmer inte alls")
QUESTIONS = {
    "id_column": "Svars-ID", "submitted_column": "Inskickad", "area_column": "Område", "sector_column": "Sektor",
    "questions": [{"header": SNATTERI, "id": "q_snatteri", "category": "snatteri", "scale": "agree4"},
                  {"header": KLOTTER, "id": "q_klotter", "category": "skadegorelse", "scale": "agree4"}],
    "scales": {"agree4": {"problem": list(PROBLEM), "no_problem": list(NO_PROBLEM), "ignore": ["Vet ej", ""]}},
}
# (sector as typed, snatteri answer, klotter answer, how many such respondents). "skola " and
# "Skola" are one sector; "Vet ej" is outside the denominator.
ANSWERS = [
    ("Skola", "Stämmer helt", "Stämmer ganska bra", 5),
    ("skola ", "Stämmer helt", "Vet ej", 1),
    ("Skola", "Stämmer inte alls", "Stämmer ganska bra", 4),
    ("Skola", "Stämmer inte alls", "Stämmer inte alls", 3),
    ("skola ", "Stämmer inte alls", "Vet ej", 1),
    ("Omsorg", "Stämmer ganska bra", "Stämmer helt", 3),
    ("Omsorg", "Stämmer ganska dåligt", "Stämmer inte alls", 8),
    ("Kultur och fritid", "Stämmer helt", "Stämmer helt", 4),   # 4 respondents: too few
    ("", "Stämmer helt", "Stämmer inte alls", 2),                # no sector given: 2, a small count
]
MIN_RESPONDENTS = 10  # the sample municipality.yaml's default
# Police-reported crimes per month of 2024-T2 and 2025-T2 (four months each), all "stöld".
MONTHLY = {"Östhammar": (10, 20), "Öregrund": (15, 5), "Gimo": (8, 8), "Österbybruk": (5, 6),
           "Alunda": (0, None), "Gräsö": (2, 2)}
ALUNDA_2025 = {"2025-05": 1, "2025-06": 1}  # 2 in the tertial: hidden on the map as in every table


def write_data(base: Path) -> Path:
    data_dir = make_data_dir(base)
    surveys = data_dir / "surveys"
    surveys.mkdir()
    (surveys / "questions.yaml").write_text(yaml.safe_dump(QUESTIONS, allow_unicode=True), encoding="utf-8")
    rows = [f"Svars-ID;Inskickad;Område;Sektor;{SNATTERI};{KLOTTER}"]
    i = 0
    for sector, snatteri, klotter, n in ANSWERS:
        for _ in range(n):
            i += 1
            rows.append(f"{i};2025-05-{1 + i % 28:02d} 12:00:00;Östhammar;{sector};{snatteri};{klotter}")
    (surveys / "enkat_2025.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    local = ["Månad;Område;Brottskategori;Antal"]
    for year, index in (("2024", 0), ("2025", 1)):
        for month in ("05", "06", "07", "08"):
            for area, counts in MONTHLY.items():
                count = counts[index] if counts[index] is not None else ALUNDA_2025.get(f"{year}-{month}", 0)
                if count:
                    local.append(f"{year}-{month};{area};stöld;{count}")
    (data_dir / "police" / "local").mkdir(parents=True)
    (data_dir / "police" / "local" / "lokalpolis_2025-08.csv").write_text("\n".join(local) + "\n", encoding="utf-8")
    return data_dir


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = shared_run("map_sectors", tmp_path_factory, write_data, pdf=NO_PDF)  # the HTML and workbook are read
    assert result.exit_code == 0, "the pipeline failed on the map and sector data"
    return result


def published(run, table: str) -> dict:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        rows = con.execute("select row_key, column_key, value, shown from marts.fct_published_figures "
                           "where period = ? and table_name = ?", [PERIOD, table]).fetchall()
    return {(r, c): (v, s) for r, c, v, s in rows}


# --------------------------------------------------------------------------- the survey per sector


def counted_here() -> dict:
    """(sector label, category) -> (respondents, problem) counted from ANSWERS."""
    counts: dict = {}
    for sector, snatteri, klotter, n in ANSWERS:
        label = {"skola": "Skola", "": "Ingen sektor angiven"}.get(sector.strip().lower(), sector)
        for category, answer in (("snatteri", snatteri), ("skadegorelse", klotter)):
            if answer in PROBLEM or answer in NO_PROBLEM:
                respondents, problem = counts.get((label, category), (0, 0))
                counts[(label, category)] = (respondents + n, problem + n * (answer in PROBLEM))
    return counts


def wilson(x: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = x / n
    centre, half = (p + z * z / (2 * n)), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_sector_shares_equal_a_count_done_here(run):
    figures = published(run, "enkat_sektor")
    counts = counted_here()
    assert {r for r, _ in figures} == {f"{s}:{c}" for s, c in counts}
    assert counts[("Skola", "snatteri")] == (14, 6) and counts[("Skola", "skadegorelse")] == (12, 9)
    for (sector, category), (n, x) in counts.items():
        row = f"{sector}:{category}"
        assert figures[(row, "sector")][1] == sector
        if n < MIN_RESPONDENTS:
            continue
        share, shown = figures[(row, "share")]
        assert share == pytest.approx(x / n) and shown == f"{round(100 * x / n)} %", row
        assert figures[(row, "respondents")] == (n, str(n))
        low, high = wilson(x, n)
        assert figures[(row, "ci_low")][0] == pytest.approx(low, abs=1e-9)
        assert figures[(row, "ci_high")][0] == pytest.approx(high, abs=1e-9)
        assert figures[(row, "interval")][1] == f"{round(low * 100)}–{round(high * 100)} %"


def test_a_small_sector_is_withheld_and_not_given_away(run):
    figures = published(run, "enkat_sektor")
    for category in ("snatteri", "skadegorelse"):
        for sector in ("Kultur och fritid", "Ingen sektor angiven"):
            row = f"{sector}:{category}"
            for column in ("share", "ci_low", "ci_high", "interval"):
                assert figures[(row, column)][1] == "för få svar", (row, column)
        # 2 respondents without a sector is a small count ('<3'); the sectors add up to the
        # category's respondents, so the next smallest sector is hidden with it
        assert figures[(f"Ingen sektor angiven:{category}", "respondents")][1] == "<3"
        assert figures[(f"Kultur och fritid:{category}", "respondents")][1] == "dolt"
    sources = published(run, "kallor")
    assert sources[("snatteri", "respondents")][1] == str(sum(n for s, *_, n in ANSWERS))

    folder = run.output_dir / PERIOD
    page = (folder / "lagesbild.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="matrix sectors">.*?</table>', page, re.S).group(0)
    cells = [htmllib.unescape(c) for c in re.findall(r"<td>(.*?)</td>", table)]
    assert "Kultur och fritid" in table and "Omsorg" in table and cells.count("för få svar") == 2 * 2 * 2
    assert "100 %" not in cells  # the small sector's 4 of 4 nowhere in the table
    sheet = openpyxl.load_workbook(folder / "lagesbild.xlsx")["Enkät per sektor"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Kultur och fritid, Snatteri"][4] == "för få svar"
    assert rows["Skola, Snatteri"][3:5] == (14, pytest.approx(6 / 14))


def test_sectors_are_never_crossed_with_areas(run):
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        columns = {r[0] for r in con.execute("describe marts.fct_survey_by_sector").fetchall()}
    assert "area_id" not in columns
    for (row, _), _ in published(run, "enkat_sektor").items():
        assert "Östhammar" not in row


# --------------------------------------------------------------------------- the map


def test_map_figures_come_from_the_marts_with_the_areas_points(run):
    figures = published(run, "karta")
    points = {a["name"]: (a.get("lat"), a.get("lon"))
              for a in yaml.safe_load((SAMPLE / "municipality.yaml").read_text(encoding="utf-8"))["areas"]}
    assert figures[("osthammar", "reported")] == (80, "80")
    assert figures[("osthammar", "change")][1] == "+100 %"
    assert figures[("osthammar", "significance")][1] == "säkerställd"
    assert figures[("osthammar", "colour")][1] == "Ökning, säkerställd"
    assert figures[("oregrund", "colour")][1] == "Minskning, säkerställd"
    assert figures[("gimo", "colour")][1] == "Oförändrat"
    assert figures[("osterbybruk", "colour")][1] == "Ökning, kan vara slump"
    # a hidden count hides its change, its test and its colour
    assert figures[("alunda", "reported")][1] == "<3"
    assert figures[("alunda", "change")][1] in ("dolt", "–")
    assert figures[("alunda", "colour")][1] == "Ingen jämförelse"
    assert figures[("alunda", "significance")][1] == "–"
    assert figures[("osthammar", "lat")][0] == pytest.approx(points["Östhammar"][0])
    assert figures[("osthammar", "lon")] == (pytest.approx(points["Östhammar"][1]), "18,370")
    assert figures[("graso", "lat")] == (None, "–")


def test_map_is_drawn_from_the_published_figures(run):
    page = (run.output_dir / PERIOD / "lagesbild.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="map">(.*?)</figure>', page, re.S).group(1)
    svg = re.search(r"<svg .*?</svg>", figure, re.S).group(0)
    assert 'role="img"' in svg
    label = htmllib.unescape(re.search(r'aria-label="([^"]*)"', svg).group(1))
    assert "Karta över Östhammars kommun" in label and "Östhammar: 80 anmälda brott, förändring +100 %" in label
    assert "Alunda: <3 anmälda brott" in label and "Utan punkt på kartan: " in label

    def marks(name: str) -> int:
        group = re.search(rf'<g class="[^"]*\b{name}_marks"[^>]*>(.*?)</g>', svg, re.S)
        return len(re.findall(r"<path ", group.group(1))) if group else 0

    with_points = [a for a in yaml.safe_load((SAMPLE / "municipality.yaml").read_text(encoding="utf-8"))["areas"]
                   if "lat" in a]
    assert marks("outline") == 1
    assert marks("area") == len(with_points) - 1 and marks("area_hidden") == 1   # Alunda: a ring
    assert "Kartunderlag: Valmyndigheten" in figure
    aside = re.search(r'<div class="map-aside">(.*?)</div>', page, re.S).group(1)
    assert "Gräsö" in aside and "Östhammar" not in aside
    assert "Karta" in openpyxl.load_workbook(run.output_dir / PERIOD / "lagesbild.xlsx").sheetnames


def test_an_area_map_without_any_point_lists_every_area(run, tmp_path):
    """Another municipality's yaml without coordinates: no circle, every area beside the outline."""
    from pipelines.picture import lagesbild

    warehouse = tmp_path / "copy.duckdb"
    shutil.copy(run.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.fct_published_figures set value = null, shown = '–' "
                    "where table_name = 'karta' and column_key in ('lat', 'lon')")
        report = lagesbild.build(con, PERIOD, tmp_path / "out", pdf=False)
    page = report.html_path.read_text(encoding="utf-8")
    aside = re.search(r'<div class="map-aside">(.*?)</div>', page, re.S).group(1)
    assert "Östhammar" in aside and "Gräsö" in aside
    assert "area_marks" not in page and "outline_marks" in page
