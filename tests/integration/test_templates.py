"""`make templates` round trip (issue 11): the templates are generated for a data
directory, filled in as a partner or the police would (openpyxl for the workbook, plain
text for the CSV), and loaded by the real loaders: the parse function, and a Dagster
materialisation of the ingest asset into a real DuckDB file. Valid rows load with no
rejection; each kind of mistake is rejected with its Swedish reason. The questions.yaml
skeleton is built from the sample survey exports and from a foreign-looking export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import openpyxl
import pytest
import yaml

from pipelines.config import ConfigError, header_key, load_municipality, load_questions
from pipelines.ingest import partners, police_local, surveys
from pipelines.ingest.common import BadFileError
from pipelines.ingest.readers import read_table
from pipelines.input_templates import template_dir, write_questions, write_templates
from pipelines.input_templates.__main__ import main
from tests.conftest import SAMPLE, TEST_AS_OF, make_data_dir

REPO = Path(__file__).resolve().parents[2]
AS_OF = dt.date.fromisoformat(TEST_AS_OF)
SEED = REPO / "dbt_project" / "seeds" / "problem_categories.csv"
EXPORTS = ["trygghetsenkat_2023_export.csv", "trygghetsenkat_2024_export.xlsx", "trygghetsenkat_2025_export.csv",
           "pulsenkat_2024_var.csv"]
IDENTIFYING = ["Namn", "E-post", "IP-adress"]


def seed_categories() -> list[tuple[str, str]]:
    """(id, name) from the seed, read here independently of pipelines.ingest.taxonomy."""
    with SEED.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["sort_order"]))
    return [(r["category_id"], r["name_sv"]) for r in rows]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_data_dir(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="module")
def municipality(data_dir):
    return load_municipality(data_dir / "municipality.yaml")


@pytest.fixture(scope="module")
def mallar(data_dir, municipality) -> Path:
    target = template_dir(data_dir.parent / "output")
    write_templates(municipality, target, as_of=AS_OF)
    return target


def materialise(asset, data_dir: Path, base: Path, monkeypatch) -> duckdb.DuckDBPyConnection:
    """A real Dagster materialisation of one ingest asset into a fresh DuckDB file."""
    from pipelines.resources import Warehouse

    warehouse = base / "lagesbild.duckdb"
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(base / "output"))
    result = dg.materialize([asset], resources={"warehouse": Warehouse()})
    assert result.success
    return duckdb.connect(str(warehouse), read_only=True)


def fresh_data_dir(tmp_path: Path) -> Path:
    return make_data_dir(tmp_path / "in")


def fill_xlsx(template: Path, rows: list[list], target: Path) -> Path:
    """The template's first sheet filled in below its header, saved as `target`."""
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    for i, values in enumerate(rows, start=2):
        for j, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=i, column=j, value=value)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def fill_csv(template: Path, lines: list[str], target: Path) -> Path:
    """The CSV template with lines appended as a spreadsheet saves them (UTF-8, CRLF)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(template.read_bytes() + "".join(line + "\r\n" for line in lines).encode("utf-8"))
    return target


def rejected(con) -> dict[int, str]:
    return dict(con.execute("select source_row, reason from audit.rejected_rows order by all").fetchall())


# --------------------------------------------------------------------------- the files


def test_every_file_is_written_and_printed(data_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(out))
    assert main(["--survey", str(SAMPLE / "surveys" / EXPORTS[0])]) == 0
    names = ["partnerrapport.xlsx", "partnerrapport.csv", "lokalpolis.xlsx", "lokalpolis.csv", "questions.yaml"]
    assert sorted(p.name for p in (out / "mallar").iterdir()) == sorted(names)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"Mallar för Östhammar i {out / 'mallar'}:"
    assert [line.split(":")[0].strip() for line in printed[1:]] == names
    assert "validerar inte ännu" in printed[-1] and "3 kolumner som pekar ut den svarande utelämnade" in printed[-1]


def test_an_unreadable_survey_export_is_a_swedish_error(data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    empty = tmp_path / "export.csv"
    empty.write_bytes(b"")
    assert main(["--survey", str(empty)]) == 1
    assert capsys.readouterr().err.strip() == f"FEL {empty}: Filen är tom."


def test_csv_twins_are_the_header_only_with_bom(mallar):
    assert (mallar / "partnerrapport.csv").read_bytes() == (
        "\ufeffDatum;Partner;Kategori;Område;Plats;Antal;Beskrivning\r\n".encode("utf-8")
    )
    assert (mallar / "lokalpolis.csv").read_bytes() == "\ufeffMånad;Område;Brottskategori;Antal\r\n".encode("utf-8")


def _validations(sheet) -> dict[str, object]:
    """{header of the column: its data validation}."""
    header = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        first = str(validation.sqref).split(":")[0]
        found[header[first.rstrip("0123456789")]] = validation
        assert str(validation.sqref).endswith("10001")  # every fill-in row is covered
    return found


def _list_values(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    return [row[0].value for row in workbook[sheet_name][cells.replace("$", "")]]


def test_partner_workbook_layout_and_validation(mallar, municipality):
    workbook = openpyxl.load_workbook(mallar / "partnerrapport.xlsx")
    assert workbook.sheetnames == ["Rapporter", "Instruktioner", "Listor"]
    assert [s.sheet_state for s in workbook.worksheets] == ["visible", "visible", "hidden"]
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == partners.EXPECTED_COLUMNS
    assert sheet.max_row == 1  # nothing but the header: the example is on the instruction sheet
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["F"].width

    rules = _validations(sheet)
    assert set(rules) == set(partners.EXPECTED_COLUMNS)  # each column has at least its tooltip
    assert all(rule.prompt and rule.promptTitle == name for name, rule in rules.items())
    assert "ÅÅÅÅ-MM-DD" in rules["Datum"].prompt
    assert (rules["Datum"].type, rules["Datum"].formula1) == ("date", "36526")  # 2000-01-01
    assert int(rules["Datum"].formula2) > 70_000  # a far date: the loader rejects the future itself
    assert (rules["Antal"].type, rules["Antal"].formula1) == ("whole", "1")
    assert rules["Kategori"].type == "list" and rules["Kategori"].errorStyle in (None, "stop")
    assert _list_values(workbook, rules["Kategori"].formula1) == [name for _, name in seed_categories()]
    assert rules["Område"].type == "list" and rules["Område"].errorStyle == "warning"
    assert _list_values(workbook, rules["Område"].formula1) == [a.name for a in municipality.areas]
    # The date column is formatted as a date, also for rows typed in later.
    assert sheet.column_dimensions["A"].number_format == "yyyy-mm-dd"

    text = "\n".join(str(v) for row in workbook["Instruktioner"].iter_rows(values_only=True) for v in row if v)
    for words in ("En rad är en händelse", "läses inte in alls", "namn på personer", "telefonnummer",
                  "tas bort", "Skicka filen", "Östhammars kommun", *partners.EXPECTED_COLUMNS):
        assert words in text


def test_police_workbook_validation(mallar, municipality):
    workbook = openpyxl.load_workbook(mallar / "lokalpolis.xlsx")
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == police_local.HEADER and sheet.max_row == 1
    rules = _validations(sheet)
    assert _list_values(workbook, rules["Brottskategori"].formula1) == [name for _, name in seed_categories()]
    assert _list_values(workbook, rules["Område"].formula1) == [a.name for a in municipality.areas]
    assert rules["Månad"].type == "date"
    assert rules["Antal"].type == "custom" and '".."' in rules["Antal"].formula1


@pytest.mark.parametrize("name", ["partnerrapport", "lokalpolis"])
def test_the_blank_template_and_its_example_row(mallar, tmp_path, name):
    """The template as handed out loads as nothing; its worked example, copied onto the
    first sheet, loads without a rejection."""
    parse = partners.parse if name == "partnerrapport" else police_local.parse
    blank = parse(mallar / f"{name}.xlsx")
    assert (len(blank.rows), blank.rejections) == (0, [])
    assert (len(parse(mallar / f"{name}.csv").rows)) == 0

    workbook = openpyxl.load_workbook(mallar / f"{name}.xlsx")
    rows = [list(r) for r in workbook["Instruktioner"].iter_rows(values_only=True)]
    header = partners.EXPECTED_COLUMNS if name == "partnerrapport" else police_local.HEADER
    at = next(i for i, r in enumerate(rows) if r[:4] == ["Kolumn", "Måste fyllas i", "Vad du skriver", "Exempel"])
    assert [r[0] for r in rows[at + 1: at + 1 + len(header)]] == header
    example = [r[3] for r in rows[at + 1: at + 1 + len(header)]]
    parsed = parse(fill_xlsx(mallar / f"{name}.xlsx", [example], tmp_path / f"{name}.xlsx"))
    assert (len(parsed.rows), parsed.rejections) == (1, [])

    # A partner who drags the instructions first gets a named error, never the example as data.
    workbook.move_sheet("Instruktioner", offset=-1)
    workbook.save(tmp_path / "omflyttad.xlsx")
    with pytest.raises(BadFileError):
        parse(tmp_path / "omflyttad.xlsx")


# --------------------------------------------------------------------------- partner round trip


def _valid_partner_rows(municipality) -> list[list]:
    """One row per category (by name) and per area, with every form of Antal the template allows."""
    names = [name for _, name in seed_categories()]
    areas = [a.name for a in municipality.areas]
    rows = []
    for i in range(max(len(names), len(areas))):
        rows.append([
            AS_OF - dt.timedelta(days=3 * i), f"Partner {i % 3}", names[i % len(names)], areas[i % len(areas)],
            "Entrén", [None, 1, 7][i % 3], f"Händelse nummer {i}.",
        ])
    rows.append([AS_OF, "Partner 0", seed_categories()[0][0], None, None, None, None])  # the as-of day, an id
    rows.append([dt.date(2000, 1, 1), "Partner 1", names[1], "ett område som inte finns", None, 100_000, None])
    return rows


def _as_csv(row: list) -> str:
    return ";".join("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v) for v in row)


def test_filled_partner_templates_load_without_rejection(mallar, municipality, tmp_path, monkeypatch):
    data_dir = fresh_data_dir(tmp_path)
    rows = _valid_partner_rows(municipality)
    xlsx = fill_xlsx(mallar / "partnerrapport.xlsx", rows, data_dir / "partners" / "ifylld.xlsx")
    csv_file = fill_csv(mallar / "partnerrapport.csv", [_as_csv(r) for r in rows], data_dir / "partners" / "ifylld.csv")
    for path in (xlsx, csv_file):
        parsed = partners.parse(path)
        assert parsed.rejections == [], path.name
        assert len(parsed.rows) == len(rows)
        assert parsed.rows["report_count"].tolist() == [1 if r[5] is None else r[5] for r in rows]
        assert [d.isoformat() for d in parsed.rows["report_date"]] == [r[0].isoformat() for r in rows]

    from pipelines.ingest.assets import partner_reports

    con = materialise(partner_reports, data_dir, tmp_path, monkeypatch)
    assert con.execute("select count(*) from raw.partner_reports").fetchall() == [(2 * len(rows),)]
    assert rejected(con) == {}
    assert sorted(con.execute("select source_file, rows_rejected from audit.loaded_files").fetchall()) == [
        ("partners/ifylld.csv", 0), ("partners/ifylld.xlsx", 0)]


def _partner_mistakes() -> list[tuple[list, str]]:
    """(a row with one mistake, the reason the loader must give)."""
    categories = ", ".join(f"{cid} ({name})" for cid, name in seed_categories())
    day = dt.date(2025, 3, 14)
    future = AS_OF + dt.timedelta(days=1)
    return [
        ([day, "ICA", "Nedskräpning", "Gimo", None, 1, None],
         "Kategori 'Nedskräpning' är ingen känd problemkategori. Ange id eller namn på en av kategorierna "
         f"{categories}, eller ett alias ur kategorilistan."),
        ([future, "ICA", "Stöld", "Gimo", None, 1, None],
         f"Datum '{future.isoformat()}' ligger i framtiden."),
        ([dt.date(1999, 12, 31), "ICA", "Stöld", "Gimo", None, 1, None], "Datum '1999-12-31' ligger före år 2000."),
        (["2025-02-30", "ICA", "Stöld", "Gimo", None, 1, None],
         "Datum '2025-02-30' är inget giltigt datum (väntade ÅÅÅÅ-MM-DD, DD/MM/ÅÅÅÅ eller ett Excel-datum)."),
        ([day, "ICA", "Stöld", "Gimo", None, 0, None], "Antal '0' måste vara minst 1 (lämna tomt för 1)."),
        ([day, "ICA", "Stöld", "Gimo", None, "några", None],
         "Antal 'några' är inget heltal (ange ett heltal, minst 1, eller lämna tomt för 1)."),
        ([day, None, "Stöld", "Gimo", None, 1, None], "Partner saknas (vem som rapporterar måste anges)."),
        ([day, "ICA", None, "Gimo", None, 1, None], "Kategori saknas."),
        ([day, "ICA", "Stöld", "Gimo", "Entrén", 1, "Cykel stulen", "förskjuten"],
         "Raden har 1 cell mer än rubrikraden (7 kolumner); kontrollera avgränsare och citattecken."),
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_each_partner_mistake_is_rejected_with_its_reason(mallar, tmp_path, monkeypatch, kind):
    mistakes = _partner_mistakes()
    good = [dt.date(2025, 3, 14), "ICA", "Snatteri", "Gimo", "Kassan", 2, "Godis."]
    rows = [good] + [row for row, _ in mistakes]
    data_dir = fresh_data_dir(tmp_path)
    target = data_dir / "partners" / f"fel.{kind}"
    if kind == "xlsx":
        fill_xlsx(mallar / "partnerrapport.xlsx", rows, target)
    else:
        fill_csv(mallar / "partnerrapport.csv", [_as_csv(r) for r in rows], target)
    expected = {line: reason for line, (_, reason) in enumerate(mistakes, start=3)}  # header 1, good row 2

    parsed = partners.parse(target)
    assert {r.source_row: r.reason for r in parsed.rejections} == expected
    assert len(parsed.rows) == 1

    from pipelines.ingest.assets import partner_reports

    con = materialise(partner_reports, data_dir, tmp_path, monkeypatch)
    assert rejected(con) == expected
    assert con.execute("select partner, category_text, report_count from raw.partner_reports").fetchall() == [
        ("ICA", "Snatteri", 2)]


# --------------------------------------------------------------------------- local police round trip


def _valid_police_rows(municipality) -> list[list]:
    names = [name for _, name in seed_categories()]
    areas = [a.name for a in municipality.areas]
    month = AS_OF.replace(day=1)
    rows = [[month, areas[i % len(areas)], names[i % len(names)], [0, 12, ".."][i % 3]]
            for i in range(max(len(names), len(areas)))]
    rows.append([dt.date(2000, 1, 1), None, seed_categories()[0][0], 3])
    return rows


def _police_csv(row: list) -> str:
    return ";".join("" if v is None else f"{v:%Y-%m}" if isinstance(v, dt.date) else str(v) for v in row)


def test_filled_police_templates_load_without_rejection(mallar, municipality, tmp_path, monkeypatch):
    data_dir = fresh_data_dir(tmp_path)
    rows = _valid_police_rows(municipality)
    folder = data_dir / "police" / "local"
    xlsx = fill_xlsx(mallar / "lokalpolis.xlsx", rows, folder / "utdrag.xlsx")
    csv_file = fill_csv(mallar / "lokalpolis.csv", [_police_csv(r) for r in rows], folder / "utdrag.csv")
    for path in (xlsx, csv_file):
        parsed = police_local.parse(path)
        assert parsed.rejections == [], path.name
        assert parsed.rows["suppressed"].tolist() == [r[3] == ".." for r in rows]

    from pipelines.ingest.assets import police_local as police_local_asset

    con = materialise(police_local_asset, data_dir, tmp_path, monkeypatch)
    assert con.execute("select count(*) from raw.police_local").fetchall() == [(2 * len(rows),)]
    assert rejected(con) == {}


def _police_mistakes() -> list[tuple[list, str]]:
    next_month = (AS_OF.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return [
        (["2025-03", "Gimo", "Trafikbrott", 3],
         "Brottskategori 'Trafikbrott' är ingen känd problemkategori. Ange id eller namn på en av kategorierna "
         f"{', '.join(f'{cid} ({name})' for cid, name in seed_categories())}, eller ett alias ur kategorilistan."),
        ([f"{next_month:%Y-%m}", "Gimo", "Stöld", 3],
         f"Månad '{next_month:%Y-%m}' ({next_month:%Y-%m}) ligger i framtiden; ett utdrag kan bara innehålla "
         "passerade månader."),
        (["1999-12", "Gimo", "Stöld", 3], "Månad '1999-12' (1999-12) ligger före år 2000; kontrollera datumet."),
        (["mars", "Gimo", "Stöld", 3],
         "Månad 'mars' är ingen giltig månad (väntade ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD eller ett Excel-datum)."),
        ([None, "Gimo", "Stöld", 3], "Månad saknas."),
        (["2025-03", "Gimo", None, 3], "Brottskategori saknas."),
        (["2025-03", "Gimo", "Stöld", -1],
         "Antal '-1' är negativt; antalet anmälda brott kan inte vara mindre än 0."),
        (["2025-03", "Gimo", "Stöld", "tre"],
         "Antal 'tre' är inget heltal (ange ett heltal 0 eller större, eller .. om uppgiften är skyddad)."),
        (["2025-03", "Gimo", "Stöld", None],
         "Antal saknas (ange ett heltal 0 eller större, eller .. om uppgiften är skyddad)."),
        (["2025-03", "Gimo", "Stöld", 3, "förskjuten"],
         "Raden har fler värden än rubrikraden har kolumner (5 i stället för 4)."),
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_each_police_mistake_is_rejected_with_its_reason(mallar, tmp_path, monkeypatch, kind):
    mistakes = _police_mistakes()
    rows = [["2025-03", "Gimo", "Inbrott", 5]] + [row for row, _ in mistakes]
    data_dir = fresh_data_dir(tmp_path)
    target = data_dir / "police" / "local" / f"fel.{kind}"
    if kind == "xlsx":
        fill_xlsx(mallar / "lokalpolis.xlsx", rows, target)
    else:
        fill_csv(mallar / "lokalpolis.csv", [_police_csv(r) for r in rows], target)
    expected = {line: reason for line, (_, reason) in enumerate(mistakes, start=3)}

    assert {r.source_row: r.reason for r in police_local.parse(target).rejections} == expected

    from pipelines.ingest.assets import police_local as police_local_asset

    con = materialise(police_local_asset, data_dir, tmp_path, monkeypatch)
    assert rejected(con) == expected
    assert con.execute("select category, reported_count from raw.police_local").fetchall() == [("Inbrott", 5)]


# --------------------------------------------------------------------------- questions.yaml skeleton


def _sample_catalogue():
    return load_questions(SAMPLE / "surveys" / "questions.yaml")


def fill_todos(skeleton: dict, reference) -> dict:
    """What a coordinator does with the ATT GÖRA comments: a category where none was
    suggested, and each scale's answers split into problem / no_problem / ignore in
    scale order (here: as the sample catalogue has them)."""
    by_header = reference.by_header()
    for question in skeleton["questions"]:
        if not question.get("free_text") and question.get("category") is None:
            question["category"] = by_header[header_key(question["header"])].category
    for name in skeleton.get("scales", {}):
        user = next(q for q in skeleton["questions"] if q.get("scale") == name)
        scale = reference.scales[by_header[header_key(user["header"])].scale]
        skeleton["scales"][name] = {
            "problem": list(scale.problem), "no_problem": list(scale.no_problem), "ignore": list(scale.ignore)}
    return skeleton


@pytest.mark.parametrize("export", EXPORTS)
def test_questions_skeleton_from_the_sample_exports(export, municipality, tmp_path):
    path = SAMPLE / "surveys" / export
    written = write_questions(path, municipality, tmp_path / "questions.yaml")
    assert "validerar inte ännu" in written.description
    text = (tmp_path / "questions.yaml").read_text(encoding="utf-8")
    skeleton = yaml.safe_load(text)
    with pytest.raises(ConfigError):
        load_questions(tmp_path / "questions.yaml")

    # The right columns: the roles, every question of the sample catalogue present in the
    # export, nothing that identifies a respondent.
    assert {k: skeleton.get(k) for k in ("id_column", "submitted_column", "area_column", "sector_column")} == {
        "id_column": "Svars-ID", "submitted_column": "Inskickad", "area_column": "Område", "sector_column": "Sektor"}
    reference = _sample_catalogue()
    export_headers = {header_key(h) for h in read_table(path).columns}
    expected = {k for k in reference.by_header() if k in export_headers}
    assert {header_key(q["header"]) for q in skeleton["questions"]} == expected
    for column in IDENTIFYING:
        assert f"”{column}”" in text  # named in the comment that says it is never stored
        assert all(header_key(q["header"]) != header_key(column) for q in skeleton["questions"])
    assert "sparas aldrig" in text

    # Suggested categories agree with the hand-written catalogue; free text is recognised.
    for question in skeleton["questions"]:
        ref = reference.by_header()[header_key(question["header"])]
        assert bool(question.get("free_text")) == ref.free_text
        if question.get("category") is not None:
            assert question["category"] == ref.category, question["header"]
    missing = [q["header"] for q in skeleton["questions"] if not q.get("free_text") and q.get("category") is None]
    assert missing == [h for h in ["Känner du dig trygg när du går ute ensam på kvällen?"]
                       if header_key(h) in export_headers]

    # Filled in the obvious way it validates, and reads the export: only the identifying
    # columns are left unread.
    filled = tmp_path / "filled.yaml"
    filled.write_text(yaml.safe_dump(fill_todos(skeleton, reference), allow_unicode=True), encoding="utf-8")
    catalogue = load_questions(filled)
    parsed = surveys.make_parser(catalogue, as_of=AS_OF)(path)
    assert sorted(parsed.ignored_columns) == sorted(IDENTIFYING)
    assert len(parsed.rows) > 0


def test_questions_skeleton_from_another_tool(municipality, tmp_path):
    """Other headers, another encoding and separator: roles by name, identifying columns by
    name and by content, areas recognised by their answers, digits-only scales left to fill."""
    areas = [a.name for a in municipality.areas]
    header = ["Respondent", "Submitted at", "Ditt namn", "Kontakt", "Var bor du?",
              "Hur stort problem är klotter där du bor?", "Hur ofta ser du langning av droger?",
              "Hur nöjd är du med belysningen?", "Övriga synpunkter"]
    lines = [",".join(header)]
    for i in range(40):
        lines.append(",".join([
            f"R{i}", f"2025-05-{1 + i % 28:02d} 10:00", "", f"person{i}@example.se", areas[i % len(areas)],
            ["Stort problem", "Litet problem", "Inget problem", "Vet inte"][i % 4], str(1 + i % 5),
            ["Nöjd", "Missnöjd"][i % 2], f"Kommentar nummer {i} om något helt annat än förra gången",
        ]))
    export = tmp_path / "export.csv"
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))

    written = write_questions(export, municipality, tmp_path / "questions.yaml")
    text = (tmp_path / "questions.yaml").read_text(encoding="utf-8")
    skeleton = yaml.safe_load(text)
    assert (skeleton["id_column"], skeleton["submitted_column"], skeleton["area_column"]) == (
        "Respondent", "Submitted at", "Var bor du?")
    assert "sector_column" not in skeleton
    assert "”Ditt namn”, ”Kontakt”" in text and "person0@example.se" not in text
    questions = {q["header"]: q for q in skeleton["questions"]}
    assert list(questions) == header[5:]
    assert questions[header[5]]["category"] == "skadegorelse"
    assert questions[header[6]]["category"] == "narkotika"
    assert questions[header[7]]["category"] is None and questions[header[8]]["free_text"] is True
    scales = skeleton["scales"]
    assert scales[questions[header[5]]["scale"]] == {
        "problem": ["Inget problem", "Litet problem", "Stort problem"], "no_problem": [], "ignore": ["Vet inte"]}
    assert scales[questions[header[6]]["scale"]]["problem"] == []  # digits only: the labels are the coordinator's
    assert "validerar inte ännu" in written.description

    # Filled in: categories chosen, scales split; it validates and reads the export.
    skeleton["questions"][2]["category"] = "social_oro"
    for question, (problem, no_problem) in zip(
        skeleton["questions"][:3],
        [(["Stort problem", "Litet problem"], ["Inget problem"]), (["Varje dag", "Varje vecka"], ["Varje månad", "Mer sällan", "Aldrig"]), (["Missnöjd"], ["Nöjd"])],
    ):
        skeleton["scales"][question["scale"]].update(problem=problem, no_problem=no_problem)
    filled = tmp_path / "filled.yaml"
    filled.write_text(yaml.safe_dump(skeleton, allow_unicode=True), encoding="utf-8")
    parsed = surveys.make_parser(load_questions(filled), as_of=AS_OF)(export)
    assert sorted(parsed.ignored_columns) == ["Ditt namn", "Kontakt"]
    assert parsed.rejections == [] and len(parsed.rows) == 40


def test_questions_skeleton_survives_awkward_headers(municipality, tmp_path):
    """A header with a line break, a repeated header and a column without a header still
    give a YAML file that parses, with each of them accounted for in a comment."""
    export = tmp_path / "export.csv"
    export.write_text(
        'Svars-ID;Inskickad;Område;;"E-post\nadress";"Upplever du problem med\nstölder?";Snatteri?;Snatteri?\n'
        "1;2025-05-01 10:00;Gimo;x;a@b.se;Ja;Nej;Nej\n"
        "2;2025-05-02 10:00;Gimo;y;;Nej;Ja;Ja\n",
        encoding="utf-8",
    )
    write_questions(export, municipality, tmp_path / "questions.yaml")
    text = (tmp_path / "questions.yaml").read_text(encoding="utf-8")
    skeleton = yaml.safe_load(text)
    assert [q["header"] for q in skeleton["questions"]] == ["Upplever du problem med\nstölder?", "Snatteri?"]
    assert [q["category"] for q in skeleton["questions"]] == ["stold", "snatteri"]
    assert "”E-post adress” pekar ut den som har svarat" in text
    assert "finns två gånger i exporten (bara den första är med): ”Snatteri?”" in text
    assert "1 kolumn(er) utan rubrik har hoppats över" in text
