"""The bad-input corpus: real-world broken files of every source kind, all dropped into one
data directory and run through the real pipeline (Dagster + dbt + DuckDB) together.

Each case asserts its documented outcome (a named file error, a rejected row with a
Swedish reason, or a row that loads), that every valid row of the same file loaded, and,
at the end, that no personal-data value is stored anywhere in the warehouse.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from dataclasses import dataclass, field

import duckdb
import pytest
import xlsxwriter

from tests.conftest import SAMPLE, make_data_dir, run_pipeline
from tests.privacy import find_personal_data

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

PARTNER_HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"
LOCAL_HEADER = "Månad;Område;Brottskategori;Antal"
Q = {  # survey headers from the sample catalogue
    "stold": "Upplever du problem med stölder i ditt område?",
    "fritext": "Beskriv gärna var och när du känner dig otrygg",
}
SURVEY_HEADER = f"Svars-ID;Inskickad;Namn;E-post;IP-adress;Område;{Q['stold']};{Q['fritext']}"

# Personal data planted in the corpus; none of it may be stored anywhere.
PERSONAL = ["19850412-1234", "850412-1234", "198504121234", "070-174 06 12", "+46 70 174 06 13",
            "0173-123 45", "anna.andersson@example.com", "Elin Låtsasson", "elin@example.org", "192.0.2.77"]


@dataclass
class Case:
    name: str
    path: str                      # relative to the data dir
    content: bytes
    table: str | None = None       # raw table the valid rows land in
    loaded: int | None = None      # valid rows expected in that table from this file
    file_error: str | None = None  # regex of the file's rejection reason
    rejected: dict[int, str] = field(default_factory=dict)  # source_row -> regex of the reason
    unchanged: bool = False        # same bytes as another file: adds nothing


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx(rows: list[list], title_rows: int = 0) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r in range(title_rows):
        sheet.write_string(r, 0, "Syntetiska testdata")
    for r, row in enumerate(rows, start=title_rows + (1 if title_rows else 0)):
        for c, value in enumerate(row):
            sheet.write(r, c, value) if not isinstance(value, str) else sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


VALID_PARTNER = "2025-03-10;ICA Östhammar;Snatteri;Östhammar;Butiken;2;Snatteri av godis."
partner_xlsx = xlsx([PARTNER_HEADER.split(";"), ["2025-04-01", "Coop Gimo", "snatteri", "Gimo", "Kassan", "1", "Ok"]])

CASES = [
    # --- whole files that cannot be read: named error, nothing loaded from them
    Case("empty file", "partners/tom.csv", b"", file_error=r"tom"),
    Case("header only", "partners/bara_rubrik.csv", csv(PARTNER_HEADER), table="partner_reports", loaded=0),
    Case("truncated xlsx", "partners/trasig.xlsx", partner_xlsx[: len(partner_xlsx) // 2], file_error=r"."),
    Case("binary garbage named .csv", "partners/skrap.csv", bytes(range(256)) * 40, file_error=r"."),
    Case("wrong separator", "partners/pipes.csv",
         csv(PARTNER_HEADER.replace(";", "|"), VALID_PARTNER.replace(";", "|")), file_error=r"[Rr]ubrik|kolumn"),
    Case("xlsx without a table", "partners/ingen_tabell.xlsx", xlsx([["Bara en anteckning"]]), file_error=r"."),
    Case("unsupported file type", "partners/rapport.pdf", b"%PDF-1.4", file_error=r"Filtypen \.pdf läses inte"),
    Case("old Excel format", "police/local/utdrag.xls", b"\xd0\xcf\x11\xe0 old", file_error=r"Spara den som \.xlsx"),
    Case("a note beside the data", "partners/LÄSMIG.txt", "Skicka rapporterna till samordnaren.".encode(),
         file_error=None, table=None),
    Case("BRÅ file without a year in its name", "police/bra/Anmälda brott per kommun.csv",
         "\ufeffKommun;Antal;Per 100 000 inv.\r\nÖsthammar;1 700;7 600,1\r\n".encode(), file_error=r"årtal"),
    Case("survey export without the id column", "surveys/utan_id.csv",
         csv(f"Inskickad;Område;{Q['stold']}", "2025-03-01 10:00;Gimo;Stämmer helt"), file_error=r"Svars-ID"),
    Case("police events: not gzip", "police/events/trasig.jsonl.gz", b"not gzip at all", file_error=r"gzip"),
    # --- rows: every bad row rejected with its reason, every good row of the file loaded
    Case("partner dates", "partners/datum.csv", csv(
        PARTNER_HEADER,
        "2025-02-30;ICA Östhammar;Snatteri;Östhammar;;1;",            # 2 invalid
        "2099-01-01;ICA Östhammar;Snatteri;Östhammar;;1;",            # 3 future
        "1999-12-31;ICA Östhammar;Snatteri;Östhammar;;1;",            # 4 before 2000
        "2025-03-01;ICA Östhammar;Snatteri;Östhammar;;1;",
        "15/03/2025;ICA Östhammar;Snatteri;Östhammar;;1;",
        "2025-03-20 14:30;ICA Östhammar;Snatteri;Östhammar;;1;",
    ), table="partner_reports", loaded=3,
        rejected={2: r"Datum '2025-02-30'", 3: r"framtiden", 4: r"före år 2000"}),
    Case("partner counts", "partners/antal.csv", csv(
        PARTNER_HEADER,
        "2025-03-01;Skolan;Klotter;Gimo;;-3;",    # 2 negative
        "2025-03-01;Skolan;Klotter;Gimo;;abc;",   # 3 non-numeric
        "2025-03-01;Skolan;Klotter;Gimo;;0;",     # 4 zero
        "2025-03-02;Skolan;Klotter;Gimo;;;",      # empty = 1
        "2025-03-03;Skolan;Klotter;Gimo;;2;",
    ), table="partner_reports", loaded=2, rejected={2: r"Antal '-3'", 3: r"Antal 'abc'", 4: r"Antal '0'"}),
    Case("partner categories", "partners/kategori.csv", csv(
        PARTNER_HEADER,
        "2025-03-01;Coop;Nedskräpning;Gimo;;1;",  # 2 unknown
        "2025-03-01;Coop;;Gimo;;1;",              # 3 missing
        "2025-03-02;Coop;butiksstöld;Gimo;;1;",
        "2025-03-03;Coop; SKADEGÖRELSE ;Gimo;;1;",
    ), table="partner_reports", loaded=2, rejected={2: r"Nedskräpning", 3: r"Kategori saknas"}),
    Case("unknown area keeps the row", "partners/okant_omrade.csv",
         csv(PARTNER_HEADER, "2025-03-01;Coop;Snatteri;Stockholm;;1;"), table="partner_reports", loaded=1),
    Case("ragged row", "partners/forskjuten.csv", csv(
        PARTNER_HEADER, "2025-03-01;Coop;Snatteri;Gimo;;1;ok;extra;cells", VALID_PARTNER,
    ), table="partner_reports", loaded=1, rejected={2: r"."}),
    # Files load in name order: 'dubbla (kopia).csv' sorts first and loads, dubbla.csv adds nothing.
    Case("same bytes under another name adds nothing", "partners/dubbla.csv",
         csv(PARTNER_HEADER, VALID_PARTNER, VALID_PARTNER), unchanged=True),
    Case("Windows-1252 with åäö", "partners/ansi.csv",
         csv(PARTNER_HEADER, "2025-03-05;Östhammarshem;Skadegörelse;Öregrund;Trapphus;1;Klotter på väggen."
             , encoding="cp1252"), table="partner_reports", loaded=1),
    Case("comma separator and BOM", "partners/komma.csv",
         "\ufeff".encode() + csv(PARTNER_HEADER.replace(";", ","), VALID_PARTNER.replace(";", ",")),
         table="partner_reports", loaded=1),
    Case("xlsx with title rows", "partners/titel.xlsx",
         xlsx([PARTNER_HEADER.split(";"), ["2025-04-02", "Coop Gimo", "snatteri", "Gimo", "", "1", "Ok"]], title_rows=2),
         table="partner_reports", loaded=1),
    Case("1 MB free text", "partners/lang_text.csv",
         csv(PARTNER_HEADER, "2025-03-01;Coop;Snatteri;Gimo;;1;" + "lång text " * 100_000), table="partner_reports",
         loaded=1),
    Case("formula injection", "partners/formel.csv", csv(
        PARTNER_HEADER,
        '2025-03-01;Coop;Snatteri;Gimo;;1;"=HYPERLINK(""http://x"",""klicka"")"',
        "2025-03-02;Coop;Snatteri;Gimo;@SUM(A1);1;+1+2",
    ), table="partner_reports", loaded=2),
    Case("personal data in free text", "partners/personuppgifter.csv", csv(
        PARTNER_HEADER,
        "2025-03-01;Coop;Hot;Gimo;Ring 070-174 06 12;1;Kund 19850412-1234 hotade, mejla anna.andersson@example.com",
        "2025-03-02;Coop;Hot;Gimo;Entrén;1;Vittne 850412-1234, tel +46 70 174 06 13 eller 0173-123 45",
    ), table="partner_reports", loaded=2),
    Case("duplicated rows in one file are two incidents", "partners/dubbla (kopia).csv",
         csv(PARTNER_HEADER, VALID_PARTNER, VALID_PARTNER), table="partner_reports", loaded=2),
    Case("local police rows", "police/local/lokal.csv", csv(
        LOCAL_HEADER,
        "2025-01;Gimo;Stöld;4",
        "2025-01;Gimo;Inbrott;..",        # suppressed at source: unknown, not zero, not rejected
        "2025-01;Gimo;Snatteri;-2",       # 4 negative
        "2025-13;Gimo;Snatteri;1",        # 5 invalid month
        "2025-02;Gimo;Trafikbrott;3",     # 6 unknown category
        "2025-02-01;Öregrund;vandalisering;0",
    ), table="police_local", loaded=3, rejected={4: r"Antal '-2'", 5: r"2025-13", 6: r"Trafikbrott"}),
    Case("local police xlsx with an Excel date", "police/local/lokal.xlsx",
         xlsx([["Månad", "Område", "Brottskategori", "Antal"], [45748, "Alunda", "stöld", 3]]),
         table="police_local", loaded=1),
    Case("BRÅ old format", "police/bra/Anmälda brott per kommun 2020.csv", csv(
        "Östhammars kommun;1 560;7 123,9", "Arjeplogs kommun;abc;1,0", "Hela landet;1 498 887;14 440,1",
    ), table="police_bra", loaded=2, rejected={2: r"Antal 'abc'"}),
    Case("survey rows", "surveys/enkat.csv", csv(
        SURVEY_HEADER,
        "9001;2025-03-01 10:00;Elin Låtsasson;elin@example.org;192.0.2.77;Gimo;Stämmer helt;Otryggt vid busstationen",
        ";2025-03-01 10:05;;;;Gimo;Stämmer helt;",                       # 3 no id
        "9003;2025-02-30 10:00;;;;Gimo;Stämmer helt;",                    # 4 invalid time
        "9004;2099-01-01 10:00;;;;Gimo;Stämmer helt;",                    # 5 future
        "9005;2025-03-02 11:00;;;;öREGRUND ;2;Ring mig på 070-174 06 12",  # digits, odd area spelling
        "9006;2025-03-02 12:00;;;;Gimo;Vet ej;",
    ), table="survey_responses", rejected={3: r"Svars-ID saknas", 4: r"2025-02-30", 5: r"framtiden"}),
    Case("police events rows", "police/events/handelser.jsonl", "\n".join([
        json.dumps({"id": 1, "datetime": "2025-06-01 9:05:00 +02:00", "name": "01 juni 08.30, Inbrott, Östhammar",
                    "summary": "Inbrott i Gimo.", "type": "Inbrott", "location": {"name": "Uppsala län", "gps": "1,2"}}),
        "{trasig json",
        json.dumps({"datetime": "2025-06-01 9:05:00 +02:00", "name": "01 juni 08.30, Inbrott, Östhammar",
                    "type": "Inbrott"}),
    ]).encode(), table="police_events", loaded=1, rejected={2: r"inte giltig JSON", 3: r"saknar id"}),
]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    data_dir = make_data_dir(base)
    (data_dir / "surveys").mkdir()
    shutil.copy(SAMPLE / "surveys" / "questions.yaml", data_dir / "surveys" / "questions.yaml")
    for case in CASES:
        path = data_dir / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.content)
    with pytest.MonkeyPatch.context() as monkeypatch:
        first = run_pipeline(data_dir, base, monkeypatch)
        with duckdb.connect(str(first.warehouse), read_only=True) as con:
            counts_after_first = table_counts(con)
        second = run_pipeline(data_dir, base, monkeypatch)  # the same files again
    assert first.exit_code == 0 and second.exit_code == 0
    return first, counts_after_first


def table_counts(con) -> dict:
    tables = con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('raw', 'audit') and table_name not in ('quality_results')"
    ).fetchall()
    return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for (t,) in tables}


def test_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30 - 3 and sum(1 + len(c.rejected) for c in CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_outcome(corpus_run, case):
    run, _ = corpus_run
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        file_errors = con.execute(
            "select reason from audit.rejected_rows where source_file = ? and source_row is null", [case.path]
        ).fetchall()
        if case.file_error is not None:
            assert len(file_errors) == 1 and re.search(case.file_error, file_errors[0][0]), file_errors
            return
        assert file_errors == []
        if case.unchanged:
            assert con.execute("select count(*) from audit.loaded_files where source_file = ?", [case.path]).fetchall() == [(0,)]
            return
        if case.table is None:  # a note, not data: ignored, never loaded
            assert con.execute("select count(*) from audit.loaded_files where source_file = ?", [case.path]).fetchall() == [(0,)]
            return
        rejected = dict(con.execute(
            "select source_row, reason from audit.rejected_rows where source_file = ? and source_row is not null",
            [case.path]).fetchall())
        assert set(rejected) == set(case.rejected), rejected
        for row, pattern in case.rejected.items():
            assert re.search(pattern, rejected[row]), (row, rejected[row])
        if case.loaded is not None:
            loaded = con.execute(f"select count(*) from raw.{case.table} where _source_file = ?", [case.path]).fetchall()
            assert loaded == [(case.loaded,)]


def test_values_that_load_are_read_right(corpus_run):
    run, _ = corpus_run
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        def one(sql, *params):
            return con.execute(sql, list(params)).fetchall()

        assert one("select report_count from raw.partner_reports where _source_file = 'partners/antal.csv' order by report_date") == [(1,), (2,)]
        assert one("select place, description from raw.partner_reports where _source_file = 'partners/ansi.csv'") == [("Trapphus", "Klotter på väggen.")]
        formulas = [d for (d,) in one("select description from raw.partner_reports where _source_file = 'partners/formel.csv'")]
        assert formulas and all(d.startswith("'") for d in formulas)
        # '..' is unknown, not zero
        assert one("select reported_count, suppressed from raw.police_local where area = 'Gimo' and category = 'Inbrott'") == [(None, True)]
        # unknown area -> okant in the facts, never dropped
        assert one("select sum(partner_report_count) from marts.fct_problem_indicators where area_id = 'okant' and category_id = 'snatteri' and period = '2025-T1'") == [(1,)]
        # survey: digits and labels, odd area spelling, Vet ej out of the denominator
        assert one("select area_id, survey_respondents, survey_problem_share from marts.fct_problem_indicators "
                   "where category_id = 'stold' and survey_respondents is not null order by area_id") == [
            ("gimo", 1, 1.0), ("oregrund", 1, 1.0)]
        assert one("select kommun, reported_crimes from marts.fct_reference_crime_rates where year = 2020 order by 1") == [
            ("Hela landet", 1498887), ("Östhammar", 1560)]


def test_reloading_the_same_files_changes_nothing(corpus_run):
    run, counts_after_first = corpus_run
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        assert table_counts(con) == counts_after_first


def test_no_personal_data_anywhere(corpus_run):
    run, _ = corpus_run
    assert find_personal_data(run.warehouse, PERSONAL) == []
