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


def _execute(job, settings: Settings, *, tags: dict | None = None, **kwargs):
    """Run a job in process; whatever it prints (dbt's log lines) goes to the log file. Tagged as
    `make run`'s: it reports its own failures (pipelines/alerts.py), the failure sensor does not."""
    from .alerts import MAKE_RUN, STARTED_BY_TAG
    from .turn import owner_tags

    with settings.run_log.open("a", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        return job.execute_in_process(
            run_config={"loggers": {"progress": {"config": {"log_file": str(settings.run_log)}}}},
            raise_on_error=False,
            tags={**(tags or {}), STARTED_BY_TAG: MAKE_RUN, **owner_tags()},
            **kwargs,
        )


def _alert(settings: Settings, *, job: str, run_id: str = "", tags=None, errors=(), what: str = "") -> None:
    """Tell someone (alert log, e-mail, webhook: pipelines/alerts.py), as the failure sensor does."""
    from . import alerts

    alert = alerts.describe(job=job, run_id=run_id, tags={**(tags or {}), alerts.STARTED_BY_TAG: alerts.MAKE_RUN},
                            errors=errors, settings=settings, what=what)
    for problem in alerts.report(alert, settings):
        print(f"  VARNING: {problem}", file=sys.stderr)


def _failed(settings: Settings, result=None) -> int:
    """After a failed run: what the loaded files had wrong too, so one round of fixes covers all."""
    if result is not None:
        from .alerts import step_errors

        errors = step_errors([e for e in result.all_events if e.is_step_failure], settings.run_log)
        _alert(settings, job=result.job_def.name, run_id=result.run_id, tags=result.dagster_run.tags, errors=errors)
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


def _fetch_sources(defs, settings: Settings, instance) -> list[str]:
    """Switched on (LAGESBILD_CONNECTORS, DATA-CONTRACT §7): fetch once from each live source
    before loading, so the files it writes load in this run. A failed fetch is a warning line;
    the run goes on with the files already there. Switched off: nothing, no network."""
    from .connectors.outcome import Outcome
    from .settings import ConnectorSettings

    connectors = ConnectorSettings.from_env()
    if not connectors.enabled:
        return []
    print(f"0/2 hämtar från live-källor: {', '.join(connectors.enabled)}", flush=True)
    result = _execute(defs.resolve_job_def("fetch_sources"), settings, instance=instance)
    lines = []
    for event in result.get_asset_materialization_events():
        name = event.asset_key.path[-1]
        meta = {key: value.value for key, value in event.materialization.metadata.items()}
        if name not in connectors.enabled:
            continue
        outcome = Outcome(name, settings.as_of, calls=meta.get("calls", 0), bytes=meta.get("bytes", 0),
                          files=list(meta.get("files_written") or []), newest_data=meta.get("newest_data") or None)
        lines.append(outcome.line())
        lines += [f"  VARNING: {text}" for text in meta.get("warnings") or []]
    # freshness (connectors/freshness.py): a source not fetched successfully for too long
    lines += [f"  VARNING: {event.description}" for event in result.get_asset_check_evaluations()
              if not event.passed and event.description]
    if not result.success:
        lines.append(f"  VARNING: hämtningen misslyckades; körningen fortsätter med filerna som finns ({settings.run_log})")
    return lines


def main(argv: list[str] | None = None) -> int:
    from .settings import ConnectorSettings, ConnectorSettingsError

    try:
        ConnectorSettings.from_env()
    except ConnectorSettingsError as exc:
        print(exc, file=sys.stderr)
        return 1
    settings = Settings.from_env()
    settings.export()
    rebuild = "--rebuild" in (argv or [])
    print(f"lägesbild: data {settings.data_dir}", flush=True)
    from .turn import NotMyTurn, my_turn

    instance = _instance()
    say = lambda line: print(line, flush=True)  # noqa: E731
    try:
        # One writer: a second make run, or a run of the daemon, goes first (pipelines/turn.py).
        with my_turn(instance, say, max_wait=settings.run_wait, on_dead=lambda run: _killed(settings, run)):
            return _guarded(settings, instance, rebuild)
    except NotMyTurn as exc:
        print(exc, file=sys.stderr)
        return 75  # EX_TEMPFAIL: nothing done, try again later


def _killed(settings: Settings, run) -> None:
    """A run whose process is gone (kill -9, power cut) is reported like any failed run."""
    _alert(settings, job=run.job_name, run_id=run.run_id, tags=run.tags,
           errors=["processen som körde jobbet finns inte längre (avbruten, t.ex. kill -9 eller strömavbrott)"],
           what="en körning avbröts mitt i")


def _guarded(settings: Settings, instance, rebuild: bool) -> int:
    """The run, after what a killed run left is cleared and the warehouse checked (or set aside)."""
    from . import atomic, warehouse_file

    # What a killed run left: its hidden temporaries (never a half-written report: pipelines/atomic.py).
    for folder in {settings.output_dir, settings.warehouse.parent, settings.analytics_copy.parent}:
        atomic.sweep(folder)
    aside = None
    if rebuild:  # `make rebuild`: the old warehouse stays aside until the new one is built
        aside = warehouse_file.set_aside(settings.warehouse)
        print(f"Bygger om lagret {settings.warehouse} från filerna i datamappen"
              + (f" (det gamla ligger kvar som {aside} tills bygget lyckats)." if aside else "."), flush=True)
    else:
        line = warehouse_file.check(settings.warehouse)
        if line:
            print(line, flush=True)
    try:
        code = _run(settings, instance)
    except BaseException as exc:
        if isinstance(exc, Exception):
            _alert(settings, job="make run", errors=[f"{type(exc).__name__}: {exc}"])
        if rebuild:
            warehouse_file.restore(aside, settings.warehouse)
        raise
    # Built (a stopped tertial included: the marts are there) or not: the old one comes back.
    if rebuild and warehouse_file.has_marts(settings.warehouse):
        warehouse_file.discard(aside)
    elif rebuild:
        warehouse_file.restore(aside, settings.warehouse)
        print(f"Ombyggnaden misslyckades: det gamla lagret är tillbaka som {settings.warehouse}.", file=sys.stderr)
    return code


def _run(settings: Settings, instance) -> int:
    started = time.monotonic()

    from .dbt_manifest import ensure_manifest

    ensure_manifest()
    from data_quality import gate

    from . import changes
    from .definitions import build_defs
    from .partitions import KOMMUN, key_of_period, period_of_key, range_tags, tertial_partitions
    from .periods import has_partition
    from . import run_summary
    from .picture import published
    from .warehouse import connect

    settings.run_log.parent.mkdir(parents=True, exist_ok=True)
    settings.run_log.write_text("", encoding="utf-8")  # the log of this run only
    # The definitions of this data dir's municipalities (the lägesbild's partitions), also when
    # one process runs several data dirs one after another (the tests).
    defs = build_defs(settings)

    for line in _fetch_sources(defs, settings, instance):
        print(line, flush=True)
    # Only what changed since the last run, and what depends on it (pipelines/changes.py).
    plan = changes.plan(settings)
    if plan.stale:
        print(f"1/2 källor och indikatorer (ingest + dbt build): {_plan_text(plan)}", flush=True)
        result = _execute(defs.resolve_job_def("build_warehouse"), settings, instance=instance,
                          asset_selection=plan.asset_keys)
        # A failed blocking quality check fails the run, but only its tertials lose their report.
        if not result.success and not gate.failed_only_on_blocking_checks(result):
            return _failed(settings, result)
        if not result.success:  # the figures were skipped with everything downstream of the failed check
            result = _execute(defs.resolve_job_def("build_figures"), settings, instance=instance)
            if not result.success:
                return _failed(settings, result)

    with connect(settings.warehouse, read_only=True) as con:
        periods = published.periods(con)
        municipalities = published.municipalities(con)
        blocked = gate.blocked_periods(con)
    # Every municipality of the lägesbild's partitions (the data dir's, when the definitions loaded).
    lagesbild = defs.resolve_job_def("build_lagesbild")
    codes = lagesbild.partitions_def.get_partitions_def_for_dimension(KOMMUN).get_partition_keys()
    # Complete tertials by the one clock (LAGESBILD_AS_OF) that Dagster also has a partition for.
    keys = [key_of_period(p) for p in periods
            if has_partition(p, settings.as_of) and tertial_partitions.has_partition_key(key_of_period(p))]
    publishable = [k for k in keys if period_of_key(k) not in blocked]
    # The tertials whose report is missing or prints other figures now (picture/fingerprint.py).
    stale = changes.stale_reports(settings, publishable, codes) if set(codes) & set(municipalities) else []
    if not plan.stale and not stale:
        print(NOTHING_NEW, flush=True)
        if blocked:
            print(gate.explain(blocked), file=sys.stderr)
            return 1
        return 0
    if publishable and set(codes) & set(municipalities):
        first, last = period_of_key(publishable[0]), period_of_key(publishable[-1])
        several = f" × {len(municipalities)} kommuner" if settings.is_region else ""
        kept = f"; {len(publishable) - len(stale)} oförändrade" if len(stale) < len(publishable) else ""
        print(f"2/2 lägesbild för {len(publishable)} tertial ({first} … {last}){several}{kept}", flush=True)
        # One run per unbroken stretch of publishable tertials from the first to the last stale one
        # (usually one), each over every municipality: a range of municipality × tertial is their
        # cross product; the asset skips the current reports within it.
        span = keys[keys.index(stale[0]):keys.index(stale[-1]) + 1] if stale else []
        for start, end in gate.publishable_ranges(span, {key_of_period(p) for p in blocked}):
            result = _execute(lagesbild, settings, instance=instance, tags=range_tags(codes, start, end))
            if not result.success:
                return _failed(settings, result)
    else:
        print("2/2 inga avslutade tertial med data att publicera: ingen lägesbild skriven", flush=True)

    print(f"{'Stoppad' if blocked else 'Klart'} på {time.monotonic() - started:.1f} s.")
    print(f"  lager:      {settings.warehouse}")
    print(f"  analytiker: {settings.analytics_copy} (skrivskyddad kopia, öppna den med read_only)")
    for line in report_lines(settings):
        print(line)
    print(f"  logg:       {settings.run_log}")
    for line in _rejections(settings):
        print(line)
    if blocked:
        sys.stdout.flush()
        print(gate.explain(blocked), file=sys.stderr)
        _alert(settings, job="build_warehouse", errors=gate.explain(blocked).splitlines(),
               what=f"datakvalitetskontroller stoppade lägesbilden för {', '.join(blocked)}")
        paths = [p for folder in _report_folders(settings) for p in run_summary.quality_reports(folder, list(blocked))]
        for path in paths or [f"{settings.output_dir}/<tertial>/datakvalitet.html"]:
            print(f"  Vad som ska rättas: {path}", file=sys.stderr)
        return 1
    return 0


NOTHING_NEW = "Inget nytt sedan senaste körningen: lager, analytikerkopia och rapporter är oförändrade."


def _plan_text(plan) -> str:
    """What the run will do, in one phrase: everything, or the sources that changed."""
    from .changes import graph

    if plan.reason:
        return f"allt ({plan.reason})"
    sources = plan.ingest_changed()
    kinds = {graph().kind[k] for k in plan.stale}
    if sources:
        return f"ändrat: {', '.join(k.split('/')[1] for k in sources)}; {len(plan.stale)} steg"
    if "dbt" in kinds:
        return f"modellerna ändrade; {len(plan.stale)} steg"
    return f"{len(plan.stale)} steg ({', '.join(plan.stale)})"


def _report_folders(settings: Settings) -> list:
    """Each municipality's output folder (the output dir itself for a single municipality)."""
    if not settings.is_region:
        return [settings.output_dir]
    return [settings.municipality_output_dir(entry.code) for entry in settings.municipalities]


def report_lines(settings: Settings) -> list[str]:
    """Where the reports are: one line for a single municipality, one per municipality in a region."""
    from . import run_summary

    # the PDF only where LAGESBILD_PDF gives one (a region: none by default; `make pdf` afterwards)
    pdf = "|.pdf" if settings.wants_pdf(None if not settings.is_region else "") or settings.pdf == "all" else ""
    files = f"<tertial>/lagesbild.html{pdf}|.xlsx, pledges/<löfte>.md"
    if not settings.is_region:
        lines = [f"  rapporter:  {settings.output_dir}/{files}"]
    else:
        lines = [f"  rapporter:  en mapp per kommun, i varje {files}:"]
        lines += [f"    {entry.name} ({entry.code}): {settings.municipality_output_dir(entry.code)}/"
                  for entry in settings.municipalities]
    if settings.internal:  # DATA-CONTRACT §4.2: the internal edition beside each report
        lines.append("  intern:     <tertial>/intern/ bredvid varje rapport: internt arbetsmaterial, får inte spridas")
    reports = [p for folder in _report_folders(settings) for p in run_summary.quality_reports(folder)]
    if reports and not settings.is_region:
        lines.append(f"  kvalitet:   {reports[-1]}" + (" (senaste tertialet; en per tertial)" if len(reports) > 1 else ""))
    elif reports:
        latest = max(reports, key=lambda p: p.parent.name)
        lines.append(f"  kvalitet:   datakvalitet.html bredvid varje lagesbild.html, t.ex. {latest}")
    overviews = sorted(settings.region_dir("x").parent.glob("*/oversikt.html"))
    if overviews:
        lines.append(f"  översikt:   {overviews[-1]} (regionen, senaste tertialet)")
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
