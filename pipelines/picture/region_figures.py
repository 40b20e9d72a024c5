"""The regional overview's figures and each municipality's comparison with the region, as
rows of marts.fct_published_figures (the same COLUMNS as figures.py).

- kommun_code 'region', table_name `region_*`: the overview (output/region/<period>/):
  `region_meta`, `region_totalt` (the region per category), `region_kategori:<category>`
  (every municipality side by side, and the region), `region_karta` (the map's values).
- kommun_code of a municipality, table_name `region_comparison`: that municipality against
  each other municipality of the region (of its own county when the region spans several),
  and the region, per category, per 1 000 inhabitants (only in a region of two or more).

Every number comes from marts.fct_municipality_comparison (dbt). Decided here, as in
figures.py: which cells to hide and how each figure is written. Suppression follows
suppression.py with the region's strictest suppression_threshold, over every table of every
tertial together, with the additive lines of the region (the region's cell is the sum of its
municipalities', a municipality's `alla` the sum of its categories). A municipality's count
that its own lägesbild already prints is fixed as printed there: shown where the lägesbild
shows it, hidden ('<3', 'dolt') where the lägesbild hides it, so no output can be subtracted
from another to reveal a hidden cell.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ..warehouse import table_exists
from .figures import COLUMNS, STOCKHOLM, Figure, Table, figure_frame, fmt
from .maps import CREDIT
from .published import REGION, REGION_COMPARISON, municipality_rows  # REGION: kommun_code of the region's rows
from .suppression import COMPLEMENTARY, FEW_ANSWERS, MISSING, PRELIMINARY, UNKNOWN, Suppressor, is_unknown

ALL = "alla"           # category_id of every category together
PREFIX = "region_"
COMPARISON = REGION_COMPARISON
HIDDEN_ELSEWHERE = "hidden elsewhere"
# A count of the region table and where the municipality's own lägesbild prints the same count:
# (table, row_key, column_key) with the row_key '{category}' or fixed.
LAGESBILD_CELLS = {
    "rc": {"category": ("kallor", "{category}", "reported"), ALL: ("nyckeltal", "reported", "value")},
    "pa": {"category": ("kallor", "{category}", "partner"), ALL: ("nyckeltal", "partner", "value")},
    "sr": {"category": ("kallor", "{category}", "respondents")},
    # the comparison's counts, where all four months are compared (the lägesbild's year columns)
    "rcn": {"category": ("kategori_ar", "{category}", "{period}")},
    "rcl": {"category": ("kategori_ar", "{category}", "{last_year}")},
}
# The municipalities' tables the overview repeats cells of (`printed`).
PRINTED_TABLES = frozenset(t for cells in LAGESBILD_CELLS.values() for t, _, _ in cells.values())


class RegionSuppressor(Suppressor):
    """suppression.py's rule, starting from the cells another output already hides
    (`elsewhere`: key -> the text printed there)."""

    def __init__(self, threshold: int):
        super().__init__(threshold)
        self.elsewhere: dict = {}

    def solve(self) -> None:
        values = dict(self.values)
        for key in self.elsewhere:  # hidden from the start: as a primary cell
            self.values[key] = 1 if self.threshold > 1 else self.values[key]
        try:
            super().solve()
        finally:
            self.values = values

    def text(self, key: tuple, missing: bool = False) -> str:
        if key in self.elsewhere:
            return self.elsewhere[key]
        return super().text(key, missing)


class _Owner:
    """The figures of one kommun_code ('region' or a municipality)."""

    def __init__(self, kommun_code: str):
        self.kommun_code = kommun_code
        self.figures: list[Figure] = []
        self.done = 0  # the figures written into a frame already


class RegionBook:
    def __init__(self, con: duckdb.DuckDBPyConnection, published: pd.DataFrame | None,
                 periods: list[str] | None = None):
        where, params = ("", []) if periods is None else ("where list_contains(?, period) ", [sorted(periods)])
        self.rows = con.execute(
            f"select * from marts.fct_municipality_comparison {where}order by period, kommun_code, category_id",
            params).df()
        municipalities = con.execute(
            "select kommun_code, kommun_name, county, suppression_threshold, survey_min_respondents "
            "from marts.dim_municipality order by kommun_name, kommun_code").df()
        self.municipalities = list(zip(municipalities["kommun_code"], municipalities["kommun_name"]))
        self.county = dict(zip(municipalities["kommun_code"], municipalities["county"]))
        self.threshold = int(municipalities["suppression_threshold"].max()) if len(municipalities) else 3
        self.min_respondents = int(municipalities["survey_min_respondents"].max()) if len(municipalities) else 10
        cats = con.execute("select category_id, name_sv from marts.dim_problem_category order by sort_order").df()
        self.categories = [*cats.itertuples(index=False, name=None), (ALL, "Alla problemkategorier")]
        self.periods = sorted(self.rows["period"].unique().tolist())
        self.by_key = {(r["kommun_code"], r["period"], r["category_id"]): r for r in self.rows.to_dict("records")}
        self.s = RegionSuppressor(self.threshold)
        self.owners: dict[str, _Owner] = {}
        self._printed = _printed_cells(con, published, periods)
        self._cells: set = set()
        self._solved = False
        self._shown: dict = {}

    def owner(self, kommun_code: str) -> _Owner:
        return self.owners.setdefault(kommun_code, _Owner(kommun_code))

    def table(self, kommun_code: str, period: str, name: str, title: str) -> Table:
        return Table(self.owner(kommun_code), period, name, title)

    def row(self, kommun_code: str, period: str, category: str) -> dict:
        return self.by_key.get((kommun_code, period, category)) or {}

    # ----------------------------------------------------------------------- cells

    def cell(self, short: str, kommun_code: str, period: str, category: str, value) -> tuple:
        key = (short, period, kommun_code, category)
        if key in self._cells:  # registered already (a municipality is in many comparisons)
            return key
        self._cells.add(key)
        self.s.cell(key, value)
        printed = self._printed_text(short, kommun_code, period, category)
        if printed is not None:
            if printed[:1].isdigit():
                self.s.public.add(key)     # printed in the lägesbild: never hidden here
            elif printed.startswith("<") or printed == COMPLEMENTARY:
                self.s.elsewhere[key] = printed
        return key

    def _printed_text(self, short, kommun_code, period, category) -> str | None:
        where = LAGESBILD_CELLS.get(short, {}).get(ALL if category == ALL else "category")
        if where is None or kommun_code == REGION:
            return None
        if short in ("rcn", "rcl") and self.row(kommun_code, period, category).get("compared_months") != 4:
            return None
        table, row, column = where
        last_year = f"{int(period[:4]) - 1}{period[4:]}"
        return self._printed.get((kommun_code, period, table, row.format(category=category),
                                  column.format(period=period, last_year=last_year)))

    def lines(self) -> None:
        """The additive relations the overview prints: region = its municipalities, alla = its categories."""
        codes = [c for c, _ in self.municipalities]
        for period in self.periods:
            for short in ("rc", "rcn", "rcl", "pa", "sr"):
                for category, _ in self.categories:
                    if (short, period, REGION, category) in self.s.values:
                        self.s.line((short, period, REGION, category),
                                    [(short, period, c, category) for c in codes])
                if short == "sr":
                    continue  # a respondent counts once per category: no 'alla'
                for code in [*codes, REGION]:
                    if (short, period, code, ALL) in self.s.values:
                        self.s.line((short, period, code, ALL),
                                    [(short, period, code, c) for c, _ in self.categories if c != ALL])

    # ----------------------------------------------------------------------- printing

    def hidden(self, key) -> bool:
        return key is not None and (self.s.hidden(key) or key in self.s.elsewhere)

    def shown(self, f: Figure) -> str:
        if f.compose is not None:
            return f.compose(self)
        if f.text is not None:
            return f.text
        if f.key is not None:
            return self.s.text(f.key, f.missing)
        if any(self.hidden(k) for k in f.deps):
            return COMPLEMENTARY
        if any(k is not None and k in self.s.values and self.s.values.get(k) is None for k in f.deps):
            return MISSING if f.missing else UNKNOWN
        return fmt(f.kind, f.value)

    def solve(self) -> None:
        if not self._solved:
            self.lines()
            self.s.solve()
            self._solved = True

    def frame(self, exclude: str | None = None) -> pd.DataFrame:
        """The rows of every owner's figures (but `exclude`'s), each owner's once: a later call
        gives only the figures added since."""
        self.solve()
        codes, figures, numbers, texts, public = [], [], [], [], []
        values = self.s.values
        shown = self._shown  # the same figure compared in many municipalities' tables is written alike
        for owner in self.owners.values():
            if owner.kommun_code == exclude:
                continue
            new, owner.done = owner.figures[owner.done:], len(owner.figures)
            codes.extend([owner.kommun_code] * len(new))
            figures.extend(new)
            for f in new:
                value = values.get(f.key) if f.key is not None else f.value
                numbers.append(None if is_unknown(value) or isinstance(value, str) else float(value))
                if f.compose is not None:
                    texts.append(self.shown(f))
                else:
                    memo = (f.kind, repr(f.value), f.key, f.deps, f.text, f.missing)  # repr: 1, 1.0, -0.0 differ
                    if memo not in shown:
                        shown[memo] = self.shown(f)
                    texts.append(shown[memo])
                public.append(bool(f.public))  # the cells fixed by a lägesbild are not public at source
        return figure_frame(codes, figures, numbers, texts, public)


def printed(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a municipality's figures that the overview repeats (what `build` reads of
    its `published` frame): a national run keeps these, not every figure."""
    return municipality_rows(frame, PRINTED_TABLES)


