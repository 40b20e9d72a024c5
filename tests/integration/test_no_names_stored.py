"""No person's name from free text reaches any table or output (DATA-CONTRACT §5).

The real pipeline (Dagster, dbt, DuckDB, the reports) runs on a data directory whose
partner descriptions and places, survey free-text answers, police event summaries and
action notes and the coordinator's analysis are the sentences of the redaction corpus
(tests/fixtures/redaction_corpus.yaml), with a phone number, an e-mail address and a personnummer,
plus rejected rows that carry them. Then every text column of every table of every schema
of the warehouse and of the analysts' copy, and every html, md, csv, xlsx and log file the
run wrote, is searched for each name word of the corpus: a word the corpus marks as (part
of) a name and that never occurs there outside a name (so "Per" of "Per Olof Hansson" is
not searched for, "Per dag" keeps it). A hit names the table and column, or the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import NO_PDF, REPO, SAMPLE, make_data_dir, run_pipeline
from tests.privacy import find_personal_data
from tests.redaction_corpus import _TOKEN, _labels, load

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

FREE_TEXT_QUESTION = "Beskriv gärna var och när du känner dig otrygg"
# Personal data planted in an action note and in the coordinator's analysis (DATA-CONTRACT §5).
PHONE, EMAIL, PERSONNUMMER = "070-123 45 67", "anna.testsson@example.com", "19850412-1234"
PLANTED = f"Ring {PHONE} eller mejla {EMAIL}; personnumret {PERSONNUMMER} gäller den anmälda."
SCRIPT = '<script>alert("x")</script> och <b onclick="x">fet</b>'

PARTNERS = ["ICA Gimo", "Östhammarshem", "Östhammars båtägareförening", "Barn- och utbildningsförvaltningen"]


def name_words() -> list[str]:
    """Words only ever used as (part of) a name in the corpus, and not in the shipped
    reference data (the municipality Berg is in the seeds, rightly)."""
    _, sentences = load()
    inside, outside = set(), set()
    for text, expected in sentences:
        for token, label in zip(_TOKEN.findall(text), _labels(text, expected)):
            if re.fullmatch(r"\w+", token):
                (inside if label == "namn" else outside).add(token.casefold())
    seeds = REPO / "dbt_project" / "seeds"
    reference = {w.casefold() for f in seeds.rglob("*.csv") for w in re.findall(r"\w+", f.read_text(encoding="utf-8"))}
    return sorted(inside - outside - reference)


def _write_data(data_dir: Path) -> None:
    not_people, sentences = load()
    texts = [text for text, _ in sentences]
    municipality = yaml.safe_load((data_dir / "municipality.yaml").read_text(encoding="utf-8"))
    areas = {label for area in municipality["areas"] for label in [area["name"], *area.get("aliases", [])]}
    municipality["places"] = [n for n in not_people if n not in areas and n not in PARTNERS]
    municipality["partners"] = ["Östhammarshem", "Östhammars båtägareförening"]
    (data_dir / "municipality.yaml").write_text(yaml.safe_dump(municipality, allow_unicode=True), encoding="utf-8")

    # Partner reports: each sentence as a description, and as a place (Plats).
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Datum", "Partner", "Kategori", "Område", "Plats", "Antal", "Beskrivning"])
    for i, text in enumerate(texts):
        writer.writerow([f"2025-{i % 8 + 1:02d}-{i % 27 + 1:02d}", PARTNERS[i % 4], "snatteri", "Gimo",
                         texts[-1 - i], 1, text])
        if i % 10 == 0:  # rejected rows keep their (redacted) cells in audit.rejected_rows
            writer.writerow(["2025-03-01", PARTNERS[i % 4], "okänd kategori", "Gimo", text, 1, text])
    (data_dir / "partners").mkdir()
    (data_dir / "partners" / "anteckningar.csv").write_text(out.getvalue(), encoding="utf-8")

    # A survey: free-text answers (and a rejected response that carries one).
    surveys = data_dir / "surveys"
    surveys.mkdir()
    (surveys / "questions.yaml").write_bytes((SAMPLE / "surveys" / "questions.yaml").read_bytes())
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["Svars-ID", "Inskickad", "Område", FREE_TEXT_QUESTION])
    for i, text in enumerate(texts):
        writer.writerow([1000 + i, f"2025-04-{i % 27 + 1:02d} 12:00:00", "Östhammar", text])
    writer.writerow([5000, "inte ett datum", "Gimo", texts[0]])
    (surveys / "enkat_2025.csv").write_text(out.getvalue(), encoding="utf-8")

    # The action plan: the sentences as follow-up notes.
    actions = [{"id": f"atgard-{n}", "title": "Trygghetsvandringar", "owner": "Kommunen", "category": "stold",
                "areas": ["gimo"], "start": "2025-01-01",
                "updates": [{"date": f"2025-{m % 12 + 1:02d}-01", "status": "pågår", "note": text}
                            for m, text in enumerate(texts[n::4])]}
               for n in range(4)]
    # one measure whose latest note in 2025-T2 (printed in that report) holds a phone number,
    # an e-mail address and a personnummer
    actions.append({"id": "atgard-kontakt", "title": "Kontaktperson", "owner": "Kommunen", "category": "stold",
                    "areas": ["gimo"], "start": "2025-01-01",
                    "updates": [{"date": "2025-06-01", "status": "pågår", "note": PLANTED}]})
    (data_dir / "actions.yaml").write_text(yaml.safe_dump(actions, allow_unicode=True), encoding="utf-8")

    # The coordinator's analysis of 2025-T2: the sentences, the planted numbers and HTML.
    (data_dir / "analysis").mkdir()
    (data_dir / "analysis" / "2025-T2.md").write_text(
        "## Bedömning\n\n" + "\n\n".join(texts) + f"\n\n{PLANTED}\n\n{SCRIPT}\n", encoding="utf-8")

    # Police events: the sentences as summaries (and one event without id: rejected).
    events = []
    for i, text in enumerate(texts):
        day = i % 27 + 1
        events.append({"id": 70000 + i, "datetime": f"2025-05-{day:02d} 12:00:00 +02:00",
                       "name": f"{day:02d} maj 11:00, Stöld, Östhammar", "summary": text,
                       "url": f"/aktuellt/handelser/{70000 + i}/", "type": "Stöld",
                       "location": {"name": "Östhammar", "gps": "60.26,18.37"}})
    events.append({"datetime": "2025-05-01 12:00:00 +02:00", "name": "01 maj 11:00, Stöld, Östhammar",
                   "summary": texts[1], "type": "Stöld"})
    (data_dir / "police" / "events").mkdir(parents=True)
    (data_dir / "police" / "events" / "handelser.json").write_text(json.dumps(events, ensure_ascii=False),
                                                                  encoding="utf-8")


def _output_texts(output_dir: Path):
    """(path, text) of every html, md, csv, log, xlsx and pdf file under the output directory."""
    for path in sorted(output_dir.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in (".html", ".md", ".csv", ".log", ".txt", ".json"):
            yield path, path.read_text(encoding="utf-8", errors="replace")
        elif path.suffix == ".xlsx":
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_path(str(path))
            cells = [str(c) for sheet in book.sheet_names for row in book.get_sheet_by_name(sheet).to_python()
                     for c in row]
            yield path, "\n".join(cells)
        elif path.suffix == ".pdf":
            import pypdfium2

            pdf = pypdfium2.PdfDocument(str(path))
            yield path, "\n".join(page.get_textpage().get_text_range() for page in pdf)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    data_dir = make_data_dir(base)
    _write_data(data_dir)
    with pytest.MonkeyPatch.context() as monkeypatch:
        result = run_pipeline(data_dir, base, monkeypatch)
    assert result.exit_code == 0, "the pipeline failed on the redaction corpus"
    return result


def test_the_corpus_names_words_to_look_for():
    words = name_words()
    assert len(words) > 60 and "svensson" in words and "per" not in words and "berg" not in words


def test_free_text_was_stored_redacted(corpus_run):
    """The scan below is only worth something if the free text is there at all."""
    import duckdb

    with duckdb.connect(str(corpus_run.warehouse), read_only=True) as con:
        descriptions = [r[0] for r in con.execute("select description from raw.partner_reports").fetchall()]
        answers = con.execute("select count(*) from raw.survey_responses where answer like '%[namn]%'").fetchall()
        summaries = con.execute("select count(*) from raw.police_events where summary like '%[namn]%'").fetchall()
        rejected = con.execute("select count(*) from audit.rejected_rows where raw_record like '%[namn]%'").fetchall()
        notes = con.execute("select count(*) from raw.action_updates where note like '%[namn]%'").fetchall()
    assert sum("[namn]" in d for d in descriptions if d) > 50
    assert answers[0][0] > 50 and summaries[0][0] > 50 and rejected[0][0] > 5 and notes[0][0] > 50


def test_no_name_in_any_table(corpus_run):
    needles = [rf"\b{w}\b" for w in name_words()]
    pattern = re.compile("|".join(needles), re.IGNORECASE)
    hits = []
    for db in (corpus_run.warehouse, corpus_run.warehouse.parent / "analytics.duckdb"):
        if not db.exists():
            continue
        for schema, table, column, value in find_personal_data(db, [], patterns=True):
            hits.append(f"{db.name} {schema}.{table}.{column}: personal data pattern in {value[:120]!r}")
        for schema, table, column, value in _tables_with(db, pattern):
            hits.append(f"{db.name} {schema}.{table}.{column}: {value[:160]!r}")
    assert not hits, "names stored:\n" + "\n".join(hits)


def test_no_name_in_any_output_file(corpus_run):
    pattern = re.compile("|".join(rf"\b{w}\b" for w in name_words()), re.IGNORECASE)
    files = list(_output_texts(corpus_run.output_dir))
    assert any(p.suffix == ".log" for p, _ in files), "the run log was not written"
    assert any(p.suffix == ".pdf" for p, _ in files), "no report was rendered"
    hits = [f"{path.relative_to(corpus_run.output_dir)}: {m.group()!r} in …{text[max(0, m.start() - 60):m.end() + 60]!r}…"
            for path, text in files for m in [pattern.search(text)] if m]
    assert not hits, "names in output files:\n" + "\n".join(hits)


def test_planted_numbers_reach_no_output_and_html_prints_as_text(corpus_run):
    """The note and the analysis are printed (their redaction tokens are there), their phone
    number, e-mail address and personnummer are not, in any table or file; the analysis's
    HTML is text in the report, never markup."""
    needles = [PHONE, PHONE.replace(" ", "").replace("-", ""), EMAIL, PERSONNUMMER, PERSONNUMMER[2:]]
    for db in (corpus_run.warehouse, corpus_run.warehouse.parent / "analytics.duckdb"):
        assert find_personal_data(db, needles) == [], db.name
    files = list(_output_texts(corpus_run.output_dir))
    hits = [f"{path.name}: {n}" for path, text in files for n in needles if n in text]
    assert not hits, hits
    html = (corpus_run.output_dir / "2025-T2" / "lagesbild.html").read_text(encoding="utf-8")
    assert "[telefon]" in html and "[e-post]" in html and "[personnummer]" in html
    section = html[html.index('id="analys"'):html.index('id="medborgarloften"')]
    assert "Koordinatorns bedömning" in section and "<h4>Bedömning</h4>" in section
    assert "&lt;script&gt;" in section and "<script" not in html and "onclick" not in html.replace("onclick=&quot;", "")
    assert "[namn]" in section
    brief_or_report = html[html.index('id="atgarder"'):]
    assert "Kontaktperson" in brief_or_report and "[telefon]" in brief_or_report


def _tables_with(db: Path, pattern: re.Pattern):
    """(schema, table, column, value) of every text value matching `pattern`."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() and (data_type like '%VARCHAR%' or data_type like '%JSON%') "
            "and table_schema not in ('information_schema', 'pg_catalog')"
        ).fetchall()
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                if value and pattern.search(value):
                    yield schema, table, column, value


