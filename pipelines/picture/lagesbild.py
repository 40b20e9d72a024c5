"""Build one tertial's lägesbild: HTML, PDF, XLSX and the pledge briefs, laid out from
marts.fct_published_figures (nothing is computed here)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ..layout import analysis_name
from . import briefs, charts, maps, markdown, workbook
from .published import Figures, Grid
from ..settings import INTERNAL_FOLDER
from .edition import INTERNAL_MARKING  # every page of the internal edition: HTML banner, PDF running header
from .render import genitive, render, write_atomic, write_pdf

PDF_NAME = "lagesbild.pdf"

# The header of a table's first column (its row labels), by table.
ROW_HEADERS = {
    "kategori_ar": "Problemkategori", "kallor": "Problemkategori", "enkat": "Problemkategori",
    "trend": "Problemkategori", "omrade_kategori": "Område", "omraden": "Område", "partner": "Partner",
    "prioriteringar": "Prioritet", "sakerstallda": "Problemområde", "kan_vara_slump": "Problemområde",
    "loften": "Löfte", "bra": "År", "kvalitet_tackning": "Källa", "kvalitet_filer": "Källa",
    "kvalitet_avvisade": "Källa", "indikatorer": "Problemområde", "nyckeltal": "Nyckeltal",
    "tid_pa_dygnet": "Tid på dygnet", "veckodag": "Veckodag", "region_comparison": "Problemkategori",
    "karta": "Område", "enkat_sektor": "Sektor och problemkategori",
    "atgarder": "Åtgärd", "atgarder_status": "Status",
    "handelser_lista": "Tidpunkt",
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
    internal: "Report | None" = None  # the internal edition beside it (LAGESBILD_INTERNAL=on)

    @property
    def paths(self) -> list[Path]:
        own = [p for p in (self.html_path, self.pdf_path, self.xlsx_path, *self.brief_paths) if p is not None]
        return own + (self.internal.paths if self.internal else [])


def build(con: duckdb.DuckDBPyConnection, period: str, output_dir: Path, *, kommun_code: str | None = None,
          folder: Path | None = None, pdf: bool = True, internal: bool = False) -> Report:
    """Render every file of one municipality's tertial (`kommun_code`; None: the warehouse's
    only one) into `folder` (default output_dir/<period>; a region's municipality passes
    settings.period_dir(period, code)). Without `pdf` no PDF is written and an earlier one
    is removed, so no PDF of older figures stays beside the new HTML. With `internal` the
    internal edition (DATA-CONTRACT §4.2) is written into <folder>/intern/ from the internal
    figures; without, an earlier one there is removed."""
    out = folder or output_dir / period
    report = _build(con, period, out, kommun_code, pdf, edition_internal=False)
    if internal:
        report.internal = _build(con, period, out / INTERNAL_FOLDER, report.kommun_code, pdf, edition_internal=True)
    else:
        shutil.rmtree(out / INTERNAL_FOLDER, ignore_errors=True)
    return report


def _build(con, period: str, out: Path, kommun_code: str | None, pdf: bool, edition_internal: bool) -> Report:
    timer = {"start": time.monotonic()}
    f = Figures(con, period, kommun_code, internal=edition_internal)
    chart_svgs = _charts(f)
    area_map = AreaMap.of(f)
    timer["content"] = time.monotonic()

    kommun = f.meta("kommun")
    html = render("lagesbild.html.j2", f=f, period=period, kommun=kommun, charts=chart_svgs, first_header=first_header,
                  area_map=area_map, sectors=SectorMatrix.of(f["enkat_sektor"]),
                  analysis_html=markdown.to_html(f["analys_koordinator"].shown("text", "text", "")),
                  analysis_path=analysis_name(period),
                  internal_marking=INTERNAL_MARKING if edition_internal else "")
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


@dataclass
class AreaMap:
    """The map of the report's "Var" section, laid out from the published table 'karta'."""

    svg: str                  # with role="img" and its text alternative as aria-label; "" without any
    text: str                 # the text alternative, also printed under the map
    without_point: list[str]  # areas without lat/lon in municipality.yaml: listed beside the map
    credit: str = maps.CREDIT

    @classmethod
    def of(cls, f: Figures) -> "AreaMap":
        g = f["karta"]
        points, without = [], []
        for key, name in g.rows:
            lat, lon = g.cell(key, "lat"), g.cell(key, "lon")
            if lat is None or lon is None or lat.value is None or lon.value is None:
                without.append(name)
                continue
            count = g.cell(key, "reported")
            points.append(maps.AreaPoint(name, lat.value, lon.value, count.number if count else None,
                                         g.shown(key, "reported"), g.shown(key, "change"),
                                         g.shown(key, "significance"), g.shown(key, "colour")))
        if not g:
            return cls("", "", [])
        text = maps.area_map_text(genitive(f.meta("kommun")), f.period, points, without)
        svg = maps.area_map(f.kommun_code, points, f"{g.title}") if points or without else ""
        return cls(maps.accessible_svg(svg, text), text, without)


@dataclass
class SectorMatrix:
    """The published table 'enkat_sektor' (one row per sector and category) as sector × category."""

    sectors: list[str]
    categories: list[str]
    keys: dict  # (sector, category) -> the row key of the published table
    grid: Grid

    @classmethod
    def of(cls, g: Grid) -> "SectorMatrix":
        sectors, categories, keys = [], [], {}
        for key, _ in g.rows:
            sector, category = g.shown(key, "sector"), g.shown(key, "category")
            sectors += [sector] if sector not in sectors else []
            categories += [category] if category not in categories else []
            keys[(sector, category)] = key
        return cls(sectors, categories, keys, g)

    def __bool__(self) -> bool:
        return bool(self.keys)


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
    """A published table as (period, category_name, shown, text) rows, for the trend charts."""
    return pd.DataFrame(
        [{"period": ckey, "category_name": label, "shown": c.number if (c := g.cell(rkey, ckey)) else None,
          "text": c.shown if c else "–"}
         for rkey, label in g.rows for ckey, _ in g.columns if ckey[:2] == "20"],
        columns=["period", "category_name", "shown", "text"],
    )


def _charts(f: Figures) -> dict[str, str]:
    threshold = int(f["meta"].cell("threshold", "value").value)
    years = f["kategori_ar"]
    order = [label for _, label in years.rows]
    survey = f["enkat"]
    share = pd.DataFrame(
        [{"category_name": label, "share": survey.cell(k, "share").number, "low": survey.cell(k, "ci_low").number,
          "high": survey.cell(k, "ci_high").number,
          "text": f"{survey.shown(k, 'share')} ({survey.shown(k, 'ci_low')}–{survey.shown(k, 'ci_high')})"}
         for k, label in survey.rows if survey.cell(k, "share") and survey.cell(k, "share").number is not None],
        columns=["category_name", "share", "low", "high", "text"],
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