def _printed_cells(con, published: pd.DataFrame | None, periods: list[str] | None = None) -> dict:
    """(kommun_code, period, table, row_key, column_key) -> shown, of the municipalities'
    lägesbild tables the overview repeats (the frame figures.build made, else the table), of
    `periods` (None: every tertial)."""
    tables = PRINTED_TABLES
    if published is None:
        if not table_exists(con, "marts", "fct_published_figures"):
            return {}
        published = con.execute(
            "select kommun_code, period, table_name, row_key, column_key, shown from marts.fct_published_figures "
            "where kommun_code <> ? and list_contains(?, table_name)", [REGION, sorted(tables)]).df()
    keep = published["table_name"].isin(tables) & (published["kommun_code"] != REGION)
    if periods is not None:
        keep &= published["period"].isin(periods)
    published = published[keep]
    keys = ("kommun_code", "period", "table_name", "row_key", "column_key")
    return dict(zip(zip(*(published[k].tolist() for k in keys)), published["shown"].tolist()))


# =========================================================================== the tables


def build(con: duckdb.DuckDBPyConnection, published: pd.DataFrame | None = None,
          generated_at: datetime | None = None, compared=None, periods: list[str] | None = None) -> pd.DataFrame:
    """The overview's rows (kommun_code 'region') and each municipality's `region_comparison`.
    `published`: the municipalities' rows figures.build made in the same run (default: the
    rows of marts.fct_published_figures as they are), so a count both print is printed alike.
    `compared`: callable(the overview's rows) -> the codes whose comparison may have changed
    (None: every municipality's); only the comparisons that show one of them are built.
    `periods`: only these tertials (None: all). Every cell and line of the suppression belongs
    to one tertial, so a tertial built alone is built as in a build of all."""
    if not table_exists(con, "marts", "fct_municipality_comparison") or periods == []:
        return pd.DataFrame(columns=COLUMNS)
    book = RegionBook(con, published, periods)
    generated = (generated_at or datetime.now(tz=STOCKHOLM)).astimezone(STOCKHOLM)
    tertials = [RegionTertial(book, period, generated) for period in book.periods]
    for tertial in tertials:
        tertial.build(comparisons=compared is None)
    if compared is None:
        return book.frame()
    # A comparison prints the same cells as the side-by-side tables (their per_1000 column,
    # every cell registered and the suppression solved already): built after the solve, only
    # for the municipalities that show a changed one.
    region = book.frame()
    changed = compared(region)
    for tertial in tertials:
        tertial.comparisons(None if changed is None else tertial.showing(set(changed)))
    return pd.concat([region, book.frame(exclude=REGION)], ignore_index=True)