def test_the_scan_finds_a_planted_name(tmp_path):
    """The scans above can fail: a name in a table of any schema, or in an output file, is found."""
    import duckdb

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema audit; create table audit.t (reason varchar, n integer)")
        con.execute("insert into audit.t values ('Kategori okänd, ring Anna Svensson', 1)")
    pattern = re.compile("|".join(rf"\b{w}\b" for w in name_words()), re.IGNORECASE)
    assert [(s, t, c) for s, t, c, _ in _tables_with(db, pattern)] == [("audit", "t", "reason")]
    (tmp_path / "out" / "logs").mkdir(parents=True)
    (tmp_path / "out" / "logs" / "run.log").write_text("rad 3: Svenssons cykel", encoding="utf-8")
    assert [p.name for p, text in _output_texts(tmp_path / "out") if pattern.search(text)] == ["run.log"]


def test_free_text_off_stores_none_of_it(tmp_path_factory):
    """LAGESBILD_FREE_TEXT=off, a real run: no free text in any table, the counts all there."""
    import duckdb

    base = tmp_path_factory.mktemp("no_free_text")
    data_dir = make_data_dir(base)
    _write_data(data_dir)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
        result = run_pipeline(data_dir, base, monkeypatch, pdf=NO_PDF)  # the tables are read, no output file
    assert result.exit_code == 0
    with duckdb.connect(str(result.warehouse), read_only=True) as con:
        def one(sql):
            return con.execute(sql).fetchall()[0]

        assert one("select count(*), count(description), count(place) from raw.partner_reports")[1:] == (0, 0)
        assert one("select count(*) from raw.partner_reports")[0] > 150
        assert one("select count(answer) from raw.survey_responses where question_id = 'q_otrygg_fritext'") == (0,)
        assert one("select count(*), count(summary) from raw.police_events")[1] == 0
        assert one("select count(*), count(note) from raw.action_updates")[1] == 0
        assert one("select count(*), count(analysis_markdown) from raw.coordinator_analysis") == (1, 0)
        records = [r[0] for r in con.execute("select raw_record from audit.rejected_rows").fetchall()]
    _, sentences = load()
    leaked = [r for r in records if r and any(text in r for text, _ in sentences)]
    assert records and not leaked, leaked[:3]
