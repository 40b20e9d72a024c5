"""pydantic's errors in Swedish, by error type, and the suggestions (pipelines/config_messages.py).

The errors are pydantic's own, raised by validating real YAML against a small model, so a
change of pydantic's error types shows here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from pipelines import config_messages as msg


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    size: Annotated[int, Field(ge=1, le=10)] = 1


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    count: int = 0
    share: float = 0.0
    when: dt.date | None = None
    flag: bool = False
    kind: Literal["liten", "stor"] = "liten"
    tags: list[str] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list, min_length=0)
    sizes: dict[int, int] = Field(default_factory=dict)
    extra: Part | None = None


@pytest.fixture(autouse=True)
def nouns(monkeypatch):
    monkeypatch.setitem(msg.ENTRY_NOUNS, Thing, ("sak", "id"))
    monkeypatch.setitem(msg.ENTRY_NOUNS, Part, ("del", "name"))
    monkeypatch.setitem(msg.PATTERN_HELP, r"^[a-z_]+$", "ska bestå av små bokstäver och _")


def problems(text: str) -> list[tuple[str, str]]:
    data = yaml.safe_load(text)
    node = yaml.compose(text)
    with pytest.raises(ValidationError) as error:
        TypeAdapter(list[Thing]).validate_python(data)
    return [msg.describe(e, list[Thing], data, node) for e in error.value.errors()]


@pytest.mark.parametrize(
    "text, where, what",
    [
        ("- id: Abc\n", 'sak 1 "Abc", rad 1', 'fältet "id" ska bestå av små bokstäver och _, inte "Abc" – till exempel "abc"'),
        ("- count: 2\n", "sak 1, rad 1", 'fältet "id" saknas'),
        ("- id: a\n  cuont: 2\n", 'sak 1 "a", rad 2', 'okänt fält "cuont" – menade du "count"?'),
        ("- id: a\n  zzz: 2\n", 'sak 1 "a", rad 2',
         'okänt fält "zzz" (fälten här: id, count, share, when, flag, kind, tags, parts, sizes, extra)'),
        ("- id: a\n  count: many\n", 'sak 1 "a", rad 2', 'fältet "count" ska vara ett heltal, inte "many"'),
        ("- id: a\n  count: 1.5\n", 'sak 1 "a", rad 2', 'fältet "count" ska vara ett heltal, inte "1.5"'),
        ("- id: a\n  share: 1,5\n", 'sak 1 "a", rad 2', 'fältet "share" ska vara ett tal, inte "1,5"'),
        ("- id: a\n  when: '2025-13-01'\n", 'sak 1 "a", rad 2',
         'fältet "when" ska vara ett giltigt datum som 2025-05-01 (ÅÅÅÅ-MM-DD), inte "2025-13-01"'),
        ("- id: a\n  flag: kanske\n", 'sak 1 "a", rad 2', 'fältet "flag" ska vara true eller false, inte "kanske"'),
        ("- id: a\n  kind: stora\n", 'sak 1 "a", rad 2',
         'fältet "kind": värdet "stora" – menade du "stor"? (tillåtna värden: liten, stor)'),
        ("- id: a\n  tags: x\n", 'sak 1 "a", rad 2',
         'fältet "tags" ska vara en lista: [a, b] eller en rad per post som börjar med -, inte "x"'),
        ("- id: a\n  tags: [x, 3]\n", 'sak 1 "a", rad 2',
         'fältet "tags" (nr 2) ska vara en text (sätt den inom citattecken), inte "3"'),
        ("- id: a\n  parts:\n    - {name: hjul, size: 0}\n", 'sak 1 "a", del 1 (hjul), rad 3',
         'fältet "size" ska vara minst 1, inte "0"'),
        ("- id: a\n  parts:\n    - {name: hjul}\n    - {name: axel, size: 11}\n", 'sak 1 "a", del 2 (axel), rad 4',
         'fältet "size" ska vara högst 10, inte "11"'),
        ("- id: a\n  parts: [hjul]\n", 'sak 1 "a", del 1, rad 2', 'posten ska bestå av fält som name:, size:, inte "hjul"'),
        ("- id: a\n  extra: {size: 2}\n", 'sak 1 "a", rad 2', 'fältet "extra.name" saknas'),
        ("- id: a\n  sizes: {2023: x}\n", 'sak 1 "a", rad 2', 'fältet "sizes" (2023) ska vara ett heltal, inte "x"'),
        ("- id: a\n  sizes: {tjugo: 1}\n", 'sak 1 "a", rad 2', 'fältet "sizes": nyckeln "tjugo" ska vara ett heltal'),
        ("- id: a\n- id: b\n  count: x\n", 'sak 2 "b", rad 3', 'fältet "count" ska vara ett heltal, inte "x"'),
    ],
)
def test_each_error_type_in_swedish_with_entry_line_and_field(text, where, what):
    assert problems(text) == [(where, what)]


def test_a_file_that_is_not_a_list():
    data = {"id": "a"}
    with pytest.raises(ValidationError) as error:
        TypeAdapter(list[Thing]).validate_python(data)
    (problem,) = [msg.describe(e, list[Thing], data, yaml.compose("id: a\n")) for e in error.value.errors()]
    assert problem == ("", "filen ska vara en lista: [a, b] eller en rad per post som börjar med -, inte en samling fält")


@pytest.mark.parametrize(
    "value, choices, expected",
    [
        ("pagar", ["planerad", "pågår", "genomförd", "inställd"], "pågår"),  # accents do not count
        ("GIMMO", ["osthammar", "gimo", "alunda"], "gimo"),  # nor does case
        ("populaton", ["name", "aliases", "population"], "population"),
        ("snateri", ["stold", "Snatteri", "snatteri"], "Snatteri"),  # the first spelling of a folded match
        ("fiske", ["stold", "inbrott", "snatteri"], None),
        (None, ["a"], None),
        ("a", [], None),
    ],
)
def test_closest(value, choices, expected):
    assert msg.closest(value, choices) == expected


def test_did_you_mean_and_unknown_choice():
    assert msg.did_you_mean("agre4", ["agree4", "trygg4"]) == ' – menade du "agree4"?'
    assert msg.did_you_mean("xyz", ["agree4"]) == ""
    assert msg.unknown_choice("okänd skala", "agre4", ["agree4", "trygg4"], "skalor") == (
        'okänd skala "agre4" – menade du "agree4"? (skalor: agree4, trygg4)'
    )
    assert msg.unknown_choice("okänd skala", "x", [], "skalor") == 'okänd skala "x" (det finns inga skalor)'
    many = [f"omrade_{i}" for i in range(15)]
    assert msg.unknown_choice("okänt område", "zz", many, "områden").endswith("omrade_11 och 3 till)")


def test_quote_and_slug():
    assert msg.quote(None) == "tomt"
    assert msg.quote(True) == '"true"'
    assert msg.quote(dt.date(2025, 5, 1)) == '"2025-05-01"'
    assert msg.quote("a\n  b") == '"a b"'
    assert msg.quote("x" * 100) == '"' + "x" * 59 + '…"'
    assert msg.slug("Östra Gimo ") == "ostra_gimo"
    assert msg.slug("Valö-Börstil") == "valo_borstil"


def test_swedish_field_names_are_understood():
    assert problems("- id: a\n  parts:\n    - {namn: hjul}\n") == [
        ('sak 1 "a", del 1, rad 3', 'fältet "name" saknas'),
        ('sak 1 "a", del 1, rad 3', 'okänt fält "namn" – menade du "name"?'),
    ]


def test_line_of_follows_the_location():
    node = yaml.compose("a:\n  - x: 1\n  - x: 2\n    y: 3\n")
    assert msg.line_of(node, ("a", 1, "y")) == 4
    assert msg.line_of(node, ("a", 1, "z")) == 3  # missing: the entry's line
    assert msg.line_of(node, ("b",)) is None  # missing at the top: no line of its own
    assert msg.line_of(None, ("a",)) is None


def test_display_name(tmp_path):
    assert msg.display_name(tmp_path / "surveys" / "questions.yaml", tmp_path) == "surveys/questions.yaml"
    assert msg.display_name(tmp_path / "x.yaml", tmp_path / "other") == str(tmp_path / "x.yaml")
