"""Cost follows change (issue 15, pipelines/changes.py) on a copy of the sample run, in order:
nothing new does nothing; a changed configuration makes the models downstream of it stale; a
changed questions.yaml re-reads the survey exports already loaded; a new partner file (`make
run`, then the inbox sensor) loads it and rebuilds only what lies downstream of it. On another
copy: a new day that crosses no date of the data leaves everything current, one that crosses a
future-dated row's day or a tertial's end makes what it changes stale, and the run that follows
builds the warehouse a fresh build on that day builds (pipelines/as_of_effect.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import NO_PDF

NEW_PARTNER_ROWS = [
    "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning",
    "2026-03-02;ICA Gimo;Snatteri;Gimo;Butiken;4;Tog varor",
    "2026-03-09;ICA Gimo;Skadegörelse;Gimo;Parkeringen;2;Klotter",
    "2026-03-20;ICA Gimo;Snatteri;Östhammar;Butiken;3;Tog varor",
]


class Copy:
    def __init__(self, base: Path):
        self.base = base
        self.data_dir, self.output_dir = base / "data", base / "output"
        self.warehouse = base / "warehouse" / "lagesbild.duckdb"
        self.home = base / "dagster_home"

    def env(self, mp: pytest.MonkeyPatch, as_of: str | None = None) -> None:
        if as_of:
            mp.setenv("LAGESBILD_AS_OF", as_of)
        mp.setenv("LAGESBILD_DATA_DIR", str(self.data_dir))
        mp.setenv("LAGESBILD_WAREHOUSE", str(self.warehouse))
        mp.setenv("LAGESBILD_OUTPUT_DIR", str(self.output_dir))
        mp.setenv("DAGSTER_HOME", str(self.home))  # runs recorded, so the test can read their events
        mp.delenv("LAGESBILD_ANALYTICS_COPY", raising=False)
        # What is rebuilt and re-rendered, not the PDFs (tests/conftest.py): a report without its
        # PDF wanted is current with the other files (picture/assets.py, report_files).
        mp.setenv("LAGESBILD_PDF", NO_PDF)

    def settings(self, as_of: str | None = None):
        from pipelines.settings import Settings

        with pytest.MonkeyPatch.context() as mp:
            self.env(mp, as_of)
            return Settings.from_env()

    def make_run(self, capsys, as_of: str | None = None) -> tuple[int, str]:
        from pipelines import run

        capsys.readouterr()
        with pytest.MonkeyPatch.context() as mp:
            self.env(mp, as_of)
            code = run.main([])
        return code, capsys.readouterr().out

    def instance(self) -> dg.DagsterInstance:
        from dagster._core.instance.ref import InstanceRef

        return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(self.home)))

    def outputs(self) -> dict[str, str]:
        """sha256 of every file of the outputs, the warehouse and the analyst copy (not the run's
        log, output/logs/: each run starts its own)."""
        return {str(p.relative_to(self.base)): hashlib.sha256(p.read_bytes()).hexdigest()
                for folder in (self.output_dir, self.warehouse.parent) for p in sorted(folder.rglob("*"))
                if p.is_file() and "logs" not in p.relative_to(folder).parts}


def _materialized(instance: dg.DagsterInstance, run_id: str) -> dict[str, list]:
    """asset key ('raw/partner_reports') -> partitions materialised in the run."""
    out: dict[str, list] = {}
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        event = record.dagster_event
        out.setdefault("/".join(event.asset_key.path), []).append(event.partition)
    return out


def _checked(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    return {"/".join(r.dagster_event.event_specific_data.asset_key.path)
            for r in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)}


def _downstream(key: str) -> set[str]:
    from pipelines.changes import graph

    g, found = graph(), {key}
    for node in g.order:
        if set(g.parents[node]) & found:
            found.add(node)
    return found


def _figures(con, period: str) -> list[tuple]:
    """A tertial's printed figures, but for the build time."""
    return con.execute(
        "select table_name, row_key, column_key, shown from marts.fct_published_figures where period = ? "
        "and not (table_name = 'meta' and row_key = 'framtagen') order by all", [period]).fetchall()


