"""What fct_published_figures is built from: the marts (and, for the evidence rows a
brief lists, the intermediate rows behind them), read once per build.

Selections only: every count, comparison, interval, direction and score is computed
in dbt. This module picks the rows of a period, a category or a pledge.
"""

from __future__ import annotations

import collections
import functools
import itertools
import re
from functools import cached_property

import duckdb
import pandas as pd

from .. import periods
from ..dbt_vars import dbt_vars, unknown_area_id
from ..warehouse import has_column, table_exists
from .sources import data_quality, quality_checks, section_rows_by_municipality, source_months
from .suppression import is_unknown

# An answer that needed redaction, or that names its writer, is a personal message,
# not a signal about a place: never quoted in a published report.
PERSONAL = r"\[(?:personnummer|telefon|e-post|namn|adress|regnr)\]|(?i:\bjag heter\b|\bmitt namn\b|\bkontakta mig\b)"


_PERSONAL = re.compile(PERSONAL)


@functools.lru_cache(maxsize=None)
def _row_type(fields: tuple):
    return collections.namedtuple("Pandas", fields, rename=True)


def tuples(frame: pd.DataFrame):
    """frame.itertuples(), the same rows and values, faster: itertuples() builds a new namedtuple
    class and indexes every column through .iloc on each call, which on the wide frames of a
    book, read thousands of times per municipality, cost more than the figures themselves."""
    row = _row_type(("Index", *frame.columns))
    return map(row._make, zip(frame.index, *(_values(column) for _, column in frame.items())))


def _values(column: pd.Series):
    """A column's values as iterating it gives them; strings through one list (pandas' Arrow-backed
    strings are slow to iterate one by one)."""
    return column.tolist() if isinstance(column.dtype, pd.StringDtype) else column


def _split(frame: pd.DataFrame, codes: list) -> dict:
    """code -> its rows of `frame` (ordered by `codes`, its kommun_code), numbered from 0: slices
    of the ordered rows, or pandas' grouping when a code's rows are not together."""
    runs = [(code, len(list(rows))) for code, rows in itertools.groupby(codes)]
    if len({code for code, _ in runs}) != len(runs) or any(is_unknown(code) for code, _ in runs):
        return {code: rows.reset_index(drop=True)
                for code, rows in frame.groupby(pd.Series(codes, index=frame.index, dtype=object),
                                                sort=False, dropna=False)}
    parts, start = {}, 0
    for code, n in runs:
        parts[code] = frame.iloc[start:start + n].reset_index(drop=True)
        start += n
    return parts


def _last(value) -> tuple:
    """A sort key that puts unknown values last, as pandas' sort_values does."""
    return (True, 0) if is_unknown(value) else (False, value)


