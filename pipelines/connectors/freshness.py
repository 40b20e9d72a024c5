"""Freshness of the live sources (DATA-CONTRACT §7): one asset check per connector asset that
warns when the source's last successful fetch (audit.connector_calls, a 2xx answer) is older
than its limit (LAGESBILD_<SOURCE>_MAX_AGE; 2 h for the police, 3 weeks for SCB and Kolada).

Measured from the last *successful* call, not the asset's last materialisation: a fetch that
fails is still a materialisation (a warning, never a failed run), so Dagster's
build_last_update_freshness_checks would call an unreachable source fresh. The checks run after
every fetch (they belong to the connector assets) and on their own schedule under `make ui`, so
a stopped schedule is noticed too."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from ..resources import Warehouse
from ..settings import ConnectorSettings
from .record import CallRecord

GROUP = "connectors"
NAMES = ("polisen", "scb", "kolada")
CHECK_NAME = "fresh"


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _age_text(delta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} timmar".replace(".", ",") if hours < 48 else f"{hours / 24:.0f} dagar"


def evaluate(name: str, warehouse, connectors: ConnectorSettings, now: datetime | None = None) -> dg.AssetCheckResult:
    """The check's result for source `name` (a switched-off source is not judged)."""
    if name not in connectors.enabled:
        return dg.AssetCheckResult(passed=True, description=f"{name}: avstängd (LAGESBILD_CONNECTORS)",
                                   metadata={"enabled": False})
    limit = connectors.max_age[name]
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
    last = CallRecord(warehouse).last_success(name)
    meta = {"enabled": True, "max_age_hours": _hours(limit),
            "last_successful_fetch": f"{last:%Y-%m-%d %H:%M} UTC" if last else "aldrig"}
    if last is None:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, metadata=meta,
                                   description=f"{name}: ingen lyckad hämtning ännu.")
    age = now - last
    meta["age_hours"] = _hours(age)
    if age <= limit:
        return dg.AssetCheckResult(passed=True, metadata=meta,
                                   description=f"{name}: senast hämtat för {_age_text(age)} sedan.")
    return dg.AssetCheckResult(
        passed=False, severity=dg.AssetCheckSeverity.WARN, metadata=meta,
        description=f"{name}: inaktuell: senaste lyckade hämtning för {_age_text(age)} sedan "
                    f"(gränsen är {_age_text(limit)}).")


def freshness_check(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey([GROUP, name]), name=CHECK_NAME, blocking=False,
                    description=f"Warns when {name}'s last successful fetch is older than LAGESBILD_"
                                f"{name.upper()}_MAX_AGE.")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        return evaluate(name, warehouse.settings.warehouse, ConnectorSettings.from_env())

    return _check


checks = [freshness_check(name) for name in NAMES]

check_freshness = dg.define_asset_job(
    "check_connector_freshness",
    selection=dg.AssetSelection.checks(*checks),
    description="Evaluate the live sources' freshness checks without fetching.",
)
# Often enough to see a stopped police poll within its 2 h.
FRESHNESS_CRON = "15,45 * * * *"


def build_schedules(connectors: ConnectorSettings) -> list[dg.ScheduleDefinition]:
    if not connectors.enabled:
        return []
    return [dg.ScheduleDefinition(
        name="check_connector_freshness_schedule", job=check_freshness, cron_schedule=FRESHNESS_CRON,
        execution_timezone="Europe/Stockholm", default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Warn in the UI when a switched-on live source has not been fetched for too long.")]
