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


def test_the_pdf_choice(tmp_path):
    from pipelines.settings import PdfChoiceError, read_pdf_choice

    assert read_pdf_choice({}) == read_pdf_choice({"LAGESBILD_PDF": " Auto "}) == "auto"
    assert read_pdf_choice({"LAGESBILD_PDF": "alla"}) == read_pdf_choice({"LAGESBILD_PDF": "all"}) == "all"
    assert read_pdf_choice({"LAGESBILD_PDF": "off"}) == read_pdf_choice({"LAGESBILD_PDF": "none"}) == "none"
    assert read_pdf_choice({"LAGESBILD_PDF": "0382, 0360,region"}) == {"0382", "0360", "region"}
    for bad in ("382", "0382;0360", "ja tack"):
        with pytest.raises(PdfChoiceError, match="kommunkoder med komma emellan"):
            read_pdf_choice({"LAGESBILD_PDF": bad})

    single, region = tmp_path / "single", tmp_path / "region"
    (single / "police").mkdir(parents=True)
    (single / "municipality.yaml").write_text("kommun_code: '0382'\nkommun_name: Östhammar\n", encoding="utf-8")
    for code, name in (("0382", "osthammar"), ("0360", "tierp")):
        folder = region / "kommuner" / f"{code}-{name}"
        folder.mkdir(parents=True)
        (folder / "municipality.yaml").write_text(f"kommun_code: '{code}'\nkommun_name: {name}\n", encoding="utf-8")

    def wants(data_dir, choice, code):
        return Settings(data_dir=data_dir, warehouse=tmp_path / "w.duckdb", output_dir=tmp_path,
                        analytics_copy=tmp_path / "a.duckdb", pdf=choice).wants_pdf(code)

    # auto: every lägesbild of one municipality, nothing in a region (neither lägesbild nor overview)
    assert wants(single, "auto", "0382") and wants(single, "auto", None)
    assert not wants(region, "auto", "0382") and not wants(region, "auto", "region")
    assert wants(region, "all", "0360") and wants(region, "all", "region") and not wants(single, "none", "0382")
    chosen = frozenset({"0382", "region"})
    assert wants(region, chosen, "0382") and wants(region, chosen, "region") and not wants(region, chosen, "0360")
