"""A tertial is re-rendered only when what it prints changed."""

import duckdb
import pandas as pd

from pipelines.picture import published
from pipelines.picture.figures import COLUMNS
from pipelines.picture.fingerprint import is_current, mark_current, period_fingerprint


def _figures(con, shown_2025: str, framtagen: str) -> None:
    rows = [("0382", p, "nyckeltal", "Anmälda brott", "Värde", 12.0, s, False, "Nyckeltal", "reported", "value", 0,
             0, "count") for p, s in (("2024-T1", "12"), ("2025-T1", shown_2025))]
    rows += [("0382", p, "meta", "Framtagen", "Text", None, framtagen, True, "Om", "framtagen", "text", 1, 0, "text")
             for p in ("2024-T1", "2025-T1")]
    con.execute("create schema if not exists marts")
    published.write(con, pd.DataFrame(rows, columns=COLUMNS))


def test_fingerprint_follows_the_tertials_figures_not_the_build_time():
    con = duckdb.connect()
    _figures(con, "12", "2026-12-01 10:00")
    first = {p: period_fingerprint(con, p) for p in ("2024-T1", "2025-T1")}
    _figures(con, "12", "2026-12-02 11:00")       # rebuilt on another day, nothing else changed
    assert {p: period_fingerprint(con, p) for p in first} == first
    _figures(con, "<3", "2026-12-02 11:00")       # one figure of 2025-T1 changed
    assert period_fingerprint(con, "2024-T1") == first["2024-T1"]
    assert period_fingerprint(con, "2025-T1") != first["2025-T1"]


def test_is_current_needs_the_stamp_and_every_file(tmp_path):
    period_dir = tmp_path / "2025-T1"
    period_dir.mkdir()
    (period_dir / "lagesbild.html").write_text("x")
    assert not is_current(period_dir, "f1", ["lagesbild.html"])
    mark_current(period_dir, "f1")
    assert is_current(period_dir, "f1", ["lagesbild.html"])
    assert not is_current(period_dir, "f2", ["lagesbild.html"])
    assert not is_current(period_dir, "f1", ["lagesbild.html", "lagesbild.pdf"])


def _rows(code: str, shown: str, table: str = "nyckeltal") -> list[tuple]:
    return [(code, "2025-T1", table, "Anmälda brott", "Värde", 12.0, shown, False, "Nyckeltal", "reported", "value",
             0, 0, "count")]


def test_fingerprint_is_per_municipality():
    con = duckdb.connect()
    con.execute("create schema marts")
    published.write(con, pd.DataFrame(_rows("0360", "12") + _rows("0382", "12"), columns=COLUMNS))
    first = {c: period_fingerprint(con, "2025-T1", c) for c in ("0360", "0382")}
    published.write(con, pd.DataFrame(_rows("0360", "<3") + _rows("0382", "12"), columns=COLUMNS))
    assert period_fingerprint(con, "2025-T1", "0382") == first["0382"]
    assert period_fingerprint(con, "2025-T1", "0360") != first["0360"]
    # the region's comparison table is printed in every municipality's report
    region = _rows("region", "40", "region_comparison")
    published.write(con, pd.DataFrame(_rows("0360", "<3") + _rows("0382", "12") + region, columns=COLUMNS))
    assert period_fingerprint(con, "2025-T1", "0382") != first["0382"]
    assert published.Figures(con, "2025-T1", "0382")["region_comparison"].shown("reported", "value") == "40"
    assert published.municipalities(con) == ["0360", "0382"]
