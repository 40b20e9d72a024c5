"""Data quality through the real pipeline: Great Expectations asset checks in Dagster on
the real DuckDB warehouse, with data broken on purpose.

- the clean sample passes every suite;
- a negative count and an unknown area in fct_problem_indicators fail its check, the
  lägesbild is skipped in the same run and refused for those tertials in a later one,
  the failure is in audit.quality_results and the Swedish report names it;
- a duplicated key in dim_area stops every tertial;
- `make run` on a data dir with an empty source and a future-dated police event exits
  non-zero, says why, publishes the unaffected tertials, and the report names both problems.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from data_quality import gate
from data_quality.tables import MARTS, RAW
from pipelines.settings import read_as_of
from tests.conftest import NO_PDF, SAMPLE, run_pipeline

pytestmark = pytest.mark.slow

MART_CHECKS = [dg.AssetCheckKey(dg.AssetKey(t.key), "gx_suite") for t in MARTS]


def query(warehouse: Path, sql: str, params=None):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def run_checks_and_picture(first_key: str | None, last_key: str | None, *, picture: bool = True):
    """One Dagster run: the mart checks (not dbt: the marts stay as the test left them) and,
    when asked, the lägesbild for a range of tertials."""
    from pipelines.definitions import defs

    selection = dg.AssetSelection.checks(*[k for k in MART_CHECKS if k in defs.resolve_asset_graph().asset_check_keys])
    if picture:
        selection = selection | dg.AssetSelection.assets(["picture", "lagesbild"])
    job = dg.define_asset_job("quality_test", selection=selection)
    test_defs = dg.Definitions(
        assets=defs.assets, asset_checks=defs.asset_checks, jobs=[job], resources=defs.resources,
        executor=dg.in_process_executor,
    )
    tags = _range_tags(defs, first_key, last_key) if picture else {}
    return test_defs.resolve_job_def("quality_test").execute_in_process(
        raise_on_error=False, instance=dg.DagsterInstance.ephemeral(), tags=tags
    )


def _range_tags(defs, first_key: str, last_key: str) -> dict[str, str]:
    """Every municipality of the lägesbild's partitions × the tertials first_key..last_key."""
    from pipelines.partitions import KOMMUN, range_tags

    partitions = defs.resolve_job_def("build_lagesbild").partitions_def
    return range_tags(partitions.get_partitions_def_for_dimension(KOMMUN).get_partition_keys(), first_key, last_key)


def render(first_key: str, last_key: str):
    from pipelines.definitions import defs

    return defs.resolve_job_def("build_lagesbild").execute_in_process(
        raise_on_error=False, instance=dg.DagsterInstance.ephemeral(), tags=_range_tags(defs, first_key, last_key),
    )


