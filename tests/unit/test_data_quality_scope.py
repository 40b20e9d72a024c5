"""A tertial's *Datakvalitet och källor* section lists the files whose data its report reads
(pipelines/picture/sources.py, from intermediate.int_report_source_files, whose window a dbt
unit test checks): a file dated 2026-03 is in 2026-T1's section and not in 2024-T1's, and a
file without a dated row is in the newest complete tertial's section, never lost."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from pipelines.picture.sources import audit_rows, data_quality, report_files, section_files

PERIODS = ["2024-T1", "2024-T2", "2024-T3", "2025-T1", "2025-T2", "2025-T3", "2026-T1", "2026-T2"]
COMPLETE = PERIODS[:-1]  # 2026-T2 is in progress: it has no report


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        """
        create schema audit; create schema intermediate;
        create table audit.loaded_files as select * from (values
            ('partners/ica_2024.csv', 'partner_reports', 'a1', 10, 1, timestamp '2024-05-02 08:00', '0382'),
            ('partners/ica_2026_mars.csv', 'partner_reports', 'b2', 3, 1, timestamp '2026-03-25 08:00', '0382'),
            ('police/bra/Anmälda brott 2025.csv', 'police_bra', 'c3', 26, 0, timestamp '2026-02-01 08:00', '0382'),
            ('partners/tierp_2024.csv', 'partner_reports', 'd4', 5, 0, timestamp '2024-05-02 08:00', '0360')
        ) t(source_file, source_kind, file_sha256, rows_loaded, rows_rejected, loaded_at, kommun_code);
        create table audit.rejected_rows as select * from (values
            ('partners/ica_2024.csv', 4, 'Kategori saknas.', 'partner_reports', '0382'),
            ('partners/ica_2026_mars.csv', 2, 'Datum ''2026-02-30'' är inget giltigt datum.', 'partner_reports', '0382'),
            ('partners/helt_fel.csv', null, 'Filen saknar kolumnen Datum.', 'partner_reports', '0382')
        ) t(source_file, source_row, reason, source_kind, kommun_code);
        create table audit.ignored_columns as select * from (values
            ('surveys/enkat_2024.csv', 'E-post', 'Kolumnen finns inte i frågekatalogen.')
        ) t(source_file, column_header, reason);
        -- as dbt builds it: the 2024 file is read by 2024-T1 … 2025-T1 (and 2026-T1, 2027-T1);
        -- the 2026-03 file by 2026-T1 and 2026-T2; the survey by 2024-T1 … 2024-T3
        create table intermediate.int_report_source_files as select * from (values
            ('2024-T1', 'partner_reports', '0382', 'partners/ica_2024.csv'),
            ('2024-T2', 'partner_reports', '0382', 'partners/ica_2024.csv'),
            ('2025-T1', 'partner_reports', '0382', 'partners/ica_2024.csv'),
            ('2026-T1', 'partner_reports', '0382', 'partners/ica_2024.csv'),
            ('2024-T1', 'surveys', '0382', 'surveys/enkat_2024.csv'),
            ('2026-T1', 'partner_reports', '0382', 'partners/ica_2026_mars.csv'),
            ('2026-T2', 'partner_reports', '0382', 'partners/ica_2026_mars.csv'),
            ('2024-T1', 'partner_reports', '0360', 'partners/tierp_2024.csv')
        ) t(period, source_kind, kommun_code, source_file);
        """
    )
    yield con
    con.close()


def _sections(con, code="0382") -> tuple[tuple, dict]:
    audit = audit_rows(con, code)
    files = {row[0] for rows in audit for row in rows}
    return audit, section_files(report_files(con), PERIODS, COMPLETE, files)


def _section(con, period: str, code="0382") -> dict:
    audit, sections = _sections(con, code)
    return data_quality(con, date(2026, 4, 30), code, audit=audit, dates=[], files=sections[period])


def test_a_file_is_in_the_sections_of_the_tertials_that_read_its_dates(con):
    _, sections = _sections(con)
    assert "partners/ica_2026_mars.csv" in sections["2026-T1"]
    assert "partners/ica_2026_mars.csv" not in sections["2024-T1"]
    assert sections["2024-T1"] == {"partners/ica_2024.csv", "surveys/enkat_2024.csv"}

    old, new = _section(con, "2024-T1"), _section(con, "2026-T1")
    assert old["files"] == [{"source": "Rapporter från samverkanspartner", "files": 1, "rows_loaded": 10,
                             "rows_rejected": 1, "last_loaded": "2024-05-02"}]
    assert [r["reason"] for r in old["rejected"]] == ["Kategori saknas."]
    assert [r["column"] for r in old["ignored"]] == ["E-post"]
    assert new["files"][0]["files"] == 2 and new["files"][0]["last_loaded"] == "2026-03-25"
    assert "Datum '2026-02-30' är inget giltigt datum." in [r["reason"] for r in new["rejected"]]
    assert new["ignored"] == []


def test_files_without_a_dated_row_are_in_the_newest_complete_tertial(con):
    _, sections = _sections(con)
    undated = {"police/bra/Anmälda brott 2025.csv", "partners/helt_fel.csv"}
    assert undated <= sections["2026-T1"]  # the newest report (2026-T2 is still in progress)
    assert not any(undated & sections[p] for p in PERIODS if p != "2026-T1")
    newest = _section(con, "2026-T1")
    assert "Anmälda brott per kommun (BRÅ)" in [r["source"] for r in newest["files"]]
    assert "Filen saknar kolumnen Datum." in [r["reason"] for r in newest["rejected"]]
    # every file of the municipality is in some report's section
    shown = set().union(*(sections[p] for p in COMPLETE))
    assert {row[0] for rows in audit_rows(con, "0382") for row in rows} <= shown


def test_a_municipality_sees_its_own_files_only(con):
    assert _section(con, "2024-T1", "0360")["files"][0]["files"] == 1
    assert "partners/tierp_2024.csv" not in _sections(con)[1]["2024-T1"] | _sections(con)[1]["2026-T1"]


def test_a_warehouse_without_the_model_lists_every_file_in_every_tertial(con):
    con.execute("drop table intermediate.int_report_source_files")
    assert _sections(con)[1] is None
    audit = audit_rows(con, "0382")
    every = data_quality(con, date(2024, 4, 30), "0382", audit=audit, dates=[], files=None)
    assert every["files"][0]["files"] == 2 and len(every["files"]) == 2
