"""Which tertials may be published: the latest mart validation, read from audit.quality_results.

Dagster's `blocking=True` skips downstream assets in the *same* run only; `make run` renders
the lägesbild in a second run, and the UI may render a tertial any time later. So the
picture reads the verdict here: a tertial is blocked while the latest validation of any
mart has a failed error-severity expectation whose failing rows lie in that tertial (or
that concerns the whole table, e.g. a duplicated area in dim_area).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pipelines.warehouse import table_exists

from . import results
from .tables import label


@dataclass(frozen=True)
class Blocker:
    """A failed blocking check: why a tertial's lägesbild is not written."""

    table: str  # schema.table
    table_label: str  # Swedish name of the table
    message: str  # Swedish: what was expected and what was found
    periods: tuple[str, ...] | None  # tertials it concerns; None = all

    def concerns(self, period: str) -> bool:
        return self.periods is None or period in self.periods


def blockers(con) -> list[Blocker]:
    """Failed blocking expectations of each mart's latest validation."""
    frame = results.latest(con)
    failed = frame[(~frame["success"].astype(bool)) & frame["blocking"].astype(bool) & (frame["severity"] == "error")]
    return [
        Blocker(
            table=row.table_name,
            table_label=label(row.table_name),
            message=row.message_sv,
            periods=results.periods_of(row.periods),
        )
        for row in failed.itertuples()
    ]


def blocked_periods(con, periods: Iterable[str] | None = None) -> dict[str, list[Blocker]]:
    """{tertial: the blockers that stop it}, for `periods` (default: marts.dim_period and
    any tertial a failure names). A tertial that may be published is not a key."""
    found = blockers(con)
    if periods is None:
        periods = set(_dim_periods(con)) | {p for b in found for p in (b.periods or ())}
    out: dict[str, list[Blocker]] = {}
    for period in sorted(periods):
        stopping = [b for b in found if b.concerns(period)]
        if stopping:
            out[period] = stopping
    return out


def explain(blocked: dict[str, list[Blocker]]) -> str:
    """The Swedish lines `make run` prints for blocked tertials."""
    lines = []
    for period, stopping in blocked.items():
        lines.append(f"  Lägesbilden för {period} skrivs inte: datakvalitetskontroller misslyckades.")
        for b in stopping:
            lines.append(f"    - {b.table_label} ({b.table}): {b.message}")
    return "\n".join(lines)


def publishable_ranges(keys: list[str], blocked_keys: set[str]) -> list[tuple[str, str]]:
    """Contiguous runs of partition keys that are not blocked, as (first, last) pairs:
    one single-run backfill per stretch renders every publishable tertial."""
    ranges: list[tuple[str, str]] = []
    start = previous = None
    for key in keys:
        if key in blocked_keys:
            if start is not None:
                ranges.append((start, previous))
            start = None
            continue
        start = key if start is None else start
        previous = key
    if start is not None:
        ranges.append((start, previous))
    return ranges


def failed_only_on_blocking_checks(result) -> bool:
    """True when a Dagster run failed only because blocking asset checks failed (their step
    raises DagsterAssetCheckFailedError after recording the results), not because a load,
    a dbt build or a check itself broke."""
    failures = result.get_step_failure_events()
    return bool(failures) and all(
        event.step_failure_data is not None
        and event.step_failure_data.error is not None
        and event.step_failure_data.error.cls_name == "DagsterAssetCheckFailedError"
        for event in failures
    )


def _dim_periods(con) -> list[str]:
    if not table_exists(con, "marts", "dim_period"):
        return []
    return [r[0] for r in con.execute("select period from marts.dim_period").fetchall()]
