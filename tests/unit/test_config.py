"""municipality.yaml: typed, validated, and errors that name the file and the field."""

from pathlib import Path

import pytest

from pipelines.config import ConfigError, load_municipality

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "municipality.yaml"

GOOD = """
code: "0382"
name: Östhammar
areas:
  - id: osthammar
    name: Östhammar
    aliases: [Östhammars tätort]
    population: {2023: 4974}
"""


def write(tmp_path, text):
    path = tmp_path / "municipality.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_config_is_valid_and_totals_about_22300():
    municipality = load_municipality(SAMPLE)
    assert municipality.code == "0382"
    assert municipality.suppression_threshold == 3
    assert municipality.survey_min_respondents == 10
    population = {a.id: a.population[2023] for a in municipality.areas}
    assert population["osthammar"] == 4974 and population["gimo"] == 2811 and population["dannemora"] == 243
    assert 22000 <= sum(population.values()) <= 22600


def test_defaults(tmp_path):
    municipality = load_municipality(write(tmp_path, GOOD))
    assert municipality.suppression_threshold == 3
    assert municipality.survey_min_respondents == 10
    assert municipality.areas[0].aliases == ["Östhammars tätort"]


@pytest.mark.parametrize(
    "broken, field",
    [
        (GOOD.replace('"0382"', '"382"'), "code"),
        (GOOD.replace("id: osthammar", "id: Östhammar"), "areas.0.id"),
        (GOOD.replace("id: osthammar", "id: okant"), "areas.0.id"),
        (GOOD.replace("{2023: 4974}", "{2023: -5}"), "areas.0.population.2023"),
        (GOOD.replace("name: Östhammar\nareas", "areas"), "name"),
        (GOOD + "suppression_threshold: 0\n", "suppression_threshold"),
        (GOOD + "survey_min_respondents: 0\n", "survey_min_respondents"),
        (GOOD + "survey_min_respondents: tio\n", "survey_min_respondents"),
        (GOOD + "survey_min_respondents: 2.5\n", "survey_min_respondents"),
        (GOOD + "unknown_key: 1\n", "unknown_key"),
        (GOOD + "  - id: osthammar\n    name: Annat\n", "(top level)"),
    ],
)
def test_broken_config_names_file_and_field(tmp_path, broken, field):
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError) as error:
        load_municipality(path)
    message = str(error.value)
    assert str(path) in message
    assert field in message


def test_survey_min_respondents_is_read(tmp_path):
    municipality = load_municipality(write(tmp_path, GOOD + "survey_min_respondents: 25\n"))
    assert municipality.survey_min_respondents == 25


def test_alias_naming_two_areas_is_refused(tmp_path):
    text = GOOD + "  - id: gimo\n    name: Gimo\n    aliases: [ÖSTHAMMARS  tätort]\n"
    with pytest.raises(ConfigError, match="names both area 'osthammar' and area 'gimo'"):
        load_municipality(write(tmp_path, text))


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_municipality(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_municipality(write(tmp_path, "code: [unclosed"))


def test_places_and_partners_are_optional_lists_of_names(tmp_path):
    """Names that are not people, for free-text redaction (DATA-CONTRACT §5)."""
    assert load_municipality(write(tmp_path, GOOD)).places == []
    municipality = load_municipality(write(tmp_path, GOOD + "places: [Stora torget, ' Olandsskolan ']\n"
                                                        "partners: [ICA Gimo]\n"))
    assert municipality.places == ["Stora torget", "Olandsskolan"] and municipality.partners == ["ICA Gimo"]
    with pytest.raises(ConfigError, match="places"):
        load_municipality(write(tmp_path, GOOD + "places: ['']\n"))
