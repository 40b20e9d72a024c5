"""The regional overview on the real sample warehouse: marts.fct_municipality_comparison,
the region's published figures (region_figures.py) and oversikt.html|.pdf|.xlsx
(overview.py). The sample is a region of one; tests/region_overview.py adds a second
municipality (Östhammar's rows under another code) and rebuilds the mart with dbt."""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pandas as pd
import pypdfium2
import pytest
from scipy.stats import binomtest

from pipelines.picture import figures, maps, overview, published, region_figures
from tests.region_overview import FIRST, SECOND, SECOND_NAME, copy_warehouse, publish_region, two_municipalities
from tests.pdf_ua import assert_pdf_ua

MEASURES = ["police_reported_count", "police_reported_compared_count", "police_reported_same_period_last_year",
            "police_event_count", "partner_report_count", "population", "survey_respondents",
            "survey_problem_count"]


@pytest.fixture(scope="module")
def one(sample_run, tmp_path_factory):
    """A copy of the sample warehouse (the shared run's files stay untouched)."""
    return copy_warehouse(sample_run.warehouse, tmp_path_factory.mktemp("one"))


@pytest.fixture(scope="module")
def two(sample_run, tmp_path_factory):
    return two_municipalities(sample_run.warehouse, tmp_path_factory.mktemp("two"))


def comparison(warehouse) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from marts.fct_municipality_comparison "
                           "order by kommun_code, period, category_id").df()


# --------------------------------------------------------------------------- the mart


def test_every_municipality_tertial_and_category_has_a_row_and_the_region_its_totals(one):
    rows = comparison(one)
    with duckdb.connect(str(one), read_only=True) as con:
        periods = {r[0] for r in con.execute("select period from marts.dim_period").fetchall()}
        cats = {r[0] for r in con.execute("select category_id from marts.dim_problem_category").fetchall()}
    keys = set(zip(rows["kommun_code"], rows["period"], rows["category_id"]))
    assert keys == {(k, p, c) for k in (FIRST, "region") for p in periods for c in cats | {"alla"}}
    # a region of one: the region's figures are the municipality's
    mine = rows[rows["kommun_code"] == FIRST].set_index(["period", "category_id"])
    region = rows[rows["kommun_code"] == "region"].set_index(["period", "category_id"])
    for column in [*MEASURES, "police_reported_per_1000", "change_vs_last_year_pct", "change_p_value"]:
        pd.testing.assert_series_equal(mine[column], region[column], check_names=False)


def test_counts_are_the_lagesbild_totals(one, sample_run):
    """The municipality's count per category is the one its lägesbild prints (summed in Python
    over the area × category grid there, in SQL over areas here)."""
    rows = comparison(one)
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        printed = con.execute(
            "select period, row_key as category_id, column_key, value from marts.fct_published_figures "
            "where table_name = 'kallor' and column_key in ('reported', 'partner', 'respondents')").df()
    wide = printed.pivot_table(index=["period", "category_id"], columns="column_key", values="value",
                               aggfunc="first", dropna=False)
    mine = rows[rows["kommun_code"] == FIRST].set_index(["period", "category_id"])
    joined = wide.join(mine, how="inner")
    assert len(joined) == len(wide) > 50
    for printed_col, column in (("reported", "police_reported_count"), ("partner", "partner_report_count"),
                                ("respondents", "survey_respondents")):
        a = joined[printed_col].astype("Float64")
        b = joined[column].astype("Float64")
        same = (a == b).fillna(False) | (a.isna() & b.isna())
        assert same.all(), joined.loc[~same, [printed_col, column]]
    # unknown at source somewhere makes the municipality's total unknown, never a partial sum
    assert mine["police_reported_count"].isna().any() and mine["police_reported_count"].notna().any()


def test_change_and_significance_follow_the_exact_test(one):
    rows = comparison(one)
    tested = rows[(rows["kommun_code"] == FIRST) & rows["change_p_value"].notna()
                  & (rows["police_reported_same_period_last_year"] + rows["police_reported_compared_count"] > 0)]
    assert len(tested) > 20
    for r in tested.head(30).itertuples():
        k, last = int(r.police_reported_compared_count), int(r.police_reported_same_period_last_year)
        with duckdb.connect(str(one), read_only=True) as con:
            year = int(r.period[:4])
            pops = dict(con.execute(
                "select year, sum(population) from intermediate.int_area_population_by_year "
                "where kommun_code = ? and year in (?, ?) group by year", [FIRST, year, year - 1]).fetchall())
        now_pop, last_pop = pops.get(year), pops.get(year - 1)
        p = now_pop / (now_pop + last_pop) if now_pop and last_pop else 0.5
        assert r.change_p_value == pytest.approx(binomtest(k, k + last, p).pvalue, rel=1e-8, abs=1e-12)
        assert r.change_vs_last_year_pct == pytest.approx((k - last) * 100 / last) if last else True
        assert r.change_p_adjusted >= r.change_p_value - 1e-12
        assert r.change_is_significant == (r.change_p_adjusted < 0.05)


