"""The instance storage `make setup` configures (pipelines/instance_storage.py): Dagster's SQLite
storage with one engine per database file, the same files, so an existing DAGSTER_HOME keeps its
history."""

import sqlite3

import dagster as dg

from pipelines import instance_storage
from tests.conftest import DAGSTER_YAML, dagster_instance


@dg.op
def _noop():
    return 1


@dg.job
def _job():
    _noop()


def _instance(home, yaml: str | None = DAGSTER_YAML) -> dg.DagsterInstance:
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text(yaml or "telemetry:\n  enabled: false\n", encoding="utf-8")
    return dagster_instance(home)


def test_events_are_stored_and_read_with_one_engine_per_file(tmp_path):
    instance = _instance(tmp_path / "home")
    assert isinstance(instance.event_log_storage, instance_storage.EventLogStorage)
    assert isinstance(instance.run_storage, instance_storage.RunStorage)
    result = _job.execute_in_process(instance=instance)
    for n in range(5):
        instance.report_runless_asset_event(dg.AssetMaterialization("a", metadata={"n": n}))
    engines = len(instance.event_log_storage.engines)
    for n in range(5, 30):
        instance.report_runless_asset_event(dg.AssetMaterialization("a", metadata={"n": n}))
    assert len(instance.event_log_storage.engines) == engines <= 3  # the index, the run's shard
    assert instance.get_latest_materialization_event(dg.AssetKey("a")).asset_materialization.metadata["n"].value == 29
    assert instance.get_run_by_id(result.run_id).is_success
    assert any(e.is_step_success for e in instance.all_logs(result.run_id) if e.is_dagster_event
               for e in [e.dagster_event])


def test_each_file_is_written_as_the_module_says(tmp_path):
    """A run's own shard without fsync (OFF, 0) and no connection kept; the index NORMAL (1) with
    its connection kept open; the runs database SQLite's default (FULL, 2). All in WAL mode."""
    instance = _instance(tmp_path / "home")
    run_id = _job.execute_in_process(instance=instance).run_id
    storage = instance.event_log_storage

    def pragmas(engine) -> tuple:
        with engine.connect() as conn:
            return tuple(conn.exec_driver_sql(f"pragma {name}").scalar() for name in ("synchronous", "journal_mode"))

    shard, index = storage._engine(run_id), storage._engine("index")
    assert pragmas(shard) == (0, "wal") and shard.pool.status().startswith("NullPool")
    assert pragmas(index) == (1, "wal") and index.pool.checkedin() >= 1
    assert pragmas(instance.run_storage.engines.get(instance.run_storage._conn_string)) == (2, "wal")
    assert len(instance.all_logs(run_id)) > 3
    assert instance.get_run_by_id(run_id).is_success


def test_the_index_tables_are_looked_up_once(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home")
    storage = instance.event_log_storage
    assert storage.supports_asset_checks and storage.has_table("asset_event_tags")
    assert not storage.has_table("no_such_table")

    opened = []
    connect = sqlite3.dbapi2.connect
    monkeypatch.setattr(sqlite3.dbapi2, "connect", lambda *a, **kw: opened.append(a) or connect(*a, **kw))
    assert storage.supports_asset_checks and storage.has_table("asset_event_tags")
    assert opened == []  # answered without opening the index again
    with storage.index_connection() as conn:  # a table added later (a migration) is found
        conn.exec_driver_sql("create table no_such_table (id integer)")
    assert storage.has_table("no_such_table")


def test_a_home_written_by_dagsters_default_storage_keeps_its_runs(tmp_path):
    home = tmp_path / "home"
    before = _job.execute_in_process(instance=_instance(home, yaml=None)).run_id
    instance = _instance(home)
    assert instance.get_run_by_id(before).is_success
    assert len(instance.all_logs(before)) > 3
    assert _job.execute_in_process(instance=instance).success
    assert len(instance.get_runs()) == 2


def test_engines_beyond_the_limit_are_dropped(tmp_path, monkeypatch):
    monkeypatch.setattr(instance_storage, "MAX_ENGINES", 3)
    engines = instance_storage._Engines()
    urls = [f"sqlite:///{tmp_path}/{n}.db" for n in range(5)]
    for url in urls:
        engines.get(url)
    assert len(engines) == 3
    assert engines.get(urls[-1]) is engines.get(urls[-1])  # kept, not created again
