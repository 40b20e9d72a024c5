"""Kolada's descriptions of the fetched KPIs (API v3 `/kpi/<ids>`, reference/kolada/kpi/;
DATA-CONTRACT §7) -> raw.kolada_kpis: each KPI's id and title, so that the report names a
figure as Kolada does ("Anmälda våldsbrott, antal/100 000 inv")."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse import append_frame
from .common import BadFileError, Parsed, Rejection, raw_record_text, write_concatenated
from .reference_files import fetched_at, read_json

SOURCE_KIND = "kolada_kpis"
FILE_PATTERNS = ("*.json",)

RAW_DDL = """
create table if not exists raw.kolada_kpis (
    kpi_id        varchar not null,
    title         varchar not null,
    fetched_at    timestamp,
    _source_file  varchar not null,
    _source_row   bigint  not null,
    _file_sha256  varchar not null,
    _loaded_at    timestamp not null,
    _kommun_code  varchar
)
"""
COLUMNS = ["kpi_id", "title", "fetched_at", "_source_row"]


def parse(path: Path) -> Parsed:
    page = read_json(path)
    if not isinstance(page, dict) or not isinstance(page.get("values"), list):
        raise BadFileError("Filen är inget svar från Kolada (listan values saknas).")
    fetched = fetched_at(path)
    rows, rejections = [], []
    for position, entry in enumerate(page["values"], start=1):
        kpi = entry.get("id") if isinstance(entry, dict) else None
        title = entry.get("title") if isinstance(entry, dict) else None
        if not isinstance(kpi, str) or not kpi.strip() or not isinstance(title, str) or not title.strip():
            rejections.append(Rejection(position, "Kolada: nyckeltalet saknar id eller titel.", raw_record_text(entry)))
            continue
        rows.append({"kpi_id": kpi.strip(), "title": title.strip(), "fetched_at": fetched, "_source_row": position})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["fetched_at"] = pd.to_datetime(frame["fetched_at"])
    return Parsed(frame.astype({"_source_row": "int64"}), rejections)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    con.execute(RAW_DDL)
    return append_frame(con, "raw.kolada_kpis", rows)


write_batch = write_concatenated(write)
