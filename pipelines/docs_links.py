"""Every link in README.md and docs/*.md resolves, offline.

- A relative link names a file or folder of the repository (`docs/guide.md`,
  `../README.md`, `data/sample/`), URL-encoded or not.
- An anchor (`#41-warehouse`, `guide.md#avvisade-rader`) names a heading of the target
  Markdown file, slugged as GitHub does (github-slugger: lower case; every character
  that is not a letter, mark, number, connector (`_`), `-` or space dropped; each space a `-`; a
  repeated slug gets `-1`, `-2`, ...), so Swedish letters stay (`## Så läser du` ->
  `#så-läser-du`). `<a id="...">` / `<a name="...">` count too.
- http(s) links are checked for syntax only (scheme and host): the tests run offline.

    python -m pipelines.docs_links   # prints broken links, exit 1 when there are any
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .settings import REPO_ROOT

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
_INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+\"[^\"]*\")?\s*\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_HTML_ID = re.compile(r"<a\s[^>]*\b(?:id|name)=\"([^\"]+)\"", re.IGNORECASE)
_HREF = re.compile(r"<a\s[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE)
_GITHUB_LINE = re.compile(r"^L\d+(?:-L\d+)?$")


@dataclass(frozen=True)
class BrokenLink:
    file: Path
    line: int
    target: str
    problem: str

    def __str__(self) -> str:
        try:
            name = self.file.relative_to(REPO_ROOT)
        except ValueError:
            name = self.file
        return f"{name}:{self.line}: ({self.target}) {self.problem}"


def _prose_lines(text: str):
    """(line number, line) outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
                continue
        if fence is None:
            yield number, line


def heading_text(markdown: str) -> str:
    """A heading's text as GitHub renders it (inline markup gone)."""
    text = _CODE_SPAN.sub(lambda m: m.group(2).strip(), markdown)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # an image has no text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text)  # HTML tags
    text = re.sub(r"(\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))", "", text)  # emphasis markers, not snake_case
    return text.strip()


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading with this (rendered) text, before de-duplication."""
    kept = [
        ch for ch in text.lower()
        if ch in "- " or unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc"
    ]
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """Every anchor of a Markdown text: its headings' slugs (de-duplicated as GitHub does)
    and explicit `<a id>` / `<a name>` targets."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    previous = ""
    for _, line in _prose_lines(text):
        found.update(_HTML_ID.findall(line))
        title = None
        if match := _ATX.match(line):
            title = match.group(2)
        elif previous.strip() and _SETEXT.match(line) and not _ATX.match(previous) and not previous.lstrip().startswith(("|", "-", "*")):
            title = previous
        if title is not None:
            slug = github_slug(heading_text(title))
            n = counts.get(slug, 0)
            counts[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
        previous = line
    return found


def links(text: str):
    """(line number, target) of every link outside code."""
    for number, line in _prose_lines(text):
        line = _CODE_SPAN.sub("", line)
        for match in _INLINE_LINK.finditer(line):
            yield number, match.group(1).strip("<>")
        if match := _REF_DEF.match(line):
            yield number, match.group(1).strip("<>")
        for href in _HREF.findall(line):
            yield number, href


def check_target(source: Path, target: str, root: Path) -> str | None:
    """Why `target`, linked from `source`, does not resolve; None when it does."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        return None if parts.netloc and "." in parts.netloc and " " not in target else "not a valid web address"
    if parts.scheme == "mailto":
        return None if "@" in parts.path else "not a valid e-mail address"
    if parts.scheme:
        return f"unknown link scheme '{parts.scheme}'"
    if not target:
        return "empty link"
    path_text = unquote(parts.path)
    if path_text.startswith("/"):
        return "absolute path: link relative to the file instead"
    resolved = (source.parent / path_text).resolve() if path_text else source.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        return "points outside the repository"
    if not resolved.exists():
        return "no such file or folder"
    anchor = unquote(parts.fragment)
    if not parts.fragment:
        return None
    if resolved.suffix.lower() != ".md":
        return None if _GITHUB_LINE.match(anchor) else f"anchor #{anchor} into a file that is not Markdown"
    if anchor not in anchors(resolved.read_text(encoding="utf-8")):
        return f"no heading with anchor #{anchor} in {resolved.name}"
    return None


# A section of the contract or a design document named in prose instead of linked: on
# GitHub the reader has nothing to click (the README once named files it did not contain).
_BARE_REFERENCE = re.compile(r"DATA-CONTRACT(?:\.md)? §\d[\d.]*|DESIGN\.md")


def bare_references(text: str):
    """(line number, text) of contract sections and design documents named but not linked."""
    for number, line in _prose_lines(text):
        line = _INLINE_LINK.sub("", _CODE_SPAN.sub("", line))
        for match in _BARE_REFERENCE.finditer(line):
            yield number, match.group(0)


def check_files(files: list[Path], root: Path = REPO_ROOT) -> list[BrokenLink]:
    broken = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for number, target in links(text):
            problem = check_target(path, target, root)
            if problem:
                broken.append(BrokenLink(path, number, target, problem))
        if path.name == "README.md":
            broken += [BrokenLink(path, number, ref, "named but not linked: link it to docs/")
                       for number, ref in bare_references(text)]
    return sorted(broken, key=lambda b: (str(b.file), b.line))


def doc_files(root: Path = REPO_ROOT) -> list[Path]:
    return [p for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))] if p.is_file()]


def main() -> int:
    broken = check_files(doc_files())
    for link in broken:
        print(link)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
