"""A municipality's numbers are the same alone and in a region (issue 12, DATA-CONTRACT §6).

Two warehouses from the same loaded files, each built by the real dbt project:
- alone: the sample (Östhammar, 0382) as a single data dir, every source in its folder;
- region: the same raw rows as a region holds them (DATA-CONTRACT §6), plus Tierp (0360):
  Tierp's own files (other data, an area list with Östhammar's area ids, a partner file
  with the same bytes as one of Östhammar's, survey response ids and a pledge id that
  Östhammar uses too), the police events and BRÅ files shared at the root (`_kommun_code`
  null), and one shared local police extract with a Kommun column: Östhammar's rows of its
  oldest extract, Tierp's rows (months later than any of Östhammar's) and Heby's (0331,
  outside the data dir).

Every mart row of Östhammar must be the same in both (lineage columns aside). The raw
rows are loaded with the real loaders, then given the municipality and Kommun column a
region's ingest records (tests/raw_lineage.py), so the test does not depend on how the
files are laid out on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.config import load_municipality, load_pledges, load_questions
from pipelines.ingest import (kolada_kpis, kolada_values, partners, police_bra, police_events, police_local,
                              scb_population, surveys)
from pipelines.ingest.common import find_files, load_file
from pipelines.ingest.municipality import write_config
from pipelines.ingest.pledges import write_pledges
from tests.raw_lineage import own_rows

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
DBT = Path(sys.executable).parent / "dbt"
ALONE, NEIGHBOUR, OUTSIDE = "0382", "0360", "0331"

# Tierp's area ids are Östhammar's, on purpose: an area id is unique only within its municipality.
TIERP = """
code: "0360"
name: Tierp
county: Uppsala län
suppression_threshold: 3
areas:
  - {id: osthammar, name: Tierp, population: {2024: 6000}}
  - {id: gimo, name: Söderfors, population: {2024: 2000}}
  - {id: alunda, name: Örbyhus, population: {2024: 3000}}
"""
# The same question ids as Östhammar's catalogue, other headers, categories and labels.
TIERP_QUESTIONS = """
id_column: Svars-ID
submitted_column: Inskickad
area_column: Område
questions:
  - {header: "Stöld nära dig?", id: q_stold, category: inbrott, scale: ja_nej}
  - {header: "Snatteri i butiken?", id: q_snatteri, category: snatteri, scale: ja_nej}
scales:
  ja_nej:
    problem: ["Ja"]
    no_problem: ["Nej"]
    ignore: ["Vet inte"]
"""
TIERP_PLEDGES = """
- {id: 2025-t2-snatteri, period: 2025-T2, title: Mindre snatteri i Tierp, category: snatteri,
   areas: [osthammar], indicator: partner_report_count, baseline_period: 2025-T1, target_change_pct: -10}
"""
TIERP_AREAS = ("Tierp", "Söderfors", "Örbyhus")


def tierp_police() -> str:
    rows = ["Månad;Område;Brottskategori;Antal"]
    for year, months in ((2025, range(1, 13)), (2026, range(1, 12))):  # to November 2026: after Östhammar's last
        for month in months:
            for i, area in enumerate(TIERP_AREAS):
                rows += [f"{year}-{month:02d};{area};stold;{(month * 3 + i * 5 + year) % 17}",
                         f"{year}-{month:02d};{area};inbrott;{(month + i) % 4}"]
    return "\n".join(rows) + "\n"


def tierp_partners() -> str:
    rows = ["Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"]
    for year in (2025, 2026):
        for month in range(1, 9):
            rows.append(f"{year}-{month:02d}-10;ICA Tierp;snatteri;Tierp;Butiken;{month % 5 + 1};")
            rows.append(f"{year}-{month:02d}-12;Tierpsbyggen;skadegörelse;Örbyhus;Trapphus;{month % 3 + 1};")
    return "\n".join(rows) + "\n"


def tierp_survey(response_ids: list[str]) -> str:
    """Answers under the response ids of Östhammar's export: ids of two municipalities may collide."""
    rows = ["Svars-ID;Inskickad;Område;Stöld nära dig?;Snatteri i butiken?"]
    for i, response_id in enumerate(response_ids):
        answers = ("Ja" if i % 3 == 0 else "Nej", "Ja" if i % 2 == 0 else "Vet inte")
        rows.append(f"{response_id};2025-09-{i % 20 + 1:02d} 12:00:00;{TIERP_AREAS[i % 3]};{';'.join(answers)}")
    return "\n".join(rows) + "\n"


