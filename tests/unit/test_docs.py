"""The docs in the repository: tables generated from the dbt seeds do not drift, and every
link of README.md and docs/*.md resolves (offline)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines import docs_links, docs_tables
from pipelines.settings import REPO_ROOT

DOCS = REPO_ROOT / "docs"


# --------------------------------------------------------------------------- generated tables


def test_docs_tables_match_the_seeds():
    stale = docs_tables.stale_files(docs_links.doc_files(), docs_tables.read_taxonomy())
    assert not stale, (
        f"{', '.join(str(p.relative_to(REPO_ROOT)) for p in stale)}: the category/alias tables differ "
        f"from dbt_project/seeds; run `{docs_tables.FIX_COMMAND}`"
    )


@pytest.mark.parametrize(("doc", "tables"), [
    ("DATA-CONTRACT.md", {"categories", "aliases"}),
    ("anvandarguide.md", {"categories-sv", "aliases-sv"}),
])
def test_contract_and_guide_carry_the_generated_tables(doc, tables):
    assert tables <= set(docs_tables.generated_blocks((DOCS / doc).read_text(encoding="utf-8")))


def _seeds_copy(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("problem_categories.csv", "category_aliases.csv"):
        shutil.copy(docs_tables.SEEDS_DIR / name, seeds / name)
    return seeds


def test_a_new_alias_in_the_seeds_makes_the_docs_stale(tmp_path):
    """The drift check can fail: an alias added to the seed is missing from today's docs."""
    seeds = _seeds_copy(tmp_path)
    with (seeds / "category_aliases.csv").open("a", encoding="utf-8") as handle:
        handle.write("fickstöld,stold,false\n")
    doc = tmp_path / "doc.md"
    doc.write_text((DOCS / "DATA-CONTRACT.md").read_text(encoding="utf-8"), encoding="utf-8")
    taxonomy = docs_tables.read_taxonomy(seeds)
    assert docs_tables.stale_files([doc], taxonomy) == [doc]
    refreshed = docs_tables.refresh(doc.read_text(encoding="utf-8"), taxonomy)
    assert "| `stold` | Stöld |" in refreshed and "cykelstöld, Stöld- och tillgreppsbrott, fickstöld |" in refreshed
    assert "| fickstöld | `stold` | alias |" in refreshed


def test_refresh_rewrites_only_between_the_markers():
    taxonomy = docs_tables.read_taxonomy()
    text = "# T\n\nbefore\n<!-- generated: categories-sv -->\nold text\n<!-- /generated -->\nafter\n"
    out = docs_tables.refresh(text, taxonomy)
    assert out.startswith("# T\n\nbefore\n<!-- generated: categories-sv -->\n\n| id | namn |")
    assert out.endswith("\n<!-- /generated -->\nafter\n")
    assert "old text" not in out
    assert "| `snatteri` | Snatteri | (inga) | butiksstöld, snatterier |" in out
    assert docs_tables.refresh(out, taxonomy) == out  # idempotent


def test_alias_table_lists_every_spelling_once_in_swedish_order():
    table = docs_tables.render("aliases-sv", docs_tables.read_taxonomy())
    spelled = [line.split(" | ")[0].lstrip("| ") for line in table.splitlines()[2:]]
    assert len(spelled) == len({s.casefold() for s in spelled})
    assert "| Stöld | `stold` | namn, Polisens händelsetyp |" in table
    # å, ä, ö after z: "våld" before "Våld/hot…", both after "vapen"; "Häleri" after "hot_vald"
    assert spelled.index("vapen") < spelled.index("våld") < spelled.index("Våld/hot mot tjänsteman")
    assert spelled.index("hot_vald") < spelled.index("Häleri")


def test_unknown_table_name_is_an_error():
    with pytest.raises(ValueError, match="unknown generated table 'kategorier'"):
        docs_tables.refresh("<!-- generated: kategorier -->\n<!-- /generated -->", docs_tables.read_taxonomy())


