"""The regional overview of one tertial: output/region/<period>/oversikt.html|.pdf|.xlsx,
laid out from the region's rows of marts.fct_published_figures (kommun_code 'region',
region_figures.py); nothing is computed here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import xlsxwriter

from .. import atomic
from . import maps, workbook
from .published import Figures, Grid
from .region_figures import ALL, REGION
from .render import render, write_atomic, write_pdf

FILES = ["oversikt.html", "oversikt.pdf", "oversikt.xlsx"]
# The code that lays the overview out: a change re-renders it (as fingerprint.py does for the lägesbild).
_LAYOUT = ["overview.py", "maps.py", "render.py", "published.py", "workbook.py", "templates/oversikt.html.j2",
           "geo/kommuner.geojson"]
ROW_HEADERS = {"region_totalt": "Problemkategori", "region_karta": "Kommun", "region_comparison": "Problemkategori"}


def first_header(g: Grid) -> str:
    return ROW_HEADERS.get(g.name, "Kommun" if g.name.startswith("region_kategori:") else "")


@dataclass
class Overview:
    period: str
    html_path: Path
    pdf_path: Path | None  # None: no PDF written (Settings.wants_pdf)
    xlsx_path: Path

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.html_path, self.pdf_path, self.xlsx_path) if p is not None]


def map_values(f: Figures) -> list[maps.MapValue]:
    """The map's figure per municipality as published: hidden or missing ones carry no number."""
    g = f["region_karta"]
    return [maps.MapValue(code, name, c.number if (c := g.cell(code, "per_1000")) else None,
                          g.shown(code, "per_1000")) for code, name in g.rows]


def category_grids(f: Figures) -> list[Grid]:
    """The side-by-side tables, every category together first, then in the taxonomy's order."""
    totals = f["region_totalt"]
    order = [ALL, *[k for k, _ in totals.rows if k != ALL]]
    return [g for k in order if (g := f[f"region_kategori:{k}"])]


def build(con: duckdb.DuckDBPyConnection, period: str, out_dir: Path | None = None, pdf: bool = True) -> Overview:
    """Write the tertial's overview into `out_dir` (default: Settings.from_env().region_dir(period))."""
    if out_dir is None:
        from ..settings import Settings

        out_dir = Settings.from_env().region_dir(period)
    f = Figures(con, period, REGION)
    if not f["region_meta"]:
        raise ValueError(f"Inga regionsiffror för {period} i marts.fct_published_figures "
                         "(region_figures.build har inte körts).")
    values = map_values(f)
    legend = "Anmälda brott per 1 000 invånare"
    svg = maps.choropleth(values, f"{f['region_karta'].title}, {period}", legend)
    alt_text = maps.text_alternative(values, legend)
    html = render("oversikt.html.j2", f=f, period=period, categories=category_grids(f),
                  map_svg=maps.accessible_svg(svg, alt_text), map_text=alt_text, credit=maps.CREDIT,
                  first_header=first_header)
    html_path = write_atomic(out_dir / "oversikt.html", html.encode("utf-8"))
    pdf_path = out_dir / "oversikt.pdf"
    if pdf:
        write_pdf(html, pdf_path)
    else:  # no PDF of older figures beside the new HTML
        pdf_path.unlink(missing_ok=True)
        pdf_path = None
    xlsx_path = write_workbook(f, out_dir / "oversikt.xlsx")
    return Overview(period, html_path, pdf_path, xlsx_path)


def fingerprint(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """The tertial's region rows (without their build time) and the layout code: unchanged,
    the overview would come out the same (use with fingerprint.is_current / mark_current)."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _LAYOUT:
        digest.update(name.encode() + (here / name).read_bytes())
    rows = con.execute(
        "select * exclude (row_order, column_order) from marts.fct_published_figures "
        "where period = ? and kommun_code = ? and not (table_name = 'region_meta' and row_key = 'framtagen') "
        "order by table_name, row_key, column_key", [period, REGION]).fetchall()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()


def write_workbook(f: Figures, path: Path) -> Path:
    """One sheet per table, laid out as lagesbild.xlsx's sheets (workbook.py)."""
    meta = f["region_meta"]
    threshold = meta.shown("threshold", "value")
    note = (f"Antal under {threshold} visas som ”<{threshold}”; ”dolt” där ett litet tal annars kunde räknas fram "
            "ur summorna; ”okänt” där källan skyddat uppgiften; ”–” där underlag saknas; ”för få svar” för andelar "
            f"från för få svarande. {maps.CREDIT}.")
    sheets = [(f["region_totalt"], "Hela regionen"), (f["region_karta"], "Karta")]
    sheets += [(g, g.title.split(":")[0][:31]) for g in category_grids(f)]
    tmp = atomic.temporary_path(path)  # written by book.close(), then renamed (pipelines/atomic.py)
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                          "strings_to_urls": False})
    # the same figures give the same bytes: the document's date is when the figures were made
    book.set_properties({"created": datetime.strptime(meta.shown("framtagen", "text"), "%Y-%m-%d %H:%M")})
    fmt = {kind: book.add_format({"num_format": code, "align": "right"})
           for kind, code in workbook.FORMATS.items()}
    fmt.update(
        title=book.add_format({"bold": True, "font_size": 13}),
        note=book.add_format({"italic": True, "font_color": "#555555"}),
        header=book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1, "text_wrap": True,
                                "valign": "top"}),
        text=book.add_format({}),
        hidden=book.add_format({"align": "right"}),
    )
    for grid, sheet in sheets:
        if grid:
            workbook._sheet(book, fmt, sheet, f"Regional översikt {f.period}: {grid.title}", note, grid,
                            first_header(grid))
    with atomic.replacing(path):
        book.close()
    return path
