"""pledges/<pledge_id>.md: the brief for each medborgarlöfte — the problem, the areas,
the indicator by tertial, the status, and the evidence behind the latest value."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from . import queries
from .content import Content
from .render import genitive, write_atomic
from .suppression import TOTAL, show_share, suppress_table

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _matrix_md(counts: pd.DataFrame, threshold: int, row_label: str, row_names, col_names, total_label: str) -> str:
    text = suppress_table(counts, threshold)
    header = [row_label] + [col_names(k) for k in counts.columns] + ["Totalt"]
    rows = [[total_label if k == TOTAL else row_names(k)] + text.loc[k].tolist() for k in text.index]
    return _table(header, rows)


def brief(con: duckdb.DuckDBPyConnection, c: Content, p: dict) -> str:
    t = c.threshold
    areas = p["area_ids"]
    area_name = c.area_names.get
    lines = [
        f"# Medborgarlöfte: {p['title']}",
        "",
        f"*Underlag till lägesbilden för {genitive(c.municipality['kommun_name'])} kommun, {c.period}.*",
        "",
        f"- **Löfte:** {p['id']}, givet {p['given']}",
        f"- **Problem:** {p['category']}",
        f"- **Områden:** {p['areas']}",
        f"- **Indikator:** {p['indicator_label']}",
        f"- **Baslinje ({p['baseline_period']}):** {p['baseline']}",
        f"- **Mål:** {p['target']} mot baslinjen",
        f"- **Senaste värde ({p['latest_period']}):** {p['latest']} ({p['change']} mot baslinjen)",
        f"- **Status:** {p['status_label']}",
        "",
        "## Problemet",
        "",
    ]
    cat = p["category_id"]
    rows = []
    if cat in c.category_names:
        for a in areas:
            if a not in c.area_names:
                continue
            rows.append([
                area_name(a),
                c.matrices.text(c.period, "police_reported_count", a, cat),
                c.matrices.text(c.last_year, "police_reported_count", a, cat) if c.last_year else "–",
                c.matrices.text(c.period, "partner_report_count", a, cat),
                c.matrices.text(c.period, "police_event_count", a, cat),
            ])
    if rows:
        lines.append(f"{p['category']} i {p['areas']} under {c.period}, källorna bredvid varandra:")
        lines.append("")
        lines.append(_table(["Område", "Anmälda brott", f"Samma tertial i fjol ({c.last_year or '–'})",
                             "Partnerrapporter", "Polisens händelser"], rows))
    else:
        lines.append("Inga uppgifter om problemet i lägesbildens underlag.")
    priority = next((x for x in c.priorities if x["category_id"] == cat and x["area_id"] in areas), None)
    if priority:
        lines += ["", f"I lägesbildens prioritering kommer {p['category'].lower()} i {priority['area']} på "
                      f"{priority['rank']} plats: {'; '.join(priority['reasons'])}."]

    lines += ["", "## Indikatorn per tertial", ""]
    if p["series"]:
        lines.append(_table(["Tertial", "Värde", "Förändring mot baslinjen", "Status"],
                            [[s["period"], s["value"], s["change"], s["status_label"]] for s in p["series"]]))
    else:
        lines.append("Ingen uppföljning beräknad ännu (marts.fct_pledge_followup saknar löftet).")

    lines += ["", f"## Underlag bakom senaste värdet ({c.period})", ""]
    lines += _evidence(con, c, cat, areas)
    lines += ["", "---", "",
              f"Antal under {t} visas som ”<{t}”; ”dolt” står där ett litet tal annars kunde räknas fram ur "
              "summorna. Källorna läggs aldrig ihop: samma händelse kan finnas både hos polisen och hos en partner.",
              ""]
    return "\n".join(lines)


def _evidence(con, c: Content, cat: str, areas: list[str]) -> list[str]:
    t = c.threshold
    out = ["### Polisen: anmälda brott per månad", ""]
    months = queries.police_reported_months(con, c.period, cat, areas)
    if months.empty:
        out.append("Inget uttag från lokalpolisområdet täcker perioden.")
    else:
        counts = months.pivot_table(index="month", columns="area_id", values="value", aggfunc="sum").fillna(0)
        out.append(_matrix_md(counts, t, "Månad", lambda m: f"{MONTHS[m.month - 1]} {m.year}",
                              lambda a: c.area_names.get(a, a), "Hela perioden"))
    out += ["", "### Samverkanspartner", ""]
    partners = queries.partner_rows(con, c.period, cat, areas)
    if partners.empty:
        out.append("Inga partnerrapporter om problemet i områdena under perioden.")
    else:
        counts = partners.pivot_table(index="partner", columns="area_id", values="value", aggfunc="sum").fillna(0)
        out.append(_matrix_md(counts, t, "Partner", str, lambda a: c.area_names.get(a, a), "Alla partner"))
    out += ["", "### Trygghetsenkäten", ""]
    if c.survey_period is None:
        out.append("Ingen trygghetsenkät till och med perioden.")
    else:
        srv = queries.indicators(con, c.survey_period)
        srv = srv[(srv["category_id"] == cat) & srv["area_id"].isin(areas)]
        if srv.empty:
            out.append(f"Enkäten {c.survey_period} har inga svar om problemet i områdena.")
        else:
            out.append(_table(
                ["Område", f"Upplever problem (enkät {c.survey_period})", "95 % konfidensintervall"],
                [[r.area_name, show_share(r.survey_problem_share, r.survey_respondents, t),
                  f"{r.survey_ci_low * 100:.0f}–{r.survey_ci_high * 100:.0f} %"
                  if show_share(r.survey_problem_share, r.survey_respondents, t).endswith("%") else "–"]
                 for r in srv.itertuples()]))
    return out


def write_all(con: duckdb.DuckDBPyConnection, c: Content, folder: Path) -> list[Path]:
    paths = []
    for p in c.pledges:
        paths.append(write_atomic(folder / f"{p['id']}.md", brief(con, c, p).encode("utf-8")))
    return paths