def write_tierp(data_dir: Path) -> None:
    for folder in ("police/local", "partners", "surveys"):
        (data_dir / folder).mkdir(parents=True)
    (data_dir / "municipality.yaml").write_text(TIERP, encoding="utf-8")
    (data_dir / "pledges.yaml").write_text(TIERP_PLEDGES, encoding="utf-8")
    (data_dir / "surveys/questions.yaml").write_text(TIERP_QUESTIONS, encoding="utf-8")
    (data_dir / "police/local/tierp_2026-11.csv").write_text(tierp_police(), encoding="utf-8")
    (data_dir / "partners/tierp_2025-2026.csv").write_text(tierp_partners(), encoding="utf-8")
    # a file with the same bytes as one of Östhammar's: here it is Tierp's
    shutil.copy(SAMPLE / "partners/skolor_2026.csv", data_dir / "partners/skolor_2026.csv")
    export = (SAMPLE / "surveys/trygghetsenkat_2025_export.csv").read_text(encoding="utf-8").splitlines()
    ids = [line.split(",")[0] for line in export[1:41]]
    (data_dir / "surveys/tierp_2025.csv").write_text(tierp_survey(ids), encoding="utf-8")


def load_data_dir(wh: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every file of a single-municipality data dir through the real loaders into `wh`; the
    rows are then that municipality's (own_rows). Returns its code."""
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))  # the loaders' "this municipality"
    municipality = load_municipality(data_dir / "municipality.yaml")
    questions = load_questions(data_dir / "surveys/questions.yaml")
    with warehouse.connect(wh) as con:
        write_config(con, municipality)
        write_pledges(con, load_pledges(data_dir / "pledges.yaml", municipality))
        surveys.write_catalogue(con, questions)
        for module, folder, parse in (
            (police_events, "police/events", police_events.parse),
            (police_bra, "police/bra", police_bra.parse),
            (police_local, "police/local", police_local.parse),
            (partners, "partners", partners.parse),
            (surveys, "surveys", surveys.make_parser(questions)),
        ):
            for path in find_files(data_dir / folder, module.FILE_PATTERNS):
                outcome = load_file(con, path, data_dir=data_dir, source_kind=module.SOURCE_KIND,
                                    parse=parse, write=module.write)
                assert outcome.status in ("loaded", "unchanged"), outcome  # unchanged: a copy (same bytes)
            con.execute(module.RAW_DDL)  # a source without files: an empty table
        for module in (scb_population, kolada_values, kolada_kpis):  # live sources (§7): none here
            con.execute(module.RAW_DDL)
        own_rows(con, municipality.code)
    return municipality.code


RAW_TABLES = ("police_events", "police_bra", "police_local", "partner_reports", "survey_responses",
              "config_municipality", "config_area_names", "config_area_population", "config_survey_questions",
              "config_survey_scale_labels", "config_pledges")


def make_region(alone: Path, neighbour: Path, region: Path) -> None:
    """The raw tables a region data dir of both municipalities holds (DATA-CONTRACT §6)."""
    shutil.copy(alone, region)
    with warehouse.connect(region) as con:
        con.execute(f"attach '{neighbour}' as neighbour (read_only)")
        # Shared files at the root of the region: events and BRÅ belong to no folder.
        con.execute("update raw.police_events set _kommun_code = null")
        con.execute("update raw.police_bra set _kommun_code = null")
        # The shared extract: Östhammar's oldest extract with a Kommun column, to which Tierp's
        # rows (running later than any Östhammar extract) and Heby's are added. Ranked by its
        # latest month over all rows, it would outrank Östhammar's newer extracts.
        oldest, source_file, loaded_at = con.execute(
            "select _file_sha256, any_value(_source_file), any_value(_loaded_at) from raw.police_local "
            "group by _file_sha256 order by max(month) limit 1").fetchall()[0]
        con.execute("update raw.police_local set kommun_text = 'Östhammar', _kommun_code = null "
                    "where _file_sha256 = ?", [oldest])
        for kommun_text in ("0360", "Heby kommun"):  # Tierp by its code, Heby by name
            con.execute(
                "insert into raw.police_local by name select * replace (? as kommun_text, "
                "cast(null as varchar) as _kommun_code, ? as _file_sha256, ? as _source_file, ? as _loaded_at) "
                "from neighbour.raw.police_local", [kommun_text, oldest, source_file, loaded_at])
        for table in RAW_TABLES:
            if table != "police_local":
                con.execute(f"insert into raw.{table} by name select * from neighbour.raw.{table}")
        con.execute("detach neighbour")


