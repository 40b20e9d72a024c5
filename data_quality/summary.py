"""The Swedish quality report for the coordinator: output/<period>/datakvalitet.html.

`quality_summary(con, period)` gathers what the lägesbild's *Datakvalitet* section needs
(a `QualitySummary`); `write_quality_summary(con, period, output_dir)` also writes the
report page. Read-only: everything comes from the warehouse (audit.quality_results,
audit.rejected_rows, audit.ignored_columns, the marts and the intermediate models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import jinja2

from pipelines import periods as tertials
from pipelines import settings as pipeline_settings
from pipelines.dbt_vars import unknown_area_id
from pipelines.settings import quality_docs_dir

from . import results
from .gate import Blocker
from .tables import BY_NAME, label

TEMPLATES = Path(__file__).parent / "templates"

SOURCE_KINDS = {
    "police_events": "Polisens händelser",
    "police_bra": "BRÅ:s statistik",
    "police_local": "Lokalpolisens utdrag",
    "partner_reports": "Partnerrapporter",
    "surveys": "Enkäter",
    "config": "Inställningar",
}

# Per source, the intermediate model with one row per record attributed to an area and a
# tertial (`period`, `area_id`), and what a row is called. Not part of the contract:
# a source whose model is missing is left out of the coverage table.
COVERAGE = {
    "police_events": ("intermediate.int_police_events", "area_id is not null", "händelser"),
    "police_local": ("intermediate.int_police_reported_monthly", "true", "rader (månad, område, kategori)"),
    "partner_reports": ("intermediate.int_partner_reports", "true", "rapporter"),
    "surveys": ("intermediate.int_survey_responses", "true", "svar"),
}


@dataclass(frozen=True)
class TableCheck:
    """One table's latest validation."""

    table: str  # schema.table
    label: str  # Swedish
    layer: str  # raw | marts
    rows: int | None
    expectations: int
    failed: int
    errors: int  # failed expectations of error severity
    checked_at: datetime | None

    @property
    def status(self) -> str:
        """ok | varning | fel (fel = error severity: blocks the lägesbild for marts)."""
        return "fel" if self.errors else ("varning" if self.failed else "ok")


@dataclass(frozen=True)
class Failure:
    """A failed expectation, in words."""

    table: str
    label: str
    layer: str
    severity: str  # error | warn
    blocking: bool
    periods: tuple[str, ...] | None  # tertials it concerns; None = the whole table
    message: str  # Swedish
    stops_this_period: bool


@dataclass(frozen=True)
class RejectedReason:
    source_kind: str
    source_label: str
    reason: str  # Swedish, from the loader
    rows: int  # rows with this reason (0 when a whole file was rejected)
    whole_files: int  # files rejected as a whole with this reason
    examples: tuple[str, ...]  # "file rad N"


@dataclass(frozen=True)
class IgnoredColumn:
    source_file: str
    column: str
    reason: str


@dataclass(frozen=True)
class SourceCoverage:
    """One source in one tertial."""

    source: str
    label: str
    unit: str  # what a row is ("händelser", "svar", …)
    rows: int  # rows of the municipality in the tertial
    unknown_area_rows: int  # of which in the unknown area (dbt var unknown_area_id, 'okant')
    months_without_data: tuple[str, ...]  # 'YYYY-MM', months of the tertial begun by the as-of date
    areas_without_data: tuple[str, ...]  # area names (the unknown area not counted)


@dataclass(frozen=True)
class QualitySummary:
    period: str
    municipality: str
    checked_at: datetime | None
    tables: tuple[TableCheck, ...]
    failures: tuple[Failure, ...]  # every failure of the latest validations, blocking first
    rejected: tuple[RejectedReason, ...]
    rejected_rows: int
    rejected_files: int
    ignored_columns: tuple[IgnoredColumn, ...]
    sources: tuple[SourceCoverage, ...]
    html_path: Path | None = field(default=None, compare=False)

    @property
    def blockers(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failures if f.stops_this_period)

    @property
    def blocked(self) -> bool:
        """True: the lägesbild of this tertial must not be published."""
        return bool(self.blockers)

    @property
    def warnings(self) -> tuple[Failure, ...]:
        return tuple(f for f in self.failures if not f.stops_this_period)

    @property
    def checks_total(self) -> int:
        return sum(t.expectations for t in self.tables)

    @property
    def checks_failed(self) -> int:
        return sum(t.failed for t in self.tables)


def quality_summary(con, period: str, *, as_of: date | None = None) -> QualitySummary:
    """Everything the quality report and the lägesbild's Datakvalitet section show for `period`.

    `as_of` (default: LAGESBILD_AS_OF, pipelines/settings.py) decides which of the
    tertial's months have begun, and so can lack data."""
    as_of = as_of or pipeline_settings.as_of()
    latest = results.latest(con)
    tables, failures = [], []
    for name, rows in latest.groupby("table_name", sort=False):
        failed = rows[~rows["success"].astype(bool)]
        tables.append(
            TableCheck(
                table=name,
                label=label(name),
                layer="raw" if name.startswith("raw.") else "marts",
                rows=None if rows["row_count"].isna().all() else int(rows["row_count"].max()),
                expectations=len(rows),
                failed=len(failed),
                errors=int((failed["severity"] == "error").sum()),
                checked_at=rows["checked_at"].max().to_pydatetime(),
            )
        )
        for row in failed.itertuples():
            periods = results.periods_of(row.periods)
            blocker = Blocker(name, label(name), row.message_sv, periods)
            failures.append(
                Failure(
                    table=name,
                    label=label(name),
                    layer="raw" if name.startswith("raw.") else "marts",
                    severity=row.severity,
                    blocking=bool(row.blocking),
                    periods=periods,
                    message=row.message_sv,
                    stops_this_period=bool(row.blocking) and row.severity == "error" and blocker.concerns(period),
                )
            )
    order = {t.name: i for i, t in enumerate(BY_NAME.values())}
    tables.sort(key=lambda t: order.get(t.table, len(order)))
    failures.sort(key=lambda f: (not f.stops_this_period, f.severity != "error", order.get(f.table, len(order))))
    rejected, rejected_rows, rejected_files = _rejected(con)
    return QualitySummary(
        period=period,
        municipality=_municipality(con),
        checked_at=max((t.checked_at for t in tables if t.checked_at), default=None),
        tables=tuple(tables),
        failures=tuple(failures),
        rejected=rejected,
        rejected_rows=rejected_rows,
        rejected_files=rejected_files,
        ignored_columns=_ignored(con),
        sources=_coverage(con, period, as_of),
    )