def check_evaluations(result) -> dict[str, object]:
    return {
        e.event_specific_data.asset_key.to_user_string(): e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def lagesbild_materialisations(result) -> list[str]:
    return [
        e.event_specific_data.materialization.partition
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
        and e.event_specific_data.materialization.asset_key == dg.AssetKey(["picture", "lagesbild"])
    ]


@dataclass
class Broken:
    warehouse: Path
    output_dir: Path
    result: object


def copy_warehouse(sample_run, base: Path) -> tuple[Path, Path]:
    warehouse, output_dir = base / "w.duckdb", base / "output"
    shutil.copy(sample_run.warehouse, warehouse)
    return warehouse, output_dir


# --------------------------------------------------------------------------- clean sample


def test_clean_sample_passes_every_suite(sample_run):
    latest = query(
        sample_run.warehouse,
        """
        with last_run as (select table_name, arg_max(run_id, checked_at) as run_id
                          from audit.quality_results group by table_name)
        select table_name, count(*), count(*) filter (where not success), min(row_count)
        from audit.quality_results join last_run using (table_name, run_id)
        group by table_name
        """,
    )
    validated = {table: (checks, failed, rows) for table, checks, failed, rows in latest}
    existing = {f"{s}.{t}" for s, t in query(sample_run.warehouse, "select table_schema, table_name from information_schema.tables")}
    expected = {t.name for t in RAW + MARTS if not t.optional or t.name in existing}
    assert set(validated) == expected
    assert {table: failed for table, (_, failed, _) in validated.items() if failed} == {}
    assert all(checks >= 5 and rows > 0 for checks, _, rows in validated.values())

    for layer in ("raw", "marts"):
        assert (sample_run.output_dir / "quality" / layer / "index.html").exists()
    reports = sorted(sample_run.output_dir.glob("*/lagesbild.html"))
    assert reports
    for report in reports:
        html = (report.parent / "datakvalitet.html").read_text(encoding="utf-8")
        assert "Inga fel som stoppar lägesbilden" in html
        assert "Inga avvikelser" in html


# --------------------------------------------------------------------------- broken marts


@pytest.fixture(scope="module")
def broken(sample_run, tmp_path_factory) -> Broken:
    """The sample's marts with a negative count in 2024-T2 and an unknown area in 2025-T1,
    validated and rendered (2024-T1 … 2025-T1) in one Dagster run."""
    warehouse, output_dir = copy_warehouse(sample_run, tmp_path_factory.mktemp("broken_marts"))
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """
            update marts.fct_problem_indicators set police_event_count = -4
            where (period, area_id, category_id) = (
                select (period, area_id, category_id) from marts.fct_problem_indicators
                where period = '2024-T2' order by area_id, category_id limit 1)
            """
        )
        con.execute("update marts.fct_problem_indicators set area_id = 'atlantis' where period = '2025-T1' and area_id = 'gimo'")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
        mp.setenv("LAGESBILD_OUTPUT_DIR", str(output_dir))
        result = run_checks_and_picture("2024-01", "2025-01")
    return Broken(warehouse, output_dir, result)


def test_broken_mart_fails_its_check_as_an_error(broken):
    evaluations = check_evaluations(broken.result)
    fct = evaluations["marts/fct_problem_indicators"]
    assert not fct.passed and fct.severity == dg.AssetCheckSeverity.ERROR
    assert {k for k, e in evaluations.items() if not e.passed} == {"marts/fct_problem_indicators"}
    assert gate.failed_only_on_blocking_checks(broken.result)


def test_blocking_check_skips_the_lagesbild_in_the_same_run(broken):
    assert not broken.result.success
    assert lagesbild_materialisations(broken.result) == []
    assert list(broken.output_dir.glob("*/lagesbild.html")) == []


def test_failures_are_in_audit_quality_results(broken):
    rows = query(
        broken.warehouse,
        "select column_name, severity, blocking, periods, observed_value from audit.quality_results "
        "where table_name = 'marts.fct_problem_indicators' and not success order by column_name",
    )
    assert [(c, s, b, p) for c, s, b, p, _ in rows] == [
        ("area_id", "error", True, ["2025-T1"]),
        ("police_event_count", "error", True, ["2024-T2"]),
    ]
    assert json.loads(rows[0][4])["examples"] == ["atlantis"]
    assert json.loads(rows[1][4])["examples"] == [-4]


