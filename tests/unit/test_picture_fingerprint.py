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
