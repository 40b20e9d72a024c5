"""pipelines.ingest.police_local: the local police extract parser and its loading into
raw.police_local (DATA-CONTRACT §2.4), against a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from pipelines import warehouse
from pipelines.ingest import police_local
from pipelines.ingest.common import load_file
from tests.privacy import find_personal_data

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
HEADER = "Månad;Område;Brottskategori;Antal"


def write(folder: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def load(con, path: Path, data_dir: Path):
    return load_file(
        con, path, data_dir=data_dir, source_kind=police_local.SOURCE_KIND,
        parse=police_local.parse, write=police_local.write,
    )


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "wh.duckdb") as connection:
        yield connection


# ------------------------------------------------------------------ parsing


def test_valid_rows_all_month_formats_categories_and_counts(tmp_path):
    path = write(tmp_path, "utdrag.csv", [
        HEADER,
        "2024-01;Östhammar;Stöld;5",            # YYYY-MM, category name
        "2024-02-15;ÖREGRUND ;stold;0",         # YYYY-MM-DD -> first of month; id; zero is a count
        "45413;Gimo;butiksstöld;1 234",         # Excel serial date (2024-05-01); alias; thousands space
        "2024-03;Uppgift saknas;Brott mot person;..",  # unknown area kept; '..' suppressed
        "2024-03;;Skadegörelsebrott;12,0",      # empty area kept (null); spreadsheet whole number
    ])
    parsed = police_local.parse(path)
    assert parsed.rejections == []
    rows = parsed.rows.astype(object).where(parsed.rows.notna(), None).to_dict("records")
    assert rows == [
        {"month": dt.date(2024, 1, 1), "area": "Östhammar", "category": "Stöld", "reported_count": 5, "suppressed": False, "_source_row": 2},
        {"month": dt.date(2024, 2, 1), "area": "ÖREGRUND", "category": "stold", "reported_count": 0, "suppressed": False, "_source_row": 3},
        {"month": dt.date(2024, 5, 1), "area": "Gimo", "category": "butiksstöld", "reported_count": 1234, "suppressed": False, "_source_row": 4},
        {"month": dt.date(2024, 3, 1), "area": "Uppgift saknas", "category": "Brott mot person", "reported_count": None, "suppressed": True, "_source_row": 5},
        {"month": dt.date(2024, 3, 1), "area": None, "category": "Skadegörelsebrott", "reported_count": 12, "suppressed": False, "_source_row": 6},
    ]


BAD_ROWS = [
    ("2026-13;Gimo;snatteri;4", "Månad '2026-13' är ingen giltig månad"),
    ("2024-02-30;Gimo;snatteri;4", "Månad '2024-02-30' är ingen giltig månad"),
    (";Gimo;snatteri;4", "Månad saknas."),
    ("2099-01;Gimo;snatteri;4", "Månad '2099-01' (2099-01) ligger i framtiden"),
    ("1999-12;Gimo;snatteri;4", "Månad '1999-12' (1999-12) ligger före år 2000"),
    ("2024-01;Gimo;Trafikbrott;5", "Brottskategori 'Trafikbrott' är ingen känd problemkategori"),
    ("2024-01;Gimo;;5", "Brottskategori saknas."),
    ("2024-01;Gimo;snatteri;-2", "Antal '-2' är negativt"),
    ("2024-01;Gimo;snatteri;ca 5", "Antal 'ca 5' är inget heltal"),
    ("2024-01;Gimo;snatteri;1,5", "Antal '1,5' är inget heltal"),
    ("2024-01;Gimo;snatteri;.", "Antal '.' är inget heltal"),
    ("2024-01;Gimo;snatteri;", "Antal saknas"),
    ("2024-01;Gimo;snatteri;3;extra", "Raden har fler värden än rubrikraden har kolumner (5 i stället för 4)."),
]


@pytest.mark.parametrize("line, reason", BAD_ROWS, ids=[r[1][:30] for r in BAD_ROWS])
def test_each_bad_row_is_rejected_with_a_swedish_reason_and_the_rest_loads(tmp_path, line, reason):
    path = write(tmp_path, "utdrag.csv", [HEADER, "2024-01;Gimo;snatteri;2", line, "2024-02;Gimo;snatteri;3"])
    parsed = police_local.parse(path)
    assert [r.source_row for r in parsed.rejections] == [3]
    assert parsed.rejections[0].reason.startswith(reason), parsed.rejections[0].reason
    assert parsed.rejections[0].raw_record == line
    assert parsed.rows["_source_row"].tolist() == [2, 4]
    assert parsed.rows["reported_count"].tolist() == [2, 3]


@pytest.mark.parametrize(
    "as_of, accepted",
    [("2026-12-01", ["2026-11", "2026-12"]), ("2026-11-30", ["2026-11"]), ("2026-10-31", [])],
)
def test_the_as_of_date_decides_which_months_are_in_the_future(tmp_path, monkeypatch, as_of, accepted):
    """The one clock (LAGESBILD_AS_OF): a month after the as-of date's month is rejected."""
    monkeypatch.setenv("LAGESBILD_AS_OF", as_of)
    path = write(tmp_path, "utdrag.csv", [HEADER, "2026-11;Gimo;snatteri;2", "2026-12;Gimo;snatteri;3"])
    parsed = police_local.parse(path)
    assert [f"{m:%Y-%m}" for m in parsed.rows["month"]] == accepted
    assert all("ligger i framtiden" in r.reason for r in parsed.rejections)