def test_swedish_report_names_the_problems(broken):
    negative = (broken.output_dir / "2024-T2" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Lägesbilden för 2024-T2 har inte skrivits" in negative
    assert "Antal händelser från polisen är inte negativt" in negative and "-4" in negative
    unknown = (broken.output_dir / "2025-T1" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Lägesbilden för 2025-T1 har inte skrivits" in unknown
    assert "Området finns i dim_area" in unknown and "atlantis" in unknown
    clean = (broken.output_dir / "2024-T1" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Inga fel som stoppar lägesbilden för 2024-T1" in clean
    assert "Fel (andra tertial)" in clean


def test_a_later_run_publishes_only_the_unaffected_tertials(broken, monkeypatch):
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(broken.warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(broken.output_dir))
    with duckdb.connect(str(broken.warehouse), read_only=True) as con:
        blocked = gate.blocked_periods(con)
    assert set(blocked) == {"2024-T2", "2025-T1"}

    # asked for a blocked tertial, the picture refuses and says why
    refused = render("2024-05", "2024-05")
    assert not refused.success and lagesbild_materialisations(refused) == []
    [failure] = refused.get_step_failure_events()
    assert "Lägesbilden för 2024-T2 skrivs inte" in failure.step_failure_data.error.message

    # what `make run` does: one run per unbroken stretch of publishable tertials
    keys = ["2024-01", "2024-05", "2024-09", "2025-01"]
    ranges = gate.publishable_ranges(keys, {"2024-05", "2025-01"})
    assert ranges == [("2024-01", "2024-01"), ("2024-09", "2024-09")]
    for first, last in ranges:
        assert render(first, last).success
    written = sorted(p.parent.name for p in broken.output_dir.glob("*/lagesbild.html"))
    assert written == ["2024-T1", "2024-T3"]


def test_duplicated_key_in_a_dimension_stops_every_tertial(sample_run, tmp_path, monkeypatch):
    warehouse, output_dir = copy_warehouse(sample_run, tmp_path)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_area select * from marts.dim_area where area_id = 'gimo'")
        periods = [r[0] for r in con.execute("select period from marts.dim_period").fetchall()]
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(output_dir))
    result = run_checks_and_picture(None, None, picture=False)
    assert not check_evaluations(result)["marts/dim_area"].passed
    with duckdb.connect(str(warehouse), read_only=True) as con:
        blocked = gate.blocked_periods(con)
    assert sorted(blocked) == sorted(periods)
    assert any("Kombinationen (kommun_code, area_id) förekommer bara en gång" in b.message for b in blocked[periods[0]])
    html = (output_dir / periods[-1] / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Kombinationen (kommun_code, area_id) förekommer bara en gång" in html and "gimo" in html


# --------------------------------------------------------------------------- make run


def future_event(year: int) -> dict:
    return {
        "id": 990001, "datetime": f"{year}-02-10 12:00:00 +01:00", "name": "10 februari 11.00, Stöld, Östhammar",
        "summary": "Stöld ur bil i Gimo.", "url": "/aktuellt/handelser/x", "type": "Stöld",
        "location": {"name": "Östhammar", "gps": "60.25,18.36"},
    }


def test_make_run_with_an_empty_source_and_a_future_date(tmp_path, monkeypatch, capsys):
    data_dir = tmp_path / "data"
    shutil.copytree(SAMPLE, data_dir, ignore=shutil.ignore_patterns("partners"))
    (data_dir / "partners").mkdir()  # an empty source
    year = read_as_of().year + 1  # the year after the as-of date (pinned in tests/conftest.py)
    (data_dir / "police" / "events" / "future.json").write_text(json.dumps([future_event(year)]), encoding="utf-8")

    run = run_pipeline(data_dir, tmp_path, monkeypatch, pdf=NO_PDF)
    out, err = capsys.readouterr()

    assert run.exit_code == 1
    assert f"Lägesbilden för {year}-T1 skrivs inte" in err
    assert "Tertialens början ligger mellan år 2000 och i dag, inte i framtiden" in err
    assert "datakvalitet.html" in err
    # the tertials the failure does not concern are published
    assert (run.output_dir / "2026-T1" / "lagesbild.html").exists()
    assert not (run.output_dir / f"{year}-T1" / "lagesbild.html").exists()

    failed = dict(query(
        run.warehouse,
        "select table_name || ' ' || expectation || ' ' || coalesce(column_name, ''), severity "
        "from audit.quality_results where not success",
    ))
    assert failed["raw.partner_reports expect_table_row_count_to_be_between "] == "warn"
    assert failed["raw.police_events expect_column_values_to_be_between published_day"] == "warn"
    assert failed["marts.dim_period expect_column_values_to_be_between period_start"] == "error"

    html = (run.output_dir / "2026-T1" / "datakvalitet.html").read_text(encoding="utf-8")
    assert "Partnerrapporter" in html and "Källan är inte tom – uppmätt: 0 rader" in html
    assert "Publiceringsdatum ligger mellan år 2000 och i dag, inte i framtiden" in html
    assert f"gäller {year}-T1" in html
