"""Medborgarlöften: their definitions (pledges.yaml) beside their follow-up
(marts.fct_pledge_followup, where the status is decided), ready to publish."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from .suppression import is_hidden, show_change, show_count, show_decimal

INDICATOR_LABELS = {
    "police_reported_count": "anmälda brott (lokalpolisen)",
    "police_event_count": "polisens händelser",
    "partner_report_count": "rapporter från samverkanspartner",
    "survey_problem_share": "andel i trygghetsenkäten som upplever problem",
    "survey_respondents": "svarande i trygghetsenkäten",
    "police_reported_per_1000": "anmälda brott per 1 000 invånare",
}
COUNT_INDICATORS = {"police_reported_count", "police_event_count", "partner_report_count", "survey_respondents"}
STATUS_LABELS = {
    "on_track": "På väg mot målet",
    "off_track": "Inte på väg mot målet",
    "no_data": "Underlag saknas",
}


def load_definitions(con, path: Path | None) -> list[dict]:
    """The pledges as loaded into the warehouse (staging.stg_config__pledges); before that
    model exists, pledges.yaml itself (absent file: no pledges). Validation is the
    ingest's job; here only the fields a report shows are read."""
    from .queries import table_exists

    frame = None
    if table_exists(con, "staging", "stg_config__pledges"):
        frame = con.execute("select * from staging.stg_config__pledges order by sort_order, pledge_id").df()
    if frame is not None and len(frame):
        return [
            {"id": r["pledge_id"], "period": r["pledge_period"], "title": r["title"], "category": r["category_text"],
             "areas": list(r["area_ids"]) if r["area_ids"] is not None else [], "indicator": r["indicator"],
             "baseline_period": r["baseline_period"], "target_change_pct": r["target_change_pct"]}
            for r in frame.to_dict("records")
        ]
    if path is None or not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or []
    if isinstance(data, dict):  # tolerate a top-level `pledges:` key
        data = data.get("pledges") or []
    return [p for p in data if isinstance(p, dict) and p.get("id")]


def show_indicator(indicator: str, value, threshold: int) -> str:
    if value is None or pd.isna(value):
        return "–"
    if indicator in COUNT_INDICATORS:
        return show_count(value, threshold)
    if indicator == "survey_problem_share":
        # The follow-up pools respondents; the share alone reveals no count.
        return show_decimal(float(value) * 100, 0, " %")
    return show_decimal(value, 1)


def follow_up(definitions: list[dict], followup: pd.DataFrame | None, period: str, threshold: int,
              area_names: dict, category_names: dict) -> list[dict]:
    """One dict per pledge given by `period`: its series up to `period` and the latest status."""
    pledges = []
    for p in definitions:
        if str(p.get("period", "")) > period:
            continue  # given after this tertial
        indicator = p.get("indicator", "")
        rows = pd.DataFrame()
        if followup is not None:
            rows = followup[(followup["pledge_id"] == p["id"]) & (followup["period"] <= period)].sort_values("period")
        series = []
        for r in rows.itertuples():
            hidden = (indicator in COUNT_INDICATORS) and (
                is_hidden(r.indicator_value, threshold) or is_hidden(r.baseline_value, threshold)
            )
            series.append({
                "period": r.period,
                "value": show_indicator(indicator, r.indicator_value, threshold),
                "change": "–" if hidden else show_change(r.change_pct),
                "status": r.status,
                "status_label": STATUS_LABELS.get(r.status, r.status),
            })
        latest = series[-1] if series else None
        first = rows.iloc[0] if len(rows) else None
        target = p.get("target_change_pct")
        category_id = _category_id(p.get("category"), rows, category_names)
        pledges.append({
            "id": p["id"],
            "title": p.get("title", p["id"]),
            "given": p.get("period", "–"),
            "category_id": category_id,
            "category": category_names.get(category_id, p.get("category") or "–"),
            "area_ids": list(p.get("areas") or []),
            "areas": ", ".join(area_names.get(a, a) for a in (p.get("areas") or [])) or "hela kommunen",
            "indicator": indicator,
            "indicator_label": INDICATOR_LABELS.get(indicator, indicator),
            "baseline_period": p.get("baseline_period", "–"),
            "baseline": show_indicator(indicator, first["baseline_value"], threshold) if first is not None else "–",
            "target": "–" if target is None else show_change(target),
            "series": series,
            "latest_period": latest["period"] if latest else "–",
            "latest": latest["value"] if latest else "–",
            "change": latest["change"] if latest else "–",
            "status": latest["status"] if latest else "no_data",
            "status_label": latest["status_label"] if latest else STATUS_LABELS["no_data"],
        })
    return pledges


def _category_id(text, rows: pd.DataFrame, category_names: dict):
    """The category id dbt mapped the pledge's category text to; else an exact id or name."""
    if len(rows) and "category_id" in rows and rows["category_id"].notna().any():
        return rows["category_id"].dropna().iloc[0]
    by_name = {name.casefold(): cid for cid, name in category_names.items()}
    return text if text in category_names else by_name.get(str(text or "").casefold(), text)
