"""The coordinator's own analysis (analysis/<period>.md, redacted when loaded) as HTML for the
report: CommonMark through markdown-it-py with raw HTML off, so `<script>` or any tag the text
holds is printed as text. An image prints as its alt text (the report opens offline and fetches nothing),
links keep markdown-it's check (no `javascript:`), and headings sit below the report's own
section heading (# -> h3), so the document's outline stays whole."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

HEADING_OFFSET = 2  # the text sits under "Analys" (h2) and its own h3 caption level


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.add_render_rule("image", lambda self, tokens, idx, options, env: escapeHtml(tokens[idx].content))
    return md


_md = _parser()


def to_html(text: str | None) -> Markup:
    """Safe HTML of a Markdown text (empty for none)."""
    if not text:
        return Markup("")
    tokens = _md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_OFFSET)}"
    return Markup(_md.renderer.render(tokens, _md.options, {}))
