"""pledges.yaml (DATA-CONTRACT §2.2): validated against the taxonomy and the municipality's
areas; errors name the file, the field and the pledge."""

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_municipality, load_pledges

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

GOOD = """
- id: 2025-t2-snatteri
  period: 2025-T2
  title: "Vi ska minska snatteriet i Östhammars centrum"
  category: snatteri
  areas: [osthammar]
  indicator: partner_report_count
  baseline_period: 2025-T1
  target_change_pct: -20
"""


@pytest.fixture(scope="module")
def municipality():
    return load_municipality(SAMPLE / "municipality.yaml")


def write(tmp_path, text):
    path = tmp_path / "pledges.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_pledges_are_valid(municipality):
    pledges = load_pledges(SAMPLE / "pledges.yaml", municipality)
    assert [p.id for p in pledges] == ["2025-t2-snatteri", "2025-t3-skadegorelse-gimo", "2025-t3-narkotika"]
    assert {p.indicator for p in pledges} == {"partner_report_count", "police_reported_count", "survey_problem_share"}


def test_contract_example(tmp_path, municipality):
    (pledge,) = load_pledges(write(tmp_path, GOOD), municipality)
    assert (pledge.category, pledge.areas, pledge.target_change_pct) == ("snatteri", ["osthammar"], -20)


@pytest.mark.parametrize("text", [None, "", "# nothing decided yet\n"])
def test_absent_or_empty_file_means_no_pledges(tmp_path, municipality, text):
    path = tmp_path / "pledges.yaml" if text is None else write(tmp_path, text)
    assert load_pledges(path, municipality) == []


def test_category_by_name_or_alias(tmp_path, municipality):
    for text in ("Skadegörelse och klotter", "klotter", "BUTIKSSTÖLD"):
        (pledge,) = load_pledges(write(tmp_path, GOOD.replace("category: snatteri", f"category: {text}")), municipality)
        assert pledge.category == text  # mapped to its id in dbt, like every source


@pytest.mark.parametrize(
    "broken, field, words",
    [
        (GOOD.replace("category: snatteri", "category: fiske"), "0.category", "not a category"),
        (GOOD.replace("[osthammar]", "[osthammar, tierp]"), "0.areas", "tierp"),
        (GOOD.replace("[osthammar]", "[okant]"), "0.areas", "okant"),
        (GOOD.replace("[osthammar]", "[]"), "0.areas", "at least 1"),
        (GOOD.replace("partner_report_count", "partner_reports"), "0.indicator", "unknown indicator"),
        (GOOD.replace("partner_report_count", "police_reported_per_1000"), "0.indicator", "unknown indicator"),
        (GOOD.replace("baseline_period: 2025-T1", "baseline_period: 2025-T3"), "0.baseline_period", "after the pledge period"),
        (GOOD.replace("baseline_period: 2025-T1", "baseline_period: 2026-T1"), "0.baseline_period", "after the pledge period"),
        (GOOD.replace("period: 2025-T2", "period: 2025-T4"), "0.period", "pattern"),
        (GOOD.replace("target_change_pct: -20", "target_change_pct: 0"), "0.target_change_pct", "non-zero"),
        (GOOD.replace("id: 2025-t2-snatteri", "id: ../x"), "0.id", "pattern"),
        (GOOD + "  owner: Polisen\n", "0.owner", "Extra inputs"),
        (GOOD + GOOD, "1.id", "duplicate"),
        ("id: x\nperiod: 2025-T1\n", "(top level)", "list of pledges"),
    ],
)
def test_broken_pledges_name_file_field_and_pledge(tmp_path, municipality, broken, field, words):
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as error:
        load_pledges(path, municipality)
    message = str(error.value)
    assert message.startswith(str(path)), message
    assert f"field '{field}'" in message, message
    assert words in message, message
    if field != "(top level)" and "../x" not in broken:
        assert "2025-t2-snatteri" in message, message


def test_baseline_equal_to_pledge_period_is_allowed(tmp_path, municipality):
    (pledge,) = load_pledges(write(tmp_path, GOOD.replace("baseline_period: 2025-T1", "baseline_period: 2025-T2")),
                             municipality)
    assert pledge.baseline_period == pledge.period
