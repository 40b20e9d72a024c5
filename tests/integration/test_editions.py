"""The two editions (issue 17, DATA-CONTRACT §4.2): the public one is the default; with
LAGESBILD_INTERNAL=on the internal one is written beside it under <period>/intern/, from
figures the warehouse holds in a table of its own (internal.fct_internal_figures): nothing
hidden, the police's event summaries, every page marked. Nothing of it reaches the public
edition, the public figures or the analysts' copy."""

from __future__ import annotations

import re
import shutil

import duckdb
import openpyxl
import pypdfium2
import pytest

from pipelines.picture.edition import INTERNAL_MARKING
from tests.conftest import NO_PDF, run_pipeline
from tests.edge_cases import PERIOD

pytestmark = pytest.mark.slow  # a pipeline run of its own (tests/conftest.py)

FIGURES = ("select period, table_name, row_key, column_key, value, shown, kind from {} "
           "where kommun_code <> 'region' and not (table_name = 'meta' and row_key = 'framtagen')")


@pytest.fixture(scope="module")
def internal_run(edge_run, tmp_path_factory):
    """The hard cases (hidden small counts, police events with summaries) with the internal edition
    switched on: a copy of the session's edge build (data dir, warehouse, reports), run again with
    the switch. The switch is an input of the published figures (pipelines/changes.py), so the run
    builds them, both editions of every tertial and the analyst copy; the sources and marts stay."""
    base = tmp_path_factory.mktemp("internal")
    shutil.copytree(edge_run.data_dir, base / "data")  # copy2: mtimes kept, hashes cached
    shutil.copytree(edge_run.warehouse.parent, base / "warehouse")
    shutil.copytree(edge_run.output_dir, base / "output")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("LAGESBILD_INTERNAL", "on")
        result = run_pipeline(base / "data", base, monkeypatch)
    assert result.exit_code == 0
    return result


def figures(run, table: str) -> dict:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return {tuple(r[:4]): r[4:] for r in con.execute(FIGURES.format(table)).fetchall()}


def texts(folder) -> str:
    """Everything a person can read in a report folder: HTML, PDF text, workbook cells, briefs."""
    parts = [p.read_text(encoding="utf-8") for p in folder.glob("*.html")]
    parts += [p.read_text(encoding="utf-8") for p in folder.glob("pledges/*.md")]
    for pdf in folder.glob("*.pdf"):
        parts += [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(str(pdf))]
    for xlsx in folder.glob("*.xlsx"):
        book = openpyxl.load_workbook(xlsx)
        parts += [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join(parts)


def test_internal_edition_only_when_switched_on(edge_run, internal_run):
    assert not list(edge_run.output_dir.rglob("intern"))  # the default: public only
    with duckdb.connect(str(edge_run.warehouse), read_only=True) as con:
        assert not con.execute("select * from duckdb_tables() where schema_name = 'internal'").fetchall()
    folder = internal_run.output_dir / PERIOD / "intern"
    for name in ("lagesbild.html", "lagesbild.pdf", "lagesbild.xlsx", "pledges/2025-t2-klotter.md"):
        assert (folder / name).stat().st_size > 0, name


def test_public_figures_are_the_same_with_the_internal_edition_on(edge_run, internal_run):
    """Switching the edition on adds a table; the public one does not change by a row."""
    assert figures(internal_run, "marts.fct_published_figures") == figures(edge_run, "marts.fct_published_figures")


def test_internal_edition_shows_what_the_public_hides_and_the_same_elsewhere(internal_run):
    named = lambda key: (key[1] == "partner" or key[1].endswith(":partner")) and key[2] != "*"  # noqa: E731
    public = {k: v for k, v in figures(internal_run, "marts.fct_published_figures").items() if not named(k)}
    internal = {k: v for k, v in figures(internal_run, "internal.fct_internal_figures").items() if not named(k)}
    hidden = {k: v for k, v in public.items() if v[1] == "dolt" or v[1].startswith("<")}
    assert hidden, "the hard cases hide small counts"
    for key, (value, shown, kind) in hidden.items():
        assert internal[key][1] not in ("dolt",) and not internal[key][1].startswith("<"), key
    # the same totals (and every other figure, partners' rows but by name) where both show a number
    both = [k for k, (_, shown, kind) in public.items() if kind != "text" and re.fullmatch(r"[0-9][0-9\u00a0]*", shown)]
    assert len(both) > 100
    assert [k for k in both if internal[k][1] != public[k][1]] == []


def test_no_internal_value_in_the_public_edition(internal_run):
    public_dir = internal_run.output_dir / PERIOD
    internal = texts(public_dir / "intern")
    public = "\n".join(texts(d) for d in internal_run.output_dir.glob("20*-T*"))
    with duckdb.connect(str(internal_run.warehouse), read_only=True) as con:
        summaries = [r[0] for r in con.execute(
            "select distinct shown from internal.fct_internal_figures where table_name = 'handelser_lista' "
            "and column_key = 'summary' and period = ? and shown <> '–'", [PERIOD]).fetchall()]
    assert summaries, "the hard cases have police events with summaries"
    for summary in summaries:
        assert summary in internal and summary not in public
    assert INTERNAL_MARKING in internal and INTERNAL_MARKING not in public
    assert "Små tal visas inte" in public
    # which shop reported what: named in the internal edition only
    assert "ICA Östhammar" in internal and "ICA Östhammar" not in public and "Partner 1" in public


def test_every_page_of_the_internal_edition_is_marked(internal_run):
    folder = internal_run.output_dir / PERIOD / "intern"
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(str(folder / "lagesbild.pdf"))]
    assert len(pages) >= 3 and all(INTERNAL_MARKING in re.sub(r"\s+", " ", p) for p in pages)
    html = (folder / "lagesbild.html").read_text(encoding="utf-8")
    assert f'<aside class="edition-banner" aria-label="Utgåva"><p>{INTERNAL_MARKING}</p></aside>' in html
    book = openpyxl.load_workbook(folder / "lagesbild.xlsx")
    assert all(INTERNAL_MARKING in str(ws["A2"].value) for ws in book)
    assert all(INTERNAL_MARKING in p.read_text(encoding="utf-8") for p in folder.glob("pledges/*.md"))


def test_analyst_copy_has_no_internal_figures(internal_run):
    copy = internal_run.warehouse.parent / "analytics.duckdb"
    with duckdb.connect(str(copy), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert "marts" in schemas and "internal" not in schemas


def test_switching_it_off_removes_the_internal_edition_and_its_figures(internal_run, tmp_path, monkeypatch):
    """The next run without the switch: the unsuppressed figures leave the warehouse, intern/ the output."""
    base = tmp_path / "again"
    shutil.copytree(internal_run.warehouse.parent, base / "warehouse")
    shutil.copytree(internal_run.output_dir, base / "output")
    monkeypatch.delenv("LAGESBILD_INTERNAL", raising=False)
    # No PDF: this run's tertials are all rendered again (the edition is in their fingerprint) and
    # intern/ goes with or without one (lagesbild.build); the warehouse and the folders are read.
    result = run_pipeline(internal_run.data_dir, base, monkeypatch, pdf=NO_PDF)
    assert result.exit_code == 0
    assert not list((base / "output").rglob("intern"))
    with duckdb.connect(str(base / "warehouse" / "lagesbild.duckdb"), read_only=True) as con:
        assert not con.execute("select * from duckdb_tables() where schema_name = 'internal'").fetchall()
