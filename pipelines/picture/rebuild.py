"""Writing marts.fct_published_figures: all of it, or only the rows whose inputs changed.

A municipality's own rows depend on its own inputs and on what all share (inputs.py).
The region's rows (kommun_code 'region') of a tertial are solved together, over every
municipality: they are rebuilt when that tertial's inputs changed (inputs.region_digests: its
rows of the comparison mart and the municipalities' cells the overview repeats), the other
tertials' are kept. A municipality's `region_comparison` prints the same cells as the
overview's side-by-side tables (their per_1000 column): in a rebuilt tertial, it is rebuilt
when one of the cells it shows changed there. The automatic checks' summary, the same for every municipality, is written
into every municipality's rows.

So after a run that changed one municipality's files, the table equals a build from scratch
(tests/integration/test_figures_rebuild.py), but for the build time ("framtagen") of the rows
that were kept.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse import catalogue, table_exists
from . import figures, figures_pool, inputs, published, region_figures
from .figures_pool import Part
from .marts import Shared, municipality_codes
from .published import REGION, REGION_COMPARISON, TABLE

SIDE_BY_SIDE = "region_kategori:"


@dataclass
class Written:
    rows: int
    rebuilt: list[str] = field(default_factory=list)  # municipalities whose own figures were rebuilt
    compared: list[str] = field(default_factory=list)  # municipalities whose comparison was rebuilt
    periods: list[str] = field(default_factory=list)  # tertials whose overview rows were rebuilt (a region)
    full: bool = True
    reason: str = ""


@dataclass
class Plan:
    """What `write` will do: every municipality's figures (`reason` says why) or the changed ones'."""

    now: dict
    before: dict
    reason: str  # why everything is rebuilt; "" when only `codes` are
    codes: list[str]  # the municipalities whose own figures are built
    generated: datetime


@dataclass
class Prebuilt:
    plan: Plan
    parts: list[Part] | None  # the planned municipalities' figures, built by workers (None: not yet)


def plan(con: duckdb.DuckDBPyConnection, generated_at: datetime | None = None) -> Plan:
    now = inputs.digests(con)
    before = inputs.stored(con)
    reason = _full_reason(con, now, before)
    codes = municipality_codes(con) if reason else [c for c in now if c != inputs.SHARED and before.get(c) != now[c]]
    return Plan(now, before, reason, codes, _generated(generated_at))


@contextmanager
def prebuilt(warehouse: Path, generated_at: datetime | None = None, workers: int | None = None
             ) -> Iterator[Prebuilt]:
    """Plan on a read-only connection and, when enough municipalities are to be built
    (figures_pool.workers_for; `workers` says how many processes instead, 0: none), build their
    figures in worker processes. For `write` on a connection the caller opens inside the block
    (the workers are gone by then); their files are removed when it ends."""
    from ..warehouse import connect

    with connect(warehouse, read_only=True) as con:
        planned = plan(con, generated_at)
        workers = figures_pool.workers_for(len(planned.codes)) if workers is None else workers
        weights = dict(con.execute(figures_pool.WEIGHT).fetchall()) if workers and planned.codes else {}
    if not weights:
        yield Prebuilt(planned, None)
        return
    with tempfile.TemporaryDirectory(prefix="lagesbild-figures-") as folder:
        yield Prebuilt(planned, figures_pool.build(warehouse, planned.codes, weights, planned.generated,
                                                   region_figures.PRINTED_TABLES, workers, Path(folder)))


def write(con: duckdb.DuckDBPyConnection, is_region: bool, generated_at: datetime | None = None,
          built: Prebuilt | None = None) -> Written:
    """Bring the table up to date with the marts; only what changed when the digests allow.
    `built`: the plan and the figures `prebuilt` made (same generated_at); else planned and built here."""
    planned = built.plan if built else plan(con, generated_at)
    parts = built.parts if built else None
    now, reason = planned.now, planned.reason
    if reason:
        inputs.forget(con)
        rows = published.write_frames(con, frames(con, is_region, generated_at, planned.generated, parts))
        inputs.store(con, now)
        codes = [c for c in now if c != inputs.SHARED]
        periods = []
        if is_region:
            region = inputs.region_digests(con, _printed(con, [], []))
            inputs.store_region(con, region)
            periods = sorted(region)
        return Written(rows, codes, codes if is_region else [], periods, True, reason)
    changed = planned.codes
    with catalogue(con):
        shared = Shared(con, changed)  # one read of the marts and of the checks for all of them
        own = parts if parts is not None else list(figures_pool.in_process(con, changed, planned.generated, shared,
                                                                             region_figures.PRINTED_TABLES))
        written = Written(sum(p.rows for p in own), changed, [], [], False)
        frames_ = [p.frame for p in own if p.frame is not None]
        if is_region:
            printed = _printed(con, changed, own)
            region_now, region_before = inputs.region_digests(con, printed), inputs.stored_region(con)
            written.periods = sorted(p for p in region_now if region_before.get(p) != region_now[p])
            gone = sorted(set(region_before) - set(region_now))  # tertials no longer in the marts
            region = region_figures.build(con, printed, generated_at, periods=written.periods,
                                          compared=lambda rows: _changed_cells(con, rows, written.periods))
            written.compared = sorted(set(region.loc[region["table_name"] == REGION_COMPARISON, "kommun_code"]))
            written.rows += len(region)
            frames_.append(region)
        checks = _checks(con, shared)
    con.execute("begin")
    try:
        con.execute(f"delete from {TABLE} where list_contains(?, kommun_code) and table_name <> ?",
                    [changed, REGION_COMPARISON])
        if is_region:
            rebuilt = [*written.periods, *gone]
            con.execute(f"delete from {TABLE} where list_contains(?, period) and (kommun_code = ? or "
                        "(table_name = ? and (list_contains(?, kommun_code) or list_contains(?, period))))",
                        [rebuilt, REGION, REGION_COMPARISON, written.compared, gone])
        frame = pd.concat(frames_, ignore_index=True) if frames_ else pd.DataFrame(columns=figures.COLUMNS)
        con.register("_figures", frame[figures.COLUMNS])
        con.execute(f"insert into {TABLE} by name select * from _figures")
        con.unregister("_figures")
        published.insert_parquet(con, TABLE, [path for p in own for path in p.paths])
        con.register("_checks", checks)
        con.execute(f"update {TABLE} as t set value = c.value, shown = c.shown from _checks as c "
                    "where t.table_name = 'kvalitet_kontroller' and t.row_key = 'checks' "
                    "and t.period = c.period and t.column_key = c.column_key")
        con.unregister("_checks")
        published.check_unique(con, TABLE, [*changed, *written.compared, REGION])
        inputs.store(con, now)
        if is_region:
            inputs.store_region(con, region_now)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    written.reason = f"inputs changed: {', '.join(changed) or 'none'}"
    return written


def frames(con, is_region: bool, generated_at=None, generated: datetime | None = None,
           parts: list[Part] | None = None) -> Iterator[pd.DataFrame | Path]:
    """Every municipality's figures as they are built (or the files `parts` built them into), then
    (in a region) the overview's and the comparisons, which repeat only a few of the
    municipalities' rows: never all rows at once."""
    repeated = []
    if parts is None:
        for frame in figures.build_frames(con, generated or generated_at):
            if is_region:
                repeated.append(region_figures.printed(frame))
            yield frame
    else:
        for part in parts:
            if is_region:
                repeated.append(part.printed)
            yield from part.paths
    if is_region:  # the overview's figures and each municipality's comparison with the others
        repeated = pd.concat(repeated, ignore_index=True) if repeated else pd.DataFrame(columns=figures.COLUMNS)
        yield region_figures.build(con, repeated, generated_at)


