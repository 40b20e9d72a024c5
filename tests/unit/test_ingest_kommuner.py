"""Which texts name a Swedish municipality (pipelines/ingest/kommuner.py): the spellings
dbt's int_kommun_keys maps, and the code; the reason for one that names none."""

import pytest

from pipelines.ingest.kommuner import kommun_code_of, unknown_kommun_reason


@pytest.mark.parametrize(("text", "code"), [
    ("Östhammar", "0382"), (" östhammars  KOMMUN ", "0382"), ("Osthammar", "0382"),  # case, space, accents
    ("Tierps kommun", "0360"), ("0360", "0360"), ("Stockholms stad", "0180"),        # genitive, code, variant
    ("Håbo", "0305"), ("Habo", "0643"),                                              # accents kept where they matter
    ("Uppsala län", None), ("0000", None), ("360", None), ("", None), (None, None),
])
def test_names_codes_and_variants(text, code):
    assert kommun_code_of(text) == code


def test_reasons_suggest_the_closest_name_or_the_missing_zero():
    assert unknown_kommun_reason("Kommun", "Tirp") == (
        "Okänd kommun 'Tirp' i kolumnen Kommun – menade du 'Tierp'? Ange kommunens namn (som Östhammar eller "
        "Östhammars kommun) eller kommunkoden med fyra siffror (som 0382).")
    assert unknown_kommun_reason("Kommun", "382").startswith(
        "Kommunkoden '382' i kolumnen Kommun ska ha fyra siffror – menade du '0382' (Östhammar)?")
