"""Run the suites with Great Expectations on DataFrames read from DuckDB, and build Data Docs.

GX's SQL path on DuckDB fails in every metric (DESIGN.md), so each table is read with
`.df()` (only the columns its suite needs) and validated through GX's pandas data source.
One ephemeral GX context per call: nothing of GX's own is kept on disk except the Data
Docs HTML; the results that matter go to audit.quality_results (results.py).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from .tables import Table

# GX: no progress bars in batch runs, no usage statistics (offline machines).
os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

SEVERITY = {"critical": "error", "warning": "warn", "info": "warn"}
EXAMPLES = 5
LOCATION = ("_source_file", "_source_row")  # lineage columns of every raw table


@dataclass
class ExpectationOutcome:
    table: str
    expectation: str  # GX expectation type
    column: str | None
    arguments: dict
    success: bool
    severity: str  # error | warn (what a failure means)
    observed: dict  # compact observed value, JSON-able
    periods: tuple[str, ...] | None  # tertials of the failing rows; None = not attributable (all)
    message_sv: str


@dataclass
class TableOutcome:
    table: Table
    row_count: int | None
    expectations: list[ExpectationOutcome] = field(default_factory=list)
    docs_page: Path | None = None
    skipped: str | None = None  # why the suite did not run (table missing)
    seconds: float = 0.0

    @property
    def failures(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def severity(self) -> str:
        """error when any failure is an error (blocks the report for marts), else warn."""
        return "error" if any(e.severity == "error" for e in self.failures) else "warn"


def read_frames(con, tables: list[Table]) -> dict[str, pd.DataFrame | None]:
    """Each table's columns as pandas; None when the table does not exist."""
    existing = {
        f"{s}.{t}" for s, t in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
    }
    return {t.name: _for_gx(read_frame(con, f"select {t.select} from {t.name}")) if t.name in existing else None
            for t in tables}


def read_frame(con, query: str) -> pd.DataFrame:
    """The same frame as `con.execute(query).df()`, with the text columns taken through Arrow:
    .df() makes a Python string per value and pandas then converts them back to Arrow
    strings (7 s of the 3 M survey rows at 290 municipalities); Arrow's strings go straight
    into pandas' string dtype. Every other column, and a text column without any value
    (.df() makes it object), is converted by DuckDB as .df() does."""
    relation = con.sql(query)
    columns = relation.columns
    if len(set(columns)) != len(columns):  # duplicate names: leave it to DuckDB
        return relation.df()
    table = relation.to_arrow_table()
    text = {
        name for name, kind in zip(columns, relation.types)
        if str(kind) == "VARCHAR" and table.column(name).null_count < table.num_rows
    }
    rest = [name for name in columns if name not in text]
    others = con.from_arrow(table.select(rest)).df() if rest else None
    return pd.DataFrame(
        {name: table.column(name).to_pandas() if name in text else others[name] for name in columns},
        index=pd.RangeIndex(table.num_rows),
    )


def _for_gx(frame: pd.DataFrame) -> pd.DataFrame:
    """Narrow integers (int32 from DuckDB INTEGER) as int64: GX's pandas range check is
    vectorised only for int64 and float64, and loops in Python over anything else."""
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_integer_dtype(dtype) and dtype != "int64":
            frame[column] = frame[column].astype("float64" if frame[column].isna().any() else "int64")
    return frame


