"""Build one tertial's lägesbild: HTML, PDF, XLSX and the pledge briefs, from the marts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from . import briefs, charts, content, queries, workbook
from . import pledges as pledge_data
from .render import PdfPool, render, write_atomic, write_pdf
from .sources import data_quality, quality_checks
from .suppression import TOTAL, show_change


@dataclass
class Report:
    period: str
    html_path: Path
    pdf_path: Path
    xlsx_path: Path
    brief_paths: list[Path]
    top_markdown: str
    chart_svg: str
    seconds: dict = field(default_factory=dict)
    pdf_future: object = None  # set when a PdfPool writes the PDF

    def wait(self) -> "Report":
        """Wait for a pooled PDF; its seconds replace the submit time."""
        if self.pdf_future is not None:
            _, self.seconds["pdf"] = self.pdf_future.result()
            self.pdf_future = None
        return self

    @property
    def paths(self) -> list[Path]:
        return [self.html_path, self.pdf_path, self.xlsx_path, *self.brief_paths]


def build(con: duckdb.DuckDBPyConnection, period: str, output_dir: Path, pledges_file: Path | None = None,
          pdf_pool: PdfPool | None = None) -> Report:
    """Render every file of one tertial. With a `pdf_pool` the PDF is written by a worker:
    `report.pdf_future` resolves when it is done."""
    timer = {"start": time.monotonic()}
    c = content.build(con, period)
    definitions = pledge_data.load_definitions(con, pledges_file)
    c.pledges = pledge_data.follow_up(
        definitions, queries.pledge_followup(con), period, c.threshold, c.area_names, c.category_names
    )
    c.data_quality = data_quality(con, pd.Timestamp(c.period_end).date())
    c.data_quality["checks"] = quality_checks(con, period)
    chart_svgs = _charts(c)
    timer["content"] = time.monotonic()

    out = output_dir / period
    html = render("lagesbild.html.j2", **_template_context(c, chart_svgs))
    html_path = write_atomic(out / "lagesbild.html", html.encode("utf-8"))
    timer["html"] = time.monotonic()
    pdf_path, pdf_future = out / "lagesbild.pdf", None
    if pdf_pool is None:
        write_pdf(html, pdf_path)
    else:
        pdf_future = pdf_pool.submit(html, pdf_path)
    timer["pdf"] = time.monotonic()
    xlsx_path = workbook.write(c, out / "lagesbild.xlsx")
    timer["xlsx"] = time.monotonic()
    brief_paths = briefs.write_all(con, c, out / "pledges")
    timer["briefs"] = time.monotonic()

    steps = ["start", "content", "html", "pdf", "xlsx", "briefs"]
    seconds = {b: round(timer[b] - timer[a], 2) for a, b in zip(steps, steps[1:])}
    report = Report(period, html_path, pdf_path, xlsx_path, brief_paths, top_markdown(c), chart_svgs["categories"],
                    seconds)
    report.pdf_future = pdf_future
    return report


def top_markdown(c: content.Content) -> str:
    if not c.priorities:
        return "Inga problemområden med underlag under perioden."
    lines = [f"**Lägesbild {c.period}: de mest angelägna problemområdena**", ""]
    lines += [f"- {p['rank']} **{p['category']} i {p['area']}**: {'; '.join(p['reasons'])}" for p in c.priorities[:5]]
    return "\n".join(lines)


def _charts(c: content.Content) -> dict[str, str]:
    t = c.threshold
    order = c.categories["name_sv"].tolist()
    by_cat = pd.DataFrame([
        {"label": cat.name_sv,
         "shown": c.matrices.shown(c.period, "police_reported_count", TOTAL, cat.category_id),
         "text": c.matrices.text(c.period, "police_reported_count", TOTAL, cat.category_id)}
        for cat in c.categories.itertuples()
    ])
    areas = pd.DataFrame([
        {"label": r["area"], "shown": None if r["rate_value"] is None else round(r["rate_value"], 1), "text": r["rate"]}
        for r in content.area_table(c)
    ])
    trend = content.trend_frame(c)
    same = trend.iloc[0:0]
    if c.same_tertial:
        same = pd.DataFrame([
            {"period": p, "category_name": cat.name_sv,
             "shown": c.matrices.shown(p, "police_reported_count", TOTAL, cat.category_id)}
            for p in c.same_tertial for cat in c.categories.itertuples()
        ])
    tod, dow, _ = content.timing(c)
    survey = c.survey[c.survey["share"].notna()] if not c.survey.empty else c.survey
    return {
        "categories": charts.published_bars(by_cat, "label", "shown", "text", t,
                                            f"Anmälda brott per problemkategori, {c.period}", "Anmälda brott"),
        "areas": _rate_bars(areas),
        "trend": charts.trend_lines(trend, t, "Anmälda brott per tertial och problemkategori", order),
        "same_tertial": charts.grouped_bars(same, t, "Samma tertial år för år", order),
        "time_of_day": charts.published_bars(tod, "label", "shown", "text", t, "Polisens händelser efter tid på dygnet",
                                             "Händelser", horizontal=False),
        "weekday": charts.published_bars(dow, "label", "shown", "text", t, "Polisens händelser efter veckodag",
                                         "Händelser", horizontal=False),
        "survey": charts.share_intervals(survey, f"Upplever problem, enkät {c.survey_period}",
                                         order) if c.survey_period else "",
    }


def _rate_bars(areas: pd.DataFrame) -> str:
    import altair as alt

    chart = alt.Chart(areas, title="Anmälda brott per 1 000 invånare").mark_bar(color=charts.BLUE).encode(
        y=alt.Y("label:N", sort=areas["label"].tolist(), title=None),
        x=alt.X(**charts._count_encoding("shown", "Per 1 000 invånare", 5, areas["shown"])),
    ).properties(width=260, height=22 * max(len(areas), 1))
    return charts._svg(chart)


def _template_context(c: content.Content, chart_svgs: dict) -> dict:
    tod, dow, timing_total = content.timing(c)
    total = c.matrices.shown(c.period, "police_reported_count")
    last = c.matrices.shown(c.last_year, "police_reported_count") if c.last_year else None
    partner_columns, partner_rows = content.partner_rows(c)
    survey_n = int(c.survey["respondents"].max()) if not c.survey.empty else None
    significant = [p for p in c.priorities if p["significant"] is True]
    noise = [p for p in c.priorities if p["significant"] is False]
    active = {(p["category_id"], a) for p in c.pledges for a in p["area_ids"]}
    candidates = [p for p in c.priorities if (p["category_id"], p["area_id"]) not in active][:3]
    counts = {s: sum(1 for p in c.pledges if p["status"] == s) for s in ("on_track", "off_track", "no_data")}
    return dict(
        m=c.municipality, period=c.period, period_start=c.period_start, period_end=c.period_end,
        generated_at=datetime.now().strftime("%Y-%m-%d %H:%M"), threshold=c.threshold,
        last_year=c.last_year,
        key={
            "reported": c.matrices.text(c.period, "police_reported_count"),
            "reported_change": content.change_text(total, last),
            "partner": c.matrices.text(c.period, "partner_report_count"),
            "events": c.matrices.text(c.period, "police_event_count"),
            "respondents": content.show_count(survey_n, c.threshold) if survey_n else "–",
        },
        survey_period=c.survey_period,
        priorities=c.priorities, ranked_by_model=c.ranked_by_model,
        significance_known=c.significance_known, significant=significant, noise=noise,
        same_tertial=c.same_tertial, trend_periods=c.trend_periods,
        category_rows=content.category_table(c),
        matrix_columns=c.categories["name_sv"].tolist(),
        matrix_rows=content.matrix_rows(c, "police_reported_count"),
        area_rows=content.area_table(c),
        timing_total=content.show_count(timing_total, c.threshold),
        reference_rows=content.reference_rows(c),
        sources_rows=content.sources_table(c),
        partner_columns=partner_columns, partner_rows=partner_rows,
        quotes=c.quotes,
        pledges=c.pledges, pledge_counts=counts,
        candidates=candidates,
        dq=c.data_quality,
        charts=chart_svgs,
        show_change=show_change,
    )
