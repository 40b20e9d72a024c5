"""Privacy rules for free text (DATA-CONTRACT.md section 5).

The one place every caller redacts free text: :func:`redact` (and :func:`free_text`,
which also honours ``LAGESBILD_FREE_TEXT=off``) use the run's :class:`Redactor`,
configured from the data directory's ``municipality.yaml`` (areas and their aliases,
``places``, ``partners``: names that are not people; in a region, the loading folder's
own file, or every municipality's for a shared file: :func:`redaction_scope`). Numbers first (below), then:

- Swedish vehicle registration numbers (``ABC 123``, ``ABC123``, ``ABC 12A``,
  ``abc-123``; lower case with a space only after a word like ``regnr``/``bil``,
  since ``och 100`` has the same shape) -> ``[regnr]``;
- street addresses with a number (``Storgatan 12``, ``Kungsvägen 3 B``, ``Stora torget 4``,
  ``Storg. 12``) and apartment numbers (``lgh 1102``) -> ``[adress]``; a street word is
  needed, so ``vecka 12``, ``kl 12``, ``rum 3``, ``buss 804`` stay;
- people's names (names_in_text.py) -> ``[namn]``, except inside a protected name.

:func:`redact` runs on every free-text cell before it is stored anywhere (raw
included); :func:`neutralise_formula` on every text cell before it reaches an
export a spreadsheet could open. Both are pure and cheap: precompiled patterns,
and text with no ``@`` and no run of eight digits is returned untouched
(~1 MB of such text: 10 ms).

Order: e-mail first (so digits inside an address do not become a half-redacted
``anna.[telefon]@x.se``), then personnummer (so ``050412-1234`` is not read as
a landline), then phone numbers.

Ambiguity resolved on purpose: ten bare digits starting with ``0`` and a
non-zero digit (``0701234567``) are a phone number, although the personnummer of someone born
2007-01-23 is written the same way without its dash; either way the digits are
gone. Personnummer are not checked with Luhn: a mistyped number is still
personal data.
"""

from __future__ import annotations

import os
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Iterable

from .names_in_text import NotPeople, find_names

__all__ = [
    "redact", "free_text", "redactor", "redaction_scope", "Redactor", "neutralise_formula",
    "PERSONNUMMER", "TELEFON", "EPOST", "NAMN", "REGNR", "ADRESS",
]

PERSONNUMMER = "[personnummer]"
TELEFON = "[telefon]"
EPOST = "[e-post]"
NAMN = "[namn]"
REGNR = "[regnr]"
ADRESS = "[adress]"

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])",
)

# YYMMDD or YYYYMMDD, an optional - or + (100 years or older), four digits.
# Day 61-91 is a samordningsnummer. Not glued to other digits (nor to "2024-"
# style prefixes), and not ten bare digits starting with 0 and 1-9 (a phone
# number; 0001067883, born 2000, has no phone shape and stays a personnummer).
_PNR = re.compile(
    r"""
    (?<!\d)(?<!\d[-+./])
    (?!0[1-9]\d{8}(?!\d))
    (?:1[89]|20)?\d{2}
    (?:0[1-9]|1[0-2])
    (?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])
    [-+]?
    \d{4}
    (?!\d)(?![-.,]\d)
    """,
    re.VERBOSE,
)

# A Swedish number: +46 / 0046 (optionally "(0)") or a trunk 0, then 7-9 more
# digits (the national number), separated by spaces, dashes or parentheses.
# Not glued to other digits, so 2024-05-01, 12.30, "1 500 kr" and "742 31" stay.
_SEP = r"[ \u00a0\u202f\-\u2013()]{0,3}"
_PHONE = re.compile(
    rf"""
    (?<![\d\w])(?<!\d[-./,])
    (?!0\d-\d{{2}}-\d{{4}}(?!\d))            # 01-05-2024 is a date
    (?:
        (?:\+|00)[ ]?46{_SEP}(?:\(0\){_SEP}|0{_SEP})?
      | \(?0
    )
    [1-9](?:{_SEP}\d){{6,8}}
    (?!\d)(?![-.,/]\d)
    """,
    re.VERBOSE,
)

