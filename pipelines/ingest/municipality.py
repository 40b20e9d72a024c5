"""municipality.yaml -> raw.config_municipality, raw.config_area_names, raw.config_area_population.

The configuration is the current truth, so these tables are replaced as a
whole on every run (in one transaction), with every municipality's rows (DATA-CONTRACT §6).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..warehouse import append_frame
from ..config import Municipality

DDL = """
create or replace table raw.config_municipality (
    kommun_code varchar not null, name varchar not null, county varchar,
    suppression_threshold integer not null, survey_min_respondents integer not null
);
create or replace table raw.config_area_names (
    kommun_code varchar not null, area_id varchar not null, label varchar not null,
    is_primary boolean not null, sort_order integer not null,
    lat double, lon double  -- the area's point for the map (null: none given), on each of its labels
);
create or replace table raw.config_area_population (
    kommun_code varchar not null, area_id varchar not null, year integer not null, population integer not null
);
"""


def write_config(con: duckdb.DuckDBPyConnection, municipalities: "Municipality | list[Municipality]") -> dict[str, int]:
    """Replace the three tables with every municipality's rows (DATA-CONTRACT §6), in one transaction."""
    if isinstance(municipalities, Municipality):
        municipalities = [municipalities]
    config, names, population = [], [], []
    for municipality in municipalities:
        config.append((municipality.code, municipality.name, municipality.county, municipality.suppression_threshold,
                       municipality.survey_min_respondents))
        names += [
            (municipality.code, area.id, label, label == area.name, order, area.lat, area.lon)
            for order, area in enumerate(municipality.areas, start=1)
            for label in [area.name, *area.aliases]
        ]
        population += [
            (municipality.code, area.id, year, count)
            for area in municipality.areas
            for year, count in sorted(area.population.items())
        ]
    con.execute("begin transaction")
    try:
        con.execute(DDL)
        for table, rows, columns in (
            ("config_municipality", config,
             ["kommun_code", "name", "county", "suppression_threshold", "survey_min_respondents"]),
            ("config_area_names", names,
             ["kommun_code", "area_id", "label", "is_primary", "sort_order", "lat", "lon"]),
            ("config_area_population", population, ["kommun_code", "area_id", "year", "population"]),
        ):
            frame = pd.DataFrame(rows, columns=columns)
            append_frame(con, f"raw.{table}", frame)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"municipalities": len(municipalities), "areas": sum(len(m.areas) for m in municipalities),
            "area_labels": len(names), "population_rows": len(population)}
