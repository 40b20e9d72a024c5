"""pipelines.ingest.surveys and the questions.yaml model: the catalogue validated, wide
exports loaded long, rejections with Swedish reasons, columns outside the catalogue and
personal data never stored."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from pipelines import warehouse
from pipelines.config import ConfigError, load_questions
from pipelines.ingest import surveys
from pipelines.ingest.common import BadFileError, load_file

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "surveys"
AS_OF = dt.date(2026, 6, 1)  # the as-of date the parser is given

QUESTIONS = """\
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
sector_column: Sektor
questions:
  - header: "Upplever du problem med stölder i ditt område?"
    id: q_stold
    category: stold
    scale: agree4
  - header: "Känner du dig trygg när du går ute ensam på kvällen?"
    id: q_trygg
    category: Social oro
    scale: trygg4
  - header: "Beskriv gärna var och när du känner dig otrygg"
    id: q_fritext
    free_text: true
scales:
  agree4:
    problem: ["Stämmer helt", "Stämmer ganska bra"]
    no_problem: ["Stämmer ganska dåligt", "Stämmer inte alls"]
    ignore: ["Vet ej", ""]
  trygg4:
    problem: ["Mycket otrygg", "Ganska otrygg"]
    no_problem: ["Ganska trygg", "Mycket trygg"]
    ignore: ["Vet ej", "Går aldrig ut ensam", ""]
