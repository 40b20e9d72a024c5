"""Is this text a Swedish municipality? Read from the dbt seeds (kommuner.csv,
kommun_name_variants.csv), the one place the municipalities live.

The spellings are those dbt's int_kommun_keys accepts: the name, "X kommun", the
genitive "Xs kommun", a listed variant, compared case- and whitespace-insensitively
with accents kept (Håbo ≠ Habo; dbt's `casefold_name`), an accent-free spelling only
where it points to one municipality (dbt's `normalise_name`); and the 4-digit code.
Loaders reject a row naming no municipality (police/local's Kommun column,
DATA-CONTRACT §6), so that dbt can map every row it receives.
"""

from __future__ import annotations

import csv
from functools import lru_cache

from ..names import apply, normalise_names
from ..settings import DBT_PROJECT_DIR

SEEDS = DBT_PROJECT_DIR / "seeds"


@lru_cache(maxsize=1)
def names_by_code() -> dict[str, str]:
    """kommun_code -> name of every municipality (kommuner.csv)."""
    with (SEEDS / "kommuner.csv").open(encoding="utf-8") as handle:
        return {row["kommun_code"]: row["kommun_name"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _spellings() -> tuple[tuple[str, str], ...]:
    """(spelling, kommun_code), as int_kommun_keys unions them."""
    rows = []
    for code, name in names_by_code().items():
        rows += [(name, code), (f"{name} kommun", code), (f"{name}s kommun", code)]
    with (SEEDS / "kommun_name_variants.csv").open(encoding="utf-8") as handle:
        rows += [(row["variant"], row["kommun_code"]) for row in csv.DictReader(handle)]
    return tuple(rows)


@lru_cache(maxsize=1)
def _keys() -> tuple[dict[str, str], dict[str, str]]:
    """(exact keys, accent-free keys) -> kommun_code; accent-free only where unambiguous."""
    spellings = _spellings()
    texts = [text for text, _ in spellings]
    exact = dict(zip(apply("casefold_name", texts), (code for _, code in spellings)))
    folded: dict[str, set[str]] = {}
    for key, (_, code) in zip(normalise_names(texts), spellings):
        folded.setdefault(key, set()).add(code)
    return exact, {key: codes.pop() for key, codes in folded.items() if len(codes) == 1}


def kommun_code_of(text: str | None) -> str | None:
    """The municipality code a text names (a name, "X kommun", "Xs kommun", a variant or
    the 4-digit code), or None."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    if text.isdigit():  # exactly four digits, as dbt compares codes (0382, not 382)
        return text if len(text) == 4 and text in names_by_code() else None
    exact, folded = _keys()
    key = apply("casefold_name", [text])[0]
    if key in exact:
        return exact[key]
    return folded.get(normalise_names([text])[0])


def unknown_kommun_reason(column: str, text: str) -> str:
    """Why a row naming no municipality is rejected: the closest name when one is near."""
    from ..config_messages import closest

    if text.isdigit() and len(text) < 4 and text.zfill(4) in names_by_code():
        # Excel drops the leading zero of 0382 in a number cell
        return (f"Kommunkoden '{text}' i kolumnen {column} ska ha fyra siffror – menade du '{text.zfill(4)}' "
                f"({names_by_code()[text.zfill(4)]})? Formatera kolumnen som text så att nollan i början blir kvar.")
    hint = closest(text, names_by_code().values(), cutoff=0.7)
    return (
        f"Okänd kommun '{text}' i kolumnen {column}"
        + (f" – menade du '{hint}'?" if hint else ".")
        + " Ange kommunens namn (som Östhammar eller Östhammars kommun) eller kommunkoden med fyra siffror (som 0382)."
    )