# Pre-filter: both a personnummer and a phone number have at least 8 digits in one
# run. Starting with \d lets the regex engine skip quickly; the patterns above
# begin with lookbehinds and would be tried at every position.
_DIGIT_RUN = re.compile(r"\d(?:[ \u00a0\u202f\-\u2013+()]{0,3}\d){7}")


def redact_numbers(text: str | None) -> str | None:
    """``text`` with e-mail addresses, personnummer/samordningsnummer and Swedish
    phone numbers replaced by ``[e-post]``, ``[personnummer]``, ``[telefon]``."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub(EPOST, text)
    if _DIGIT_RUN.search(text):
        text = _PNR.sub(PERSONNUMMER, text)
        text = _PHONE.sub(TELEFON, text)
    return text


# Registration numbers: three letters of the plate alphabet (no I, Q, V, Å, Ä, Ö), two
# digits, a digit or a letter (not O). Capitals: any form. Lower case: glued or with a
# dash; with a space only after a word that announces a vehicle.
_PLATE = r"[A-HJ-PR-UW-Z]{3}"
_PLATE_END = r"\d{2}[\dA-HJ-NPR-UW-Z]"
_NOT_PLATES = r"(?!(?:SEK|EUR|USD|NOK|DKK|GBP|SOS|MAX|MIN|TOT|NUM|ANT|TPL|AVD)\b)"
_REGNR = re.compile(
    rf"""
    (?<![\w-])
    (?:
        {_NOT_PLATES}{_PLATE}[ \u00a0-]?{_PLATE_END}
      | (?i:{_NOT_PLATES}{_PLATE}-?{_PLATE_END})
    )
    (?![\w-])
    """,
    re.VERBOSE,
)
_REGNR_CUED = re.compile(
    rf"""
    (?i:(\b(?:regnr|reg\.\s?nr|reg\.?nummer|registreringsnummer|registreringsnr|bil|bilen|bilnummer|
        fordon|fordonet|skylt|skylten|skyltar|nummerplåt|nummerplåten|plåt|plåten|mc|moped|mopeden)
    \.?:?\s{{1,3}})
    (?:{_PLATE}[ \u00a0]{_PLATE_END}))
    (?![\w-])
    """,
    re.VERBOSE,
)

# A street word: a name ending in a street suffix, or an adjective and one (Stora torget),
# or an abbreviation (Storg., Kungsv.); then a number and maybe a letter (3 B) or range.
_STREET_SUFFIX = (
    r"(?:gatan|gata|vägen|väg|gränd|gränden|torget|torg|allén|allé|alle|backe|backen|stigen|stig|"
    r"leden|platsen|plan|stråket|kajen|esplanaden|promenaden|gången|slingan|ringen|gärdet|hagen|"
    r"ängen|vägar|strand|stranden|udden|kroken|liden|höjden|parken|kullen)"
)
_ADRESS = re.compile(
    rf"""
    (?<![\w-])
    (?:
        (?i:(?:stora|lilla|norra|södra|östra|västra|gamla|nya|övre|nedre)\s+{_STREET_SUFFIX})
      | (?-i:[A-ZÅÄÖ][^\W\d_]*s\s+)?(?i:[^\W\d_]{{2,}}{_STREET_SUFFIX})
      | (?i:[^\W\d_]{{3,}}[gv]\.)
    )
    [ \u00a0]?\d{{1,4}}(?:[ \u00a0]?[A-Ha-h](?![\w]))?(?:[ \u00a0]?[-–][ \u00a0]?\d{{1,4}})?
    (?!\d)(?![.,]\d)
    (?![ \u00a0]*(?:st|stycken|gånger|ggr|personer|pers|ungdomar|kr|kronor|min|minuter|timmar|dagar|år|%|procent)\b)
    |
    (?i:\blgh\.?[ \u00a0]?\d{{4}}\b)
    """,
    re.VERBOSE,
)
# Numbered roads are no one's address: riksväg 92, länsväg 855, väg 288, E4.
_ROAD = re.compile(r"[^\W\d_]*väg[ \u00a0]?\d|(?:riks|läns|lands)vägen[ \u00a0]?\d", re.IGNORECASE)


# Common nouns with a street ending: "parkeringen 2", "ingången 3" are no address.
_NOT_STREETS = re.compile(
    r"(?:parkeringen|ingången|utgången|uppgången|nedgången|övergången|genomgången|tillgången|"
    r"avgången|våningsplan|detaljplan|översiktsplan|handlingsplan|lekparken|skateparken)\b",
    re.IGNORECASE,
)


def _address(match: re.Match) -> str:
    text = match.group()
    return text if _ROAD.match(text) or _NOT_STREETS.match(text) else ADRESS


# Cheap pre-filters: the patterns above are tried only where they can match.
_LOWER_PLATE = re.compile(r"[ \u00a0]\d{2}[\da-zA-Z](?![\w-])")
_STREET_WORDS = tuple(_STREET_SUFFIX[3:-1].split("|")) + ("lgh",)
_ABBREVIATED_STREET = re.compile(r"[gv]\.[ \u00a0]?\d")
_DIGIT = re.compile(r"\d")
_PLATE_SHAPE = re.compile(r"[a-zA-Z]{3}[ \u00a0-]?\d\d[\dA-Za-z](?![\w-])")

# Shops, chains and public bodies every municipality has: never people. A one-word name that
# is also a first name (Max, Ingo) is left out: protecting it would keep "Max" of "Max Ek".
BRANDS = (
    "ICA", "ICA Kvantum", "ICA Maxi", "ICA Supermarket", "ICA Nära", "Coop", "Stora Coop", "Coop Konsum",
    "Willys", "Hemköp", "Lidl", "Netto", "City Gross", "Tempo", "Handlar'n", "Systembolaget", "Apoteket",
    "Apotek Hjärtat", "Kronans Apotek", "Pressbyrån", "Circle K", "Preem", "OKQ8", "Shell", "St1",
    "Jula", "Biltema", "Clas Ohlson", "Åhléns", "Rusta", "Dollarstore", "Lager 157", "Elgiganten",
    "McDonald's", "Burger King", "Postnord", "Securitas", "Avarn", "Polisen", "Trafikverket",
    "Försäkringskassan", "Arbetsförmedlingen", "Socialtjänsten", "Räddningstjänsten", "Region Uppsala",
    "Intersport", "Stadium", "Normal", "Flying Tiger", "Lindex", "Kappahl", "H&M", "Granngården",
    "Bauhaus", "Byggmax", "Mekonomen", "Tele2", "Telia",
)


class Redactor:
    """Free-text redaction with the run's names that are not people (see module docstring)."""

    def __init__(self, not_people: Iterable[str] = ()):
        self.not_people = tuple(sorted({n.strip() for n in [*BRANDS, *not_people] if n and n.strip()}))
        self._protected = NotPeople(self.not_people)
        self._with: dict[tuple[str, ...], Redactor] = {}

    def with_not_people(self, names: Iterable[str]) -> "Redactor":
        """This redactor plus more names that are not people (a partner file's Partner column)."""
        extra = tuple(sorted({n for n in names if n}))
        if not extra or set(extra) <= set(self.not_people):
            return self
        if extra not in self._with:
            self._with[extra] = Redactor([*self.not_people, *extra])
        return self._with[extra]

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        text = redact_numbers(text)
        if _DIGIT.search(text):
            if _PLATE_SHAPE.search(text):
                text = _REGNR.sub(REGNR, text)
            if _LOWER_PLATE.search(text):
                text = _REGNR_CUED.sub(lambda m: m.group(1) + REGNR, text)
            lowered = text.casefold()
            if any(word in lowered for word in _STREET_WORDS) or _ABBREVIATED_STREET.search(text):
                text = _ADRESS.sub(_address, text)
        spans = find_names(text, self._protected)
        if not spans:
            return text
        parts, last = [], 0
        for start, end in spans:
            parts += [text[last:start], NAMN]
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def free_text(self, text: str | None) -> str | None:
        """A free-text cell as stored: redacted, or None when LAGESBILD_FREE_TEXT=off."""
        from ..settings import free_text_stored

        return self(text) if free_text_stored() else None


