"""A tertial is re-rendered only when something that feeds it changed."""

import shutil

from pipelines.picture.fingerprint import inputs_fingerprint, is_current, mark_current
from pipelines.settings import Settings
from pipelines.warehouse import connect
from tests.conftest import SAMPLE


def test_fingerprint_follows_loaded_files_config_and_failed_files(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    shutil.copy(SAMPLE / "municipality.yaml", data_dir)
    settings = Settings(data_dir=data_dir, warehouse=tmp_path / "w.duckdb", output_dir=tmp_path / "out",
                        analytics_copy=tmp_path / "analytics.duckdb")
    with connect(settings.warehouse) as con:
        first = inputs_fingerprint(con, settings)
        assert inputs_fingerprint(con, settings) == first
        con.execute("insert into audit.loaded_files values ('partners/a.csv', 'abc', 'partners', 3, 0, now())")
        second = inputs_fingerprint(con, settings)
        assert second != first
        con.execute("insert into audit.rejected_rows (source_file, reason, file_sha256) values ('p/x.csv', 'Filen är tom.', 'e3b0')")
        third = inputs_fingerprint(con, settings)
        assert third != second
        (data_dir / "pledges.yaml").write_text("[]\n", encoding="utf-8")
        assert inputs_fingerprint(con, settings) != third


def test_is_current_needs_the_stamp_and_every_file(tmp_path):
    period_dir = tmp_path / "2025-T1"
    period_dir.mkdir()
    (period_dir / "lagesbild.html").write_text("x")
    assert not is_current(period_dir, "f1", ["lagesbild.html"])
    mark_current(period_dir, "f1")
    assert is_current(period_dir, "f1", ["lagesbild.html"])
    assert not is_current(period_dir, "f2", ["lagesbild.html"])
    assert not is_current(period_dir, "f1", ["lagesbild.html", "lagesbild.pdf"])


def _settings(tmp_path, as_of):
    import datetime as dt

    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    shutil.copy(SAMPLE / "municipality.yaml", data_dir)
    return Settings(data_dir=data_dir, warehouse=tmp_path / "w.duckdb", output_dir=tmp_path / "out",
                    analytics_copy=tmp_path / "analytics.duckdb", as_of=dt.date.fromisoformat(as_of))


def test_fingerprint_follows_the_as_of_date_not_the_calendar(tmp_path):
    """Today's date is no input (a warm run on a later day with the same as-of date renders
    nothing); the as-of date is one (it decides what is future and what is in progress)."""
    settings = _settings(tmp_path, "2026-12-01")
    with connect(settings.warehouse) as con:
        first = inputs_fingerprint(con, settings)
        assert inputs_fingerprint(con, _settings(tmp_path, "2026-12-01")) == first
        assert inputs_fingerprint(con, _settings(tmp_path, "2026-12-02")) != first


def test_fingerprint_follows_what_the_quality_checks_found_not_when(tmp_path):
    from data_quality import results

    settings = _settings(tmp_path, "2026-12-01")

    def record(con, run_id, checked_at, success=True, message="Kolumnen period finns"):
        results.ensure_table(con)
        con.execute(
            "insert into audit.quality_results values (?, 'marts.dim_period', 'expect_column_to_exist', 'period', "
            "'{}', ?, null, 'error', true, null, 11, ?, ?)",
            [run_id, success, message, checked_at],
        )

    with connect(settings.warehouse) as con:
        before = inputs_fingerprint(con, settings)
        record(con, "run-1", "2026-12-01 10:00:00")
        first = inputs_fingerprint(con, settings)
        assert first != before
        record(con, "run-2", "2026-12-01 11:00:00")  # the same result in a later run
        assert inputs_fingerprint(con, settings) == first
        record(con, "run-3", "2026-12-01 12:00:00", success=False, message="Kolumnen period saknas")
        assert inputs_fingerprint(con, settings) != first
