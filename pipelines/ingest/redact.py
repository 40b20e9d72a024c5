"""Privacy rules for free text (DATA-CONTRACT.md section 5).

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

import re

__all__ = ["redact", "neutralise_formula", "PERSONNUMMER", "TELEFON", "EPOST"]

PERSONNUMMER = "[personnummer]"
TELEFON = "[telefon]"
EPOST = "[e-post]"

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


def redact(text: str | None) -> str | None:
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


_FORMULA_START = re.compile(r"\s*[=+\-@]|[\t\r]")


def neutralise_formula(text: str | None) -> str | None:
    """Prefix ``'`` to text a spreadsheet would run as a formula: starting with
    ``=``, ``+``, ``-``, ``@`` (also after leading whitespace), tab or carriage return
    (OWASP CSV injection). Quoting the cell for CSV is the writer's job."""
    if text and _FORMULA_START.match(text):
        return "'" + text
    return text
