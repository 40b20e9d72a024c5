"""actions.yaml -> raw.actions, raw.action_updates (DATA-CONTRACT §2.7).

The action plan is a living document: the file as it is now is the truth, so both
tables are replaced together when its content changes, and emptied when it is
removed. The same bytes again change nothing (not even `_loaded_at`). Validation
lives in pipelines.config.load_actions; notes are free text and are redacted before
they are stored, or stored as null with LAGESBILD_FREE_TEXT=off (DATA-CONTRACT §5), and
no stored text starts a spreadsheet formula. `_source_row` is the line in the file where the action or the update starts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from ..config import Action, entry_lines
from .common import file_sha256, relative_source_file  # _source_file as every loader writes it
from .redact import free_text, neutralise_formula

DDL = """
create table if not exists raw.actions (
    action_id varchar not null, title varchar not null, owner varchar not null, pledge_id varchar,
    category_text varchar not null, area_ids varchar[] not null, start_date date not null, end_date date,
    target_measure varchar, target_count integer, sort_order integer not null,
    _source_file varchar not null, _source_row integer not null, _file_sha256 varchar not null,
    _loaded_at timestamp not null
);
create table if not exists raw.action_updates (
    action_id varchar not null, update_no integer not null, update_date date not null, status varchar not null,
    done integer, note varchar,
    _source_file varchar not null, _source_row integer not null, _file_sha256 varchar not null,
    _loaded_at timestamp not null
);
"""


def loaded_sha(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("select distinct _file_sha256 from raw.actions").fetchall()
    return rows[0][0] if len(rows) == 1 else None


def write_actions(con: duckdb.DuckDBPyConnection, path: Path, data_dir: Path, actions: list[Action]) -> dict:
    """Replace raw.actions and raw.action_updates with the validated `actions` of `path`
    (absent file: both emptied); nothing is written when the same bytes are loaded already."""
    con.execute("create schema if not exists raw")
    con.execute(DDL)
    present = path.is_file()
    sha = file_sha256(path) if present else None
    if present and actions and loaded_sha(con) == sha:
        return {"actions": len(actions), "updates": sum(len(a.updates) for a in actions), "changed": False}
    source_file, now = relative_source_file(path, data_dir), datetime.now().replace(microsecond=0)
    lines = entry_lines(path, "updates") if present else []
    action_rows, update_rows = [], []
    for order, (action, (line, update_lines)) in enumerate(zip(actions, lines), start=1):
        action_rows.append((
            action.id, neutralise_formula(action.title), neutralise_formula(action.owner), action.pledge,
            action.category, list(action.areas), action.start, action.end,
            neutralise_formula(action.target.measure) if action.target else None,
            action.target.count if action.target else None, order, source_file, line, sha, now,
        ))
        for number, (update, update_line) in enumerate(zip(action.updates, update_lines), start=1):
            update_rows.append((action.id, number, update.date, update.status, update.done, neutralise_formula(free_text(update.note)),
                                source_file, update_line, sha, now))
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.actions")
        con.execute("delete from raw.action_updates")
        if action_rows:
            con.executemany(f"insert into raw.actions values ({', '.join(['?'] * 15)})", action_rows)
        if update_rows:
            con.executemany(f"insert into raw.action_updates values ({', '.join(['?'] * 10)})", update_rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"actions": len(action_rows), "updates": len(update_rows), "changed": True}
