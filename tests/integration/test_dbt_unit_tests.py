"""dbt's unit tests (`unit_tests:` in the models' YAML): the rules of the marts on fixed
inputs — partial tertials, unknown months, the newest event version, whole-month extract
precedence, the respondent minimum, the exact test, Benjamini–Hochberg, Wilson, season
against season. The pipeline's `dbt build` leaves them out; they run here, once."""

import json
import os
import shutil
import subprocess

from pipelines.resources import dbt_executable
from pipelines.settings import DBT_PROJECT_DIR


def test_every_dbt_unit_test_passes(sample_run, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(sample_run.warehouse, warehouse)  # the models' parents must exist for dbt to compile
    target = tmp_path / "target"
    done = subprocess.run(
        [dbt_executable(), "test", "--select", "test_type:unit", "--profiles-dir", str(DBT_PROJECT_DIR),
         "--project-dir", str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(target)],
        cwd=DBT_PROJECT_DIR, env={**os.environ, "LAGESBILD_WAREHOUSE": str(warehouse)},
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert len(results) >= 15 and all(r["status"] == "pass" for r in results)
    assert {"int_indicator_trends", "int_police_event_versions", "int_police_reported_monthly",
            "int_pledge_followup", "fct_action_followup", "fct_pledge_followup"} <= {r["unique_id"].split(".")[2] for r in results}
