"""The two fill-in templates: the partner report (DATA-CONTRACT §2.5) and the local
police extract (§2.4 local).

The headers are the loaders' own (partners.EXPECTED_COLUMNS, police_local.HEADER), the
category list is the taxonomy's (the dbt seed, via pipelines.ingest.taxonomy), the area
list is municipality.yaml's, and the limits are the loaders' (the date floor, MAX_COUNT):
a value the template accepts is a value the loader accepts, except a date in the future,
which only the loader can know.
"""

from __future__ import annotations

import datetime as dt

from ..config import Municipality
from ..dbt_vars import earliest_date, earliest_text
from ..ingest import partners, police_local
from ..ingest.taxonomy import categories
from .workbook import FAR_DATE, Column, Template

UNKNOWN_AREA_NOTE = "Ett område som inte finns i listan läses in som ”okänt område”."


def genitive(name: str) -> str:
    """'Östhammar' -> 'Östhammars', 'Västerås' -> 'Västerås' (Swedish genitive)."""
    return name if name[-1:].lower() in "sxz" else name + "s"


def _category_names() -> tuple[str, ...]:
    return tuple(c.name for c in categories())


def _area_names(municipality: Municipality) -> tuple[str, ...]:
    return tuple(area.name for area in municipality.areas)


def _area_column(municipality: Municipality, what: str) -> Column:
    """Område: a drop-down of the areas that only warns, since an unknown area loads as okänt."""
    return Column(
        "Område", 22, False,
        "Välj området i listan. " + UNKNOWN_AREA_NOTE,
        f"{what} Välj i listan. {UNKNOWN_AREA_NOTE}",
        municipality.areas[0].name,
        choices=_area_names(municipality),
        choices_strict=False,
        choices_error="Området finns inte i listan. " + UNKNOWN_AREA_NOTE + " Vill du ändå använda det?",
    )


def _example_category(preferred: str) -> str:
    """The example's category: `preferred` if the taxonomy has it, else its first category."""
    found = {c.id: c.name for c in categories()}
    return found.get(preferred) or categories()[0].name


def _category_list() -> str:
    return ", ".join(_category_names())


def partner_template(municipality: Municipality, as_of: dt.date) -> Template:
    floor = earliest_date()
    example_day = as_of - dt.timedelta(days=7)
    columns = (
        Column(
            "Datum", 12, True,
            "Dagen då det hände, ÅÅÅÅ-MM-DD (t.ex. 2025-03-14). Inte ett framtida datum.",
            f"Dagen då det hände, som ÅÅÅÅ-MM-DD (t.ex. 2025-03-14). Ett datum i framtiden eller före "
            f"{earliest_text()} läses inte in.",
            example_day,
            validation={
                "validate": "date", "criteria": "between", "minimum": floor, "maximum": FAR_DATE,
                "error_title": "Datum",
                "error_message": f"Skriv ett datum som ÅÅÅÅ-MM-DD, tidigast {floor.isoformat()}.",
            },
            number_format="yyyy-mm-dd",
        ),
        Column(
            "Partner", 24, True,
            "Er organisation, t.ex. butikens eller föreningens namn. Stava den likadant varje gång.",
            "Er organisation (butik, bostadsbolag, förening, skola …). Stava namnet likadant varje gång: "
            "det är så vi ser vem som rapporterat.",
            "Exempelbutiken",
        ),
        Column(
            "Kategori", 30, True,
            "Välj vad det gällde i listan.",
            f"Vad det gällde. Välj i listan: {_category_list()}. En kategori som inte finns i listan läses inte in.",
            _example_category("snatteri"),
            choices=_category_names(),
            choices_error=f"Välj en kategori i listan: {_category_list()}."[:255],
        ),
        _area_column(municipality, f"Var i {genitive(municipality.name)} kommun det hände."),
        Column(
            "Plats", 24, False,
            "Var mer exakt, t.ex. ”Entrén” eller ”Cykelstället vid stationen”. Inga personnamn.",
            "Var mer exakt, t.ex. ”Entrén”, ”Parkeringen”, ”Cykelstället vid stationen”. Skriv inga namn på "
            "personer och inga gatuadresser med nummer.",
            "Entrén",
        ),
        Column(
            "Antal", 8, False,
            f"Hur många händelser raden gäller: ett heltal, minst 1 (högst {partners.MAX_COUNT}). Tomt = 1.",
            "Hur många likadana händelser raden gäller (samma dag, plats och kategori): ett heltal, minst 1. "
            "Lämnas den tom räknas raden som 1.",
            2,
            validation={
                "validate": "integer", "criteria": "between", "minimum": 1, "maximum": partners.MAX_COUNT,
                "error_title": "Antal",
                "error_message": "Skriv ett heltal, minst 1, eller lämna cellen tom (= 1).",
            },
        ),
        Column(
            "Beskrivning", 60, False,
            "Kort vad som hände. Skriv inga namn, telefonnummer, e-postadresser eller registreringsnummer.",
            "Kort vad som hände. Skriv aldrig namn på personer, personnummer, telefonnummer, e-postadresser, "
            "registreringsnummer eller gatuadresser: sådant tas bort innan något sparas.",
            "Två ungdomar tog godis vid kassan och sprang ut. Personalen såg det men hann inte ikapp.",
        ),
    )
    _same_header(columns, partners.EXPECTED_COLUMNS)
    return Template(
        sheet="Rapporter",
        title=f"Partnerrapport till {genitive(municipality.name)} kommun – så fyller du i",
        columns=columns,
        intro=(
            "Fyll i det första bladet, Rapporter. En rad är en händelse som ni har sett eller fått veta om, "
            "eller flera likadana händelser samma dag och plats (skriv då hur många i Antal).",
            "Ändra inte rubrikraden, skriv inget ovanför den och lägg inte till kolumner. Raderna under "
            "rubriken är bara data: inga summor, rubriker eller tomma mellanrader behövs.",
            "Listorna i Kategori och Område visar vad som går att välja. Håll muspekaren över en cell "
            "för en kort hjälptext.",
        ),
        sections=(
            ("Om en rad är fel", (
                "En rad som inte går att läsa in (t.ex. okänd kategori, ett datum i framtiden eller före "
                f"{earliest_text()}, Antal 0 eller en rad som saknar Datum, Partner eller Kategori) läses "
                "inte in alls. Övriga rader i filen läses in som vanligt.",
                "Raden och orsaken listas i kommunens kvalitetsrapport, och samordnaren hör av sig. Rätta "
                "raden och skicka filen igen: rader som redan har lästs in räknas inte två gånger.",
            )),
            ("Personuppgifter", (
                "Skriv aldrig namn på personer, personnummer, telefonnummer, e-postadresser, "
                "registreringsnummer eller gatuadresser med nummer i Plats eller Beskrivning. Sådant tas bort "
                "automatiskt innan något sparas, men skriv det helst inte alls.",
            )),
            ("Skicka filen", (
                "Spara filen som Excel (.xlsx) – eller som CSV med semikolon – och skicka den till den som gav "
                f"er mallen: {genitive(municipality.name)} kommuns samordnare för brottsförebyggande arbete. "
                "Det går bra att skicka samma fil flera gånger med nya rader tillagda.",
            )),
        ),
    )


