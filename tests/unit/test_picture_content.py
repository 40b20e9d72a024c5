"""Quotes chosen for the report: never a personal message."""

import re

import pytest

from pipelines.picture.marts import PERSONAL


@pytest.mark.parametrize("answer, personal", [
    ("Mörkt och otryggt vid busstationen på kvällarna.", False),
    ("Jag heter Per Påhittad, personnummer [personnummer], och vill bli kontaktad.", True),
    ("Ring mig på [telefon] om cyklarna som försvinner vid hamnen.", True),
    ("[namn] brukar stå vid kiosken på kvällarna.", True),
    ("Skriv till mig, mitt namn finns hos er.", True),
])
def test_an_answer_that_was_redacted_or_names_its_writer_is_never_quoted(answer, personal):
    assert bool(re.search(PERSONAL, answer)) is personal
