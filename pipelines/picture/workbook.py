"""lagesbild.xlsx: the indicator tables, one sheet each, for analysts and the steering group.

Swedish headers, a title and a note above each table, the header row frozen, counts as
numbers (a hidden count as the text '<3' or 'dolt'), shares as percentages, every
text cell neutralised against formula injection.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from ..ingest.redact import neutralise_formula
from . import content
from .content import Content
from .suppression import TOTAL, share_is_shown

HEADER_ROW = 2  # 0-based: title, note, header
INDICATOR_COLUMNS = [  # (header, kind)
    ("Område", "text"), ("Problemkategori", "text"), ("Anmälda brott", "count"),
    ("Anmälda brott samma tertial i fjol", "count"), ("Förändring mot i fjol", "pct_change"),
    ("Statistiskt säkerställd", "text"), ("Polisens händelser", "count"), ("Partnerrapporter", "count"),
    ("Svarande i enkäten", "count"), ("Andel som upplever problem", "share"), ("Konfidensintervall, nedre", "share"),
    ("Konfidensintervall, övre", "share"), ("Invånare", "int"), ("Anmälda brott per 1 000 invånare", "decimal"),
    ("Prioritetspoäng", "decimal"), ("Prioritet", "int"),
]


def _published(value, hidden: bool, text: str):
    """A count cell: the number, or the published text when hidden."""
    if hidden:
        return text
    if value is None or pd.isna(value):
        return None
    return int(value)


def indicator_rows(c: Content) -> list[list]:
    """One row per (area, category) of the period, cells as published."""
    rows = []
    for r in c.indicators.to_dict("records"):
        area, cat = r["area_id"], r["category_id"]
        cells = {}
        for measure in ("police_reported_count", "police_event_count", "partner_report_count"):
            m = c.matrices.get(c.period, measure)
            hidden = m is not None and bool(m.hidden.loc[area, cat])
            cells[measure] = _published(r[measure], hidden, m.text_of(area, cat) if m is not None else "–")
        last = c.matrices.get(c.last_year, "police_reported_count") if c.last_year else None
        last_hidden = last is not None and bool(last.hidden.loc[area, cat])
        last_value = r.get("police_reported_same_period_last_year")
        if last is not None and (last_value is None or pd.isna(last_value)):
            last_value = last.values.loc[area, cat]
        reported_hidden = isinstance(cells["police_reported_count"], str)
        change = r.get("change_vs_last_year_pct")
        sig = r.get("change_is_significant")
        n, share = r.get("survey_respondents"), r.get("survey_problem_share")
        share_ok = share_is_shown(share, n, c.threshold)
        n_hidden = n is not None and not pd.isna(n) and 0 < n < c.threshold
        rows.append([
            r["area_name"], r["category_name"], cells["police_reported_count"],
            _published(last_value, last_hidden, last.text_of(area, cat) if last is not None else "–")
            if last is not None else None,
            None if (reported_hidden or last_hidden or change is None or pd.isna(change)) else float(change) / 100,
            None if sig is None or pd.isna(sig) or reported_hidden or last_hidden else ("ja" if sig else "nej"),
            cells["police_event_count"], cells["partner_report_count"],
            f"<{c.threshold}" if n_hidden else (None if n is None or pd.isna(n) else int(n)),
            float(share) if share_ok else None,
            float(r["survey_ci_low"]) if share_ok else None,
            float(r["survey_ci_high"]) if share_ok else None,
            None if pd.isna(r.get("population")) else int(r["population"]),
            None if reported_hidden or pd.isna(r.get("police_reported_per_1000")) else float(r["police_reported_per_1000"]),
            None if pd.isna(r.get("priority_score")) else float(r["priority_score"]),
            None if pd.isna(r.get("priority_rank")) else int(r["priority_rank"]),
        ])
    return rows


def _from_text(shown, text: str):
    """A published cell from its drawn value and text: number, hidden text, or blank."""
    if text == "–":
        return None
    return text if shown is None or pd.isna(shown) else int(shown)


def _matrix_sheet(c: Content, measure: str) -> tuple[list, list[list]] | None:
    m = c.matrices.get(c.period, measure)
    if m is None:
        return None
    names, cats = c.area_names, c.category_names
    header = [("Område", "text")] + [(cats[k], "count") for k in m.text.columns if k != TOTAL] + [("Totalt", "count")]
    rows = []
    for area in m.text.index:
        if area != TOTAL and m.values.loc[area, TOTAL] == 0:
            continue
        label = "Hela kommunen" if area == TOTAL else names.get(area, area)
        rows.append([label] + [
            _published(m.values.loc[area, k], bool(m.hidden.loc[area, k]), m.text.loc[area, k])
            for k in m.text.columns
        ])
    return header, rows


def write(c: Content, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    book = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True, "strings_to_formulas": False,
                                          "strings_to_numbers": False})
    fmt = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "note": book.add_format({"italic": True, "font_color": "#555555"}),
        "header": book.add_format({"bold": True, "bg_color": "#EEF3F7", "border": 1, "text_wrap": True, "valign": "top"}),
        "text": book.add_format({}),
        "count": book.add_format({"num_format": "# ##0", "align": "right"}),
        "int": book.add_format({"num_format": "0"}),
        "decimal": book.add_format({"num_format": "0.0"}),
        "share": book.add_format({"num_format": "0.0%"}),
        "pct_change": book.add_format({"num_format": "+0%;-0%;0%"}),
    }
    note = (f"Antal under {c.threshold} visas som ”<{c.threshold}”; ”dolt” där ett litet tal annars kunde "
            "räknas fram ur summorna. Källorna summeras aldrig.")
    title = f"Lägesbild {c.municipality['kommun_name']} {c.period}"

    sheets = [("Problemområden", f"{title}: alla problemområden (område × kategori)",
               INDICATOR_COLUMNS, indicator_rows(c))]
    for measure, name, label in [
        ("police_reported_count", "Anmälda brott", "anmälda brott per område och kategori (lokalpolisen)"),
        ("partner_report_count", "Partnerrapporter", "rapporter från samverkanspartner per område och kategori"),
        ("police_event_count", "Polisens händelser", "polisens publicerade händelser per område och kategori"),
    ]:
        table = _matrix_sheet(c, measure)
        if table:
            sheets.append((name, f"{title}: {label}", *table))
    trend = content.trend_frame(c)
    if not trend.empty:
        header = [("Problemkategori", "text")] + [(p, "count") for p in c.trend_periods]
        rows = [
            [cat] + [_from_text(s, t) for s, t in zip(g["shown"], g["text"])]
            for cat, g in trend.groupby("category_name", sort=False)
        ]
        sheets.append(("Utveckling per tertial", f"{title}: anmälda brott per tertial, hela kommunen", header, rows))
    if not c.survey.empty:
        rows = [[r["category_name"], r["respondents"] if r["respondents"] >= c.threshold or r["respondents"] == 0
                 else f"<{c.threshold}", r["share"], r["low"], r["high"]] for r in c.survey.to_dict("records")]
        sheets.append(("Trygghetsenkät", f"{title}: trygghetsenkät {c.survey_period}, hela kommunen",
                       [("Problemkategori", "text"), ("Svarande", "count"), ("Andel som upplever problem", "share"),
                        ("Konfidensintervall, nedre", "share"), ("Konfidensintervall, övre", "share")], rows))
    if c.pledges:
        rows = [[p["id"], p["title"], p["category"], p["areas"], p["indicator_label"], p["baseline_period"],
                 p["baseline"], p["latest_period"], p["latest"], p["change"], p["target"], p["status_label"]]
                for p in c.pledges]
        sheets.append(("Medborgarlöften", f"{title}: uppföljning av medborgarlöften",
                       [(h, "text") for h in ("Id", "Löfte", "Kategori", "Områden", "Indikator", "Baslinjeperiod",
                                               "Baslinje", "Senaste period", "Senaste värde", "Förändring", "Mål",
                                               "Status")], rows))
    dq = c.data_quality
    if dq.get("rejected"):
        sheets.append(("Avvisade rader", f"{title}: avvisade rader per orsak",
                       [("Källa", "text"), ("Orsak", "text"), ("Rader", "int")],
                       [[r["source"], r["reason"], r["rows"]] for r in dq["rejected"]]))

    for name, heading, header, rows in sheets:
        _sheet(book, fmt, name, heading, note, header, rows)
    book.close()
    tmp.replace(path)
    return path


def _sheet(book, fmt, name, heading, note, header, rows) -> None:
    ws = book.add_worksheet(name[:31])
    ws.write_string(0, 0, neutralise_formula(heading), fmt["title"])
    ws.write_string(1, 0, neutralise_formula(note), fmt["note"])
    for col, (label, kind) in enumerate(header):
        ws.write_string(HEADER_ROW, col, label, fmt["header"])
        ws.set_column(col, col, 26 if kind == "text" else 14, fmt[kind] if kind != "text" else None)
    for i, row in enumerate(rows, start=HEADER_ROW + 1):
        for col, value in enumerate(row):
            kind = header[col][1]
            if value is None:
                ws.write_blank(i, col, None, fmt[kind])
            elif isinstance(value, str):
                ws.write_string(i, col, neutralise_formula(value), fmt["text"] if kind == "text" else fmt["count"])
            else:
                ws.write_number(i, col, value, fmt[kind])
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.set_row(HEADER_ROW, 32)
    if rows:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(rows), len(header) - 1)
