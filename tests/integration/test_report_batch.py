"""Many reports in one run (batch.py) and the PDF selection (LAGESBILD_PDF, DATA-CONTRACT §4.2):
the worker processes write the same files as one process; a region gets no PDF unless chosen,
`make pdf` makes one afterwards, and a report without its PDF still counts as current."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pypdfium2

from pipelines.picture import batch, published
from tests.integration.test_sample_region import CODES, NEWEST, REGION, region_run  # noqa: F401


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_reports_rendered_by_worker_processes_equal_those_rendered_in_process(sample_run, tmp_path):
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        code = published.only_municipality(con)
        periods = published.periods(con, code)[-3:]
        for name, workers in (("serial", 0), ("workers", 2)):
            out = tmp_path / name
            with batch.Renderer(con, sample_run.warehouse, out, workers) as renderer:
                futures = [renderer.submit(batch.Job(code, p, out / p, pdf=False)) for p in periods]
                reports = [f.result() for f in futures]
            assert [r.period for r in reports] == periods and all(r.pdf_path is None for r in reports)
    serial, workers = tmp_path / "serial", tmp_path / "workers"
    assert _files(serial) == _files(workers) and len(_files(serial)) >= 3 * 3
    assert not [p for p in _files(serial) if p.suffix == ".pdf"]
    for path in _files(serial):
        assert filecmp.cmp(serial / path, workers / path, shallow=False), path


def test_a_region_writes_no_pdf_by_default(region_run):  # noqa: F811
    assert not list(region_run.output_dir.rglob("*.pdf"))
    assert (region_run.output_dir / CODES["0382"] / NEWEST / "lagesbild.html").is_file()


def test_make_pdf_writes_the_pdf_of_the_html_on_disk(region_run, tmp_path, monkeypatch):  # noqa: F811
    from pipelines.picture import pdf

    out = tmp_path / "output"
    for folder in (Path(CODES["0382"]) / NEWEST, Path("region") / NEWEST):
        shutil.copytree(region_run.output_dir / folder, out / folder)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(REGION))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(out))
    assert pdf.main([]) == 2  # a region: which municipality?
    assert pdf.main(["--kommun", "0360"]) == 1  # no report there
    assert pdf.main(["--kommun", "0382,region"]) == 0  # the newest tertial
    path = out / CODES["0382"] / NEWEST / "lagesbild.pdf"
    pages = [p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(str(path))]
    assert len(pages) > 3 and "Lägesbild" in pages[0] and "Sida 1 av" in pages[0]
    assert (out / "region" / NEWEST / "oversikt.pdf").is_file()


def test_the_pdf_selection_and_the_unchanged_reports(region_run, tmp_path, monkeypatch):  # noqa: F811
    """0382 with its PDF, 0360 without: both current on the next run; choosing every PDF
    re-renders only the report that lacks one."""
    from pipelines.partitions import key_of_period, lagesbild_partitions_def, range_tags
    from pipelines.picture.assets import build_lagesbild_asset
    from pipelines.resources import Warehouse

    out = tmp_path / "output"
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(region_run.warehouse))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(out))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(REGION))
    asset = build_lagesbild_asset(lagesbild_partitions_def(sorted(CODES)))
    tags = range_tags(["0360", "0382"], key_of_period(NEWEST), key_of_period(NEWEST))

    def run(choice: str) -> dict:
        monkeypatch.setenv("LAGESBILD_PDF", choice)
        result = dg.materialize([asset], tags=tags, resources={"warehouse": Warehouse()})
        assert result.success
        meta = result.asset_materializations_for_node("picture__lagesbild")[0].metadata
        return {code: (e["written"], e["unchanged"]) for code, e in meta["reports_by_municipality"].value.items()}

    pdf = {code: out / CODES[code] / NEWEST / "lagesbild.pdf" for code in ("0360", "0382")}
    assert run("0382") == {"0360": ([NEWEST], []), "0382": ([NEWEST], [])}
    assert pdf["0382"].is_file() and not pdf["0360"].exists()
    assert run("auto") == {"0360": ([], [NEWEST]), "0382": ([], [NEWEST])}
    assert run("all") == {"0360": ([NEWEST], []), "0382": ([], [NEWEST])}
    assert pdf["0360"].is_file() and pdf["0382"].is_file()
    # figures changed (here: the layout's fingerprint) and no PDF wanted: the old PDF goes with the old HTML
    for code in pdf:
        (out / CODES[code] / NEWEST / ".fingerprint").write_text("older figures")
    assert run("none") == {"0360": ([NEWEST], []), "0382": ([NEWEST], [])}
    assert not pdf["0360"].exists() and not pdf["0382"].exists()
