"""Build one tertial's lägesbild: HTML, PDF, XLSX and the pledge briefs, laid out from
marts.fct_published_figures (nothing is computed here)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import briefs, charts, workbook
from .published import Figures, Grid
from .render import render, write_atomic, write_pdf

PDF_NAME = "lagesbild.pdf"

# The header of a table's first column (its row labels), by table.
ROW_HEADERS = {
    "kategori_ar": "Problemkategori", "kallor": "Problemkategori", "enkat": "Problemkategori",
    "trend": "Problemkategori", "omrade_kategori": "Område", "omraden": "Område", "partner": "Partner",
    "prioriteringar": "Prioritet", "sakerstallda": "Problemområde", "kan_vara_slump": "Problemområde",
    "loften": "Löfte", "bra": "År", "kvalitet_tackning": "Källa", "kvalitet_filer": "Källa",
    "kvalitet_avvisade": "Källa", "indikatorer": "Problemområde", "nyckeltal": "Nyckeltal",
    "tid_pa_dygnet": "Tid på dygnet", "veckodag": "Veckodag", "region_comparison": "Problemkategori",
    "referens_kolada": "Nyckeltal, år", "befolkning": "Kommun, år",
}


def first_header(g: Grid) -> str:
    return ROW_HEADERS.get(g.name, g.name.rsplit(":", 1)[-1].capitalize())


@dataclass
class Report:
    period: str
    kommun_code: str
    kommun: str
    html_path: Path
    pdf_path: Path | None  # None: no PDF written (Settings.wants_pdf)
    xlsx_path: Path
    brief_paths: list[Path]
    top_markdown: str
    chart_svg: str
    seconds: dict = field(default_factory=dict)

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.html_path, self.pdf_path, self.xlsx_path, *self.brief_paths) if p is not None]


def build(con: duckdb.DuckDBPyConnection, period: str, output_dir: Path, *, kommun_code: str | None = None,
          folder: Path | None = None, pdf: bool = True) -> Report:
    """Render every file of one municipality's tertial (`kommun_code`; None: the warehouse's
    only one) into `folder` (default output_dir/<period>; a region's municipality passes
    settings.period_dir(period, code)). Without `pdf` no PDF is written and an earlier one
    is removed, so no PDF of older figures stays beside the new HTML."""
    timer = {"start": time.monotonic()}
    f = Figures(con, period, kommun_code)
    chart_svgs = _charts(f)
    timer["content"] = time.monotonic()

    out = folder or output_dir / period
    kommun = f.meta("kommun")
    html = render("lagesbild.html.j2", f=f, period=period, kommun=kommun, charts=chart_svgs, first_header=first_header)
    html_path = write_atomic(out / "lagesbild.html", html.encode("utf-8"))
    timer["html"] = time.monotonic()
    xlsx_path = workbook.write(f, out / "lagesbild.xlsx", first_header)
    timer["xlsx"] = time.monotonic()
    brief_paths = briefs.write_all(f, out / "pledges")
    timer["briefs"] = time.monotonic()
    pdf_path = out / PDF_NAME
    if pdf:
        write_pdf(html, pdf_path)
    else:
        pdf_path.unlink(missing_ok=True)
        pdf_path = None
    timer["pdf"] = time.monotonic()

    steps = ["start", "content", "html", "xlsx", "briefs", "pdf"]
    seconds = {b: round(timer[b] - timer[a], 2) for a, b in zip(steps, steps[1:]) if b != "pdf" or pdf}
    return Report(period, f.kommun_code, kommun, html_path, pdf_path, xlsx_path, brief_paths, top_markdown(f),
                  chart_svgs["categories"], seconds)


def top_markdown(f: Figures) -> str:
    reasons = f["prioriteringar_skal"]
    if not reasons:
        return "Inga problemområden med underlag under perioden."
    lines = [f"**Lägesbild {f.period}: de mest angelägna problemområdena**", ""]
    lines += [f"- {reasons.shown(k, 'rank')} **{label}**: {reasons.shown(k, 'reasons')}" for k, label in reasons.rows[:5]]
    return "\n".join(lines)


def column_frame(g: Grid, column: str) -> pd.DataFrame:
    """One column of a published table for a chart: label, the number drawn (None = not drawn), the text."""
    return pd.DataFrame(
        [{"label": label, "shown": c.number if (c := g.cell(key, column)) else None,
          "text": c.shown if c else "–"} for key, label in g.rows if key != "*"],
        columns=["label", "shown", "text"],
    )


def long_frame(g: Grid) -> pd.DataFrame:
    """A published table as (period, category_name, shown) rows, for the trend charts."""
    return pd.DataFrame(
        [{"period": ckey, "category_name": label, "shown": c.number if (c := g.cell(rkey, ckey)) else None}
         for rkey, label in g.rows for ckey, _ in g.columns if ckey[:2] == "20"],
        columns=["period", "category_name", "shown"],
    )


def _charts(f: Figures) -> dict[str, str]:
    threshold = int(f["meta"].cell("threshold", "value").value)
    years = f["kategori_ar"]
    order = [label for _, label in years.rows]
    survey = f["enkat"]
    share = pd.DataFrame(
        [{"category_name": label, "share": survey.cell(k, "share").number, "low": survey.cell(k, "ci_low").number,
          "high": survey.cell(k, "ci_high").number} for k, label in survey.rows
         if survey.cell(k, "share") and survey.cell(k, "share").number is not None],
        columns=["category_name", "share", "low", "high"],
    )
    return {
        "categories": charts.published_bars(column_frame(f["kallor"], "reported"), threshold,
                                            f"Anmälda brott per problemkategori, {f.period}", "Anmälda brott"),
        "areas": charts.published_bars(column_frame(f["omraden"], "per_1000"), threshold,
                                       "Anmälda brott per 1 000 invånare", "Per 1 000 invånare"),
        "trend": charts.trend_lines(long_frame(f["trend"]), threshold, f["trend"].title, order),
        "same_tertial": charts.grouped_bars(long_frame(years), threshold, "Samma tertial år för år", order),
        "time_of_day": charts.published_bars(column_frame(f["tid_pa_dygnet"], "events"), threshold,
                                             "Polisens händelser efter tid på dygnet", "Händelser", horizontal=False),
        "weekday": charts.published_bars(column_frame(f["veckodag"], "events"), threshold,
                                         "Polisens händelser efter veckodag", "Händelser", horizontal=False),
        "survey": charts.share_intervals(share, survey.title, order) if survey else "",
    }
