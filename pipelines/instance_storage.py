"""Dagster's SQLite instance storage (`DAGSTER_HOME`) with one SQLAlchemy engine per database file.

Dagster's own SQLite storages create a new SQLAlchemy engine for every statement they run
(`create_engine` with a `NullPool`, then `dispose`): about five per event, and a dbt build
yields one event per model and two per dbt test. Creating the engine (dialect, URL, pool) is most
of that work; the SQLite connection itself is cheap. These subclasses keep one engine per file,
with a `NullPool` for the runs database and the run shards, so no connection to them stays open
between statements and every other behaviour (locking, the run-log watcher, deleting a run's
file) is as before. Measured on a new partner file's dbt step (25 models, 138 tests): README,
"Where a new file's run still goes".

`DAGSTER_HOME/dagster.yaml` (`make setup` copies `pipelines/dagster_instance.yaml`) names
`SqliteStorage` under `storage: custom:`, with the same folder layout as Dagster's default, so an
existing `DAGSTER_HOME` keeps its history.

Writing to disk, per file (README, "A run's own event log without fsync"):
- A run's own event log (its shard, `<run_id>.db`): no fsync (`PRAGMA synchronous=OFF`). Under a
  `NullPool` every statement's connection is the file's last, so closing it checkpoints the WAL
  into the file, which the UI's run-log watcher waits for; with SQLite's default that was two
  fsyncs per statement. Only an operating-system crash during the run can damage that run's log.
- The index (asset events, check results): one connection kept open per engine (a `QueuePool`),
  `synchronous=NORMAL`. The WAL is then neither synced on commit nor checkpointed on every close;
  a power cut may lose its last events but leaves it consistent. No watcher reads it.
- The runs database: SQLite's defaults, as Dagster has it.
- A batch of events (a new run's planned events, one per asset and check it will run; a
  partitioned step's materializations) in one transaction per file instead of one connection
  and commit per statement: `DAGSTER_EVENT_BATCH_SIZE` makes Dagster hand them over together.
A killed process leaves every file whole whatever the setting (SQLite's guarantee); the worker
processes of a run are spawned, not forked, so no open connection crosses a fork.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from contextlib import ExitStack, contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from sqlalchemy import event
from sqlalchemy.pool import NullPool

# Engines kept at once: a webserver reads many runs' files; one per file it touched recently.
MAX_ENGINES = 64
# Dagster batches the events it marks as a batch only when this is set (read at every event, in
# every process with this storage: `make run`, the runs, the daemon, the webserver); at most this
# many events a transaction.
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", "1000")


def _synchronous(setting: str):
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA synchronous={setting}")
    return on_connect


class _Engines:
    """conn string -> engine, the least recently used dropped beyond MAX_ENGINES."""

    def __init__(self, timeout: float | None = None):
        self._engines: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._connect_args = {"timeout": timeout} if timeout is not None else {}

    def get(self, conn_string: str, synchronous: str | None = None, kept_open: bool = False):
        """The file's engine; a new one with `PRAGMA synchronous=<synchronous>` on its connections
        (None: SQLite's default), and SQLAlchemy's pool when `kept_open`, else a `NullPool`."""
        with self._lock:
            engine = self._engines.pop(conn_string, None)
            if engine is None:
                pool = {} if kept_open else {"poolclass": NullPool}
                engine = create_engine(conn_string, connect_args=self._connect_args, **pool)
                if synchronous:
                    event.listen(engine, "connect", _synchronous(synchronous))
            self._engines[conn_string] = engine
            while len(self._engines) > MAX_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    def __len__(self) -> int:
        return len(self._engines)


class EventLogStorage(SqliteEventLogStorage):
    """One engine per shard (a run's file, the index) instead of one per statement, written as
    the module says; the index's tables looked up once."""

    def __init__(self, base_dir: str, inst_data=None):
        self.engines = _Engines(SQLITE_BUSY_TIMEOUT_SECONDS)
        self._tables: set[str] = set()
        self._batch = threading.local()  # the shards' connections of the batch this thread stores
        super().__init__(base_dir, inst_data)

    def store_event_batch(self, events) -> None:
        """Each event as `store_event` stores it, all in one transaction per file (the runs' shards,
        the index), committed together. An error rolls the batch back and Dagster then stores its
        events one by one."""
        with self._db_lock, ExitStack() as stack:  # other threads wait, as for any statement
            self._batch.connections, self._batch.stack = {}, stack
            try:
                for entry in events:
                    self.store_event(entry)
            finally:
                self._batch.connections = None

    def has_table(self, table_name: str) -> bool:
        """Dagster asks this for every asset event and twice for every asset check result, each
        time with a new engine and connection. A table, once there, stays: migrations only add
        tables, and `wipe` makes them again."""
        if table_name not in self._tables:
            engine = self._engine(INDEX_SHARD_NAME)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables.add(table_name)
        return table_name in self._tables

    def _engine(self, shard: str):
        if shard == INDEX_SHARD_NAME:
            return self.engines.get(self.conn_string_for_shard(shard), synchronous="NORMAL", kept_open=True)
        return self.engines.get(self.conn_string_for_shard(shard), synchronous="OFF")

    def _initialized(self, shard: str):
        engine = self._engine(shard)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str):
        batch = getattr(self._batch, "connections", None)
        if batch is not None:  # inside store_event_batch, which holds the lock: the batch's connection
            if shard not in batch:
                batch[shard] = self._batch.stack.enter_context(self._initialized(shard).connect())
                self._batch.stack.enter_context(batch[shard].begin())
            yield batch[shard]
            return
        with self._db_lock:
            with self._initialized(shard).connect() as conn, conn.begin():
                yield conn


class RunStorage(SqliteRunStorage):
    """One engine for the runs database instead of one per statement."""

    def __init__(self, conn_string: str, inst_data=None):
        self.engines = _Engines()
        super().__init__(conn_string, inst_data)

    @contextmanager
    def connect(self):
        with self.engines.get(self._conn_string).connect() as conn, conn.begin():
            yield conn


class SqliteStorage(DagsterSqliteStorage):
    """Dagster's default storage (`storage: sqlite: base_dir`), with the two storages above."""

    def __init__(self, base_dir: str, inst_data=None):  # DagsterSqliteStorage's, with our classes
        self.base_dir = base_dir
        self._run_storage = RunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = EventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)
