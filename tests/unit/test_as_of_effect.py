"""pipelines/as_of_effect.py and the ingest side of it (ingest/common.py AsOfWindow): what the
as-of date changes, on real files loaded into a real DuckDB warehouse."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines import as_of_effect, warehouse
from pipelines.ingest import partners, police_local, surveys
from pipelines.ingest.common import AsOfWindow, forget_outside_window, load_file, outside_window

PARTNER_HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "wh.duckdb") as connection:
        yield connection


def _load(con, path: Path, module, as_of: str, monkeypatch):
    monkeypatch.setenv("LAGESBILD_AS_OF", as_of)
    return load_file(con, path, data_dir=path.parent, source_kind=module.SOURCE_KIND, parse=module.parse,
                     write=module.write)


def test_every_model_calling_as_of_says_what_it_compares_it_with():
    """A new caller of the macro gets the date itself (rebuilt daily) until it has an entry here."""
    assert as_of_effect.as_of_callers() == set(as_of_effect.CALLERS)
    assert set(as_of_effect.WINDOWED.values()) == {partners.SOURCE_KIND, police_local.SOURCE_KIND,
                                                   surveys.SOURCE_KIND}


def test_window_of_a_partner_file_and_its_reading_again(con, tmp_path, monkeypatch):
    path = tmp_path / "ica.csv"
    path.write_text("\n".join([PARTNER_HEADER, "2026-11-25;ICA;Snatteri;Gimo;Butiken;2;Tog varor",
                               "2026-12-20;ICA;Snatteri;Gimo;Butiken;3;Tog varor",
                               "2027-02-01;ICA;Snatteri;Gimo;Butiken;1;Tog varor"]) + "\n", encoding="utf-8")
    outcome = _load(con, path, partners, "2026-12-01", monkeypatch)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (1, 2)
    window = AsOfWindow(dt.date(2026, 11, 25), dt.date(2026, 12, 20))
    assert con.execute("select as_of_from, as_of_until from audit.loaded_files").fetchall() == [
        (window.since, window.until)]
    for day, holds in (("2026-11-24", False), ("2026-11-25", True), ("2026-12-19", True), ("2026-12-20", False)):
        assert window.holds(dt.date.fromisoformat(day)) == holds
        assert (outside_window(con, dt.date.fromisoformat(day)) == []) == holds

    # The row's day has come: the file is forgotten and read again, its window moves on.
    due = dt.date(2026, 12, 20)
    assert forget_outside_window(con, partners.SOURCE_KIND, "raw.partner_reports", due) == 1
    assert con.execute("select count(*) from raw.partner_reports").fetchall()[0][0] == 0
    assert con.execute("select count(*) from audit.rejected_rows").fetchall()[0][0] == 0
    outcome = _load(con, path, partners, due.isoformat(), monkeypatch)
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    assert outside_window(con, due) == []
    assert con.execute("select as_of_from, as_of_until from audit.loaded_files").fetchall() == [
        (dt.date(2026, 12, 20), dt.date(2027, 2, 1))]


def test_window_of_a_police_extract_is_by_month(con, tmp_path, monkeypatch):
    path = tmp_path / "lokal.csv"
    path.write_text("\n".join(["Månad;Område;Brottskategori;Antal", "2026-11;Gimo;Snatteri;4",
                               "2027-01;Gimo;Snatteri;2"]) + "\n", encoding="utf-8")
    _load(con, path, police_local, "2026-12-15", monkeypatch)
    assert con.execute("select as_of_from, as_of_until from audit.loaded_files").fetchall() == [
        (dt.date(2026, 11, 1), dt.date(2027, 1, 1))]


def test_effects_follow_the_boundaries_not_the_days(con, tmp_path, monkeypatch):
    path = tmp_path / "ica.csv"
    path.write_text("\n".join([PARTNER_HEADER, "2026-11-25;ICA;Snatteri;Gimo;Butiken;2;Tog varor",
                               "2026-12-20;ICA;Snatteri;Gimo;Butiken;3;Tog varor"]) + "\n", encoding="utf-8")
    _load(con, path, partners, "2026-12-01", monkeypatch)
    con.execute("create table raw.actions (end_date date)")
    con.execute("create table raw.action_updates (update_date date)")
    con.execute("insert into raw.actions values (date '2026-12-09')")
    con.execute("insert into raw.action_updates values (date '2026-11-03')")
    keys = ["raw/partner_reports", "raw/police_local", "intermediate/int_periods", "marts/fct_action_followup",
            "marts/dim_area"]
    kind = {k: "ingest" if k.startswith("raw/") else "dbt" for k in keys}

    def effect(day: str) -> dict[str, str]:
        return as_of_effect.effects(dt.date.fromisoformat(day), con, keys, kind)

    first = effect("2026-12-01")
    assert first["raw/partner_reports"] == "[]" and first["raw/police_local"] == "[]"
    assert json.loads(first["intermediate/int_periods"]) == ["2026-T3"]
    assert json.loads(first["marts/fct_action_followup"]) == ["2026-T3", "2026-11-03"]
    assert first["marts/dim_area"] == ""
    assert effect("2026-12-09") == first  # nothing crossed (the measure is late from the day after its end)
    late = effect("2026-12-10")
    assert json.loads(late["marts/fct_action_followup"]) == ["2026-T3", "2026-12-10"]
    assert {k for k in keys if late[k] != first[k]} == {"marts/fct_action_followup"}
    due = effect("2026-12-20")
    assert json.loads(due["raw/partner_reports"])[0][0] == "ica.csv"
    new_tertial = effect("2027-01-01")
    assert json.loads(new_tertial["intermediate/int_periods"]) == ["2027-T1"]
    # no warehouse yet: no files, no actions
    assert as_of_effect.effects(dt.date(2026, 12, 1), None, keys, kind)["marts/fct_action_followup"] == \
        json.dumps(["2026-T3", ""])
