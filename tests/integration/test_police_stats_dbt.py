"""BRÅ and local police extracts through the real loaders and the real dbt project
(subprocess, its own target path) on a small fixture: the exact values of
int_police_reported_monthly, int_police_reported_indicators and
marts.fct_reference_crime_rates.

The fixture is built so that name order, load order and "newest" disagree:
- b_utdrag_2024-01_04.csv (covers Jan-Apr) is loaded first by name order, but
  a_utdrag_2024-03_06.csv (Mar-Jun, revised values) is the newest extract;
- 0_rattelse_2024-04.csv ends in April like b_, is loaded after it (a second later)
  though its name sorts first: it ranks above b_.
The newest extract with any row for a month owns that month whole (DATA-CONTRACT §2.4):
an older extract's (area, category) that the owner does not list is dropped (0), not kept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import warehouse
from pipelines.config import load_municipality
from pipelines.ingest import police_bra, police_local
from pipelines.ingest.common import load_file
from pipelines.ingest.municipality import write_config
from tests.raw_lineage import own_rows

REPO = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
LOCAL_HEADER = "Månad;Område;Brottskategori;Antal"
BRA_HEADER = "Kommun;Antal;Per 100 000 inv."

LOCAL_OLDER = [  # b_utdrag_2024-01_04.csv
    LOCAL_HEADER,
    "2024-01;Östhammar;Stöld;5",
    "2024-01;Gimo;stold;2",             # January is owned by the correction, which has no Gimo: gone
    "2024-02;Östhammar;Stöld;4",        # only this extract covers February: kept
    "2024-03;Östhammar;Stöld;3",        # revised to 4 by the newest extract
    "2024-04;Östhammar;Stöld;6",        # revised to 5 + 2 by the newest extract
    "2024-04;Dannemora;Stöld;1",        # suppressed in the newest extract: unknown wins
    "2024-04;Gimo;Inbrott;7",           # April is owned by the newest extract, which has no such row: gone
]
LOCAL_NEWEST = [  # a_utdrag_2024-03_06.csv
    LOCAL_HEADER,
    "2024-03;Östhammar;stöld- och tillgreppsbrott;4",
    "2024-04;Östhammars tätort;stold;5",   # same (month, area, category) twice in one file:
    "2024-04;ÖSTHAMMAR ;STÖLD;2",          # summed -> 7
    "2024-04;Dannemora;stold;..",
    "2024-05;Dannemora;stold;2",
    "2024-05;Valö;snatterier;1",           # Valö and Börstil are one area: summed -> 3
    "2024-05;Börstil;butiksstöld;2",
    "2024-05;Uppgift saknas;Brott mot person;2",   # unknown area -> okant
    "2024-05;Gimo;Trafikbrott;1",          # unknown category: rejected
    "2024-06;Gräsön;stold;..",             # a suppressed row among duplicates: the sum is unknown
    "2024-06;Gräsö;stold;3",
    "2024-06;Östhammar;stold;0",           # zero is a count, not unknown
]
LOCAL_CORRECTION = [  # 0_rattelse_2024-04.csv, loaded after b_ (same latest month)
    LOCAL_HEADER,
    "2024-01;Östhammar;stold;6",          # owns January (it ranks above b_)
    "2024-04;Forsmark;vapen;1",           # April is the newest extract's: gone
]

BRA_2019 = [  # older layout: no header, 'X kommun', genitive, space thousands; Windows-1252
    "Hela landet;1 490 560;14 433,6",
    "Arjeplogs kommun;200;7 590,1",
    "Falu kommun;6 935;11 842,6",
    "Östhammars kommun;1 582;7 268,9",
    "Påhittads kommun;10;1,5",
]
BRA_2024 = [BRA_HEADER, "Falun;6773;11221,0", "Östhammar;1537;6851,5", "Hela landet;1431879;13523,6",
            "Tierp;1990;9500,0", "Heby;1300;9400,0"]
BRA_2024_REVISED = [BRA_HEADER, "Östhammar;1 600;7 100,0"]


def _write(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("police_stats")
    data_dir = base / "data"
    local, bra = data_dir / "police" / "local", data_dir / "police" / "bra"
    shutil.copy(REPO / "data" / "sample" / "municipality.yaml", _dir(data_dir) / "municipality.yaml")
    older = _write(local / "b_utdrag_2024-01_04.csv", LOCAL_OLDER)
    newest = _write(local / "a_utdrag_2024-03_06.csv", LOCAL_NEWEST)
    correction = _write(local / "0_rattelse_2024-04.csv", LOCAL_CORRECTION)
    copy = local / "b_utdrag_2024-01_04 (kopia).csv"
    copy.write_bytes(older.read_bytes())
    bra_2019 = _write(bra / "Anmälda brott per kommun 2019.csv", BRA_2019, encoding="cp1252")
    bra_2024 = _write(bra / "Anmälda brott per kommun 2024.csv", BRA_2024)
    bra_revised = _write(bra / "0 rättelse Anmälda brott 2024.csv", BRA_2024_REVISED)
    bra_no_year = _write(bra / "Anmälda brott per kommun.csv", [BRA_HEADER, "Heby;1359;9447,3"])

    wh = base / "warehouse.duckdb"
    outcomes = {}
    with warehouse.connect(wh) as con:
        write_config(con, load_municipality(data_dir / "municipality.yaml"))

        def load(path, module):
            outcomes[path.name] = load_file(
                con, path, data_dir=data_dir, source_kind=module.SOURCE_KIND,
                parse=module.parse, write=module.write,
            )

        for path in (older, newest, copy):
            load(path, police_local)
        time.sleep(1.1)  # _loaded_at has second precision: the correction is loaded later
        load(correction, police_local)
        for path in (bra_2019, bra_2024, bra_no_year):
            load(path, police_bra)
        time.sleep(1.1)
        load(bra_revised, police_bra)
        own_rows(con, load_municipality(data_dir / "municipality.yaml").code)

    target = base / "dbt"
    result = subprocess.run(
        [
            str(DBT), "build", "--profiles-dir", ".", "--target-path", str(target / "target"),
            "--log-path", str(target / "logs"),
            "--select", "+fct_reference_crime_rates", "+int_police_reported_indicators",
        ],
        cwd=REPO / "dbt_project",
        env={**os.environ, "LAGESBILD_WAREHOUSE": str(wh)},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    results = json.loads((target / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    return {"warehouse": wh, "outcomes": outcomes, "statuses": statuses}


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def query(built, sql: str) -> list[tuple]:
    with duckdb.connect(str(built["warehouse"]), read_only=True) as con:
        return con.execute(sql).fetchall()


# ------------------------------------------------------------------ loading


def test_load_outcomes(built):
    got = {name: (o.status, o.rows_loaded, o.rows_rejected) for name, o in built["outcomes"].items()}
    assert got == {
        "b_utdrag_2024-01_04.csv": ("loaded", 7, 0),
        "a_utdrag_2024-03_06.csv": ("loaded", 11, 1),
        "b_utdrag_2024-01_04 (kopia).csv": ("unchanged", 0, 0),
        "0_rattelse_2024-04.csv": ("loaded", 2, 0),
        "Anmälda brott per kommun 2019.csv": ("loaded", 5, 0),
        "Anmälda brott per kommun 2024.csv": ("loaded", 5, 0),
        "Anmälda brott per kommun.csv": ("failed", 0, 0),
        "0 rättelse Anmälda brott 2024.csv": ("loaded", 1, 0),
    }
    assert query(built, "select source_file, source_row, reason from audit.rejected_rows order by source_file") == [
        ("police/bra/Anmälda brott per kommun.csv", None,
         "Filnamnet 'Anmälda brott per kommun.csv' innehåller inget årtal. BRÅ-filer måste ha "
         "statistikåret i namnet, t.ex. 'Anmälda brott per kommun 2024.csv'."),
        ("police/local/a_utdrag_2024-03_06.csv", 10,
         "Brottskategori 'Trafikbrott' är ingen känd problemkategori. Ange id eller namn på en av kategorierna stold (Stöld), "
         "inbrott (Inbrott), snatteri (Snatteri), skadegorelse (Skadegörelse och klotter), hot_vald (Hot och våld), "
         "social_oro (Social oro och ordningsstörning), narkotika (Narkotika), vapen (Vapen och skjutningar), eller ett "
         "alias ur kategorilistan."),
    ]


# ------------------------------------------------------------------ local police


NEWEST = "police/local/a_utdrag_2024-03_06.csv"
OLDER = "police/local/b_utdrag_2024-01_04.csv"
CORRECTION = "police/local/0_rattelse_2024-04.csv"


def test_monthly_newest_file_wins_duplicates_summed_suppressed_stays_null(built):
    rows = query(
        built,
        """
        select strftime(month, '%Y-%m'), period, kommun_code, area_id, category_id,
               reported_count, suppressed, source_file, source_rows
        from intermediate.int_police_reported_monthly
        order by month, area_id, category_id
        """,
    )
    assert rows == [
        ("2024-01", "2024-T1", "0382", "osthammar", "stold", 6, False, CORRECTION, 1),  # the correction owns January
        ("2024-02", "2024-T1", "0382", "osthammar", "stold", 4, False, OLDER, 1),       # only the older covers February
        ("2024-03", "2024-T1", "0382", "osthammar", "stold", 4, False, NEWEST, 1),      # revised 3 -> 4
        ("2024-04", "2024-T1", "0382", "dannemora", "stold", None, True, NEWEST, 1),    # '..' wins over 1, not 0
        ("2024-04", "2024-T1", "0382", "osthammar", "stold", 7, False, NEWEST, 2),      # 5 + 2 in one file
        ("2024-05", "2024-T2", "0382", "dannemora", "stold", 2, False, NEWEST, 1),
        ("2024-05", "2024-T2", "0382", "okant", "hot_vald", 2, False, NEWEST, 1),
        ("2024-05", "2024-T2", "0382", "valo_borstil", "snatteri", 3, False, NEWEST, 2),
        ("2024-06", "2024-T2", "0382", "graso", "stold", None, True, NEWEST, 2),        # 3 + '..' = unknown
        ("2024-06", "2024-T2", "0382", "osthammar", "stold", 0, False, NEWEST, 1),
    ]


def test_each_month_comes_from_one_extract(built):
    """No month mixes extracts: older extracts' rows for a covered month do not survive."""
    assert query(
        built,
        "select strftime(month, '%Y-%m'), count(distinct file_sha256) from intermediate.int_police_reported_monthly "
        "group by all having count(distinct file_sha256) > 1",
    ) == []


