"""Police events into raw.police_events: formats, rejections, idempotency."""

import gzip
import json
import shutil
from pathlib import Path

import pytest

from pipelines.ingest import police_events
from pipelines.ingest.common import load_file
from pipelines.warehouse import connect


def event(event_id, summary="Inbrott i villa.", **overrides):
    record = {
        "id": event_id,
        "datetime": "2025-06-01 9:05:00 +02:00",
        "name": "01 juni 08.30, Inbrott, Östhammar",
        "summary": summary,
        "url": f"/aktuellt/handelser/2025/juni/1/{event_id}/",
        "type": "Inbrott",
        "location": {"name": "Uppsala län", "gps": "60.25,18.36"},
    }
    record.update(overrides)
    return record


def load(con, path, data_dir):
    return load_file(
        con, path, data_dir=data_dir, source_kind="police_events",
        parse=police_events.parse, write=police_events.write,
    )


@pytest.fixture
def setup(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "police" / "events").mkdir(parents=True)
    return data_dir, tmp_path / "w.duckdb"


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_json_array_jsonl_and_gzip_all_load(setup):
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    (folder / "a.json").write_text(json.dumps([event(1), event(2)]), encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(json.dumps(event(i)) for i in (3, 4)) + "\n", encoding="utf-8")
    (folder / "c.jsonl.gz").write_bytes(gzip.compress(json.dumps(event(5)).encode()))
    with connect(warehouse) as con:
        outcomes = [load(con, folder / name, data_dir) for name in ("a.json", "b.jsonl", "c.jsonl.gz")]
        assert [o.status for o in outcomes] == ["loaded"] * 3
        assert rows(con, "select id, _source_file, _source_row from raw.police_events order by id") == [
            (1, "police/events/a.json", 1),
            (2, "police/events/a.json", 2),
            (3, "police/events/b.jsonl", 1),
            (4, "police/events/b.jsonl", 2),
            (5, "police/events/c.jsonl.gz", 1),
        ]
        assert rows(con, "select location_name, location_gps from raw.police_events where id = 1") == [
            ("Uppsala län", "60.25,18.36")
        ]


def test_same_file_twice_or_renamed_adds_nothing(setup):
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    original = folder / "events.json"
    original.write_text(json.dumps([event(1), event(2)]), encoding="utf-8")
    shutil.copy(original, folder / "events (kopia).json")
    with connect(warehouse) as con:
        first = load(con, original, data_dir)
        again = load(con, original, data_dir)
        renamed = load(con, folder / "events (kopia).json", data_dir)
        assert (first.status, again.status, renamed.status) == ("loaded", "unchanged", "unchanged")
        assert renamed.message == "samma innehåll som police/events/events.json"
        assert rows(con, "select count(*) from raw.police_events") == [(2,)]
        assert rows(con, "select count(*) from audit.loaded_files") == [(1,)]


def test_every_version_is_kept_whatever_the_load_order(setup):
    """An edited event is a new version: raw keeps both (dbt picks the newest datetime),
    also when the newer version's file is loaded first."""
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    (folder / "1.json").write_text(
        json.dumps([event(2, summary="Uppdaterad text.", datetime="2025-06-01 11:00:00 +02:00"), event(3)]),
        encoding="utf-8",
    )
    (folder / "2.json").write_text(json.dumps([event(1), event(2, summary="Gammal text.")]), encoding="utf-8")
    with connect(warehouse) as con:
        first, second = load(con, folder / "1.json", data_dir), load(con, folder / "2.json", data_dir)
        assert (first.rows_loaded, second.rows_loaded) == (2, 2)
        assert rows(con, "select id, datetime, summary, _source_file from raw.police_events order by id, datetime") == [
            (1, "2025-06-01 9:05:00 +02:00", "Inbrott i villa.", "police/events/2.json"),
            (2, "2025-06-01 11:00:00 +02:00", "Uppdaterad text.", "police/events/1.json"),
            (2, "2025-06-01 9:05:00 +02:00", "Gammal text.", "police/events/2.json"),
            (3, "2025-06-01 9:05:00 +02:00", "Inbrott i villa.", "police/events/1.json"),
        ]


def test_a_version_loaded_again_from_another_payload_adds_nothing(setup):
    """The API repeats an event in every payload for days: the same (id, datetime, content)
    from another file, or twice in one file, is one row; any change of content is a version."""
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    (folder / "1.json").write_text(json.dumps([event(1), event(2), event(2)]), encoding="utf-8")
    # different bytes (JSON lines, other order), same versions; plus event 1 with a new type
    # at the same datetime, and event 4 without location
    (folder / "2.jsonl").write_text(
        "\n".join(json.dumps(e) for e in [event(2), event(1), event(1, type="Stöld"), event(4, location=None)]),
        encoding="utf-8",
    )
    (folder / "3.json").write_text(json.dumps([event(4, location=None), event(1)], indent=2), encoding="utf-8")
    with connect(warehouse) as con:
        outcomes = [load(con, folder / name, data_dir) for name in ("1.json", "2.jsonl", "3.json")]
        assert [(o.status, o.rows_loaded) for o in outcomes] == [("loaded", 2), ("loaded", 2), ("loaded", 0)]
        assert rows(con, "select id, type, _source_file, _source_row from raw.police_events order by id, type") == [
            (1, "Inbrott", "police/events/1.json", 1),
            (1, "Stöld", "police/events/2.jsonl", 3),
            (2, "Inbrott", "police/events/1.json", 3),  # the later of two identical rows
            (4, "Inbrott", "police/events/2.jsonl", 4),
        ]
        assert rows(con, "select rows_loaded from audit.loaded_files order by source_file") == [(2,), (2,), (0,)]


