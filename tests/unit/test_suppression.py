"""Small counts are hidden wherever they are printed, and so are cells a line would reveal."""

import numpy as np

from pipelines.picture.suppression import COMPLEMENTARY, TOTAL, Suppressor


def table(counts, threshold=3, public=False) -> tuple[Suppressor, dict]:
    """A rows × columns table with row, column and grand totals, as the figures build it."""
    s = Suppressor(threshold)
    rows, cols = range(len(counts)), range(len(counts[0]))
    for r in rows:
        for c in cols:
            s.cell((r, c), counts[r][c], public)
    for r in rows:
        s.cell((r, TOTAL), None if any(v is None for v in counts[r]) else sum(counts[r]), public)
        s.line((r, TOTAL), [(r, c) for c in cols])
    for c in cols:
        column = [counts[r][c] for r in rows]
        s.cell((TOTAL, c), None if any(v is None for v in column) else sum(column), public)
        s.line((TOTAL, c), [(r, c) for r in rows])
    grand = [v for row in counts for v in row]
    s.cell((TOTAL, TOTAL), None if any(v is None for v in grand) else sum(grand), public)
    s.line((TOTAL, TOTAL), [(r, TOTAL) for r in rows])
    s.line((TOTAL, TOTAL), [(TOTAL, c) for c in cols])
    s.solve()
    return s, {k: s.text(k) for k in s.values}


def lines_with_one_hidden(s: Suppressor) -> list:
    return [total for total, inners in s.lines
            if all(s.values[k] is not None for k in [total, *inners])
            and sum(s.hidden(k) for k in [total, *inners]) == 1]


def lines_pinning_small_counts(s: Suppressor) -> list:
    """Lines whose shown total minus shown cells leaves hidden '<3's one way only (all 1 or all 2)."""
    pinned = []
    for total, inners in s.lines:
        hidden = [k for k in inners if s.hidden(k)]
        if len(hidden) < 2 or s.hidden(total) or any(s.values[k] is None for k in [total, *inners]):
            continue
        rest = s.values[total] - sum(s.values[k] for k in inners if not s.hidden(k))
        if all(k in s.primary for k in hidden) and rest in (len(hidden), 2 * len(hidden)):
            pinned.append(total)
    return pinned


def test_single_hidden_cell_gets_a_complementary_one():
    s, text = table([[1, 4], [5, 9]])
    assert text[(0, 0)] == "<3"
    assert text[(0, 1)] == COMPLEMENTARY   # else 5 − 4 = 1 would show
    assert text[(1, 0)] == COMPLEMENTARY   # else 6 − 5 = 1 would show
    assert lines_with_one_hidden(s) == []
    assert text[(TOTAL, TOTAL)] == "19"


def test_hidden_counts_whose_sum_pins_them_get_another_hidden():
    # 13 − 9 = 4 = '<3' + '<3': both would be 2
    s, text = table([[2, 2, 9], [5, 6, 7]])
    assert text[(0, 0)] == text[(0, 1)] == "<3"
    assert text[(0, 2)] == COMPLEMENTARY
    # 1 + 2 = 3 pins neither: no cell more than the single-cell rule needs
    s, text = table([[1, 2, 9, 4], [5, 6, 7, 8]])
    assert text[(0, 2)] != COMPLEMENTARY and text[(0, 3)] != COMPLEMENTARY


def test_no_small_counts_means_nothing_hidden():
    s, text = table([[3, 0], [4, 7]])
    assert not s.primary and not s.complementary
    assert text[(0, TOTAL)] == "3" and text[(TOTAL, 1)] == "7"


def test_small_totals_are_hidden_too():
    _, text = table([[1, 1], [0, 0]])
    assert text[(0, TOTAL)] == "<3" and text[(TOTAL, TOTAL)] == "<3"
    assert not {"1", "2"} & set(text.values())


def test_an_unknown_cell_makes_its_totals_unknown_and_reveals_nothing():
    s, text = table([[None, 4], [5, 9]])
    assert text[(0, 0)] == "okänt" and text[(0, TOTAL)] == "okänt" and text[(TOTAL, TOTAL)] == "okänt"
    assert text[(TOTAL, 1)] == "13"
    assert s.text((0, 0), missing=True) == "–"  # a source with no data at all


def test_public_counts_are_shown_as_published():
    s, text = table([[1, 2], [0, 5]], public=True)
    assert text[(0, 0)] == "1" and text[(0, 1)] == "2" and not s.complementary


def test_a_cell_shared_by_two_tables_is_hidden_in_both():
    """A brief's month table sums to the report's area cell: hiding one month hides another,
    and a cell hidden for the report's sake is hidden in the brief too."""
    s = Suppressor(3)
    s.cell(("area", "stold"), 14)                     # the report's cell
    for month, v in [("maj", 1), ("jun", 6), ("jul", 7)]:
        s.cell(("month", month), v)
    s.line(("area", "stold"), [("month", m) for m in ("maj", "jun", "jul")])
    s.cell(("area", "inbrott"), 2)
    s.cell(("area", TOTAL), 16)
    s.line(("area", TOTAL), [("area", "stold"), ("area", "inbrott")])
    s.solve()
    # the report's row hides stöld beside inbrott, so the month table's total is hidden too
    assert s.text(("month", "maj")) == "<3" and s.text(("area", "inbrott")) == "<3"
    assert s.text(("area", "stold")) == COMPLEMENTARY
    assert lines_with_one_hidden(s) == []


def test_random_tables_never_show_a_derivable_small_count():
    rng = np.random.default_rng(7)
    for _ in range(200):
        counts = rng.poisson(2.0, size=(4, 5)).tolist()
        s, text = table(counts)
        assert not {"1", "2"} & set(text.values())
        assert lines_with_one_hidden(s) == []
        assert lines_pinning_small_counts(s) == []
