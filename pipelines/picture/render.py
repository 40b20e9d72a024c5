"""Jinja2 templates -> self-contained HTML (inline CSS and SVG; nothing fetched)."""

from __future__ import annotations

from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]


def period_label(period: str) -> str:
    """'2025-T2' -> 'tertial 2 2025 (maj–augusti)'."""
    year, tertial = period.split("-T")
    first = (int(tertial) - 1) * 4
    return f"tertial {tertial} {year} ({MONTHS[first]}–{MONTHS[first + 3]})"


def genitive(name: str) -> str:
    """'Östhammar' -> 'Östhammars', 'Borås' -> 'Borås'."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


_env.filters["period_label"] = period_label
_env.filters["genitive"] = genitive


def render(template: str, **context) -> str:
    return _env.get_template(template).render(**context)
