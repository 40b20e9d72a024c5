"""marts.fct_published_figures: every figure a tertial's outputs print, decided once.

One row per printed figure: the table and cell it sits in, the number behind it and
the text exactly as printed. The lägesbild (HTML, PDF), the workbook and the pledge
briefs only lay these rows out, so what an analyst queries and what the
kommunstyrelse reads cannot differ, and a cell hidden in one output is hidden in all.

Suppression is solved once for the whole municipality (every table of every tertial
together, see suppression.py). The counts, comparisons, significance, directions and
scores come from the marts; what is decided here is only what a published table
needs on top: which cells to hide, how each figure is written, and which rows a
table lists (the ten highest priorities, the significant changes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow as pa

from ..warehouse import catalogue
from . import marts
from .suppression import (
    COMPLEMENTARY, FEW_ANSWERS, MISSING, PRELIMINARY, TOTAL, UNKNOWN, Suppressor, is_unknown, ordinal,
    show_change, show_decimal, show_int, show_share,
)

COLUMNS = ["kommun_code", "period", "table_name", "row_label", "column_label", "value", "shown", "is_public",
           "table_title", "row_key", "column_key", "row_order", "column_order", "kind"]
# The Arrow types of the columns that are not strings (the rest inferred: str).
FIGURE_TYPES = {"value": pa.float64(), "is_public": pa.bool_(), "row_order": pa.int64(), "column_order": pa.int64()}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRIORITIES_LISTED = 10
MEASURES = {  # measure column -> (short key, public at its source)
    "police_reported_count": ("pr", False),
    "police_event_count": ("ev", True),   # the police publish every event themselves
    "partner_report_count": ("pa", False),
}
INDICATOR_LABELS = {
    "police_reported_count": "anmälda brott (lokalpolisen)",
    "police_event_count": "polisens händelser",
    "partner_report_count": "rapporter från samverkanspartner",
    "survey_problem_share": "andel i trygghetsenkäten som upplever problem",
    "survey_respondents": "svarande i trygghetsenkäten",
    "police_reported_per_1000": "anmälda brott per 1 000 invånare",
}
STATUS_LABELS = {"on_track": "På väg mot målet", "off_track": "Inte på väg mot målet", "no_data": "Underlag saknas"}
# The action plan's statuses (actions.yaml, DATA-CONTRACT §2.7) as printed; a late measure is "Försenad".
ACTION_STATUS_LABELS = {"planerad": "Planerad", "pågår": "Pågår", "genomförd": "Genomförd", "inställd": "Inställd"}
LATE = "Försenad"
DIRECTION_WORDS = {"upp": "ökar", "ned": "minskar", "oförändrat": "ligger still"}
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
TIMES_OF_DAY = [("natt", 0), ("förmiddag", 6), ("eftermiddag", 12), ("kväll", 18)]  # six hours each
# The map's colour for an area's change against the same tertial last year: the direction
# (dbt's, within ± trend_steady_pct is unchanged) and whether the change is significant.
NO_COMPARISON = "Ingen jämförelse"
MAP_CLASSES = {("upp", True): "Ökning, säkerställd", ("upp", False): "Ökning, kan vara slump",
               ("oförändrat", True): "Oförändrat", ("oförändrat", False): "Oförändrat",
               ("ned", False): "Minskning, kan vara slump", ("ned", True): "Minskning, säkerställd"}
NO_SECTOR = "Ingen sektor angiven"


@dataclass(slots=True)
class Figure:
    period: str
    table: str
    title: str
    row_key: str
    row_label: str
    column_key: str
    column_label: str
    kind: str
    value: object = None
    key: tuple | None = None        # a count cell of the suppressor
    deps: tuple = ()                # cells a derived figure reveals: hidden when any of them is
    text: str | None = None         # fixed text
    compose: object = None          # callable(book) -> text, for sentences quoting other figures
    missing: bool = False           # an empty value means "no data" ('–'), not "unknown"
    public: bool = False
    row_order: int = 0
    column_order: int = 0


@dataclass
class Table:
    book: "Book"
    period: str
    name: str
    title: str
    rows: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)

    def put(self, row_key, row_label, column_key, column_label, kind, value=None, **kw) -> Figure:
        row_key, column_key = str(row_key), str(column_key)
        row_order = self.rows.setdefault(row_key, len(self.rows))
        column_order = self.columns.setdefault(column_key, len(self.columns))
        figure = Figure(self.period, self.name, self.title, row_key, str(row_label), column_key,
                        str(column_label), kind, value, row_order=row_order, column_order=column_order, **kw)
        self.book.figures.append(figure)
        return figure


class Book:
    """All published figures of one municipality, every tertial."""

    def __init__(self, data: marts.Marts, internal: bool = False):
        self.d = data
        m = data.municipality
        self.kommun_code = m["kommun_code"]
        self.threshold = int(m["suppression_threshold"])
        self.min_respondents = int(m["survey_min_respondents"])
        # internal: the internal edition's book (published.INTERNAL_TABLE): nothing hidden, and
        # the tables only that edition has (the police's event summaries)
        self.internal = internal
        self.s = Suppressor(self.threshold, suppress=not internal)
        self.figures: list[Figure] = []
        self._matrices: set = set()

    def table(self, period: str, name: str, title: str) -> Table:
        return Table(self, period, name, title)

    # ----------------------------------------------------------------------- cells and their lines

    def matrix(self, short: str, period: str, values: dict, covered: bool, public: bool = False) -> None:
        """Area × category cells of one measure with their row, column and grand totals (once;
        `values` may be a callable, called only then)."""
        if (short, period) in self._matrices:
            return
        self._matrices.add((short, period))
        values = values() if callable(values) else values
        areas, cats = self.d.area_ids, self.d.category_ids
        grid = {(a, c): values.get((a, c), 0 if covered else None) for a in areas for c in cats}
        for (a, c), v in grid.items():
            self.s.cell((short, period, a, c), v, public)

        def total(cells):
            known = [grid[k] for k in cells]
            return None if any(is_unknown(v) for v in known) else sum(known)

        for a in areas:
            self.s.cell((short, period, a, TOTAL), total([(a, c) for c in cats]), public)
            self.s.line((short, period, a, TOTAL), [(short, period, a, c) for c in cats])
        for c in cats:
            self.s.cell((short, period, TOTAL, c), total([(a, c) for a in areas]), public)
            self.s.line((short, period, TOTAL, c), [(short, period, a, c) for a in areas])
        self.s.cell((short, period, TOTAL, TOTAL), total(list(grid)), public)
        self.s.line((short, period, TOTAL, TOTAL), [(short, period, a, TOTAL) for a in areas])
        self.s.line((short, period, TOTAL, TOTAL), [(short, period, TOTAL, c) for c in cats])

    def measure(self, measure: str, period: str) -> str:
        """Register the measure's matrix of `period` (from fct_problem_indicators); its short key."""
        short, public = MEASURES[measure]
        if (short, period) not in self._matrices:
            self.matrix(short, period, lambda: self.d.cells(period, measure), self.d.covered(measure, period), public)
        return short

    def count(self, measure: str, period: str | None, area: str = TOTAL, category: str = TOTAL) -> tuple | None:
        if period is None:
            return None
        return (self.measure(measure, period), period, area, category)

    def missing(self, measure: str, period: str | None) -> bool:
        return period is None or not self.d.covered(measure, period)

    def hidden(self, key) -> bool:
        return key is not None and self.s.hidden(key)

    def partner_rows(self, totals: dict) -> list[tuple[str, str, str]]:
        """(partner, row key, row label) in the order printed. The internal edition names each
        partner; the public one does not say which shop reported what (DATA-CONTRACT §4.2):
        'Partner 1', 'Partner 2', … by reports, most first."""
        if self.internal:
            return [(p, p, p) for p in sorted(totals)]
        ordered = sorted(totals, key=lambda p: (-totals[p], p))
        return [(p, f"partner_{i}", f"Partner {i}") for i, p in enumerate(ordered, start=1)]

    # ----------------------------------------------------------------------- printing

    def shown(self, f: Figure) -> str:
        if f.compose is not None:
            return f.compose(self)
        if f.text is not None:
            return f.text
        if f.key is not None:
            return self.s.text(f.key, f.missing)
        if any(self.hidden(k) for k in f.deps):
            return COMPLEMENTARY
        if any(k is not None and self.s.values.get(k) is None and k in self.s.values for k in f.deps):
            return UNKNOWN
        return fmt(f.kind, f.value)

    def text_of(self, key: tuple | None, missing: bool = False) -> str:
        return MISSING if key is None else self.s.text(key, missing)

    def frame(self) -> pd.DataFrame:
        self.s.solve()
        figures, values, public, shown = self.figures, self.s.values, self.s.public, self.shown
        numbers, texts, is_public = [], [], []
        for f in figures:  # column by column: a frame of row tuples costs more than the figures
            key = f.key
            value = values.get(key) if key is not None else f.value
            numbers.append(None if is_unknown(value) or isinstance(value, str) else float(value))
            texts.append(shown(f))
            is_public.append(bool(f.public or (key is not None and key in public)))
        return figure_frame([self.kommun_code] * len(figures), figures, numbers, texts, is_public)


