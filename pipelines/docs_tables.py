"""The category and alias tables of the docs, generated from the dbt seeds.

The taxonomy lives in one place, `dbt_project/seeds/problem_categories.csv` and
`category_aliases.csv` (the loaders and dbt read the same files). A Markdown file shows a
generated table between two markers:

    <!-- generated: categories -->
    ...rewritten, do not edit by hand...
    <!-- /generated -->

Tables: `categories` and `aliases` (English column names), `categories-sv` and
`aliases-sv` (Swedish, for the user guide).

    python -m pipelines.docs_tables          # rewrite README.md and docs/*.md (make docs-tables)
    python -m pipelines.docs_tables --check  # exit 1 and name the files that drifted
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .docs_links import doc_files
from .settings import DBT_PROJECT_DIR, REPO_ROOT

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
FIX_COMMAND = "make docs-tables"

_BLOCK = re.compile(
    r"(?P<open><!-- generated: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(?P<close><!-- /generated -->)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    event_types: tuple[str, ...]  # Polisen event types that map to the category
    aliases: tuple[str, ...]  # every other accepted spelling


def read_taxonomy(seeds_dir: Path = SEEDS_DIR) -> list[Category]:
    """The categories in their sort order, with their aliases in seed order."""
    with (seeds_dir / "problem_categories.csv").open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["sort_order"]))
    with (seeds_dir / "category_aliases.csv").open(encoding="utf-8") as handle:
        aliases = list(csv.DictReader(handle))
    known = {row["category_id"] for row in rows}
    strays = sorted({a["category_id"] for a in aliases} - known)
    if strays:
        raise ValueError(f"category_aliases.csv names categories that do not exist: {strays}")

    def of(category_id: str, police: bool) -> tuple[str, ...]:
        return tuple(
            a["alias"] for a in aliases
            if a["category_id"] == category_id and (a["police_event_type"].strip().lower() == "true") == police
        )

    return [Category(r["category_id"], r["name_sv"], of(r["category_id"], True), of(r["category_id"], False))
            for r in rows]


# Column headers and words per language.
_WORDS = {
    "en": {
        "categories": ("id", "name (sv)", "Polisen event types", "other aliases"),
        "aliases": ("written as", "category", "kind"),
        "none": "(none)",
        "kinds": {"id": "id", "name": "name", "event": "Polisen event type", "alias": "alias"},
    },
    "sv": {
        "categories": ("id", "namn", "Polisens händelsetyper", "andra stavningar"),
        "aliases": ("skrivs", "kategori", "sort"),
        "none": "(inga)",
        "kinds": {"id": "id", "name": "namn", "event": "Polisens händelsetyp", "alias": "annan stavning"},
    },
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _swedish_key(text: str) -> list[int]:
    """Alphabetical as in Swedish: å, ä, ö after z (code points put ä before å)."""
    after_z = {"å": 0x7B, "ä": 0x7C, "ö": 0x7D}
    return [after_z.get(ch, ord(ch)) for ch in text.casefold()]


def categories_table(taxonomy: list[Category], lang: str) -> str:
    words = _WORDS[lang]
    rows = [
        (f"`{c.id}`", c.name, "; ".join(c.event_types) or words["none"], ", ".join(c.aliases) or words["none"])
        for c in taxonomy
    ]
    return _table(words["categories"], rows)


def aliases_table(taxonomy: list[Category], lang: str) -> str:
    """Every spelling a file may use for a category, alphabetically."""
    words = _WORDS[lang]
    kinds = words["kinds"]
    rows = []
    for c in taxonomy:
        rows += [(c.id, c.id, kinds["id"]), (c.name, c.id, kinds["name"])]
        rows += [(t, c.id, kinds["event"]) for t in c.event_types]
        rows += [(t, c.id, kinds["alias"]) for t in c.aliases]
    # One line per spelling: "Inbrott" is both the name and a Polisen event type.
    merged: dict[tuple[str, str], list[str]] = {}
    for text, cid, kind in rows:
        kinds_of = merged.setdefault((text.casefold(), cid), [text])
        if kind not in kinds_of[1:]:
            kinds_of.append(kind)
    lines = sorted(
        ((spelled[0], cid, ", ".join(spelled[1:])) for (_, cid), spelled in merged.items()),
        key=lambda r: (_swedish_key(r[0]), r[0]),
    )
    return _table(words["aliases"], [(text, f"`{cid}`", kind) for text, cid, kind in lines])


def render(name: str, taxonomy: list[Category]) -> str:
    kind, _, lang = name.partition("-")
    lang = lang or "en"
    if lang not in _WORDS or kind not in ("categories", "aliases"):
        raise ValueError(f"unknown generated table '{name}' (categories, aliases, categories-sv, aliases-sv)")
    return (categories_table if kind == "categories" else aliases_table)(taxonomy, lang)


def refresh(text: str, taxonomy: list[Category]) -> str:
    """`text` with every generated block rewritten from the taxonomy."""
    return _BLOCK.sub(
        lambda m: m["open"] + "\n" + render(m["name"], taxonomy) + "\n" + m["close"], text
    )


def generated_blocks(text: str) -> list[str]:
    """The names of the generated blocks in a text, in order."""
    return [m["name"] for m in _BLOCK.finditer(text)]


def stale_files(files: list[Path], taxonomy: list[Category]) -> list[Path]:
    """Files whose generated tables differ from the seeds."""
    return [p for p in files if refresh(p.read_text(encoding="utf-8"), taxonomy) != p.read_text(encoding="utf-8")]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    taxonomy = read_taxonomy()
    files = doc_files()
    if "--check" in argv:
        stale = stale_files(files, taxonomy)
        for path in stale:
            print(f"{path.relative_to(REPO_ROOT)}: generated tables differ from the dbt seeds; run `{FIX_COMMAND}`")
        return 1 if stale else 0
    for path in files:
        old = path.read_text(encoding="utf-8")
        new = refresh(old, taxonomy)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
