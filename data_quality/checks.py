"""The Dagster asset checks that run the suites: one multi-asset check per layer.

- `raw_quality`: every raw table, non-blocking (a failure is a warning, recorded).
- `marts_quality`: every analyst-facing mart, `blocking=True`: a failed error-severity
  expectation skips the downstream lägesbild in the same run, and gate.py keeps it from
  being written in later runs. After recording, it writes the Swedish quality report
  (datakvalitet.html) of every tertial, so the coordinator gets it precisely when a
  check fails.

One step per layer, not per table: each step costs Dagster's per-step overhead. GX's
import (~3 s of Python) is paid once per process, in a thread begun when dbt starts
(`import_suites`, called from the dbt step when the run checks): it runs while dbt works.
"""

import importlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

import dagster as dg

from pipelines.resources import Warehouse
from pipelines.settings import Settings, quality_docs_dir
from pipelines.warehouse import connect

from . import results
from .tables import MARTS, RAW, Table
from .validate import TableOutcome

CHECK_NAME = "gx_suite"
_suites: Future | None = None  # the import of data_quality.suites (GX), once per process


def import_suites() -> Future:
    """Begin importing the suites (and GX) in a thread, once per process; the Future of the module.
    Nothing imports GX before a run checks: loading the definitions stays free of it."""
    global _suites
    if _suites is None or (_suites.done() and _suites.exception() is not None):  # again after a failure
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gx-import")
        _suites = pool.submit(importlib.import_module, "data_quality.suites")
        pool.shutdown(wait=False)  # the thread ends with the import
    return _suites


def checks_in_run(context: dg.AssetExecutionContext) -> bool:
    """Whether this run validates with the GX suites: the run's check selection (a subset chosen in
    the UI), else its job's checks."""
    selection = context.run.asset_check_selection
    if selection is None:
        selection = context.job_def.asset_layer.asset_graph.asset_check_keys
    return any(key.name == CHECK_NAME for key in selection)


def validate_warehouse(
    settings: Settings, tables: list[Table], *, run_id: str, timings: dict[str, float] | None = None
) -> list[TableOutcome]:
    """Read, validate, record: the suites of `tables` on the warehouse in `settings`.

    The warehouse is opened read-only while GX works, so analysts can keep reading;
    it is opened for writing only to append the results. `timings` receives seconds per
    phase (import, read, validate, docs, record).
    """
    timings = {} if timings is None else timings
    from .validate import read_frames, run_suites

    # GX's import (~3 s of Python) in a thread, begun while dbt ran or now, while DuckDB reads the
    # tables (native code, without the GIL): on two cores the one mostly hides the other.
    loading = import_suites()
    # Two clocks on purpose: the rules ("in the future") use the as-of date of the settings;
    # `now` records when the validation ran (checked_at, GX's run time).
    now = datetime.now().replace(microsecond=0)
    clock = time.perf_counter()
    with connect(settings.warehouse, read_only=True) as con:
        previous = results.previous_row_counts(con, run_id)
        frames = read_frames(con, tables)
        timings["read"] = time.perf_counter() - clock
        clock = time.perf_counter()
        suite_code = loading.result()  # imports GX
        timings["import"] = time.perf_counter() - clock  # what the reading did not hide
        inputs = suite_code.read_inputs(con, as_of=settings.as_of, previous_row_counts=previous)
    suites = {t.name: suite_code.expectations(t, inputs) for t in tables if frames.get(t.name) is not None}
    layer = tables[0].layer if tables else "raw"
    outcomes = run_suites(
        tables, frames, suites, run_id=run_id, now=now, docs_dir=quality_docs_dir(settings.output_dir, layer),
        timings=timings,
    )
    clock = time.perf_counter()
    with connect(settings.warehouse) as con:
        results.record(con, outcomes, run_id=run_id, checked_at=now)
    timings["record"] = time.perf_counter() - clock
    return outcomes


def _result(outcome: TableOutcome) -> dg.AssetCheckResult:
    key = dg.AssetKey(outcome.table.key)
    if outcome.skipped:
        return dg.AssetCheckResult(
            asset_key=key, check_name=CHECK_NAME, passed=True, description=f"Skipped: {outcome.skipped}",
            metadata={"skipped": outcome.skipped},
        )
    failures = outcome.failures
    metadata = {
        "rows": outcome.row_count,
        "expectations": len(outcome.expectations),
        "failed": len(failures),
        "seconds": round(outcome.seconds, 2),
    }
    if outcome.docs_page:
        metadata["data_docs"] = dg.MetadataValue.path(str(outcome.docs_page))
    if failures:
        metadata["failures"] = dg.MetadataValue.md(
            "\n".join(f"- **{f.severity}** `{f.expectation}` {f.column or ''}: {f.message_sv}" for f in failures)
        )
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=CHECK_NAME,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR if outcome.severity == "error" else dg.AssetCheckSeverity.WARN,
        description=failures[0].message_sv if failures else None,
        metadata=metadata,
    )


def _layer_check(name: str, tables: list[Table], description: str) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            CHECK_NAME,
            asset=t.key,
            blocking=t.blocking,
            description=f"Great Expectations suite of {t.name} ({t.label})"
            + ("; blocks the lägesbild when an error-level expectation fails." if t.blocking else "; warns."),
        )
        for t in tables
    ]

    @dg.multi_asset_check(specs=specs, name=name, can_subset=True, description=description)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        selected = [
            t for t in tables if dg.AssetCheckKey(dg.AssetKey(t.key), CHECK_NAME) in context.selected_asset_check_keys
        ]
        started, timings = time.perf_counter(), {}
        outcomes = validate_warehouse(
            warehouse.settings, selected, run_id=context.op_execution_context.run_id, timings=timings
        )
        failed = [o for o in outcomes if not o.skipped and not o.passed]
        phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in timings.items())
        context.log.info(
            f"{len(outcomes)} tables validated in {time.perf_counter() - started:.1f} s ({phases}); "
            f"{len(failed)} with failures"
        )
        for outcome in failed:
            for failure in outcome.failures:
                context.log.warning(f"{outcome.table.name}: {failure.message_sv}")
        for outcome in outcomes:
            yield _result(outcome)
        if tables and tables[0].layer == "marts":
            # after the results: a failing report must not hide what the checks found
            from .summary import write_all

            written = write_all(warehouse.settings)
            context.log.info(f"quality reports (datakvalitet.html) written for {len(written)} tertials")

    return _check


def build_quality_checks(assets) -> list[dg.AssetChecksDefinition]:
    """The checks for those raw tables and marts that `assets` define (fct_pledge_followup
    gets its check as soon as its dbt model exists)."""
    keys = {key for asset in assets for key in asset.keys}
    raw = [t for t in RAW if dg.AssetKey(t.key) in keys]
    marts = [t for t in MARTS if dg.AssetKey(t.key) in keys]
    checks = []
    if raw:
        checks.append(_layer_check("raw_quality", raw, "Data quality of the loaded sources (warns, never blocks)."))
    if marts:
        checks.append(
            _layer_check("marts_quality", marts, "Data quality of the marts; a failure blocks the lägesbild.")
        )
    return checks
