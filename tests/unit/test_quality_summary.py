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
        create table marts.dim_area as select '0382' as kommun_code, * from (values
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
        create table intermediate.int_source_dates as select '0382' as kommun_code, * from (values
            ('partner_reports', date '2024-05-03'), ('partner_reports', date '2024-07-01'),
            ('surveys', date '2024-05-20')
        ) t(source, data_date);
        create table intermediate.int_partner_reports as select '0382' as kommun_code, * from (values
            ('2024-T2', 'osthammar'), ('2024-T2', 'okant'), ('2024-T2', 'okant')
        ) t(period, area_id);
        create table intermediate.int_survey_responses as select '0382' as kommun_code, * from (values
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


# --------------------------------------------------------------------------- a region


@pytest.fixture
def region(tmp_path):
    """A region of Östhammar and Tierp (same area ids), one shared extract whose rows for
    Heby are outside the data dir, rejections in both folders and in the shared file."""
    data_dir = tmp_path / "data"
    for folder, code, name in (("0382-osthammar", "0382", "Östhammar"), ("0360-tierp", "0360", "Tierp")):
        (data_dir / "kommuner" / folder).mkdir(parents=True)
        (data_dir / "kommuner" / folder / "municipality.yaml").write_text(f'code: "{code}"\nname: {name}\n',
                                                                           encoding="utf-8")
    wh = tmp_path / "region.duckdb"
    con = duckdb.connect(str(wh))
    con.execute(
        """
        create schema marts; create schema audit; create schema intermediate;
        create table marts.dim_municipality as select * from (values ('0382', 'Östhammar'), ('0360', 'Tierp'))
            t(kommun_code, kommun_name);
        create table marts.dim_area as select * from (values
            ('0382', 'osthammar', 'Östhammar', 1), ('0382', 'okant', 'Okänt område', 10000),
            ('0360', 'osthammar', 'Tierp', 1), ('0360', 'gimo', 'Söderfors', 2), ('0360', 'okant', 'Okänt område', 10000)
        ) t(kommun_code, area_id, area_name, sort_order);
        create table marts.dim_period as select * from (values ('2024-T2'), ('2024-T3')) t(period);
        create table marts.dim_municipality_period as select * from (values
            ('0382', '2024-T2'), ('0360', '2024-T2'), ('0360', '2024-T3')) t(kommun_code, period);
        create table audit.rejected_rows as select * from (values
            ('kommuner/0382-osthammar/partners/a.csv', 4, 'Östhammars fel.', 'partner_reports', '0382'),
            ('kommuner/0360-tierp/partners/b.csv', 2, 'Tierps fel.', 'partner_reports', '0360'),
            ('police/local/region.csv', 7, 'Okänd kommun ''Atlantis''.', 'police_local', null)
        ) t(source_file, source_row, reason, source_kind, kommun_code);
        create table audit.loaded_files as select * from (values
            ('kommuner/0382-osthammar/surveys/s.csv', '0382'), ('kommuner/0360-tierp/surveys/t.csv', '0360')
        ) t(source_file, kommun_code);
        create table audit.ignored_columns as select * from (values
            ('kommuner/0382-osthammar/surveys/s.csv', 'E-post', 'Kolumnen finns inte i frågekatalogen.'),
            ('kommuner/0360-tierp/surveys/t.csv', 'Namn', 'Kolumnen finns inte i frågekatalogen.')
        ) t(source_file, column_header, reason);
        create table intermediate.int_source_dates as select * from (values
            ('0382', 'partner_reports', date '2024-05-03'), ('0360', 'partner_reports', date '2024-06-01')
        ) t(kommun_code, source, data_date);
        create table intermediate.int_partner_reports as select * from (values
            ('0382', '2024-T2', 'osthammar'), ('0360', '2024-T2', 'gimo'), ('0360', '2024-T2', 'gimo')
        ) t(kommun_code, period, area_id);
        create table intermediate.int_rows_outside_data_dir as select * from (values
            ('police_local', '0331', 'Heby', 12), ('police_events', '0380', 'Uppsala', 1506),
            ('police_events', null, 'Uppsala län', 66)
        ) t(source_kind, kommun_code, kommun_name, row_count);
        """
    )
    yield con, data_dir, wh
    con.close()


def test_each_municipality_gets_its_own_and_the_shared_rejections(region):
    con, _, _ = region
    tierp = quality_summary(con, "2024-T2", kommun_code="0360", as_of=TODAY)
    assert tierp.municipality == "Tierp" and tierp.municipalities == 2
    assert sorted(r.reason for r in tierp.rejected) == ["Okänd kommun 'Atlantis'.", "Tierps fel."]
    assert [c.column for c in tierp.ignored_columns] == ["Namn"]
    [partners] = [c for c in tierp.sources if c.source == "partner_reports"]
    assert (partners.rows, partners.areas_without_data) == (2, ("Tierp",))
    assert partners.months_without_data == ("2024-05", "2024-07", "2024-08")
    osthammar = quality_summary(con, "2024-T2", kommun_code="0382", as_of=TODAY)
    assert sorted(r.reason for r in osthammar.rejected) == ["Okänd kommun 'Atlantis'.", "Östhammars fel."]
    assert [c.column for c in osthammar.ignored_columns] == ["E-post"]


def test_rows_outside_the_data_dir_are_counted_in_swedish(region):
    con, _, _ = region
    s = quality_summary(con, "2024-T2", kommun_code="0382", as_of=TODAY)
    assert s.outside_rows == 1584
    assert s.outside_text == (
        "Rader för kommuner utanför datamappen: 1\u00a0584 – Polisens händelser 1\u00a0572 (Uppsala 1\u00a0506, "
        "Uppsala län 66); Lokalpolisens utdrag 12 (Heby 12). De finns kvar i källdatan men räknas inte in i någon "
        "indikator.")


def test_a_report_per_municipality_and_tertial_in_its_own_folder(region, tmp_path, monkeypatch):
    from data_quality.summary import write_all
    from pipelines.settings import Settings

    con, data_dir, wh = region
    con.close()
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(wh))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "output"))
    monkeypatch.setenv("LAGESBILD_AS_OF", TODAY.isoformat())
    written = write_all(Settings.from_env())
    paths = sorted(s.html_path.relative_to(tmp_path / "output").as_posix() for s in written)
    assert paths == ["0360-tierp/2024-T2/datakvalitet.html", "0360-tierp/2024-T3/datakvalitet.html",
                     "0382-osthammar/2024-T2/datakvalitet.html"]
    html = (tmp_path / "output/0360-tierp/2024-T2/datakvalitet.html").read_text(encoding="utf-8")
    assert "Datakvalitet – Tierp, 2024-T2" in html and "Tierps fel." in html and "Östhammars fel." not in html
    assert "Rader för kommuner utanför datamappen" in html and "Heby 12" in html
    assert "gemensamma filerna i datamappen" in html