def test_indicators_exact_values(built):
    rows = query(
        built,
        """
        select period, kommun_code, area_id, category_id, police_reported_count, police_reported_months
        from intermediate.int_police_reported_indicators
        order by period, area_id, category_id
        """,
    )
    assert rows == [
        ("2024-T1", "0382", "dannemora", "stold", None, 4),   # April suppressed: the tertial is unknown
        ("2024-T1", "0382", "osthammar", "stold", 6 + 4 + 4 + 7, 4),
        ("2024-T2", "0382", "dannemora", "stold", 2, 2),      # May and June covered so far
        ("2024-T2", "0382", "graso", "stold", None, 2),
        ("2024-T2", "0382", "okant", "hot_vald", 2, 2),
        ("2024-T2", "0382", "osthammar", "stold", 0, 2),
        ("2024-T2", "0382", "valo_borstil", "snatteri", 3, 2),
    ]


def test_indicator_column_types(built):
    types = query(
        built,
        """
        select column_name, data_type from information_schema.columns
        where table_schema = 'intermediate' and table_name = 'int_police_reported_indicators'
        order by ordinal_position
        """,
    )
    assert types == [
        ("period", "VARCHAR"), ("kommun_code", "VARCHAR"), ("area_id", "VARCHAR"),
        ("category_id", "VARCHAR"), ("police_reported_count", "BIGINT"), ("police_reported_months", "INTEGER"),
    ]


