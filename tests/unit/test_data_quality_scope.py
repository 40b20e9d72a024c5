"""A tertial's *Datakvalitet och källor* section lays out what dbt counted for it
(intermediate.int_report_rejected_rows, int_report_loaded_files, int_report_ignored_columns:
the audit rows of the files whose data its report reads, and in the newest complete tertial
also of every file no complete tertial reads; the dbt unit tests of
models/intermediate/_unit_tests_report_sections.yml check which files and how they count).
Here: the section shows its tertial's and its municipality's rows only, in order, with the
sources' Swedish names; a warehouse built before those models still renders it."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from pipelines.picture.sources import data_quality, section_rows


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        """
        create schema intermediate;
        -- as dbt builds them: 0382's 2024-T1 reads its 2024 partner file and survey; 2026-T1 (the
        -- newest complete tertial) its 2026-03 file, BRÅ's yearly file and a wholly rejected file
        create table intermediate.int_report_rejected_rows as select * from (values
            ('0382', '2024-T1', 'partner_reports', 'Kategori saknas.', 4::bigint),
            ('0382', '2026-T1', 'partner_reports', 'Kategori saknas.', 4),
            ('0382', '2026-T1', 'partner_reports', 'Datum ''2026-02-30'' är inget giltigt datum.', 2),
            ('0382', '2026-T1', null, 'Filen saknar kolumnen Datum.', 4),
            ('0360', '2024-T1', 'partner_reports', 'Antal saknas.', 9)
        ) t(kommun_code, period, source_kind, reason, row_count);
        create table intermediate.int_report_loaded_files as select * from (values
            ('0382', '2024-T1', 'partner_reports', 1::bigint, 10::bigint, 1::bigint, timestamp '2024-05-02 08:00'),
            ('0382', '2026-T1', 'partner_reports', 2, 13, 2, timestamp '2026-03-25 08:00'),
            ('0382', '2026-T1', 'police_bra', 1, 26, 0, null),
            ('0360', '2024-T1', 'partner_reports', 1, 5, 0, timestamp '2024-05-02 08:00')
        ) t(kommun_code, period, source_kind, file_count, rows_loaded, rows_rejected, last_loaded_at);
        create table intermediate.int_report_ignored_columns as select * from (values
            ('0382', '2024-T1', 'E-post', 1::bigint, 'Kolumnen finns inte i frågekatalogen.'),
            ('0382', '2024-T1', 'Namn', 2, 'Kolumnen finns inte i frågekatalogen.')
        ) t(kommun_code, period, column_header, file_count, reason);
        """
    )
    yield con
    con.close()


def _section(con, period: str, code: str = "0382") -> dict:
    return data_quality(con, period, date(2026, 4, 30), code, dates=[])


def test_a_section_shows_its_tertials_rows(con):
    old, new = _section(con, "2024-T1"), _section(con, "2026-T1")
    assert old["files"] == [{"source": "Rapporter från samverkanspartner", "files": 1, "rows_loaded": 10,
                             "rows_rejected": 1, "last_loaded": "2024-05-02"}]
    assert [r["reason"] for r in old["rejected"]] == ["Kategori saknas."]
    assert old["ignored"] == [{"column": "E-post", "files": 1, "reason": "Kolumnen finns inte i frågekatalogen."},
                              {"column": "Namn", "files": 2, "reason": "Kolumnen finns inte i frågekatalogen."}]
    assert new["ignored"] == []
    # sources by name in the order of their kinds, a file without a load time as '–'
    assert new["files"] == [
        {"source": "Rapporter från samverkanspartner", "files": 2, "rows_loaded": 13, "rows_rejected": 2,
         "last_loaded": "2026-03-25"},
        {"source": "Anmälda brott per kommun (BRÅ)", "files": 1, "rows_loaded": 26, "rows_rejected": 0,
         "last_loaded": "–"}]
    # most rows first (then by reason); a rejection of no known source as '–'
    assert new["rejected"] == [
        {"source": "–", "reason": "Filen saknar kolumnen Datum.", "rows": 4},
        {"source": "Rapporter från samverkanspartner", "reason": "Kategori saknas.", "rows": 4},
        {"source": "Rapporter från samverkanspartner", "reason": "Datum '2026-02-30' är inget giltigt datum.",
         "rows": 2}]
    assert _section(con, "2025-T1")["files"] == [] and _section(con, "2025-T1")["rejected"] == []


def test_a_municipality_sees_its_own_rows_only(con):
    tierp = _section(con, "2024-T1", "0360")
    assert [(r["rows_loaded"], r["rows_rejected"]) for r in tierp["files"]] == [(5, 0)]
    assert [r["reason"] for r in tierp["rejected"]] == ["Antal saknas."]
    assert tierp["ignored"] == []
    assert "Antal saknas." not in [r["reason"] for p in ("2024-T1", "2026-T1") for r in _section(con, p)["rejected"]]


def test_rows_read_once_are_the_rows_read_alone(con):
    rows = section_rows(con, "0382", "2026-T1")
    assert rows["files"][0] == ("partner_reports", 2, 13, 2, datetime(2026, 3, 25, 8, 0))
    assert _section(con, "2026-T1") == data_quality(con, "2026-T1", date(2026, 4, 30), "0382", section=rows, dates=[])


def test_a_warehouse_without_the_models_renders_the_section_without_its_tables(con):
    for table in ("int_report_rejected_rows", "int_report_loaded_files", "int_report_ignored_columns"):
        con.execute(f"drop table intermediate.{table}")
    section = _section(con, "2026-T1")
    assert section["files"] == section["rejected"] == section["ignored"] == []
    assert section["months"][-1] == "2026-04" and section["attribution"]