def test_a_municipality_is_the_same_alone_and_in_the_region(one, two):
    alone, region = comparison(one), comparison(two)
    a = alone[alone["kommun_code"] == FIRST].reset_index(drop=True)
    b = region[region["kommun_code"] == FIRST].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    # the second municipality: the same counts, twice the population
    second = region[region["kommun_code"] == SECOND].reset_index(drop=True)
    pd.testing.assert_series_equal(second["police_reported_count"], a["police_reported_count"])
    assert (second["population"] == a["population"] * 2).all()
    assert set(second["kommun_name"]) == {SECOND_NAME}


def test_the_region_sums_its_municipalities_and_rates_over_the_summed_population(two):
    rows = comparison(two)
    region = rows[rows["kommun_code"] == "region"].set_index(["period", "category_id"])
    mine = rows[rows["kommun_code"] == FIRST].set_index(["period", "category_id"])
    for column in ("police_reported_count", "partner_report_count", "police_reported_compared_count",
                   "survey_respondents"):
        expected = (mine[column] * 2).astype("Int64")
        pd.testing.assert_series_equal(region[column].astype("Int64"), expected, check_names=False)
    assert (region["population"] == mine["population"] * 3).all()
    known = region["police_reported_count"].notna()
    ratio = region.loc[known, "police_reported_count"] * 1000 / region.loc[known, "population"]
    assert (abs(region.loc[known, "police_reported_per_1000"] - ratio) < 1e-9).all()
    # a doubled count against a doubled count tests with more power: not the same p-value
    both = region["change_p_value"].notna() & mine["change_p_value"].notna() & (mine["change_p_value"] < 1)
    assert (region.loc[both, "change_p_value"] != mine.loc[both, "change_p_value"]).any()


# --------------------------------------------------------------------------- the published figures


def leaks(frame: pd.DataFrame, threshold: int) -> pd.DataFrame:
    counts = frame[(frame["kind"] == "count") & ~frame["is_public"]]
    return counts[(counts["value"] > 0) & (counts["value"] < threshold)
                  & ~counts["shown"].isin([f"<{threshold}", "dolt"])]


def test_region_figures_of_a_region_of_one(one):
    frame, region = publish_region(one)
    assert list(region.columns) == figures.COLUMNS
    assert set(region["kommun_code"]) == {"region"}  # no comparison without another municipality
    assert region["table_name"].str.startswith("region_").all()
    assert {"region_meta", "region_totalt", "region_karta", "region_kategori:alla"} <= set(region["table_name"])
    with duckdb.connect(str(one), read_only=True) as con:
        threshold = con.execute("select max(suppression_threshold) from marts.dim_municipality").fetchall()[0][0]
    assert leaks(region, threshold).empty
    # a count the lägesbild prints is printed alike in the overview, hidden where it is hidden
    kallor = frame[(frame["table_name"] == "kallor") & frame["column_key"].isin(["reported", "partner"])]
    side = region[region["table_name"].str.startswith("region_kategori:") & (region["row_key"] == FIRST)]
    side = side.assign(category=side["table_name"].str.split(":").str[1])
    joined = kallor.merge(side, left_on=["period", "row_key", "column_key"],
                          right_on=["period", "category", "column_key"], suffixes=("_l", "_r"))
    assert len(joined) > 100
    assert (joined["shown_l"] == joined["shown_r"]).all()
    assert joined["shown_l"].isin(["dolt"]).any() and joined["shown_l"].str.startswith("<").any()


def test_overview_files_of_a_region_of_one(one, tmp_path, monkeypatch):
    publish_region(one)
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "output"))
    with duckdb.connect(str(one), read_only=True) as con:
        result = overview.build(con, "2024-T2")
    assert result.html_path == tmp_path / "output" / "region" / "2024-T2" / "oversikt.html"
    html = result.html_path.read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "<caption>" in html and '<th scope="col">' in html
    assert maps.CREDIT in html and "<svg" in html and "Östhammar 20,8" in html
    assert not re.search(r"<(script|link|img)\b[^>]*(src|href)=\"https?:", html)  # self-contained
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(str(result.pdf_path))]
    assert len(pages) >= 2 and "Sida 1 av" in pages[0] and "Valmyndigheten" in pages[0]
    tagged = assert_pdf_ua(result.pdf_path, "Regional översikt – 2024-T2", ["Karta", "Hela regionen"])
    assert tagged["tags"]["/Figure"] == 1 and "Östhammar 20,8" in tagged["figure_alts"][0]  # the map
    book = openpyxl.load_workbook(result.xlsx_path)
    assert {"Hela regionen", "Karta", "Alla problemkategorier"} <= set(book.sheetnames)
    assert book["Karta"]["B4"].value == pytest.approx(20.8, abs=0.05)


