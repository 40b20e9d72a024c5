"""pipelines.ingest.redact: DATA-CONTRACT.md section 5."""

from __future__ import annotations

import signal

import pytest

from pipelines.ingest.redact import neutralise_formula, redact


@pytest.mark.parametrize(
    "pnr",
    [
        "19850412-1234",
        "850412-1234",
        "8504121234",
        "198504121234",
        "850412+1234",  # 100 years or older
        "19850472-1234",  # samordningsnummer: day + 60
        "850472-1234",
        "20050412-1234",
        "050412-1234",  # born 2005, would look like a landline without the rule order
        "0001067883",  # born 2000, no dash: ten digits starting with 0 but no phone shape
    ],
)
def test_personnummer(pnr):
    assert redact(f"Anmälare {pnr}, ring tillbaka.") == "Anmälare [personnummer], ring tillbaka."


@pytest.mark.parametrize(
    "phone",
    [
        "070-123 45 67",
        "070-1234567",
        "0701234567",
        "070 123 45 67",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)70 123 45 67",
        "0046 70-123 45 67",
        "0046701234567",
        "0173-123 45",
        "0173-12345",
        "08-123 456 78",
        "08-12 34 56",
        "(0173) 12345",
        "(08) 123 456 78",
        "018-471 00 00",
        "0173 - 123 45",
    ],
)
def test_phone_numbers(phone):
    assert redact(f"Ring {phone} efter kl 17.") == "Ring [telefon] efter kl 17."


@pytest.mark.parametrize("email", ["anna.svensson@osthammar.se", "a.b+tips@mail.kommun.se", "ÅSA_Ö@exempel.nu"])
def test_email(email):
    assert redact(f"Mejla {email}.") == "Mejla [e-post]."


def test_all_kinds_in_one_text():
    text = "Kontakt: Per, 19850412-1234, per@exempel.se, 070-123 45 67 eller +46 173 123 45."
    assert redact(text) == "Kontakt: Per, [personnummer], [e-post], [telefon] eller [telefon]."


def test_digits_inside_email_do_not_leave_half_an_address():
    assert redact("0701234567@sms.operator.se") == "[e-post]"


@pytest.mark.parametrize(
    "text",
    [
        "Den 2024-05-01 kl 12.30 stals varor för 1 500 kr.",
        "Händelsen 2024-05-01 13:45:00 i Gimo",
        "Postnummer 742 31 Östhammar",
        "År 2023 var det 45 anmälningar, 2019–2023 totalt 1 234.",
        "01-05-2024 hände det igen",
        "Org.nr 556123-4567",
        "Ärende 20240501, vecka 12-14",
        "kl 08.30-09.15, 0,5 liter, 3 st",
        "Excel-datum 45413",
        "Antal: 12 345 678",
        "",
        "Ingen siffra alls",
    ],
)
def test_ordinary_text_stays(text):
    assert redact(text) == text


def test_none_passes_through():
    assert redact(None) is None


def test_redact_does_not_hang_on_a_large_cell():
    # A guard against catastrophic backtracking, not a speed test (that is `make bench`): linear
    # patterns take well under a second here, a backtracking one would not end in 60 s.
    text = "Lång fritext med datum 2024-05-01 och 1 500 kr. " * 20_000  # ~1 MB
    previous = signal.signal(signal.SIGALRM, lambda *_: pytest.fail("redaction of 1 MB did not end in 60 s"))
    signal.alarm(60)
    try:
        assert redact(text) == text
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+46 70 123", "'+46 70 123"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("  =HYPERLINK(\"x\")", "'  =HYPERLINK(\"x\")"),
        ("\t=1", "'\t=1"),
        ("\tvanlig text", "'\tvanlig text"),
        ("\rvanlig text", "'\rvanlig text"),
        ("\n@x", "'\n@x"),
        ("a=b", "a=b"),
        ("Snatteri i butik", "Snatteri i butik"),
        ("'=redan", "'=redan"),
        ("", ""),
    ],
)
def test_neutralise_formula(text, expected):
    assert neutralise_formula(text) == expected


def test_neutralise_formula_none():
    assert neutralise_formula(None) is None


# --------------------------------------------------------------- names, regnr, addresses (§5)