def municipality_not_people(municipality) -> list[str]:
    """The names of a Municipality (pipelines.config) that are not people."""
    names = [municipality.name, *municipality.places, *municipality.partners]
    for area in municipality.areas:
        names += [area.name, *area.aliases]
    return names


# Whose names the run's redactor protects: the municipality.yaml files in force. Unset, the
# data dir's own (one municipality), or every municipality's in a region (a shared root file
# may name places of any of them); the loaders set one folder's file around its files.
_scope: ContextVar[tuple[Path, ...] | None] = ContextVar("redaction_scope", default=None)
_checked: dict[tuple, tuple[float, Redactor]] = {}  # (data dir, scope) -> (when looked at, redactor)
_built: dict[tuple, Redactor] = {}  # the files' (path, mtime, size) -> redactor
# One file's (path, mtime, size) -> its names: a region's loaders build a redactor per folder
# and one of all files for the shared folders, so each file is parsed once, not per scope.
_names: dict[tuple, list[str]] = {}
MAX_CACHED = 4096  # redactors (or files) kept: every folder of the 290 municipalities and their union
RECHECK_SECONDS = 1.0  # the files are looked at again at most this often


@contextmanager
def redaction_scope(municipality_files: Iterable[Path] | None):
    """Within the block, :func:`redact` protects the names of these municipality.yaml files
    (a municipality folder's own; all of a region's for a shared file; None: the default)."""
    token = _scope.set(None if municipality_files is None else tuple(Path(f) for f in municipality_files))
    try:
        yield
    finally:
        _scope.reset(token)


