"""marts.fct_published_figures is the picture as data: every figure the HTML, the workbook
and the briefs print is a row of it, with the same text; and on the hard cases (an
extract that ends mid-tertial, a `..` month, an area with three respondents, an event
whose newer version is loaded first) every output tells the truth in the same words."""

from __future__ import annotations

import filecmp
import html as htmllib
import re
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd


from tests.edge_cases import PERIOD

NUMBER = re.compile(r"\d+(?:[,.]\d+)?")
# Numbers in the template's own prose, not figures: the law, clock hours, the confidence
# level, the false discovery rate, "per 1 000 invånare".
STATIC = [r"2023:196", r"\b\d\d–\d\d\b", r"95 %", r"5 % falska", r"1\u00a0?000 inv", r"1 000 inv", r"2023:196"]


def figures_of(warehouse: Path, period: str | None):
    """The published figures of a tertial (None: of every tertial)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select * from marts.fct_published_figures where coalesce(period = ?, true)",
                           [period]).df()


def visible_html(path: Path) -> tuple[list[str], str]:
    """(the text of every table cell, all visible text outside the charts)."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<svg.*?</svg>|<style.*?</style>|<title>.*?</title>", " ", page, flags=re.S)
    cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    return cells, text


def allowed_numbers(figures) -> set[str]:
    texts = [*figures["shown"], *figures["row_label"], *figures["column_label"], *figures["table_title"]]
    return {n for t in texts for n in NUMBER.findall(str(t))}


def stray_numbers(text: str, allowed: set[str]) -> list[str]:
    for pattern in STATIC:
        text = re.sub(pattern, " ", text)
    return sorted({n for n in NUMBER.findall(text) if n not in allowed})


def assert_outputs_print_only_figures(output_dir: Path, warehouse: Path, period: str) -> None:
    figures = figures_of(warehouse, period)
    shown = set(figures["shown"])
    allowed = allowed_numbers(figures)
    folder = output_dir / period
    cells, text = visible_html(folder / "lagesbild.html")
    assert cells, period
    assert [c for c in cells if c and c not in shown] == [], f"{period}: table cells not in fct_published_figures"
    assert stray_numbers(text, allowed) == [], f"{period}: numbers in the HTML that are no published figure"
    book = openpyxl.load_workbook(folder / "lagesbild.xlsx")
    values = {v for v in figures["value"].dropna()} | {v / 100 for v in figures.loc[figures["kind"] == "pct", "value"].dropna()}
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=4, min_col=2, values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert v in shown, (period, ws.title, v)
                elif v is not None:
                    assert any(abs(v - x) < 1e-9 for x in values), (period, ws.title, v)
    for brief in (folder / "pledges").glob("*.md"):
        md = brief.read_text(encoding="utf-8")
        for line in md.splitlines():
            if line.startswith("|") and not line.startswith("|---"):
                for cell in [c.strip() for c in line.strip("|").split(" | ")][1:]:
                    assert cell in shown or cell in set(figures["column_label"]) or cell == "", (brief.name, cell)
        assert stray_numbers(re.sub(r"[\w-]+\.md|\d{4}-t\d-[\w-]+", " ", md), allowed) == [], brief.name


# --------------------------------------------------------------------------- the sample


def test_every_number_the_sample_prints_is_a_published_figure(sample_run):
    periods = sorted(p.name for p in sample_run.output_dir.iterdir() if re.fullmatch(r"\d{4}-T\d", p.name))
    assert len(periods) >= 10
    for period in periods:
        assert_outputs_print_only_figures(sample_run.output_dir, sample_run.warehouse, period)


