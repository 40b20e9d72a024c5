"""Partner reports into raw.partner_reports (DATA-CONTRACT §2.5): the template's rules,
the sample files against an independent count, idempotency, bad files, privacy."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import xlsxwriter

from pipelines.ingest import partners
from pipelines.ingest.common import find_files, load_file
from pipelines.warehouse import connect
from tests.privacy import PATTERNS, find_personal_data

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"
TODAY = dt.date(2026, 9, 1)  # the as-of date the tests pin (the sample runs to August 2026)

# The planted defects of data/sample/SYNTHETIC.md that concern partner files:
# (file, line (CSV: physical line, header = 1; xlsx: Excel row), column, value, words the reason must contain)
PLANTED = [
    ("handel_osthammar_gimo_2025.csv", 58, "Datum", "2025-02-30", "inget giltigt datum"),
    ("handel_osthammar_gimo_2026.csv", 110, "Datum", "2099-06-12", "i framtiden"),
    ("osthammarshem_2026.csv", 32, "Datum", "1925-03-14", "före år 2000"),
    ("osthammarshem_2026.csv", 43, "Kategori", None, "Kategori saknas"),
    ("batagareforening_2025.csv", 21, "Antal", "-1", "minst 1"),
    ("skolor_2024.csv", 44, "Antal", "några", "inget heltal"),
    ("skolor_2026.csv", 20, "Kategori", "Nedskräpning", "ingen känd problemkategori"),
]


@pytest.fixture(autouse=True)
def fixed_as_of(monkeypatch):
    monkeypatch.setenv("LAGESBILD_AS_OF", TODAY.isoformat())


def load(con, path: Path, data_dir: Path):
    return load_file(
        con, path, data_dir=data_dir, source_kind=partners.SOURCE_KIND, parse=partners.parse, write=partners.write
    )


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


def write_csv(folder: Path, name: str, lines: list[str], *, encoding="utf-8", header=HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def parse_lines(tmp_path, *lines: str):
    return partners.parse(write_csv(tmp_path, "t.csv", list(lines)))


# --------------------------------------------------------------------- independent reading


def read_independently(path: Path) -> pd.DataFrame:
    """The file as pandas/calamine read it (not via pipelines.ingest.readers): all text,
    one row per data row, index = the line (CSV) or Excel row of the row."""
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, engine="calamine", dtype=str, header=0)
        frame.index = frame.index + 2  # Excel row: header on row 1
    else:
        data = path.read_bytes()
        text = data.decode("utf-8-sig" if _is_utf8(data) else "cp1252")
        separator = max([";", ",", "\t"], key=text.splitlines()[0].count)
        frame = pd.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skip_blank_lines=False
        )
        frame = frame.replace({"": None})
        frame.index = frame.index + 2  # physical line: header on line 1 (no quoted line breaks in the sample)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.dropna(how="all")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def independent_date(text: str) -> dt.date:
    """The sample's date spellings: DD/MM/YYYY, or ISO with an optional time."""
    text = text.strip()
    if "/" in text:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    return dt.date.fromisoformat(text[:10])


def sample_files() -> list[Path]:
    return sorted(p for p in (SAMPLE / "partners").iterdir() if p.suffix in (".csv", ".xlsx"))


def test_planted_rows_are_where_synthetic_md_says():
    """Guards the test's own ground truth: the independent reading sees each planted value."""
    for name, line, column, value, _ in PLANTED:
        frame = read_independently(SAMPLE / "partners" / name)
        cell = frame.loc[line, column]
        assert (None if pd.isna(cell) else str(cell).strip()) == value, (name, line)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_file_every_valid_row_loads_and_planted_rows_are_rejected(path):
    frame = read_independently(path)
    planted = {line: (column, value, words) for name, line, column, value, words in PLANTED if name == path.name}
    parsed = partners.parse(path)

    assert len(frame) > 20
    assert len(parsed.rows) == len(frame) - len(planted)
    assert sorted(parsed.rows["_source_row"].tolist()) == sorted(set(frame.index) - set(planted))
    assert {r.source_row for r in parsed.rejections} == set(planted)
    for rejection in parsed.rejections:
        column, value, words = planted[rejection.source_row]
        assert column in rejection.reason and words in rejection.reason
        if value:
            assert f"'{value}'" in rejection.reason
    # Every loaded row carries its file's values (an independent spot check on Antal and Datum).
    loaded = parsed.rows.set_index("_source_row")
    expected_counts = frame.drop(index=list(planted))["Antal"].fillna("1").astype(int)
    assert loaded["report_count"].astype(int).sort_index().tolist() == expected_counts.sort_index().tolist()
    expected_dates = frame.drop(index=list(planted))["Datum"].map(independent_date)
    assert loaded["report_date"].sort_index().tolist() == expected_dates.sort_index().tolist()