def _report_files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime_ns of a tertial's report files. Not datakvalitet.html: the checks write that
    page of every tertial on each validation (the warehouse-wide report of all checks and files)."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "datakvalitet.html"}


@pytest.fixture(scope="module")
def copy(sample_run, tmp_path_factory) -> Copy:
    base = tmp_path_factory.mktemp("cost")
    result = Copy(base)
    shutil.copytree(sample_run.data_dir, result.data_dir)  # copy2: mtimes kept, hashes cached
    shutil.copytree(sample_run.warehouse.parent, result.warehouse.parent)
    shutil.copytree(sample_run.output_dir, result.output_dir)
    result.home.mkdir()
    return result


def test_nothing_new_does_nothing(copy, capsys):
    before = copy.outputs()
    code, out = copy.make_run(capsys)
    assert code == 0, out
    from pipelines.run import NOTHING_NEW

    assert NOTHING_NEW in out
    assert "1/2" not in out and "2/2" not in out
    # no Dagster run at all: no ingest, no dbt, no GX check
    assert copy.instance().get_runs() == []
    assert copy.outputs() == before, "warehouse, analyst copy and reports byte-identical"


def test_changed_configuration_makes_its_downstream_stale(copy):
    from pipelines import changes

    settings = copy.settings()
    assert changes.plan(settings).stale == []
    config = copy.data_dir / "municipality.yaml"
    original, stat = config.read_bytes(), config.stat()
    config.write_bytes(original + b"\n# en kommentar\n")
    try:
        stale = set(changes.plan(settings).stale)
        assert {"raw/config_municipality", "staging/stg_config__municipality", "marts/dim_area",
                changes.FIGURES, changes.COPY} <= stale
        assert _downstream("raw/config_municipality") <= stale
    finally:
        config.write_bytes(original)
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert changes.plan(settings).stale == []
    # the as-of date: test_a_new_day_costs_what_it_changes below


def test_changed_questions_reread_the_loaded_surveys(copy):
    """questions.yaml without a question, then with it again: the exports already loaded are
    read again each time (their bytes did not change), so the question goes and comes back."""
    from pipelines.ingest.assets import surveys
    from pipelines.resources import build_resources

    catalogue = copy.data_dir / "surveys" / "questions.yaml"
    original = catalogue.read_text(encoding="utf-8")
    vapen = original.index('  - header: "Upplever du problem med vapen')
    end = original.index("\n  - ", vapen + 1)

    def answers() -> dict[str, int]:
        with duckdb.connect(str(copy.warehouse), read_only=True) as con:
            return dict(con.execute("select question_id, count(*) from raw.survey_responses group by 1").fetchall())

    before = answers()
    assert before.get("q_vapen")
    with pytest.MonkeyPatch.context() as mp:
        copy.env(mp)
        for text in (original[:vapen] + original[end + 1:], original):
            catalogue.write_text(text, encoding="utf-8")
            assert dg.materialize([surveys], resources=build_resources(), raise_on_error=True).success
            after = answers()
            assert ("q_vapen" in after) == (text == original)
    assert after == before
    # the catalogue is as before, and so are the survey step's inputs: its downstream is current
    from pipelines import changes

    assert changes.plan(copy.settings()).stale == []