def current_scope() -> tuple[Path, ...] | None:
    """The municipality.yaml files in scope (None: the default), to enter the same scope later."""
    return _scope.get()


def _default_files() -> tuple[Path, ...]:
    from .. import layout
    from ..settings import data_dir_from_env

    return tuple(entry.municipality_file for entry in layout.municipality_dirs(data_dir_from_env()))


def _stat_key(path: Path) -> tuple:
    try:
        stat = path.stat()
        return (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return (str(path), None)


def redactor() -> Redactor:
    """The run's redactor: from the municipality.yaml files in scope (see `_scope`; re-read
    when one changes; they are looked at most once a second, as this is called for every
    cell). A file that cannot be read adds no names (the config check reports it); the shop
    names are always protected."""
    scope = _scope.get()
    key = (os.environ.get("LAGESBILD_DATA_DIR"), scope)
    now = time.monotonic()
    seen = _checked.get(key)
    if seen is not None and now - seen[0] < RECHECK_SECONDS:
        return seen[1]
    from ..config import ConfigError, load_municipality

    files = scope if scope is not None else _default_files()
    stats = tuple(_stat_key(path) for path in files)
    if stats not in _built:
        names: list[str] = []
        for path, stat in zip(files, stats):
            if stat not in _names:
                try:
                    _names[stat] = municipality_not_people(load_municipality(Path(path)))
                except (ConfigError, OSError):
                    _names[stat] = []
            names += _names[stat]
        if len(_built) > MAX_CACHED or len(_names) > MAX_CACHED:  # edits over a long-running process
            _built.clear()
            _names.clear()
        _built[stats] = Redactor(names)
    _checked[key] = (now, _built[stats])
    return _built[stats]


def redact(text: str | None) -> str | None:
    """``text`` without personnummer, phone numbers, e-mail addresses, registration
    numbers, street addresses and people's names (the run's :class:`Redactor`)."""
    if not text:
        return text
    return redactor()(text)


def free_text(text: str | None) -> str | None:
    """A free-text cell as stored: :func:`redact`, or None when ``LAGESBILD_FREE_TEXT=off``."""
    return redactor().free_text(text)


_FORMULA_START = re.compile(r"\s*[=+\-@]|[\t\r]")


def neutralise_formula(text: str | None) -> str | None:
    """Prefix ``'`` to text a spreadsheet would run as a formula: starting with
    ``=``, ``+``, ``-``, ``@`` (also after leading whitespace), tab or carriage return
    (OWASP CSV injection). Quoting the cell for CSV is the writer's job."""
    if text and _FORMULA_START.match(text):
        return "'" + text
    return text
