"""pipelines/changes.py's own inputs of an ingest asset: an asset's snapshot lists only its own
folders (each of the 12 ingest assets takes one at its start), and what it lists is what the
whole plan lists for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import changes
from pipelines.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("data_dir", ["sample", "sample-region"])
def test_each_ingest_asset_alone_has_the_inputs_it_has_in_the_whole_plan(data_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(REPO / "data" / data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    settings = Settings.from_env()
    keys = sorted(changes._ingest_keys())
    hasher = changes.Hasher()
    whole = changes.own_inputs(settings, keys, hasher)
    assert len(whole.inputs["raw/partner_reports"]) > 1  # the partner files and municipality.yaml
    for key in keys:
        alone = changes.own_inputs(settings, [key], hasher)
        assert alone.text == {key: whole.text[key]}, key
        assert alone.inputs.get(key) == whole.inputs.get(key), key


def test_an_asset_alone_lists_no_other_source(monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(REPO / "data" / "sample-region"))
    listed = changes._ingest_files(Settings.from_env(), ["raw/partner_reports"])
    assert "raw/partner_reports" in listed
    assert not {"raw/police_local", "raw/survey_responses", "raw/police_events"} & set(listed)
    surveys = changes._ingest_files(Settings.from_env(), ["raw/config_survey_questions"])
    assert surveys["raw/config_survey_questions"] == changes._ingest_files(Settings.from_env())["raw/config_survey_questions"]
