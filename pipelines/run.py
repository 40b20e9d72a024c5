"""`make run`: build the warehouse and every tertial's report, without the UI.

Prints one line per step, then what was rejected and why (pipelines/run_summary.py) and
where the results are; Dagster's debug log goes to output/logs/run.log.
Exits non-zero when any step fails.
"""

import contextlib
import os
import sys
import time

from .settings import Settings


def _instance():
    import dagster as dg

    # With DAGSTER_HOME set (the Makefile sets it) the runs show up in the UI too.
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _execute(job, settings: Settings, **kwargs):
    """Run a job in process; whatever it prints (dbt's log lines) goes to the log file."""
    with settings.run_log.open("a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        return job.execute_in_process(
            run_config={"loggers": {"progress": {"config": {"log_file": str(settings.run_log)}}}},
            raise_on_error=False,
            **kwargs,
        )


def _failed(settings: Settings) -> int:
    """After a failed run: what the loaded files had wrong too, so one round of fixes covers all."""
    for line in _rejections(settings):
        print(line)
    sys.stdout.flush()  # before stderr: both may go to one file
    print(f"Körningen misslyckades: rätta det som står på FEL-raderna och kör igen. Hela loggen: {settings.run_log}",
          file=sys.stderr)
    return 1


def _rejections(settings: Settings) -> list[str]:
    import duckdb

    from . import run_summary
    from .warehouse import connect

    if not settings.warehouse.exists():
        return []
    try:
        with connect(settings.warehouse, read_only=True) as con:
            files, stale = run_summary.current_rejections(con, settings.data_dir)
    except duckdb.Error:  # no audit table yet, or the file is held by another writer
        return []
    return run_summary.rejection_lines(files, stale)


def main() -> int:
    settings = Settings.from_env()
    settings.export()
    started = time.monotonic()
    print(f"lägesbild: data {settings.data_dir}", flush=True)

    from .dbt_manifest import ensure_manifest

    ensure_manifest()
    from data_quality import gate

    from .definitions import defs
    from .partitions import key_of_period, period_of_key, tertial_partitions
    from .periods import has_partition
    from . import run_summary
    from .picture import published
    from .warehouse import connect

    settings.run_log.parent.mkdir(parents=True, exist_ok=True)
    settings.run_log.write_text("", encoding="utf-8")  # the log of this run only
    instance = _instance()

    print("1/2 källor och indikatorer (ingest + dbt build)", flush=True)
    result = _execute(defs.resolve_job_def("build_warehouse"), settings, instance=instance)
    # A failed blocking quality check fails the run, but only its tertials lose their report.
    if not result.success and not gate.failed_only_on_blocking_checks(result):
        return _failed(settings)
    if not result.success:  # the figures were skipped with everything downstream of the failed check
        result = _execute(defs.resolve_job_def("build_figures"), settings, instance=instance)
        if not result.success:
            return _failed(settings)

    with connect(settings.warehouse, read_only=True) as con:
        periods = published.periods(con)
        blocked = gate.blocked_periods(con)
    # Complete tertials by the one clock (LAGESBILD_AS_OF) that Dagster also has a partition for.
    keys = [key_of_period(p) for p in periods
            if has_partition(p, settings.as_of) and tertial_partitions.has_partition_key(key_of_period(p))]
    publishable = [k for k in keys if period_of_key(k) not in blocked]
    if publishable:
        first, last = period_of_key(publishable[0]), period_of_key(publishable[-1])
        print(f"2/2 lägesbild för {len(publishable)} tertial ({first} … {last})", flush=True)
        # one run per unbroken stretch of publishable tertials (usually one)
        for start, end in gate.publishable_ranges(keys, {key_of_period(p) for p in blocked}):
            result = _execute(
                defs.resolve_job_def("build_lagesbild"),
                settings,
                instance=instance,
                tags={"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end},
            )
            if not result.success:
                return _failed(settings)
    else:
        print("2/2 inga avslutade tertial med data att publicera: ingen lägesbild skriven", flush=True)

    print(f"{'Stoppad' if blocked else 'Klart'} på {time.monotonic() - started:.1f} s.")
    print(f"  lager:      {settings.warehouse}")
    print(f"  analytiker: {settings.analytics_copy} (skrivskyddad kopia, öppna den med read_only)")
    print(f"  rapporter:  {settings.output_dir}/<tertial>/lagesbild.html|.pdf|.xlsx, pledges/<löfte>.md")
    reports = run_summary.quality_reports(settings.output_dir)
    if reports:
        print(f"  kvalitet:   {reports[-1]}" + (" (senaste tertialet; en per tertial)" if len(reports) > 1 else ""))
    print(f"  logg:       {settings.run_log}")
    for line in _rejections(settings):
        print(line)
    if blocked:
        sys.stdout.flush()
        print(gate.explain(blocked), file=sys.stderr)
        paths = run_summary.quality_reports(settings.output_dir, list(blocked))
        for path in paths or [f"{settings.output_dir}/<tertial>/datakvalitet.html"]:
            print(f"  Vad som ska rättas: {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