def test_unreadable_records_are_rejected_with_swedish_reasons_and_valid_ones_load(setup):
    data_dir, warehouse = setup
    path = data_dir / "police" / "events" / "mixed.jsonl"
    lines = [
        json.dumps(event(1)),
        "{not json",
        json.dumps(event(None)),
        json.dumps(event(4, datetime="igår")),
        json.dumps(event(5, name="Inbrott, Östhammar")),
        json.dumps(event(6, type="")),
        json.dumps([1, 2]),
        "",
        json.dumps(event(9)),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    with connect(warehouse) as con:
        outcome = load(con, path, data_dir)
        assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 6)
        assert rows(con, "select id from raw.police_events order by id") == [(1,), (9,)]
        rejected = rows(con, "select source_row, reason from audit.rejected_rows order by source_row")
        assert rejected == [
            (2, "Raden är inte giltig JSON."),
            (3, "Händelsen saknar id, eller id är inte ett heltal."),
            (4, "Händelsens tidpunkt (datetime) går inte att läsa: 'igår'."),
            (5, "Händelsens rubrik (name) saknar datum och klockslag: 'Inbrott, Östhammar'."),
            (6, "Händelsetyp (type) saknas."),
            (7, "Raden är inte en händelse (inget JSON-objekt)."),
        ]
        assert rows(con, "select rows_loaded, rows_rejected from audit.loaded_files") == [(2, 6)]


def test_bad_file_is_named_and_the_others_still_load(setup):
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    (folder / "broken.jsonl.gz").write_bytes(b"this is not gzip")
    (folder / "truncated.json").write_text('[{"id": 1, "datetime": "2025-', encoding="utf-8")
    (folder / "empty.json").write_text("", encoding="utf-8")
    (folder / "good.json").write_text(json.dumps([event(7)]), encoding="utf-8")
    with connect(warehouse) as con:
        outcomes = {p.name: load(con, p, data_dir) for p in sorted(folder.iterdir())}
        assert outcomes["good.json"].status == "loaded"
        assert {n: o.status for n, o in outcomes.items() if n != "good.json"} == {
            "broken.jsonl.gz": "failed", "truncated.json": "failed", "empty.json": "failed",
        }
        assert rows(con, "select id from raw.police_events") == [(7,)]
        reasons = dict(rows(con, "select source_file, reason from audit.rejected_rows where source_row is null"))
        assert reasons["police/events/empty.json"] == "Filen är tom."
        assert reasons["police/events/broken.jsonl.gz"].startswith("Filen är inte en giltig gzip-fil")
        assert reasons["police/events/truncated.json"].startswith("Filen är inte giltig JSON")
        # A failed file is tried again next time, without repeating its rejection.
        load(con, folder / "empty.json", data_dir)
        assert rows(con, "select count(*) from audit.rejected_rows where source_file like '%empty.json'") == [(1,)]


def test_real_sample_file_loads_completely(setup):
    data_dir, warehouse = setup
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "police" / "events" / "events_uppsala_lan.json"
    expected = len(json.loads(sample.read_text(encoding="utf-8")))
    with connect(warehouse) as con:
        outcome = load(con, sample, sample.parents[2])
        assert (outcome.rows_loaded, outcome.rows_rejected) == (expected, 0)
        assert rows(con, "select count(distinct id) from raw.police_events") == [(expected,)]


def test_summaries_lose_names_and_free_text_off_drops_them(setup, monkeypatch):
    data_dir, warehouse = setup
    folder = data_dir / "police" / "events"
    bad = event(3, summary="Anna Svensson hotades")
    del bad["type"]  # rejected: the raw record is kept (redacted; without the summary when off)
    (folder / "a.json").write_text(json.dumps([event(1, summary="Polisen söker Kalle Nilsson, 17 år."), bad],
                                              ensure_ascii=False), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps([event(2, summary="Bil ABC 123 stals."), bad], ensure_ascii=False),
                                   encoding="utf-8")
    with connect(warehouse) as con:
        load(con, folder / "a.json", data_dir)
        monkeypatch.setenv("LAGESBILD_FREE_TEXT", "off")
        load(con, folder / "b.json", data_dir)
        summaries = rows(con, "select id, summary from raw.police_events order by id")
        records = [r[0] for r in rows(con, "select raw_record from audit.rejected_rows order by source_file")]
    assert summaries == [(1, "Polisen söker [namn], 17 år."), (2, None)]
    assert "[namn] hotades" in records[0] and "summary" not in records[1] and "Anna" not in records[1]