# ------------------------------------------------------------------ BRÅ


def test_reference_crime_rates_exact_values(built):
    rows = query(
        built,
        """
        select year, kommun, reported_crimes, per_100k, kommun_code, county, kommun_matched, source_file,
               county_median_per_100k, county_kommuner
        from marts.fct_reference_crime_rates order by year, kommun
        """,
    )
    f2019 = "police/bra/Anmälda brott per kommun 2019.csv"
    f2024 = "police/bra/Anmälda brott per kommun 2024.csv"
    # the last two columns: median per_100k of the county's other municipalities that year, and how many
    assert rows == [
        (2019, "Arjeplog", 200, 7590.1, "2506", "Norrbottens län", True, f2019, None, 0),
        (2019, "Falun", 6935, 11842.6, "2080", "Dalarnas län", True, f2019, None, 0),
        (2019, "Hela landet", 1490560, 14433.6, None, None, True, f2019, None, None),
        (2019, "Påhittads kommun", 10, 1.5, None, None, False, f2019, None, None),     # unmatched: kept as written
        (2019, "Östhammar", 1582, 7268.9, "0382", "Uppsala län", True, f2019, None, 0),
        (2024, "Falun", 6773, 11221.0, "2080", "Dalarnas län", True, f2024, None, 0),
        (2024, "Heby", 1300, 9400.0, "0331", "Uppsala län", True, f2024, (7100.0 + 9500.0) / 2, 2),
        (2024, "Hela landet", 1431879, 13523.6, None, None, True, f2024, None, None),
        (2024, "Tierp", 1990, 9500.0, "0360", "Uppsala län", True, f2024, (7100.0 + 9400.0) / 2, 2),
        (2024, "Östhammar", 1600, 7100.0, "0382", "Uppsala län", True,      # newest loaded wins
         "police/bra/0 rättelse Anmälda brott 2024.csv", (9400.0 + 9500.0) / 2, 2),
    ]


def test_reference_mart_contract_columns_first_and_typed(built):
    types = query(
        built,
        """
        select column_name, data_type from information_schema.columns
        where table_schema = 'marts' and table_name = 'fct_reference_crime_rates'
        order by ordinal_position
        """,
    )
    assert types[:4] == [("year", "INTEGER"), ("kommun", "VARCHAR"), ("reported_crimes", "BIGINT"), ("per_100k", "DOUBLE")]
    assert types[4:] == [
        ("kommun_code", "VARCHAR"), ("county", "VARCHAR"), ("kommun_matched", "BOOLEAN"), ("source_file", "VARCHAR"),
        ("county_median_per_100k", "DOUBLE"), ("county_kommuner", "INTEGER"),
    ]


def test_unmatched_name_is_a_visible_warning_not_an_error(built):
    warned = {uid: s for uid, s in built["statuses"].items() if "kommun_matched" in uid and "accepted_values" in uid}
    assert warned and set(warned.values()) == {"warn"}
    errors = {uid: s for uid, s in built["statuses"].items() if s not in ("success", "pass", "warn")}
    assert errors == {}