"""

HEADER = (
    "Svars-ID;Inskickad;Namn;E-post;IP-adress;Område;Sektor;"
    "Upplever du problem med stölder i ditt område?;Känner du dig trygg när du går ute ensam på kvällen?;"
    "Beskriv gärna var och när du känner dig otrygg"
)
# Personal data planted in the file: none of it may be stored anywhere.
NAME, EMAIL, IP = "Kalle Planteradsson", "kalle.planteradsson@example.com", "198.51.100.77"
PNR, PHONE, FREE_EMAIL = "19850412-1234", "070-174 06 12", "fria.texten@example.org"
PLANTED = [NAME, "Planteradsson", EMAIL, IP, PNR, PHONE, "174 06 12", FREE_EMAIL]

VALID = [
    # line 2: labels, free text with personal data
    f"101;2025-03-03 07:01:52;{NAME};{EMAIL};{IP};Östhammar;Boende;Stämmer helt;Mycket otrygg;"
    f"Ring mig på {PHONE} eller {FREE_EMAIL}, pnr {PNR}",
    # line 3: blank answers and a blank area are no rejection
    "102;2025-03-03 08:00:00;;;;;;;Vet ej;",
    # line 4: digits, a formula in the free text
    "103;2025-03-04 09:15;;;;Gimo;;3;1;=HYPERLINK(\"http://x\")",
]
BAD = {
    5: ";2025-03-05 10:00:00;Utan Id;;;Gimo;;Stämmer helt;;",
    6: "105;2023-09-31 19:04:11;;;;Gimo;;Stämmer helt;;",
    7: "106;2026-07-01 10:00:00;;;;Gimo;;Stämmer helt;;",
    8: "107;1999-12-31 23:59:59;;;;Gimo;;Stämmer helt;;",
    9: "101;2025-03-06 10:00:00;;;;Gimo;;Stämmer helt;;",
    10: "110;;;;;Gimo;;Stämmer helt;;",
    11: "111;2025-03-06 11:00:00;;;;Gimo;;Stämmer helt;;;oväntad cell",
}
EXPECTED_REASONS = {
    5: "Svars-ID saknas: svaret kan inte identifieras.",
    6: "Inskickad '2023-09-31 19:04:11' är ingen giltig tidpunkt (väntade ÅÅÅÅ-MM-DD TT:MM:SS).",
    7: "Inskickad '2026-07-01 10:00:00' ligger i framtiden.",
    8: "Inskickad '1999-12-31 23:59:59' är före år 2000 och kan inte stämma.",
    9: "Svars-ID '101' förekommer redan på rad 2 i samma fil; den första raden används.",
    10: "Inskickad (när svaret skickades in) saknas.",
    11: "Raden har 1 ifylld(a) cell(er) till höger om sista kolumnen (10 kolumner i rubrikraden); "
        "kolumnerna har troligen förskjutits.",
}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data" / "surveys"
    folder.mkdir(parents=True)
    (folder / "questions.yaml").write_text(QUESTIONS, encoding="utf-8")
    return tmp_path / "data"


@pytest.fixture
def questions(data_dir):
    return load_questions(data_dir / "surveys" / "questions.yaml")


@pytest.fixture
def parser(questions):
    return surveys.make_parser(questions, as_of=AS_OF)


def write_csv(data_dir: Path, name: str, lines: list[str], encoding="utf-8") -> Path:
    path = data_dir / "surveys" / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def load(con, path, data_dir, parser):
    return load_file(con, path, data_dir=data_dir, source_kind=surveys.SOURCE_KIND, parse=parser, write=surveys.write)


def all_text(con) -> list[str]:
    """Every value of every text column of every table in the warehouse."""
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR'"
    ).fetchall()
    values: list[str] = []
    for schema, table, column in columns:
        values += [v for (v,) in con.execute(f'select "{column}" from "{schema}"."{table}"').fetchall() if v]
    return values


# ------------------------------------------------------------------ questions.yaml


def test_sample_catalogue_is_valid():
    questions = load_questions(SAMPLE / "questions.yaml")
    assert [q.id for q in questions.questions][:2] == ["q_stold", "q_inbrott"]
    assert questions.sector_column == "Sektor"
    assert questions.scales["agree4"].ignore == ["Vet ej", ""]


CATEGORIES = ("kategorier: stold (Stöld), inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och "
              "klotter), hot_vald (Hot och våld), social_oro (Social oro och ordningsstörning), narkotika (Narkotika), "
              "vapen (Vapen och skjutningar), eller ett alias ur kategorilistan")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("scale: trygg4\n", "scale: trygg5\n",
         'fråga 2 "q_trygg", rad 13: fältet "scale": okänd skala "trygg5" – menade du "trygg4"? '
         "(skalor under scales: agree4, trygg4)"),
        ("id: q_trygg", "id: q_stold", 'fråga 2 "q_stold", rad 11: fältet "id": "q_stold" finns redan (fråga 1)'),
        ('"Känner du dig trygg när du går ute ensam på kvällen?"', '"  UPPLEVER du problem med  stölder i ditt område? "',
         'fråga 2 "q_trygg", rad 10: fältet "header": rubriken finns redan (fråga 1; rubriker jämförs utan skillnad på '
         "stora och små bokstäver och mellanslag)"),
        ("category: Social oro", "category: Trafikbrott",
         f'fråga 2 "q_trygg", rad 12: fältet "category": okänd kategori "Trafikbrott" ({CATEGORIES})'),
        ("category: Social oro", "category: Socail oro",
         f'fråga 2 "q_trygg", rad 12: fältet "category": okänd kategori "Socail oro" – menade du "social oro"? '
         f"({CATEGORIES})"),
        ("free_text: true", "free_text: true\n    scale: agree4",
         'fråga 3 "q_fritext", rad 17: fältet "scale": en fritextfråga (free_text: true) har ingen category eller scale'),
        ("    category: stold\n", "",
         'fråga 1 "q_stold", rad 6: fältet "category" saknas (eller free_text: true för en fritextfråga)'),
        ('ignore: ["Vet ej", ""]', 'ignore: ["Vet ej", "stämmer HELT"]',
         'skalan "agree4", rad 21: fältet "ignore": svaret "stämmer HELT" står redan under problem'),
        ('problem: ["Stämmer helt", "Stämmer ganska bra"]', 'problem: ["Stämmer helt", ""]',
         'skalan "agree4", rad 19: fältet "problem": ett tomt svar kan bara stå under ignore'),
        ("area_column: Område", "area_column: svars-id", 'rad 3: fältet "area_column": "svars-id" är samma kolumn som id_column'),
        ("id_column: Svars-ID", "id_colum: Svars-ID",
         'fältet "id_column" saknas\nsurveys/questions.yaml, rad 1: okänt fält "id_colum" – menade du "id_column"?'),
        ("    free_text: true", "    fritext: ja", 'fråga 3 "q_fritext", rad 16: okänt fält "fritext" – menade du "free_text"?'),
        ("    free_text: true", "    free_text: kanske",
         'fråga 3 "q_fritext", rad 16: fältet "free_text" ska vara true eller false, inte "kanske"'),
    ],
)
def test_bad_catalogue_says_file_question_line_and_field_in_swedish(data_dir, monkeypatch, old, new, message):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    assert old in QUESTIONS
    path = data_dir / "surveys" / "questions.yaml"
    path.write_text(QUESTIONS.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_questions(path)
    separator = ": " if message.startswith("fältet") else ", "
    assert str(info.value) == f"surveys/questions.yaml{separator}{message}"


def test_write_catalogue_replaces_the_config_tables(tmp_path, questions):
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        surveys.write_catalogue(con, questions)
        counts = surveys.write_catalogue(con, questions)  # replaced, not appended
        assert counts == {"questions": 3, "scales": 2, "scale_labels": 13}
        assert con.execute(
            "select question_id, header_key, category_text, scale, free_text from raw.config_survey_questions "
            "order by sort_order"
        ).fetchall() == [
            ("q_stold", "upplever du problem med stölder i ditt område?", "stold", "agree4", False),
            ("q_trygg", "känner du dig trygg när du går ute ensam på kvällen?", "Social oro", "trygg4", False),
            ("q_fritext", "beskriv gärna var och när du känner dig otrygg", None, None, True),
        ]
        assert con.execute(
            "select label, kind, position from raw.config_survey_scale_labels where scale = 'agree4' "
            "order by position nulls last, label"
        ).fetchall() == [
            ("Stämmer helt", "problem", 1),
            ("Stämmer ganska bra", "problem", 2),
            ("Stämmer ganska dåligt", "no_problem", 3),
            ("Stämmer inte alls", "no_problem", 4),
            ("", "ignore", None),
            ("Vet ej", "ignore", None),
        ]


# ------------------------------------------------------------------ parsing


def test_valid_rows_kept_and_each_bad_row_rejected_with_its_reason(data_dir, parser):
    path = write_csv(data_dir, "enkat.csv", [HEADER, *VALID, *BAD.values()])
    parsed = parser(path)
    assert list(parsed.rows["response_id"]) == ["101", "102", "103"]
    assert list(parsed.rows["_source_row"]) == [2, 3, 4]
    assert list(parsed.rows["submitted_at"]) == [
        dt.datetime(2025, 3, 3, 7, 1, 52), dt.datetime(2025, 3, 3, 8), dt.datetime(2025, 3, 4, 9, 15)
    ]
    assert {r.source_row: r.reason for r in parsed.rejections} == EXPECTED_REASONS
    assert parsed.ignored_columns == ["Namn", "E-post", "IP-adress"]
    assert not {"Namn", "E-post", "IP-adress"} & set(parsed.rows.columns)
    # The rejected row's record keeps the catalogue's columns only.
    record = json.loads(next(r.raw_record for r in parsed.rejections if r.source_row == 5))
    assert "Namn" not in record and "Utan Id" not in json.dumps(record, ensure_ascii=False)
    assert record["Inskickad"] == "2025-03-05 10:00:00"


def test_headers_match_after_trimming_and_case_folding_and_sector_is_optional(data_dir, parser):
    header = ("  SVARS-ID ;inskickad;OMRÅDE;  upplever DU problem med stölder i ditt område?  ;"
              "Okänd fråga")
    path = write_csv(data_dir, "versaler.csv", [header, "1;2025-01-02 10:00:00;Gimo;Stämmer helt;x"])
    parsed = parser(path)
    assert parsed.rows[["response_id", "area", "q:q_stold"]].values.tolist() == [["1", "Gimo", "Stämmer helt"]]
    assert parsed.rows["sector"].isna().all()
    assert parsed.ignored_columns == ["Okänd fråga"]


def test_free_text_is_redacted_and_neutralised(data_dir, parser):
    parsed = parser(write_csv(data_dir, "enkat.csv", [HEADER, *VALID]))
    free = list(parsed.rows["q:q_fritext"])
    assert free[0] == "Ring mig på [telefon] eller [e-post], pnr [personnummer]"
    assert pd.isna(free[1])  # blank stays blank (null)
    assert free[2] == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-03 07:01:52", dt.datetime(2025, 3, 3, 7, 1, 52)),
        ("2025-03-03T07:01", dt.datetime(2025, 3, 3, 7, 1)),
        ("2025-03-03 7:01:52 +01:00", dt.datetime(2025, 3, 3, 7, 1, 52)),
        ("2025-03-03", dt.datetime(2025, 3, 3)),
        ("03/03/2025 07:01", dt.datetime(2025, 3, 3, 7, 1)),
        ("3.3.2025 07.01", dt.datetime(2025, 3, 3, 7, 1)),
        ("45719.5", dt.datetime(2025, 3, 3, 12, 0)),
    ],
)
def test_submission_time_formats(text, expected):
    assert surveys.parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["2025-02-30 10:00", "2025-03-03 25:00", "igår", "3/3/25"])
def test_unreadable_submission_times(text):
    with pytest.raises(ValueError):
        surveys.parse_timestamp(text)


def test_xlsx_with_excel_datetimes_and_numeric_answers(data_dir, parser):
    path = data_dir / "surveys" / "enkat.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for col, header in enumerate(HEADER.split(";")):
        sheet.write(0, col, header)
    sheet.write_number(1, 0, 201)
    sheet.write_datetime(1, 1, dt.datetime(2024, 9, 9, 7, 32, 35), when)
    sheet.write(1, 3, EMAIL)
    sheet.write(1, 5, "Öregrund")
    sheet.write_number(1, 7, 2)
    sheet.write(1, 8, "Ganska trygg")
    book.close()
    parsed = parser(path)
    assert parsed.rows[["response_id", "submitted", "q:q_stold", "q:q_trygg"]].values.tolist() == [
        ["201", "2024-09-09 07:32:35", "2", "Ganska trygg"]
    ]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["Namn;E-post;Område", "A;b;Gimo"], "Hittar ingen rubrikrad med kolumnerna Svars-ID, Inskickad, Område."),
        (["Svars-ID;Inskickad;Område;Namn", "1;2025-01-01;Gimo;A"], "Filen har ingen kolumn vars rubrik finns i frågekatalogen"),
        (["Svars-ID;Inskickad;Område;Upplever du problem med stölder i ditt område?;UPPLEVER DU PROBLEM MED STÖLDER I DITT OMRÅDE?",
          "1;2025-01-01;Gimo;1;2"], "finns två gånger (kolumn 4 och 5)"),
    ],
)
def test_bad_files_are_named(data_dir, parser, lines, reason):
    with pytest.raises(BadFileError) as info:
        parser(write_csv(data_dir, "fel.csv", lines))
    assert reason in info.value.reason


def test_module_parse_reads_the_catalogue_next_to_the_file(data_dir, tmp_path):
    parsed = surveys.parse(write_csv(data_dir, "enkat.csv", [HEADER, *VALID]))
    assert len(parsed.rows) == 3
    lonely = tmp_path / "elsewhere"
    lonely.mkdir()
    (lonely / "enkat.csv").write_text(HEADER + "\n" + VALID[0] + "\n", encoding="utf-8")
    with pytest.raises(BadFileError, match="Frågekatalogen questions.yaml saknas"):
        surveys.parse(lonely / "enkat.csv")


@pytest.mark.parametrize(
    "as_of, kept",
    [("2026-05-30", ["201"]), ("2026-05-31", ["201", "202"]), ("2026-06-01", ["201", "202", "203"])],
)
def test_the_as_of_date_decides_what_is_in_the_future(data_dir, monkeypatch, as_of, kept):
    """The one clock (LAGESBILD_AS_OF): an answer up to the end of the day after the as-of
    date is kept (the margin for time zones), a later one is in the future."""
    monkeypatch.setenv("LAGESBILD_AS_OF", as_of)
    lines = [
        "201;2026-05-31 00:00:00;;;;Gimo;;Stämmer helt;;",
        "202;2026-06-01 23:59:59;;;;Gimo;;Stämmer helt;;",
        "203;2026-06-02 08:00:00;;;;Gimo;;Stämmer helt;;",
    ]
    path = write_csv(data_dir, "enkat.csv", [HEADER, *lines])
    for parsed in (surveys.parse(path), surveys.make_parser(load_questions(data_dir / "surveys" / "questions.yaml"))(path)):
        assert sorted(set(parsed.rows["response_id"])) == kept
        assert all(r.reason.endswith("ligger i framtiden.") for r in parsed.rejections)


# ------------------------------------------------------------------ loading


def test_load_file_long_rows_idempotent_bad_file_named_and_no_personal_data(tmp_path, data_dir, parser):
    good = write_csv(data_dir, "enkat.csv", [HEADER, *VALID, *BAD.values()], encoding="cp1252")
    copy = data_dir / "surveys" / "enkat (kopia).csv"
    copy.write_bytes(good.read_bytes())
    broken = write_csv(data_dir, "trasig.csv", ["Namn;E-post", f"{NAME};{EMAIL}"])
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        outcomes = [load(con, p, data_dir, parser) for p in (broken, good, copy, good)]
        assert [(o.status, o.rows_loaded, o.rows_rejected) for o in outcomes] == [
            ("failed", 0, 0), ("loaded", 3, 7), ("unchanged", 0, 0), ("unchanged", 0, 0)
        ]
        rows = con.execute(
            "select response_id, submitted, area, sector, question_id, answer, _source_file, _source_row "
            "from raw.survey_responses order by response_id, question_id"
        ).fetchall()
        assert rows == [
            ("101", "2025-03-03 07:01:52", "Östhammar", "Boende", "q_fritext",
             "Ring mig på [telefon] eller [e-post], pnr [personnummer]", "surveys/enkat.csv", 2),
            ("101", "2025-03-03 07:01:52", "Östhammar", "Boende", "q_stold", "Stämmer helt", "surveys/enkat.csv", 2),
            ("101", "2025-03-03 07:01:52", "Östhammar", "Boende", "q_trygg", "Mycket otrygg", "surveys/enkat.csv", 2),
            ("102", "2025-03-03 08:00:00", None, None, "q_fritext", None, "surveys/enkat.csv", 3),
            ("102", "2025-03-03 08:00:00", None, None, "q_stold", None, "surveys/enkat.csv", 3),
            ("102", "2025-03-03 08:00:00", None, None, "q_trygg", "Vet ej", "surveys/enkat.csv", 3),
            ("103", "2025-03-04 09:15", "Gimo", None, "q_fritext", "'=HYPERLINK(\"http://x\")", "surveys/enkat.csv", 4),
            ("103", "2025-03-04 09:15", "Gimo", None, "q_stold", "3", "surveys/enkat.csv", 4),
            ("103", "2025-03-04 09:15", "Gimo", None, "q_trygg", "1", "surveys/enkat.csv", 4),
        ]
        rejected = con.execute(
            "select source_file, source_row, reason from audit.rejected_rows order by source_row nulls first"
        ).fetchall()
        assert rejected[0][:2] == ("surveys/trasig.csv", None)
        assert "Hittar ingen rubrikrad" in rejected[0][2]
        assert {row: reason for _, row, reason in rejected[1:]} == EXPECTED_REASONS
        assert surveys.ignored_columns(con) == [
            ("surveys/enkat.csv", "E-post"), ("surveys/enkat.csv", "IP-adress"), ("surveys/enkat.csv", "Namn")
        ]
        texts = all_text(con)
        assert texts, "the scan found no text at all"
        leaks = [(p, t) for t in texts for p in PLANTED if p in t]
        assert not leaks


def test_loading_a_second_export_keeps_both_as_loaded(tmp_path, data_dir, parser):
    """Cumulative exports: raw keeps every file's rows; dbt picks the newest export."""
    first = write_csv(data_dir, "export_1.csv", [HEADER, VALID[0]])
    second = write_csv(data_dir, "export_2.csv", [HEADER, VALID[0].replace("Stämmer helt", "Stämmer inte alls"), VALID[1]])
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        assert [load(con, p, data_dir, parser).rows_loaded for p in (first, second)] == [1, 2]
        assert con.execute(
            "select _source_file, answer from raw.survey_responses "
            "where response_id = '101' and question_id = 'q_stold' order by 1"
        ).fetchall() == [("surveys/export_1.csv", "Stämmer helt"), ("surveys/export_2.csv", "Stämmer inte alls")]