def test_new_partner_file_rebuilds_only_its_downstream(copy, capsys):
    # A first new file: its run validates the partner tables a second time, which adds the
    # row-count comparisons with the run before to the checks every report counts (as the second
    # run after a fresh build did before issue 15); from then on the count is steady.
    (copy.data_dir / "partners" / "ica_gimo_2026_feb.csv").write_text(
        "\n".join([NEW_PARTNER_ROWS[0], "2026-02-05;ICA Gimo;Snatteri;Gimo;Butiken;2;Tog varor"]) + "\n",
        encoding="utf-8")
    code, out = copy.make_run(capsys)
    assert code == 0, out
    runs_before = {r.run_id for r in copy.instance().get_runs()}
    t1_2026 = (copy.output_dir / "2026-T1" / "lagesbild.html").read_bytes()
    with duckdb.connect(str(copy.warehouse), read_only=True) as con:
        old_2024_figures, t1_2026_figures = _figures(con, "2024-T1"), _figures(con, "2026-T1")
    old_2024_files = _report_files(copy.output_dir / "2024-T1")
    assert {"lagesbild.html", ".fingerprint"} <= set(old_2024_files)

    path = copy.data_dir / "partners" / "ica_gimo_2026_mars.csv"
    path.write_text("\n".join(NEW_PARTNER_ROWS) + "\n", encoding="utf-8")
    code, out = copy.make_run(capsys)
    assert code == 0, out
    assert "avvisat:" in out, "the rejected rows are still summed up"

    instance = copy.instance()
    runs = [r for r in instance.get_runs() if r.run_id not in runs_before]
    warehouse_run = next(r for r in runs if r.job_name == "build_warehouse")
    built = _materialized(instance, warehouse_run.run_id)
    assert "raw/partner_reports" in built
    assert set(built) <= _downstream("raw/partner_reports"), set(built) - _downstream("raw/partner_reports")
    assert "raw/police_events" not in built and "staging/stg_polisen__events" not in built
    checked = _checked(instance, warehouse_run.run_id)
    assert "raw/partner_reports" in checked and "raw/police_events" not in checked  # GX for the changed tables

    rendered = [p for r in runs if r.job_name == "build_lagesbild" for ps in _materialized(instance, r.run_id).values()
                for p in ps]
    assert any(p and p.endswith("2026-01") for p in rendered)
    assert (copy.output_dir / "2026-T1" / "lagesbild.html").read_bytes() != t1_2026
    # 2024-T1 is not rendered again: its figures, data-quality section included (the files whose
    # data it reads, int_report_source_files), do not change with a file dated 2026-03.
    assert not any(p and p.endswith("2024-01") for p in rendered), rendered
    assert _report_files(copy.output_dir / "2024-T1") == old_2024_files
    with duckdb.connect(str(copy.warehouse), read_only=True) as con:
        assert _figures(con, "2024-T1") == old_2024_figures
        assert _figures(con, "2026-T1") != t1_2026_figures
    assert (copy.output_dir / "2026-T1" / "datakvalitet.html").exists()

    code, out = copy.make_run(capsys)
    from pipelines.run import NOTHING_NEW

    assert code == 0 and NOTHING_NEW in out


def test_sensor_starts_one_run_that_does_only_the_affected_work(copy):
    from pipelines.definitions import build_defs

    with pytest.MonkeyPatch.context() as mp:
        copy.env(mp)
        defs = build_defs()
        sensor = defs.get_sensor_def("inbox")
        with dg.instance_for_test() as instance:
            def tick(cursor):
                context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                                  repository_def=defs.get_repository_def())
                return sensor.evaluate_tick(context)

            first = tick(None)  # every file is new to the sensor, but the warehouse has them all
            assert not first.run_requests and "redan inlästa" in first.skip_message
            idle = tick(first.cursor)
            assert not idle.run_requests and idle.skip_message

            path = copy.data_dir / "partners" / "coop_2026_april.csv"
            path.write_text("\n".join([NEW_PARTNER_ROWS[0], "2026-04-03;Coop;Snatteri;Gimo;Entrén;2;Tog varor"])
                            + "\n", encoding="utf-8")
            settled = time.time() - 60
            os.utime(path, (settled, settled))
            result = tick(idle.cursor)
            assert len(result.run_requests) == 1
            request = result.run_requests[0]
            selected = {"/".join(k.path) for k in request.asset_selection}
            assert "raw/partner_reports" in selected and "picture/lagesbild" in selected
            assert selected - {"picture/lagesbild"} <= _downstream("raw/partner_reports")
            run = defs.resolve_job_def("update_lagesbild").execute_in_process(
                asset_selection=request.asset_selection, tags=request.tags, instance=instance, raise_on_error=False)
            assert run.success
            built = {"/".join(e.asset_key.path) for e in run.get_asset_materialization_events()}
            assert "raw/police_events" not in built and "raw/partner_reports" in built

            after = tick(result.cursor)
            assert not after.run_requests


# A partner file with a row on a day after the as-of date (TEST_AS_OF, 2026-12-01): rejected as
# future-dated until that day comes. Its other row is the file's latest accepted day.
DATED_ROWS = [NEW_PARTNER_ROWS[0], "2026-11-25;ICA Gimo;Snatteri;Gimo;Butiken;2;Tog varor",
              "2026-12-20;ICA Gimo;Skadegörelse;Gimo;Entrén;3;Klotter"]


