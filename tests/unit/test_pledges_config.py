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


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path))
    return tmp_path


CATEGORIES = ("kategorier: stold (Stöld), inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och "
              "klotter), hot_vald (Hot och våld), social_oro (Social oro och ordningsstörning), narkotika (Narkotika), "
              "vapen (Vapen och skjutningar), eller ett alias ur kategorilistan")
AREAS = ("områden i municipality.yaml: osthammar, gimo, alunda, osterbybruk, oregrund, hargshamn, dannemora, graso, "
         "forsmark, valo_borstil, morkarla_ekeby, skafthammar_hokhuvud och 1 till")
PLEDGE = 'pledges.yaml, löfte 1 "2025-t2-snatteri"'


@pytest.mark.parametrize(
    "broken, message",
    [
        (GOOD.replace("category: snatteri", "category: snateri"),
         f'{PLEDGE}, rad 5: fältet "category": okänd kategori "snateri" – menade du "snatteri"? ({CATEGORIES})'),
        (GOOD.replace("category: snatteri", "category: fiske"),
         f'{PLEDGE}, rad 5: fältet "category": okänd kategori "fiske" ({CATEGORIES})'),
        (GOOD.replace("[osthammar]", "[osthammar, gimmo]"),
         f'{PLEDGE}, rad 6: fältet "areas": okänt område "gimmo" – menade du "gimo"? ({AREAS})'),
        (GOOD.replace("[osthammar]", "[okant]"), f'{PLEDGE}, rad 6: fältet "areas": okänt område "okant" ({AREAS})'),
        (GOOD.replace("[osthammar]", "[osthammar, osthammar]"),
         f'{PLEDGE}, rad 6: fältet "areas": området "osthammar" står två gånger'),
        (GOOD.replace("[osthammar]", "[]"), f'{PLEDGE}, rad 6: fältet "areas" får inte vara tomt'),
        (GOOD.replace("[osthammar]", "[Östhammar]"),
         f'{PLEDGE}, rad 6: fältet "areas" (nr 1) ska bestå av små bokstäver a–z, siffror och _ (inga å, ä, ö, stora '
         'bokstäver eller mellanslag), inte "Östhammar" – till exempel "osthammar"'),
        (GOOD.replace("partner_report_count", "partner_reports"),
         f'{PLEDGE}, rad 7: fältet "indicator": okänd indikator "partner_reports" – menade du "partner_report_count"? '
         "(indikatorer: police_reported_count, police_event_count, partner_report_count, survey_problem_share)"),
        (GOOD.replace("baseline_period: 2025-T1", "baseline_period: 2025-T3"),
         f'{PLEDGE}, rad 8: fältet "baseline_period": basperioden 2025-T3 ligger efter löftets period 2025-T2'),
        (GOOD.replace("period: 2025-T2", "period: 2025-T4"),
         f'{PLEDGE}, rad 3: fältet "period" ska vara ett tertial som 2025-T2 (T1 jan–apr, T2 maj–aug, T3 sep–dec), '
         'inte "2025-T4"'),
        (GOOD.replace("target_change_pct: -20", "target_change_pct: 0"),
         f'{PLEDGE}, rad 9: fältet "target_change_pct" ska vara skilt från 0 och större än -100, inte "0" (tecknet är '
         "riktningen: -20 betyder minska med 20 %)"),
        (GOOD.replace("target_change_pct: -20", "target_change_pct: -20 %"),
         f'{PLEDGE}, rad 9: fältet "target_change_pct" ska vara ett tal, inte "-20 %"'),
        (GOOD.replace("id: 2025-t2-snatteri", "id: ../x"),
         'pledges.yaml, löfte 1 "../x", rad 2: fältet "id" ska bestå av små bokstäver a–z, siffror, - och _ och börja '
         'med en bokstav eller siffra, inte "../x" – till exempel "x"'),
        (GOOD + "  owner: Polisen\n",
         f'{PLEDGE}, rad 10: okänt fält "owner" (fälten här: id, period, title, category, areas, indicator, '
         "baseline_period, target_change_pct)"),
        (GOOD.replace("  title:", "  titel:"), f'{PLEDGE}, rad 2: fältet "title" saknas\n'
                                               f'{PLEDGE}, rad 4: okänt fält "titel" – menade du "title"?'),
        (GOOD + GOOD, 'pledges.yaml, löfte 2 "2025-t2-snatteri", rad 11: fältet "id": "2025-t2-snatteri" finns redan '
                      "(löfte 1)"),
        ("id: x\nperiod: 2025-T1\n",
         'pledges.yaml: filen ska vara en lista av löften, där varje löfte börjar med en rad "- id: …"'),
    ],
)
def test_broken_pledges_say_file_pledge_line_and_field_in_swedish(data_dir, municipality, broken, message):
    with pytest.raises(ConfigError) as error:
        load_pledges(write(data_dir, broken), municipality)
    assert str(error.value) == message


def test_baseline_equal_to_pledge_period_is_allowed(tmp_path, municipality):
    (pledge,) = load_pledges(write(tmp_path, GOOD.replace("baseline_period: 2025-T1", "baseline_period: 2025-T2")),
                             municipality)
    assert pledge.baseline_period == pledge.period
