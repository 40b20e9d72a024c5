"""Small-count suppression (DATA-CONTRACT §5), decided once for every figure a
municipality's outputs print, and the Swedish way each figure is written.

Every count that is printed is a *cell* with a key naming the quantity (measure,
period, area, category, …). The same quantity printed in two tables is one cell, so
it is hidden in both or in neither. Additive relations between cells (a row of a
table and its total, the months of a tertial and the tertial) are *lines*.

- Primary: a count from 1 to threshold − 1 of a source that is not public at its
  origin is hidden ('<3').
- Complementary: a line with exactly one hidden cell would give it away by
  subtraction, and so would hidden small counts whose sum (the shown total minus the
  shown cells) is the least or the most they can be; then the smallest other positive
  cell of the line is hidden too ('dolt'); repeated over all lines of all tables until
  nothing changes.
- A line with an unknown cell (`..` at source) gives nothing away: no sum is known.
"""

from __future__ import annotations

import math

import pandas as pd
from dataclasses import dataclass, field

COMPLEMENTARY = "dolt"
UNKNOWN = "okänt"
MISSING = "–"
FEW_ANSWERS = "för få svar"
PRELIMINARY = "preliminär"
TOTAL = "*"


def is_unknown(value) -> bool:
    """None, NaN and pandas' NA (nullable columns of the marts) alike."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def is_small(value, threshold: int) -> bool:
    """Counts from 1 to threshold − 1; 0 and unknown are not counts to hide."""
    return not is_unknown(value) and 0 < value < threshold


@dataclass
class Suppressor:
    threshold: int
    values: dict = field(default_factory=dict)   # key -> count (None = unknown)
    public: set = field(default_factory=set)     # keys public at their source: never hidden
    lines: list = field(default_factory=list)    # (total key, [inner keys])
    primary: set = field(default_factory=set)
    complementary: set = field(default_factory=set)
    suppress: bool = True  # False: the internal edition (DATA-CONTRACT §4.2), every count as it is


    def cell(self, key: tuple, value, public: bool = False) -> tuple:
        self.values.setdefault(key, None if is_unknown(value) else value)
        if public:
            self.public.add(key)
        return key

    def line(self, total: tuple, inners: list[tuple]) -> None:
        self.lines.append((total, sorted(inners, key=repr)))

    def hidden(self, key) -> bool:
        return key in self.primary or key in self.complementary

    def solve(self) -> None:
        if not self.suppress:
            self.primary, self.complementary = set(), set()
            return
        self.primary = {k for k, v in self.values.items() if k not in self.public and is_small(v, self.threshold)}
        hidden = set(self.primary)
        lines = sorted(self.lines, key=repr)  # a deterministic order: the same hidden cells every run
        changed = True
        while changed:
            changed = False
            for total, inners in lines:
                members = [total, *inners]
                if any(self.values.get(k) is None for k in members):
                    continue
                if not self._gives_away(total, inners, hidden):
                    continue
                # Prefer an inner cell over the line's total as the complementary one.
                candidates = [k for k in inners if k not in hidden and k not in self.public and self.values[k] > 0]
                if not candidates and total not in hidden and total not in self.public and self.values[total] > 0:
                    candidates = [total]
                if candidates:
                    hidden.add(min(candidates, key=lambda k: (self.values[k], repr(k))))
                    changed = True
        self.complementary = hidden - self.primary

    def _gives_away(self, total: tuple, inners: list[tuple], hidden: set) -> bool:
        """Whether a line's shown cells pin its hidden ones: a single hidden cell by subtraction;
        with the total shown, hidden small counts whose sum is the least or the most they can be
        ('<3' + '<3' in a row of 4 are 2 and 2)."""
        count = sum(k in hidden for k in (total, *inners))
        if count == 1:
            return True
        hidden_inners = [k for k in inners if k in hidden]
        if count < 2 or total in hidden or self.threshold <= 2 or not set(hidden_inners) <= self.primary:
            return False  # '<2' is 1 already; a hidden total or a large hidden cell leaves the sum open
        rest = self.values[total] - sum(self.values[k] for k in inners if k not in hidden)
        return rest in (len(hidden_inners), len(hidden_inners) * (self.threshold - 1))

    def text(self, key: tuple, missing: bool = False) -> str:
        """A count as printed: '<3', 'dolt', 'okänt', '–' or the number."""
        value = self.values.get(key)
        if value is None:
            return MISSING if missing else UNKNOWN
        if key in self.primary:
            return f"<{self.threshold}"
        if key in self.complementary:
            return COMPLEMENTARY
        return show_int(value)


# --------------------------------------------------------------------------- Swedish number formats


def show_int(value) -> str:
    """12 345 with a no-break space between thousands."""
    return f"{int(round(float(value))):,}".replace(",", "\u00a0")


def show_decimal(value, decimals: int = 1, suffix: str = "") -> str:
    """Swedish decimal comma; '–' when unknown."""
    if is_unknown(value):
        return MISSING
    return f"{float(value):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",") + suffix


def show_share(share) -> str:
    """A share 0–1 as '34 %'."""
    return MISSING if is_unknown(share) else f"{round(float(share) * 100)} %"


def show_change(pct) -> str:
    """A change in percent with its sign: '+12 %', '−8 %', '±0 %'; '–' when unknown."""
    if is_unknown(pct):
        return MISSING
    value = round(float(pct))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value)} %"


def ordinal(n: int) -> str:
    """Swedish ordinal: 1:a, 2:a, 3:e, 11:e, 21:a."""
    return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"