def test_alias_of_a_category_that_does_not_exist_is_an_error(tmp_path):
    seeds = _seeds_copy(tmp_path)
    with (seeds / "category_aliases.csv").open("a", encoding="utf-8") as handle:
        handle.write("bedrägeri,bedrageri,false\n")
    with pytest.raises(ValueError, match="bedrageri"):
        docs_tables.read_taxonomy(seeds)


# --------------------------------------------------------------------------- links


def test_every_link_in_readme_and_docs_resolves():
    files = docs_links.doc_files()
    assert {p.name for p in files} >= {"README.md", "DATA-CONTRACT.md", "anvandarguide.md"}
    broken = docs_links.check_files(files)
    assert not broken, "broken links:\n" + "\n".join(str(b) for b in broken)


@pytest.mark.parametrize(("heading", "slug"), [
    ("## 4.1 Warehouse (DuckDB), the analysts' interface", "41-warehouse-duckdb-the-analysts-interface"),
    ("### 2.1 `municipality.yaml`", "21-municipalityyaml"),
    ("## Så läser du datakvalitet.html", "så-läser-du-datakvalitethtml"),
    ("## Rätta och kör om – steg för steg", "rätta-och-kör-om--steg-för-steg"),
    ("## `audit.rejected_rows` och **avvisade** rader", "auditrejected_rows-och-avvisade-rader"),
    ("## Vad betyder \"<3\", \"dolt\" och \"–\"?", "vad-betyder-3-dolt-och-"),
    ("## Länk: [guiden](anvandarguide.md)", "länk-guiden"),
])
def test_github_slugs(heading, slug):
    assert docs_links.anchors(heading + "\n") == {slug}


def test_repeated_headings_get_numbered_anchors():
    assert docs_links.anchors("# Exempel\n\n## Exempel\n\n### Exempel\n") == {"exempel", "exempel-1", "exempel-2"}


def test_headings_and_links_inside_code_do_not_count(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text(
        "# Real\n\n```md\n# Not a heading\n[gone](nowhere.md)\n```\n\n`[also not](nowhere.md)` and [real](#real)\n",
        encoding="utf-8",
    )
    assert docs_links.anchors(doc.read_text(encoding="utf-8")) == {"real"}
    assert docs_links.check_files([doc], root=tmp_path) == []


def test_broken_links_are_found(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n## Så rättar du\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    readme = tmp_path / "README.md"
    readme.write_text(
        "\n".join([
            "# Top",
            "[ok](docs/guide.md) [ok](docs/guide.md#så-rättar-du) [ok](#top) [ok](data/)",
            "[ok](docs/guide.md#s%C3%A5-r%C3%A4ttar-du) [ok](https://polisen.se/api/events)",
            "[missing](DESIGN.md)",
            "[bad anchor](docs/guide.md#sa-rattar-du)",
            "[bad local anchor](#nowhere)",
            "[outside](../shared/docs/DATA-CONTRACT.md)",
            "[bad url](https://)",
            "[ref]: docs/nothing.md",
            "as DATA-CONTRACT §2.5 says (DESIGN.md); [DATA-CONTRACT §2](docs/guide.md) and `DESIGN.md` are fine",
        ]) + "\n",
        encoding="utf-8",
    )
    broken = docs_links.check_files([readme], root=tmp_path)
    assert [(b.line, b.target) for b in broken] == [
        (4, "DESIGN.md"),
        (5, "docs/guide.md#sa-rattar-du"),
        (6, "#nowhere"),
        (7, "../shared/docs/DATA-CONTRACT.md"),
        (8, "https://"),
        (9, "docs/nothing.md"),
        (10, "DATA-CONTRACT §2.5"),
        (10, "DESIGN.md"),
    ]
    assert "no heading with anchor #sa-rattar-du in guide.md" in str(broken[1])
