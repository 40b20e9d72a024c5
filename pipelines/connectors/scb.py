"""SCB population (PxWeb API v2, table TAB638, json-stat2): the municipalities of the data
dir, the newest years, written as received to reference/scb/TAB638_<UTC time>.json.
DATA-CONTRACT §7. Loading it (dim_municipality.population) is the loaders' job."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..settings import SOURCE_DIRS
from . import files
from .http import Clock, Limits, Malformed, PoliteClient
from .outcome import Outcome

SOURCE = "scb"
TABLE = "TAB638"
FOLDER = SOURCE_DIRS["scb"]
# Folkmängd (31 December) of TAB638; its other content, BE0101N2, is the year's growth.
POPULATION = "BE0101N1"
# SCB's rule: at most 30 calls per 10 s.
LIMITS = Limits(min_interval=10 / 30, caps=((10.0, 30),))
NEWEST_YEARS = 5        # the rates of the tertials shown go back a few years
CODES_PER_CALL = 100    # a short URL and far below SCB's cells-per-call limit


def query(codes: list[str]) -> dict:
    """Folkmängd per municipality and year; marital status, age and sex left out, so SCB sums
    them (elimination)."""
    return {
        "lang": "sv",
        "outputFormat": "json-stat2",
        "valueCodes[Region]": ",".join(codes),
        "valueCodes[ContentsCode]": POPULATION,
        "valueCodes[Tid]": f"top({NEWEST_YEARS})",
    }


def parse(content: bytes) -> dict:
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Malformed(f"{SOURCE}: svaret är inte JSON ({exc}).") from exc
    if not isinstance(data, dict) or "value" not in data or "dimension" not in data:
        raise Malformed(f"{SOURCE}: svaret är inte json-stat2 (value, dimension saknas).")
    return data


def newest_year(data: dict) -> str | None:
    years = data.get("dimension", {}).get("Tid", {}).get("category", {}).get("index", {})
    return max(years) if years else None


def fetch(data_dir: Path, codes: list[str], base_url: str, client: PoliteClient, clock: Clock,
          log: logging.Logger | None = None) -> Outcome:
    log = log or logging.getLogger(__name__)
    now = clock.now()
    outcome = Outcome(SOURCE, now)
    folder = data_dir / FOLDER
    known = files.known_hashes(folder)
    base = f"{TABLE}_{files.stamp(now)}"
    try:
        for index, start in enumerate(range(0, len(codes), CODES_PER_CALL), start=1):
            response = client.get(f"{base_url}/tables/{TABLE}/data", params=query(codes[start:start + CODES_PER_CALL]))
            year = newest_year(parse(response.content))
            if year and (outcome.newest_data is None or year > outcome.newest_data):
                outcome.newest_data = year
            if files.sha256(response.content) in known:
                continue  # the same answer as before: nothing new to keep
            outcome.files.append(files.write_payload(folder, files.numbered(base, index), response.content))
    finally:
        outcome.calls, outcome.bytes = client.calls, client.bytes
    log.info(f"{SOURCE}: {len(codes)} kommuner, {outcome.calls} anrop, {len(outcome.files)} nya filer")
    return outcome