def police_local_template(municipality: Municipality, as_of: dt.date) -> Template:
    floor = earliest_date().replace(day=1)
    last_month = as_of.replace(day=1) - dt.timedelta(days=1)
    columns = (
        Column(
            "Månad", 10, True,
            "Månaden, ÅÅÅÅ-MM (t.ex. 2025-03). Inte en månad som ännu inte har börjat.",
            f"Månaden som raden gäller, ÅÅÅÅ-MM (t.ex. 2025-03; ett datum i månaden går också bra). "
            f"En månad före {earliest_text()} eller en som inte har börjat läses inte in.",
            last_month.replace(day=1),
            validation={
                "validate": "date", "criteria": "between", "minimum": floor, "maximum": FAR_DATE,
                "error_type": "warning", "error_title": "Månad",
                "error_message": f"Skriv månaden som ÅÅÅÅ-MM, tidigast {floor:%Y-%m}.",
            },
            number_format="yyyy-mm",
        ),
        _area_column(municipality, f"Området i {genitive(municipality.name)} kommun."),
        Column(
            "Brottskategori", 30, True,
            "Välj brottskategorin i listan.",
            f"Välj i listan: {_category_list()}. En kategori som inte finns i listan läses inte in.",
            _example_category("inbrott"),
            choices=_category_names(),
            choices_error=f"Välj en kategori i listan: {_category_list()}."[:255],
        ),
        Column(
            "Antal", 8, True,
            "Antal anmälda brott: ett heltal, 0 eller större. Skriv .. om uppgiften är skyddad.",
            "Antal anmälda brott den månaden, i området och kategorin: ett heltal, 0 eller större. Skriv .. "
            "(två punkter) om uppgiften är skyddad: den räknas då som okänd, inte som 0.",
            4,
            validation={
                # a whole number >= 0, or '..' (suppressed at source)
                "validate": "custom", "value": '=OR({cell}="..",AND(ISNUMBER({cell}),{cell}>=0,INT({cell})={cell}))',
                "error_title": "Antal",
                "error_message": "Skriv ett heltal, 0 eller större, eller .. om uppgiften är skyddad.",
            },
        ),
    )
    _same_header(columns, police_local.HEADER)
    return Template(
        sheet="Utdrag",
        title=f"Utdrag från lokalpolisområdet till {genitive(municipality.name)} kommun – så fyller du i",
        columns=columns,
        intro=(
            "Fyll i det första bladet, Utdrag. En rad är antalet anmälda brott under en månad, i ett område "
            "och i en brottskategori.",
            "Ändra inte rubrikraden, skriv inget ovanför den och lägg inte till kolumner.",
            "Flera rader med samma månad, område och kategori i en fil läggs ihop. Ett nytt utdrag ersätter "
            "äldre utdrag för varje månad det innehåller: en kategori som saknas en sådan månad räknas som 0.",
        ),
        sections=(
            ("Om en rad är fel", (
                "En rad med okänd kategori, en månad som inte har börjat eller före "
                f"{earliest_text()}, eller ett Antal som inte är ett heltal läses inte in. Övriga rader läses "
                "in som vanligt, och raden listas med orsak i kommunens kvalitetsrapport.",
            )),
            ("Skicka filen", (
                "Spara som Excel (.xlsx) eller CSV med semikolon och skicka filen till "
                f"{genitive(municipality.name)} kommuns samordnare för brottsförebyggande arbete.",
            )),
        ),
    )


def _same_header(columns: tuple[Column, ...], expected: list[str]) -> None:
    """The template's columns are the loader's, in the loader's order."""
    names = [c.name for c in columns]
    if names != list(expected):
        raise AssertionError(f"template columns {names} differ from the loader's {expected}")