def test_xlsx_with_title_rows_and_excel_dates(tmp_path):
    path = tmp_path / "utdrag.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Lokalpolisområde Östhammar"])
    sheet.write_row(1, 0, ["Anmälda brott per månad"])
    sheet.write_row(2, 0, ["Månad", "Område", "Brottskategori", "Antal"])
    sheet.write_datetime(3, 0, dt.datetime(2024, 8, 1), date_format)
    sheet.write_row(3, 1, ["Gräsön", "Båtmotorstöld", 7])
    sheet.write_datetime(4, 0, dt.datetime(2024, 9, 1), date_format)
    sheet.write_row(4, 1, ["Gimo", "snatteri", ".."])
    book.close()
    parsed = police_local.parse(path)
    assert parsed.rejections == []
    assert parsed.rows["month"].tolist() == [dt.date(2024, 8, 1), dt.date(2024, 9, 1)]
    assert parsed.rows["reported_count"].isna().tolist() == [False, True]
    assert parsed.rows["reported_count"].iloc[0] == 7
    assert parsed.rows["suppressed"].tolist() == [False, True]
    assert parsed.rows["_source_row"].tolist() == [4, 5]  # Excel row numbers


def test_sample_files_reject_exactly_the_planted_defects():
    found = {}
    loaded = 0
    for path in sorted((SAMPLE / "police" / "local").iterdir()):
        parsed = police_local.parse(path)
        loaded += len(parsed.rows)
        for r in parsed.rejections:
            found[(path.name, r.source_row)] = r.reason
    assert found == {
        ("lokalpolis_osthammar_2025-08.csv", 729): "Antal '-2' är negativt; antalet anmälda brott kan inte vara mindre än 0.",
        ("lokalpolis_osthammar_2025-12.csv", 592): "Antal 'ca 5' är inget heltal (ange ett heltal 0 eller större, eller .. om uppgiften är skyddad).",
        ("lokalpolis_osthammar_2026-04.csv", 447): (
            "Brottskategori 'Trafikbrott' är ingen känd problemkategori. Ange id eller namn på en av kategorierna stold (Stöld), "
         "inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och klotter), hot_vald (Hot och våld), "
         "social_oro (Social oro och ordningsstörning), narkotika (Narkotika), vapen (Vapen och skjutningar), eller ett "
         "alias ur kategorilistan."
        ),
        ("lokalpolis_osthammar_2026-08.csv", 707): (
            "Månad '2026-13' är ingen giltig månad (väntade ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD eller ett Excel-datum)."
        ),
    }
    # SYNTHETIC.md data rows (1271+1269+1267+1280+1268+1269+1266+1266+1265) minus the 4 planted ones
    assert loaded == 11421 - 4