def run_suites(
    tables: list[Table],
    frames: dict[str, pd.DataFrame | None],
    suites: dict[str, list],
    *,
    run_id: str,
    now: datetime,
    docs_dir: Path | None,
    timings: dict[str, float] | None = None,
) -> list[TableOutcome]:
    """Validate every table's frame against its suite; build Data Docs into `docs_dir`."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name="quality",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                # validation results only: suite pages would double the build time
                "site_section_builders": {"expectations": "0", "profiling": "0"},
            },
        )
    source = context.data_sources.add_pandas("warehouse")
    gx_run = RunIdentifier(run_name=run_id, run_time=now)

    outcomes = []
    for table in tables:
        frame = frames.get(table.name)
        if frame is None:
            outcomes.append(TableOutcome(table, None, skipped="tabellen finns inte (ännu) i lagret"))
            continue
        started = time.perf_counter()
        batch = source.add_dataframe_asset(table.name).add_batch_definition_whole_dataframe("whole table")
        suite = context.suites.add(gx.ExpectationSuite(name=table.name, expectations=suites[table.name]))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=table.name, data=batch, suite=suite)
        )
        period = table.period_column if table.period_column in frame.columns else None
        # GX would also build a pandas query listing every failing row's index (unused: not in
        # the results we keep nor in Data Docs); on 3 M survey rows that is a second of copying
        if period:  # marts are small: every failing row's tertial
            result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [period],
                             "return_unexpected_index_query": False}
        else:  # raw may be large: a few examples, located by file and row when the table has them
            result_format = {"result_format": "SUMMARY", "partial_unexpected_count": EXAMPLES,
                             "return_unexpected_index_query": False}
            if set(LOCATION) <= set(frame.columns):
                result_format["unexpected_index_column_names"] = list(LOCATION)
        result = definition.run(batch_parameters={"dataframe": frame}, result_format=result_format, run_id=gx_run)
        outcome = TableOutcome(table, len(frame), seconds=time.perf_counter() - started)
        outcome.expectations = [_outcome(table, r, period) for r in result.results]
        outcomes.append(outcome)

    timings["validate"] = time.perf_counter() - clock
    if docs_dir is not None:
        started = time.perf_counter()
        # Only the latest validation is published; the history is audit.quality_results.
        shutil.rmtree(docs_dir, ignore_errors=True)
        context.build_data_docs(site_names=["quality"])
        for outcome in outcomes:
            pages = sorted((docs_dir / "validations").joinpath(*outcome.table.key).rglob("*.html"))
            outcome.docs_page = pages[-1] if pages else None
        timings["docs"] = time.perf_counter() - started
        # the Data Docs build is shared: spread its time over the tables
        share = timings["docs"] / max(1, len(outcomes))
        for outcome in outcomes:
            outcome.seconds += share
    return outcomes


def _outcome(table: Table, r, period_column: str | None) -> ExpectationOutcome:
    config = r.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "result_format")}
    column = kwargs.pop("column", None)
    if column is None and "column_list" in kwargs:
        column = ", ".join(kwargs.pop("column_list"))
    if column is None and "column_A" in kwargs:
        column = f"{kwargs.pop('column_A')}, {kwargs.pop('column_B')}"
    severity = SEVERITY.get(getattr(config.severity, "value", str(config.severity)), "error")
    result = r.result or {}
    observed: dict = {}
    if "observed_value" in result:
        observed["observed_value"] = _plain(result["observed_value"])
        if config.type.startswith("expect_table_row_count"):
            observed["unit"] = "rader"
    if "unexpected_count" in result:
        observed["unexpected_count"] = result["unexpected_count"]
        observed["element_count"] = result.get("element_count")
        examples = result.get("partial_unexpected_list") or result.get("unexpected_list") or []
        distinct = []
        for value in (_plain(v) for v in examples):
            if column and column.endswith("_day") and isinstance(value, (int, float)):
                value = _day_text(int(value))
            if value not in distinct:
                distinct.append(value)
        observed["examples"] = distinct[:EXAMPLES]
        where = [
            f"{row['_source_file']} rad {row['_source_row']}"
            for row in (result.get("partial_unexpected_index_list") or [])[:EXAMPLES]
            if isinstance(row, dict) and "_source_file" in row
        ]
        if where:
            observed["where"] = where
    error = _exception(r)
    if error:
        observed["error"] = error

    periods = None
    if not r.success and period_column and result.get("unexpected_index_list"):
        found = {row.get(period_column) for row in result["unexpected_index_list"] if isinstance(row, dict)}
        found.discard(None)
        periods = tuple(sorted(str(p) for p in found)) or None
    sv = (config.meta or {}).get("sv", config.type)
    return ExpectationOutcome(
        table=table.name,
        expectation=config.type,
        column=column,
        arguments={k: _plain(v) for k, v in kwargs.items()},
        success=bool(r.success),
        severity=severity,
        observed=observed,
        periods=periods,
        message_sv=sv if r.success else failure_text(sv, observed, periods),
    )


def failure_text(sv: str, observed: dict, periods: tuple[str, ...] | None) -> str:
    """One Swedish sentence: what was expected and what was found."""
    if observed.get("error"):
        text = f"{sv} – kunde inte kontrolleras: {observed['error']}"
    elif observed.get("unexpected_count") is not None:
        count, total = observed["unexpected_count"], observed.get("element_count")
        text = f"{sv} – stämmer inte för {_n(count)} av {_n(total)} rader"
        if observed.get("examples"):
            text += f" (t.ex. {', '.join(_show(v) for v in observed['examples'])})"
    elif "observed_value" in observed:
        text = f"{sv} – uppmätt: {_show(observed['observed_value'])}"
        if observed.get("unit"):
            text += f" {observed['unit']}"
    else:
        text = f"{sv} – stämmer inte"
    if observed.get("where"):
        text += f"; se {', '.join(observed['where'])}"
    if periods:
        text += f"; gäller {', '.join(periods)}"
    return text + "."


def _exception(r) -> str | None:
    info = r.exception_info or {}
    if info.get("raised_exception"):
        return (info.get("exception_message") or "").splitlines()[0][:300] or "okänt fel"
    for value in info.values():  # failed metrics: {metric id: {exception_message, ...}}
        if isinstance(value, dict) and value.get("exception_message"):
            return value["exception_message"].splitlines()[0][:300]
    return None


def _plain(value):
    """JSON-able: timestamps as ISO dates/times, numpy scalars as Python numbers."""
    if isinstance(value, datetime):  # pd.Timestamp included
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _day_text(value: int) -> str:
    """20270210 -> '2027-02-10' (the YYYYMMDD numbers of tables.day)."""
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


def _show(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):  # a row of a compound key
        return "(" + ", ".join(_show(v) for v in value.values()) + ")"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) and not value else str(value)


def _n(value) -> str:
    return f"{value:,}".replace(",", "\u00a0") if isinstance(value, int) else str(value)
