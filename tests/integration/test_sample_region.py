"""data/sample-region end to end (issue 12, DATA-CONTRACT §6): Östhammar, Tierp and Älvkarleby
in one data dir, one warehouse, one run; the same Östhammar numbers as data/sample alone.

The data and why each case is in it: data/sample-region/SYNTHETIC.md."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import shared_run

REPO = Path(__file__).resolve().parents[2]
REGION = REPO / "data" / "sample-region"
CODES = {"0382": "0382-osthammar", "0360": "0360-tierp", "0319": "0319-alvkarleby"}
NEWEST = "2026-T2"  # the newest complete tertial at the tests' as-of date (2026-12-01)



@pytest.fixture(scope="session")
def region_run(tmp_path_factory):
    result = shared_run("sample-region", tmp_path_factory, lambda base: REGION)
    assert result.exit_code == 0, "the pipeline failed on data/sample-region"
    return result


def _connect(run):
    return duckdb.connect(str(run.warehouse), read_only=True)


def test_every_municipality_gets_its_lagesbild_and_the_region_its_overview(region_run):
    for folder in CODES.values():
        period_dir = region_run.output_dir / folder / NEWEST
        for name in ("lagesbild.html", "lagesbild.xlsx", "datakvalitet.html"):
            assert (period_dir / name).is_file(), period_dir / name
    assert (region_run.output_dir / "region" / NEWEST / "oversikt.html").is_file()
    assert not (region_run.output_dir / NEWEST).exists()  # no single-municipality folder in a region
    with _connect(region_run) as con:
        assert sorted(r[0] for r in con.execute("select kommun_code from marts.dim_municipality").fetchall()) == sorted(CODES)


# Tables of the published figures that name files, checks or the build time: the same data
# under kommuner/0382-osthammar/ is the same numbers, not the same file names.
NOT_NUMBERS = "table_name like 'kvalitet%' or table_name = 'meta' or table_name like 'region%'"


def test_osthammar_alone_equals_osthammar_in_the_region(sample_run, region_run):
    """Every mart row of Östhammar, from the same files (data/sample and kommuner/0382-osthammar)."""
    con = duckdb.connect()
    con.execute(f"attach '{sample_run.warehouse}' as alone (read_only)")
    con.execute(f"attach '{region_run.warehouse}' as region (read_only)")
    tables = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = 'alone' and schema_name = 'marts' "
        "union select view_name from duckdb_views() where database_name = 'alone' and schema_name = 'marts'"
    ).fetchall()]
    compared, differences = 0, []
    for table in sorted(tables):
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where database_name = 'alone' and schema_name = 'marts' "
            "and table_name = ? order by column_index", [table]).fetchall()]
        if "kommun_code" not in columns:
            continue
        where = "kommun_code = '0382'" + (f" and not ({NOT_NUMBERS})" if table == "fct_published_figures" else "")
        select = ", ".join(f'"{c}"' for c in columns)
        for left, right in (("alone", "region"), ("region", "alone")):
            extra = con.execute(
                f"select * from (select {select} from {left}.marts.{table} where {where} "
                f"except all select {select} from {right}.marts.{table} where {where}) limit 3").fetchall()
            if extra:
                differences.append(f"marts.{table}: rows only {left}, e.g. {extra}")
        compared += con.execute(f"select count(*) from alone.marts.{table} where {where}").fetchone()[0]
    assert not differences, "\n".join(differences)
    assert compared > 20_000


def test_shared_extract_rows_of_a_municipality_outside_the_data_dir_reach_no_indicator(region_run):
    with _connect(region_run) as con:
        heby_raw = con.execute(
            "select count(*) from raw.police_local where kommun_text in ('Heby', '0331', 'Heby kommun')").fetchone()[0]
        assert heby_raw > 1000
        outside = dict(con.execute(
            "select kommun_code, row_count from intermediate.int_rows_outside_data_dir "
            "where source_kind = 'police_local'").fetchall())
        assert outside == {"0331": heby_raw}
        for table in ("fct_problem_indicators", "dim_area", "fct_municipality_comparison"):
            assert con.execute(f"select count(*) from marts.{table} where kommun_code = '0331'").fetchone()[0] == 0
        # the shared extract still gives Tierp and Älvkarleby their police counts
        reported = dict(con.execute(
            "select kommun_code, sum(police_reported_count) from marts.fct_problem_indicators group by 1").fetchall())
        assert all(reported[code] > 500 for code in CODES)


def test_a_row_naming_an_unknown_municipality_is_rejected_in_swedish(region_run):
    with _connect(region_run) as con:
        rows = con.execute(
            "select source_file, source_row, reason, kommun_code from audit.rejected_rows "
            "where source_file like 'police/local/%'").fetchall()
    assert len(rows) == 1
    source_file, source_row, reason, kommun_code = rows[0]
    assert source_file == "police/local/lokalpolisomrade_norduppland_2025-12.xlsx" and source_row == 1070
    assert "Tierpp" in reason and "kommun" in reason.lower() and kommun_code is None


def test_the_same_area_id_in_two_municipalities(region_run):
    with _connect(region_run) as con:
        areas = dict(con.execute(
            "select kommun_code, area_name from marts.dim_area where area_id = 'landsbygd'").fetchall())
        assert areas == {"0360": "Tierps landsbygd", "0319": "Älvkarleby landsbygd"}
        # each municipality's own landsbygd: Tierp's is about three times Älvkarleby's (3 250 and 1 280 inhabitants)
        counts = dict(con.execute(
            "select kommun_code, sum(police_reported_count) from marts.fct_problem_indicators "
            "where area_id = 'landsbygd' group by 1").fetchall())
        assert set(counts) == {"0360", "0319"} and counts["0360"] > 1.5 * counts["0319"]
        pledges = dict(con.execute(
            "select pledge_id, kommun_code from marts.dim_pledge where pledge_id in "
            "('2025-t3-inbrott-landsbygd', '2025-t3-trygghet-skutskar')").fetchall())
        assert pledges == {"2025-t3-inbrott-landsbygd": "0360", "2025-t3-trygghet-skutskar": "0319"}


def test_each_municipality_has_its_own_action_plan_and_analysis(region_run):
    """Östhammar's measures and text reach its own report only; Tierp has neither: its pledges'
    briefs say no measure keeps them, and its report says where its coordinator writes the text."""
    osthammar = (region_run.output_dir / CODES["0382"] / NEWEST / "lagesbild.html").read_text(encoding="utf-8")
    tierp = (region_run.output_dir / CODES["0360"] / NEWEST / "lagesbild.html").read_text(encoding="utf-8")
    assert "Bättre belysning runt skolgården i Gimo" in osthammar and "Sommaren 2026 i korthet" in osthammar
    assert "Bättre belysning" not in tierp and "Sommaren 2026" not in tierp
    assert "Inga åtgärder är registrerade för perioden" in tierp
    assert f"<code>analysis/{NEWEST}.md</code> i kommunens datamapp" in tierp
    briefs = sorted((region_run.output_dir / CODES["0360"] / NEWEST / "pledges").glob("*.md"))
    assert briefs and all("Inga åtgärder i åtgärdsplanen (actions.yaml) är kopplade till löftet."
                          in b.read_text(encoding="utf-8") for b in briefs)
    with _connect(region_run) as con:
        assert con.execute("select distinct kommun_code from marts.fct_action_followup").fetchall() == [("0382",)]
        assert con.execute("select count(*) from marts.fct_pledge_followup where kommun_code = '0360' "
                           "and actions_count <> 0").fetchall() == [(0,)]
