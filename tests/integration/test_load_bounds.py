"""Load within a stated memory bound (issue 16, README "Ops: a bad day"), at reduced size: a
data dir of 2 000 partner files and a 150 MB police events file (the real national events
repeated with new ids), loaded by the real ingest steps in a process of their own, whose peak
RSS must stay under the bound stated for any size. Before streaming, a 100 MB events file alone
took some 1.2 GB (7 MB per MB of file; 150 MB some 1.5 GB). Not a timed test: time is in the benchmark
(tests/benchmarks/bad_day_load.py)."""

import duckdb

from tests.load_files import ingest_in_subprocess, load_data_dir

# README, "Ops: a bad day": the load steps' peak RSS, whatever the size of the events file.
PEAK_RSS_BOUND_MB = 1200
# Big enough that reading the file whole (7 MB of memory per MB of file) would pass the bound.
EVENTS_MB = 150
PARTNER_FILES = 2000


def test_2000_partner_files_and_a_150_mb_events_file_load_within_the_bound(tmp_path):
    folder = load_data_dir(tmp_path / "data", partners=PARTNER_FILES, events_mb=EVENTS_MB)
    events = folder / "police" / "events" / "events.jsonl"
    lines = sum(1 for _ in events.open("rb"))
    warehouse = tmp_path / "warehouse.duckdb"

    # The load steps (the raw quality check reads raw whole into pandas: README, left open).
    _, peak_mb = ingest_in_subprocess(folder, warehouse, tmp_path / "output", checks=False)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = dict(con.execute("select source_kind, count(*) from audit.loaded_files group by all").fetchall())
        events_loaded = con.execute("select rows_loaded, rows_rejected from audit.loaded_files "
                                    "where source_kind = 'police_events'").fetchall()
        raw_events = con.execute("select count(*) from raw.police_events").fetchall()[0][0]
        staging = con.execute("select count(*) from duckdb_tables() where schema_name = '_loading'").fetchall()[0][0]
    assert loaded == {"partner_reports": PARTNER_FILES, "police_events": 1}
    assert events_loaded == [(lines, 0)] and raw_events == lines  # every event, each a distinct one
    assert staging == 0
    print(f"peak RSS {peak_mb:.0f} MB for {PARTNER_FILES} partner files and {EVENTS_MB} MB of events")
    assert peak_mb < PEAK_RSS_BOUND_MB