def figure_frame(codes: list, figures: list[Figure], numbers: list, texts: list, is_public: list) -> pd.DataFrame:
    """Rows of fct_published_figures (COLUMNS) from the figures and what was decided for each."""
    # Through Arrow: pandas' own conversion of the lists of strings cost more than the figures.
    columns = {
        "kommun_code": codes, "period": [f.period for f in figures],
        "table_name": [f.table for f in figures], "row_label": [f.row_label for f in figures],
        "column_label": [f.column_label for f in figures], "value": numbers, "shown": texts,
        "is_public": is_public, "table_title": [f.title for f in figures],
        "row_key": [f.row_key for f in figures], "column_key": [f.column_key for f in figures],
        "row_order": [f.row_order for f in figures], "column_order": [f.column_order for f in figures],
        "kind": [f.kind for f in figures],
    }
    if not figures:
        return pd.DataFrame(columns, columns=COLUMNS)
    return pa.table({c: pa.array(columns[c], type=FIGURE_TYPES.get(c)) for c in COLUMNS}).to_pandas()


FORMATS = {
    "count": show_int, "int": show_int, "share": show_share, "pct": show_change,
    "decimal1": lambda v: show_decimal(v, 1), "decimal2": lambda v: show_decimal(v, 2),
    "p": lambda v: show_decimal(v, 3), "coord": lambda v: show_decimal(v, 3), "text": str,
}


def fmt(kind: str, value) -> str:
    if is_unknown(value):
        return MISSING
    return FORMATS[kind](value)


def count_phrase(book: Book, key, noun: str, missing: bool = False) -> str | None:
    """'12 anmälda brott', 'färre än 3 anmälda brott', 'anmälda brott (antal dolt)'; None for 0/none."""
    text = book.text_of(key, missing)
    if text in (MISSING, "0"):
        return None
    if text.startswith("<"):
        return f"färre än {book.threshold} {noun}"
    if text in (COMPLEMENTARY, UNKNOWN):
        return f"{noun} ({'antal dolt' if text == COMPLEMENTARY else 'antal okänt'})"
    return f"{text} {noun}"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


# =========================================================================== the tables of a tertial


def build(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None,
          kommun_codes: list[str] | None = None) -> pd.DataFrame:
    """Every published figure of every tertial with data, as rows of fct_published_figures,
    for every municipality of marts.dim_municipality (or those of `kommun_codes`). Each
    municipality is a book of its own: its suppression is solved over its own tables only."""
    frames = list(build_frames(con, generated_at, kommun_codes))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


def build_frames(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None,
                 kommun_codes: list[str] | None = None, internal: bool = False) -> Iterator[pd.DataFrame]:
    """The rows of `build`, one frame per municipality, in the same order: a national run
    writes them as they come instead of holding millions of rows at once. `internal`: the
    internal edition's rows (nothing hidden; published.INTERNAL_TABLE, never the public table)."""
    generated = (generated_at or datetime.now(tz=STOCKHOLM)).astimezone(STOCKHOLM)
    with catalogue(con):
        shared = marts.Shared(con)
        for code in kommun_codes or shared.codes:
            yield build_municipality(con, code, generated, shared, internal)


def build_municipality(con: duckdb.DuckDBPyConnection, kommun_code: str, generated: datetime,
                       shared: marts.Shared | None = None, internal: bool = False) -> pd.DataFrame:
    data = marts.Marts(con, kommun_code, shared)
    book = Book(data, internal)
    for period in data.periods:
        Tertial(book, period, generated).build()
    return book.frame()


