"""A new file for one municipality of a region (the inbox sensor's run, update_lagesbild over
that municipality × every tertial): only what the file changes is rebuilt and re-rendered,
and the published figures equal a build of them all from scratch on the same marts."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipelines.picture.figures import STOCKHOLM
from tests.integration.test_sample_region import CODES, NEWEST, region_run  # noqa: F401

CODE = "0382"
# Rows printed with the time the figures were built: kept rows keep theirs.
BUILD_TIME = "not (table_name in ('meta', 'region_meta') and row_key = 'framtagen')"
CORRECTION = [
    "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning",
    "2026-03-02;Coop Östhammar;Snatteri;Östhammar;Entrén;2;Rättelse",
    "2026-03-04;Coop Östhammar;Skadegörelse;Gimo;Parkeringen;;Rättelse",
    "2026-06-10;Coop Östhammar;Snatteri;Gimo;Entrén;1;Rättelse",
]


def _reports(output_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output_dir)): p.read_bytes() for p in sorted(output_dir.rglob("lagesbild.*"))}


@pytest.fixture(scope="module")
def updated(region_run, tmp_path_factory):  # noqa: F811
    """The region run copied, a partner file for 0382 dropped in, and the sensor's run over 0382."""
    import dagster as dg

    from pipelines.definitions import build_defs
    from pipelines.partitions import range_tags, tertial_partitions

    base = tmp_path_factory.mktemp("rebuild")
    data_dir, warehouse, output_dir = base / "data", base / "warehouse.duckdb", base / "output"
    shutil.copytree(region_run.data_dir, data_dir)
    shutil.copy(region_run.warehouse, warehouse)
    shutil.copytree(region_run.output_dir, output_dir)
    before = _reports(output_dir)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        figures_before = con.execute(f"select * from marts.fct_published_figures where kommun_code <> '{CODE}' "
                                     "and table_name <> 'region_comparison' and kommun_code <> 'region'").df()
    (data_dir / "kommuner" / CODES[CODE] / "partners" / "handel_rattelse_2026.csv").write_text(
        "\n".join(CORRECTION) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAGESBILD_DATA_DIR", str(data_dir))
        mp.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
        mp.setenv("LAGESBILD_OUTPUT_DIR", str(output_dir))
        mp.setenv("LAGESBILD_ANALYTICS_COPY", str(base / "analytics.duckdb"))
        mp.delenv("LAGESBILD_PDF", raising=False)
        keys = tertial_partitions.get_partition_keys()
        result = build_defs().resolve_job_def("update_lagesbild").execute_in_process(
            tags={**range_tags([CODE], keys[0], keys[-1]), "lagesbild/kommuner": CODE},
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success
    return {"base": base, "warehouse": warehouse, "output_dir": output_dir, "result": result,
            "reports_before": before, "figures_before": figures_before}


def _metadata(result, key: str) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_only_the_municipality_whose_inputs_changed_is_rebuilt(updated):
    metadata = _metadata(updated["result"], "marts/fct_published_figures")
    assert metadata["rebuilt_municipalities"] == [CODE]
    with duckdb.connect(str(updated["warehouse"]), read_only=True) as con:
        kept = con.execute(f"select * from marts.fct_published_figures where kommun_code <> '{CODE}' "
                           "and table_name <> 'region_comparison' and kommun_code <> 'region'").df()
    # the other municipalities' own rows as they were, their build time too; but the automatic
    # checks' summary, the same for all and run again by the run
    before = updated["figures_before"]
    con = duckdb.connect()
    checks = "table_name <> 'kvalitet_kontroller'"
    for a, b in (("kept", "before"), ("before", "kept")):
        extra = con.execute(f"select * from {a} where {checks} except all select * from {b} where {checks}").fetchall()
        assert extra == [], f"{len(extra)} rows only {a}: {extra[:3]}"
    assert len(kept) == len(before)


def test_the_overview_is_rebuilt_only_for_the_tertials_the_file_changes(updated):
    """The correction's rows are of 2026-03 and 2026-06: the overview of 2026-T1 and 2026-T2 is
    solved again, the earlier tertials' rows are kept (each tertial's suppression is its own)."""
    periods = _metadata(updated["result"], "marts/fct_published_figures")["rebuilt_overview_tertials"]
    assert {"2026-T1", NEWEST} <= set(periods), periods
    assert not [p for p in periods if p < "2026"], periods


def test_the_selective_update_equals_a_full_build(updated):
    """Every row of fct_published_figures, after the run, as a build of all municipalities makes it."""
    from pipelines.picture import inputs, rebuild

    full = updated["base"] / "full.duckdb"
    shutil.copy(updated["warehouse"], full)
    with duckdb.connect(str(full)) as con:
        inputs.forget(con)  # no record of the inputs: everything from scratch
        written = rebuild.write(con, is_region=True)
    assert written.full and sorted(written.rebuilt) == sorted(CODES)
    con = duckdb.connect()
    con.execute(f"attach '{updated['warehouse']}' as selective (read_only)")
    con.execute(f"attach '{full}' as full_build (read_only)")
    columns = ("kommun_code, period, table_name, row_label, column_label, value, shown, is_public, table_title, "
               "row_key, column_key, row_order, column_order, kind")
    for a, b in (("selective", "full_build"), ("full_build", "selective")):
        extra = con.execute(f"select {columns} from {a}.marts.fct_published_figures where {BUILD_TIME} except all "
                            f"select {columns} from {b}.marts.fct_published_figures where {BUILD_TIME}").fetchall()
        assert extra == [], f"{len(extra)} rows only in {a}: {extra[:5]}"
    assert con.execute("select count(*) from selective.marts.fct_published_figures").fetchone() == \
        con.execute("select count(*) from full_build.marts.fct_published_figures").fetchone()


def test_other_municipalities_reports_stay_byte_identical(updated):
    after = _reports(updated["output_dir"])
    before = updated["reports_before"]
    others = [name for name in before if not name.startswith(CODES[CODE])]
    assert others and all(after[name] == before[name] for name in others)
    # the file's municipality: its newest picture is the new one
    newest = f"{CODES[CODE]}/{NEWEST}/lagesbild.html"
    assert after[newest] != before[newest]


def _equal_tables(a: Path, b: Path) -> None:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    for x, y in (("a", "b"), ("b", "a")):
        extra = con.execute(f"select * exclude (row_order, column_order) from {x}.marts.fct_published_figures "
                            f"where {BUILD_TIME} except all select * exclude (row_order, column_order) "
                            f"from {y}.marts.fct_published_figures where {BUILD_TIME}").fetchall()
        assert extra == [], f"{len(extra)} rows only in {x}: {extra[:5]}"
        extra = con.execute(f"select * from {x}.marts.fct_published_figures where {BUILD_TIME} except all "
                            f"select * from {y}.marts.fct_published_figures where {BUILD_TIME}").fetchall()
        assert extra == [], f"{len(extra)} rows only in {x} (orders): {extra[:5]}"


def test_a_changed_rate_rebuilds_the_comparisons_that_show_it(updated):
    """A neighbour's rate per 1 000 changed in the marts (nothing of 0382's own): the overview and
    every comparison that shows it are rebuilt, and the table equals a full build."""
    from pipelines.picture import inputs, rebuild

    changed, full = updated["base"] / "changed.duckdb", updated["base"] / "changed-full.duckdb"
    shutil.copy(updated["warehouse"], changed)
    with duckdb.connect(str(changed)) as con:
        con.execute("update marts.fct_municipality_comparison set police_reported_per_1000 = "
                    "police_reported_per_1000 * 2 + 1 where kommun_code = '0360' and period = ?", [NEWEST])
        written = rebuild.write(con, is_region=True, generated_at=datetime(2030, 1, 2, 3, 4, tzinfo=STOCKHOLM))
        built_at = dict(con.execute("select period, shown from marts.fct_published_figures where kommun_code = "
                                    "'region' and table_name = 'region_meta' and row_key = 'framtagen'").fetchall())
        compared_at = dict(con.execute(
            "select period, count(distinct kommun_code) from marts.fct_published_figures "
            "where table_name = 'region_comparison' group by 1").fetchall())
    assert not written.full and written.rebuilt == [] and sorted(written.compared) == sorted(CODES)
    # only the changed tertial's overview was solved again; the others' rows were kept as they were
    assert written.periods == [NEWEST]
    assert built_at.pop(NEWEST) == "2030-01-02 03:04"
    assert built_at and "2030-01-02 03:04" not in built_at.values()
    assert set(compared_at.values()) == {len(CODES)}, "every tertial keeps every comparison"
    shutil.copy(changed, full)
    with duckdb.connect(str(full)) as con:
        inputs.forget(con)
        assert rebuild.write(con, is_region=True).full
    _equal_tables(changed, full)
