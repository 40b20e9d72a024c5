"""What one tertial's lägesbild says: every number it publishes, already suppressed.

The HTML, the PDF, the XLSX and the pledge briefs are all rendered from the
`Content` built here, so a count hidden in one of them is hidden in all. Counts come
from one suppressed area × category matrix per (period, measure); totals, charts and
the long tables read their cells from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import pandas as pd
from scipy.stats import binomtest

from . import queries
from .suppression import (
    COMPLEMENTARY, TOTAL, hidden_mask, show_change, show_count, show_decimal, show_share,
    shown_value, suppress_series, suppress_table,
)

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
TIMES_OF_DAY = [("natt", 0), ("förmiddag", 6), ("eftermiddag", 12), ("kväll", 18)]  # six hours each
UNKNOWN_AREA = "okant"
PERSONAL = r"\[(?:personnummer|telefon|e-post)\]|(?i:\bjag heter\b|\bmitt namn\b|\bkontakta mig\b)"


def ordinal(n: int) -> str:
    """Swedish ordinal: 1:a, 2:a, 3:e, 11:e, 21:a."""
    return f"{n}:{'a' if n % 10 in (1, 2) and n % 100 not in (11, 12) else 'e'}"


@dataclass
class Published:
    """One measure in one period: area × category counts with totals, as published."""

    values: pd.DataFrame  # ints, with TOTAL row and column
    text: pd.DataFrame
    threshold: int

    @cached_property
    def hidden(self) -> pd.DataFrame:
        return hidden_mask(self.text, self.threshold)

    def text_of(self, area: str, category: str) -> str:
        return self.text.loc[area, category]

    def shown(self, area: str, category: str):
        return None if self.hidden.loc[area, category] else int(self.values.loc[area, category])


class Matrices:
    """Suppressed matrices per (period, measure), computed once per report."""

    def __init__(self, con: duckdb.DuckDBPyConnection, threshold: int):
        self.con, self.threshold, self._cache = con, threshold, {}

    def get(self, period: str, measure: str) -> Published | None:
        key = (period, measure)
        if key not in self._cache:
            published = None
            if queries.covered(self.con, period, measure):
                counts = queries.count_matrix(self.con, period, measure).fillna(0).astype("int64")
                text = suppress_table(counts, self.threshold)
                values = counts.copy()
                values[TOTAL] = values.sum(axis=1)
                values.loc[TOTAL] = values.sum(axis=0)
                published = Published(values, text, self.threshold)
            self._cache[key] = published
        return self._cache[key]

    def text(self, period: str, measure: str, area: str = TOTAL, category: str = TOTAL) -> str:
        m = self.get(period, measure)
        return "–" if m is None else m.text_of(area, category)

    def shown(self, period: str, measure: str, area: str = TOTAL, category: str = TOTAL):
        m = self.get(period, measure)
        return None if m is None else m.shown(area, category)


def change_text(new, old) -> str:
    """Change between two published values; unknown when either is hidden or zero."""
    if new is None or old is None or old == 0:
        return "–"
    return show_change((new - old) / old * 100)


def wilson(problem: int, respondents: int) -> tuple[float, float]:
    ci = binomtest(int(problem), int(respondents)).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


@dataclass
class Content:
    period: str
    threshold: int
    municipality: dict
    period_start: str
    period_end: str
    categories: pd.DataFrame
    areas: pd.DataFrame
    matrices: Matrices
    indicators: pd.DataFrame
    last_year: str | None
    same_tertial: list[str]
    trend_periods: list[str]
    survey_period: str | None
    survey: pd.DataFrame  # per category, pooled, with shares and published text
    priorities: list[dict]
    ranked_by_model: bool
    significance_known: bool
    event_times: pd.DataFrame
    partners: pd.DataFrame
    quotes: list[dict]
    reference: pd.DataFrame
    pledges: list[dict] = field(default_factory=list)
    data_quality: dict = field(default_factory=dict)

    @property
    def area_names(self) -> dict:
        return dict(zip(self.areas["area_id"], self.areas["area_name"]))

    @property
    def category_names(self) -> dict:
        return dict(zip(self.categories["category_id"], self.categories["name_sv"]))


def build(con: duckdb.DuckDBPyConnection, period: str) -> Content:
    municipality = queries.municipality(con)
    threshold = int(municipality["suppression_threshold"])
    prow = queries.period_row(con, period)
    categories = queries.categories(con)
    areas = queries.areas(con)
    matrices = Matrices(con, threshold)
    same_tertial = queries.same_tertial_periods(con, period)
    last_year = same_tertial[-2] if len(same_tertial) > 1 and same_tertial[-2].startswith(str(prow["year"] - 1)) else None
    indicators = queries.indicators(con, period)
    survey_period = queries.latest_survey_period(con, period)
    survey = _survey(con, survey_period, threshold)
    priorities, ranked_by_model = _priorities(con, indicators, matrices, period, last_year, survey_period, threshold)
    significance_known = "change_is_significant" in indicators and indicators["change_is_significant"].notna().any()
    return Content(
        period=period,
        threshold=threshold,
        municipality=municipality,
        period_start=prow["period_start"].strftime("%Y-%m-%d"),
        period_end=prow["period_end"].strftime("%Y-%m-%d"),
        categories=categories,
        areas=areas,
        matrices=matrices,
        indicators=indicators,
        last_year=last_year,
        same_tertial=same_tertial,
        trend_periods=queries.periods_up_to(con, period, 9),
        survey_period=survey_period,
        survey=survey,
        priorities=priorities,
        ranked_by_model=ranked_by_model,
        significance_known=bool(significance_known),
        event_times=queries.police_event_times(con, queries.periods_up_to(con, period, 9)),
        partners=queries.partner_counts(con, period),
        quotes=_quotes(queries.free_text(con, survey_period)) if survey_period else [],
        reference=queries.reference_rates(con, int(prow["year"])),
    )


def _survey(con, survey_period: str | None, threshold: int) -> pd.DataFrame:
    if survey_period is None:
        return pd.DataFrame(columns=["category_id", "category_name", "respondents", "share", "low", "high", "text"])
    frame = queries.survey_by_category(con, survey_period)
    rows = []
    for r in frame.itertuples():
        n = int(r.respondents) if pd.notna(r.respondents) else 0
        k = int(r.problem_answers) if pd.notna(r.problem_answers) else 0
        share = k / n if n else None
        low, high = wilson(k, n) if n else (None, None)
        text = show_share(share, n, threshold) if n else "–"
        shown = text.endswith("%")
        rows.append({
            "category_id": r.category_id, "category_name": r.category_name,
            "respondents": n, "respondents_text": show_count(n, threshold),
            "share": share if shown else None, "low": low if shown else None, "high": high if shown else None,
            "text": text,
            "interval": f"{show_decimal(low * 100, 0)}–{show_decimal(high * 100, 0)} %" if shown else "–",
        })
    return pd.DataFrame(rows)


def _survey_text(row, threshold: int) -> str:
    if row is None or pd.isna(row.get("survey_respondents")):
        return "–"
    return show_share(row.get("survey_problem_share"), row.get("survey_respondents"), threshold)


def _direction(new, old) -> str | None:
    """'upp', 'ned' or 'oförändrat' (within ±10 %) between two published values."""
    if new is None or old is None:
        return None
    if old == 0:
        return "upp" if new > 0 else "oförändrat"
    change = (new - old) / old
    return "upp" if change > 0.10 else ("ned" if change < -0.10 else "oförändrat")


def _priorities(con, indicators, matrices: Matrices, period, last_year, survey_period, threshold):
    """The problem areas (area × category) in priority order, with the reasons for each rank."""
    rows = indicators[indicators["area_id"] != UNKNOWN_AREA]
    ranked_by_model = "priority_rank" in rows and rows["priority_rank"].notna().any()
    if ranked_by_model:
        rows = rows[rows["priority_rank"].notna()].sort_values("priority_rank")
    else:
        rows = rows.assign(_r=rows["police_reported_count"].fillna(-1), _p=rows["partner_report_count"].fillna(0))
        rows = rows[(rows["_r"] > 0) | (rows["_p"] > 0)].sort_values(
            ["_r", "_p", "area_order", "category_order"], ascending=[False, False, True, True]
        )
    survey_rows = {}
    if survey_period is not None:
        srv = queries.indicators(con, survey_period)
        survey_rows = {(r["area_id"], r["category_id"]): r for r in srv.to_dict("records")}
    survey_prev = {}
    if survey_period is not None:
        prev = f"{int(survey_period[:4]) - 1}{survey_period[4:]}"
        survey_prev = {(r["area_id"], r["category_id"]): r for r in queries.indicators(con, prev).to_dict("records")}

    result = []
    for i, r in enumerate(rows.head(10).to_dict("records"), start=1):
        area, cat = r["area_id"], r["category_id"]
        rep, rep_text = matrices.shown(period, "police_reported_count", area, cat), matrices.text(
            period, "police_reported_count", area, cat)
        last, last_text = (matrices.shown(last_year, "police_reported_count", area, cat),
                           matrices.text(last_year, "police_reported_count", area, cat)) if last_year else (None, "–")
        partner, partner_text = matrices.shown(period, "partner_report_count", area, cat), matrices.text(
            period, "partner_report_count", area, cat)
        partner_last = matrices.shown(last_year, "partner_report_count", area, cat) if last_year else None
        events_text = matrices.text(period, "police_event_count", area, cat)
        change = r.get("change_vs_last_year_pct")
        change_out = show_change(change) if rep is not None and last is not None else "–"
        significant = r.get("change_is_significant")
        sig_text = "–" if significant is None or pd.isna(significant) or change_out == "–" else (
            "säkerställd" if significant else "kan vara slump")
        s_now, s_prev = survey_rows.get((area, cat)), survey_prev.get((area, cat))
        survey_text = _survey_text(s_now, threshold)
        rate = r.get("police_reported_per_1000")
        rate_text = show_decimal(rate, 1) if rep is not None else "–"

        reasons = []
        if rep_text not in ("–", "0"):
            reasons.append(count_phrase(rep_text, "anmälda brott", threshold)
                           + (f" ({rate_text} per 1 000 invånare)" if rate_text != "–" else ""))
        if change_out != "–":
            reasons.append(f"{change_out} mot samma tertial i fjol ({last_text})"
                           + ("" if sig_text == "–" else (", en statistiskt säkerställd förändring"
                                                          if significant else ", inom vad slumpen kan förklara")))
        if partner_text not in ("–", "0"):
            reasons.append(count_phrase(partner_text, "rapporter från samverkanspartner", threshold))
        if events_text not in ("–", "0"):
            reasons.append(count_phrase(events_text, "händelser i polisens publicering", threshold))
        if survey_text.endswith("%"):
            reasons.append(f"{survey_text} av de svarande i enkäten {survey_period} upplever problem")
        baseline, years = r.get("police_reported_baseline"), r.get("police_reported_baseline_years")
        if baseline is not None and pd.notna(baseline) and baseline >= threshold and pd.notna(years) and years > 1:
            reasons.append(f"i snitt {show_decimal(baseline, 0)} anmälda brott samma tertial de {int(years)} "
                           "föregående åren")
        tri = r.get("triangulation_count")
        if tri is not None and pd.notna(tri) and tri > 0:
            reasons.append(f"{['', 'en', 'två', 'tre'][int(tri)] if tri <= 3 else int(tri)} av tre slags källor "
                           "(polis, partner, invånare) pekar hit")

        directions = {
            "anmälda brott": _direction(rep, last),
            "partnerrapporterna": _direction(partner, partner_last),
            "andelen i enkäten": _direction(
                (s_now or {}).get("survey_problem_share") if survey_text.endswith("%") else None,
                (s_prev or {}).get("survey_problem_share")
                if s_prev is not None and _survey_text(s_prev, threshold).endswith("%") else None),
        }
        known = {k: v for k, v in directions.items() if v}
        if len(known) < 2:
            agreement = "För lite underlag för att jämföra källorna."
        elif len(set(known.values())) == 1:
            agreement = "Källorna är samstämmiga: " + _and(f"{k} {_dir_word(v)}" for k, v in known.items()) + "."
        else:
            agreement = "Källorna går isär: " + _and(f"{k} {_dir_word(v)}" for k, v in known.items()) + "."

        rank = int(r["priority_rank"]) if ranked_by_model else i
        result.append({
            "rank": ordinal(rank),
            "area_id": area, "category_id": cat,
            "area": r["area_name"], "category": r["category_name"],
            "reported": rep_text, "last_year": last_text, "change": change_out, "significance": sig_text,
            "significant": bool(significant) if sig_text != "–" else None,
            "rate": rate_text, "partner": partner_text, "events": events_text, "survey": survey_text,
            "score": show_decimal(r.get("priority_score"), 2) if ranked_by_model else "–",
            "reasons": reasons, "agreement": agreement,
        })
    return result, bool(ranked_by_model)


def _dir_word(direction: str) -> str:
    return {"upp": "ökar", "ned": "minskar", "oförändrat": "ligger still"}[direction]


def _and(parts) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def count_phrase(text: str, noun: str, threshold: int) -> str:
    """'12 anmälda brott', 'färre än 3 anmälda brott', 'anmälda brott (antal dolt)'."""
    if text.startswith("<"):
        return f"färre än {threshold} {noun}"
    if text == COMPLEMENTARY:
        return f"{noun} (antal dolt)"
    return f"{text} {noun}"


def _quotes(frame: pd.DataFrame, limit: int = 6) -> list[dict]:
    """A few short, distinct free-text answers, spread over areas (deterministic)."""
    if frame.empty:
        return []
    frame = frame.assign(text=frame["answer_text"].str.strip())
    frame = frame[frame["text"].str.len().between(25, 180)].drop_duplicates("text")
    # An answer that needed redaction, or that names its writer, is a personal message,
    # not a signal about a place: never quoted in a published report.
    frame = frame[~frame["text"].str.contains(PERSONAL, regex=True)]
    frame = frame.sort_values(["area_name", "text"])
    picked = frame.groupby("area_name", sort=False).head(1).head(limit)
    return [{"area": r.area_name or "okänt område", "text": r.text} for r in picked.itertuples()]


# --------------------------------------------------------------------------- derived tables


def category_table(c: Content) -> list[dict]:
    """Per category: police reported this tertial and the same tertial in earlier years."""
    rows = []
    for cat in c.categories.itertuples():
        now = c.matrices.shown(c.period, "police_reported_count", TOTAL, cat.category_id)
        last = c.matrices.shown(c.last_year, "police_reported_count", TOTAL, cat.category_id) if c.last_year else None
        rows.append({
            "category_id": cat.category_id, "category": cat.name_sv,
            "years": [c.matrices.text(p, "police_reported_count", TOTAL, cat.category_id) for p in c.same_tertial],
            "change": change_text(now, last),
        })
    return rows


def sources_table(c: Content) -> list[dict]:
    """Per category, every source side by side (never summed)."""
    survey = c.survey.set_index("category_id") if not c.survey.empty else None
    rows = []
    for cat in c.categories.itertuples():
        s = survey.loc[cat.category_id] if survey is not None and cat.category_id in survey.index else None
        rows.append({
            "category": cat.name_sv,
            "reported": c.matrices.text(c.period, "police_reported_count", TOTAL, cat.category_id),
            "events": c.matrices.text(c.period, "police_event_count", TOTAL, cat.category_id),
            "partner": c.matrices.text(c.period, "partner_report_count", TOTAL, cat.category_id),
            "survey": s["text"] if s is not None else "–",
            "interval": s["interval"] if s is not None else "–",
        })
    return rows


def matrix_rows(c: Content, measure: str) -> list[dict]:
    """Area × category rows of a measure, with totals; areas without any count left out."""
    m = c.matrices.get(c.period, measure)
    if m is None:
        return []
    names = c.area_names
    return [
        {
            "label": "Hela kommunen" if area == TOTAL else names.get(area, area),
            "area_id": area,
            "cells": m.text.loc[area].drop(TOTAL).tolist(),
            "total": m.text.loc[area, TOTAL],
            "total_row": area == TOTAL,
        }
        for area in m.text.index
        if area == TOTAL or m.values.loc[area, TOTAL] > 0
    ]


def area_table(c: Content) -> list[dict]:
    m = c.matrices.get(c.period, "police_reported_count")
    rows = []
    for a in c.areas.itertuples():
        if a.area_id == UNKNOWN_AREA:
            continue
        shown = m.shown(a.area_id, TOTAL) if m is not None else None
        rate = shown * 1000 / a.population if shown is not None and a.population and a.population > 0 else None
        rows.append({
            "area": a.area_name,
            "population": show_count(a.population, 0) if pd.notna(a.population) else "–",
            "reported": m.text_of(a.area_id, TOTAL) if m is not None else "–",
            "rate": show_decimal(rate, 1),
            "rate_value": rate,
            "partner": c.matrices.text(c.period, "partner_report_count", a.area_id, TOTAL),
        })
    return rows


def trend_frame(c: Content) -> pd.DataFrame:
    """Police reported per category and period (published values), for the trend chart and sheet."""
    rows = []
    for p in c.trend_periods:
        for cat in c.categories.itertuples():
            text = c.matrices.text(p, "police_reported_count", TOTAL, cat.category_id)
            rows.append({"period": p, "category_id": cat.category_id, "category_name": cat.name_sv,
                         "text": text, "shown": c.matrices.shown(p, "police_reported_count", TOTAL, cat.category_id)})
    return pd.DataFrame(rows)


def timing(c: Content) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Police events by time of day and by weekday (the last up to nine tertials), suppressed."""
    events = c.event_times
    hours = events["event_at"].dt.hour if not events.empty else pd.Series(dtype=int)
    tod = pd.Series(
        [int(((hours >= start) & (hours < start + 6)).sum()) for _, start in TIMES_OF_DAY],
        index=[label for label, _ in TIMES_OF_DAY],
    )
    dow = pd.Series(
        [int((events["event_at"].dt.day_of_week == i).sum()) if not events.empty else 0 for i in range(7)],
        index=WEEKDAYS,
    )
    frames = []
    for series in (tod, dow):
        text, _ = suppress_series(series, c.threshold)
        frames.append(pd.DataFrame({
            "label": series.index, "text": text.values,
            "shown": [shown_value(v, t) for v, t in zip(series.values, text.values)],
        }))
    return frames[0], frames[1], len(events)


def partner_rows(c: Content) -> tuple[list[str], list[dict]]:
    """Partner × category counts with totals, suppressed."""
    if c.partners.empty:
        return [], []
    matrix = c.partners.pivot_table(index="partner", columns="category_id", values="value", aggfunc="sum").fillna(0)
    cats = [k for k in c.categories["category_id"] if k in matrix.columns]
    text = suppress_table(matrix[cats], c.threshold)
    names = c.category_names
    rows = [{"label": "Alla partner" if k == TOTAL else k, "cells": text.loc[k].drop(TOTAL).tolist(),
             "total": text.loc[k, TOTAL], "total_row": k == TOTAL} for k in text.index]
    return [names[k] for k in cats], rows


def reference_rows(c: Content) -> list[dict]:
    return [
        {"year": int(r.year), "reported": show_count(r.reported_crimes, c.threshold),
         "per_100k": show_decimal(r.per_100k, 0), "county": show_decimal(r.county_median_per_100k, 0),
         "county_n": int(r.county_kommuner)}
        for r in c.reference.itertuples() if pd.notna(r.reported_crimes)
    ]


def hidden_symbols(threshold: int) -> set[str]:
    return {f"<{threshold}", COMPLEMENTARY}
