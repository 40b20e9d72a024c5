"""What a tagged PDF/UA-1 document must have (DATA-CONTRACT §4.2), read with pypdf: the
structure tree, /Lang, the title shown as the window title, an outline of the sections,
tables tagged as tables and every figure with its alternative text."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pypdf import PdfReader


def structure(path: Path) -> dict:
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    tags, alts = Counter(), []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            tag = node.get("/S")
            if tag:
                tags[str(tag)] += 1
            if tag == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    assert "/StructTreeRoot" in root, f"{path.name}: not tagged (no structure tree)"
    walk(root["/StructTreeRoot"])

    def titles(items):
        return [t for item in items for t in (titles(item) if isinstance(item, list) else [item.title])]

    return {
        "lang": str(root.get("/Lang", "")), "title": reader.metadata.title if reader.metadata else None,
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "display_title": str(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", "")),
        "ua": b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data() if "/Metadata" in root else False,
        "tags": tags, "figure_alts": alts, "outline": titles(reader.outline),
    }


def assert_pdf_ua(path: Path, title: str, sections: list[str]) -> dict:
    s = structure(path)
    assert s["ua"], "no PDF/UA identification in the XMP metadata"
    assert s["marked"] and s["lang"] in ("sv", "sv-SE") and s["title"] == title
    assert s["display_title"] in ("true", "/true", "True")
    assert s["tags"]["/Table"] >= 1 and s["tags"]["/TH"] >= 1 and s["tags"]["/TD"] >= 1
    assert all(s["figure_alts"]), "a figure without alternative text"
    assert set(sections) <= set(s["outline"]), s["outline"]
    return s
