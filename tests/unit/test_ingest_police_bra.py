"""pipelines.ingest.police_bra: BRÅ "Anmälda brott" files (DATA-CONTRACT §2.4), both
layouts, and their loading into raw.police_bra against a real DuckDB file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import warehouse
from pipelines.ingest import police_bra
from pipelines.ingest.common import BadFileError, load_file
from tests.privacy import find_personal_data

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
HEADER = "Kommun;Antal;Per 100 000 inv."
BOM = "\ufeff"


def write(folder: Path, name: str, lines: list[str], encoding: str = "utf-8", bom: bool = True) -> Path:
    path = folder / name
    text = (BOM if bom and encoding == "utf-8" else "") + "\r\n".join(lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def records(parsed) -> list[tuple]:
    return [
        (r["kommun"], r["reported_crimes"], None if r["per_100k"] != r["per_100k"] else r["per_100k"], r["year"], r["_source_row"])
        for r in parsed.rows.to_dict("records")
    ]


def load(con, path: Path, data_dir: Path):
    return load_file(
        con, path, data_dir=data_dir, source_kind=police_bra.SOURCE_KIND,
        parse=police_bra.parse, write=police_bra.write,
    )


@pytest.fixture
def con(tmp_path):
    with warehouse.connect(tmp_path / "wh.duckdb") as connection:
        yield connection


# ------------------------------------------------------------------ year from the file name


@pytest.mark.parametrize(
    "name, year",
    [
        ("Anmälda brott per kommun 2024.csv", 2024),
        ("anmalda_brott_2019.csv", 2019),
        ("2021 Anmälda brott.csv", 2021),
        ("Anmälda brott per kommun 2023 (1).csv", 2023),
    ],
)
def test_year_comes_from_the_file_name(name, year):
    assert police_bra.year_from_name(Path(name)) == year


def test_a_file_without_a_year_in_its_name_is_a_bad_file(tmp_path):
    path = write(tmp_path, "Anmälda brott per kommun.csv", [HEADER, "Heby;1362;9582,1"])
    with pytest.raises(BadFileError) as info:
        police_bra.parse(path)
    assert info.value.reason == (
        "Filnamnet 'Anmälda brott per kommun.csv' innehåller inget årtal. BRÅ-filer måste ha "
        "statistikåret i namnet, t.ex. 'Anmälda brott per kommun 2024.csv'."
    )


def test_a_file_name_with_two_years_is_a_bad_file(tmp_path):
    path = write(tmp_path, "Anmälda brott 2023 uttag 2024-03-01.csv", [HEADER, "Heby;1362;9582,1"])
    with pytest.raises(BadFileError) as info:
        police_bra.parse(path)
    assert "innehåller flera årtal (2023, 2024)" in info.value.reason


# ------------------------------------------------------------------ both layouts


def test_layout_2022_and_later_with_header(tmp_path):
    path = write(tmp_path, "Anmälda brott per kommun 2024.csv", [
        HEADER, "Enköping;5466;11634,7", "Östhammar;1537;6851,5", "Hela landet;1431879;13523,6",
    ])
    parsed = police_bra.parse(path)
    assert parsed.rejections == []
    assert records(parsed) == [
        ("Enköping", 5466, 11634.7, 2024, 2),
        ("Östhammar", 1537, 6851.5, 2024, 3),
        ("Hela landet", 1431879, 13523.6, 2024, 4),
    ]


def test_older_layout_without_header_genitive_names_and_space_thousands(tmp_path):
    # Windows-1252 like the sample's 2019 file; the first row is data (2nd cell a number).
    path = write(tmp_path, "Anmälda brott per kommun 2019.csv", [
        "Hela landet;1 490 560;14 433,6",
        "Ale kommun;2 968;9 415,0",
        "Arjeplogs kommun;200;7 590,1",
        "Östhammars kommun;1 582;7 268,9",
        "Falu kommun;6 935;11 842,6",
    ], encoding="cp1252")
    parsed = police_bra.parse(path)
    assert parsed.rejections == []
    assert records(parsed) == [
        ("Hela landet", 1490560, 14433.6, 2019, 1),
        ("Ale kommun", 2968, 9415.0, 2019, 2),
        ("Arjeplogs kommun", 200, 7590.1, 2019, 3),
        ("Östhammars kommun", 1582, 7268.9, 2019, 4),
        ("Falu kommun", 6935, 11842.6, 2019, 5),
    ]


def test_no_break_space_thousands_and_empty_rate(tmp_path):
    path = write(tmp_path, "Anmälda brott per kommun 2025.csv", [
        HEADER, "Enköping;5\u00a0297;11\u00a0208,2", "Heby;1 347;",
    ])
    parsed = police_bra.parse(path)
    assert parsed.rejections == []
    assert records(parsed) == [("Enköping", 5297, 11208.2, 2025, 2), ("Heby", 1347, None, 2025, 3)]


def test_a_file_that_is_neither_layout_is_a_bad_file(tmp_path):
    path = write(tmp_path, "Befolkning 2024.csv", ["Region;Folkmängd", "Heby;14 000"])
    with pytest.raises(BadFileError) as info:
        police_bra.parse(path)
    assert "Filen liknar inte BRÅ:s statistik" in info.value.reason


BAD_ROWS = [
    ("Ale;abc;9582,1", "Antal 'abc' för Ale är inget heltal."),
    ("Ale;-5;9582,1", "Antal '-5' för Ale är negativt."),
    ("Ale;1 36;9582,1", "Antal '1 36' för Ale är inget heltal."),
    ("Ale;;9582,1", "Antal saknas för Ale."),
    (";1362;9582,1", "Kommun saknas."),
    ("Ale;1362;ca 9000", "Per 100 000 inv. 'ca 9000' för Ale är inget tal."),
    ("Ale;1362;-3,0", "Per 100 000 inv. '-3,0' för Ale är negativt."),
    ("Ale;1362;9582,1;x", "Raden har fler värden än filens 3 kolumner (Kommun, Antal, Per 100 000 inv.)."),
    ("enköping;1;2", "Kommun 'enköping' finns redan på rad {first} i samma fil."),
]


@pytest.mark.parametrize("line, reason", BAD_ROWS, ids=[r[1][:30] for r in BAD_ROWS])
@pytest.mark.parametrize("with_header", [True, False], ids=["header", "no-header"])
def test_each_bad_row_is_rejected_with_a_swedish_reason(tmp_path, line, reason, with_header):
    # a realistic number of rows: the separator is sniffed from the file
    good = ["Heby;1 362;9 582,1", "Håbo;1 921;8 551,5", "Knivsta;1 362;6 651,7", "Tierp;1 500;7 000,2"]
    lines = ["Enköping;5 020;10 814,5", line, *good]
    path = write(tmp_path, "Anmälda brott 2022.csv", [HEADER, *lines] if with_header else lines)
    parsed = police_bra.parse(path)
    offset = 1 if with_header else 0
    assert [(r.source_row, r.reason) for r in parsed.rejections] == [(2 + offset, reason.format(first=1 + offset))]
    assert parsed.rejections[0].raw_record == line
    assert [r[0] for r in records(parsed)] == ["Enköping", "Heby", "Håbo", "Knivsta", "Tierp"]


def test_sample_files_load_both_layouts_without_rejections():
    by_year = {}
    for path in sorted((SAMPLE / "police" / "bra").glob("*.csv")):
        parsed = police_bra.parse(path)
        assert parsed.rejections == [], path.name
        by_year[int(parsed.rows["year"].iloc[0])] = dict(zip(parsed.rows["kommun"], parsed.rows["reported_crimes"]))
    assert sorted(by_year) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert all(len(rows) == 26 for rows in by_year.values())
    assert by_year[2019]["Hela landet"] == 1490560  # cp1252, no header, Hela landet first
    assert by_year[2020]["Östhammars kommun"] == 1560
    assert by_year[2025]["Hela landet"] == 1452867  # no-break space thousands
    assert by_year[2024]["Östhammar"] == 1537


# ------------------------------------------------------------------ loading


def test_load_reload_and_bad_file_next_to_good_ones(con, tmp_path):
    good = write(tmp_path, "Anmälda brott per kommun 2024.csv", [HEADER, "Heby;1359;9447,3", "Heby;1;1"])
    no_year = write(tmp_path, "Anmälda brott per kommun.csv", [HEADER, "Heby;1359;9447,3"])
    outcomes = [load(con, p, tmp_path) for p in (no_year, good, good)]
    assert [o.status for o in outcomes] == ["failed", "loaded", "unchanged"]
    assert con.execute(
        "select kommun, reported_crimes, per_100k, year, _source_file, _source_row from raw.police_bra"
    ).fetchall() == [("Heby", 1359, 9447.3, 2024, "Anmälda brott per kommun 2024.csv", 2)]
    assert con.execute(
        "select source_file, source_row, reason from audit.rejected_rows order by source_row nulls first"
    ).fetchall() == [
        ("Anmälda brott per kommun.csv", None,
         "Filnamnet 'Anmälda brott per kommun.csv' innehåller inget årtal. BRÅ-filer måste ha "
         "statistikåret i namnet, t.ex. 'Anmälda brott per kommun 2024.csv'."),
        ("Anmälda brott per kommun 2024.csv", 3, "Kommun 'Heby' finns redan på rad 2 i samma fil."),
    ]
    # the same bytes under another name add nothing
    copy = tmp_path / "Anmälda brott per kommun 2024 (kopia).csv"
    copy.write_bytes(good.read_bytes())
    assert load(con, copy, tmp_path).status == "unchanged"
    assert con.execute("select count(*) from raw.police_bra").fetchall() == [(1,)]


def test_no_personal_data_is_stored(tmp_path):
    phone, mail = "070-174 06 05", "kalle@example.org"
    path = write(tmp_path, "Anmälda brott 2024.csv", [
        HEADER, f"Heby {phone};1;2", f"Knivsta;{mail};2",
    ])
    with warehouse.connect(tmp_path / "wh.duckdb") as con:
        outcome = load(con, path, tmp_path)
        assert (outcome.rows_loaded, outcome.rows_rejected) == (1, 1)
        assert con.execute("select kommun from raw.police_bra").fetchall() == [("Heby [telefon]",)]
    assert find_personal_data(tmp_path / "wh.duckdb", [phone, mail]) == []