def test_two_municipalities_side_by_side_and_compared(two, tmp_path):
    frame, region = publish_region(two)
    with duckdb.connect(str(two), read_only=True) as con:
        threshold = con.execute("select max(suppression_threshold) from marts.dim_municipality").fetchall()[0][0]
    assert leaks(region, threshold).empty
    side = region[(region["table_name"] == "region_kategori:stold") & (region["period"] == "2024-T2")]
    assert list(dict.fromkeys(side.sort_values("row_order")["row_key"])) == [SECOND, FIRST, "region"] \
        or list(dict.fromkeys(side.sort_values("row_order")["row_key"])) == [FIRST, SECOND, "region"]
    shown = side.set_index(["row_key", "column_key"])["shown"]
    assert shown[(FIRST, "per_1000")] == "8,1" and shown[(SECOND, "per_1000")] == "4,1"
    assert shown[("region", "reported")] == "362"
    # each municipality's comparison: itself, the other, the region; keyed by its own code
    for code, other in ((FIRST, SECOND), (SECOND, FIRST)):
        t = region[(region["kommun_code"] == code) & (region["table_name"] == region_figures.COMPARISON)
                   & (region["period"] == "2024-T2")]
        columns = list(dict.fromkeys(t.sort_values("column_order")["column_key"]))
        assert columns == [code, other, "region"]
        assert set(t["row_key"]) >= {"stold", "alla"}
    # the map: both municipalities coloured, with their figures as printed
    with duckdb.connect(str(two), read_only=True) as con:
        values = overview.map_values(published.Figures(con, "2024-T2", "region"))
    assert {(v.kommun_code, v.shown) for v in values} == {(FIRST, "20,8"), (SECOND, "10,4")}
    svg = maps.choropleth(values, "Karta", "Per 1 000 invånare")
    coloured = set(re.findall(r'<path transform="[^"]*" d="[^"]*" fill="(rgb\([^)]*\))"', svg))
    assert len(coloured) == 2  # two municipalities, two different shades
    with duckdb.connect(str(two), read_only=True) as con:
        result = overview.build(con, "2024-T2", tmp_path / "region", pdf=False)
    html = result.html_path.read_text(encoding="utf-8")
    assert SECOND_NAME in html and "Hela regionen" in html


def test_a_municipality_without_a_figure_is_drawn_grey_without_a_number():
    values = [maps.MapValue(FIRST, "Östhammar", 12.5, "12,5"), maps.MapValue(SECOND, SECOND_NAME, None, "dolt")]
    svg = maps.choropleth(values, "Karta", "Per 1 000 invånare")
    assert maps.NO_FIGURE in svg and "Tierp: dolt" in svg and "Östhammar: 12,5" in svg
    assert maps.text_alternative(values, "Per 1 000") == "Per 1 000: Östhammar 12,5; Tierp dolt."


def test_a_region_of_several_counties_compares_within_the_county(two, tmp_path):
    warehouse = copy_warehouse(two, tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.dim_municipality set county = 'Gävleborgs län' where kommun_code = ?", [SECOND])
        region = region_figures.build(con)
    assert region_figures.COMPARISON not in set(region["table_name"])  # no neighbour in the same county
    assert {FIRST, SECOND} <= set(region.loc[region["table_name"] == "region_karta", "row_key"])


def test_the_overview_fingerprint_follows_the_figures_not_the_clock(one, tmp_path):
    with duckdb.connect(str(copy_warehouse(one, tmp_path))) as con:
        frame = figures.build(con)
        first = region_figures.build(con, frame)
        published.write(con, pd.concat([frame, first], ignore_index=True))
        before = overview.fingerprint(con, "2024-T2")
        later = region_figures.build(con, frame, generated_at=pd.Timestamp("2030-01-01", tz="UTC").to_pydatetime())
        published.write(con, pd.concat([frame, later], ignore_index=True))
        assert overview.fingerprint(con, "2024-T2") == before
        con.execute("update marts.fct_published_figures set shown = 'x' where kommun_code = 'region' "
                    "and period = '2024-T2' and table_name = 'region_karta'")
        assert overview.fingerprint(con, "2024-T2") != before


def test_the_asset_writes_the_figures_as_it_builds_them_the_same_rows_as_one_frame(two, tmp_path):
    """The asset writes each municipality's figures as they come and keeps only the rows the
    overview repeats: the table must be the one a single frame of every row gives."""
    from pipelines.picture.assets import _figure_frames

    when = pd.Timestamp("2026-11-30 12:00", tz="Europe/Stockholm").to_pydatetime()
    order = "order by kommun_code, period, table_name, row_key, column_key"
    with duckdb.connect(str(copy_warehouse(two, tmp_path))) as con:
        frame = figures.build(con, generated_at=when)
        frame = pd.concat([frame, region_figures.build(con, frame, generated_at=when)], ignore_index=True)
        assert published.write(con, frame) == len(frame)
        whole = con.execute(f"select * from {published.TABLE} {order}").df()
        assert published.write_frames(con, _figure_frames(con, True, when)) == len(frame)
        streamed = con.execute(f"select * from {published.TABLE} {order}").df()
        summary = published.summary(con)
    assert {SECOND, FIRST, published.REGION} <= set(whole["kommun_code"])
    assert whole["table_name"].eq(region_figures.COMPARISON).any()
    pd.testing.assert_frame_equal(streamed, whole)
    assert summary["by_municipality"] == frame.groupby("kommun_code").size().to_dict()
    assert summary["hidden"] == int(frame["shown"].str.startswith("<").sum() + (frame["shown"] == "dolt").sum())