def test_one_query_answers_where_a_number_comes_from(sample_run):
    """The analyst copy holds the table; a cell hidden in one table is hidden wherever it is printed."""
    with duckdb.connect(str(sample_run.warehouse.parent / "analytics.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select count(*), count(distinct period), count(*) filter (where shown like '<%' or shown = 'dolt') "
            "from marts.fct_published_figures").fetchall()[0]
        assert rows[0] > 1000 and rows[1] >= 10 and rows[2] > 0
        # The same quantity (period, area, category of the police count) printed in several tables.
        clash = con.execute(
            """
            select period, row_key, count(distinct shown)
            from marts.fct_published_figures
            where table_name in ('prioriteringar', 'indikatorer') and column_key = 'reported'
            group by all having count(distinct shown) > 1
            """).fetchall()
        assert clash == []


def test_rerendering_an_unchanged_warehouse_gives_identical_html_and_workbook(sample_run, tmp_path):
    from pipelines.picture import lagesbild

    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        report = lagesbild.build(con, PERIOD, tmp_path)
    for name in ("lagesbild.html", "lagesbild.xlsx"):
        assert filecmp.cmp(report.html_path.parent / name, sample_run.output_dir / PERIOD / name, shallow=False), name


def test_figures_loaded_without_pandas_are_the_same_grids(sample_run):
    from pipelines.picture import published

    def reference(con, period):
        """The grids as pandas groups the table's rows (how Figures read them before)."""
        code = published.only_municipality(con)
        frame = con.execute(f"select * from ({published.rows_sql()}) order by table_name, row_order, column_order",
                            [period, code, period, code]).df()
        grids = {}
        for name, rows in frame.groupby("table_name", sort=False):
            rows_ = rows.drop_duplicates("row_key").sort_values("row_order")
            cols_ = rows.drop_duplicates("column_key").sort_values("column_order")
            grids[name] = published.Grid(
                name, rows["table_title"].iloc[0],
                list(zip(rows_["row_key"], rows_["row_label"])), list(zip(cols_["column_key"], cols_["column_label"])),
                {(r.row_key, r.column_key): published.Cell(None if pd.isna(r.value) else float(r.value), r.shown,
                                                           r.kind, r.row_label, r.column_label)
                 for r in rows.itertuples()})
        return grids

    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        for period in published.periods(con):
            slow, fast = reference(con, period), published.Figures(con, period)
            assert fast.period == period
            assert fast._grids == slow, period
            assert [g.rows for g in fast._grids.values()] == [g.rows for g in slow.values()]


# --------------------------------------------------------------------------- the hard cases


def test_edge_outputs_print_only_published_figures(edge_run):
    assert_outputs_print_only_figures(edge_run.output_dir, edge_run.warehouse, PERIOD)


def test_a_partial_tertial_is_marked_preliminary_and_compared_over_common_months(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    row = ("indikatorer", "osthammar:stold")
    assert f.loc[(*row, "reported"), "shown"] == "24"          # May + June 2025
    assert f.loc[(*row, "last_year"), "shown"] == "22"         # May + June 2024, not all four months
    assert f.loc[(*row, "compared_months"), "shown"] == "2"
    assert f.loc[(*row, "change"), "shown"] == "+9 %"
    assert f.loc[(*row, "note"), "shown"] == "preliminär"
    html = (edge_run.output_dir / PERIOD / "lagesbild.html").read_text(encoding="utf-8")
    assert "Preliminär lägesbild" in html and "2 av 4 månader" in html
    brief = (edge_run.output_dir / PERIOD / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "preliminär" in brief.lower()


def test_unknown_is_printed_okant_in_every_output_never_as_a_partial_sum(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("indikatorer", "oregrund:skadegorelse", "reported"), "shown"] == "okänt"
    assert f.loc[("omrade_kategori", "*", "skadegorelse"), "shown"] == "okänt"   # the total too
    assert f.loc[("omrade_kategori", "*", "*"), "shown"] == "okänt"
    folder = edge_run.output_dir / PERIOD
    cells, _ = visible_html(folder / "lagesbild.html")
    assert "okänt" in cells
    sheet = openpyxl.load_workbook(folder / "lagesbild.xlsx")["Problemområden"]
    oregrund = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "Öregrund, Skadegörelse och klotter")
    assert "okänt" in oregrund
    brief = (folder / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "| Öregrund | okänt |" in brief and "Underlag saknas" in brief


def test_few_respondents_say_nothing_in_every_output(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("indikatorer", "oregrund:skadegorelse", "share"), "shown"] == "för få svar"
    assert f.loc[("indikatorer", "osthammar:skadegorelse", "share"), "shown"] == "36 %"   # 5 of 14
    folder = edge_run.output_dir / PERIOD
    assert "för få svar" in (folder / "lagesbild.xlsx").read_bytes().decode("latin-1", "ignore") or any(
        "för få svar" in (c or "") for ws in openpyxl.load_workbook(folder / "lagesbild.xlsx").worksheets
        for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str))
    brief = (folder / "pledges" / "2025-t2-klotter.md").read_text(encoding="utf-8")
    assert "| Öregrund | 3 | för få svar |" in brief or "| Öregrund | <3 | för få svar |" in brief


def test_the_newest_version_of_an_event_wins_whatever_the_load_order(edge_run):
    f = figures_of(edge_run.warehouse, PERIOD).set_index(["table_name", "row_key", "column_key"])
    assert f.loc[("omrade_kategori_handelser", "gimo", "inbrott"), "shown"] == "1"
    assert f.loc[("omrade_kategori_handelser", "gimo", "stold"), "shown"] == "0"
    assert f.loc[("omrade_kategori_handelser", "gimo", "inbrott"), "is_public"]   # public: never hidden


# --------------------------------------------------------------------------- several municipalities

NEIGHBOUR, NEIGHBOUR_NAME = "0360", "Tierp"


def add_neighbour(warehouse: Path) -> None:
    """Give the warehouse a second municipality: a copy of every marts and intermediate row
    of 0382 under 0360 (as the marts of several municipalities key every row; BRÅ's rows of
    0360 are there already), with one
    police count of 0360 larger by 100 so that the two cannot be told apart by chance."""
    with duckdb.connect(str(warehouse)) as con:
        # A mart without kommun_code yet (the dbt side of issue 12 adds it): keyed as the contract says.
        for (table,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' and table_name not in "
                "(select table_name from information_schema.columns where table_schema = 'marts' "
                "and column_name = 'kommun_code')").fetchall():
            con.execute(f"alter table marts.{table} add column kommun_code varchar default '0382'")
        tables = con.execute(
            "select table_schema, table_name from information_schema.columns where column_name = 'kommun_code' "
            "and table_schema in ('marts', 'intermediate') and table_name not in "
            "('fct_published_figures', 'dim_period', 'dim_month', 'dim_problem_category') "
            "and table_name in (select table_name from information_schema.tables where table_type = 'BASE TABLE')"
        ).fetchall()
        for schema, table in tables:
            # BRÅ's rows are keyed by their own content and hold every municipality already
            if con.execute(f"select count(*) from {schema}.{table} where kommun_code = ?", [NEIGHBOUR]).fetchall()[0][0]:
                continue
            replace = "'0360' as kommun_code" + (", 'Tierp' as kommun_name" if table == "dim_municipality" else "")
            con.execute(f"insert into {schema}.{table} select * replace ({replace}) "
                        f"from {schema}.{table} where kommun_code = '0382'")
        con.execute(
            "update marts.fct_problem_indicators set police_reported_count = police_reported_count + 100 "
            "where kommun_code = ? and period = ? and area_id = 'osthammar' and category_id = 'stold'",
            [NEIGHBOUR, PERIOD])


def test_every_municipality_gets_its_own_figures(sample_run, tmp_path):
    from pipelines.picture import figures, published

    warehouse = tmp_path / "w.duckdb"
    shutil.copy(sample_run.warehouse, warehouse)
    add_neighbour(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        frame = figures.build(con)
        published.write(con, frame)
        assert published.municipalities(con) == [NEIGHBOUR, "0382"]
        kommun = {code: published.Figures(con, PERIOD, code).meta("kommun") for code in (NEIGHBOUR, "0382")}
    assert kommun == {NEIGHBOUR: NEIGHBOUR_NAME, "0382": "Östhammar"}
    cell = frame.set_index(["kommun_code", "period", "table_name", "row_key", "column_key"])["value"]
    reported = ("indikatorer", "osthammar:stold", "reported")
    assert cell[(NEIGHBOUR, PERIOD, *reported)] == cell[("0382", PERIOD, *reported)] + 100
    bra = ("bra", "2024", "reported")  # each its own municipality's row of BRÅ's statistics
    assert cell[(NEIGHBOUR, PERIOD, *bra)] != cell[("0382", PERIOD, *bra)]
    # Östhammar's figures are the same as when it was alone in the warehouse.
    alone = figures_of(sample_run.warehouse, None)
    ours = frame[frame["kommun_code"] == "0382"]
    key = ["period", "table_name", "row_key", "column_key"]
    printed = lambda f: f[~((f["table_name"] == "meta") & (f["row_key"] == "framtagen"))].set_index(key)["shown"]
    assert printed(ours).sort_index().equals(printed(alone).sort_index())


def test_one_run_renders_every_municipality_into_its_own_folder(sample_run, tmp_path, monkeypatch):
    """A real materialisation of the lägesbild over a range of municipality × tertial: one run,
    each municipality's files under output/<code>-<name>/<period>/, its own name and numbers."""
    import dagster as dg

    from pipelines.partitions import lagesbild_partitions_def, municipality_codes, range_tags
    from pipelines.picture import figures, published
    from pipelines.picture.assets import build_lagesbild_asset
    from pipelines.resources import Warehouse
    from tests.region_dirs import make_region_dir

    warehouse = tmp_path / "w.duckdb"
    shutil.copy(sample_run.warehouse, warehouse)
    add_neighbour(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        frame = figures.build(con)
        # Tierp's comparison with the region's other municipalities (the overview's figures, issue 12)
        comparison = [(NEIGHBOUR, period, "region_comparison", "Stöld", label, value, shown, True,
                       "Jämförelse med regionens andra kommuner", "stold", column, 0, order, "decimal1")
                      for period in ("2025-T1", PERIOD)
                      for order, (column, label, value, shown) in enumerate(
                          [(NEIGHBOUR, "Tierp", 41.5, "41,5"), ("0382", "Östhammar", 17.25, "17,3")])]
        published.write(con, pd.concat([frame, pd.DataFrame(comparison, columns=frame.columns)]))
    data_dir = make_region_dir(tmp_path, {NEIGHBOUR: NEIGHBOUR_NAME})
    out = tmp_path / "out"
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(out))
    codes = municipality_codes()
    assert codes == [NEIGHBOUR, "0382"]
    asset = build_lagesbild_asset(lagesbild_partitions_def(codes))
    job = dg.Definitions(assets=[asset], resources={"warehouse": Warehouse()}).resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(tags=range_tags(codes, "2025-01", "2025-05"),
                                    instance=dg.DagsterInstance.ephemeral())
    assert result.success
    materialised = {e.event_specific_data.materialization.partition for e in result.all_events
                    if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert materialised == {f"{c}|{t}" for c in codes for t in ("2025-01", "2025-05")}
    for folder, name in (("0360-tierp", "Tierp"), ("0382-osthammar", "Östhammar")):
        for period in ("2025-T1", PERIOD):
            html = (out / folder / period / "lagesbild.html").read_text(encoding="utf-8")
            assert f"<h1>Lägesbild {name}s kommun</h1>" in html, (folder, period)
            assert (out / folder / period / "lagesbild.xlsx").is_file()
    assert not (out / PERIOD).exists()
    tierp, osthammar = (visible_html(out / f / PERIOD / "lagesbild.html") for f in ("0360-tierp", "0382-osthammar"))
    assert "Jämförelse med regionens övriga kommuner" in tierp[1] and {"41,5", "17,3"} <= set(tierp[0])
    assert "Jämförelse med regionens övriga kommuner" not in osthammar[1]
    assert "Regionens kommuner" in openpyxl.load_workbook(out / "0360-tierp" / PERIOD / "lagesbild.xlsx").sheetnames
    # Östhammar's report in the region is the same as when it was alone (the figures' time aside).
    alone, region = sample_run.output_dir / PERIOD / "lagesbild.html", out / "0382-osthammar" / PERIOD / "lagesbild.html"
    framtagen = re.compile(r"framtagen \d{4}-\d\d-\d\d \d\d:\d\d")
    assert framtagen.sub("", region.read_text(encoding="utf-8")) == framtagen.sub("", alone.read_text(encoding="utf-8"))
    meta = [e.event_specific_data.materialization.metadata for e in result.all_events
            if e.event_type_value == "ASSET_MATERIALIZATION"][0]
    by_code = meta["reports_by_municipality"].value
    assert by_code[NEIGHBOUR]["written"] == ["2025-T1", PERIOD]
    assert by_code[NEIGHBOUR]["folder"] == str(out / "0360-tierp" / "<tertial>")
    assert "| Tierp (0360) | 2 | 0 | 2025-T2 |" in meta["municipalities"].value
