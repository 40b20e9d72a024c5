"""Quotes chosen for the report: short, one per area, never a personal message."""

import pandas as pd

from pipelines.picture.content import _quotes


def test_quotes_skip_answers_that_were_redacted_or_name_their_writer():
    frame = pd.DataFrame({
        "area_id": ["a", "a", "b", "c", "d"],
        "area_name": ["Alunda", "Alunda", "Gimo", "Gräsö", "Hargshamn"],
        "answer_text": [
            "Mörkt och otryggt vid busstationen på kvällarna.",
            "Ungdomar samlas vid torget och det känns otryggt.",
            "Jag heter Per Påhittad, personnummer [personnummer], och vill bli kontaktad.",
            "Ring mig på [telefon] om cyklarna som försvinner vid hamnen.",
            "Ok.",
        ],
    })
    quotes = _quotes(frame)
    assert [q["area"] for q in quotes] == ["Alunda"]  # one per area; personal and too short left out
    assert not any("[" in q["text"] or "heter" in q["text"] for q in quotes)
