"""A police events file of many chunks (issue 16, load): staged chunk by chunk and written in one
transaction, with the same rows, rejections and audit entry as the file read whole, or nothing."""

import gzip
import json

import pytest

from pipelines.ingest import police_events
from pipelines.ingest.common import STAGING_SCHEMA, load_file
from pipelines.warehouse import connect
from tests.unit.test_ingest_police_events import event


def load(con, path, data_dir):
    return load_file(con, path, data_dir=data_dir, source_kind="police_events",
                     parse=police_events.parse, write=police_events.write)


def records():
    """Eleven records over four chunks of three: a version repeated across chunks (kept from its
    last row), a bad record and a bad line in different chunks, a name to redact."""
    bad = event(5, summary="Anna Svensson hotades")
    del bad["type"]
    good = [event(i) for i in range(1, 5)] + [event(6, summary="Polisen söker Kalle Nilsson, 17 år.")]
    return [*good[:2], bad, *good[2:], event(1), event(7), event(8), "inte ett objekt", event(9)]


def everything(con):
    return {
        "raw": con.execute("select * exclude (_loaded_at) from raw.police_events order by id, _source_row").fetchall(),
        "rejected": con.execute("select source_file, source_row, reason, raw_record, kommun_code "
                                "from audit.rejected_rows order by source_row").fetchall(),
        "loaded": con.execute("select source_file, file_sha256, rows_loaded, rows_rejected "
                              "from audit.loaded_files").fetchall(),
        "staging": con.execute("select count(*) from duckdb_tables() where schema_name = ?",
                               [STAGING_SCHEMA]).fetchall()[0][0],
    }


@pytest.mark.parametrize("name", ["events.json", "events.jsonl.gz"])
def test_a_file_of_many_chunks_loads_as_if_read_whole(tmp_path, monkeypatch, name):
    data_dir = tmp_path / "data"
    folder = data_dir / "police" / "events"
    folder.mkdir(parents=True)
    path = folder / name
    if name.endswith(".json"):
        path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")
    else:
        lines = [json.dumps(r, ensure_ascii=False) for r in records()]
        lines.insert(4, '{"id": 10, "datetime": ')  # a line that is not JSON, in the second chunk
        path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))

    results = {}
    for chunk_rows in (3, 1000):  # streamed (four chunks), then read whole (one chunk)
        monkeypatch.setattr(police_events, "CHUNK_ROWS", chunk_rows)
        with connect(tmp_path / f"w{chunk_rows}.duckdb") as con:
            outcome = load(con, path, data_dir)
            assert outcome.status == "loaded"
            results[chunk_rows] = everything(con)
            assert load(con, path, data_dir).status == "unchanged"  # by its sha256, streamed or not
            assert everything(con) == results[chunk_rows]
    assert results[3] == results[1000]
    streamed = results[3]
    assert streamed["staging"] == 0
    ids = [(row[0], row[9]) for row in streamed["raw"]]  # (id, _source_row)
    assert (1, 1) not in ids and (1, 7 if name.endswith(".json") else 8) in ids  # the later row of the version
    assert streamed["loaded"][0][2:] == (len(streamed["raw"]), len(streamed["rejected"]))
    assert len(streamed["rejected"]) == (2 if name.endswith(".json") else 3)
    text = json.dumps(streamed, default=str, ensure_ascii=False)
    assert "Anna" not in text and "Kalle" not in text  # redacted in rows and rejections alike


def test_a_file_broken_after_many_chunks_adds_nothing_and_the_next_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(police_events, "CHUNK_ROWS", 3)
    data_dir = tmp_path / "data"
    folder = data_dir / "police" / "events"
    folder.mkdir(parents=True)
    whole = json.dumps([event(i) for i in range(1, 12)])
    (folder / "a_truncated.json").write_text(whole[: len(whole) - 40], encoding="utf-8")
    (folder / "b_truncated.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(event(i)) for i in range(20, 40)).encode())[:-30])
    (folder / "c_good.jsonl").write_text("\n".join(json.dumps(event(i)) for i in range(50, 60)), encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        outcomes = {p.name: load(con, p, data_dir) for p in sorted(folder.iterdir())}
        assert {n: o.status for n, o in outcomes.items()} == {
            "a_truncated.json": "failed", "b_truncated.jsonl.gz": "failed", "c_good.jsonl": "loaded"}
        state = everything(con)
    assert sorted({row[0] for row in state["raw"]}) == list(range(50, 60))
    assert [row[0] for row in state["loaded"]] == ["police/events/c_good.jsonl"]
    reasons = {row[0]: row[2] for row in state["rejected"] if row[1] is None}
    assert reasons["police/events/a_truncated.json"].startswith("Filen är inte giltig JSON (efter post ")
    assert reasons["police/events/b_truncated.jsonl.gz"].startswith("Filen är inte en giltig gzip-fil")
    assert state["staging"] == 0


def test_what_a_killed_load_staged_is_dropped_by_the_next(tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "police" / "events"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps([event(1)]), encoding="utf-8")
    with connect(tmp_path / "w.duckdb") as con:
        con.execute(f"create schema {STAGING_SCHEMA}")
        con.execute(f"create table {STAGING_SCHEMA}.rows_left_by_kill_9 as select 1 as id")
        assert load(con, folder / "a.json", data_dir).status == "loaded"
        assert everything(con)["staging"] == 0
