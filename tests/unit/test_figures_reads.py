"""The figures' reads done once for every municipality give each municipality exactly the rows
its own query gives (pipelines/picture/marts.py Shared, sources.section_rows_by_municipality)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from pipelines.picture.marts import Shared, _split
from pipelines.picture.sources import data_quality, section_rows, section_rows_by_municipality


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute("create schema audit; create schema marts; create schema intermediate")
    con.execute("create table marts.dim_municipality (kommun_code varchar)")
    con.execute("insert into marts.dim_municipality values ('0360'), ('0382'), ('0319')")
    # the data-quality section's rows as dbt counts them (a shared file's in every municipality's)
    con.execute("create table intermediate.int_report_rejected_rows (kommun_code varchar, period varchar, "
                "source_kind varchar, reason varchar, row_count bigint)")
    con.execute("insert into intermediate.int_report_rejected_rows values "
                "('0382', '2026-T2', 'surveys', 'tomt svar', 3), ('0382', '2026-T2', null, 'okänd fil', 1), "
                "('0382', '2026-T2', 'police_local', 'okänd kommun', 2), ('0382', '2026-T1', 'surveys', 'x', 1), "
                "('0360', '2026-T2', 'partner_reports', 'datum saknas', 1), "
                "('0360', '2026-T2', 'police_local', 'okänd kommun', 2), "
                "('0319', '2026-T2', 'police_local', 'okänd kommun', 2)")
    con.execute("create table intermediate.int_report_loaded_files (kommun_code varchar, period varchar, "
                "source_kind varchar, file_count bigint, rows_loaded bigint, rows_rejected bigint, "
                "last_loaded_at timestamp)")
    con.execute("insert into intermediate.int_report_loaded_files values "
                "('0382', '2026-T2', 'surveys', 2, 15, 1, '2026-06-01 10:00'), "
                "('0382', '2026-T2', 'police_local', 1, 100, 2, '2026-04-01 09:00'), "
                "('0360', '2026-T2', 'partner_reports', 1, 7, 0, null), "
                "('0360', '2026-T2', 'police_local', 1, 100, 2, '2026-04-01 09:00')")
    con.execute("create table intermediate.int_report_ignored_columns (kommun_code varchar, period varchar, "
                "column_header varchar, file_count bigint, reason varchar)")
    con.execute("insert into intermediate.int_report_ignored_columns values "
                "('0382', '2026-T2', 'Kommun2', 1, 'okänd kolumn'), ('0382', '2026-T2', 'Extra', 2, 'okänd kolumn')")
    yield con
    con.close()


def test_section_rows_of_all_municipalities_are_each_ones_own(con):
    codes = ["0319", "0360", "0382"]
    together = section_rows_by_municipality(con)
    assert section_rows_by_municipality(con, codes) == together
    for code in codes:
        for period in ("2026-T1", "2026-T2"):
            assert together.get(code, {}).get(period, {}) == {
                name: rows for name, rows in section_rows(con, code, period).items() if rows}, (code, period)
    assert together["0319"] == {"2026-T2": {"rejected": [("police_local", "okänd kommun", 2)]}}
    assert section_rows_by_municipality(con, ["0360"]).keys() == {"0360"}
    section = data_quality(con, "2026-T2", date(2026, 8, 31), "0382", section=together["0382"]["2026-T2"], dates=[])
    assert [r["reason"] for r in section["rejected"]] == ["tomt svar", "okänd kommun", "okänd fil"]
    assert [(f["source"], f["files"], f["rows_loaded"], f["last_loaded"]) for f in section["files"]] == [
        ("Anmälda brott, lokalpolisområdet", 1, 100, "2026-04-01"), ("Trygghetsenkäter", 2, 15, "2026-06-01")]
    assert [c["column"] for c in section["ignored"]] == ["Extra", "Kommun2"]


def test_shared_reads_a_municipality_outside_its_selection_alone(con):
    only = Shared.__new__(Shared)
    only.con, only.only, only._sections = con, ["0360"], None
    assert only.sections("0382") == section_rows_by_municipality(con)["0382"]
    assert only.sections("0360") == section_rows_by_municipality(con)["0360"]
    assert only._sections.keys() == {"0360"}


def test_free_text_read_once_is_each_municipalitys_per_tertial_in_order(con):
    con.execute("create table marts.dim_area (kommun_code varchar, area_id varchar, area_name varchar)")
    con.execute("insert into marts.dim_area values ('0382', 'a', 'Almby'), ('0360', 'a', 'Berga')")
    con.execute("create table intermediate.int_survey_free_text "
                "(period varchar, kommun_code varchar, area_id varchar, answer_text varchar)")
    con.execute("insert into intermediate.int_survey_free_text values "
                "('2026-T2', '0382', 'x', ' Sist '), ('2026-T2', '0382', 'a', 'B'), ('2026-T2', '0382', 'a', 'A'), "
                "('2026-T1', '0382', 'a', 'C'), ('2026-T2', '0360', 'a', 'D')")
    shared = Shared.__new__(Shared)
    shared.con, shared.only, shared._free_text = con, None, None
    assert shared.free_text("0382") == {"2026-T1": [("Almby", "C")],
                                        "2026-T2": [("Almby", "A"), ("Almby", "B"), (None, "Sist")]}
    assert shared.free_text("0360") == {"2026-T2": [("Berga", "D")]}
    assert shared.free_text("0319") == {}
    only = Shared.__new__(Shared)
    only.con, only.only, only._free_text = con, ["0360"], None
    assert only.free_text("0382") == {} and only.free_text("0360") == shared.free_text("0360")


@pytest.mark.parametrize("codes", [["a", "a", "b", "c", "c"], ["a", "b", "a"], ["a", None, None]])
def test_split_gives_pandas_grouping(codes):
    frame = pd.DataFrame({"kommun_code": codes, "n": range(len(codes))})
    parts = _split(frame, frame["kommun_code"].tolist())
    expected = {code: rows.reset_index(drop=True)
                for code, rows in frame.groupby("kommun_code", sort=False, dropna=False)}
    assert [k for k in parts if k == k] == [k for k in expected if k == k]  # NaN keys aside
    for code, rows in expected.items():
        got = next(v for k, v in parts.items() if k == code or (k != k and code != code))
        pd.testing.assert_frame_equal(got, rows)