def municipality_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The municipalities of the warehouse (marts.dim_municipality), in code order."""
    return [r[0] for r in con.execute("select kommun_code from marts.dim_municipality order by 1").fetchall()]


# What a municipality's figures read of the warehouse through Shared.part, every municipality at once
# (kommun_code first): inputs.py digests the same queries to tell which municipalities changed.
PARTS = {
    "municipality": "select * from marts.dim_municipality order by kommun_code",
    "periods": ("select own.kommun_code, dim_period.* from marts.dim_period inner join marts.dim_municipality_period "
                "as own using (period) order by own.kommun_code, period"),
    "areas": "select * from marts.dim_area order by kommun_code, sort_order",
    "indicators": ("select i.* from marts.fct_problem_indicators as i "
                   "left join marts.dim_area as a on a.kommun_code = i.kommun_code and a.area_id = i.area_id "
                   "left join marts.dim_problem_category as c on c.category_id = i.category_id "
                   "order by i.kommun_code, i.period, a.sort_order, i.area_id, c.sort_order, i.category_id"),
    "survey": "select * from marts.fct_survey_by_category order by kommun_code",
    "event_times": ("select kommun_code, period, event_at from intermediate.int_police_events "
                    "where area_id is not null and category_id is not null order by kommun_code, event_at, period"),
    "partner_counts": ("select kommun_code, period, partner, category_id, sum(report_count) as value "
                       "from intermediate.int_partner_reports group by all order by all"),
    "partner_areas": ("select kommun_code, period, category_id, partner, area_id, sum(report_count) as value "
                      "from intermediate.int_partner_reports group by all order by all"),
    "monthly": ("select kommun_code, period, category_id, month, area_id, reported_count "
                "from intermediate.int_police_reported_monthly order by kommun_code"),
    "reference": ("select * from marts.fct_reference_crime_rates where reported_crimes is not null "
                  "order by kommun_code, year"),
    "pledges": "select * from marts.dim_pledge order by kommun_code, sort_order, pledge_id",
    "followup": "select * from marts.fct_pledge_followup order by kommun_code, pledge_id, period",
}


class Shared:
    """What every municipality's book reads alike, read once per build of the figures."""

    def __init__(self, con: duckdb.DuckDBPyConnection, only: list[str] | None = None):
        """`only`: the municipalities whose books will be read (None: all): the reads keep
        their rows only, which a run that rebuilds one municipality's figures wants."""
        from data_quality import results

        self.con = con
        self.only = only
        self.codes = municipality_codes(con)
        self._latest = results.latest(con)
        self._checks: dict[str, dict] = {}
        self._months: dict[str, list[tuple]] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._parts: dict[tuple, tuple[dict, pd.DataFrame]] = {}
        self._categories: list[tuple] | None = None
        self._source_months: dict | None = None
        self._loaded: dict | None = None
        self._free_text: dict | None = None
        self._sections: dict | None = None

    def part(self, sql: str, kommun_code: str, drop: bool = False) -> pd.DataFrame:
        """One municipality's rows of `sql` (kommun_code among its columns, ordered by it first),
        which runs once for all: a query per municipality and table cost more than the rows.
        `drop`: without the kommun_code column (where the rows never had it)."""
        if (sql, drop) not in self._parts:
            if sql not in self._frames:
                if self.only is None:
                    frame = self.con.execute(sql).df()
                else:  # a filter keeps the order of the rows it lets through
                    frame = self.con.execute(f"select * from ({sql}) where list_contains(?, kommun_code)",
                                             [self.only]).df()
                self._frames[sql] = frame
            frame = self._frames[sql]
            codes = frame["kommun_code"].tolist()
            if drop:  # once for all: a drop per municipality cost more than its rows
                frame = frame.drop(columns="kommun_code")
            self._parts[(sql, drop)] = (_split(frame, codes), frame.iloc[0:0])
        parts, empty = self._parts[(sql, drop)]
        return parts.get(kommun_code, empty)

    def source_months(self, kommun_code: str) -> list[tuple]:
        """sources.source_months of the municipality, read for all at once."""
        if self._source_months is None:
            self._source_months = {}
            for code, *row in source_months(self.con, None, by_municipality=True):
                self._source_months.setdefault(code, []).append(tuple(row))
        return self._source_months.get(kommun_code, [])

    def free_text(self, kommun_code: str) -> dict[str, list[tuple]]:
        """period -> (area name, answer) of the municipality's free-text answers (Marts._free_text),
        read for all municipalities at once: a query per municipality and tertial cost more."""
        if self._free_text is None:
            self._free_text = {}
            if table_exists(self.con, "intermediate", "int_survey_free_text"):
                only = "" if self.only is None else " where list_contains(?, t.kommun_code)"
                rows = self.con.execute(
                    "select t.kommun_code, t.period, a.area_name, trim(t.answer_text) as text "
                    "from intermediate.int_survey_free_text t left join marts.dim_area a "
                    f"on a.area_id = t.area_id and a.kommun_code = t.kommun_code{only} "
                    "order by t.kommun_code, t.period, a.area_name nulls last, text",
                    [] if self.only is None else [self.only]).fetchall()
                for code, period, area, text in rows:
                    self._free_text.setdefault(code, {}).setdefault(period, []).append((area, text))
        return self._free_text.get(kommun_code, {})

    def sections(self, kommun_code: str) -> dict[str, dict]:
        """period -> sources.section_rows of the municipality, read for all at once."""
        if self._sections is None:
            self._sections = section_rows_by_municipality(self.con, self.only)
        if self.only is not None and kommun_code not in self.only:
            return section_rows_by_municipality(self.con, [kommun_code]).get(kommun_code, {})
        return self._sections.get(kommun_code, {})

    def categories(self) -> list[tuple]:
        """(category_id, name_sv) of marts.dim_problem_category, in their order."""
        if self._categories is None:
            cats = self.con.execute("select category_id, name_sv from marts.dim_problem_category order by sort_order")
            self._categories = list(cats.df().itertuples(index=False, name=None))
        return self._categories

    def loaded_kinds(self, kommun_code: str) -> set:
        """The sources with rows for the municipality: a file of its own folder, or a shared
        file of the region's root (kommun_code null)."""
        if not has_column(self.con, "audit", "loaded_files", "kommun_code"):
            return {r[0] for r in self.con.execute(
                "select distinct source_kind from audit.loaded_files where rows_loaded > 0").fetchall()}
        if self._loaded is None:
            self._loaded = {}
            for code, kind in self.con.execute("select distinct kommun_code, source_kind from audit.loaded_files "
                                               "where rows_loaded > 0").fetchall():
                self._loaded.setdefault(code, set()).add(kind)
        return self._loaded.get(kommun_code, set()) | self._loaded.get(None, set())

    def months(self, period: str) -> list[tuple]:
        """(month, month_label) of the tertial (marts.dim_month)."""
        if period not in self._months:
            self._months[period] = list(self.con.execute(
                "select month, month_label from marts.dim_month where period = ? order by month", [period]
            ).df().itertuples(index=False, name=None))
        return self._months[period]

    def quality_checks(self, period: str) -> dict:
        if period not in self._checks:
            self._checks[period] = quality_checks(self.con, period, self._latest)
        return self._checks[period]