from pipelines.ingest import redact as redact_module  # noqa: E402
from pipelines.ingest.redact import Redactor  # noqa: E402


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Anna Svensson ringde.", "[namn] ringde."),
        ("ANNA-KARIN LUNDBERG hotade personalen", "[namn] hotade personalen"),
        ("jag såg anna vid skolan", "jag såg [namn] vid skolan"),
        ("Annas cykel och Anderssons båt", "[namn] cykel och [namn] båt"),
        ("Igår kom Per Olof Hansson in.", "Igår kom [namn] in."),
        ("Stig ringde i morse.", "[namn] ringde i morse."),
        ("en man kallad \"Snobben\"", "en man kallad \"[namn]\""),
        ("grannen Lindberg klagade", "grannen [namn] klagade"),
        ("Ebba von Sydow var där", "[namn] var där"),
        ("Bil ABC 123, abc123, ABC 12A och xyz-789.", "Bil [regnr], [regnr], [regnr] och [regnr]."),
        ("regnr abc 123 igen", "regnr [regnr] igen"),
        ("Storgatan 12, Kungsvägen 3 B, Stora torget 4, Storg. 12, lgh 1102",
         "[adress], [adress], [adress], [adress], [adress]"),
    ],
)
def test_people_vehicles_and_addresses(text, expected):
    assert Redactor()(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Per dag försvinner varor för 2 000 kr.",
        "Man greps i Gimo.",
        "Han och hon sprang.",
        "Dag efter dag, maj och juni.",
        "Bo kvar i området.",
        "vecka 12, kl 12, rum 3, 2 st, buss 804, år 2024, och 100 kronor, SEK 100",
        "Stöld på ICA, Coop, Willys, Lidl och Systembolaget.",
        "på torget 3 gånger",
    ],
)
def test_ordinary_words_stay(text):
    assert Redactor()(text) == text


def test_municipality_names_are_not_people(tmp_path, monkeypatch):
    (tmp_path / "municipality.yaml").write_text(
        "code: '0001'\nname: Testby\nareas:\n  - {id: ronja, name: Ronja, aliases: [Ronjaberget]}\n"
        "places: [Olof Palmes plats]\npartners: [Kiosken hos Kent]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(tmp_path))
    text = "Klotter i Ronja, vid Olof Palmes plats och Ronjaberget; Kiosken hos Kent larmade. Kent Ek såg det."
    assert redact(text) == (
        "Klotter i Ronja, vid Olof Palmes plats och Ronjaberget; Kiosken hos Kent larmade. [namn] såg det."
    )


def test_partner_values_are_not_people():
    red = Redactor().with_not_people(["Kiosken hos Kent"])
    assert red("Kiosken hos Kent har klotter, Kent Ek såg det.") == "Kiosken hos Kent har klotter, [namn] såg det."


def test_free_text_off(monkeypatch):
    monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
    assert redact_module.free_text("Anna ringde") is None
    monkeypatch.setenv("LAGESBILD_FREE_TEXT", "on")
    assert redact_module.free_text("Anna ringde") == "[namn] ringde"


def test_reasons_of_the_loaders_stay_readable():
    """Rejection reasons are redacted too: their own words must not read as names."""
    for reason in [
        "Datum '2024-13-01' är inget giltigt datum (väntade ÅÅÅÅ-MM-DD, DD/MM/ÅÅÅÅ eller ett Excel-datum).",
        "Kategori 'xyz' är ingen känd problemkategori.",
        "Partner saknas (vem som rapporterar måste anges).",
        "Raden har 2 celler mer än rubrikraden (7 kolumner); kontrollera avgränsare och citattecken.",
        "Händelsen saknar id, eller id är inte ett heltal.",
    ]:
        assert redact(reason) == reason


@pytest.mark.parametrize(
    "text",
    ["på riksväg 92", "länsväg 855", "väg 288 vid Alunda", "vid ingången 2", "parkeringen 3 var full",
     "på torget 3 gånger", "Dag Hammarskjölds väg", "Gustav Adolfs torg", "Birger Jarlsgatan", "så kallad vishing",
     "trafikolycka i Ale", "Olofström", "polis kallas till platsen"],
)
def test_roads_streets_and_places_named_after_people_stay(text):
    assert Redactor()(text) == text


def test_no_protected_shop_name_is_a_bare_first_name():
    """A one-word protected name that is a first name would keep that name everywhere."""
    from pipelines.ingest.names_in_text import first_names

    bare = [b for b in redact_module.BRANDS if " " not in b and b.casefold() in first_names()]
    assert bare == []
    assert Redactor()("Clas Ohlson har rea, Clas Ek handlade") == "Clas Ohlson har rea, [namn] handlade"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Anmälan gjord av Jonas Berg, förvaltare.", "Anmälan gjord av [namn], förvaltare."),
        ("Igår kom Per Stig Hansson.", "Igår kom [namn]."),
        ("Anna Hall ringde", "[namn] ringde"),
        ("Lindberg ringde igen.", "[namn] ringde igen."),
        ("Flickan heter Nora.", "Flickan heter [namn]."),
    ],
)
def test_surnames_that_are_places_or_street_words(text, expected):
    assert Redactor()(text) == expected
