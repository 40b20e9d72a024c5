"""Survey exports through the real loader and the real dbt (subprocess) into
int_survey_indicators and int_survey_free_text, on small fixtures with known answers:
labels and digits give the same result, 'Vet ej'/blank/unmatched answers are outside the
denominator, several questions of one category pool per respondent, the newest export
wins for a response id (by its data, not by name or load order), and no personal data
reaches any table."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.config import load_municipality, load_questions
from pipelines.ingest import police_events, surveys
from pipelines.ingest.common import load_file
from pipelines.ingest.municipality import write_config
from tests.raw_lineage import own_rows
from pipelines.resources import dbt_executable

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
DBT = dbt_executable()

QUESTIONS = """\
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
questions:
  - {header: "Stölder?", id: q_stold, category: stold, scale: agree4}
  - {header: "Ungdomar som stör?", id: q_social, category: social_oro, scale: agree4}
  - {header: "Trygg på kvällen?", id: q_trygg, category: Social oro och ordningsstörning, scale: trygg4}
  - {header: "Beskriv", id: q_fritext, free_text: true}
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
HEADER = "Svars-ID;Inskickad;Namn;E-post;Område;Stölder?;Ungdomar som stör?;Trygg på kvällen?;Beskriv"
NAME, EMAIL = "Kalle Planteradsson", "kalle.planteradsson@example.com"
PNR, PHONE, FREE_EMAIL = "850412-1234", "+46 70 174 06 12", "fria.texten@example.org"
PLANTED = ["Planteradsson", EMAIL, PNR, PHONE, "174 06 12", FREE_EMAIL]

# Four respondents answering in labels (2025-T1) ...
LABELS = [
    f"1;2025-03-03 10:00:00;{NAME};{EMAIL};Östhammar;Stämmer helt;Stämmer inte alls;Mycket otrygg;"
    f"Vid torget, ring {PHONE} eller {FREE_EMAIL} ({PNR})",
    "2;2025-03-03 11:00:00;;;  östhammar ;stämmer ganska DÅLIGT;Vet ej;Går aldrig ut ensam;",
    "3;2025-03-04 12:00:00;;;GIMO;;Stämmer ganska bra;Ganska trygg;=1+1",
    "4;2025-03-05 12:00:00;;;Uppsala;Stämmer inte alls;Kanske;;",
]
# ... and the same answers as digits (2025-T3), with the labels that have no digit kept.
DIGITS = [
    f"11;2025-09-03 10:00:00;{NAME};{EMAIL};Östhammar;1;4;1;",
    "12;2025-09-03 11:00:00;;;Östhammar;3;Vet ej;Går aldrig ut ensam;",
    "13;2025-09-04 12:00:00;;;Gimo;;2;3;",
    "14;2025-09-05 12:00:00;;;Uppsala;4;7;;",
]
# Cumulative exports (2026-T1). The newer export (its latest submission is later) has a
# name that sorts first and is loaded first: neither name nor load order decides.
NEWER = [
    "21;2026-03-02 10:00:00;;;Östhammar;Stämmer helt;;;",  # changed answer
    "22;2026-03-02 11:00:00;;;Östhammar;Stämmer inte alls;;;",
    "23;2026-03-20 09:00:00;;;Östhammar;Stämmer inte alls;;;",
]
OLDER = [
    "21;2026-03-02 10:00:00;;;Östhammar;Stämmer inte alls;;;",
    "22;2026-03-02 11:00:00;;;Östhammar;Stämmer inte alls;;;",
]
# A corrected re-export with the same latest submission (2024-T2): the later load wins,
# although its name sorts first.
TIE_FIRST_LOADED = ["31;2024-06-01 10:00:00;;;Gimo;Stämmer inte alls;;;", "32;2024-06-02 10:00:00;;;Gimo;Vet ej;;;"]
TIE_LOADED_LATER = ["31;2024-06-01 10:00:00;;;Gimo;Stämmer ganska bra;;;", "32;2024-06-02 10:00:00;;;Gimo;Vet ej;;;"]


