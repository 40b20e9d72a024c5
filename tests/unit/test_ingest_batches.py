"""FileLoader (pipelines/ingest/common.py): files written in batches and CSV files read ahead
must store exactly what loading the files one by one stores, and a file that cannot be
written must still fail alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.ingest import partners, police_local, readers, surveys
from pipelines.ingest.common import FileLoader, find_files, load_file
from pipelines.warehouse import connect

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
SOURCES = [
    (partners, SAMPLE / "partners", partners.parse),
    (police_local, SAMPLE / "police" / "local", police_local.parse),
    (surveys, SAMPLE / "surveys", surveys.parse),
]
TIMES = {"_loaded_at", "loaded_at", "rejected_at", "recorded_at"}


@pytest.fixture(autouse=True)
def fixed_as_of(monkeypatch):
    monkeypatch.setenv("LAGESBILD_AS_OF", "2026-09-01")
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(SAMPLE))


def contents(con, table: str) -> list[tuple]:
    """The table's rows without load times, sorted (order of insertion is no result)."""
    columns = [c for (c,) in con.execute(
        "select column_name from duckdb_columns() where schema_name || '.' || table_name = ? order by column_index",
        [table]).fetchall() if c not in TIMES]
    select = ", ".join(f'"{c}"' for c in columns)
    return sorted(con.execute(f"select {select} from {table}").fetchall(), key=repr)


def tables(module) -> list[str]:
    raw = {partners: "raw.partner_reports", police_local: "raw.police_local", surveys: "raw.survey_responses"}
    return [raw[module], "audit.loaded_files", "audit.rejected_rows"] + (
        ["audit.ignored_columns"] if module is surveys else [])


@pytest.mark.parametrize("module, folder, parse", SOURCES, ids=["partners", "police_local", "surveys"])
def test_batches_and_read_ahead_store_what_one_file_at_a_time_does(tmp_path, module, folder, parse):
    files = find_files(folder, module.FILE_PATTERNS)
    assert len(files) > 3  # the sample's folders: several files, planted bad rows and a copy of a file

    with connect(tmp_path / "one.duckdb") as con:
        con.execute(module.RAW_DDL)
        one = [load_file(con, path, data_dir=SAMPLE, source_kind=module.SOURCE_KIND, parse=parse,
                         write=module.write) for path in files]
        expected = {table: contents(con, table) for table in tables(module)}

    with connect(tmp_path / "batched.duckdb") as con:
        con.execute(module.RAW_DDL)
        loader = FileLoader(con, data_dir=SAMPLE, source_kind=module.SOURCE_KIND, write=module.write,
                            write_batch=module.write_batch, max_files=3)
        batched = loader.add_all([(path, parse) for path in files])
        loader.flush()
        assert {table: contents(con, table) for table in tables(module)} == expected

    assert [(o.source_file, o.status, o.rows_loaded, o.rows_rejected, o.message) for o in batched] == [
        (o.source_file, o.status, o.rows_loaded, o.rows_rejected, o.message) for o in one]
    assert any(o.rows_rejected for o in one)
    assert {o.status for o in batched} <= {"loaded", "unchanged", "failed"}


def test_a_file_that_cannot_be_written_fails_alone_in_its_batch(tmp_path):
    files = find_files(SAMPLE / "partners", partners.FILE_PATTERNS)[:4]
    bad = files[1]

    def write_batch(con, frames):
        for frame in frames:
            if (frame["_source_file"] == f"partners/{bad.name}").any():
                raise ValueError("trasig")
        return partners.write_batch(con, frames)

    with connect(tmp_path / "w.duckdb") as con:
        con.execute(partners.RAW_DDL)
        loader = FileLoader(con, data_dir=SAMPLE, source_kind=partners.SOURCE_KIND, write=partners.write,
                            write_batch=write_batch)
        outcomes = loader.add_all([(path, partners.parse) for path in files])
        loader.flush()
        assert [o.status for o in outcomes] == ["loaded", "failed", "loaded", "loaded"]
        assert "kunde inte sparas" in outcomes[1].message
        loaded = {f for (f,) in con.execute("select source_file from audit.loaded_files").fetchall()}
        assert loaded == {f"partners/{p.name}" for p in files if p != bad}
        stored = {f for (f,) in con.execute("select distinct _source_file from raw.partner_reports").fetchall()}
        assert stored == loaded
        failed = con.execute("select source_file, reason from audit.rejected_rows where source_row is null").fetchall()
        assert failed == [(f"partners/{bad.name}", outcomes[1].message)]


def test_unchanged_files_are_not_parsed_again(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE / "partners", data / "partners")
    files = find_files(data / "partners", partners.FILE_PATTERNS)
    with connect(tmp_path / "w.duckdb") as con:
        con.execute(partners.RAW_DDL)
        loader = FileLoader(con, data_dir=data, source_kind=partners.SOURCE_KIND, write=partners.write,
                            write_batch=partners.write_batch)
        loader.add_all([(path, partners.parse) for path in files])
        loader.flush()
        before = contents(con, "raw.partner_reports")

        def must_not_parse(path):
            raise AssertionError(f"{path} parsed again")

        again = FileLoader(con, data_dir=data, source_kind=partners.SOURCE_KIND, write=partners.write)
        outcomes = again.add_all([(path, must_not_parse) for path in files])
        again.flush()
        assert {o.status for o in outcomes} == {"unchanged"}
        assert contents(con, "raw.partner_reports") == before
    assert not readers._started  # nothing read ahead for them, nothing left behind


def test_read_ahead_gives_the_same_table_and_the_same_errors(tmp_path):
    good = SAMPLE / "partners" / "skolor_2024.csv"
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    not_text = tmp_path / "binar.csv"
    not_text.write_bytes(b"\x81\x8d\x8f\x90" * 100)
    missing = tmp_path / "saknas.csv"
    for path in (good, empty, not_text, missing):
        try:
            direct = readers.read_table(path)
        except readers.FileFormatError as exc:
            direct = exc.reason
        readers.prefetch([path])
        try:
            ahead = readers.read_table(path)
        except readers.FileFormatError as exc:
            ahead = exc.reason
        assert ahead == direct
        assert path not in readers._started
