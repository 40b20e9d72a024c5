"""Small-count suppression for everything that is published (DATA-CONTRACT §5)."""

from __future__ import annotations

import math

import pandas as pd


def is_hidden(value, threshold: int) -> bool:
    """Counts from 1 to threshold − 1 are hidden; 0 and unknown are not counts to hide."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return 0 < value < threshold


def show_count(value, threshold: int) -> str:
    """A count as published: '<3' style below the threshold, '–' when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if is_hidden(value, threshold):
        return f"<{threshold}"
    return f"{int(value):,}".replace(",", "\u00a0")


COMPLEMENTARY = "dolt"
TOTAL = "__total__"


def suppress_table(counts: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Text version of a count table published with its row and column totals.

    Returns the table with a total row and column (labelled `TOTAL`). Counts from 1
    to threshold − 1 become '<t'. Every row and column, totals included, adds up;
    a line with exactly one hidden cell would let a reader work that cell out, so
    the smallest other positive cell of the line is hidden too ('dolt'), repeated
    until no line has a single hidden cell (complementary suppression).
    """
    values = counts.fillna(0).astype("int64")
    values[TOTAL] = values.sum(axis=1)
    values.loc[TOTAL] = values.sum(axis=0)
    small = values.map(lambda v: is_hidden(v, threshold))
    extra = pd.DataFrame(False, index=values.index, columns=values.columns)
    lines = [("row", key) for key in values.index] + [("col", key) for key in values.columns]
    changed = True
    while changed:
        changed = False
        for kind, key in lines:
            line = values.loc[key] if kind == "row" else values[key]
            masked = (small | extra).loc[key] if kind == "row" else (small | extra)[key]
            if int(masked.sum()) != 1:
                continue
            # Prefer an inner cell over the line's total as the complementary one.
            candidates = line[(~masked) & (line > 0)]
            inner = candidates.drop(TOTAL, errors="ignore")
            candidates = inner if not inner.empty else candidates
            if candidates.empty:
                continue
            target = candidates.idxmin()
            if kind == "row":
                extra.loc[key, target] = True
            else:
                extra.loc[target, key] = True
            changed = True
    text = values.map(lambda v: show_count(v, threshold) if v else "0")
    return text.mask(extra, COMPLEMENTARY)


# --------------------------------------------------------------------------- shared helpers
# Every published table, chart, sheet and brief takes its count cells from one
# suppressed matrix per (period, measure), so a cell hidden in one place is hidden in all.


def hidden_mask(text: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """True where `suppress_table` text hides a value ('<t' or 'dolt')."""
    return text.isin([f"<{threshold}", COMPLEMENTARY])


def suppress_series(counts: pd.Series, threshold: int) -> tuple[pd.Series, str]:
    """A list of counts published with its total: (text per key, text of the total)."""
    if counts.empty:
        return pd.Series(dtype=object), "0"
    text = suppress_table(counts.to_frame("value"), threshold)
    return text["value"].drop(TOTAL), text.loc[TOTAL, "value"]


def shown_value(value, text: str):
    """The number a chart may draw for a published cell: None when the text hides it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if text in ("–",) or text.startswith("<") or text == COMPLEMENTARY:
        return None
    return value


def show_share(share, respondents, threshold: int, decimals: int = 0) -> str:
    """A survey share as published, e.g. '34 %'.

    The share of n respondents reveals how many answered each way: hidden when the
    respondents, the problem answers or the other answers number 1 to threshold − 1.
    """
    if share is None or respondents is None or pd.isna(share) or pd.isna(respondents):
        return "–"
    n = int(respondents)
    problem = round(float(share) * n)
    if is_hidden(n, threshold) or is_hidden(problem, threshold) or is_hidden(n - problem, threshold):
        return f"dolt (färre än {threshold} svar)"
    return f"{float(share) * 100:.{decimals}f} %".replace(".", ",")


def share_is_shown(share, respondents, threshold: int) -> bool:
    return show_share(share, respondents, threshold).endswith("%")


def show_decimal(value, decimals: int = 1, suffix: str = "") -> str:
    """Swedish decimal comma; '–' when unknown."""
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):,.{decimals}f}".replace(",", "\u00a0").replace(".", ",") + suffix


def show_change(pct) -> str:
    """A change in percent with its sign, e.g. '+12 %', '−8 %'; '–' when unknown."""
    if pct is None or pd.isna(pct):
        return "–"
    value = round(float(pct))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value)} %"