def _full_reason(con, now: dict, before: dict) -> str:
    if not table_exists(con, "marts", "fct_published_figures"):
        return "no figures yet"
    if not before:
        return "no record of their inputs"
    if before.get(inputs.SHARED) != now[inputs.SHARED]:
        return "what every municipality shares changed (dimensions, municipalities, code or dbt vars)"
    return ""


def _generated(generated_at):
    return (generated_at or datetime.now(tz=figures.STOCKHOLM)).astimezone(figures.STOCKHOLM)


def _printed(con, changed: list[str], own: list[Part]) -> pd.DataFrame:
    """The municipalities' rows the overview repeats: the rebuilt ones' new rows, the others' kept."""
    tables = sorted(region_figures.PRINTED_TABLES)
    kept = con.execute(
        f"select kommun_code, period, table_name, row_key, column_key, shown from {TABLE} "
        "where kommun_code <> ? and list_contains(?, table_name) and not list_contains(?, kommun_code)",
        [REGION, tables, changed]).df()
    return pd.concat([kept, *(p.printed[kept.columns] for p in own)], ignore_index=True)


def _changed_cells(con, region: pd.DataFrame, periods: list[str]) -> set[str]:
    """The codes (or 'region') whose cell of a side-by-side table's per_1000 column, in one of
    `periods` (the tertials rebuilt), differs from the table's: what a comparison prints."""
    columns = ["period", "table_name", "row_key", "row_label", "value", "shown"]
    new = region[region["table_name"].str.startswith(SIDE_BY_SIDE) & (region["column_key"] == "per_1000")]
    old = con.execute(f"select {', '.join(columns)} from {TABLE} where kommun_code = ? and list_contains(?, period) "
                      "and starts_with(table_name, ?) and column_key = 'per_1000'",
                      [REGION, periods, SIDE_BY_SIDE]).df()
    both = new[columns].merge(old, on=columns[:3], how="outer", suffixes=("", "_old"), indicator=True)
    differs = (both["_merge"] != "both") | (both["row_label"] != both["row_label_old"]) \
        | (both["shown"] != both["shown_old"]) \
        | ~((both["value"] == both["value_old"]) | (both["value"].isna() & both["value_old"].isna()))
    return set(both.loc[differs, "row_key"])


def _checks(con, shared: Shared) -> pd.DataFrame:
    """The kvalitet_kontroller cells of every tertial, as figures.py writes them."""
    rows = []
    for (period,) in con.execute(f"select distinct period from {TABLE} where kommun_code <> ?", [REGION]).fetchall():
        checks = shared.quality_checks(period)
        for column, value in checks.items():
            rows.append((period, column, None if value is None else float(value), figures.fmt("int", value)))
    return pd.DataFrame(rows, columns=["period", "column_key", "value", "shown"])
