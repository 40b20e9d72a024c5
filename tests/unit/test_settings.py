"""The one clock (LAGESBILD_AS_OF) and the rules Python reads from dbt_project.yml."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import yaml

from pipelines import dbt_vars
from pipelines.settings import AS_OF_VAR, DBT_PROJECT_DIR, AsOfError, Settings, as_of, read_as_of, today_in_sweden


def test_the_tests_run_on_a_pinned_date():
    assert os.environ[AS_OF_VAR] == "2026-12-01"  # tests/conftest.py
    assert as_of() == Settings.from_env().as_of == dt.date(2026, 12, 1)


def test_as_of_from_the_environment(monkeypatch):
    monkeypatch.setenv(AS_OF_VAR, " 2025-09-01 ")
    assert read_as_of() == dt.date(2025, 9, 1)
    assert Settings.from_env().as_of == dt.date(2025, 9, 1)
    monkeypatch.setenv(AS_OF_VAR, "")
    assert read_as_of() == today_in_sweden()
    monkeypatch.delenv(AS_OF_VAR)
    assert read_as_of() == today_in_sweden()
    assert abs((today_in_sweden() - dt.date.today()).days) <= 1


@pytest.mark.parametrize("bad", ["2025-02-30", "1 maj 2025", "20250501", "2025-5-1", "idag"])
def test_a_bad_as_of_says_so_in_swedish_and_english(monkeypatch, bad):
    monkeypatch.setenv(AS_OF_VAR, bad)
    with pytest.raises(AsOfError) as error:
        Settings.from_env()
    message = str(error.value)
    assert f"LAGESBILD_AS_OF='{bad}'" in message
    assert "är inget giltigt datum" in message and "ÅÅÅÅ-MM-DD" in message
    assert "is not a valid date" in message


def test_export_pins_the_date_for_child_processes(monkeypatch, tmp_path):
    for var in ("LAGESBILD_DATA_DIR", "LAGESBILD_WAREHOUSE", "LAGESBILD_OUTPUT_DIR"):
        monkeypatch.setenv(var, os.environ.get(var, ""))  # export() writes them: restored after the test
    monkeypatch.delenv(AS_OF_VAR)
    settings = Settings.from_env()
    settings.export()
    assert os.environ[AS_OF_VAR] == settings.as_of.isoformat()
    child = subprocess.run(
        [sys.executable, "-c", "from pipelines.settings import as_of; print(as_of().isoformat())"],
        capture_output=True, text=True, check=True, cwd=DBT_PROJECT_DIR.parent,
    )
    assert child.stdout.strip() == settings.as_of.isoformat()
    pinned = Settings(data_dir=tmp_path, warehouse=tmp_path / "w.duckdb", output_dir=tmp_path,
                      analytics_copy=tmp_path / "a.duckdb", as_of=dt.date(2024, 1, 2))
    pinned.export()
    assert read_as_of() == dt.date(2024, 1, 2)


def test_the_as_of_macro_reads_the_same_variable():
    macro = (DBT_PROJECT_DIR / "macros" / "as_of.sql").read_text(encoding="utf-8")
    assert f"env_var('{AS_OF_VAR}'" in macro


def test_rules_shared_with_dbt_come_from_dbt_project_yml():
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    assert dbt_vars.unknown_area_id() == project["vars"]["unknown_area_id"] == "okant"
    assert dbt_vars.earliest_date() == dt.date.fromisoformat(str(project["vars"]["earliest_date"]))
    assert dbt_vars.earliest_text() == "år 2000"
    from pipelines.config import UNKNOWN_AREA

    assert UNKNOWN_AREA == "okant"


@pytest.mark.parametrize(
    "value, stored",
    [(None, True), ("", True), ("on", True), ("1", True), ("off", False), ("OFF ", False), ("0", False),
     ("false", False), ("nej", False), ("av", False)],
)
def test_free_text_setting(value, stored):
    from pipelines.settings import free_text_stored

    environ = {} if value is None else {"LAGESBILD_FREE_TEXT": value}
    assert free_text_stored(environ) is stored
