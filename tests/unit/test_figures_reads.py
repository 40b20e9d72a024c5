"""The figures' reads done once for every municipality give each municipality exactly the rows
its own query gives (pipelines/picture/marts.py Shared, sources.audit_rows_by_municipality)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from pipelines.picture.marts import Shared, _split
from pipelines.picture.sources import audit_rows, audit_rows_by_municipality, data_quality


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute("create schema audit; create schema marts; create schema intermediate")
    con.execute("create table marts.dim_municipality (kommun_code varchar)")
    con.execute("insert into marts.dim_municipality values ('0360'), ('0382'), ('0319')")
    con.execute("create table audit.rejected_rows (kommun_code varchar, source_file varchar, source_kind varchar, "
                "reason varchar)")
    con.execute("insert into audit.rejected_rows values "
                "('0382', 'e.csv', 'surveys', 'tomt svar'), ('0382', 'e.csv', 'surveys', 'tomt svar'), "
                "('0382', 'x.csv', null, 'okänd fil'), (null, 'root.csv', 'police_local', 'okänd kommun'), "
                "(null, 'root.csv', 'police_local', 'okänd kommun'), ('0360', 'p.csv', 'partner_reports', 'datum saknas'), "
                "(null, 'root_e.csv', 'surveys', 'tomt svar')")
    con.execute("create table audit.loaded_files (kommun_code varchar, source_file varchar, file_sha256 varchar, "
                "source_kind varchar, rows_loaded integer, rows_rejected integer, loaded_at timestamp)")
    con.execute("insert into audit.loaded_files values "
                "('0382', 'e.csv', 'a', 'surveys', 10, 1, '2026-05-01 10:00'), "
                "('0382', 'e2.csv', 'b', 'surveys', 5, 0, '2026-06-01 10:00'), "
                "(null, 'root.csv', 'c', 'police_local', 100, 2, '2026-04-01 09:00'), "
                "('0360', 'p.csv', 'd', 'partner_reports', 7, null, null)")
    con.execute("create table audit.ignored_columns (kommun_code varchar, column_header varchar, "
                "source_file varchar, reason varchar)")
    con.execute("insert into audit.ignored_columns values ('0382', 'Extra', 'a.csv', 'okänd kolumn'), "
                "('0382', 'Extra', 'b.csv', 'okänd kolumn'), (null, 'Kommun2', 'root.csv', 'okänd kolumn')")
    yield con
    con.close()


def test_audit_rows_of_all_municipalities_are_each_ones_own_and_the_shared(con):
    codes = ["0319", "0360", "0382"]
    together = audit_rows_by_municipality(con, codes)
    for code in codes:
        assert together[code] == tuple(audit_rows(con, code)), code
    assert together["0319"][0] == [("root.csv", "police_local", "okänd kommun", 2),
                                   ("root_e.csv", "surveys", "tomt svar", 1)]  # shared only
    section = data_quality(con, date(2026, 8, 31), "0382", audit=together["0382"], dates=[])
    assert section["rejected"][0] == {"source": "Trygghetsenkäter", "reason": "tomt svar", "rows": 3}  # own 2, shared 1
    assert [(f["files"], f["rows_loaded"], f["last_loaded"]) for f in section["files"]] == [
        (1, 100, "2026-04-01"), (2, 15, "2026-06-01")]


def test_audit_rows_without_a_kommun_code_column_are_everyones(con):
    con.execute("alter table audit.ignored_columns drop column kommun_code")
    together = audit_rows_by_municipality(con, ["0360", "0382"])
    assert together["0360"][2] == together["0382"][2] == audit_rows(con, "0360")[2]
    assert len(together["0360"][2]) == 3  # per file
    section = data_quality(con, date(2026, 8, 31), "0360", audit=together["0360"], dates=[])
    assert section["ignored"] == [{"column": "Extra", "files": 2, "reason": "okänd kolumn"},
                                  {"column": "Kommun2", "files": 1, "reason": "okänd kolumn"}]


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