# ------------------------------------------------------------------ loading


def test_load_keeps_suppressed_as_null_never_zero(con, tmp_path):
    path = write(tmp_path, "utdrag.csv", [HEADER, "2024-01;Dannemora;stold;..", "2024-01;Gimo;stold;0"])
    outcome = load(con, path, tmp_path)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 2, 0)
    rows = con.execute(
        "select area, reported_count, suppressed, _source_file, _source_row, typeof(month), month "
        "from raw.police_local order by _source_row"
    ).fetchall()
    assert rows == [
        ("Dannemora", None, True, "utdrag.csv", 2, "DATE", dt.date(2024, 1, 1)),
        ("Gimo", 0, False, "utdrag.csv", 3, "DATE", dt.date(2024, 1, 1)),
    ]


def test_rejections_land_in_audit_and_reload_adds_nothing(con, tmp_path):
    path = write(tmp_path, "utdrag.csv", [HEADER, "2024-01;Gimo;snatteri;2", "2024-01;Gimo;snatteri;-1"])
    first = load(con, path, tmp_path)
    assert (first.status, first.rows_loaded, first.rows_rejected) == ("loaded", 1, 1)
    assert con.execute("select source_file, source_row, reason from audit.rejected_rows").fetchall() == [
        ("utdrag.csv", 3, "Antal '-1' är negativt; antalet anmälda brott kan inte vara mindre än 0.")
    ]
    again = load(con, path, tmp_path)
    copy = tmp_path / "utdrag (kopia).csv"
    copy.write_bytes(path.read_bytes())
    renamed = load(con, copy, tmp_path)
    assert (again.status, renamed.status) == ("unchanged", "unchanged")
    assert con.execute("select count(*) from raw.police_local").fetchall() == [(1,)]
    assert con.execute("select count(*) from audit.rejected_rows").fetchall() == [(1,)]
    assert con.execute("select count(*) from audit.loaded_files").fetchall() == [(1,)]


def test_bad_file_is_named_while_the_other_files_load(con, tmp_path):
    bad = write(tmp_path, "fel.csv", ["Månad;Område;Antal", "2024-01;Gimo;3"])
    good = write(tmp_path, "ok.csv", [HEADER, "2024-01;Gimo;snatteri;3"])
    outcomes = [load(con, p, tmp_path) for p in (bad, good)]
    assert [o.status for o in outcomes] == ["failed", "loaded"]
    rejected = con.execute("select source_file, source_row, reason from audit.rejected_rows").fetchall()
    assert len(rejected) == 1
    assert rejected[0][:2] == ("fel.csv", None)
    assert "Brottskategori saknas" in rejected[0][2]
    assert con.execute("select _source_file, reported_count from raw.police_local").fetchall() == [("ok.csv", 3)]


def test_no_personal_data_is_stored(tmp_path):
    pnr, phone, mail = "19850412-1234", "070-174 06 05", "anna@example.com"
    path = write(tmp_path, "utdrag.csv", [
        HEADER,
        f"2024-01;Gimo {phone};snatteri;2",           # kept: area redacted (then 'okant' in dbt)
        f"2024-01;{mail};stold;1",                    # kept: area redacted
        "2024-01;=HYPERLINK(\"x\");stold;1",           # kept: formula neutralised
        f"2024-01;Gimo {pnr};snatteri;ca 2",          # rejected: the raw record is redacted too
    ])
    with warehouse.connect(tmp_path / "wh.duckdb") as con:
        outcome = load(con, path, tmp_path)
        assert (outcome.rows_loaded, outcome.rows_rejected) == (3, 1)
        areas = [r[0] for r in con.execute("select area from raw.police_local order by _source_row").fetchall()]
        raw_record = con.execute("select raw_record from audit.rejected_rows").fetchall()[0][0]
    assert areas == ["Gimo [telefon]", "[e-post]", "'=HYPERLINK(\"x\")"]
    assert raw_record == "2024-01;Gimo [personnummer];snatteri;ca 2"
    assert find_personal_data(tmp_path / "wh.duckdb", [pnr, phone, mail]) == []