def test_header_only_file_loads_nothing(tmp_path, data_dir, parser):
    path = write_csv(data_dir, "tom.csv", [HEADER])
    assert parser(path).ignored_columns == ["Namn", "E-post", "IP-adress"]
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        outcome = load(con, path, data_dir, parser)
        assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 0, 0)
        assert con.execute("select count(*) from raw.survey_responses").fetchall() == [(0,)]


def test_sample_exports_load_with_the_one_planted_rejection(tmp_path):
    data_dir = SAMPLE.parent
    parser = surveys.make_parser(load_questions(SAMPLE / "questions.yaml"))
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        outcomes = [load(con, p, data_dir, parser) for p in sorted(SAMPLE.glob("*.csv")) + sorted(SAMPLE.glob("*.xlsx"))]
        assert all(o.status == "loaded" for o in outcomes)
        assert sum(o.rows_loaded for o in outcomes) == 621 - 1 + 710 + 830 + 180 + 210 + 189 + 260
        assert con.execute("select source_file, source_row, reason from audit.rejected_rows").fetchall() == [
            ("surveys/trygghetsenkat_2023_export.csv", 100,
             "Inskickad '2023-09-31 19:04:11' är ingen giltig tidpunkt (väntade ÅÅÅÅ-MM-DD TT:MM:SS).")
        ]
        assert con.execute("select count(*) from raw.survey_responses where answer like '%@%'").fetchall() == [(0,)]
        ignored = {h for _, h in surveys.ignored_columns(con)}
        assert ignored == {"Namn", "E-post", "IP-adress"}
        # e-mail addresses of the Namn/E-post columns of the sample are nowhere
        assert not [t for t in all_text(con) if "@example." in t]



def test_free_text_off_stores_no_free_text_answer(data_dir, parser, monkeypatch):
    """LAGESBILD_FREE_TEXT=off: free-text answers null, and not in a rejected row's raw record."""
    monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
    bad = "110;;;;;Gimo;;Stämmer helt;;Anna Svensson på Storgatan 3 säljer"
    parsed = parser(write_csv(data_dir, "enkat.csv", [HEADER, *VALID, bad]))
    assert parsed.rows["q:q_fritext"].isna().all()
    assert parsed.rows["q:q_stold"].notna().any()  # the scaled answers are kept
    record = parsed.rejections[-1].raw_record
    assert "Anna" not in record and "Storgatan" not in record and "Stämmer helt" in record


def test_free_text_names_are_redacted(data_dir, parser):
    line = "120;2025-03-05 10:00:00;;;;Gimo;;Stämmer helt;;Anna Svensson på Storgatan 3 säljer, bil ABC 123"
    parsed = parser(write_csv(data_dir, "enkat.csv", [HEADER, line]))
    assert list(parsed.rows["q:q_fritext"]) == ["[namn] på [adress] säljer, bil [regnr]"]