class Tertial:
    def __init__(self, book: Book, period: str, generated: datetime):
        self.b, self.d, self.period, self.generated = book, book.d, period, generated
        self.p = self.d.period(period)
        self.last_year = self.d.shift(period, -1)
        # Without any extract there is nothing partial to warn about: its figures are '–'.
        self.partial = bool(self.p["is_in_progress"]) or self.d.police_months(period) > 0
        self.survey_period = self.d.latest_survey_period(period)

    def build(self) -> None:
        self.meta()
        self.key_figures()
        self.category_years()
        self.area_matrix()
        self.area_rates()
        self.area_map()
        self.trend()
        self.timing()
        self.reference()
        self.reference_kpis()
        self.population()
        self.sources()
        self.partners()
        self.survey()
        self.survey_sectors()
        self.quotes()
        if self.b.internal:
            self.police_events()
        self.priorities()
        self.changes()
        self.pledges()
        self.actions()
        self.coordinator_analysis()
        self.indicator_sheet()
        self.data_quality()

    def table(self, name: str, title: str) -> Table:
        return self.b.table(self.period, name, title)

    def key(self, measure, area=TOTAL, category=TOTAL, period=None):
        return self.b.count(measure, period or self.period, area, category)

    def preliminary_note(self) -> str:
        if self.p["is_in_progress"]:
            return f"{PRELIMINARY}: tertialen pågår"
        months = self.d.police_months(self.period)
        return f"{PRELIMINARY}: polisens uttag täcker {months} av 4 månader" if 0 < months < 4 else ""

    def row_note(self, r) -> str:
        """'preliminär' on a row whose comparison rests on part of a tertial."""
        return PRELIMINARY if self.partial and _true(r.is_preliminary) else ""

    # ----------------------------------------------------------------------- head and key figures

    def meta(self) -> None:
        t = self.table("meta", "Om lägesbilden")
        t.put("kommun", "Kommun", "text", "Text", "text", text=self.d.municipality["kommun_name"])
        t.put("lan", "Län", "text", "Text", "text", text=self.d.municipality["county"] or "")
        t.put("period_label", "Period", "text", "Text", "text", text=self.p["period_label"])
        t.put("period_start", "Periodens början", "text", "Text", "text", text=f"{self.p['period_start']:%Y-%m-%d}")
        t.put("period_end", "Periodens slut", "text", "Text", "text", text=f"{self.p['period_end']:%Y-%m-%d}")
        t.put("framtagen", "Framtagen (svensk tid)", "text", "Text", "text",
              text=self.generated.strftime("%Y-%m-%d %H:%M"))
        t.put("threshold", "Gräns för små tal", "value", "Värde", "int", self.b.threshold, public=True)
        t.put("survey_min", "Minsta antal svarande", "value", "Värde", "int", self.b.min_respondents, public=True)
        t.put("trend_steady", "Oförändrat inom (procent)", "value", "Värde", "int", self.d.trend_steady_pct,
              public=True)
        t.put("preliminary", "Preliminär", "text", "Text", "text", text=self.preliminary_note())
        t.put("survey_period", "Senaste enkät", "text", "Text", "text", text=self.survey_period or MISSING)
        t.put("last_year", "Samma tertial i fjol", "text", "Text", "text", text=self.last_year or MISSING)

    def _compared_keys(self, area, category):
        """(this year's, last year's) count over the months both tertials cover, as cells."""
        return self.d.compared_cells(self.b, self.period, area, category)

    def key_figures(self) -> None:
        t = self.table("nyckeltal", "Nyckeltal")
        now, last = self._compared_keys(TOTAL, TOTAL)
        t.put("reported", "Anmälda brott inom problemområdena", "value", "Värde", "count",
              key=self.key("police_reported_count"), missing=self.b.missing("police_reported_count", self.period))
        t.put("reported", "Anmälda brott inom problemområdena", "change", "Förändring mot samma tertial i fjol",
              "pct", _change(self.b, now, last), deps=(now, last))
        t.put("reported", "Anmälda brott inom problemområdena", "note", "Anmärkning", "text",
              text=self.preliminary_note())
        t.put("partner", "Rapporter från samverkanspartner", "value", "Värde", "count",
              key=self.key("partner_report_count"), missing=self.b.missing("partner_report_count", self.period))
        t.put("events", "Händelser i polisens publicering", "value", "Värde", "count",
              key=self.key("police_event_count"), missing=self.b.missing("police_event_count", self.period),
              public=True)
        n = self.d.survey_respondents_max(self.survey_period)
        t.put("respondents", "Svarande i trygghetsenkät", "value", "Värde", "count",
              key=self.b.s.cell(("sr", self.survey_period, TOTAL, "max"), n) if self.survey_period else None,
              missing=True)

    # ----------------------------------------------------------------------- kartläggning

    def category_years(self) -> None:
        t = self.table("kategori_ar", "Anmälda brott per problemkategori, samma tertial år för år")
        periods = self.d.same_tertial(self.period)
        for c, name in self.d.categories:
            for q in periods:
                t.put(c, name, q, q, "count", key=self.key("police_reported_count", category=c, period=q),
                      missing=self.b.missing("police_reported_count", q))
            now, last = self._compared_keys(TOTAL, c)
            t.put(c, name, "change", f"Förändring mot {self.last_year or 'fjolåret'}", "pct",
                  _change(self.b, now, last), deps=(now, last))
            t.put(c, name, "note", "Anmärkning", "text",
                  text=PRELIMINARY if now is not None and self.preliminary_note() else "")

    def area_matrix(self) -> None:
        self._matrix_table("omrade_kategori", "Anmälda brott per område och kategori", "police_reported_count")
        self._matrix_table("omrade_kategori_partner", "Partnerrapporter per område och kategori",
                           "partner_report_count")
        self._matrix_table("omrade_kategori_handelser", "Polisens händelser per område och kategori",
                           "police_event_count")

    def _matrix_table(self, name: str, title: str, measure: str) -> None:
        if self.b.missing(measure, self.period):
            return
        t = self.table(name, title)
        short = self.b.measure(measure, self.period)
        rows = [a for a in self.d.area_ids if self.b.s.values.get((short, self.period, a, TOTAL)) != 0]
        for a in [*rows, TOTAL]:
            label = "Hela kommunen" if a == TOTAL else self.d.area_name(a)
            for c, cname in [*self.d.categories, (TOTAL, "Totalt")]:
                t.put(a, label, c, cname, "count", key=(short, self.period, a, c), public=measure == "police_event_count")

    def area_rates(self) -> None:
        t = self.table("omraden", "Anmälda brott per område och 1 000 invånare")
        for a, name, population in self.d.areas_with_population():
            key = self.key("police_reported_count", a)
            t.put(a, name, "population", "Invånare", "int", population, public=True)
            t.put(a, name, "reported", "Anmälda brott", "count", key=key,
                  missing=self.b.missing("police_reported_count", self.period))
            value = self.b.s.values.get(key)
            rate = value * 1000 / population if value is not None and population else None
            t.put(a, name, "per_1000", "Per 1 000 invånare", "decimal1", rate, deps=(key,))
            t.put(a, name, "partner", "Partnerrapporter", "count", key=self.key("partner_report_count", a),
                  missing=self.b.missing("partner_report_count", self.period))

    def trend(self) -> None:
        t = self.table("trend", "Anmälda brott per tertial och problemkategori")
        for c, name in self.d.categories:
            for q in self.d.periods_up_to(self.period, 9):
                t.put(c, name, q, q, "count", key=self.key("police_reported_count", category=c, period=q),
                      missing=self.b.missing("police_reported_count", q))

    def timing(self) -> None:
        periods = self.d.periods_up_to(self.period, 9)
        clock = self.d.event_clock(periods)
        t = self.table("tid_pa_dygnet", "Polisens händelser efter tid på dygnet")
        for label, start in TIMES_OF_DAY:
            t.put(label, label, "events", "Händelser", "count",
                  sum(n for (hour, _), n in clock.items() if start <= hour < start + 6), public=True)
        t = self.table("veckodag", "Polisens händelser efter veckodag")
        for i, day in enumerate(WEEKDAYS):
            t.put(day, day, "events", "Händelser", "count", sum(n for (_, d), n in clock.items() if d == i),
                  public=True)
        t = self.table("handelser_totalt", "Polisens händelser i problemkategorierna")
        t.put("total", f"{periods[0]}–{periods[-1]}", "events", "Händelser", "count", sum(clock.values()),
              public=True)

    def reference(self) -> None:
        t = self.table("bra", "Anmälda brott per kommun och år (BRÅ)")
        for r in marts.tuples(self.d.reference(int(self.p["year"]))):
            y = int(r.year)
            t.put(y, str(y), "reported", "Anmälda brott", "count", r.reported_crimes, public=True)
            t.put(y, str(y), "per_100k", "Per 100 000 inv.", "int", r.per_100k, public=True)
            t.put(y, str(y), "county_median", f"Median, andra kommuner i {self.d.municipality['county']}", "int",
                  r.county_median_per_100k, public=True)
            t.put(y, str(y), "county_kommuner", "Antal andra kommuner", "int", r.county_kommuner, public=True)

    def reference_kpis(self) -> None:
        """Kolada's KPIs (marts.fct_reference_kpis): per KPI the newest year up to the tertial's in
        which the municipality has a value, beside its county and the country that year."""
        m = self.d.municipality
        county_code = "00" + str(m["kommun_code"])[:2]
        t = self.table("referens_kolada", "Nyckeltal för kommunen, länet och riket (Kolada)")
        frame = self.d.reference_kpis(int(self.p["year"]))
        values = {(r.kpi_id, int(r.year), r.kommun_code): r for r in marts.tuples(frame)}
        fetched = []
        for kpi_id in dict.fromkeys(frame["kpi_id"]):
            own = [y for (k, y, code) in values if k == kpi_id and code == m["kommun_code"]]
            if not own:
                continue
            year = max(own)
            mine = values[(kpi_id, year, m["kommun_code"])]
            county, country = values.get((kpi_id, year, county_code)), values.get((kpi_id, year, "0000"))
            label = f"{mine.kpi_title}, {year}"  # the year in the label: a year cell would read as a number
            t.put(kpi_id, label, "kommun", m["kommun_name"], "decimal1", mine.value, public=True)
            t.put(kpi_id, label, "lan", county.area_name if county else (m["county"] or "Länet"), "decimal1",
                  county.value if county else None, missing=True, public=True)
            t.put(kpi_id, label, "riket", "Riket", "decimal1", country.value if country else None,
                  missing=True, public=True)
            fetched += [r.fetched_at for r in (mine, county, country) if r is not None and not pd.isna(r.fetched_at)]
        t = self.table("referens_kallor", "Källor för jämförelsen")
        if fetched:
            t.put("kolada", "Kolada", "text", "Text", "text",
                  text=f"Källa: Kolada (RKA), hämtat {max(fetched):%Y-%m-%d}.")
        scb = m.get("population_source") == "SCB"
        t.put("scb" if scb else "befolkning", "SCB" if scb else "Befolkning", "text", "Text", "text",
              text=f"Källa: SCB, folkmängd 31 december {m['population_year']} (tabell TAB638)." if scb
              else "Befolkningen är summan av områdenas befolkning i municipality.yaml.")
        t.put("polisen", "Polisen", "text", "Text", "text",
              text="Källa: Polisen (händelser och anmälda brott i tabellen Källorna bredvid varandra).")

    def population(self) -> None:
        """The population the municipality's rates rest on (marts.dim_municipality)."""
        m = self.d.municipality
        t = self.table("befolkning", "Befolkning")
        year = m.get("population_year")
        label = m["kommun_name"] if is_unknown(year) else f"{m['kommun_name']}, {int(year)}"
        t.put("kommun", label, "population", "Invånare", "count", m.get("population"), missing=True, public=True)
        source = {"SCB": "SCB", "municipality.yaml": "Summan av områdena (municipality.yaml)"}
        t.put("kommun", label, "source", "Källa", "text", text=source.get(m.get("population_source"), MISSING))

    # ----------------------------------------------------------------------- övrig relevant information

    def survey_cells(self, t: Table, row_key, row_label, period, area, category, values) -> None:
        """Respondents, share and interval of one survey group; 'för få svar' under the minimum.
        Respondents are people: their count is a cell like any other (area cells add up to the
        municipality's)."""
        n, _, share, low, high = values or (None,) * 5
        key = self.survey_respondents(period, area, category, n)
        t.put(row_key, row_label, "respondents", "Svarande", "count", key=key, missing=True)
        if is_unknown(n):
            for col, label in (("share", "Upplever problem"), ("interval", "95 % konfidensintervall")):
                t.put(row_key, row_label, col, label, "text", text=MISSING)
            return
        few = FEW_ANSWERS if self.too_few(n) else None
        t.put(row_key, row_label, "share", "Upplever problem", "share", share, text=few)
        t.put(row_key, row_label, "ci_low", "Konfidensintervall, nedre", "share", low, text=few)
        t.put(row_key, row_label, "ci_high", "Konfidensintervall, övre", "share", high, text=few)
        t.put(row_key, row_label, "interval", "95 % konfidensintervall", "text",
              text=few or f"{round(low * 100)}–{round(high * 100)} %")

    def too_few(self, respondents) -> bool:
        """Some answers, but fewer than survey_min_respondents: 'för få svar' (none at all is '–')."""
        return not is_unknown(respondents) and 0 < respondents < self.b.min_respondents

    def survey_respondents(self, period, area, category, n) -> tuple:
        """The cell of a survey's respondents; the municipality's is the sum of its areas'."""
        s = self.b.s
        key = s.cell(("sr", period, area, category), n)
        if area == TOTAL and ("sr", period, category) not in self.b._matrices:
            self.b._matrices.add(("sr", period, category))
            areas = self.d.survey_by_area(period)
            for a in self.d.area_ids:
                s.cell(("sr", period, a, category), (areas.get((a, category)) or (0,))[0])
            s.line(key, [("sr", period, a, category) for a in self.d.area_ids])
        return key

    def sources(self) -> None:
        t = self.table("kallor", "Källorna bredvid varandra, hela kommunen")
        survey = self.d.survey_by_category(self.survey_period)
        for c, name in self.d.categories:
            t.put(c, name, "reported", "Anmälda brott", "count", key=self.key("police_reported_count", category=c),
                  missing=self.b.missing("police_reported_count", self.period))
            t.put(c, name, "events", "Polisens händelser", "count", key=self.key("police_event_count", category=c),
                  missing=self.b.missing("police_event_count", self.period), public=True)
            t.put(c, name, "partner", "Partnerrapporter", "count", key=self.key("partner_report_count", category=c),
                  missing=self.b.missing("partner_report_count", self.period))
            self.survey_cells(t, c, name, self.survey_period, TOTAL, c, survey.get(c))

    def partners(self) -> None:
        frame = self.d.partner_counts(self.period)
        if frame.empty:
            return
        t = self.table("partner", "Rapporter per samverkanspartner och kategori")
        cats = [(c, n) for c, n in self.d.categories if c in set(frame["category_id"])]
        values = {(r.partner, r.category_id): r.value for r in marts.tuples(frame)}
        partners = sorted(frame["partner"].unique())
        pa = self.b.measure("partner_report_count", self.period)
        s = self.b.s
        for p in partners:
            for c, _ in cats:
                s.cell(("pp", self.period, p, c), values.get((p, c), 0))
            s.cell(("pp", self.period, p, TOTAL), sum(values.get((p, c), 0) for c, _ in self.d.categories))
            s.line(("pp", self.period, p, TOTAL), [("pp", self.period, p, c) for c, _ in self.d.categories])
        for c, _ in self.d.categories:
            s.line((pa, self.period, TOTAL, c), [("pp", self.period, p, c) for p in partners])
        s.line((pa, self.period, TOTAL, TOTAL), [("pp", self.period, p, TOTAL) for p in partners])
        totals = {p: sum(values.get((p, c), 0) for c, _ in self.d.categories) for p in partners}
        for p, row_key, label in [*self.b.partner_rows(totals), (TOTAL, TOTAL, "Alla partner")]:
            for c, cname in [*cats, (TOTAL, "Totalt")]:
                key = (pa, self.period, TOTAL, c) if p == TOTAL else ("pp", self.period, p, c)
                t.put(row_key, label, c, cname, "count", key=key)

    def survey(self) -> None:
        if not self.survey_period:
            return
        t = self.table("enkat", f"Upplever problem, trygghetsenkät {self.survey_period}")
        survey = self.d.survey_by_category(self.survey_period)
        for c, name in self.d.categories:
            self.survey_cells(t, c, name, self.survey_period, TOTAL, c, survey.get(c))

    def quotes(self) -> None:
        if not self.survey_period:
            return
        t = self.table("citat", f"Röster ur fritextsvaren, enkät {self.survey_period}")
        for i, (area, text) in enumerate(self.d.quotes(self.survey_period), start=1):
            t.put(i, area, "text", "Svar", "text", text=text)

    # ----------------------------------------------------------------------- the map and the survey per sector

    def area_map(self) -> None:
        """The map's figures per area: reported crimes, the change against the same tertial last
        year and its test (marts.fct_area_comparison), the map's colour, and the area's point."""
        t = self.table("karta", f"Anmälda brott per område på kartan, {self.period}")
        missing = self.b.missing("police_reported_count", self.period)
        rows = self.d.area_comparison(self.period)
        for a, name, _ in self.d.areas_with_population():
            r = rows.get(a)
            now, last = self._compared_keys(a, TOTAL)
            t.put(a, name, "reported", "Anmälda brott", "count", key=self.key("police_reported_count", a),
                  missing=missing)
            change = t.put(a, name, "change", f"Förändring mot {self.last_year or 'samma tertial i fjol'}", "pct",
                           r.change_vs_last_year_pct if r else None, deps=(now, last))
            compared = r is not None and not is_unknown(r.change_p_value)
            sig = _significance(r) if r else MISSING
            colour = MAP_CLASSES.get((_str(r.police_reported_direction), _true(r.change_is_significant))
                                     ) if compared else None

            def shown_unless_hidden(text, change=change):
                # a hidden or missing change has no test and no colour to give away
                return lambda b: text if b.shown(change) not in (MISSING, COMPLEMENTARY, UNKNOWN) else None

            t.put(a, name, "significance", "Prövning", "text",
                  compose=lambda b, f=shown_unless_hidden(sig): f(b) or MISSING)
            t.put(a, name, "colour", "Färg på kartan", "text",
                  compose=lambda b, f=shown_unless_hidden(colour): f(b) or NO_COMPARISON)
            t.put(a, name, "note", "Anmärkning", "text", text=self.row_note(r) if r else "")
            t.put(a, name, "lat", "Latitud", "coord", r.lat if r else None, public=True)
            t.put(a, name, "lon", "Longitud", "coord", r.lon if r else None, public=True)

    def survey_sectors(self) -> None:
        """Who sees it: the newest survey per sector and category, for the whole municipality and
        never per area. A sector's respondents are cells that add up to the municipality's, so a
        hidden one cannot be found by subtraction."""
        period = self.survey_period
        rows = self.d.survey_by_sector(period)
        if not rows or all(is_unknown(r.sector) for r in rows):
            return  # the export has no sector column
        t = self.table("enkat_sektor", f"Upplever problem per sektor, trygghetsenkät {period}")
        s = self.b.s
        by_category: dict[str, list] = {}
        for r in rows:
            sector = NO_SECTOR if is_unknown(r.sector) else r.sector
            key = s.cell(("ss", period, sector, r.category_id), r.survey_respondents)
            by_category.setdefault(r.category_id, []).append(key)
            row, label = f"{sector}:{r.category_id}", f"{sector}, {self.d.category_name(r.category_id)}"
            t.put(row, label, "sector", "Sektor", "text", text=sector)
            t.put(row, label, "category", "Problemkategori", "text", text=self.d.category_name(r.category_id))
            t.put(row, label, "respondents", "Svarande", "count", key=key, missing=True)
            few = FEW_ANSWERS if self.too_few(r.survey_respondents) else None
            t.put(row, label, "share", "Upplever problem", "share", r.survey_problem_share, text=few)
            t.put(row, label, "ci_low", "Konfidensintervall, nedre", "share", r.survey_ci_low, text=few)
            t.put(row, label, "ci_high", "Konfidensintervall, övre", "share", r.survey_ci_high, text=few)
            t.put(row, label, "interval", "95 % konfidensintervall", "text",
                  text=few or f"{round(r.survey_ci_low * 100)}–{round(r.survey_ci_high * 100)} %")
        if ("ss", period) in self.b._matrices:
            return  # the lines of this survey are drawn once (several tertials print the same survey)
        self.b._matrices.add(("ss", period))
        totals = self.d.survey_by_category(period)
        for category, keys in by_category.items():
            n = (totals.get(category) or (None,))[0]
            s.line(self.survey_respondents(period, TOTAL, category, n), keys)
    def police_events(self) -> None:
        """The internal edition only: the tertial's police events in the problem categories with
        their (redacted, DATA-CONTRACT §5) summaries, as the police published them."""
        t = self.table("handelser_lista", f"Polisens händelser {self.period} med sammanfattning")
        for i, (day, area, category, title, summary) in enumerate(self.d.police_event_list(self.period), start=1):
            t.put(i, day, "area", "Område", "text", text=area or "okänt område")
            t.put(i, day, "category", "Kategori", "text", text=category)
            t.put(i, day, "title", "Rubrik", "text", text=title or MISSING)
            t.put(i, day, "summary", "Sammanfattning", "text", text=summary or MISSING)

    # ----------------------------------------------------------------------- analys

    def indicator_row(self, r) -> dict:
        """The cells of one (area, category) that several tables print."""
        a, c = r.area_id, r.category_id
        now, last = self._compared_keys(a, c)
        return {
            "reported": self.key("police_reported_count", a, c),
            "now": now, "last": last,
            "partner": self.key("partner_report_count", a, c),
            "events": self.key("police_event_count", a, c),
        }

    def priorities(self) -> None:
        rows = self.d.priorities(self.period)[:PRIORITIES_LISTED]
        t = self.table("prioriteringar", "Prioriterade problemområden")
        reasons = self.table("prioriteringar_skal", "Skälen till rangordningen")
        proposals = self.table("forslag", "Förslag inför nästa löfte")
        pledged = self.d.pledged_cells(self.period)
        survey = self.d.survey_by_area(self.survey_period)
        proposed = 0
        for r in rows:
            k = self.indicator_row(r)
            rank = ordinal(int(r.priority_rank))
            row = f"{r.area_id}:{r.category_id}"
            missing = self.b.missing("police_reported_count", self.period)
            t.put(row, rank, "rank", "Prioritet", "text", text=rank)
            t.put(row, rank, "area", "Område", "text", text=self.d.area_name(r.area_id))
            t.put(row, rank, "category", "Kategori", "text", text=self.d.category_name(r.category_id))
            t.put(row, rank, "reported", "Anmälda brott", "count", key=k["reported"], missing=missing)
            t.put(row, rank, "last_year", "Samma tertial i fjol", "count", key=k["last"], missing=True)
            change = t.put(row, rank, "change", "Förändring", "pct", r.change_vs_last_year_pct,
                           deps=(k["now"], k["last"]))
            sig = _significance(r)
            t.put(row, rank, "significance", "Prövning", "text",
                  compose=lambda b, sig=sig, change=change: MISSING if b.shown(change) in (MISSING, COMPLEMENTARY,
                                                                                          UNKNOWN) else sig)
            t.put(row, rank, "note", "Anmärkning", "text", text=self.row_note(r))
            t.put(row, rank, "partner", "Partnerrapporter", "count", key=k["partner"],
                  missing=self.b.missing("partner_report_count", self.period))
            s = survey.get((r.area_id, r.category_id))
            t.put(row, rank, "survey", "Upplever problem", "share", s[2] if s else None,
                  text=(FEW_ANSWERS if self.too_few(s[0]) else None) if s else MISSING)
            t.put(row, rank, "score", "Poäng", "decimal2", r.priority_score, public=True)
            sentence = self._reasons(r, k, change, s)
            agreement = self._agreement(r)
            label = f"{self.d.category_name(r.category_id)} i {self.d.area_name(r.area_id)}"
            reasons.put(row, label, "rank", "Prioritet", "text", text=rank)
            reasons.put(row, label, "score", "Poäng", "decimal2", r.priority_score, public=True)
            reasons.put(row, label, "reasons", "Skäl", "text", compose=sentence)
            reasons.put(row, label, "agreement", "Samstämmighet", "text", text=agreement)
            if (r.area_id, r.category_id) not in pledged and proposed < 3:
                proposed += 1
                proposals.put(row, label, "reasons", "Skäl", "text", compose=sentence)
                proposals.put(row, label, "agreement", "Samstämmighet", "text", text=agreement)

    def _reasons(self, r, k, change: Figure, survey):
        period = self.period
        survey_period = self.survey_period

        def compose(book: Book) -> str:
            parts = []
            reported = count_phrase(book, k["reported"], "anmälda brott",
                                    book.missing("police_reported_count", period))
            if reported:
                rate = book.text_of(k["reported"])
                per = show_decimal(r.police_reported_per_1000, 1) if rate[:1].isdigit() else None
                parts.append(reported + (f" ({per} per 1 000 invånare)" if per and per != MISSING else ""))
            shown = book.shown(change)
            if shown not in (MISSING, COMPLEMENTARY, UNKNOWN):
                last = book.text_of(k["last"], True)
                verdict = {True: ", en statistiskt säkerställd förändring",
                           False: ", inom vad slumpen kan förklara"}.get(_true(r.change_is_significant), "")
                pre = f", {PRELIMINARY}" if self.row_note(r) else ""
                parts.append(f"{shown} mot samma tertial i fjol ({last}){verdict}{pre}")
            partner = count_phrase(book, k["partner"], "rapporter från samverkanspartner",
                                   book.missing("partner_report_count", period))
            if partner:
                parts.append(partner)
            events = count_phrase(book, k["events"], "händelser i polisens publicering",
                                  book.missing("police_event_count", period))
            if events:
                parts.append(events)
            if survey and survey[0] >= book.min_respondents:
                parts.append(f"{show_share(survey[2])} av de svarande i enkäten {survey_period} upplever problem")
            tri = r.triangulation_count
            if not is_unknown(tri) and tri > 0:
                words = ["", "en", "två", "tre"]
                parts.append(f"{words[int(tri)]} av tre slags källor (polis, partner, invånare) pekar hit")
            return "; ".join(parts) if parts else MISSING

        return compose

    def _agreement(self, r) -> str:
        """Whether the sources move the same way (the directions are dbt's)."""
        directions = {
            "anmälda brott": _str(r.police_reported_direction),
            "partnerrapporterna": _str(r.partner_report_direction),
            "andelen i enkäten": _str(r.survey_direction),
        }
        known = {k: v for k, v in directions.items() if v}
        if len(known) < 2:
            return "För lite underlag för att jämföra källorna."
        words = _and([f"{k} {DIRECTION_WORDS[v]}" for k, v in known.items()])
        return ("Källorna är samstämmiga: " if len(set(known.values())) == 1 else "Källorna går isär: ") + words + "."

    def changes(self) -> None:
        """Changes against the same tertial last year: significant ones, and clear ones that may be chance."""
        rows = self.d.changes(self.period)
        sig = self.table("sakerstallda", "Statistiskt säkerställda förändringar mot samma tertial i fjol")
        noise = self.table("kan_vara_slump", "Förändringar som kan vara slump bland så många jämförelser")
        t = self.table("provning", "Prövning av förändringar")
        t.put("tested", "Prövade jämförelser", "value", "Antal", "int", len(rows), public=True)
        for r in rows:
            k = self.indicator_row(r)
            label = f"{self.d.category_name(r.category_id)} i {self.d.area_name(r.area_id)}"
            row = f"{r.area_id}:{r.category_id}"
            if _true(r.change_is_significant):
                target = sig
            elif r.change_p_value < self.d.significance_level:
                target = noise  # would pass a test on its own, not among this many comparisons
            else:
                continue
            target.put(row, label, "change", "Förändring", "pct", r.change_vs_last_year_pct,
                                deps=(k["now"], k["last"]))
            target.put(row, label, "last_year", "Samma tertial i fjol", "count", key=k["last"], missing=True)
            target.put(row, label, "now", "Nu", "count", key=k["now"], missing=True)
            target.put(row, label, "p_value", "p (ojusterat)", "p", r.change_p_value, public=True)
            target.put(row, label, "p_adjusted", "p (justerat, Benjamini–Hochberg)", "p", r.change_p_adjusted,
                       public=True)
            target.put(row, label, "note", "Anmärkning", "text", text=self.row_note(r))

    # ----------------------------------------------------------------------- medborgarlöften

    def pledges(self) -> None:
        pledges = self.d.pledges_given_by(self.period)
        t = self.table("loften", "Uppföljning av medborgarlöften")
        status = self.table("loften_status", "Medborgarlöften per status")
        counts = {"on_track": 0, "off_track": 0, "no_data": 0}
        for p in pledges:
            series = self.d.pledge_series(p["pledge_id"], self.period)
            latest = series[-1] if series else None
            counts[latest["status"] if latest else "no_data"] += 1
            row, label = p["pledge_id"], p["title"]
            t.put(row, label, "title", "Löfte", "text", text=p["title"])
            t.put(row, label, "given", "Givet", "text", text=p["pledge_period"])
            t.put(row, label, "areas", "Område", "text",
                  text=", ".join(self.d.area_name(a) for a in p["area_ids"]) or "hela kommunen")
            t.put(row, label, "indicator", "Indikator", "text",
                  text=INDICATOR_LABELS.get(p["indicator"], p["indicator"]))
            base = self._pledge_value(t, p, row, label, "baseline", "Baslinje", latest, "baseline")
            t.put(row, label, "baseline_period", "Baslinjens tertial", "text",
                  text=latest["baseline_period"] if latest else p["baseline_period"])
            value = self._pledge_value(t, p, row, label, "latest", "Senaste värde", latest, "indicator")
            t.put(row, label, "latest_period", "Senaste tertial", "text", text=latest["period"] if latest else MISSING)
            t.put(row, label, "change", "Förändring", "pct", latest["change_pct"] if latest else None,
                  deps=tuple(k for k in (base, value) if k is not None))
            t.put(row, label, "significance", "Prövning", "text", text=_significance_row(latest))
            t.put(row, label, "target", "Mål", "pct", p["target_change_pct"], public=True)
            t.put(row, label, "status", "Status", "text",
                  text=STATUS_LABELS[latest["status"] if latest else "no_data"]
                  + (f" ({PRELIMINARY})" if latest and _true(latest.get("is_preliminary")) else ""))
            t.put(row, label, "actions", "Åtgärder", "text", text=_actions_phrase(latest))
            self.pledge_brief(p, series)
        for s, label in STATUS_LABELS.items():
            status.put(s, label, "count", "Antal löften", "int", counts[s], public=True)

    def _pledge_key(self, p, period) -> tuple | None:
        """The pledge's count over its areas in `period`, as a cell with its line to the area cells."""
        return self._areas_key(p["indicator"], period, p["area_ids"], p["category_id"])

    def _areas_key(self, measure, period, areas, category) -> tuple | None:
        """A count over several areas in `period` (a pledge's, a measure's), as a cell with its
        line to the area cells: the same areas give the same cell in every table."""
        if measure not in MEASURES or period is None or category not in self.d.category_ids:
            return None
        areas = tuple(a for a in areas if a in self.d.area_ids) or tuple(self.d.area_ids)
        key = ("pl", period, "+".join(areas), category, measure)
        if key not in self.b._matrices:
            self.b._matrices.add(key)
            cells = [self.b.count(measure, period, a, category) for a in areas]
            self.b.s.cell(key, _sum([self.b.s.values.get(k) for k in cells]), MEASURES[measure][1])
            self.b.s.line(key, cells)
        return key

    def _areas_compared_keys(self, areas, category) -> tuple:
        """(this year's, last year's) reported crimes over several areas and the months both
        tertials cover, as cells with their lines to the area cells (None, None: no comparison)."""
        areas = tuple(a for a in areas if a in self.d.area_ids) or tuple(self.d.area_ids)
        pairs = [self._compared_keys(a, category) for a in areas]
        if category not in self.d.category_ids or any(k is None for pair in pairs for k in pair):
            return None, None
        if len(areas) == 1:
            return pairs[0]
        keys = []
        for which, tag in ((0, "plc"), (1, "pll")):
            cells = [pair[which] for pair in pairs]
            key = (tag, self.period, "+".join(areas), category)
            if key not in self.b._matrices:
                self.b._matrices.add(key)
                self.b.s.cell(key, _sum([self.b.s.values.get(k) for k in cells]))
                self.b.s.line(key, cells)
            keys.append(key)
        return tuple(keys)

    def _pledge_value(self, t, p, row, label, col, col_label, latest, which):
        period = None if latest is None else (latest["period"] if which == "indicator" else latest["baseline_period"])
        key = self._pledge_key(p, period)
        value = None if latest is None else latest[f"{which}_value"]
        if p["indicator"] == "survey_problem_share":
            n = None if latest is None else latest["respondents" if which == "indicator" else "baseline_respondents"]
            few = self.too_few(n)
            t.put(row, label, col, col_label, "share", value, text=FEW_ANSWERS if few else None)
        elif key is not None:
            t.put(row, label, col, col_label, "count", key=key, missing=latest is None)
        else:
            t.put(row, label, col, col_label, "decimal1", value)
        return key

    def pledge_brief(self, p, series) -> None:
        pid, cat = p["pledge_id"], p["category_id"]
        areas = [a for a in p["area_ids"] if a in self.d.area_ids] or [a for a in self.d.area_ids]
        name = f"lofte:{pid}"
        t = self.table(f"{name}:serie", "Indikatorn per tertial")
        for s in series:
            key = self._pledge_key(p, s["period"])
            base = self._pledge_key(p, s["baseline_period"])
            if p["indicator"] == "survey_problem_share":
                few = self.too_few(s["respondents"])
                t.put(s["period"], s["period"], "value", "Värde", "share", s["indicator_value"],
                      text=FEW_ANSWERS if few else None)
            elif key is not None:
                t.put(s["period"], s["period"], "value", "Värde", "count", key=key)
            else:
                t.put(s["period"], s["period"], "value", "Värde", "decimal1", s["indicator_value"])
            t.put(s["period"], s["period"], "baseline_period", "Jämförs med", "text", text=s["baseline_period"])
            t.put(s["period"], s["period"], "change", "Förändring mot baslinjen", "pct", s["change_pct"],
                  deps=tuple(k for k in (key, base) if k is not None))
            t.put(s["period"], s["period"], "significance", "Prövning", "text", text=_significance_row(s))
            t.put(s["period"], s["period"], "status", "Status", "text", text=STATUS_LABELS[s["status"]]
                  + (f" ({PRELIMINARY})" if _true(s.get("is_preliminary")) else ""))
        self.pledge_actions(name, pid)
        if cat not in self.d.category_ids:
            return
        t = self.table(f"{name}:omraden", f"{self.d.category_name(cat)} i löftets områden, {self.period}")
        for a in areas:
            now, last = self._compared_keys(a, cat)
            label = self.d.area_name(a)
            t.put(a, label, "reported", "Anmälda brott", "count", key=self.key("police_reported_count", a, cat),
                  missing=self.b.missing("police_reported_count", self.period))
            t.put(a, label, "last_year", f"Samma tertial i fjol ({self.last_year or MISSING})", "count", key=last,
                  missing=True)
            t.put(a, label, "partner", "Partnerrapporter", "count", key=self.key("partner_report_count", a, cat),
                  missing=self.b.missing("partner_report_count", self.period))
            t.put(a, label, "events", "Polisens händelser", "count", key=self.key("police_event_count", a, cat),
                  missing=self.b.missing("police_event_count", self.period), public=True)
        self._brief_months(name, cat, areas)
        self._brief_partners(name, cat, areas)
        survey = self.d.survey_by_area(self.survey_period)
        if self.survey_period:
            t = self.table(f"{name}:enkat", f"Trygghetsenkäten {self.survey_period}")
            for a in areas:
                self.survey_cells(t, a, self.d.area_name(a), self.survey_period, a, cat, survey.get((a, cat)))

    def _brief_months(self, name, cat, areas) -> None:
        months = self.d.months(self.period)
        if self.b.missing("police_reported_count", self.period) or not months:
            return
        pr = self.b.measure("police_reported_count", self.period)
        s = self.b.s
        values = self.d.monthly(self.period, cat)
        t = self.table(f"{name}:manader", "Polisen: anmälda brott per månad")
        tag = "+".join(areas)
        for month, label in months:
            for a in areas:
                s.cell(("pm", month, a, cat), values.get((month, a), 0))
            s.cell(("pm", month, tag, cat), _sum([s.values[("pm", month, a, cat)] for a in areas]))
            s.line(("pm", month, tag, cat), [("pm", month, a, cat) for a in areas])
        for a in areas:
            s.line((pr, self.period, a, cat), [("pm", m, a, cat) for m, _ in months])
        total = ("pmt", self.period, tag, cat)
        s.cell(total, _sum([s.values[(pr, self.period, a, cat)] for a in areas]))
        s.line(total, [(pr, self.period, a, cat) for a in areas])
        s.line(total, [("pm", m, tag, cat) for m, _ in months])
        for month, label in [*months, (TOTAL, "Hela perioden")]:
            for a in [*areas, TOTAL]:
                if month == TOTAL:
                    key = total if a == TOTAL else (pr, self.period, a, cat)
                else:
                    key = ("pm", month, tag if a == TOTAL else a, cat)
                t.put(month, label, a, "Totalt" if a == TOTAL else self.d.area_name(a), "count", key=key)

    def _brief_partners(self, name, cat, areas) -> None:
        rows = self.d.partner_area_counts(self.period, cat, areas)
        if not rows:
            return
        pa = self.b.measure("partner_report_count", self.period)
        s = self.b.s
        t = self.table(f"{name}:partner", "Samverkanspartner")
        partners = sorted({partner for partner, _, _ in rows})
        values = {(partner, area): value for partner, area, value in rows}
        tag = "+".join(areas)
        for p in partners:
            for a in areas:
                s.cell(("ppa", self.period, p, a, cat), values.get((p, a), 0))
            s.cell(("ppa", self.period, p, tag, cat), sum(values.get((p, a), 0) for a in areas))
            s.line(("ppa", self.period, p, tag, cat), [("ppa", self.period, p, a, cat) for a in areas])
        for a in areas:
            s.line((pa, self.period, a, cat), [("ppa", self.period, p, a, cat) for p in partners])
        total = ("ppt", self.period, tag, cat)
        s.cell(total, sum(values.values()))
        s.line(total, [(pa, self.period, a, cat) for a in areas])
        s.line(total, [("ppa", self.period, p, tag, cat) for p in partners])
        totals = {p: sum(values.get((p, a), 0) for a in areas) for p in partners}
        for p, row_key, label in [*self.b.partner_rows(totals), (TOTAL, TOTAL, "Alla partner")]:
            for a in [*areas, TOTAL]:
                if p == TOTAL:
                    key = total if a == TOTAL else (pa, self.period, a, cat)
                else:
                    key = ("ppa", self.period, p, tag if a == TOTAL else a, cat)
                t.put(row_key, label, a, "Totalt" if a == TOTAL else self.d.area_name(a), "count", key=key)

    # ----------------------------------------------------------------------- åtgärder och uppföljning

    def actions(self) -> None:
        """The action plan as it stood in the tertial (fct_action_followup), each measure beside the
        reported crimes of its problem in its areas: work done beside whether the problem moved."""
        rows = self.d.actions(self.period)
        t = self.table("atgarder", "Åtgärder och uppföljning")
        counts = {label: 0 for label in [*ACTION_STATUS_LABELS.values(), LATE]}
        pledges = {p["pledge_id"]: p for p in self.d.pledges_given_by(self.period)}
        latest = {pid: (self.d.pledge_series(pid, self.period) or [None])[-1] for pid in pledges}
        for a in rows:
            row, label = a["action_id"], a["title"]
            status = ACTION_STATUS_LABELS[a["status"]]
            counts[LATE if _true(a["is_late"]) else status] += 1
            self._action_cells(t, a, row, label)
            cat = a["category_id"]
            now = self._areas_key("police_reported_count", self.period, a["area_ids"], cat)
            c_now, c_last = self._areas_compared_keys(a["area_ids"], cat)
            t.put(row, label, "reported", "Anmälda brott i området (problemet)", "count", key=now,
                  missing=self.b.missing("police_reported_count", self.period))
            t.put(row, label, "last_year", f"Samma tertial i fjol ({self.last_year or MISSING})", "count",
                  key=c_last, missing=True)
            t.put(row, label, "change", "Förändring mot i fjol", "pct", _change(self.b, c_now, c_last),
                  deps=tuple(k for k in (c_now, c_last) if k is not None))
            pledge = pledges.get(a["pledge_id"]) if not is_unknown(a["pledge_id"]) else None
            t.put(row, label, "pledge", "Löfte", "text", text=pledge["title"] if pledge else "")
            followed = latest.get(a["pledge_id"]) if pledge else None
            t.put(row, label, "pledge_status", "Löftets status", "text",
                  text=(STATUS_LABELS[followed["status"] if followed else "no_data"] if pledge else ""))
        status = self.table("atgarder_status", "Åtgärder per status")
        for label, n in counts.items():
            status.put(label, label, "count", "Antal åtgärder", "int", n, public=True)

    def _action_cells(self, t: Table, a: dict, row: str, label: str) -> None:
        """What a measure is and how far it has come (the report's table, the workbook, the briefs)."""
        late = _true(a["is_late"])
        t.put(row, label, "owner", "Ansvarig", "text", text=a["owner"])
        t.put(row, label, "areas", "Område", "text", text=", ".join(self.d.area_name(x) for x in a["area_ids"]))
        t.put(row, label, "category", "Problem", "text", text=self.d.category_name(a["category_id"]))
        end = a["end_date"]
        t.put(row, label, "time", "Tid", "text", text=f"från {a['start_date']:%Y-%m-%d}" if pd.isna(end)  # NaT: no end
              else f"{a['start_date']:%Y-%m-%d} – {end:%Y-%m-%d}")
        status = ACTION_STATUS_LABELS[a["status"]]
        t.put(row, label, "status", "Status", "text", text=status)
        t.put(row, label, "late", LATE, "text",
              text=f"{LATE} ({status.lower()}, slut {a['end_date']:%Y-%m-%d})" if late else "")
        done, target, measure = _str(a["done"]), _str(a["target_count"]), _str(a["target_measure"]) or ""
        t.put(row, label, "done", "Genomfört", "int", done, public=True)
        t.put(row, label, "target", "Mål", "int", target, public=True)
        t.put(row, label, "measure", "Räknas i", "text", text=measure)
        t.put(row, label, "progress", "Andel av målet", "share", _str(a["progress_share"]), public=True)
        t.put(row, label, "progress_text", "Genomfört av målet", "text", text=_progress_text(a, done, target, measure))
        t.put(row, label, "note", "Senaste anteckning", "text", text=_str(a["latest_note"]) or "")

    def pledge_actions(self, name: str, pledge_id: str) -> None:
        """The brief's measures that keep the pledge (an empty table: none in actions.yaml)."""
        rows = [a for a in self.d.actions(self.period) if a["pledge_id"] == pledge_id]
        t = self.table(f"{name}:atgarder", "Åtgärder som ska hålla löftet")
        for a in rows:
            self._action_cells(t, a, a["action_id"], a["title"])

    def coordinator_analysis(self) -> None:
        """The coordinator's own words (analysis/<period>.md), Markdown as stored (redacted)."""
        text = self.d.coordinator_analysis(self.period)
        if text is None:
            return
        t = self.table("analys_koordinator", "Koordinatorns bedömning")
        markdown = _str(text["analysis_markdown"])
        t.put("text", "Koordinatorns bedömning", "text", "Text", "text", text=markdown if markdown is not None else "")

    # ----------------------------------------------------------------------- the workbook's full sheet

    def indicator_sheet(self) -> None:
        t = self.table("indikatorer", "Alla problemområden (område × kategori)")
        for r in self.d.rows_of(self.period):
            k = self.indicator_row(r)
            row = f"{r.area_id}:{r.category_id}"
            label = f"{self.d.area_name(r.area_id)}, {self.d.category_name(r.category_id)}"
            put = lambda col, col_label, kind, value=None, **kw: t.put(row, label, col, col_label, kind, value, **kw)
            put("area", "Område", "text", text=self.d.area_name(r.area_id))
            put("category", "Problemkategori", "text", text=self.d.category_name(r.category_id))
            put("reported", "Anmälda brott", "count", key=k["reported"],
                missing=self.b.missing("police_reported_count", self.period))
            put("months", "Månader i uttaget", "int", r.police_reported_months, public=True)
            put("last_year", "Samma tertial i fjol (jämförda månader)", "count", key=k["last"], missing=True)
            put("compared_months", "Jämförda månader", "int", r.compared_months, public=True)
            put("change", "Förändring mot i fjol", "pct", r.change_vs_last_year_pct, deps=(k["now"], k["last"]))
            put("significant", "Statistiskt säkerställd", "text",
                text=MISSING if is_unknown(r.change_p_value) else ("ja" if _true(r.change_is_significant) else "nej"))
            put("note", "Anmärkning", "text", text=self.row_note(r))
            put("events", "Polisens händelser", "count", key=k["events"], public=True,
                missing=self.b.missing("police_event_count", self.period))
            put("partner", "Partnerrapporter", "count", key=k["partner"],
                missing=self.b.missing("partner_report_count", self.period))
            n = r.survey_respondents
            put("respondents", "Svarande i enkäten", "count",
                key=self.survey_respondents(self.period, r.area_id, r.category_id, n), missing=True)
            few = self.too_few(n)
            for col, col_label, value in (("share", "Andel som upplever problem", r.survey_problem_share),
                                          ("ci_low", "Konfidensintervall, nedre", r.survey_ci_low),
                                          ("ci_high", "Konfidensintervall, övre", r.survey_ci_high)):
                put(col, col_label, "share", value, text=FEW_ANSWERS if few else None)
            put("population", "Invånare", "int", r.population, public=True)
            put("per_1000", "Anmälda brott per 1 000 invånare", "decimal1", r.police_reported_per_1000,
                deps=(k["reported"],))
            put("score", "Prioritetspoäng", "decimal2", r.priority_score, public=True)
            put("rank", "Prioritet", "int", r.priority_rank, public=True)

    # ----------------------------------------------------------------------- datakvalitet

    def data_quality(self) -> None:
        dq = self.d.data_quality(self.period, self.p["period_end"])
        # the warnings that concern this tertial; every check's totals are on datakvalitet.html
        t = self.table("kvalitet_kontroller", "Automatiska kontroller")
        t.put("checks", "Kontroller", "warnings", "Varningar", "int", dq["checks"]["warnings"], public=True)
        t = self.table("kvalitet_tackning", "Täckning per källa och månad")
        for r in dq["coverage"]:
            for month, mark in zip(dq["months"], r["cells"]):
                t.put(r["source"], r["source"], month, month[2:], "text", text=mark)
        t = self.table("kvalitet_filer", "Inlästa filer")
        for r in dq["files"]:
            for col, label, kind in (("files", "Filer", "int"), ("rows_loaded", "Inlästa rader", "int"),
                                     ("rows_rejected", "Avvisade rader", "int"), ("last_loaded", "Senast inläst",
                                                                                  "text")):
                t.put(r["source"], r["source"], col, label, kind, r[col] if kind != "text" else None,
                      text=r[col] if kind == "text" else None, public=True)
        t = self.table("kvalitet_avvisade", "Avvisade rader per orsak")
        for i, r in enumerate(dq["rejected"], start=1):
            t.put(i, r["source"], "reason", "Orsak", "text", text=r["reason"])
            t.put(i, r["source"], "rows", "Rader", "int", r["rows"], public=True)
        t = self.table("kvalitet_kolumner", "Kolumner som inte lästs in")
        for i, r in enumerate(dq["ignored"], start=1):
            t.put(i, r["column"], "column", "Kolumn", "text", text=r["column"])
        t = self.table("kallhanvisning", "Källor")
        for r in dq["attribution"]:
            t.put(r["source"], r["source"], "text", "Text", "text", text=r["text"])
        # the live reference sources, when the figures use them (DATA-CONTRACT §7)
        if self.d.municipality.get("population_source") == "SCB":
            t.put("SCB", "Befolkning", "text", "Text", "text",
                  text="Källa: SCB, Statistikdatabasen, tabell TAB638 (folkmängd 31 december). Används för "
                       "kommunens befolkning och antal per 1 000 invånare.")
        if not self.d.reference_kpis(int(self.p["year"])).empty:
            t.put("Kolada", "Nyckeltal för jämförelse", "text", "Text", "text",
                  text="Källa: Kolada (RKA), nyckeltal för kommunen, länet och riket.")


