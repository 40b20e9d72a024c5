"""GX is a fixed cost only of runs that check: loading the definitions does not import it, and
the dbt step begins its import (in a thread, while dbt works) only when the run's checks
include the GX suites."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg

from data_quality.checks import CHECK_NAME, checks_in_run, import_suites
from tests.conftest import REPO, dbt_manifest


def test_loading_the_definitions_imports_no_great_expectations():
    dbt_manifest()  # this worker's, which loading the definitions needs
    code = ("import sys; from pipelines.definitions import defs; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'great_expectations'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _checked_in(selection: dg.AssetSelection) -> bool:
    seen = []

    @dg.asset
    def table(context):
        seen.append(checks_in_run(context))

    @dg.asset_check(asset=table, name=CHECK_NAME)
    def suite():
        return dg.AssetCheckResult(passed=True)

    job = dg.define_asset_job("job", selection=selection)
    defs = dg.Definitions(assets=[table], asset_checks=[suite], jobs=[job])
    assert defs.resolve_job_def("job").execute_in_process().success
    return seen[0]


def test_a_run_checks_when_its_selection_has_the_suites():
    assert _checked_in(dg.AssetSelection.all())
    assert not _checked_in(dg.AssetSelection.all().without_checks())


def test_the_suites_are_imported_once_per_process():
    first = import_suites()
    assert import_suites() is first
    assert first.result().__name__ == "data_quality.suites"
    assert "great_expectations" in sys.modules
