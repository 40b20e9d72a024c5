"""What each municipality's published figures are built from, as one digest per municipality.

A municipality's rows of marts.fct_published_figures (figures.py) are a function of its own
rows of the tables marts.py reads, plus what every municipality shares (time and category
dimensions, the region's municipalities, the dbt vars, the code). Both are digested here
with DuckDB (an order-free sum of row hashes per kommun_code, well under a second for the
whole country), so a run rebuilds the figures of exactly the municipalities whose inputs
changed, whatever file changed them; a change to what they share rebuilds them all.

The automatic checks' summary (table kvalitet_kontroller: the warnings that concern a
tertial) is the same for every municipality and may change on any validation: it is left out
here and written into every municipality's rows by rebuild.py instead.

In a region, the overview's rows (region_figures.py) get one digest per tertial: its rows of
marts.fct_municipality_comparison and the municipalities' cells the overview repeats. Every cell
and additive line of the overview's suppression belongs to one tertial, so a tertial whose digest
is the same prints the same rows, and rebuild.py keeps them.
"""

from __future__ import annotations

import hashlib

import duckdb

from ..dbt_vars import PROJECT_FILE
from ..settings import REPO_ROOT
from ..warehouse import has_column, table_exists
from .marts import PARTS
from .sources import SECTION_TABLES

SHARED = "*"  # the key of the digest of what every municipality shares

# Read per municipality outside Shared.part (kommun_code null: a region's shared root file, which
# every municipality reads).
OWN = {
    "free_text": ("intermediate", "int_survey_free_text",
                  "select t.kommun_code, t.period, a.area_name, trim(t.answer_text) as text "
                  "from intermediate.int_survey_free_text t left join marts.dim_area a "
                  "on a.area_id = t.area_id and a.kommun_code = t.kommun_code"),
    # loaded_kinds: the sources with rows for a municipality
    "loaded": ("audit", "loaded_files", "select kommun_code, source_kind, rows_loaded from audit.loaded_files"),
    # the data-quality section's tables (sources.SECTION_TABLES), counted in dbt per municipality
    **{name: (*table.split("."), f"select * from {table}") for name, (table, _, _) in SECTION_TABLES.items()},
    "source_dates": ("intermediate", "int_source_dates",
                     "select kommun_code, source, data_date from intermediate.int_source_dates"),
    # the map, the survey per sector, the action plan, the coordinator's words, Kolada (rows of a
    # county or the country have a code that is no municipality's: they count as shared)
    **{name: ("marts", name, f"select * from marts.{name}")
       for name in ("fct_area_comparison", "fct_survey_by_sector", "fct_action_followup",
                    "fct_coordinator_analysis", "fct_reference_kpis")},
}
# What every municipality's figures read alike; dim_municipality whole, since a region's
# comparisons name, group (county) and suppress (strictest threshold) by every municipality.
ALL = {
    "categories": "select category_id, name_sv, sort_order from marts.dim_problem_category",
    "months": "select * from marts.dim_month",
    "periods": "select * from marts.dim_period",
    "municipalities": "select kommun_code, kommun_name, county, suppression_threshold, survey_min_respondents "
                      "from marts.dim_municipality",
}
# The code that turns these inputs into figures.
CODE = ["figures.py", "marts.py", "suppression.py", "sources.py", "inputs.py", "region_figures.py", "maps.py",
        "../dbt_vars.py", "../periods.py"]


def _grouped(con, sql: str) -> dict:
    """kommun_code -> an order-free digest of that municipality's rows of `sql`. Ordered by code:
    the digests of codes that are no municipality's (a county's) are appended to the shared
    digest in this order, and a group by alone returns them in any order."""
    return dict(con.execute(
        f"select kommun_code, sum(hash(q)::hugeint)::varchar || ':' || count(*) from ({sql}) as q "
        "group by 1 order by 1 nulls first"
    ).fetchall())


def _whole(con, sql: str) -> str:
    return con.execute(f"select sum(hash(q)::hugeint)::varchar || ':' || count(*) from ({sql}) as q").fetchone()[0]


def digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """kommun_code -> digest of its figures' inputs, and SHARED -> digest of the shared ones
    (a municipality's rows of a table without kommun_code count as shared)."""
    codes = [r[0] for r in con.execute("select kommun_code from marts.dim_municipality order by 1").fetchall()]
    parts: dict[str, list[str]] = {code: [] for code in [SHARED, *codes]}
    shared = parts[SHARED]
    code_digest = hashlib.sha256()
    for name in CODE:
        path = (REPO_ROOT / "pipelines" / "picture" / name).resolve()
        code_digest.update(name.encode() + path.read_bytes())
    shared += [code_digest.hexdigest(), PROJECT_FILE.read_text(encoding="utf-8"), ",".join(codes)]
    for name, sql in ALL.items():
        shared.append(f"{name}={_whole(con, sql)}")
    queries = {name: (sql, None) for name, sql in PARTS.items()}
    queries |= {name: (sql, (schema, table)) for name, (schema, table, sql) in OWN.items()}
    for name, (sql, source) in queries.items():
        if source is not None and not table_exists(con, *source):
            shared.append(f"{name}=absent")
            continue
        if source is not None and not has_column(con, *source, "kommun_code"):  # tolerated alone: all shared
            shared.append(f"{name}={_whole(con, 'select * from {}.{}'.format(*source))}")
            continue
        try:
            by_code = _grouped(con, sql)
        except duckdb.Error:  # a table marts.py tolerates missing (an older warehouse)
            shared.append(f"{name}=unreadable")
            continue
        for code, digest in by_code.items():
            parts.get(SHARED if code is None else code, shared).append(f"{name}={digest}")
    return {code: hashlib.sha256("\n".join(items).encode()).hexdigest() for code, items in parts.items()}


TABLE = "audit.published_figures_inputs"


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The digests the figures in marts.fct_published_figures were built from ({}: unknown)."""
    if not table_exists(con, "audit", "published_figures_inputs"):
        return {}
    return dict(con.execute(f"select kommun_code, digest from {TABLE}").fetchall())


def forget(con: duckdb.DuckDBPyConnection) -> None:
    """Before the figures are rewritten: a build that stops half-way leaves no digest to trust."""
    con.execute(f"drop table if exists {TABLE}")
    con.execute(f"drop table if exists {REGION_TABLE}")


def store(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    con.execute("create schema if not exists audit")
    con.execute(f"create or replace table {TABLE} (kommun_code varchar primary key, digest varchar not null)")
    con.executemany(f"insert into {TABLE} values (?, ?)", sorted(values.items()))


# ---------------------------------------------------------------------------- the overview, per tertial

REGION_TABLE = "audit.region_figures_inputs"
PRINTED = ["kommun_code", "period", "table_name", "row_key", "column_key", "shown"]


def region_digests(con: duckdb.DuckDBPyConnection, printed) -> dict[str, str]:
    """period -> digest of the overview's inputs of that tertial: its rows of
    marts.fct_municipality_comparison and of `printed` (the municipalities' cells the overview
    repeats, region_figures.printed: kommun_code, period, table_name, row_key, column_key, shown)."""
    if not table_exists(con, "marts", "fct_municipality_comparison"):
        return {}
    marts = dict(con.execute("select period, sum(hash(q)::hugeint)::varchar || ':' || count(*) "
                             "from marts.fct_municipality_comparison as q group by 1").fetchall())
    con.register("_printed_cells", printed[PRINTED])
    try:  # cast: a column of pandas None alone is no varchar, and must hash as one
        cells = dict(con.execute(
            "select period, sum(hash(" + ", ".join(f"{c}::varchar" for c in PRINTED) + ")::hugeint)::varchar"
            " || ':' || count(*) from _printed_cells group by 1").fetchall())
    finally:
        con.unregister("_printed_cells")
    return {period: hashlib.sha256(f"{digest}|{cells.get(period, '')}".encode()).hexdigest()
            for period, digest in marts.items()}


def stored_region(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The digests the overview's rows were built from, per tertial ({}: unknown)."""
    if not table_exists(con, "audit", "region_figures_inputs"):
        return {}
    return dict(con.execute(f"select period, digest from {REGION_TABLE}").fetchall())


def store_region(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    con.execute("create schema if not exists audit")
    con.execute(f"create or replace table {REGION_TABLE} (period varchar primary key, digest varchar not null)")
    con.executemany(f"insert into {REGION_TABLE} values (?, ?)", sorted(values.items()))
