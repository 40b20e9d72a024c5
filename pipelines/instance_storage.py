"""Dagster's SQLite instance storage (`DAGSTER_HOME`) with one SQLAlchemy engine per database file.

Dagster's own SQLite storages create a new SQLAlchemy engine for every statement they run
(`create_engine` with a `NullPool`, then `dispose`): about five per event, and a dbt build
yields one event per model and two per dbt test. Creating the engine (dialect, URL, pool) is most
of that work; the SQLite connection itself is cheap. These subclasses keep one engine per file,
still with a `NullPool`, so no connection stays open between statements and every other
behaviour (locking, the run-log watcher, deleting a run's file) is as before. Measured on a new
partner file's dbt step (25 models, 138 tests): README, "Where a new file's run still goes".

`DAGSTER_HOME/dagster.yaml` (`make setup` copies `pipelines/dagster_instance.yaml`) names
`SqliteStorage` under `storage: custom:`, with the same folder layout as Dagster's default, so an
existing `DAGSTER_HOME` keeps its history.

A run's own event log (its shard, `<run_id>.db`) is written without fsync (`PRAGMA
synchronous=OFF`). With a `NullPool` every statement's connection is the file's last, so closing
it checkpoints the WAL into the file: two fsyncs per statement, about half of a dbt step's event
handling. A killed process still leaves every file whole (SQLite's guarantee); only an operating
system crash during the run can damage that run's log, never the index, the runs database or the
warehouse. README, "Where a new file's run still goes".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager

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


def _without_fsync(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


class _Engines:
    """conn string -> engine, the least recently used dropped beyond MAX_ENGINES."""

    def __init__(self, timeout: float | None = None):
        self._engines: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._connect_args = {"timeout": timeout} if timeout is not None else {}

    def get(self, conn_string: str, fsync: bool = True):
        with self._lock:
            engine = self._engines.pop(conn_string, None)
            if engine is None:
                engine = create_engine(conn_string, poolclass=NullPool, connect_args=self._connect_args)
                if not fsync:
                    event.listen(engine, "connect", _without_fsync)
            self._engines[conn_string] = engine
            while len(self._engines) > MAX_ENGINES:
                self._engines.popitem(last=False)[1].dispose()
            return engine

    def __len__(self) -> int:
        return len(self._engines)


class EventLogStorage(SqliteEventLogStorage):
    """One engine per shard (a run's file, the index) instead of one per statement; a run's
    file without fsync."""

    def __init__(self, base_dir: str, inst_data=None):
        self.engines = _Engines(SQLITE_BUSY_TIMEOUT_SECONDS)
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self.engines.get(self.conn_string_for_shard(shard), fsync=shard == INDEX_SHARD_NAME)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
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
