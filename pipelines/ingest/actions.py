"""actions.yaml -> raw.actions, raw.action_updates (DATA-CONTRACT §2.7).

The action plan is a living document: the file as it is now is the truth, so both
tables are replaced together when its content changes, and emptied when it is
removed. The same bytes again change nothing (not even `_loaded_at`). In a region every
municipality's actions.yaml is one plan of the same tables (`kommun_code`, DATA-CONTRACT §6):
a change in any replaces all, each row keeping its municipality. Validation
lives in pipelines.config.load_actions; notes are free text and are redacted before
they are stored, or stored as null with LAGESBILD_FREE_TEXT=off (DATA-CONTRACT §5), and
no stored text starts a spreadsheet formula. `_source_row` is the line in the file where the action or the update starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ..config import Action, entry_lines
from .common import file_sha256, relative_source_file, single_kommun_code  # _source_file as every loader writes it
from .redact import free_text, neutralise_formula, redaction_scope

DDL = """
create table if not exists raw.actions (
    action_id varchar not null, title varchar not null, owner varchar not null, pledge_id varchar,
    category_text varchar not null, area_ids varchar[] not null, start_date date not null, end_date date,
    target_measure varchar, target_count integer, sort_order integer not null,
    _source_file varchar not null, _source_row integer not null, _file_sha256 varchar not null,
    _loaded_at timestamp not null, kommun_code varchar
);
create table if not exists raw.action_updates (
    action_id varchar not null, update_no integer not null, update_date date not null, status varchar not null,
    done integer, note varchar,
    _source_file varchar not null, _source_row integer not null, _file_sha256 varchar not null,
    _loaded_at timestamp not null, kommun_code varchar
);
alter table raw.actions add column if not exists kommun_code varchar;
alter table raw.action_updates add column if not exists kommun_code varchar;
"""
ACTION_COLUMNS = ("action_id, title, owner, pledge_id, category_text, area_ids, start_date, end_date, target_measure, "
                  "target_count, sort_order, _source_file, _source_row, _file_sha256, _loaded_at, kommun_code")
UPDATE_COLUMNS = ("action_id, update_no, update_date, status, done, note, "
                  "_source_file, _source_row, _file_sha256, _loaded_at, kommun_code")


@dataclass(frozen=True)
class ActionPlan:
    """One municipality's actions.yaml (maybe absent) and its validated measures."""

    kommun_code: str
    path: Path
    actions: list[Action]


def loaded_files(con: duckdb.DuckDBPyConnection) -> set[tuple[str | None, str]]:
    """(kommun_code, sha256) of the plans raw.actions holds now."""
    return set(con.execute("select distinct kommun_code, _file_sha256 from raw.actions").fetchall())


def write_actions(con: duckdb.DuckDBPyConnection, path: Path, data_dir: Path, actions: list[Action],
                  kommun_code: str | None = None) -> dict:
    """One municipality's plan (default the data dir's): see write_action_plans."""
    return write_action_plans(con, data_dir, [ActionPlan(kommun_code or single_kommun_code(), path, actions)])


def write_action_plans(con: duckdb.DuckDBPyConnection, data_dir: Path, plans: list[ActionPlan]) -> dict:
    """Replace raw.actions and raw.action_updates with every plan's validated actions (an
    absent file: none); nothing is written when the same bytes are loaded already."""
    con.execute("create schema if not exists raw")
    con.execute(DDL)
    shas = {plan.kommun_code: file_sha256(plan.path) for plan in plans if plan.path.is_file()}
    counts = {"actions": sum(len(p.actions) for p in plans),
              "updates": sum(len(a.updates) for p in plans for a in p.actions)}
    wanted = {(plan.kommun_code, shas[plan.kommun_code]) for plan in plans if plan.actions}
    if wanted and loaded_files(con) == wanted:
        return {**counts, "changed": False}
    now = datetime.now().replace(microsecond=0)
    action_rows, update_rows = [], []
    for plan in plans:
        if plan.kommun_code not in shas:
            continue
        code, sha, source_file = plan.kommun_code, shas[plan.kommun_code], relative_source_file(plan.path, data_dir)
        lines = entry_lines(plan.path, "updates")
        # notes are redacted with the names of the plan's own municipality (municipality.yaml beside it)
        with redaction_scope([plan.path.parent / "municipality.yaml"]):
            for order, (action, (line, update_lines)) in enumerate(zip(plan.actions, lines), start=1):
                action_rows.append((
                    action.id, neutralise_formula(action.title), neutralise_formula(action.owner), action.pledge,
                    action.category, list(action.areas), action.start, action.end,
                    neutralise_formula(action.target.measure) if action.target else None,
                    action.target.count if action.target else None, order, source_file, line, sha, now, code,
                ))
                for number, (update, update_line) in enumerate(zip(action.updates, update_lines), start=1):
                    update_rows.append((action.id, number, update.date, update.status, update.done,
                                        neutralise_formula(free_text(update.note)), source_file, update_line, sha,
                                        now, code))
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.actions")
        con.execute("delete from raw.action_updates")
        if action_rows:
            con.executemany(f"insert into raw.actions ({ACTION_COLUMNS}) values ({', '.join(['?'] * 16)})",
                            action_rows)
        if update_rows:
            con.executemany(f"insert into raw.action_updates ({UPDATE_COLUMNS}) values ({', '.join(['?'] * 11)})",
                            update_rows)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"actions": len(action_rows), "updates": len(update_rows), "changed": True}