def write_quality_summary(con, period: str, output_dir: Path, *, as_of: date | None = None) -> QualitySummary:
    """quality_summary(), and the report written to output_dir/<period>/datakvalitet.html."""
    summary = quality_summary(con, period, as_of=as_of)
    path = output_dir / period / "datakvalitet.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render(summary, output_dir), encoding="utf-8")
    tmp.replace(path)
    return QualitySummary(**{**summary.__dict__, "html_path": path})


def write_all(settings) -> list[QualitySummary]:
    """The report of every tertial that gets a lägesbild (a tertial with data that has a
    partition, i.e. is complete, on the as-of date)."""
    from pipelines.warehouse import connect

    with connect(settings.warehouse, read_only=True) as con:
        periods = [
            p for p in _table_values(con, "marts.dim_period", "period")
            if tertials.has_partition(p, settings.as_of)
        ]
        return [write_quality_summary(con, p, settings.output_dir, as_of=settings.as_of) for p in periods]


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _number(value) -> str:
    """11417 -> '11 417' (Swedish digit grouping, no-break space)."""
    return f"{value:,}".replace(",", "\u00a0") if isinstance(value, int) else str(value)


_env.filters["n"] = _number


def render(summary: QualitySummary, output_dir: Path) -> str:
    """The report page; links to the GX Data Docs (output/quality/<layer>/) when they exist."""
    docs = {
        layer: f"../quality/{layer}/index.html"
        for layer in ("raw", "marts")
        if (quality_docs_dir(output_dir, layer) / "index.html").exists()
    }
    return _env.get_template("datakvalitet.html.j2").render(
        s=summary, period_text=tertials.label(summary.period), docs=docs
    )


# --------------------------------------------------------------------------- queries


def _exists(con, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()[0][0]
    )


def _table_values(con, table: str, column: str) -> list:
    if not _exists(con, table):
        return []
    return [r[0] for r in con.execute(f"select {column} from {table} order by 1").fetchall()]


def _municipality(con) -> str:
    for table, column in (("marts.dim_municipality", "kommun_name"), ("raw.config_municipality", "name")):
        names = _table_values(con, table, column)
        if names:
            return names[0]
    return ""


def _rejected(con) -> tuple[tuple[RejectedReason, ...], int, int]:
    if not _exists(con, "audit.rejected_rows"):
        return (), 0, 0
    rows = con.execute(
        """
        select coalesce(source_kind, ''), reason,
               count(source_row) as rows_,
               count(*) filter (where source_row is null) as files_,
               list(source_file || coalesce(' rad ' || source_row, '') order by source_file, source_row)[1:3]
        from audit.rejected_rows
        group by all
        order by rows_ + files_ desc, 1, 2
        """
    ).fetchall()
    reasons = tuple(
        RejectedReason(kind, SOURCE_KINDS.get(kind, kind), reason, int(n), int(f), tuple(ex))
        for kind, reason, n, f, ex in rows
    )
    return reasons, sum(r.rows for r in reasons), sum(r.whole_files for r in reasons)


def _ignored(con) -> tuple[IgnoredColumn, ...]:
    if not _exists(con, "audit.ignored_columns"):
        return ()
    rows = con.execute(
        "select distinct source_file, column_header, reason from audit.ignored_columns order by 1, 2"
    ).fetchall()
    return tuple(IgnoredColumn(*row) for row in rows)


def _months(period: str, as_of: date) -> list[str]:
    """The months of a tertial that have begun by the as-of date, as 'YYYY-MM'."""
    return [f"{m:%Y-%m}" for m in tertials.months(period) if m <= as_of]


def _coverage(con, period: str, as_of: date) -> tuple[SourceCoverage, ...]:
    unknown = unknown_area_id()
    areas = (
        con.execute(
            "select area_id, area_name from marts.dim_area where area_id <> ? order by sort_order", [unknown]
        ).fetchall()
        if _exists(con, "marts.dim_area")
        else []
    )
    months = _months(period, as_of)
    dates = {}
    if _exists(con, "intermediate.int_source_dates"):
        for source, month in con.execute(
            "select distinct source, strftime(data_date, '%Y-%m') from intermediate.int_source_dates"
        ).fetchall():
            dates.setdefault(source, set()).add(month)
    out = []
    for source, (table, condition, unit) in COVERAGE.items():
        if not _exists(con, table):
            continue
        counts = dict(
            con.execute(
                f"select area_id, count(*) from {table} where period = ? and {condition} group by area_id",
                [period],
            ).fetchall()
        )
        out.append(
            SourceCoverage(
                source=source,
                label=SOURCE_KINDS[source],
                unit=unit,
                rows=sum(counts.values()),
                unknown_area_rows=counts.get(unknown, 0),
                months_without_data=tuple(m for m in months if m not in dates.get(source, set())),
                areas_without_data=tuple(name for area_id, name in areas if not counts.get(area_id)),
            )
        )
    return tuple(out)
