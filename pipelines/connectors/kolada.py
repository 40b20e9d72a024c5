"""Kolada (API v3 /data): the KPIs listed under `kolada_kpis` in municipality.yaml, for each
municipality, its county (00LL) and the country (0000); pages followed by `next_url`; each
answer written as received to reference/kolada/<UTC time>.json (-2, -3 ... for further
pages); the KPIs' titles (/kpi/<ids>) likewise to reference/kolada/kpi/. DATA-CONTRACT §7."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..settings import SOURCE_DIRS
from . import files
from .http import Clock, ConnectorError, Limits, Malformed, PoliteClient
from .outcome import Outcome

SOURCE = "kolada"
FOLDER = SOURCE_DIRS["kolada"]
KPI_FOLDER = SOURCE_DIRS["kolada_kpis"]  # the KPIs' titles (/kpi/<ids>)
# Kolada publishes no rate; one call a second, and at most about 25 ids in a list.
LIMITS = Limits(min_interval=1.0, caps=((60.0, 60),))
IDS_PER_CALL = 25
MAX_PAGES = 1000  # a next_url that never ends is a broken server, not more data
COUNTRY = "0000"


def county_id(kommun_code: str) -> str:
    """Kolada's id of a municipality's county: 00 and the county's two digits (0382 -> 0003)."""
    return "00" + kommun_code[:2]


def area_ids(codes: list[str]) -> list[str]:
    return sorted({*codes, *(county_id(c) for c in codes), COUNTRY})


def chunks(items: list[str], size: int = IDS_PER_CALL) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def parse(content: bytes) -> dict:
    try:
        page = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"{SOURCE}: svaret är inte JSON ({exc}).") from exc
    if not isinstance(page, dict) or not isinstance(page.get("values"), list):
        raise Malformed(f"{SOURCE}: svaret har ingen lista `values`.")
    return page


def _pages(client: PoliteClient, url: str | None):
    """Each page of an answer, following `next_url`: (its bytes, the parsed page)."""
    visited: set[str] = set()
    while url:
        if url in visited or len(visited) >= MAX_PAGES:
            raise ConnectorError(f"{SOURCE}: next_url går i cirkel eller tar aldrig slut ({url}).")
        visited.add(url)
        response = client.get(url)
        page = parse(response.content)
        yield response.content, page
        url = page.get("next_url") or None


def _keep(folder: Path, known: set[str], name: str, content: bytes, outcome: Outcome) -> None:
    if files.sha256(content) not in known:  # the same answer as before: nothing new to keep
        outcome.files.append(files.write_payload(folder, name, content))
        known.add(files.sha256(content))


def fetch(data_dir: Path, codes: list[str], kpis: list[str], base_url: str, client: PoliteClient, clock: Clock,
          log: logging.Logger | None = None) -> Outcome:
    """The values (/data) to reference/kolada/, then the KPIs' titles (/kpi/<ids>) to
    reference/kolada/kpi/, so the report names each figure as Kolada does."""
    log = log or logging.getLogger(__name__)
    now = clock.now()
    outcome = Outcome(SOURCE, now)
    if not kpis:
        outcome.warnings.append(f"{SOURCE}: inga kolada_kpis i municipality.yaml; inget att hämta.")
        return outcome
    folder, kpi_folder = data_dir / FOLDER, data_dir / KPI_FOLDER
    known, known_kpis = files.known_hashes(folder), files.known_hashes(kpi_folder)
    base, index, kpi_index, years = files.stamp(now), 0, 0, []
    try:
        for kpi_chunk in chunks(sorted(set(kpis))):
            for id_chunk in chunks(area_ids(codes)):
                url = f"{base_url}/data/kpi/{','.join(kpi_chunk)}/municipality/{','.join(id_chunk)}"
                for content, page in _pages(client, url):
                    years += [int(v["period"]) for v in page["values"]
                              if isinstance(v, dict) and str(v.get("period", "")).isdigit()]
                    index += 1
                    _keep(folder, known, files.numbered(base, index), content, outcome)
            for content, _ in _pages(client, f"{base_url}/kpi/{','.join(kpi_chunk)}"):
                kpi_index += 1
                _keep(kpi_folder, known_kpis, files.numbered(base, kpi_index), content, outcome)
    finally:
        outcome.calls, outcome.bytes = client.calls, client.bytes
        outcome.newest_data = str(max(years)) if years else None
    log.info(f"{SOURCE}: {len(kpis)} nyckeltal, {outcome.calls} anrop, {len(outcome.files)} nya filer")
    return outcome
