"""The instance storage `make setup` configures (pipelines/instance_storage.py): Dagster's SQLite
storage with one engine per database file, the same files, so an existing DAGSTER_HOME keeps its
history."""

import sqlite3
from pathlib import Path

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


@dg.asset
def _first():
    return 1


@dg.asset(deps=[_first])
def _second():
    return 2


@dg.asset_check(asset=_first)
def _first_is_there():
    return dg.AssetCheckResult(passed=True)


_DEFS = dg.Definitions(assets=[_first, _second], asset_checks=[_first_is_there],
                       jobs=[dg.define_asset_job("_assets", [_first, _second])])


def _planned_run(instance) -> tuple[list, tuple[int, int]]:
    """A new run of both assets and the check: its planned events (type, key) and the commits
    on the run's shard and on the index while it was created."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    commits, folder = [], Path(instance.event_log_storage._base_dir)

    def on_commit(conn):
        if Path(conn.engine.url.database).parent == folder:  # history/runs/: <run_id>.db, index.db
            commits.append(conn.engine.url.database)

    event.listen(Engine, "commit", on_commit)
    try:
        run = instance.create_run_for_job(_DEFS.resolve_job_def("_assets"))
    finally:
        event.remove(Engine, "commit", on_commit)
    planned = [(e.dagster_event.event_type_value, e.dagster_event.asset_key.to_string()
                if e.dagster_event.event_type_value.endswith("MATERIALIZATION_PLANNED")
                else e.dagster_event.asset_check_planned_data.check_name)
               for e in instance.all_logs(run.run_id)]
    index = sum(Path(c).name == "index.db" for c in commits)
    return planned, (len(commits) - index, index)


def test_a_new_runs_planned_events_are_one_transaction_per_file(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home")
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "0")  # Dagster's own way: each event by itself
    one_by_one, commits_one_by_one = _planned_run(instance)
    monkeypatch.setenv("DAGSTER_EVENT_BATCH_SIZE", "1000")
    batched, commits_batched = _planned_run(instance)
    assert len(batched) == 3 and sorted(batched) == sorted(one_by_one)
    # One commit each: the index's four (two planned materializations, the planned check and its
    # execution row) and the shard's three (beside the two that make its tables) are one.
    assert commits_one_by_one[1] == 4 and commits_batched[1] == 1
    assert commits_one_by_one[0] - commits_batched[0] == 3 - 1
    assert instance.get_latest_planned_materialization_info(dg.AssetKey("_second")) is not None


def test_a_batch_that_fails_leaves_nothing_and_is_stored_event_by_event(tmp_path, monkeypatch):
    instance = _instance(tmp_path / "home")
    storage = instance.event_log_storage
    calls = []
    store = type(storage).store_event

    def failing_once(self, entry):
        calls.append(entry)
        store(self, entry)  # written inside the batch's transactions, then rolled back
        if len(calls) == 2 and self._batch.connections is not None:
            raise RuntimeError("disk I/O error")

    monkeypatch.setattr(type(storage), "store_event", failing_once)
    planned, _ = _planned_run(instance)
    assert len(planned) == 3 and len(set(planned)) == 3  # each once: the batch's two are gone
    for key in ("_first", "_second"):  # in the index too, once
        records = instance.fetch_planned_materializations(dg.AssetKey(key), limit=10).records
        assert len(records) == 1
