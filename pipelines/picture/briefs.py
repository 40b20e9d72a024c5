"""pledges/<pledge_id>.md: the brief for each medborgarlöfte — the pledge, the problem in
its areas, the indicator by tertial, and the evidence behind the latest value — laid
out from the tertial's published figures (the same cells as the report)."""

from __future__ import annotations

from pathlib import Path

from .edition import INTERNAL_MARKING
from .published import Figures, Grid
from .render import genitive, write_atomic


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(g: Grid, row_header: str) -> str:
    header = [row_header] + [label for _, label in g.columns]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in [label] + [g.shown(k, c, "") for c, _ in g.columns]) + " |"
              for k, label in g.rows]
    return "\n".join(lines)


def brief(f: Figures, pledge_id: str) -> str:
    p = f["loften"]
    get = lambda column: p.shown(pledge_id, column)  # noqa: E731
    name = f"lofte:{pledge_id}"
    threshold = f.meta("threshold")
    lines = [
        f"# Medborgarlöfte: {get('title')}",
        "",
        f"*Underlag till lägesbilden för {genitive(f.meta('kommun'))} kommun, {f.period}.*",
        "",
        *([f"**{INTERNAL_MARKING}.** Små tal visas som de är.", ""] if f.internal else []),
        f"- **Löfte:** {pledge_id}, givet {get('given')}",
        f"- **Områden:** {get('areas')}",
        f"- **Indikator:** {get('indicator')}",
        f"- **Baslinje ({get('baseline_period')}):** {get('baseline')}",
        f"- **Mål:** {get('target')} mot baslinjen",
        f"- **Senaste värde ({get('latest_period')}):** {get('latest')} ({get('change')} mot baslinjen, "
        f"prövning: {get('significance')})",
        f"- **Status:** {get('status')}",
        f"- **Åtgärder:** {get('actions')}",
    ]
    if f.meta("preliminary"):
        lines.append(f"- **Preliminär:** {f.meta('preliminary')}")
    lines += ["", "## Åtgärderna som ska hålla löftet", ""]
    lines += _actions(f[f"{name}:atgarder"])
    sections = [
        (f"{name}:omraden", "## Problemet", "Område"),
        (f"{name}:serie", "## Indikatorn per tertial", "Tertial"),
        (f"{name}:manader", f"## Underlag bakom senaste värdet ({f.period})\n\n### Polisen: anmälda brott per månad",
         "Månad"),
        (f"{name}:partner", "### Samverkanspartner", "Partner"),
        (f"{name}:enkat", "### Trygghetsenkäten", "Område"),
    ]
    for table_name, heading, row_header in sections:
        g = f[table_name]
        lines += ["", heading, ""]
        intro = "" if g.title.lower() in heading.lower() else f"{g.title}:\n\n"
        lines.append(intro + table(g, row_header) if g else "Inga uppgifter under perioden.")
    lines += ["", "---", "",
              f"Antal under {threshold} visas som ”<{threshold}”; ”dolt” står där ett litet tal annars kunde räknas "
              "fram ur summorna, ”okänt” där källan själv skyddat uppgiften och ”för få svar” för andelar från "
              f"färre än {f.meta('survey_min')} svarande. Källorna läggs aldrig ihop: samma händelse kan finnas både "
              "hos polisen och hos en partner.", ""]
    return "\n".join(lines)


def _actions(g: Grid) -> list[str]:
    """The measures of actions.yaml that keep the pledge, how far each has come (or that there are none)."""
    if not g:
        return ["Inga åtgärder i åtgärdsplanen (actions.yaml) är kopplade till löftet."]
    lines = []
    for key, label in g.rows:
        work = g.shown(key, "progress_text", "")
        late = " – **försenad**" if g.shown(key, "late", "") else ""
        parts = [f"- **{label}** ({g.shown(key, 'owner')}, {g.shown(key, 'areas')}, {g.shown(key, 'time')}): "
                 f"{g.shown(key, 'status').lower()}{late}" + (f", {work}" if work not in ("", "–") else "")]
        note = g.shown(key, "note", "")
        if note:
            parts.append(f"  *Senaste anteckning:* {_cell(note)}")
        lines += parts
    return lines


def write_all(f: Figures, folder: Path) -> list[Path]:
    return [write_atomic(folder / f"{pledge_id}.md", brief(f, pledge_id).encode("utf-8"))
            for pledge_id, _ in f["loften"].rows]
