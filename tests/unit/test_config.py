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


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Messages name files relative to the data directory, as the coordinator knows them."""
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path))


AREA_ID_RULE = "ska bestå av små bokstäver a–z, siffror och _ (inga å, ä, ö, stora bokstäver eller mellanslag)"


@pytest.mark.parametrize(
    "broken, message",
    [
        (GOOD.replace('"0382"', '"382"'),
         'municipality.yaml, rad 2: fältet "code" ska vara kommunkoden: fyra siffror inom citattecken, som "0382", '
         'inte "382"'),
        (GOOD.replace('"0382"', "382"),
         'municipality.yaml, rad 2: fältet "code" ska vara en text (sätt den inom citattecken), inte "382"'),
        (GOOD.replace("id: osthammar", "id: Östhammar"),
         f'municipality.yaml, område 1 (Östhammar), rad 5: fältet "id" {AREA_ID_RULE}, inte "Östhammar" – '
         'till exempel "osthammar"'),
        (GOOD.replace("id: osthammar", "id: okant"),
         'municipality.yaml, område 1 (Östhammar), rad 5: fältet "id": "okant" är reserverat för rader vars område '
         "inte känns igen; välj ett annat id"),
        (GOOD.replace("{2023: 4974}", "{2023: -5}"),
         'municipality.yaml, område 1 (Östhammar), rad 8: fältet "population" (2023) ska vara minst 0, inte "-5"'),
        (GOOD.replace("{2023: 4974}", "{23: 4974}"),
         'municipality.yaml, område 1 (Östhammar), rad 8: fältet "population": årtalet "23" ska vara ett år med fyra '
         "siffror, som 2023"),
        (GOOD.replace("{2023: 4974}", "{år2023: 4974}"),
         'municipality.yaml, område 1 (Östhammar), rad 8: fältet "population": nyckeln "år2023" ska vara ett heltal'),
        (GOOD.replace("population:", "populaton:"),
         'municipality.yaml, område 1 (Östhammar), rad 8: okänt fält "populaton" – menade du "population"?'),
        (GOOD.replace("population:", "befolkning:"),
         'municipality.yaml, område 1 (Östhammar), rad 8: okänt fält "befolkning" – menade du "population"?'),
        (GOOD.replace("name: Östhammar\nareas", "areas"), 'municipality.yaml: fältet "name" saknas'),
        (GOOD.replace("    name: Östhammar\n", ""), 'municipality.yaml, område 1, rad 5: fältet "name" saknas'),
        (GOOD + "suppression_threshold: 0\n",
         'municipality.yaml, rad 9: fältet "suppression_threshold" ska vara minst 1, inte "0"'),
        (GOOD + "suppression_threshold: 101\n",
         'municipality.yaml, rad 9: fältet "suppression_threshold" ska vara högst 100, inte "101"'),
        (GOOD + "survey_min_respondents: 0\n",
         'municipality.yaml, rad 9: fältet "survey_min_respondents" ska vara minst 1, inte "0"'),
        (GOOD + "survey_min_respondents: tio\n",
         'municipality.yaml, rad 9: fältet "survey_min_respondents" ska vara ett heltal, inte "tio"'),
        (GOOD + "survey_min_respondents: 2.5\n",
         'municipality.yaml, rad 9: fältet "survey_min_respondents" ska vara ett heltal, inte "2.5"'),
        (GOOD + "unknown_key: 1\n",
         'municipality.yaml, rad 9: okänt fält "unknown_key" (fälten här: code, name, county, areas, '
         "suppression_threshold, survey_min_respondents, places, partners, kolada_kpis)"),
        (GOOD + "  - id: osthammar\n    name: Annat\n",
         'municipality.yaml, område 2 (Annat), rad 9: fältet "id": "osthammar" finns redan (område 1)'),
        (GOOD.replace("areas:\n", "areas: []\nx:\n"),
         'municipality.yaml, rad 4: fältet "areas" får inte vara tomt\n'
         'municipality.yaml, rad 5: okänt fält "x" (fälten här: code, name, county, areas, suppression_threshold, '
         "survey_min_respondents, places, partners, kolada_kpis)"),
        (GOOD.replace("    population: {2023: 4974}", "    population: {2023: 4974}\n    lat: 18.4\n    lon: 60.3"),
         'municipality.yaml, område 1 (Östhammar), rad 9: fältet "lat" ska vara minst 55.0, inte "18.4"\n'
         'municipality.yaml, område 1 (Östhammar), rad 10: fältet "lon" ska vara högst 24.2, inte "60.3"'),
        (GOOD.replace("    population: {2023: 4974}", "    population: {2023: 4974}\n    lat: 60.3"),
         'municipality.yaml, område 1 (Östhammar), rad 5: fältet "lon" saknas: en punkt på kartan har både lat och '
         "lon (lat är angiven)"),
        ("- code: 0382\n", "municipality.yaml: filen ska bestå av fält som code:, name:, county: …, inte en lista"),
        ("# nothing yet\n", "municipality.yaml: filen är tom"),
    ],
)
def test_broken_config_says_file_entry_line_and_field_in_swedish(tmp_path, broken, message):
    with pytest.raises(ConfigError) as error:
        load_municipality(write(tmp_path, broken))
    assert str(error.value) == message
    assert error.value.lines == message.split("\n")


def test_every_problem_of_a_file_is_listed_up_to_ten(tmp_path):
    text = GOOD + "".join(f"  - id: area{i}\n    name: Område {i}\n    popul: 1\n" for i in range(12))
    with pytest.raises(ConfigError) as error:
        load_municipality(write(tmp_path, text))
    assert len(error.value.lines) == 11
    assert error.value.lines[0].startswith('municipality.yaml, område 2 (Område 0), rad 11: okänt fält "popul"')
    assert error.value.lines[-1] == "municipality.yaml: … och 2 fel till"


def test_outside_the_data_dir_the_full_path_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path / "elsewhere"))
    path = write(tmp_path, GOOD.replace("population:", "populaton:"))
    with pytest.raises(ConfigError, match=f"^{path}, område 1"):
        load_municipality(path)


def test_survey_min_respondents_is_read(tmp_path):
    municipality = load_municipality(write(tmp_path, GOOD + "survey_min_respondents: 25\n"))
    assert municipality.survey_min_respondents == 25


def test_alias_naming_two_areas_is_refused(tmp_path):
    text = GOOD + "  - id: gimo\n    name: Gimo\n    aliases: [ÖSTHAMMARS  tätort]\n"
    with pytest.raises(ConfigError) as error:
        load_municipality(write(tmp_path, text))
    assert str(error.value) == (
        'municipality.yaml, område 2 (Gimo), rad 11: fältet "aliases" (nr 1): "ÖSTHAMMARS tätort" är också ett namn '
        "på område 1 (Östhammar); ett namn får bara peka ut ett område"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        ("code: [unclosed", "municipality.yaml, rad 1: filen är inte giltig YAML: en lista inom [ ] stängs inte "
                            "(saknas ] eller ett kommatecken?)"),
        ("code: '0382\nname: x\n", "municipality.yaml, rad 3: filen är inte giltig YAML: ett citattecken stängs "
                                   "aldrig – saknas ett avslutande ' eller \"?"),
        ("code: '0382'\nareas:\n  - {id: x, name: [\n", "municipality.yaml, rad 4: filen är inte giltig YAML: filen tar "
                                                     "slut mitt i en lista – saknas ett ] eller }?"),
        ("code: 0382\nname: Östhammar: centrum\n",
         "municipality.yaml, rad 2: filen är inte giltig YAML: ett kolon (:) där det inte får stå ett – sätt texten "
         "inom citattecken"),
        ("code: '0382'\nareas:\n\t- id: x\n",
         "municipality.yaml, rad 3: filen är inte giltig YAML: ett tabbtecken – dra in med mellanslag, inte tabb"),
    ],
)
def test_bad_yaml_names_the_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_municipality(write(tmp_path, text))
    assert str(error.value) == message


def test_missing_file_and_file_not_utf8(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_municipality(tmp_path / "municipality.yaml")
    assert str(error.value) == f"municipality.yaml: filen finns inte (väntades i {tmp_path})"
    (tmp_path / "municipality.yaml").write_bytes(GOOD.encode("cp1252"))
    with pytest.raises(ConfigError) as error:
        load_municipality(tmp_path / "municipality.yaml")
    assert str(error.value) == "municipality.yaml: filen är inte sparad som UTF-8; spara den som UTF-8 och kör igen"


def test_config_error_survives_pickling(tmp_path):
    """Dagster may copy or pickle a step's exception; its Swedish lines must come through."""
    import pickle

    with pytest.raises(ConfigError) as error:
        load_municipality(write(tmp_path, GOOD.replace("population:", "populaton:")))
    copy = pickle.loads(pickle.dumps(error.value))
    assert isinstance(copy, ConfigError)
    assert (str(copy), copy.lines) == (str(error.value), error.value.lines)