class Marts:
    """One municipality's rows of the marts: every read below filters on its kommun_code
    (the dimensions of time and category are shared by all municipalities)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, kommun_code: str, shared: Shared | None = None):
        self.con = con
        self.shared = shared or Shared(con)
        self.code = kommun_code
        rows = self.shared.part(PARTS["municipality"], kommun_code)
        if rows.empty:
            raise KeyError(f"kommunen {kommun_code} finns inte i marts.dim_municipality")
        self.municipality = rows.iloc[0].to_dict()
        self._alone = len(self.shared.codes) == 1
        self.unknown_area = unknown_area_id()
        self.trend_steady_pct = int(dbt_vars()["trend_steady_pct"])
        self.significance_level = float(dbt_vars()["significance_level"])
        # Its own tertials (marts.dim_municipality_period): a neighbour's longer series adds none,
        # so a municipality's reports are the same alone and in a region.
        self._periods = self.shared.part(
            PARTS["periods"], kommun_code, drop=True).set_index("period")
        self.periods = self._periods.index.tolist()
        self._period_set = set(self.periods)
        areas = self.shared.part(PARTS["areas"], self.code)
        self._areas = areas.set_index("area_id")
        self.area_ids = areas["area_id"].tolist()
        self._area_names = dict(zip(areas["area_id"], areas["area_name"]))
        self.categories = self.shared.categories()
        self.category_ids = [c for c, _ in self.categories]
        self._category_names = dict(self.categories)
        # In the areas' and categories' own order: the sheets list them alike in every run.
        self.indicators = self.shared.part(
            PARTS["indicators"], self.code)
        self._by_period = {p: f for p, f in self.indicators.groupby("period")}
        # The same rows as tuples, per tertial: the tables walk them many times a tertial, and
        # pandas' selections and sorts per tertial cost more than the figures themselves.
        self._rows: dict[str, list] = {}
        for r in tuples(self.indicators):
            self._rows.setdefault(r.period, []).append(r)
        # Per tertial, asked for again by every table: read once (selections of the frames above).
        self._police_months: dict[str, int] = {}
        self._compared_months: dict[str, object] = {}
        self._survey_by_area: dict[str | None, dict] = {}
        self._survey_by_category: dict[str | None, dict] = {}
        self.loaded_kinds = self.shared.loaded_kinds(kommun_code)
        self._years: dict[tuple, pd.DataFrame] = {}

    def _q(self, sql: str, *params) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def _mine(self, schema: str, table: str) -> tuple[str, list]:
        """The where clause that keeps this municipality's rows of a table. A table without
        kommun_code is tolerated only in a warehouse of one municipality: with several it
        would mix them, so that is an error, never a silent sum."""
        if has_column(self.con, schema, table, "kommun_code"):
            return " where kommun_code = ?", [self.code]
        if self._alone:
            return "", []
        raise RuntimeError(f"{schema}.{table} saknar kolumnen kommun_code men lagret har flera kommuner")

    # ----------------------------------------------------------------------- dimensions

    def period(self, period: str) -> dict:
        return self._periods.loc[period].to_dict()

    def shift(self, period: str | None, years: int) -> str | None:
        if period is None:
            return None
        shifted = periods.shift_years(period, years)
        return shifted if shifted in self._period_set else None

    def same_tertial(self, period: str, years: int = 3) -> list[str]:
        return [q for q in (self.shift(period, -n) for n in range(years, -1, -1)) if q]

    def periods_up_to(self, period: str, count: int) -> list[str]:
        return [p for p in self.periods if p <= period][-count:]

    def area_name(self, area_id: str) -> str:
        return self._area_names.get(area_id, area_id)

    def category_name(self, category_id: str) -> str:
        return self._category_names.get(category_id, category_id)

    @cached_property
    def _areas_with_population(self) -> list[tuple]:
        return [(a, r["area_name"], None if is_unknown(r["population"]) else int(r["population"]))
                for a, r in self._areas.iterrows() if a != self.unknown_area]

    def areas_with_population(self) -> list[tuple]:
        return self._areas_with_population

    # ----------------------------------------------------------------------- indicators

    def indicators_of(self, period: str) -> pd.DataFrame:
        frame = self._by_period.get(period)
        return frame if frame is not None else self.indicators.iloc[0:0]

    def cells(self, period: str, column: str) -> dict:
        """(area, category) -> the column's value in the tertial."""
        rows = self.indicators_of(period)  # tolist(): the values astype(object) gives, faster
        return dict(zip(zip(rows["area_id"].tolist(), rows["category_id"].tolist()), rows[column].tolist()))

    def police_months(self, period: str) -> int:
        if period not in self._police_months:  # asked for every cell of a tertial
            months = self.indicators_of(period)["police_reported_months"].max()
            self._police_months[period] = 0 if is_unknown(months) else int(months)
        return self._police_months[period]

    def covered(self, measure: str, period: str | None) -> bool:
        """Whether the measure's source has data for the tertial (else '–', not 0)."""
        if period is None:
            return False
        if measure == "police_reported_count":
            return self.police_months(period) > 0
        kind = {"police_event_count": "police_events", "partner_report_count": "partner_reports"}[measure]
        return kind in self.loaded_kinds

    def compared_cells(self, book, period: str, area: str, category: str) -> tuple:
        """Cells of this year's and last year's police count over the months both tertials cover."""
        if period not in self._compared_months:
            self._compared_months[period] = self.indicators_of(period)["compared_months"].max()
        compared = self._compared_months[period]
        last_year = self.shift(period, -1)
        if is_unknown(compared) or last_year is None:
            return None, None
        compared = int(compared)
        now = "pr" if compared == self.police_months(period) else "prc"
        last = "pr" if compared == 4 and self.police_months(last_year) == 4 else "prl"
        if now == "prc":
            book.matrix("prc", period, lambda: self.cells(period, "police_reported_compared_count"), True)
        else:
            book.measure("police_reported_count", period)
        if last == "prl":
            book.matrix("prl", period, lambda: self.cells(period, "police_reported_same_period_last_year"), True)
        else:
            book.measure("police_reported_count", last_year)
        return (now, period, area, category), (last, period if last == "prl" else last_year, area, category)

    def rows_of(self, period: str | None) -> list:
        """The tertial's rows of fct_problem_indicators as tuples (marts.tuples), in their order."""
        return self._rows.get(period, [])

    def priorities(self, period: str) -> list:
        """Rows with a priority rank (not the unknown area), by rank."""
        rows = [r for r in self.rows_of(period)
                if not is_unknown(r.priority_rank) and r.area_id != self.unknown_area]
        return sorted(rows, key=lambda r: (_last(r.priority_rank), r.area_id, r.category_id))

    def changes(self, period: str) -> list:
        """Rows with a tested change (not the unknown area), by adjusted p-value."""
        rows = [r for r in self.rows_of(period)
                if not is_unknown(r.change_p_value) and r.area_id != self.unknown_area]
        return sorted(rows, key=lambda r: (_last(r.change_p_adjusted), _last(r.change_p_value), r.area_id,
                                           r.category_id))

    # ----------------------------------------------------------------------- survey

    def latest_survey_period(self, period: str) -> str | None:
        surveyed = [p for p in self._surveyed if p <= period]
        return max(surveyed) if surveyed else None

    @cached_property
    def _surveyed(self) -> list[str]:
        return [p for p, rows in self._rows.items()
                if any(not is_unknown(r.survey_respondents) and r.survey_respondents > 0 for r in rows)]

    @cached_property
    def _survey_totals(self) -> pd.DataFrame:
        return self.shared.part(PARTS["survey"], self.code)

    def survey_by_category(self, period: str | None) -> dict:
        if period not in self._survey_by_category:
            self._survey_by_category[period] = self._survey_by_category_of(period)
        return self._survey_by_category[period]

    def _survey_by_category_of(self, period: str | None) -> dict:
        return {r.category_id: (r.survey_respondents, r.survey_problem_count, r.survey_problem_share,
                                r.survey_ci_low, r.survey_ci_high) for r in self._survey_rows.get(period, [])}

    @cached_property
    def _survey_rows(self) -> dict[str, list]:
        """period -> its rows of fct_survey_by_category, as tuples."""
        by_period: dict[str, list] = {}
        for r in tuples(self._survey_totals):
            by_period.setdefault(r.period, []).append(r)
        return by_period

    def survey_respondents_max(self, period: str | None):
        rows = self._survey_rows.get(period)
        return None if not rows else int(max(r.survey_respondents for r in rows
                                             if not is_unknown(r.survey_respondents)))

    def survey_by_area(self, period: str | None) -> dict:
        if period not in self._survey_by_area:
            self._survey_by_area[period] = self._survey_by_area_of(period)
        return self._survey_by_area[period]

    def _survey_by_area_of(self, period: str | None) -> dict:
        return {(r.area_id, r.category_id): (r.survey_respondents, r.survey_problem_count, r.survey_problem_share,
                                             r.survey_ci_low, r.survey_ci_high)
                for r in (self.rows_of(period) if period else []) if not is_unknown(r.survey_respondents)}

    @cached_property
    def _survey_sectors(self) -> dict[str, list]:
        """period -> its rows of fct_survey_by_sector (sector, then category, in order; no sector last)."""
        frame = self.shared.part(
            "select s.* from marts.fct_survey_by_sector as s "
            "left join marts.dim_problem_category as c on c.category_id = s.category_id "
            "order by s.kommun_code, s.period, s.sector nulls last, c.sort_order", self.code)
        by_period: dict[str, list] = {}
        for r in tuples(frame):
            by_period.setdefault(r.period, []).append(r)
        return by_period

    def survey_by_sector(self, period: str | None) -> list:
        return self._survey_sectors.get(period, [])

    # ----------------------------------------------------------------------- the map

    @cached_property
    def _area_comparison(self) -> dict[str, dict]:
        """period -> area_id -> its row of fct_area_comparison (the map's figures and points)."""
        frame = self.shared.part("select * from marts.fct_area_comparison order by kommun_code, period, area_id",
                                 self.code)
        by_period: dict[str, dict] = {}
        for r in tuples(frame):
            by_period.setdefault(r.period, {})[r.area_id] = r
        return by_period

    def area_comparison(self, period: str) -> dict:
        return self._area_comparison.get(period, {})
    def police_event_list(self, period: str) -> list[tuple]:
        """(date, area name, category name, title, summary) of the tertial's police events in the
        problem categories, oldest first (the internal edition's list; summaries redacted at ingest)."""
        return self.con.execute(
            "select strftime(e.event_at, '%Y-%m-%d %H:%M'), a.area_name, c.name_sv, e.event_title, e.summary "
            "from intermediate.int_police_events e "
            "join marts.dim_problem_category c using (category_id) "
            "left join marts.dim_area a on a.kommun_code = e.kommun_code and a.area_id = e.area_id "
            "where e.kommun_code = ? and e.period = ? and e.area_id is not null "
            "order by e.event_at, e.event_id", [self.code, period]).fetchall()

    def quotes(self, period: str, limit: int = 6) -> list[tuple[str, str]]:
        """A few short, distinct free-text answers, one per area (deterministic)."""
        seen, answers = set(), []
        for area, text in self._free_text(period):
            if text is None or not 25 <= len(text) <= 180 or text in seen:
                continue
            seen.add(text)  # the first of the same answers, as read
            if not _PERSONAL.search(text):
                answers.append(("okänt område" if is_unknown(area) else area, text))
        picked, areas = [], set()
        for area, text in sorted(answers):
            if area not in areas:
                areas.add(area)
                picked.append((area, text))
        return picked[:limit]

    def _free_text(self, period: str) -> list[tuple]:
        """(area name, answer) of the tertial's free-text answers, in a fixed order: the same answer
        given in two areas is quoted under the first area by name, whatever order DuckDB reads
        the rows in (which depends on threads and load order)."""
        return self.shared.free_text(self.code).get(period, [])

    # ----------------------------------------------------------------------- evidence rows

    # Read once per municipality and selected per tertial: a query per tertial and table cost
    # more than the rows (a national run has thousands of tertials).
    @cached_property
    def _event_times(self) -> pd.DataFrame:
        return self.shared.part(
            PARTS["event_times"],
            self.code, drop=True)

    @cached_property
    def _event_clock(self) -> dict[str, collections.Counter]:
        """period -> Counter of (hour, weekday) of its events."""
        frame = self._event_times
        clock: dict[str, collections.Counter] = {}
        for period, hour, day in zip(frame["period"], frame["event_at"].dt.hour, frame["event_at"].dt.day_of_week):
            clock.setdefault(period, collections.Counter())[(hour, day)] += 1
        return clock

    def event_clock(self, periods: list[str]) -> collections.Counter:
        """(hour, weekday: 0 Monday) -> the events of the tertials `periods`."""
        total = collections.Counter()
        for p in periods:
            total.update(self._event_clock.get(p, {}))
        return total

    @cached_property
    def _partner_counts(self) -> dict[str, pd.DataFrame]:
        frame = self.shared.part(
            PARTS["partner_counts"], self.code, drop=True)
        return {p: f for p, f in frame.groupby("period", sort=False)}  # (a column and index more: unread)

    def partner_counts(self, period: str) -> pd.DataFrame:
        frame = self._partner_counts.get(period)
        return frame if frame is not None else pd.DataFrame(columns=["partner", "category_id", "value"])

    def partner_area_counts(self, period: str, category: str, areas: list[str]) -> list[tuple]:
        """(partner, area_id, reports) of the category in the tertial and the areas, in that order."""
        return [(r.partner, r.area_id, r.value) for r in self._partner_areas.get((period, category), [])
                if r.area_id in areas]

    @cached_property
    def _partner_areas(self) -> dict[tuple, list]:
        frame = self.shared.part(
            PARTS["partner_areas"], self.code, drop=True)
        by_cell: dict[tuple, list] = {}
        for r in tuples(frame):
            by_cell.setdefault((r.period, r.category_id), []).append(r)
        return by_cell

    def months(self, period: str) -> list[tuple]:
        return self.shared.months(period)

    def monthly(self, period: str, category: str) -> dict:
        """(month, area) -> reported count in the winning extract; None where `..`."""
        return self._monthly.get((period, category), {})

    @cached_property
    def _monthly(self) -> dict[tuple, dict]:
        frame = self.shared.part(
            PARTS["monthly"], self.code, drop=True)
        by_cell: dict[tuple, dict] = {}
        for r in tuples(frame):
            by_cell.setdefault((r.period, r.category_id), {})[(r.month, r.area_id)] = (
                None if is_unknown(r.reported_count) else int(r.reported_count))
        return by_cell

    @cached_property
    def _reference(self) -> pd.DataFrame:
        return self.shared.part(
            PARTS["reference"], self.code)

    def reference(self, up_to_year: int) -> pd.DataFrame:
        return self._by_year("reference", self._reference, up_to_year)

    def _by_year(self, name: str, frame: pd.DataFrame, up_to_year: int) -> pd.DataFrame:
        """The rows of `frame` up to a year, selected once per year (every tertial asks, some twice)."""
        key = (name, up_to_year)
        if key not in self._years:
            self._years[key] = frame[frame["year"] <= up_to_year]
        return self._years[key]

    @cached_property
    def _reference_kpis(self) -> pd.DataFrame:
        """Kolada's figures of the municipality, its county (00 + its two digits) and the country
        (marts.fct_reference_kpis, DATA-CONTRACT §7); empty in a warehouse built before it."""
        if not table_exists(self.con, "marts", "fct_reference_kpis"):
            return pd.DataFrame(columns=["kommun_code", "kpi_id", "kpi_title", "year", "value", "area_level",
                                         "area_name", "fetched_at"])
        return self._q("select * from marts.fct_reference_kpis where kommun_code in (?, ?, '0000') "
                       "order by kpi_id, year", self.code, "00" + self.code[:2])

    def reference_kpis(self, up_to_year: int) -> pd.DataFrame:
        return self._by_year("kpis", self._reference_kpis, up_to_year)

    # ----------------------------------------------------------------------- pledges

    @cached_property
    def _pledges(self) -> list[dict]:
        return self.shared.part(PARTS["pledges"],
                                self.code).to_dict("records")

    @cached_property
    def _followup(self) -> pd.DataFrame:
        where, params = self._mine("marts", "fct_pledge_followup")
        if params:
            return self.shared.part(
                PARTS["followup"], self.code)
        return self._q(f"select * from marts.fct_pledge_followup{where} order by pledge_id, period", *params)

    def pledges_given_by(self, period: str) -> list[dict]:
        return [{**p, "area_ids": list(p["area_ids"]) if p["area_ids"] is not None else []}
                for p in self._pledges if str(p["pledge_period"]) <= period]

    def pledged_cells(self, period: str) -> set:
        return {(a, p["category_id"]) for p in self.pledges_given_by(period) for a in p["area_ids"]}

    def pledge_series(self, pledge_id: str, period: str) -> list[dict]:
        return [r for r in self._followup_records.get(pledge_id, []) if r["period"] <= period]

    @cached_property
    def _followup_records(self) -> dict[str, list[dict]]:
        by_pledge: dict[str, list[dict]] = {}
        for r in self._followup.to_dict("records"):
            by_pledge.setdefault(r["pledge_id"], []).append(r)
        return by_pledge

    # ----------------------------------------------------------------------- the action plan

    @cached_property
    def _actions(self) -> dict[str, list[dict]]:
        """marts.fct_action_followup by tertial, in actions.yaml's order (none in a warehouse
        built before the action plan)."""
        if not has_column(self.con, "marts", "fct_action_followup", "kommun_code"):
            return {}
        by_period: dict[str, list[dict]] = {}
        frame = self.shared.part("select * from marts.fct_action_followup order by kommun_code, period, sort_order",
                                 self.code)
        for r in frame.to_dict("records"):
            r["area_ids"] = list(r["area_ids"]) if r["area_ids"] is not None else []
            by_period.setdefault(r["period"], []).append(r)
        return by_period

    def actions(self, period: str) -> list[dict]:
        return self._actions.get(period, [])

    @cached_property
    def _analysis(self) -> dict[str, dict]:
        if not has_column(self.con, "marts", "fct_coordinator_analysis", "kommun_code"):
            return {}
        frame = self.shared.part("select * from marts.fct_coordinator_analysis order by kommun_code, period", self.code)
        return {r["period"]: r for r in frame.to_dict("records")}

    def coordinator_analysis(self, period: str) -> dict | None:
        """The coordinator's own text of the tertial (analysis/<period>.md), or None."""
        return self._analysis.get(period)

    # ----------------------------------------------------------------------- data quality

    @cached_property
    def _source_months(self) -> list[tuple]:
        if not has_column(self.con, "intermediate", "int_source_dates", "kommun_code"):
            return source_months(self.con, self.code)
        return self.shared.source_months(self.code)

    def data_quality(self, period: str, period_end) -> dict:
        dq = data_quality(self.con, period, pd.Timestamp(period_end).date(), self.code,
                          section=self.shared.sections(self.code).get(period, {}), dates=self._source_months)
        dq["checks"] = self.shared.quality_checks(period)
        return dq