def write_csv(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def dbt_build(tmp_path: Path, warehouse_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse_path)}
    return subprocess.run(
        [str(DBT), "build", "--profiles-dir", ".", "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs"), "--select", "+int_survey_indicators", "+int_survey_free_text"],
        cwd=REPO / "dbt_project", env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("surveys_dbt")
    data_dir = base / "data"
    folder = data_dir / "surveys"
    folder.mkdir(parents=True)
    (folder / "questions.yaml").write_text(QUESTIONS, encoding="utf-8")
    files = [
        write_csv(folder, "labels.csv", LABELS),
        write_csv(folder, "digits.csv", DIGITS),
        write_csv(folder, "a_export.csv", NEWER),
        write_csv(folder, "b_export.csv", OLDER),
        write_csv(folder, "a_tie.csv", TIE_LOADED_LATER),
        write_csv(folder, "b_tie.csv", TIE_FIRST_LOADED),
    ]
    order = [files[0], files[1], files[2], files[3], files[5], files[4]]
    warehouse_path = base / "warehouse.duckdb"
    questions = load_questions(folder / "questions.yaml")
    parser = surveys.make_parser(questions)
    with warehouse.connect(warehouse_path) as con:
        write_config(con, load_municipality(SAMPLE / "municipality.yaml"))
        con.execute(police_events.RAW_DDL)
        surveys.write_catalogue(con, questions)
        for path in order:
            if path.name in ("b_export.csv", "a_tie.csv"):
                time.sleep(1.1)  # _loaded_at has whole seconds
            outcome = load_file(con, path, data_dir=data_dir, source_kind=surveys.SOURCE_KIND,
                                parse=parser, write=surveys.write)
            assert outcome.status == "loaded", outcome
        con.execute(surveys.RAW_DDL)
        own_rows(con, load_municipality(SAMPLE / "municipality.yaml").code)
    result = dbt_build(base, warehouse_path)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    # 'Kanske' and '7' match nothing in their scale: the build warns, it does not fail.
    assert "WARN" in result.stdout and "accepted_values_int_survey_answers_answer_kind" in result.stdout
    return warehouse_path


def query(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def indicators(path: Path, period: str) -> list[tuple]:
    return query(
        path,
        "select kommun_code, area_id, category_id, survey_respondents, survey_problem_count "
        f"from intermediate.int_survey_indicators where period = '{period}' order by area_id, category_id",
    )


EXPECTED_2025 = [
    ("0382", "gimo", "social_oro", 1, 1),        # 3: problem on q_social, no problem on q_trygg
    # gimo stold: 3 left it blank -> no row
    ("0382", "okant", "stold", 1, 0),            # 4: 'Uppsala' is no area; its 'Kanske' / '7' is not counted
    ("0382", "osthammar", "social_oro", 1, 1),   # 1: problem on q_trygg; 2: only 'Vet ej'/'Går aldrig ut ensam'
    ("0382", "osthammar", "stold", 2, 1),        # 1 problem, 2 no problem (label matched case-insensitively)
]


def test_labels_give_the_exact_indicators(built):
    assert indicators(built, "2025-T1") == EXPECTED_2025


def test_digits_give_the_same_result_as_labels(built):
    assert indicators(built, "2025-T3") == EXPECTED_2025


def test_newest_export_wins_by_its_latest_submission(built):
    assert indicators(built, "2026-T1") == [("0382", "osthammar", "stold", 3, 1)]
    assert query(
        built,
        "select response_id, source_file, export_count from intermediate.int_survey_responses "
        "where response_id in ('21', '22', '23') order by 1",
    ) == [("21", "surveys/a_export.csv", 2), ("22", "surveys/a_export.csv", 2), ("23", "surveys/a_export.csv", 1)]


def test_on_a_tie_the_later_loaded_export_wins(built):
    assert indicators(built, "2024-T2") == [("0382", "gimo", "stold", 1, 1)]


def test_indicator_columns_are_exactly_the_contracted_ones(built):
    assert query(
        built,
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'intermediate' and table_name = 'int_survey_indicators' order by ordinal_position",
    ) == [
        ("period", "VARCHAR"), ("kommun_code", "VARCHAR"), ("area_id", "VARCHAR"), ("category_id", "VARCHAR"),
        ("survey_respondents", "BIGINT"), ("survey_problem_count", "BIGINT"),
    ]


def test_free_text_is_redacted_and_neutralised(built):
    assert query(
        built, "select period, kommun_code, area_id, question_id, answer_text from intermediate.int_survey_free_text order by 1, 3"
    ) == [
        ("2025-T1", "0382", "gimo", "q_fritext", "'=1+1"),
        ("2025-T1", "0382", "osthammar", "q_fritext", "Vid torget, ring [telefon] eller [e-post] ([personnummer])"),
    ]


def test_no_personal_data_in_any_table(built):
    columns = query(
        built,
        "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'",
    )
    schemas = {schema for schema, _, _ in columns}
    assert {"raw", "staging", "intermediate", "audit"} <= schemas
    leaks = []
    for schema, table, column in columns:
        for (value,) in query(built, f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'):
            leaks += [(schema, table, column, p) for p in PLANTED if p in value]
    assert not leaks
