"""Data quality: Great Expectations suites as code, the Dagster asset checks that run them,
the gate that keeps a wrong lägesbild from being published, and the coordinator's report.

Modules
-------
tables.py    the checked tables (Swedish names, columns read, which block the report)
suites.py    one GX suite per table (raw: warn; marts: critical, blocking)
validate.py  GX 1.x, pandas data source on DataFrames read from DuckDB (text through Arrow); Data Docs
results.py   audit.quality_results (run_id, table_name, expectation, success, observed_value,
             checked_at, plus severity, blocking, periods, row_count, message_sv, …)
checks.py    `build_quality_checks(assets)`: the `raw_quality` and `marts_quality` multi-asset
             checks (check name `gx_suite` on every table's asset key)
gate.py      which tertials may be published; helpers for `make run`
summary.py   the Swedish quality report per municipality and tertial, settings.period_dir(period,
             code)/datakvalitet.html (output/<period>/ for a single data dir)

How blocking works
------------------
`marts_quality` is `blocking=True` on the mart asset keys. In one Dagster run, a failed
error-severity expectation fails the check step, and Dagster skips every downstream asset
(the lägesbild). `make run` renders the lägesbild in a second run, so that run reads the
verdict from audit.quality_results: `gate.blocked_periods(con)` maps each stopped tertial
to the failures that stop it. A failure is attributed to the tertials of its failing rows
(`period` column of fct_problem_indicators, dim_period, fct_pledge_followup); a failure that
concerns a whole table (a duplicated area in dim_area, an empty dimension) stops every
tertial. Raw suites never block: they warn and record.

API for the lägesbild (picture/)
--------------------------------
    from data_quality import gate, quality_summary, write_quality_summary

    blocked = gate.blocked_periods(con, periods)      # {period: [Blocker]}; empty = publish
    if blocked: raise dg.Failure(gate.explain(blocked))  # refuse to render those tertials

    s = quality_summary(con, period, kommun_code=code)   # read-only; QualitySummary (summary.py)
    s = write_quality_summary(con, period, output_dir, kommun_code=code,
                              period_dir=settings.period_dir(period, code))   # also writes datakvalitet.html

(`kommun_code` may be left out when the warehouse has one municipality.)

`QualitySummary` (frozen dataclass) for the *Datakvalitet* section:
    period, municipality, kommun_code, municipalities (configured), checked_at
    blocked: bool, blockers / warnings / failures: tuple[Failure]   (Failure.message is Swedish)
    tables: tuple[TableCheck]         table, label (sv), layer, rows, expectations, failed, status
    checks_total, checks_failed
    rejected: tuple[RejectedReason]   source_label, reason (sv), rows, whole_files, examples
    rejected_rows, rejected_files
    ignored_columns: tuple[IgnoredColumn]   source_file, column, reason
    sources: tuple[SourceCoverage]    label, unit, rows, unknown_area_rows (the unknown area, 'okant'),
                                      months_without_data, areas_without_data
    outside: tuple[OutsideRows], outside_rows, outside_text   rows of shared sources for
                                      municipalities outside the data dir (Swedish line)
    html_path                         set by write_quality_summary
Checks are the warehouse's (one validation for all municipalities); rejected rows, ignored
columns and coverage are the municipality's own plus the shared root files'.
The marts check already writes datakvalitet.html for every municipality's every tertial with a
lägesbild partition after each validation (also when it fails); the picture need only link to it
(`datakvalitet.html` next to `lagesbild.html`) and show the summary's figures.
"""

from .gate import Blocker, blocked_periods
from .summary import (
    Failure,
    IgnoredColumn,
    OutsideRows,
    QualitySummary,
    RejectedReason,
    SourceCoverage,
    TableCheck,
    quality_summary,
    write_quality_summary,
)

__all__ = [
    "Blocker",
    "Failure",
    "IgnoredColumn",
    "OutsideRows",
    "QualitySummary",
    "RejectedReason",
    "SourceCoverage",
    "TableCheck",
    "blocked_periods",
    "quality_summary",
    "write_quality_summary",
]