class RegionTertial:
    def __init__(self, book: RegionBook, period: str, generated: datetime):
        self.b, self.period, self.generated = book, period, generated
        self.codes = [c for c, _ in book.municipalities]

    def build(self, comparisons: bool = True) -> None:
        self.meta()
        self.totals()
        for category, name in self.b.categories:
            self.side_by_side(category, name)
        self.map_values()
        if comparisons:
            self.comparisons()

    def comparisons(self, codes: set[str] | None = None) -> None:
        """Each municipality's comparison with the others (of `codes`; None: every one)."""
        if len(self.codes) > 1:
            for code in self.codes:
                if codes is None or code in codes:
                    self.comparison(code)

    def showing(self, changed: set[str]) -> set[str]:
        """The municipalities whose comparison shows one of `changed` (the region: all of them)."""
        if REGION in changed:
            return set(self.codes)
        return {code for code in self.codes if code in changed or changed & set(self.neighbours(code))}

    def table(self, name: str, title: str, kommun_code: str = REGION) -> Table:
        return self.b.table(kommun_code, self.period, name, title)

    def meta(self) -> None:
        t = self.table("region_meta", "Om översikten")
        names = [n for _, n in self.b.municipalities]
        t.put("kommuner", "Kommuner", "text", "Text", "text", text=", ".join(names))
        t.put("antal", "Antal kommuner", "value", "Värde", "int", len(names), public=True)
        t.put("period", "Period", "text", "Text", "text", text=self.period)
        t.put("framtagen", "Framtagen (svensk tid)", "text", "Text", "text",
              text=self.generated.strftime("%Y-%m-%d %H:%M"))
        t.put("threshold", "Gräns för små tal", "value", "Värde", "int", self.b.threshold, public=True)
        t.put("survey_min", "Minsta antal svarande", "value", "Värde", "int", self.b.min_respondents, public=True)
        preliminary = [n for c, n in self.b.municipalities
                       if _true(self.b.row(c, self.period, ALL).get("is_preliminary"))]
        t.put("preliminary", "Preliminära kommuner", "text", "Text", "text", text=", ".join(preliminary))
        t.put("kartunderlag", "Kartunderlag", "text", "Text", "text", text=CREDIT)

    # ----------------------------------------------------------------------- one row of figures

    def figures_row(self, t: Table, row_key: str, label: str, code: str, category: str) -> None:
        """The columns the overview prints for one municipality (or the region) and category."""
        r = self.b.row(code, self.period, category)
        b = self.b
        reported = b.cell("rc", code, self.period, category, r.get("police_reported_count"))
        now = b.cell("rcn", code, self.period, category, r.get("police_reported_compared_count"))
        last = b.cell("rcl", code, self.period, category, r.get("police_reported_same_period_last_year"))
        partner = b.cell("pa", code, self.period, category, r.get("partner_report_count"))
        no_police = _no_police(r)
        t.put(row_key, label, "reported", "Anmälda brott", "count", key=reported, missing=no_police)
        t.put(row_key, label, "population", "Invånare", "int", _value(r.get("population")), public=True)
        t.put(row_key, label, "per_1000", "Anmälda brott per 1 000 invånare", "decimal1",
              _value(r.get("police_reported_per_1000")), deps=(reported,), missing=no_police)
        change = t.put(row_key, label, "change", "Förändring mot samma tertial i fjol", "pct",
                       _value(r.get("change_vs_last_year_pct")), deps=(now, last),
                       missing=is_unknown(r.get("compared_months")))
        verdict = _significance(r)
        t.put(row_key, label, "significance", "Prövning", "text",
              compose=lambda book, change=change, verdict=verdict:
              MISSING if book.shown(change) in (MISSING, COMPLEMENTARY, UNKNOWN) else verdict)
        t.put(row_key, label, "note", "Anmärkning", "text",
              text=PRELIMINARY if _true(r.get("is_preliminary")) and not no_police else "")
        t.put(row_key, label, "partner", "Partnerrapporter", "count", key=partner, missing=True)
        t.put(row_key, label, "partner_per_1000", "Partnerrapporter per 1 000 invånare", "decimal1",
              _value(r.get("partner_report_per_1000")), deps=(partner,), missing=True)
        if category == ALL:
            return
        n = r.get("survey_respondents")
        respondents = b.cell("sr", code, self.period, category, n)
        t.put(row_key, label, "respondents", "Svarande i trygghetsenkäten", "count", key=respondents, missing=True)
        few = not is_unknown(n) and 0 < n < b.min_respondents
        t.put(row_key, label, "survey_share", "Upplever problem", "share", _value(r.get("survey_problem_share")),
              text=FEW_ANSWERS if few else (MISSING if is_unknown(n) else None))
        t.put(row_key, label, "survey_period", "Enkät", "text", text=_value(r.get("survey_period")) or MISSING)

    def totals(self) -> None:
        t = self.table("region_totalt", "Hela regionen per problemkategori")
        for category, name in self.b.categories:
            self.figures_row(t, category, name, REGION, category)

    def side_by_side(self, category: str, name: str) -> None:
        t = self.table(f"region_kategori:{category}", f"{name}: kommunerna bredvid varandra")
        for code, kommun in self.b.municipalities:
            self.figures_row(t, code, kommun, code, category)
        self.figures_row(t, REGION, "Hela regionen", REGION, category)

    def map_values(self) -> None:
        """The map's figure: police-reported crimes per 1 000 inhabitants, every category."""
        t = self.table("region_karta", "Anmälda brott per 1 000 invånare, alla problemkategorier")
        for code, kommun in self.b.municipalities:
            r = self.b.row(code, self.period, ALL)
            key = self.b.cell("rc", code, self.period, ALL, r.get("police_reported_count"))
            t.put(code, kommun, "per_1000", "Per 1 000 invånare", "decimal1",
                  _value(r.get("police_reported_per_1000")), deps=(key,), missing=_no_police(r))

    def neighbours(self, code: str) -> list[str]:
        """The region's other municipalities; in a region of several counties (the whole
        country), those of the same county: a table of 289 columns compares nothing."""
        county = self.b.county
        if len({county[c] for c in self.codes}) == 1:
            return [c for c in self.codes if c != code]
        return [c for c in self.codes if c != code and county[c] == county[code]]

    def comparison(self, code: str) -> None:
        """One municipality against each other municipality of the region and the region."""
        others = self.neighbours(code)
        if not others:
            return
        t = self.table(COMPARISON, "Jämförelse med regionens andra kommuner: anmälda brott per 1 000 invånare",
                       kommun_code=code)
        names = dict(self.b.municipalities)
        order = [code, *others, REGION]
        for category, name in self.b.categories:
            for other in order:
                r = self.b.row(other, self.period, category)
                key = self.b.cell("rc", other, self.period, category, r.get("police_reported_count"))
                label = "Hela regionen" if other == REGION else names[other]
                t.put(category, name, other, label, "decimal1", _value(r.get("police_reported_per_1000")),
                      deps=(key,), missing=_no_police(r))


def _value(v):
    return None if is_unknown(v) else v


def _no_police(r: dict) -> bool:
    """No extract covers the tertial: its figures are '–', not 'okänt'."""
    return is_unknown(r.get("police_reported_months")) or r.get("police_reported_months") == 0


def _true(v) -> bool:
    return not is_unknown(v) and bool(v)


def _significance(r: dict) -> str:
    if is_unknown(r.get("change_p_value")):
        return MISSING
    return "säkerställd" if _true(r.get("change_is_significant")) else "kan vara slump"