@pytest.fixture(scope="module")
def dated_copy(sample_run, tmp_path_factory) -> Copy:
    base = tmp_path_factory.mktemp("as-of")
    result = Copy(base)
    shutil.copytree(sample_run.data_dir, result.data_dir)
    shutil.copytree(sample_run.warehouse.parent, result.warehouse.parent)
    shutil.copytree(sample_run.output_dir, result.output_dir)
    result.home.mkdir()
    return result


def test_a_new_day_costs_what_it_changes(dated_copy, capsys, tmp_path):
    """The as-of date is no input of its own, its effect is (pipelines/as_of_effect.py): later days
    that cross no date of the data leave every asset current; the day a future-dated row becomes
    due makes its source's downstream stale, a tertial's end the models that compare with it; an
    explicit earlier date before a loaded row's day makes its source stale; and the run on the
    crossing day builds, mart for mart and row for row, what a fresh build on that day builds."""
    from dataclasses import replace
    from datetime import date

    from pipelines import changes
    from tests.bad_day import marts_differences

    copy = dated_copy
    (copy.data_dir / "partners" / "ica_gimo_2026_dec.csv").write_text("\n".join(DATED_ROWS) + "\n", encoding="utf-8")
    code, out = copy.make_run(capsys)
    assert code == 0, out
    settings = copy.settings()
    with duckdb.connect(str(copy.warehouse), read_only=True) as con:
        assert con.execute("select as_of_from, as_of_until from audit.loaded_files "
                           "where source_file like '%ica_gimo_2026_dec.csv'").fetchall() == [
            (date(2026, 11, 25), date(2026, 12, 20))]

    def stale(day: str) -> set[str]:
        return set(changes.plan(replace(settings, as_of=date.fromisoformat(day))).stale)

    # Days later, nothing crossed: the daily schedule's first tick costs nothing.
    assert stale("2026-12-01") == set()
    assert stale("2026-12-02") == set()
    assert stale("2026-12-19") == set()
    # The future-dated row is due: its source and what lies downstream of it, no other source.
    due = stale("2026-12-20")
    assert "raw/partner_reports" in due and due <= _downstream("raw/partner_reports")
    assert [k for k in due if changes.graph().kind[k] == "ingest"] == ["raw/partner_reports"]
    # An explicit date before the file's latest accepted row (2026-11-25) would reject it again.
    assert "raw/partner_reports" in stale("2026-11-24")
    # A tertial's end: the models that compare with it (in progress, preliminary) and downstream.
    new_tertial = stale("2027-01-01")
    assert {"intermediate/int_periods", "marts/dim_period", "marts/fct_action_followup",
            changes.FIGURES} <= new_tertial
    assert _downstream("intermediate/int_periods") <= new_tertial
    assert not {k for k in new_tertial if changes.graph().kind[k] == "ingest"} - {"raw/partner_reports"}

    # The run on the crossing day loads the row and builds what a fresh build on that day builds.
    crossing = "2027-01-01"
    code, out = copy.make_run(capsys, as_of=crossing)
    assert code == 0, out
    assert stale(crossing) == set() and stale("2027-01-02") == set()
    with duckdb.connect(str(copy.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.partner_reports where report_date = date '2026-12-20'"
                           ).fetchall()[0][0] == 1
        assert con.execute("select is_in_progress from marts.dim_period where period = '2026-T3'"
                           ).fetchall() == [(False,)]
    fresh = Copy(tmp_path / "fresh")
    shutil.copytree(copy.data_dir, fresh.data_dir)
    # A fresh warehouse: only its marts are compared. The reports beside it are the copy's, so the
    # tertials whose figures it builds the same are not rendered again (the render only reads).
    shutil.copytree(copy.output_dir, fresh.output_dir)
    fresh.home.mkdir(parents=True)
    code, out = fresh.make_run(capsys, as_of=crossing)
    assert code == 0, out
    assert marts_differences(copy.warehouse, fresh.warehouse) == {}