def test_an_area_may_carry_a_point_for_the_map(tmp_path):
    text = GOOD.replace("    population: {2023: 4974}", "    population: {2023: 4974}\n    lat: 60.2527\n    lon: 18.3699")
    area = load_municipality(write(tmp_path, text)).areas[0]
    assert (area.lat, area.lon) == (60.2527, 18.3699)


def test_places_and_partners_are_optional_lists_of_names(tmp_path):
    """Names that are not people, for free-text redaction (DATA-CONTRACT §5)."""
    assert load_municipality(write(tmp_path, GOOD)).places == []
    municipality = load_municipality(write(tmp_path, GOOD + "places: [Stora torget, ' Olandsskolan ']\n"
                                                        "partners: [ICA Gimo]\n"))
    assert municipality.places == ["Stora torget", "Olandsskolan"] and municipality.partners == ["ICA Gimo"]
    with pytest.raises(ConfigError, match="places"):
        load_municipality(write(tmp_path, GOOD + "places: ['']\n"))


def test_kolada_kpis_are_optional_and_checked(tmp_path):
    assert load_municipality(write(tmp_path, GOOD)).kolada_kpis == []
    assert load_municipality(write(tmp_path, GOOD + "kolada_kpis: [N07403, N07402]\n")).kolada_kpis == ["N07403", "N07402"]
    with pytest.raises(ConfigError, match="Kolada-id"):
        load_municipality(write(tmp_path, GOOD + "kolada_kpis: [våldsbrott]\n"))