@pytest.fixture
def sample_warehouse(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(SAMPLE / "partners", data_dir / "partners")
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        outcomes = [load(con, p, data_dir) for p in find_files(data_dir / "partners", partners.FILE_PATTERNS)]
    return data_dir, warehouse, outcomes


def test_sample_folder_loads_once_and_duplicate_file_adds_nothing(sample_warehouse):
    data_dir, warehouse, outcomes = sample_warehouse
    distinct_files = {}
    for path in sample_files():
        distinct_files.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    expected = sum(len(read_independently(p)) for p in distinct_files.values()) - len(PLANTED)

    status = {o.source_file: o.status for o in outcomes}
    copies = ["partners/handel_osthammar_gimo_2024 (kopia).csv", "partners/handel_osthammar_gimo_2024.csv"]
    assert sorted(status[c] for c in copies) == ["loaded", "unchanged"]
    assert sum(o.status == "loaded" for o in outcomes) == len(distinct_files) == len(outcomes) - 1

    with connect(warehouse) as con:
        assert rows(con, "select count(*) from raw.partner_reports") == [(expected,)]
        assert rows(con, "select count(distinct _source_file) from raw.partner_reports") == [(len(distinct_files),)]
        rejected = rows(con, "select source_file, source_row, reason from audit.rejected_rows order by all")
        assert sorted((f, r) for f, r, _ in rejected) == sorted((f"partners/{n}", line) for n, line, *_ in PLANTED)
        assert all(reason for *_, reason in rejected)

        # Loading the folder again adds nothing.
        again = [load(con, p, data_dir) for p in find_files(data_dir / "partners", partners.FILE_PATTERNS)]
        assert {o.status for o in again} == {"unchanged"}
        assert rows(con, "select count(*) from raw.partner_reports") == [(expected,)]
        assert rows(con, "select count(*) from audit.rejected_rows") == [(len(PLANTED),)]


def test_sample_formula_injection_is_neutralised(sample_warehouse):
    _, warehouse, _ = sample_warehouse
    with connect(warehouse) as con:
        stored = rows(
            con,
            "select description from raw.partner_reports "
            "where _source_file = 'partners/osthammarshem_2026.csv' and description like '%HYPERLINK%'",
        )
        starts = rows(con, "select count(*) from raw.partner_reports where regexp_matches(description, '^\\s*[=+\\-@]')")
    assert stored == [("'=HYPERLINK(\"http://example.com/klotter\",\"Se bild på klottret\")",)]
    assert starts == [(0,)]


def sample_personal_data() -> list[str]:
    """Every e-mail address, personnummer and phone number in the sample's Beskrivning and
    Plats cells, found with the privacy helper's own (independent) patterns."""
    found: set[str] = set()
    for path in sample_files():
        frame = read_independently(path)
        for column in ("Beskrivning", "Plats"):
            for text in frame[column].dropna():
                for pattern in PATTERNS.values():
                    found.update(m.group(0).strip() for m in pattern.finditer(text))
    return sorted(found)


def test_sample_personal_data_is_never_stored(sample_warehouse):
    _, warehouse, _ = sample_warehouse
    needles = sample_personal_data()
    assert len(needles) > 60  # the sample plants e-mail, phone and personnummer in many rows
    assert find_personal_data(warehouse, needles) == []
    with connect(warehouse) as con:
        tokens = rows(
            con,
            "select count(*) filter (where description like '%[personnummer]%'), "
            "count(*) filter (where description like '%[telefon]%'), "
            "count(*) filter (where description like '%[e-post]%') from raw.partner_reports",
        )[0]
    assert all(n > 5 for n in tokens), tokens


# --------------------------------------------------------------------- the template's rules


VALID = "2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;Tog godis"


@pytest.mark.parametrize(
    "line, words",
    [
        ("2025-02-30;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum '2025-02-30' är inget giltigt datum"),
        ("igår;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum 'igår' är inget giltigt datum"),
        ("31/02/2025;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum '31/02/2025' är inget giltigt datum"),
        ("2025-03-04 25:00;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum '2025-03-04 25:00' är inget giltigt datum"),
        (";ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum saknas"),
        ("2026-09-02;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum '2026-09-02' ligger i framtiden."),
        ("1999-12-31;ICA Gimo;snatteri;Gimo;Butiken;;x", "Datum '1999-12-31' ligger före år 2000"),
        ("2025-03-04;;snatteri;Gimo;Butiken;;x", "Partner saknas"),
        ("2025-03-04;ICA Gimo;;Gimo;Butiken;;x", "Kategori saknas"),
        ("2025-03-04;ICA Gimo;Trafikbrott;Gimo;Butiken;;x", "Kategori 'Trafikbrott' är ingen känd problemkategori"),
        ("2025-03-04;ICA Gimo;Snateri;Gimo;Butiken;;x", "Kategori 'Snateri' är ingen känd problemkategori – menade du 'snatteri'?"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;0;x", "Antal '0' måste vara minst 1"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;-3;x", "Antal '-3' måste vara minst 1"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;två;x", "Antal 'två' är inget heltal"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;1,5;x", "Antal '1,5' är inget heltal"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;99999999999;x", "Antal '99999999999' är orimligt stort"),
        ("2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;x;extra", "Raden har 1 cell mer än rubrikraden"),
    ],
)
def test_bad_row_rejected_with_reason_and_the_others_load(tmp_path, line, words):
    parsed = parse_lines(tmp_path, VALID, line, VALID)
    assert parsed.rows["_source_row"].tolist() == [2, 4]
    assert [r.source_row for r in parsed.rejections] == [3]
    assert words in parsed.rejections[0].reason


def test_several_problems_in_one_row_are_all_named(tmp_path):
    parsed = parse_lines(tmp_path, "2025-13-01;;Nedskräpning;Gimo;;noll;x")
    reason = parsed.rejections[0].reason
    for words in ("Datum '2025-13-01'", "Partner saknas", "Kategori 'Nedskräpning'", "Antal 'noll'"):
        assert words in reason


@pytest.mark.parametrize(
    "datum, expected",
    [
        ("2025-03-04", dt.date(2025, 3, 4)),
        ("04/03/2025", dt.date(2025, 3, 4)),
        ("2025-03-04 21:15", dt.date(2025, 3, 4)),
        ("45720", dt.date(2025, 3, 4)),  # an Excel serial day that arrived as text
        ("2000-01-01", dt.date(2000, 1, 1)),
        ("2026-09-01", TODAY),  # today is not the future
    ],
)
def test_date_formats(tmp_path, datum, expected):
    parsed = parse_lines(tmp_path, f"{datum};ICA Gimo;snatteri;Gimo;Butiken;;x")
    assert parsed.rejections == []
    assert parsed.rows["report_date"].tolist() == [expected]
    assert parsed.rows["report_date_text"].tolist() == [datum]


@pytest.mark.parametrize("as_of, rejected", [("2026-09-01", True), ("2026-09-02", False), ("2099-06-11", False)])
def test_the_as_of_date_decides_what_is_in_the_future(tmp_path, monkeypatch, as_of, rejected):
    """The one clock (LAGESBILD_AS_OF), not the calendar: 2026-09-02 is future on 2026-09-01."""
    monkeypatch.setenv("LAGESBILD_AS_OF", as_of)
    parsed = parse_lines(tmp_path, "2026-09-02;ICA Gimo;snatteri;Gimo;Butiken;;x", "2099-06-12;ICA Gimo;snatteri;Gimo;;;")
    reasons = [r.reason for r in parsed.rejections]
    assert "Datum '2099-06-12' ligger i framtiden." in reasons
    assert ("Datum '2026-09-02' ligger i framtiden." in reasons) is rejected


@pytest.mark.parametrize("antal, expected", [("", 1), ("1", 1), ("3", 3), ("12,0", 12), ("1 200", 1200)])
def test_antal(tmp_path, antal, expected):
    parsed = parse_lines(tmp_path, f"2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;{antal};x")
    assert parsed.rows["report_count"].tolist() == [expected]


def test_unknown_or_empty_area_is_kept_and_categories_match_like_the_taxonomy(tmp_path):
    parsed = parse_lines(
        tmp_path,
        "2025-03-04;ICA Gimo;BUTIKSSTÖLD;Tierp;;;",
        "2025-03-04;ICA Gimo;  Stöld- och tillgreppsbrott ;;Butiken;;",
        "2025-03-04;ICA Gimo;hot_vald;vet inte;Butiken;;",
    )
    assert parsed.rejections == []
    assert parsed.rows["area_text"].tolist()[0] == "Tierp"
    assert pd.isna(parsed.rows["area_text"].tolist()[1]) and pd.isna(parsed.rows["place"].tolist()[0])
    assert parsed.rows["category_text"].tolist() == ["BUTIKSSTÖLD", "Stöld- och tillgreppsbrott", "hot_vald"]


def test_columns_in_another_order_and_windows_1252(tmp_path):
    path = write_csv(
        tmp_path,
        "cp.csv",
        ["Östhammarshem;klotter;Östhammar;Trapphus;Klotter på väggen;2;05/01/2025"],
        header="Partner;Kategori;Område;Plats;Beskrivning;Antal;Datum",
        encoding="cp1252",
    )
    parsed = partners.parse(path)
    row = parsed.rows.iloc[0]
    assert (row["partner"], row["area_text"], row["description"], row["report_count"]) == (
        "Östhammarshem", "Östhammar", "Klotter på väggen", 2,
    )
    assert row["report_date"] == dt.date(2025, 1, 5)


def test_xlsx_with_excel_dates_and_a_title_row(tmp_path):
    path = tmp_path / "p.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["Rapport från skolorna"])
    sheet.write_row(1, 0, HEADER.split(";"))
    sheet.write_datetime(2, 0, dt.datetime(2025, 3, 4), date_format)
    sheet.write_row(2, 1, ["Skolan", "klotter", "Alunda", "Skolgården", 2, "Taggar"])
    sheet.write_number(3, 0, 45720)
    sheet.write_row(3, 1, ["Skolan", "Nedskräpning", "Alunda", "Skolgården", None, "Skräp"])
    workbook.close()
    parsed = partners.parse(path)
    assert parsed.rows[["report_date", "report_count", "_source_row"]].values.tolist() == [
        [dt.date(2025, 3, 4), 2, 3]
    ]
    assert [(r.source_row, "Nedskräpning" in r.reason) for r in parsed.rejections] == [(4, True)]


def test_header_only_file_loads_nothing(tmp_path):
    data_dir = tmp_path / "data"
    path = write_csv(data_dir / "partners", "empty.csv", [])
    with connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, path, data_dir)
        assert (outcome.status, outcome.rows_loaded) == ("loaded", 0)
        assert rows(con, "select count(*) from raw.partner_reports") == [(0,)]


# --------------------------------------------------------------------- privacy and the key


def test_free_text_is_redacted_and_neutralised_before_storage(tmp_path):
    data_dir = tmp_path / "data"
    path = write_csv(
        data_dir / "partners",
        "p.csv",
        [
            "2025-03-04;ICA Gimo;snatteri;Gimo;Kassa hos Anna 070-174 06 12;;Ring 19850412-1234 eller anna@example.com",
            "2025-03-04;=HYPERLINK(\"x\");snatteri;Gimo;=1+2;;@SUM(A1)",
            "2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;-2 krossade rutor",
            "2025-03-04;ICA Gimo;snatteri;Gimo 0701740612;Butiken;;+46 70 174 06 12 ringde",
            # a rejected row: its raw record must not keep the personal data either
            "2025-03-04;ICA Gimo;Trafikbrott;Gimo;Butiken;;Ring 0173-123 45, anna@example.com",
        ],
    )
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        assert load(con, path, data_dir).rows_loaded == 4
        stored = rows(con, "select partner, place, description, area_text from raw.partner_reports order by _source_row")
        raw_record = rows(con, "select raw_record from audit.rejected_rows")[0][0]
    assert stored == [
        ("ICA Gimo", "Kassa hos [namn] [telefon]", "Ring [personnummer] eller [e-post]", "Gimo"),
        ("'=HYPERLINK(\"x\")", "'=1+2", "'@SUM(A1)", "Gimo"),
        ("ICA Gimo", "Butiken", "'-2 krossade rutor", "Gimo"),
        ("ICA Gimo", "Butiken", "[telefon] ringde", "Gimo [telefon]"),
    ]
    assert "[telefon]" in raw_record and "[e-post]" in raw_record
    needles = ["070-174 06 12", "19850412-1234", "anna@example.com", "0701740612", "+46 70 174 06 12", "0173-123 45"]
    assert find_personal_data(warehouse, needles) == []


def test_description_hash_is_sha256_of_the_stored_redacted_text(tmp_path):
    parsed = parse_lines(
        tmp_path,
        "2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;Ring 070-174 06 12",
        "2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;Ring 070-174 06 13",
        "2025-03-04;ICA Gimo;snatteri;Gimo;Butiken;;",
    )
    hashes = parsed.rows["description_sha256"].tolist()
    assert hashes[0] == hashes[1] == hashlib.sha256("Ring [telefon]".encode()).hexdigest()
    assert hashes[2] == hashlib.sha256(b"").hexdigest()
    con = duckdb.connect()
    con.register("parsed", parsed.rows)
    assert con.execute(
        "select count(*) from parsed where sha256(coalesce(description, '')) <> description_sha256"
    ).fetchall() == [(0,)]


def test_same_rows_under_another_name_stay_in_raw_and_identical_bytes_do_not(tmp_path):
    """Raw keeps what each distinct file said (dbt dedups by key); identical bytes add nothing."""
    data_dir = tmp_path / "data"
    folder = data_dir / "partners"
    first = write_csv(folder, "a.csv", [VALID, VALID])
    (folder / "a kopia.csv").write_bytes(first.read_bytes())
    resaved = write_csv(folder, "b.csv", [VALID], encoding="cp1252")
    with connect(tmp_path / "w.duckdb") as con:
        outcomes = [load(con, p, data_dir) for p in (first, folder / "a kopia.csv", resaved)]
        assert [o.status for o in outcomes] == ["loaded", "unchanged", "loaded"]
        assert rows(con, "select _source_file, _source_row from raw.partner_reports order by all") == [
            ("partners/a.csv", 2), ("partners/a.csv", 3), ("partners/b.csv", 2),
        ]


def test_bad_file_is_named_and_the_other_files_load(tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "partners"
    write_csv(folder, "good.csv", [VALID])
    write_csv(folder, "wrong.csv", ["2025-03-04;ICA Gimo;snatteri"], header="Datum;Partner;Typ")
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with connect(tmp_path / "w.duckdb") as con:
        outcomes = {o.source_file: o for o in (load(con, p, data_dir) for p in find_files(folder, partners.FILE_PATTERNS))}
        con.execute(partners.RAW_DDL)
        assert outcomes["partners/good.csv"].status == "loaded"
        assert outcomes["partners/wrong.csv"].status == outcomes["partners/broken.xlsx"].status == "failed"
        failures = dict(rows(con, "select source_file, reason from audit.rejected_rows where source_row is null"))
        assert rows(con, "select count(*) from raw.partner_reports") == [(1,)]
    assert "Kategori" in failures["partners/wrong.csv"] and "Beskrivning" in failures["partners/wrong.csv"]
    assert "Excel" in failures["partners/broken.xlsx"]


# --------------------------------------------------------------------- tests/privacy.py itself


def test_privacy_helper_finds_personal_data_in_every_text_column_and_view(tmp_path):
    path = tmp_path / "p.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.t (id integer, note varchar, tags varchar[], clean varchar, digest varchar)"
    )
    con.execute(
        """insert into marts.t values
        (1, 'Ring Anna på 070-174 06 12', ['ok'], 'Ring [telefon] eller [e-post], pnr [personnummer]', repeat('0123456789abcdef', 4)),
        (2, 'born 19850412-1234', ['nils@example.com'], '2024-05-01 12:30, 1 500 kr, 742 31 Östhammar', null),
        (3, 'Nils Testsson', null, '01/05/2024, rad 45413', null)"""
    )
    con.execute("create view marts.v as select note || ' (vy)' as note_in_view from marts.t")
    con.close()

    found = find_personal_data(path, ["nils testsson"])
    assert {(s, t, c) for s, t, c, _ in found} == {
        ("marts", "t", "note"), ("marts", "t", "tags"), ("marts", "v", "note_in_view"),
    }
    assert sorted(v for s, t, c, v in found if c == "note") == [
        "Nils Testsson", "Ring Anna på 070-174 06 12", "born 19850412-1234",
    ]
    assert find_personal_data(path, [], schemas=["raw"]) == []
    assert len(find_personal_data(path, [], patterns=False)) == 0


@pytest.mark.parametrize(
    "text",
    ["070-174 06 12", "+46 (0)70-174 06 12", "0173-123 45", "0701740612", "850412-1234", "198504121234",
     "a.b@example.org"],
)
def test_privacy_patterns_catch_the_contracts_shapes(text):
    assert any(p.search(f"x {text} y") for p in PATTERNS.values())
    assert not any(p.search(re.sub(r"\S", "", text) + "[telefon] [e-post] [personnummer]") for p in PATTERNS.values())


def test_free_text_off_stores_no_place_or_description(tmp_path, monkeypatch):
    """LAGESBILD_FREE_TEXT=off (DATA-CONTRACT §5): Plats and Beskrivning null, and left out of
    a rejected row's raw record; the partner (part of the key) stays."""
    monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
    data_dir = tmp_path / "data"
    path = write_csv(data_dir / "partners", "p.csv", [
        "2025-03-04;ICA Gimo;snatteri;Gimo;Kassa hos Anna Svensson;;Ring Bo Ek på Storgatan 12",
        "2025-03-04;ICA Gimo;Trafikbrott;Gimo;Kassan hos Lisa Nyberg;;Bil ABC 123 och Kalle Lund",
    ])
    with connect(tmp_path / "w.duckdb") as con:
        assert load(con, path, data_dir).rows_loaded == 1
        stored = rows(con, "select partner, place, description, description_sha256 from raw.partner_reports")
        raw_record = rows(con, "select raw_record from audit.rejected_rows")[0][0]
    assert stored == [("ICA Gimo", None, None, hashlib.sha256(b"").hexdigest())]
    assert raw_record == "2025-03-04;ICA Gimo;Trafikbrott;Gimo;;;"


def test_partner_names_are_not_people_in_the_files_text(tmp_path):
    data_dir = tmp_path / "data"
    path = write_csv(data_dir / "partners", "p.csv", [
        "2025-03-04;Kiosken hos Kent;snatteri;Gimo;Kiosken hos Kent;;Kiosken hos Kent larmade, Kent Ek såg det",
    ])
    with connect(tmp_path / "w.duckdb") as con:
        load(con, path, data_dir)
        stored = rows(con, "select partner, place, description from raw.partner_reports")
    assert stored == [("Kiosken hos Kent", "Kiosken hos Kent", "Kiosken hos Kent larmade, [namn] såg det")]


def test_a_file_of_the_wrong_type_is_a_named_failure_and_upper_case_names_load(tmp_path, monkeypatch):
    """A real materialisation of the partner asset: RAPPORT.CSV loads, an .xls and an .ods are
    failed files with a reason (never silently skipped), a README beside them is not data."""
    import dagster as dg

    from pipelines.ingest.assets import partner_reports
    from pipelines.resources import Warehouse

    data_dir = tmp_path / "data"
    folder = data_dir / "partners"
    write_csv(folder, "RAPPORT.CSV", [VALID])
    (folder / "gammal.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    (folder / "kalkyl.ods").write_bytes(b"PK\x03\x04 opendocument")
    (folder / "README.md").write_text("Anteckningar om filerna.", encoding="utf-8")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    result = dg.materialize([partner_reports], resources={"warehouse": Warehouse()})
    assert result.success
    metadata = result.asset_materializations_for_node(partner_reports.op.name)[0].metadata
    assert metadata["files_found"].value == 3 and metadata["files_failed"].value == 2
    with connect(tmp_path / "w.duckdb") as con:
        assert rows(con, "select count(*) from raw.partner_reports") == [(1,)]
        failures = dict(rows(con, "select source_file, reason from audit.rejected_rows where source_row is null"))
    assert set(failures) == {"partners/gammal.xls", "partners/kalkyl.ods"}
    assert failures["partners/gammal.xls"] == (
        "Filtypen .xls läses inte i den här mappen (bara .csv, .xlsx). Spara den som .xlsx eller CSV."
    )
