"""lagesbild.xlsx: the tertial's published tables, one sheet each, for analysts and the
steering group.

Each sheet lays out one table of marts.fct_published_figures: a title and a note above
it, Swedish headers, the header row frozen. A figure that is printed as a number is a
number cell with a number format (Excel shows it in the reader's locale: decimal comma
and space between thousands in Swedish); one printed as text ('<3', 'dolt', 'okänt',
'för få svar', '–') is that text. No cell is a formula or an error; every text cell is
neutralised against formula injection.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter

from .. import atomic

from ..ingest.redact import neutralise_formula
from .edition import INTERNAL_MARKING
from .published import Figures, Grid

HEADER_ROW = 2  # 0-based: title, note, header
# Tables of the workbook, in order, and their sheet names (at most 31 characters).
SHEETS = [
    ("indikatorer", "Problemområden"),
    ("omrade_kategori", "Anmälda brott"),
    ("omrade_kategori_partner", "Partnerrapporter"),
    ("omrade_kategori_handelser", "Polisens händelser"),
    ("kategori_ar", "Samma tertial år för år"),
    ("trend", "Utveckling per tertial"),
    ("omraden", "Områden"),
    ("karta", "Karta"),
    ("kallor", "Källorna bredvid varandra"),
    ("enkat", "Trygghetsenkät"),
    ("enkat_sektor", "Enkät per sektor"),
    ("partner", "Samverkanspartner"),
    ("prioriteringar", "Prioriteringar"),
    ("sakerstallda", "Säkerställda förändringar"),
    ("kan_vara_slump", "Kan vara slump"),
    ("loften", "Medborgarlöften"),
    ("atgarder", "Åtgärder"),
    ("bra", "BRÅ"),
    ("region_comparison", "Regionens kommuner"),
    ("referens_kolada", "Län och riket (Kolada)"),
    ("befolkning", "Befolkning"),
]
# Number formats by kind of figure; a change in percent is stored as a fraction.
FORMATS = {"count": "#,##0", "int": "0", "decimal1": "0.0", "decimal2": "0.00", "share": "0%",
           "pct": "+0%;-0%;0%", "p": "0.000", "coord": "0.000"}


def _number(cell):
    if cell is None or cell.number is None or cell.kind not in FORMATS:
        return None
    return cell.number / 100 if cell.kind == "pct" else cell.number


def write(f: Figures, path: Path, first_header) -> Path:
    tmp = atomic.temporary_path(path)  # written by book.close(), then renamed (pipelines/atomic.py)
    book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                          "strings_to_urls": False})
    # The same figures give the same bytes: the document's date is when the figures were made.
    book.set_properties({"created": datetime.strptime(f.meta("framtagen"), "%Y-%m-%d %H:%M")})
    fmt = {kind: book.add_format({"num_format": code, "align": "right"}) for kind, code in FORMATS.items()}
    fmt.update(
        title=book.add_format({"bold": True, "font_size": 13}),
        note=book.add_format({"italic": True, "font_color": "#555555"}),
        header=book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1, "text_wrap": True, "valign": "top"}),
        text=book.add_format({}),
        hidden=book.add_format({"align": "right"}),
    )
    threshold = f.meta("threshold")
    note = (f"Antal under {threshold} visas som ”<{threshold}”; ”dolt” där ett litet tal annars kunde räknas fram "
            "ur summorna; ”okänt” där källan skyddat uppgiften; ”för få svar” för andelar från för få svarande. "
            "Källorna summeras aldrig.")
    title = f"Lägesbild {f.meta('kommun')} {f.period}"
    if f.internal:  # the internal edition (DATA-CONTRACT §4.2): marked on every sheet, nothing hidden
        note = f"{INTERNAL_MARKING}. Små tal visas som de är; ”okänt” där källan skyddat uppgiften. Källorna summeras aldrig."
    for name, sheet in SHEETS:
        grid = f[name]
        if grid:
            _sheet(book, fmt, sheet, f"{title}: {grid.title}", note, grid, first_header(grid))
    with atomic.replacing(path):
        book.close()
    return path


def _sheet(book, fmt, name: str, title: str, note: str, g: Grid, row_header: str) -> None:
    ws = book.add_worksheet(name)
    ws.write_string(0, 0, neutralise_formula(title), fmt["title"])
    ws.write_string(1, 0, neutralise_formula(note), fmt["note"])
    ws.write_string(HEADER_ROW, 0, row_header, fmt["header"])
    ws.set_column(0, 0, 28)
    for col, (_, label) in enumerate(g.columns, start=1):
        ws.write_string(HEADER_ROW, col, neutralise_formula(label), fmt["header"])
        ws.set_column(col, col, 14)
    for i, (rkey, rlabel) in enumerate(g.rows, start=HEADER_ROW + 1):
        ws.write_string(i, 0, neutralise_formula(rlabel), fmt["text"])
        for col, (ckey, _) in enumerate(g.columns, start=1):
            cell = g.cell(rkey, ckey)
            number = _number(cell)
            if cell is None or cell.shown == "":
                ws.write_blank(i, col, None)
            elif number is not None:
                ws.write_number(i, col, number, fmt[cell.kind])
            else:
                ws.write_string(i, col, neutralise_formula(cell.shown), fmt["text" if cell.kind == "text" else "hidden"])
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.set_row(HEADER_ROW, 32)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(g.rows), len(g.columns))
