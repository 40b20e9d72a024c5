"""Build the tertial lägesbild (HTML) from the marts of one period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import charts, queries
from .render import render
from .suppression import TOTAL, show_count, suppress_table


@dataclass
class Report:
    period: str
    html_path: Path
    total_events: int
    top_markdown: str
    chart_svg: str


def build(con: duckdb.DuckDBPyConnection, period: str, output_dir: Path) -> Report:
    municipality = queries.municipality(con)
    threshold = int(municipality["suppression_threshold"])
    period_row = con.execute(
        "select period_start, period_end from marts.dim_period where period = ?", [period]
    ).fetchall()[0]
    indicators = queries.indicators(con, period)
    categories = queries.categories(con)
    areas = queries.areas(con)

    by_category = (
        indicators.groupby(["category_id"], as_index=False)["police_event_count"].sum()
        .merge(categories, on="category_id", how="right")
        .rename(columns={"name_sv": "category_name", "sort_order": "category_order"})
        .fillna({"police_event_count": 0})
    )
    total_events = int(by_category["police_event_count"].sum())
    ranked = by_category[by_category["police_event_count"] > 0].sort_values(
        ["police_event_count", "category_order"], ascending=[False, True]
    )
    top = [
        {"name": r.category_name, "count": show_count(r.police_event_count, threshold)}
        for r in ranked.head(3).itertuples()
    ]

    matrix = (
        indicators.pivot_table(index="area_id", columns="category_id", values="police_event_count", aggfunc="sum")
        .reindex(index=areas["area_id"], columns=categories["category_id"])
        .fillna(0)
    )
    matrix = matrix.loc[matrix.sum(axis=1) > 0]
    matrix_rows = _matrix_rows(matrix, areas, threshold)

    chart_categories = charts.category_bars(
        by_category, "police_event_count", "Antal händelser", threshold, f"Polisens händelser {period}"
    )
    trend = queries.event_totals_by_period(con, period).tail(9)
    chart_trend = charts.period_bars(
        trend, "police_event_count", "Händelser", threshold, "Polisens händelser per tertial, alla problemkategorier"
    )

    html = render(
        "lagesbild.html.j2",
        municipality=municipality,
        period=period,
        period_start=period_row[0].isoformat(),
        period_end=period_row[1].isoformat(),
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"),
        threshold=threshold,
        total_events=show_count(total_events, threshold),
        areas_with_events=len(matrix),
        top_category=top[0]["name"] if top else None,
        top_categories=top,
        matrix_columns=categories["name_sv"].tolist(),
        matrix_rows=matrix_rows,
        chart_categories=chart_categories,
        chart_trend=chart_trend,
    )
    path = output_dir / period / "lagesbild.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)

    top_md = "\n".join(f"{i}. {t['name']}: {t['count']} händelser" for i, t in enumerate(top, start=1))
    return Report(period, path, total_events, top_md or "Inga händelser.", chart_categories)


def _matrix_rows(matrix: pd.DataFrame, areas: pd.DataFrame, threshold: int) -> list[dict]:
    """Area rows plus a total row, each with a total column; small and derivable cells hidden."""
    if matrix.empty:
        return []
    text = suppress_table(matrix, threshold)
    names = areas.set_index("area_id")["area_name"]
    return [
        {
            "label": "Hela kommunen" if area_id == TOTAL else names.get(area_id, area_id),
            "cells": text.loc[area_id].drop(TOTAL).tolist(),
            "total": text.loc[area_id, TOTAL],
            "total_row": area_id == TOTAL,
        }
        for area_id in text.index
    ]