def dbt_build(base: Path, wh: Path) -> None:
    result = subprocess.run(
        [str(DBT), "build", "--profiles-dir", ".", "--target-path", str(base / f"target-{wh.stem}"),
         "--log-path", str(base / f"logs-{wh.stem}")],
        cwd=REPO / "dbt_project", env={**os.environ, "LAGESBILD_WAREHOUSE": str(wh)},
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("region")
    tierp_dir = base / "tierp"
    write_tierp(tierp_dir)
    alone, neighbour, region = base / "alone.duckdb", base / "neighbour.duckdb", base / "region.duckdb"
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert load_data_dir(alone, SAMPLE, monkeypatch) == ALONE
        assert load_data_dir(neighbour, tierp_dir, monkeypatch) == NEIGHBOUR
    make_region(alone, neighbour, region)
    dbt_build(base, alone)
    dbt_build(base, region)
    return alone, region


def fetch(wh: Path, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(wh), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


LINEAGE = {"source_file", "source_row", "file_sha256", "loaded_at"}


def mart_rows(wh: Path, table: str, code: str) -> tuple[list[str], list[tuple]]:
    """The rows of `code` in a mart: by its kommun_code, or (a table of every municipality
    without one) its tertials; columns sorted by name, lineage left out."""
    columns = sorted(c for (c,) in fetch(
        wh, "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?",
        (table,)) if c not in LINEAGE and not c.startswith("_"))
    select = f"select {', '.join(columns)} from marts.{table}"
    if "kommun_code" in columns and table != "fct_reference_crime_rates":  # BRÅ: every municipality's row
        rows = fetch(wh, f"{select} where kommun_code = ?", (code,))
    elif "period" in columns:
        rows = fetch(wh, f"{select} where period in (select period from marts.dim_municipality_period "
                         "where kommun_code = ?)", (code,))
    else:
        rows = fetch(wh, select)
    return columns, sorted(rows, key=repr)


# Marts of inputs this test's loader leaves out (actions.yaml, analysis/, SCB and Kolada, which the
# ingest assets replace whole for every municipality at once): empty here, compared row by row on
# the sample region through the whole pipeline in test_sample_region.py.
LOADED_ELSEWHERE = {"fct_action_followup", "fct_coordinator_analysis", "fct_reference_kpis"}


def test_every_mart_row_of_a_municipality_is_the_same_alone_and_in_a_region(built):
    alone, region = built
    tables = [t for (t,) in fetch(alone, "select table_name from information_schema.tables "
                                         "where table_schema = 'marts' order by 1")]
    assert {"fct_problem_indicators", "fct_pledge_followup", "fct_survey_by_category", "dim_area", "dim_pledge",
            "dim_period", "dim_month", "dim_municipality", "fct_reference_crime_rates"} <= set(tables)
    for table in tables:
        columns, rows_alone = mart_rows(alone, table, ALONE)
        columns_region, rows_region = mart_rows(region, table, ALONE)
        assert columns == columns_region, table
        if table in LOADED_ELSEWHERE:
            continue
        assert rows_alone, f"{table}: no rows for {ALONE} — the comparison would prove nothing"
        differing = {repr(r) for r in rows_alone} ^ {repr(r) for r in rows_region}
        assert rows_alone == rows_region, f"{table}: {len(differing)} rows differ, e.g. {sorted(differing)[:3]}"


def test_the_region_holds_both_municipalities_with_the_same_area_ids(built):
    _, region = built
    assert fetch(region, "select kommun_code, count(*) from marts.dim_municipality group by 1 order by 1") == [
        (NEIGHBOUR, 1), (ALONE, 1)]
    shared = fetch(region, "select area_id from marts.dim_area where kommun_code = ? intersect "
                           "select area_id from marts.dim_area where kommun_code = ? order by 1", (ALONE, NEIGHBOUR))
    assert [a for (a,) in shared] == ["alunda", "gimo", "okant", "osthammar"]
    # Tierp's numbers are its own: its extract (from the shared file), partners, survey, pledge.
    tierp = dict(fetch(region, "select area_id, sum(police_reported_count) from marts.fct_problem_indicators "
                               "where kommun_code = ? and category_id = 'stold' group by 1", (NEIGHBOUR,)))
    expected = {"osthammar": 0, "gimo": 0, "alunda": 0, "okant": 0}  # okant: Tierp's events naming no area
    for line in tierp_police().splitlines()[1:]:
        month, area, category, count = line.split(";")
        if category == "stold":
            expected[{"Tierp": "osthammar", "Söderfors": "gimo", "Örbyhus": "alunda"}[area]] += int(count)
    assert tierp == expected
    assert fetch(region, "select count(*) from marts.fct_pledge_followup where kommun_code = ? "
                         "and pledge_id = '2025-t2-snatteri'", (NEIGHBOUR,))[0][0] > 0
    # Tierp's catalogue maps q_stold to inbrott: its respondents count there, not under stöld.
    survey = dict(fetch(region, "select category_id, sum(survey_respondents) from marts.fct_survey_by_category "
                                "where kommun_code = ? group by 1", (NEIGHBOUR,)))
    assert survey == {"inbrott": 40, "snatteri": 20}
    # the partner file with Östhammar's bytes counts for both
    both = fetch(region, "select kommun_code, count(*) from intermediate.int_partner_reports "
                         "where source_file like '%skolor_2026.csv' group by 1 order by 1")
    assert [code for code, _ in both] == [NEIGHBOUR, ALONE] and both[0][1] == both[1][1] > 0


def test_rows_of_municipalities_outside_the_data_dir_are_counted_not_used(built):
    alone, region = built
    heby_rows = fetch(region, "select count(*) from raw.police_local where kommun_text = 'Heby kommun'")[0][0]
    assert heby_rows > 0
    outside = {(kind, code): rows for kind, code, _, rows in fetch(
        region, "select source_kind, kommun_code, kommun_name, row_count from intermediate.int_rows_outside_data_dir")}
    assert outside[("police_local", OUTSIDE)] == heby_rows
    assert fetch(region, "select kommun_name from intermediate.int_rows_outside_data_dir "
                         "where source_kind = 'police_local'") == [("Heby",)]
    # Tierp's events are outside the data dir alone, its own in the region
    tierp_events = fetch(alone, "select count(*) from intermediate.int_police_events where kommun_code = ?",
                         (NEIGHBOUR,))[0][0]
    assert tierp_events > 0
    assert dict(fetch(alone, "select kommun_code, row_count from intermediate.int_rows_outside_data_dir "
                             "where source_kind = 'police_events'"))[NEIGHBOUR] == tierp_events
    assert (("police_events", NEIGHBOUR) not in outside) and (("police_events", OUTSIDE) in outside)
    assert fetch(region, "select sum(police_event_count) from marts.fct_problem_indicators where kommun_code = ?",
                 (NEIGHBOUR,))[0][0] == fetch(region, "select count(*) from intermediate.int_police_events "
                                                      "where kommun_code = ? and category_id is not null",
                                              (NEIGHBOUR,))[0][0] > 0
    # BRÅ: other municipalities stay in the reference table, counted as outside
    assert outside[("police_bra", OUTSIDE)] == fetch(
        region, "select count(*) from marts.fct_reference_crime_rates where kommun_code = ?", (OUTSIDE,))[0][0] > 0
    # nothing of Heby reaches an indicator or a municipality's mart
    for table in ("fct_problem_indicators", "dim_area", "fct_pledge_followup", "fct_survey_by_category"):
        assert fetch(region, f"select count(*) from marts.{table} where kommun_code = ?", (OUTSIDE,)) == [(0,)]
