"""Kolada KPI values (API v3 `/data`, one page per file; DATA-CONTRACT §7) -> raw.kolada_values,
one row per (KPI, area, year, gender) value.

A page: `{"count", "next_url", "previous_url", "values": [{"kpi": "N07403", "municipality": "0382",
"period": 2024, "values": [{"gender": "T", "value": 512.3, "count": 1, "status": "", "isdeleted":
false}]}]}`. The area is a municipality, a county (`00` and its two digits, 0003) or the country
(0000), as Kolada names them. Which file wins a (KPI, area, year, gender) (the newest fetch) and
which rows a report shows is dbt's (int_kolada_values).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse import append_frame
from .common import BadFileError, Parsed, Rejection, raw_record_text, write_concatenated
from .reference_files import fetched_at, is_number, read_json

SOURCE_KIND = "kolada"
FILE_PATTERNS = ("*.json",)

RAW_DDL = """
create table if not exists raw.kolada_values (
    kpi_id          varchar not null,
    municipality_id varchar not null,  -- Kolada's area id: 0382, 0003 (a county), 0000 (the country)
    year            integer not null,
    gender          varchar not null,  -- T (total), K, M
    value           double  not null,
    status          varchar,
    fetched_at      timestamp,         -- the connector's fetch time (UTC), from the file name
    _source_file    varchar not null,
    _source_row     bigint  not null,  -- the entry's position in the page's `values`, from 1
    _file_sha256    varchar not null,
    _loaded_at      timestamp not null,
    _kommun_code    varchar
)
"""
COLUMNS = ["kpi_id", "municipality_id", "year", "gender", "value", "status", "fetched_at", "_source_row"]


def _page(path: Path) -> list:
    page = read_json(path)
    if not isinstance(page, dict) or not isinstance(page.get("values"), list):
        raise BadFileError("Filen är inget svar från Kolada (listan values saknas).")
    entries = page["values"]
    if entries and all(isinstance(e, dict) and "title" in e and "kpi" not in e for e in entries):
        raise BadFileError("Filen innehåller nyckeltalens beskrivningar, inte deras värden: den hör hemma i "
                           "reference/kolada/kpi/.")
    return entries


def _problem(entry) -> str | None:
    if not isinstance(entry, dict):
        return "Kolada: posten är inget JSON-objekt."
    if not isinstance(entry.get("kpi"), str) or not entry["kpi"].strip():
        return "Kolada: posten saknar nyckeltal (kpi)."
    if not isinstance(entry.get("municipality"), str) or not re.fullmatch(r"\d{4}", entry["municipality"].strip()):
        return f"Kolada: området {entry.get('municipality')!r} är ingen kommun-, läns- eller rikskod (fyra siffror)."
    if not re.fullmatch(r"\d{4}", str(entry.get("period", "")).strip()):
        return f"Kolada: perioden {entry.get('period')!r} är inget årtal."
    if not isinstance(entry.get("values"), list):
        return "Kolada: posten saknar sin lista values."
    return None


def parse(path: Path) -> Parsed:
    fetched = fetched_at(path)
    rows, rejections = [], []
    for position, entry in enumerate(_page(path), start=1):
        problem = _problem(entry)
        if problem:
            rejections.append(Rejection(position, problem, raw_record_text(entry)))
            continue
        kpi, area, year = entry["kpi"].strip(), entry["municipality"].strip(), int(str(entry["period"]).strip())
        for item in entry["values"]:
            gender = item.get("gender") if isinstance(item, dict) else None
            where = f"{kpi}, område {area}, år {year}" + (f", kön {gender}" if gender else "")
            if not isinstance(gender, str) or not gender.strip():
                problem = f"Kolada: värdet saknar kön (gender) ({where})."
            elif item.get("isdeleted") is True:
                problem = f"Kolada har tagit bort värdet ({where})."
            elif item.get("value") is None:
                status = item.get("status")
                problem = f"Kolada har inget värde för {where}" + (f" (status {status!r})." if status else ".")
            elif not is_number(item["value"]):
                problem = f"Kolada: värdet {item['value']!r} är inget tal ({where})."
            else:
                problem = None
            if problem:
                rejections.append(Rejection(position, problem, raw_record_text({"kpi": kpi, "municipality": area,
                                                                                "period": year, **item}
                                                                               if isinstance(item, dict) else item)))
                continue
            rows.append({"kpi_id": kpi, "municipality_id": area, "year": year, "gender": gender.strip(),
                         "value": float(item["value"]), "status": str(item.get("status") or "") or None,
                         "fetched_at": fetched, "_source_row": position})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["fetched_at"] = pd.to_datetime(frame["fetched_at"])
    return Parsed(frame.astype({"year": "int64", "value": "float64", "_source_row": "int64"}), rejections)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    con.execute(RAW_DDL)
    return append_frame(con, "raw.kolada_values", rows)


write_batch = write_concatenated(write)
