"""A region of two municipalities from the sample warehouse, for the overview's tests:
Östhammar's rows of the marts the comparison is built from copied under a second code
(Tierp, 0360, with twice the population), then fct_municipality_comparison and its tests
rebuilt by dbt on that warehouse."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import REPO

DBT = Path(sys.executable).parent / "dbt"
FIRST, SECOND, SECOND_NAME = "0382", "0360", "Tierp"
# The models fct_municipality_comparison reads (and the lägesbild's own marts, so that the second
# municipality's lägesbild hides what the first one's hides), and how the copy differs.
COPIED = {
    "marts.dim_municipality": f"kommun_name := '{SECOND_NAME}'",
    "marts.dim_municipality_period": None,
    "marts.dim_area": None,
    "marts.fct_problem_indicators": None,
    "marts.fct_survey_by_category": None,
    "intermediate.int_area_population_by_year": "population := population * 2",
    "intermediate.int_municipality_population_by_year": "population := population * 2",
    "intermediate.int_partner_reports": None,
}


def copy_warehouse(source: Path, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "lagesbild.duckdb"
    shutil.copy(source, target)
    return target


def add_second_municipality(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for table, change in COPIED.items():
            replace = ", ".join([f"'{SECOND}' as kommun_code", *([_replacement(change)] if change else [])])
            con.execute(f"insert into {table} select * replace ({replace}) from {table} where kommun_code = ?",
                        [FIRST])


def _replacement(change: str) -> str:
    column, expression = change.split(" := ", 1)
    return f"{expression} as {column}"


def dbt_build_comparison(warehouse: Path, work: Path) -> subprocess.CompletedProcess:
    """`dbt build` of fct_municipality_comparison and its tests on `warehouse`."""
    return subprocess.run(
        [str(DBT), "build", "--select", "fct_municipality_comparison", "--profiles-dir", ".",
         "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=REPO / "dbt_project", env={**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True, timeout=600,
    )


def two_municipalities(sample_warehouse: Path, base: Path) -> Path:
    warehouse = copy_warehouse(sample_warehouse, base / "warehouse")
    add_second_municipality(warehouse)
    result = dbt_build_comparison(warehouse, base)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return warehouse


def publish_region(warehouse: Path):
    """What the picture asset does: the municipalities' figures, then the region's
    (region_figures.build with the same run's frame), written as one table."""
    import pandas as pd

    from pipelines.picture import figures, published, region_figures

    with duckdb.connect(str(warehouse)) as con:
        frame = figures.build(con)
        region = region_figures.build(con, frame)
        published.write(con, pd.concat([frame, region], ignore_index=True))
    return frame, region
