"""Jinja2 templates -> self-contained HTML (inline CSS and SVG; nothing fetched)."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .. import atomic

TEMPLATES = Path(__file__).parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)

def genitive(name: str) -> str:
    """'Östhammar' -> 'Östhammars', 'Borås' -> 'Borås'."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


NUMBER_WORDS = ["inget", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]


def words(n: int) -> str:
    """Swedish style: numbers up to twelve in words ('ett' löfte); larger ones as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


_env.filters["words"] = words
_env.filters["genitive"] = genitive


def render(template: str, **context) -> str:
    return _env.get_template(template).render(**context)


def write_atomic(path: Path, data: bytes) -> Path:
    """Whole or not at all, so a reader (or a killed run) never leaves half a report (pipelines/atomic.py)."""
    return atomic.write_bytes(path, data)


PDF_VARIANT = "pdf/ua-1"  # tagged (structure tree, tables as tables, figures with /Alt), /Lang, /Title


def write_pdf(html: str, path: Path) -> tuple[Path, float]:
    """The same HTML, paginated by WeasyPrint (print CSS: page numbers in the footer) as a
    tagged PDF/UA-1 (DATA-CONTRACT §4.2): the structure tree follows the HTML, /Lang is its
    lang="sv", /Title its <title>, the bookmarks its headings, a chart's /Alt its SVG <title>.
    Returns the path and the seconds it took."""
    import logging
    import time

    import weasyprint

    started = time.monotonic()
    # WeasyPrint logs every CSS property it ignores (e.g. flex gap) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    write_atomic(path, weasyprint.HTML(string=html, base_url=str(path.parent)).write_pdf(pdf_variant=PDF_VARIANT))
    return path, round(time.monotonic() - started, 2)
