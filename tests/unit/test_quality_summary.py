"""The coordinator's quality summary from a small warehouse: what it counts, and that the
page says it in Swedish."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from data_quality import quality_summary, results, write_quality_summary
from data_quality.tables import BY_NAME
from data_quality.validate import ExpectationOutcome, TableOutcome

TODAY = date(2026, 11, 26)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        """
        create schema marts; create schema audit; create schema intermediate;
        create table marts.dim_municipality as select '0382' as kommun_code, 'Östhammar' as kommun_name;
        create table marts.dim_area as select * from (values
            ('osthammar', 'Östhammar', 1), ('gimo', 'Gimo', 2), ('okant', 'Okänt område', 10000)
        ) t(area_id, area_name, sort_order);
        create table marts.dim_period as select * from (values ('2024-T2'), ('2024-T3')) t(period);
        create table audit.rejected_rows as select * from (values
            ('partners/a.csv', 4, 'Datum ''2031-01-01'' ligger i framtiden.', 'partner_reports'),
            ('partners/a.csv', 9, 'Kategori ''cyklar'' är ingen känd kategori.', 'partner_reports'),
            ('partners/b.csv', 2, 'Kategori ''cyklar'' är ingen känd kategori.', 'partner_reports'),
            ('police/local/x.xlsx', null, 'Filen kunde inte läsas.', 'police_local')
        ) t(source_file, source_row, reason, source_kind);
        create table audit.ignored_columns as select * from (values
            ('surveys/s.csv', 'E-post', 'Kolumnen finns inte i frågekatalogen.')
        ) t(source_file, column_header, reason);
        create table intermediate.int_source_dates as select * from (values
            ('partner_reports', date '2024-05-03'), ('partner_reports', date '2024-07-01'),
            ('surveys', date '2024-05-20')
        ) t(source, data_date);
        create table intermediate.int_partner_reports as select * from (values
            ('2024-T2', 'osthammar'), ('2024-T2', 'okant'), ('2024-T2', 'okant')
        ) t(period, area_id);
        create table intermediate.int_survey_responses as select * from (values
            ('2024-T2', 'gimo'), ('2024-T2', 'osthammar')
        ) t(period, area_id);
        """
    )
    fct, raw = "marts.fct_problem_indicators", "raw.partner_reports"
    results.record(
        con,
        [
            TableOutcome(BY_NAME[fct], 120, [
                ExpectationOutcome(fct, "expect_column_values_to_be_between", "police_event_count", {}, False,
                                   "error", {}, ("2024-T2",), "Antal händelser från polisen är inte negativt – "
                                   "stämmer inte för 1 av 120 rader (t.ex. -4); gäller 2024-T2."),
                ExpectationOutcome(fct, "expect_column_to_exist", "period", {}, True, "error", {}, None,
                                   "Kolumnen period finns"),
            ]),
            TableOutcome(BY_NAME[raw], 0, [
                ExpectationOutcome(raw, "expect_table_row_count_to_be_between", None, {}, False, "warn", {}, None,
                                   "Källan är inte tom – uppmätt: 0 rader."),
            ]),
        ],
        run_id="r1", checked_at=datetime(2026, 11, 26, 10, 0),
    )
    yield con
    con.close()


def test_summary_of_a_blocked_tertial(con):
    s = quality_summary(con, "2024-T2", as_of=TODAY)
    assert s.municipality == "Östhammar"
    assert s.blocked
    assert [f.table for f in s.blockers] == ["marts.fct_problem_indicators"]
    assert [f.table for f in s.warnings] == ["raw.partner_reports"]
    assert (s.checks_total, s.checks_failed) == (3, 2)
    assert {t.table: t.status for t in s.tables} == {
        "raw.partner_reports": "varning", "marts.fct_problem_indicators": "fel"}
    # rejected rows grouped by reason, whole files counted apart
    assert (s.rejected_rows, s.rejected_files) == (3, 1)
    top = s.rejected[0]
    assert (top.reason, top.rows, top.examples) == (
        "Kategori 'cyklar' är ingen känd kategori.", 2, ("partners/a.csv rad 9", "partners/b.csv rad 2"))
    assert [(c.source_file, c.column) for c in s.ignored_columns] == [("surveys/s.csv", "E-post")]
    coverage = {c.source: c for c in s.sources}
    assert set(coverage) == {"partner_reports", "surveys"}  # the other models are missing here
    partners = coverage["partner_reports"]
    assert (partners.rows, partners.unknown_area_rows) == (3, 2)
    assert partners.months_without_data == ("2024-06", "2024-08")
    assert partners.areas_without_data == ("Gimo",)
    assert coverage["surveys"].months_without_data == ("2024-06", "2024-07", "2024-08")
    assert coverage["surveys"].areas_without_data == ()


def test_other_tertials_are_not_blocked_by_it(con):
    s = quality_summary(con, "2024-T3", as_of=TODAY)
    assert not s.blocked
    assert len(s.warnings) == 2


def test_months_not_yet_begun_are_not_missing(con):
    s = quality_summary(con, "2026-T3", as_of=TODAY)
    assert all(len(c.months_without_data) == 3 for c in s.sources)  # Sep, Oct, Nov; not December


def test_the_page_says_it_in_swedish(con, tmp_path):
    s = write_quality_summary(con, "2024-T2", tmp_path, as_of=TODAY)
    assert s.html_path == tmp_path / "2024-T2" / "datakvalitet.html"
    html = s.html_path.read_text(encoding="utf-8")
    assert '<html lang="sv">' in html
    assert "Lägesbilden för 2024-T2 har inte skrivits" in html
    assert "Antal händelser från polisen är inte negativt" in html and "(t.ex. -4)" in html
    assert "Källan är inte tom" in html
    assert "Kategori &#39;cyklar&#39; är ingen känd kategori." in html
    assert "E-post" in html
    assert "Okänt område" in html and "2024-06, 2024-08" in html