def _progress_text(a: dict, done, target, measure: str) -> str:
    """'10 av 12 butiksbesök (83 %)', '162 märkta båtmotorer' without a target, '–' with neither."""
    if target is not None:
        share = _str(a["progress_share"])
        return (f"{int(done or 0)} av {int(target)} {measure}".rstrip()
                + (f" ({show_share(share)})" if share is not None else ""))
    return f"{int(done)} {measure}".rstrip() if done is not None else MISSING


def _actions_phrase(latest) -> str:
    """'3 åtgärder (1 genomförd, 1 försenad)', 'inga' or '–' (no follow-up yet): a pledge's measures."""
    if not latest or is_unknown(latest.get("actions_count")):
        return MISSING
    n, done, late = (int(latest[k]) for k in ("actions_count", "actions_done", "actions_late"))
    if n == 0:
        return "inga"
    parts = [f"{done} genomförd{'a' if done != 1 else ''}"] if done else []
    parts += [f"{late} försenad{'e' if late != 1 else ''}"] if late else []
    return f"{n} åtgärd{'er' if n != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")


def _change(book: Book, now, last):
    a, b = book.s.values.get(now), book.s.values.get(last)
    if is_unknown(a) or is_unknown(b) or b == 0:
        return None
    return (a - b) * 100 / b


def _sum(values):
    return None if any(is_unknown(v) for v in values) else sum(values)


def _true(value) -> bool:
    return not is_unknown(value) and bool(value)


def _str(value):
    return None if is_unknown(value) else value


def _significance(r) -> str:
    if is_unknown(r.change_p_value):
        return MISSING
    return "säkerställd" if _true(r.change_is_significant) else "kan vara slump"


def _significance_row(s) -> str:
    if not s or is_unknown(s.get("change_p_value")):
        return MISSING
    return "säkerställd" if _true(s.get("change_is_significant")) else "kan vara slump"