def test_write_all_reads_all_municipalities_at_once_and_writes_what_each_alone_would(region, tmp_path, monkeypatch):
    """write_all() reads every municipality's rows in one query per kind (and writes the pages
    from threads): each page and summary must equal the one made for that municipality alone."""
    from data_quality.summary import write_all
    from pipelines.settings import Settings

    con, data_dir, wh = region
    con.close()
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(wh))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "all"))
    monkeypatch.setenv("LAGESBILD_AS_OF", TODAY.isoformat())
    settings = Settings.from_env()
    together = {(s.kommun_code, s.period): s for s in write_all(settings)}
    alone = {}
    with duckdb.connect(str(wh), read_only=True) as con:
        for code, period in together:
            page_dir = tmp_path / "alone" / code / period
            alone[code, period] = write_quality_summary(con, period, settings.output_dir, kommun_code=code,
                                                        period_dir=page_dir, as_of=TODAY)
    assert len(together) == 3
    for key, summary in together.items():
        assert summary == alone[key]  # html_path is not compared
        assert summary.html_path.read_text(encoding="utf-8") == alone[key].html_path.read_text(encoding="utf-8")
    tierp = together["0360", "2024-T2"]
    assert [r.reason for r in tierp.rejected] and tierp.ignored_columns and tierp.sources
