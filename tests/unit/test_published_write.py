"""published.write_frames: batches committed into a staging table, swapped in at the end."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipelines.picture import published
from pipelines.picture.figures import COLUMNS


def test_a_failed_write_keeps_the_old_table_and_leaves_no_staging_table(tmp_path, monkeypatch):
    """published.write_frames commits batches into a staging table and swaps it in at the end:
    a build that fails half-way must leave the table as it was."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    row = ["0360", "2024-T1", "nyckeltal", "Rad", "Kolumn", 1.0, "1", True, "Titel", "r", "c", 0, 0, "count"]
    published.write(con, pd.DataFrame([row], columns=COLUMNS))

    def frames():
        yield pd.DataFrame([row[:3] + ["Annan"] + row[4:]], columns=COLUMNS)
        raise RuntimeError("halvvägs")

    with pytest.raises(RuntimeError):
        published.write_frames(con, frames())
    assert con.execute(f"select row_label from {published.TABLE}").fetchall() == [("Rad",)]
    assert not con.execute("select 1 from information_schema.tables where table_name = ?",
                           [published.STAGING]).fetchall()
    many = pd.DataFrame([row[:9] + [f"r{i}"] + row[10:] for i in range(5)], columns=COLUMNS)
    monkeypatch.setattr(published, "BATCH_ROWS", 2)  # several batches: the same rows in the same order
    assert published.write_frames(con, [many.iloc[:3], many.iloc[3:]]) == 5
    assert con.execute(f"select row_key from {published.TABLE}").fetchall() == [(f"r{i}",) for i in range(5)]
