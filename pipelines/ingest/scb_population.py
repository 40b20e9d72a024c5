"""SCB population (PxWeb API v2, table TAB638, json-stat2; DATA-CONTRACT §7) -> raw.scb_population,
one row per cell: region, contents (BE0101N1 is Folkmängd), year and value.

json-stat2 as SCB writes it: `id` names the dimensions in order, `size` their lengths,
`dimension[d].category.index` each one's codes (an object code -> position, or a list), and
`value` the cells in row-major order (the last dimension varies fastest), a list or an object
{position: value}; null where SCB has no figure, with `status` saying why (e.g. "..").

Only the shape is checked here. Which cells count (BE0101N1, the municipalities of the data
dir) and which file wins a (region, year) (the newest fetch) is dbt's (int_scb_population).
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import duckdb
import pandas as pd

from ..warehouse import append_frame
from .common import BadFileError, Parsed, Rejection, raw_record_text, write_concatenated
from .reference_files import fetched_at, is_number, read_json

SOURCE_KIND = "scb"
FILE_PATTERNS = ("*.json",)
# The variables of a population table with everything else eliminated (summed by SCB).
DIMENSIONS = ("Region", "ContentsCode", "Tid")

RAW_DDL = """
create table if not exists raw.scb_population (
    region_code    varchar not null,
    region_label   varchar,
    contents_code  varchar not null,
    contents_label varchar,
    year           integer not null,
    value          double  not null,
    table_id       varchar,           -- TAB638, from the payload (else the file name)
    updated        varchar,           -- when SCB last updated the table, as the payload says
    fetched_at     timestamp,         -- the connector's fetch time (UTC), from the file name
    _source_file   varchar not null,
    _source_row    bigint  not null,  -- the cell's position in `value`, from 1
    _file_sha256   varchar not null,
    _loaded_at     timestamp not null,
    _kommun_code   varchar
)
"""
COLUMNS = ["region_code", "region_label", "contents_code", "contents_label", "year", "value", "table_id",
           "updated", "fetched_at", "_source_row"]
_TABLE_IN_NAME = re.compile(r"^(TAB\d+)_", re.IGNORECASE)


def _categories(data: dict, dim: str, size: int) -> list[tuple[str, str]]:
    """(code, label) of a dimension in position order."""
    category = data["dimension"].get(dim, {}).get("category", {}) if isinstance(data["dimension"].get(dim), dict) else {}
    index = category.get("index")
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
    else:
        raise BadFileError(f"Variabeln {dim} saknar sina koder (category.index).")
    if len(codes) != size:
        raise BadFileError(f"Variabeln {dim} har {len(codes)} koder men storleken {size}.")
    labels = category.get("label") if isinstance(category.get("label"), dict) else {}
    return [(code, str(labels.get(code, code))) for code in codes]


def _at(container, position: int):
    """A cell of `value` or `status`: a list, an object keyed by position, or (status) one string for all."""
    if isinstance(container, list):
        return container[position] if position < len(container) else None
    if isinstance(container, dict):
        return container.get(str(position))
    return container


def _table_id(data: dict, path: Path) -> str | None:
    px = data.get("extension", {}).get("px", {}) if isinstance(data.get("extension"), dict) else {}
    if isinstance(px, dict) and px.get("tableid"):
        return str(px["tableid"])
    match = _TABLE_IN_NAME.match(path.name)
    return match.group(1).upper() if match else None


def parse(path: Path) -> Parsed:
    data = read_json(path)
    if not isinstance(data, dict) or not all(k in data for k in ("id", "size", "dimension", "value")):
        raise BadFileError("Filen är inte json-stat2 (nycklarna id, size, dimension och value behövs).")
    ids, sizes = data["id"], data["size"]
    if not (isinstance(ids, list) and isinstance(sizes, list) and len(ids) == len(sizes)
            and all(isinstance(n, int) and n >= 0 for n in sizes) and isinstance(data["dimension"], dict)):
        raise BadFileError("Filens id och size stämmer inte överens (json-stat2).")
    expected = f"{', '.join(DIMENSIONS[:-1])} och {DIMENSIONS[-1]}"
    missing = [d for d in DIMENSIONS if d not in ids]
    extra = [d for d in ids if d not in DIMENSIONS]
    if missing:
        raise BadFileError(f"Tabellen saknar variabeln {', '.join(missing)}; väntade {expected}.")
    if extra:
        raise BadFileError(
            f"Tabellen har fler variabler än {expected} ({', '.join(map(str, extra))}): folkmängden "
            "per kommun och år går inte att läsa ut. Hämta tabellen med de övriga variablerna eliminerade.")
    cells = math.prod(sizes)
    values, status = data["value"], data.get("status")
    if isinstance(values, list) and len(values) != cells:
        raise BadFileError(f"Filen har {len(values)} värden men tabellens storlek är {cells} celler.")
    if not isinstance(values, (list, dict)):
        raise BadFileError("Filens value är varken en lista eller ett objekt (json-stat2).")
    axes = [_categories(data, dim, size) for dim, size in zip(ids, sizes)]
    table_id, updated, fetched = _table_id(data, path), data.get("updated"), fetched_at(path)
    rows, rejections = [], []
    for position, combination in enumerate(itertools.product(*axes)):
        cell = dict(zip(ids, combination))
        (region, region_label), (contents, contents_label), (year, _) = (cell[d] for d in DIMENSIONS)
        value, flag = _at(values, position), _at(status, position)
        where = f"{region_label} ({region}), {contents_label}, år {year}"
        problem = None
        if not re.fullmatch(r"\d{4}", year):
            problem = f"SCB: året {year!r} är inget årtal ({where})."
        elif value is None:
            problem = f"SCB har inget värde för {where}" + (f" (status {flag!r})." if flag else ".")
        elif not is_number(value) or value < 0:
            problem = f"SCB: värdet {value!r} för {where} är inget tal som kan vara en folkmängd."
        if problem:
            rejections.append(Rejection(position + 1, problem, raw_record_text({**dict(zip(ids, (c for c, _ in combination))), "value": value})))
            continue
        rows.append({"region_code": region, "region_label": region_label, "contents_code": contents,
                     "contents_label": contents_label, "year": int(year), "value": float(value),
                     "table_id": table_id, "updated": str(updated) if updated else None, "fetched_at": fetched,
                     "_source_row": position + 1})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["fetched_at"] = pd.to_datetime(frame["fetched_at"])
    return Parsed(frame.astype({"year": "int64", "value": "float64", "_source_row": "int64"}), rejections)


def write(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Append the file's cells; which file wins a (region, year) is decided in dbt (newest fetch)."""
    con.execute(RAW_DDL)
    return append_frame(con, "raw.scb_population", rows)


write_batch = write_concatenated(write)
