"""After a run: the rejected rows per file from audit.rejected_rows, and the quality report's path
(pipelines/run_summary.py), on a real DuckDB warehouse with files in a data dir."""

from __future__ import annotations

from pipelines import run_summary
from pipelines.ingest.common import file_sha256
from pipelines.warehouse import connect


def reject(con, source_file, sha, row, reason):
    con.execute(
        "insert into audit.rejected_rows (source_file, source_row, reason, source_kind, file_sha256) "
        "values (?, ?, ?, 'partner_reports', ?)",
        [source_file, row, reason, sha],
    )


def test_rejections_of_the_files_as_they_are_now(tmp_path):
    data = tmp_path / "data"
    (data / "partners").mkdir(parents=True)
    (data / "partners" / "a.csv").write_text("ny version\n", encoding="utf-8")
    (data / "partners" / "b.xlsx").write_bytes(b"not a workbook")
    current_a, current_b = file_sha256(data / "partners" / "a.csv"), file_sha256(data / "partners" / "b.xlsx")
    with connect(tmp_path / "w.duckdb") as con:
        for row in (9, 2, 5, 7):
            reject(con, "partners/a.csv", current_a, row, f"Fel på rad {row}.")
        reject(con, "partners/a.csv", "0" * 64, 3, "Från en äldre version.")  # the file was fixed since
        reject(con, "partners/gone.csv", "1" * 64, 3, "Filen är borttagen.")
        reject(con, "partners/b.xlsx", current_b, None, "Filen kunde inte läsas som xlsx.")
        files, stale = run_summary.current_rejections(con, data)
    assert stale == 2
    assert [(f.source_file, f.whole_file, f.rows) for f in files] == [
        ("partners/a.csv", None, [(2, "Fel på rad 2."), (5, "Fel på rad 5."), (7, "Fel på rad 7."), (9, "Fel på rad 9.")]),
        ("partners/b.xlsx", "Filen kunde inte läsas som xlsx.", []),
    ]
    assert run_summary.rejection_lines(files, stale) == [
        "  avvisat:    4 rader i 1 fil och 1 fil i sin helhet (alla står i datakvalitet.html och audit.rejected_rows):",
        "    partners/a.csv (4 rader):",
        "      rad 2: Fel på rad 2.",
        "      rad 5: Fel på rad 5.",
        "      rad 7: Fel på rad 7.",
        "      … och 1 till",
        "    partners/b.xlsx: hela filen avvisades: Filen kunde inte läsas som xlsx.",
        "    2 rader ur äldre versioner av filer (ändrade eller borttagna sedan dess) visas inte; de finns i "
        "audit.rejected_rows",
    ]


def test_one_rejected_row_is_one_line_and_nothing_rejected_says_nothing():
    one = [run_summary.FileRejections("partners/x.csv", rows=[(4, "Kategori saknas.")])]
    assert run_summary.rejection_lines(one, 0) == [
        "  avvisat:    1 rad i 1 fil (alla står i datakvalitet.html och audit.rejected_rows):",
        "    partners/x.csv rad 4: Kategori saknas.",
    ]
    assert run_summary.rejection_lines([], 0) == []
    assert run_summary.rejection_lines([], 3) == [
        "  avvisat:    3 rader ur äldre versioner av filer (ändrade eller borttagna sedan dess) visas inte; de finns "
        "i audit.rejected_rows"
    ]


def test_quality_reports_newest_last(tmp_path):
    for period in ("2025-T3", "2026-T1", "2025-T1"):
        (tmp_path / period).mkdir()
        (tmp_path / period / "datakvalitet.html").write_text("x", encoding="utf-8")
    (tmp_path / "quality").mkdir()
    (tmp_path / "quality" / "datakvalitet.html").write_text("not a tertial", encoding="utf-8")
    assert [p.parent.name for p in run_summary.quality_reports(tmp_path)] == ["2025-T1", "2025-T3", "2026-T1"]
    assert [p.parent.name for p in run_summary.quality_reports(tmp_path, ["2025-T3"])] == ["2025-T3"]
    assert run_summary.quality_reports(tmp_path / "absent") == []


def test_where_the_reports_are_one_line_alone_one_per_municipality_in_a_region(tmp_path):
    from pipelines.run import report_lines
    from pipelines.settings import Settings
    from tests.region_dirs import SAMPLE, make_region_dir

    out = tmp_path / "out"

    def settings(data_dir):
        return Settings(data_dir=data_dir, warehouse=tmp_path / "w.duckdb", output_dir=out,
                        analytics_copy=tmp_path / "a.duckdb")

    assert report_lines(settings(SAMPLE)) == [
        f"  rapporter:  {out}/<tertial>/lagesbild.html|.pdf|.xlsx, pledges/<löfte>.md"]
    region = settings(make_region_dir(tmp_path))
    assert report_lines(region) == [
        "  rapporter:  en mapp per kommun, i varje <tertial>/lagesbild.html|.xlsx, pledges/<löfte>.md:",
        f"    Älvkarleby (0319): {out}/0319-alvkarleby/",
        f"    Tierp (0360): {out}/0360-tierp/",
        f"    Östhammar (0382): {out}/0382-osthammar/",
    ]
    quality = out / "0360-tierp" / "2025-T2" / "datakvalitet.html"
    quality.parent.mkdir(parents=True)
    quality.write_text("x", encoding="utf-8")
    assert report_lines(region)[-1] == f"  kvalitet:   datakvalitet.html bredvid varje lagesbild.html, t.ex. {quality}"
