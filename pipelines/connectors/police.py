"""The Swedish Police events API (`/api/events`: the latest 500 events nationwide, about ten
days): one fetch serves every municipality of the data dir, and the payload is written as
received to police/events/api/<UTC time>.json only when it holds an event version (id and
content) that no earlier payload held. DATA-CONTRACT §2.4, §7."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..settings import POLICE_API_SUBDIR, SOURCE_DIRS
from ..warehouse import registered
from . import files
from .http import Clock, Limits, Malformed, PoliteClient
from .outcome import Outcome
from .record import CallRecord, utc_naive

SOURCE = "polisen"
PATH = "/api/events"
API_FOLDER = f"{SOURCE_DIRS['police_events']}/{POLICE_API_SUBDIR}"
# The police's own rules: at least 10 s between calls, at most 60 an hour and 1 440 a day.
LIMITS = Limits(min_interval=10.0, caps=((3600.0, 60), (86400.0, 1440)))


def api_dir(data_dir: Path) -> Path:
    """Where the payloads go: the data dir's police/events/api/ (for a region its root, which
    every municipality shares)."""
    return data_dir / API_FOLDER


def published_at(event: dict) -> datetime | None:
    """The event's `datetime` ("2026-06-20 8:38:52 +02:00", single-digit hours occur), UTC."""
    try:
        return utc_naive(datetime.strptime(str(event["datetime"]).strip(), "%Y-%m-%d %H:%M:%S %z"))
    except (KeyError, ValueError):
        return None


def version(event: dict) -> str:
    return files.sha256(json.dumps(event, sort_keys=True, ensure_ascii=False).encode())


def parse_payload(content: bytes) -> list[dict]:
    try:
        events = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"{SOURCE}: svaret är inte JSON ({exc}). / the answer is not JSON.") from exc
    if not isinstance(events, list) or not all(isinstance(e, dict) and "id" in e for e in events):
        raise Malformed(f"{SOURCE}: svaret är ingen lista av händelser med id. / not a list of events with ids.")
    return events


def _versions(events: list[dict]) -> list[tuple[int, str, datetime | None]]:
    rows = []
    for event in events:
        try:
            rows.append((int(event["id"]), version(event), published_at(event)))
        except (TypeError, ValueError):
            continue  # an id that is no number: the loader rejects it with a reason
    return rows


def _index(con, data_dir: Path) -> None:
    """Bring the index of event versions up to date with the payload files on disk (all of
    them when the warehouse is new, else the ones someone copied in)."""
    folder = api_dir(data_dir)
    if not folder.is_dir():
        return
    known = {row[0] for row in con.execute(
        "select source_file from audit.connector_files where source = ?", [SOURCE]).fetchall()}
    for path in sorted(folder.glob("*.json")):
        name = path.relative_to(data_dir).as_posix()
        if name in known:
            continue
        try:
            rows = _versions(parse_payload(path.read_bytes()))
        except (OSError, Malformed):
            rows = []
        _remember(con, name, rows, datetime.now(timezone.utc))


def _remember(con, name: str, rows, now: datetime) -> None:
    if rows:  # one insert of a frame: DuckDB's executemany goes row by row
        frame = pd.DataFrame(rows, columns=["event_id", "version", "published_at"]).assign(source_file=name)
        frame["published_at"] = pd.to_datetime(frame["published_at"])
        with registered(con, "_versions", frame):
            con.execute("insert into audit.connector_police_versions by name select * from _versions")
    con.execute("insert into audit.connector_files values (?, ?, ?)", [SOURCE, name, utc_naive(now)])


def fetch(data_dir: Path, base_url: str, client: PoliteClient, record: CallRecord, clock: Clock,
          log: logging.Logger | None = None) -> Outcome:
    log = log or logging.getLogger(__name__)
    now = clock.now()
    outcome = Outcome(SOURCE, now)
    try:
        response = client.get(base_url + PATH)
    finally:
        outcome.calls, outcome.bytes = client.calls, client.bytes
    events = parse_payload(response.content)
    rows = _versions(events)
    times = [when for _, _, when in rows if when is not None]
    if times:
        outcome.newest_data = max(times).isoformat(sep=" ") + " UTC"
        outcome.data_age_hours = (utc_naive(now) - max(times)).total_seconds() / 3600
    with record.connect() as con:
        _index(con, data_dir)
        seen = con.execute("select distinct event_id, version from audit.connector_police_versions").fetchall()
        newest_before = con.execute("select max(published_at) from audit.connector_police_versions").fetchall()[0][0]
        seen = set(seen)
        new = [row for row in rows if (row[0], row[1]) not in seen]
        if not new:
            log.info(f"{SOURCE}: {len(events)} händelser, inga nya eller ändrade; ingen fil skriven")
            return outcome
        # named by the time the answer came (after any waiting for the source's limits)
        path = files.write_payload(api_dir(data_dir), f"{files.stamp(clock.now())}.json", response.content)
        name = path.relative_to(data_dir).as_posix()
        _remember(con, name, rows, now)
        outcome.files.append(path)
        log.info(f"{SOURCE}: {len(new)} nya eller ändrade av {len(events)} händelser -> {name}")
        if times and newest_before is not None and min(times) > newest_before:
            gap = (newest_before, min(times))
            outcome.gaps.append(gap)
            con.execute("insert into audit.connector_gaps values (?, ?, ?, ?, ?)",
                        [SOURCE, utc_naive(now), gap[0], gap[1], name])
            message = (
                f"{SOURCE}: möjlig lucka: händelser publicerade mellan {gap[0]:%Y-%m-%d %H:%M} och "
                f"{gap[1]:%Y-%m-%d %H:%M} UTC kan saknas (äldsta i svaret är nyare än den senaste vi sett). / "
                "possible gap: events in that span may be missing."
            )
            outcome.warnings.append(message)
            log.warning(message)
    return outcome


