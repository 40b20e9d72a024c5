"""Partner reports through the real dbt (subprocess) into int_partner_indicators:
area and category mapping, tertials, the natural key across files (the same row in two
files counts once, newest file wins; identical rows in one file are separate incidents),
and the exact aggregate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.config import load_municipality
from pipelines.ingest import partners, police_events
from pipelines.ingest.common import find_files, load_file
from pipelines.ingest.municipality import write_config
from tests.raw_lineage import own_rows
from pipelines.warehouse import connect
from tests.privacy import find_personal_data

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"

# Older file: loaded first (and marked as loaded a day earlier below).
OLD = [
    "2024-04-30;ICA Gimo;snatteri;Gimo;Butiken;;Tog godis",               # 2024-T1 (last day)
    "2024-05-01;ICA Gimo;butiksstöld;GIMO ;Butiken;2;Tog kaffe",          # 2024-T2 (first day)
    "2024-05-01;ICA Gimo;butiksstöld;GIMO ;Butiken;2;Tog kaffe",          # identical: a second incident
    "2024-06-10;Coop Gimo;Snatteri;Gimo centrum;Entrén;;",                # alias, empty description
    "2024-12-31;Östhammarshem;klotter;Tierp;Trapphus;3;Taggar",           # unknown area -> okant, 2024-T3
    "2024-09-01;ICA Gimo;snatteri;gimo;Butiken;1;Ring 070-174 06 12",     # redacted before storage
]
# Newer file under another name (sorts BEFORE the old one, so name order cannot pick the winner).
NEW = [
    "2024-05-01;ica gimo;Snatteri;Gimo;butiken;5;Tog kaffe",              # same key as OLD[1]: Antal corrected to 5
    "31/12/2024;Östhammarshem;skadegörelse;TIERP;Trapphus;3;Taggar",      # same key as OLD[4]: counts once
    "2024-10-15;Skolan;skadegörelse;Öregrund;Skolgården;;Krossad ruta",   # new
    "2024-10-16;Skolan;Nedskräpning;Öregrund;Skolgården;;Skräp",          # rejected: unknown category
    "2024-09-01;ICA Gimo;snatteri;Gimo;Butiken;1;Ring 070-174 06 99",     # redacts to OLD[5]'s text: same key
]

EXPECTED = [
    # period, kommun_code, area_id, category_id, partner_report_count, partner_reports, partners
    ("2024-T1", "0382", "gimo", "snatteri", 1, 1, 1),
    ("2024-T2", "0382", "gimo", "snatteri", 5 + 2 + 1, 3, 2),
    ("2024-T3", "0382", "gimo", "snatteri", 1, 1, 1),
    ("2024-T3", "0382", "okant", "skadegorelse", 3, 1, 1),
    ("2024-T3", "0382", "oregrund", "skadegorelse", 1, 1, 1),
]
COLUMNS = [
    ("period", "VARCHAR"),
    ("kommun_code", "VARCHAR"),
    ("area_id", "VARCHAR"),
    ("category_id", "VARCHAR"),
    ("partner_report_count", "BIGINT"),
    ("partner_reports", "BIGINT"),
    ("partners", "BIGINT"),
]


def run_dbt(tmp_path: Path, warehouse: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse)}
    return subprocess.run(
        [
            str(DBT), "build", "--profiles-dir", ".", "--select", "+int_partner_indicators",
            "--target-path", str(tmp_path / "dbt" / "target"), "--log-path", str(tmp_path / "dbt" / "logs"),
        ],
        cwd=REPO / "dbt_project", env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("partners_dbt")
    data_dir = tmp_path / "data"
    folder = data_dir / "partners"
    folder.mkdir(parents=True)
    old = folder / "rapport_2024.csv"
    old.write_text("\n".join([HEADER, *OLD]) + "\n", encoding="utf-8")
    (folder / "rapport_2024 (kopia).csv").write_bytes(old.read_bytes())
    (folder / "0_rattad_rapport_2024.csv").write_text("\n".join([HEADER, *NEW]) + "\n", encoding="cp1252")

    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        write_config(con, load_municipality(REPO / "data" / "sample" / "municipality.yaml"))
        con.execute(police_events.RAW_DDL)
        statuses = {}
        for path in [old, *[p for p in find_files(folder, partners.FILE_PATTERNS) if p != old]]:
            outcome = load_file(
                con, path, data_dir=data_dir, source_kind=partners.SOURCE_KIND,
                parse=partners.parse, write=partners.write,
            )
            statuses[path.name] = outcome.status
            if path == old:  # an earlier run
                con.execute(
                    "update raw.partner_reports set _loaded_at = _loaded_at - interval 1 day "
                    "where _source_file = 'partners/rapport_2024.csv'"
                )
        con.execute(partners.RAW_DDL)
        own_rows(con, load_municipality(REPO / "data" / "sample" / "municipality.yaml").code)
    result = run_dbt(tmp_path, warehouse)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return warehouse, statuses, result


def query(warehouse: Path, sql: str):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_files_loaded_and_the_byte_copy_skipped(built):
    warehouse, statuses, _ = built
    assert statuses == {
        "rapport_2024.csv": "loaded",
        "0_rattad_rapport_2024.csv": "loaded",
        "rapport_2024 (kopia).csv": "unchanged",
    }
    assert query(warehouse, "select count(*) from raw.partner_reports") == [(len(OLD) + len(NEW) - 1,)]
    [(row, reason)] = query(warehouse, "select source_row, reason from audit.rejected_rows")
    assert row == 5
    assert reason.startswith("Kategori 'Nedskräpning' är ingen känd problemkategori. Ange id eller namn på en av kategorierna stold (Stöld), ")


def test_partner_indicators_exact_values(built):
    warehouse, _, _ = built
    assert query(warehouse, "select * from intermediate.int_partner_indicators order by all") == EXPECTED


def test_partner_indicators_columns_and_types(built):
    warehouse, _, _ = built
    assert [(name, kind) for name, kind, *_ in query(warehouse, "describe intermediate.int_partner_indicators")] == COLUMNS


def test_newest_file_wins_and_identical_rows_in_one_file_are_kept(built):
    warehouse, _, _ = built
    rows = query(
        warehouse,
        "select source_file, source_row, report_count, occurrence_in_file from intermediate.int_partner_reports "
        "where report_date = date '2024-05-01' order by occurrence_in_file",
    )
    assert rows == [
        ("partners/0_rattad_rapport_2024.csv", 2, 5, 1),
        ("partners/rapport_2024.csv", 4, 2, 2),
    ]
    assert query(
        warehouse,
        "select area_id, area_text, period, source_file from intermediate.int_partner_reports "
        "where category_id = 'skadegorelse' and area_id = 'okant'",
    ) == [("okant", "TIERP", "2024-T3", "partners/0_rattad_rapport_2024.csv")]


def test_dbt_tests_on_the_partner_models_ran(built):
    _, _, result = built
    for name in ("unique_combination_int_partner_indicators", "unique_combination_int_partner_reports",
                 "not_null_stg_partners__reports_report_date"):
        assert name in result.stdout
    assert "ERROR=0" in result.stdout and "WARN=0" in result.stdout


def test_no_personal_data_anywhere_in_the_warehouse(built):
    warehouse, _, _ = built
    assert find_personal_data(warehouse, ["070-174 06 12", "070-174 06 99", "0701740612"]) == []
    assert query(warehouse, "select count(*) from intermediate.int_partner_reports where description = 'Ring [telefon]'") == [(1,)]
