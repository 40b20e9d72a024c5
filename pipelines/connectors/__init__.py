"""Live sources (DATA-CONTRACT §7): connectors that fetch politely and drop what they got as
files into the data dir; the file loaders do the rest. Off unless LAGESBILD_CONNECTORS names
them: switched off, nothing here touches the network.

    fetch_source("polisen", settings, connector_settings)  -> Outcome (never raises)
"""

from __future__ import annotations

import logging
from datetime import timedelta

from ..settings import ConnectorSettings, Settings
from . import kolada, police, scb
from .http import Clock, ConnectorError, PoliteClient, SystemClock
from .outcome import Outcome
from .record import CallRecord

MODULES = {"polisen": police, "scb": scb, "kolada": kolada}


def kolada_kpis(settings: Settings, log: logging.Logger) -> list[str]:
    """The union of every municipality's `kolada_kpis` (a broken municipality.yaml is the
    municipality config step's error to report; here it just adds none)."""
    from ..config import ConfigError, load_municipality

    kpis: list[str] = []
    for entry in settings.municipalities:
        try:
            kpis += load_municipality(entry.municipality_file).kolada_kpis
        except ConfigError:
            log.warning(f"kolada: {entry.municipality_file} kunde inte läsas; dess kolada_kpis hoppas över")
    return sorted(set(kpis))


def fetch_source(name: str, settings: Settings, connectors: ConnectorSettings, *, clock: Clock | None = None,
                 log: logging.Logger | None = None) -> Outcome:
    """One fetch from source `name`. Whatever goes wrong (unreachable, timeout, a 404, malformed
    JSON, a cap reached, the warehouse busy) is a warning in the outcome: what was written before
    stays, and the run goes on with the files already there."""
    log = log or logging.getLogger(__name__)
    clock = clock or SystemClock()
    outcome = Outcome(name, clock.now())
    if name not in connectors.enabled:
        outcome.warnings.append(f"{name}: avstängd (LAGESBILD_CONNECTORS)")
        return outcome
    module, base_url = MODULES[name], connectors.urls[name]
    record = CallRecord(settings.warehouse)
    codes = [entry.code for entry in settings.municipalities]
    try:
        with PoliteClient(name, module.LIMITS, record, connectors.contact, clock) as client:
            try:
                if name == "polisen":
                    outcome = police.fetch(settings.data_dir, base_url, client, record, clock, log)
                elif name == "scb":
                    outcome = scb.fetch(settings.data_dir, codes, base_url, client, clock, log)
                else:
                    outcome = kolada.fetch(settings.data_dir, codes, kolada_kpis(settings, log), base_url, client,
                                           clock, log)
            finally:
                outcome.calls, outcome.bytes = client.calls, client.bytes
    except ConnectorError as exc:
        outcome.warnings.append(str(exc))
        log.warning(str(exc))
    except Exception as exc:  # noqa: BLE001 - a failed fetch never fails the picture (§7)
        message = f"{name}: hämtningen misslyckades ({type(exc).__name__}: {exc}); körningen fortsätter med filerna som finns"
        outcome.warnings.append(message)
        log.warning(message)
    return outcome


def daily_totals(settings: Settings, name: str, clock: Clock | None = None) -> tuple[int, int]:
    """Calls and bytes of source `name` in the last 24 hours, from the durable record."""
    now = (clock or SystemClock()).now()
    return CallRecord(settings.warehouse).totals(name, now - timedelta(days=1))


__all__ = ["MODULES", "Outcome", "fetch_source", "daily_totals"]
