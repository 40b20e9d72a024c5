"""One name normaliser, shown with the real dbt: for category texts on which the old
Python normaliser (casefold + NFKD) and dbt's `normalise_name` disagreed, the partner
loader's decision (load or reject) is now dbt's decision (a category or none).

dbt's side: the texts are written straight into raw.partner_reports (past the loader),
dbt builds stg_partners__reports (category_key through the macro) and int_category_keys
from the seeds, and the join says which texts dbt maps to a category."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import partners
from pipelines.warehouse import connect
from tests.raw_lineage import own_rows

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"

TEXTS = [
    "Mißhandel",  # old Python: 'misshandel', an alias; dbt: 'mißhandel', nothing
    "ＳＮＡＴＴＥＲＩ",  # old Python: 'snatteri'; dbt: full-width letters, nothing
    "Sto\u0308ld",  # a decomposed accent: both 'stold'
    "  SKADEGÖRELSE ",
    "Nedskräpning",  # unknown to both
]


@pytest.fixture(scope="module")
def dbt_categories(tmp_path_factory) -> dict[str, str | None]:
    """{text: the category dbt maps it to, or None}."""
    tmp_path = tmp_path_factory.mktemp("names_dbt")
    warehouse = tmp_path / "w.duckdb"
    with connect(warehouse) as con:
        con.execute(partners.RAW_DDL)
        for row, text in enumerate(TEXTS, start=2):
            con.execute(
                "insert into raw.partner_reports (report_date, report_date_text, partner, category_text, area_text, "
                "place, report_count, report_count_text, description, description_sha256, _source_file, _source_row, "
                "_file_sha256, _loaded_at) values (date '2025-03-04', '2025-03-04', 'ICA Gimo', ?, 'Gimo', "
                "'Butiken', 1, null, null, sha256(''), 'partners/x.csv', ?, 'abc', now())",
                [text, row],
            )
        own_rows(con, "0382")
    result = subprocess.run(
        [
            str(DBT), "build", "--profiles-dir", ".", "--select", "+int_category_keys", "stg_partners__reports",
            "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
        ],
        cwd=REPO / "dbt_project", env={**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select reports.category_text, keys.category_id
            from staging.stg_partners__reports as reports
            left join intermediate.int_category_keys as keys on keys.category_key = reports.category_key
            """
        ).fetchall()
    return dict(rows)


def test_the_loader_rejects_exactly_what_dbt_cannot_map(tmp_path, dbt_categories, monkeypatch):
    monkeypatch.setenv("LAGESBILD_AS_OF", "2026-09-01")
    assert set(dbt_categories) == set(TEXTS)
    path = tmp_path / "rapport.csv"
    path.write_text(
        "\n".join([HEADER, *(f"2025-03-04;ICA Gimo;{text};Gimo;Butiken;;x" for text in TEXTS)]) + "\n",
        encoding="utf-8",
    )
    parsed = partners.parse(path)
    rejected = {TEXTS[r.source_row - 2] for r in parsed.rejections}
    loaded = set(parsed.rows["category_text"])
    # The reader trims cells: compare on the trimmed text.
    assert {t.strip() for t in TEXTS if dbt_categories[t] is None} == {t.strip() for t in rejected}
    assert {t.strip() for t in TEXTS if dbt_categories[t] is not None} == loaded
    assert dbt_categories["Mißhandel"] is None and dbt_categories["ＳＮＡＴＴＥＲＩ"] is None
    assert dbt_categories["Sto\u0308ld"] == "stold"
