"""The durable record of every connector call, in the warehouse (audit.connector_*).

The sources' limits (spacing, calls an hour and a day) hold across processes and restarts
because every process checks them against this record before a call and reserves its call
in the same write transaction: DuckDB lets one process write at a time, so two processes
cannot both take the last call of an hour. A reserved call is a row with no status yet;
the status and the bytes are filled in when the answer has come (or the error).
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..warehouse import connect

DDL = """
create schema if not exists audit;
create table if not exists audit.connector_calls (
    call_id   varchar not null,
    source    varchar not null,   -- polisen, scb, kolada
    url       varchar not null,
    called_at timestamp not null, -- UTC, when the call was reserved (just before it was made)
    status    integer,            -- HTTP status; null while under way or when no answer came
    bytes     bigint,             -- size of the body received
    error     varchar,            -- why no usable answer came (timeout, unreachable, ...)
    pid       integer             -- the process that made the call
);
create table if not exists audit.connector_gaps (
    source       varchar not null,
    detected_at  timestamp not null,  -- UTC
    newest_before timestamp not null, -- newest event seen before this fetch (UTC)
    oldest_now   timestamp not null,  -- oldest event of the new payload (UTC)
    source_file  varchar              -- the payload file that showed the gap
);
-- Which payload files the police connector has indexed, and every event version they hold:
-- a new payload is written only when it holds a version not seen before. Rebuilt from the
-- files when the warehouse is new (the files are the truth, this is an index).
create table if not exists audit.connector_files (
    source      varchar not null,
    source_file varchar not null,   -- relative to the data dir
    written_at  timestamp not null
);
create table if not exists audit.connector_police_versions (
    event_id     bigint not null,
    version      varchar not null,  -- sha256 of the event's JSON (any change of type, place, text)
    published_at timestamp,         -- the event's `datetime`, UTC
    source_file  varchar not null
);
"""


def utc_naive(moment: datetime) -> datetime:
    """Timestamps are stored as naive UTC."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


class CallRecord:
    """audit.connector_calls of one warehouse."""

    def __init__(self, warehouse: Path):
        self.warehouse = warehouse

    @contextmanager
    def connect(self):
        with connect(self.warehouse) as con:
            con.execute(DDL)
            yield con

    def recent_calls(self, con, source: str, since: datetime) -> list[datetime]:
        rows = con.execute(
            "select called_at from audit.connector_calls where source = ? and called_at > ? order by called_at",
            [source, utc_naive(since)],
        ).fetchall()
        return [row[0] for row in rows]

    def last_call(self, con, source: str) -> datetime | None:
        return con.execute("select max(called_at) from audit.connector_calls where source = ?", [source]).fetchall()[0][0]

    def reserve(self, con, source: str, url: str, now: datetime) -> str:
        call_id = uuid.uuid4().hex
        con.execute(
            "insert into audit.connector_calls (call_id, source, url, called_at, pid) values (?, ?, ?, ?, ?)",
            [call_id, source, url, utc_naive(now), os.getpid()],
        )
        return call_id

    def finish(self, call_id: str, status: int | None, size: int, error: str | None = None) -> None:
        with self.connect() as con:
            con.execute(
                "update audit.connector_calls set status = ?, bytes = ?, error = ? where call_id = ?",
                [status, size, error, call_id],
            )

    def last_success(self, source: str) -> datetime | None:
        """When `source` last answered a call with a usable answer (2xx), UTC; None if never."""
        with self.connect() as con:
            return con.execute(
                "select max(called_at) from audit.connector_calls where source = ? and status between 200 and 299",
                [source],
            ).fetchall()[0][0]

    def totals(self, source: str, since: datetime) -> tuple[int, int]:
        """Calls and bytes of `source` since `since` (for the asset's metadata)."""
        with self.connect() as con:
            calls, size = con.execute(
                "select count(*), coalesce(sum(bytes), 0) from audit.connector_calls where source = ? and called_at >= ?",
                [source, utc_naive(since)],
            ).fetchall()[0]
        return int(calls), int(size)


def window_start(now: datetime, seconds: float) -> datetime:
    return utc_naive(now) - timedelta(seconds=seconds)
