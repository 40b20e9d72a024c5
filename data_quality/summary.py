"""The Swedish quality report for the coordinator, one per municipality and tertial:
`settings.period_dir(period, code)/datakvalitet.html` (output/<period>/ for a single data
dir, output/<code>-<name>/<period>/ in a region; DATA-CONTRACT §6).

`quality_summary(con, period, kommun_code=…)` gathers what the lägesbild's *Datakvalitet*
section needs (a `QualitySummary`); `write_quality_summary(…)` also writes the report page.
Read-only: everything comes from the warehouse (audit.quality_results, audit.rejected_rows,
audit.ignored_columns, the marts and the intermediate models). The checks are the
warehouse's (one validation for every municipality); rejected rows, ignored columns and
coverage are the municipality's own, plus what the shared files at the root of a region
had (they are every municipality's), and the rows of the shared sources that belong to
municipalities outside the data dir are counted (intermediate.int_rows_outside_data_dir).
"""

from __future__ import annotations

import dataclasses
import functools

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import jinja2
import markupsafe

from pipelines import atomic, layout
from pipelines import periods as tertials
from pipelines import settings as pipeline_settings
from pipelines.dbt_vars import unknown_area_id
from pipelines.picture.render import TEMPLATES as PAGE_TEMPLATES
from pipelines.settings import quality_docs_dir
from pipelines.warehouse import catalogue, connect, has_column, table_exists

from . import results
from .gate import Blocker
from .tables import BY_NAME, label

TEMPLATES = Path(__file__).parent / "templates"
WRITERS = 4  # threads that write the pages of write_all()

SOURCE_KINDS = {
    "police_events": "Polisens händelser",
    "police_bra": "BRÅ:s statistik",
    "police_local": "Lokalpolisens utdrag",
    "partner_reports": "Partnerrapporter",
    "surveys": "Enkäter",
    "config": "Inställningar",
    "scb": "SCB:s befolkning",
    "kolada": "Kolada",
    "kolada_kpis": "Kolada (nyckeltalens namn)",
}
SWEDISH_TIME = "Europe/Stockholm"

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
class OutsideRows:
    """Rows of a shared source for a municipality outside the data dir (never in an indicator)."""

    source_kind: str
    source_label: str
    kommun_code: str | None
    kommun_name: str | None
    rows: int


@dataclass(frozen=True)
class ConnectorGap:
    """A span in which a live source's events may be missing (audit.connector_gaps, DATA-CONTRACT
    §7): the oldest event of a new payload was newer than the newest seen before. Swedish time."""

    source_label: str
    newest_before: datetime
    oldest_now: datetime
    detected_at: datetime
    source_file: str | None

    @property
    def text(self) -> str:
        hours = (self.oldest_now - self.newest_before).total_seconds() / 3600
        span = f"{hours:.0f} timmar" if hours >= 2 else f"{hours * 60:.0f} minuter"
        return (f"{self.source_label} publicerade mellan {self.newest_before:%Y-%m-%d %H:%M} och "
                f"{self.oldest_now:%Y-%m-%d %H:%M} ({span}) kan saknas: hämtningen {self.detected_at:%Y-%m-%d %H:%M} "
                "gav inga äldre händelser än så, och det som föll ur polisens fönster däremellan har ingen sett.")


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
    kommun_code: str | None = None
    municipalities: int = 1  # configured in the warehouse (more than one: a region)
    outside: tuple[OutsideRows, ...] = ()
    gaps: tuple[ConnectorGap, ...] = ()  # those that overlap the tertial
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

    @property
    def outside_rows(self) -> int:
        return sum(o.rows for o in self.outside)

    @property
    def outside_text(self) -> str:
        """'Rader för kommuner utanför datamappen: …' (Swedish, one line), or '' when none."""
        if not self.outside:
            return ""
        parts = []
        for kind in dict.fromkeys(o.source_kind for o in self.outside):
            rows = sorted((o for o in self.outside if o.source_kind == kind), key=lambda o: (-o.rows, o.kommun_name or ""))
            names = ", ".join(f"{o.kommun_name or 'okänd'} {_number(o.rows)}" for o in rows[:5])
            more = f" och {len(rows) - 5} till" if len(rows) > 5 else ""
            parts.append(f"{rows[0].source_label} {_number(sum(o.rows for o in rows))} ({names}{more})")
        return (f"Rader för kommuner utanför datamappen: {_number(self.outside_rows)} – {'; '.join(parts)}. "
                "De finns kvar i källdatan men räknas inte in i någon indikator.")


def quality_summary(con, period: str, *, kommun_code: str | None = None, as_of: date | None = None,
                    checks: QualitySummary | None = None, own: dict | None = None,
                    coverage: CoverageRows | None = None) -> QualitySummary:
    """Everything the quality report and the lägesbild's Datakvalitet section show for
    `period` of municipality `kommun_code` (default: the warehouse's only municipality; with
    several and none named, every municipality's rows together).

    `as_of` (default: LAGESBILD_AS_OF, pipelines/settings.py) decides which of the
    tertial's months have begun, and so can lack data. `checks`: checks_summary(con, period),
    when read already (it is the same for every municipality); `own`: own_rows(con,
    kommun_code), when read already (the same for every tertial); `coverage`:
    coverage_rows(con, kommun_code), likewise."""
    as_of = as_of or pipeline_settings.as_of()
    own = dict(own or own_rows(con, kommun_code))
    own["gaps"] = gaps_in(own.get("gaps", ()), period)
    return dataclasses.replace(
        checks or checks_summary(con, period),
        **own,
        sources=_coverage(con, period, as_of, own["kommun_code"], coverage),
    )


def own_rows(con, kommun_code: str | None = None) -> dict:
    """The parts of quality_summary() that are the same in every tertial of a municipality
    (its name, its rejected rows and ignored columns, the rows outside the data dir)."""
    return own_rows_of(con, [kommun_code])[kommun_code]


def own_rows_of(con, kommun_codes: list[str | None]) -> dict[str | None, dict]:
    """own_rows() of each of `kommun_codes`, in one query per kind of row rather than one per
    municipality: write_all() needs them for every municipality of a region (290)."""
    codes = _table_values(con, "marts.dim_municipality", "kommun_code") or _table_values(
        con, "raw.config_municipality", "kommun_code")
    # None: the only municipality, when there is one (else every municipality's rows)
    resolved = {code: codes[0] if code is None and len(codes) == 1 else code for code in kommun_codes}
    wanted = list(dict.fromkeys(resolved.values()))
    rejected, ignored, names, outside = (_rejected(con, wanted), _ignored(con, wanted), _municipalities(con, wanted),
                                         _outside(con))
    gaps = _gaps(con)  # the police feed is the data dir's, shared by every municipality
    out = {}
    for asked, code in resolved.items():
        reasons = rejected.get(code, ())
        out[asked] = dict(
            municipality=names[code],
            rejected=reasons,
            rejected_rows=sum(r.rows for r in reasons),
            rejected_files=sum(r.whole_files for r in reasons),
            ignored_columns=ignored.get(code, ()),
            kommun_code=code,
            municipalities=max(len(codes), 1),
            outside=outside,
            gaps=gaps,
        )
    return out


def checks_summary(con, period: str, latest=None) -> QualitySummary:
    """quality_summary() of the automatic checks alone (tables, failures, when), the same for
    every municipality: no audit rows, no coverage. `latest`: results.latest(con), when read."""
    tables, failures = checks_of(con, period, latest)
    return QualitySummary(
        period=period,
        municipality="",
        checked_at=max((t.checked_at for t in tables if t.checked_at), default=None),
        tables=tuple(tables),
        failures=tuple(failures),
        rejected=(),
        rejected_rows=0,
        rejected_files=0,
        ignored_columns=(),
        sources=(),
    )

def checks_of(con, period: str, latest=None) -> tuple[list[TableCheck], list[Failure]]:
    """The tables checked and the failed expectations of their latest validation, as
    `period` sees them (which failures stop it); `latest`: results.latest(con), when read already."""
    latest = results.latest(con) if latest is None else latest
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
    return tables, failures


def write_quality_summary(con, period: str, output_dir: Path, *, kommun_code: str | None = None,
                          period_dir: Path | None = None, as_of: date | None = None,
                          checks: QualitySummary | None = None, own: dict | None = None,
                          coverage: CoverageRows | None = None) -> QualitySummary:
    """quality_summary(), and the report written to period_dir/datakvalitet.html
    (default output_dir/<period>/: a single data dir; settings.period_dir(period, code))."""
    summary, path, html = _page(con, period, output_dir, kommun_code=kommun_code, period_dir=period_dir,
                                as_of=as_of, checks=checks, own=own, coverage=coverage)
    _write_page(path, html)
    return summary


def _page(con, period: str, output_dir: Path, *, kommun_code, period_dir, as_of, checks, own, coverage,
          docs_layers: tuple[str, ...] | None = None) -> tuple[QualitySummary, Path, str]:
    """write_quality_summary() up to the writing: the summary (html_path set), the path, the page."""
    summary = quality_summary(con, period, kommun_code=kommun_code, as_of=as_of, checks=checks,
                              own=own, coverage=coverage)
    path = (period_dir or output_dir / period) / "datakvalitet.html"
    html = render(summary, output_dir, path.parent, docs_layers)
    return QualitySummary(**{**summary.__dict__, "html_path": path}), path, html


def _write_page(path: Path, html: str) -> None:
    """Under a temporary name, then renamed: a reader never sees half a page."""
    atomic.write_text(path, html)


def write_all(settings) -> list[QualitySummary]:
    """The report of every municipality's every tertial that gets a lägesbild (a tertial with
    the municipality's data that has a partition, i.e. is complete, on the as-of date)."""
    entries = settings.municipalities  # lists the data dir: once, not once per municipality
    region, first = settings.is_region, {}
    for entry in entries:
        first.setdefault(entry.code, entry)  # settings.municipality(code)
    with connect(settings.warehouse, read_only=True) as con, catalogue(con):
        latest, checks = results.latest(con), {}  # the same checks for every municipality
        # every municipality's rows in a few queries, not a few per municipality
        codes = [entry.code for entry in entries]
        periods_of, owns = _periods_of(con, codes), own_rows_of(con, codes)
        needed = [code for code in codes if any(tertials.has_partition(p, settings.as_of) for p in periods_of[code])]
        coverages = coverage_rows_of(con, needed)
        docs = _docs_layers(settings.output_dir)
        written, pending = [], {}
        # Rendering holds the GIL; writing and renaming thousands of files mostly waits on the
        # file system (a rename over an existing page costs a flush on ext4), so the pages are
        # written by a few threads while the next ones render.
        with ThreadPoolExecutor(max_workers=WRITERS) as writers:
            for entry in entries:
                periods = [p for p in periods_of[entry.code] if tertials.has_partition(p, settings.as_of)]
                # settings.period_dir(p, code), the data dir listed once
                out = layout.municipality_output_dir(settings.output_dir, first[entry.code], region)
                own = owns[entry.code]
                coverage = coverages[entry.code] if periods else None
                for p in periods:
                    if p not in checks:
                        checks[p] = checks_summary(con, p, latest)
                    summary, path, html = _page(con, p, settings.output_dir, kommun_code=entry.code,
                                                period_dir=out / p, as_of=settings.as_of, checks=checks[p],
                                                own=own, coverage=coverage, docs_layers=docs)
                    written.append(summary)
                    if path in pending:  # the same page again (a code listed twice): one writer at a time
                        pending[path].result()
                    pending[path] = writers.submit(_write_page, path, html)
            for future in pending.values():
                future.result()  # the first failure, raised here
        return written


_env = jinja2.Environment(
    # the page extends the published pages' _base.html.j2 (skip link, lang, internal marking)
    loader=jinja2.FileSystemLoader([TEMPLATES, PAGE_TEMPLATES]),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _number(value) -> str:
    """11417 -> '11 417' (Swedish digit grouping, no-break space)."""
    return f"{value:,}".replace(",", "\u00a0") if isinstance(value, int) else str(value)


_env.filters["n"] = _number


def render(summary: QualitySummary, output_dir: Path, page_dir: Path | None = None,
           docs_layers: tuple[str, ...] | None = None) -> str:
    """The report page (in `page_dir`, default output_dir/<period>/); links to the GX Data
    Docs (output/quality/<layer>/) when they exist (`docs_layers`: _docs_layers(), when looked up)."""
    page_dir = page_dir or output_dir / summary.period
    docs = {
        layer: Path(os.path.relpath(quality_docs_dir(output_dir, layer) / "index.html", page_dir)).as_posix()
        for layer in (_docs_layers(output_dir) if docs_layers is None else docs_layers)
    }
    checks = _checks_html(summary.period, summary.checked_at, summary.tables, summary.failures,
                          tuple(docs.items()))
    return _env.get_template("datakvalitet.html.j2").render(
        s=summary, period_text=tertials.label(summary.period), checks_html=checks
    )


@functools.lru_cache(maxsize=64)
def _checks_html(period: str, checked_at, tables: tuple, failures: tuple, docs: tuple) -> markupsafe.Markup:
    """The checks part of a page (what failed, what was checked): it depends on these alone, so
    write_all() renders it once per tertial instead of once per municipality and tertial."""
    checks = QualitySummary(period=period, municipality="", checked_at=checked_at, tables=tables,
                            failures=failures, rejected=(), rejected_rows=0, rejected_files=0,
                            ignored_columns=(), sources=())
    return markupsafe.Markup(_env.get_template("datakvalitet_checks.html.j2").render(s=checks, docs=dict(docs)))


def _docs_layers(output_dir: Path) -> tuple[str, ...]:
    """The layers whose GX Data Docs exist."""
    return tuple(layer for layer in ("raw", "marts") if (quality_docs_dir(output_dir, layer) / "index.html").exists())


# --------------------------------------------------------------------------- queries


def _table_values(con, table: str, column: str) -> list:
    if not table_exists(con, *table.split(".")):
        return []
    return [r[0] for r in con.execute(f"select {column} from {table} order by 1").fetchall()]


def _periods_of(con, kommun_codes: list[str]) -> dict[str, list[str]]:
    """Each municipality's tertials (marts.dim_municipality_period; dim_period in a warehouse
    built before it existed)."""
    if not table_exists(con, "marts", "dim_municipality_period"):
        every = _table_values(con, "marts.dim_period", "period")
        return {code: list(every) for code in kommun_codes}
    out = {code: [] for code in kommun_codes}
    for code, period in con.execute(
        "select kommun_code, period from marts.dim_municipality_period where kommun_code in (select unnest(?)) "
        "order by 2", [list(out)]
    ).fetchall():
        out[code].append(period)
    return out


def _municipalities(con, kommun_codes: list[str | None]) -> dict[str | None, str]:
    """Each municipality's name (None: every name, comma-separated), from dim_municipality, else
    from the configuration."""
    out: dict = dict.fromkeys(kommun_codes)
    for table, code, column in (("marts.dim_municipality", "kommun_code", "kommun_name"),
                                ("raw.config_municipality", "kommun_code", "name")):
        missing = [c for c, name in out.items() if name is None]
        if not missing or not table_exists(con, *table.split(".")):
            continue
        rows = con.execute(f"select {code}, {column} from {table} order by {code}").fetchall()
        for wanted in missing:
            names = [name for c, name in rows if wanted is None or c == wanted]
            if names:
                out[wanted] = ", ".join(names)
    return {c: name or "" for c, name in out.items()}


# The municipalities asked for, as a relation `m(code)` to join with (one query for all of
# them); a null code stands for every municipality.
_CODES = "(select unnest(?::varchar[]) as code) m"


def _rejected(con, kommun_codes: list[str | None]) -> dict[str | None, tuple[RejectedReason, ...]]:
    """Each municipality's rejected rows by reason: those of its folder and those of the shared
    files at the root of a region (kommun_code null). Every row for a null code, or in a
    warehouse whose audit tables predate kommun_code."""
    if not table_exists(con, "audit", "rejected_rows"):
        return {}
    mine = ("(m.code is null or r.kommun_code = m.code or r.kommun_code is null)"
            if has_column(con, "audit", "rejected_rows", "kommun_code") else "true")
    rows = con.execute(
        f"""
        select m.code, coalesce(r.source_kind, ''), r.reason,
               count(r.source_row) as rows_,
               count(*) filter (where r.source_row is null) as files_,
               list(r.source_file || coalesce(' rad ' || r.source_row, '') order by r.source_file, r.source_row)[1:3]
        from {_CODES} join audit.rejected_rows r on {mine}
        group by all
        order by m.code, rows_ + files_ desc, 2, 3
        """,
        [kommun_codes],
    ).fetchall()
    out: dict = {}
    for code, kind, reason, n, f, ex in rows:
        out.setdefault(code, []).append(
            RejectedReason(kind, SOURCE_KINDS.get(kind, kind), reason, int(n), int(f), tuple(ex)))
    return {code: tuple(reasons) for code, reasons in out.items()}


def _ignored(con, kommun_codes: list[str | None]) -> dict[str | None, tuple[IgnoredColumn, ...]]:
    """Each municipality's ignored columns: those of files no other municipality loaded
    (every one for a null code)."""
    if not table_exists(con, "audit", "ignored_columns"):
        return {}
    mine = "true"
    if table_exists(con, "audit", "loaded_files") and has_column(con, "audit", "loaded_files", "kommun_code"):
        # whose a survey file is: the municipality audit.loaded_files recorded for it
        mine = ("(m.code is null or i.source_file not in (select f.source_file from audit.loaded_files f "
                "where f.kommun_code is distinct from m.code and f.kommun_code is not null))")
    rows = con.execute(
        f"""
        select m.code, i.source_file, i.column_header, i.reason
        from {_CODES}, (select distinct source_file, column_header, reason from audit.ignored_columns) i
        where {mine}
        order by m.code, 2, 3, 4
        """,
        [kommun_codes],
    ).fetchall()
    out: dict = {}
    for code, *row in rows:
        out.setdefault(code, []).append(IgnoredColumn(*row))
    return {code: tuple(columns) for code, columns in out.items()}


def _outside(con) -> tuple[OutsideRows, ...]:
    if not table_exists(con, "intermediate", "int_rows_outside_data_dir"):
        return ()
    rows = con.execute(
        "select source_kind, kommun_code, kommun_name, row_count from intermediate.int_rows_outside_data_dir "
        "order by source_kind, row_count desc, kommun_name"
    ).fetchall()
    return tuple(OutsideRows(kind, SOURCE_KINDS.get(kind, kind), code, name, int(n)) for kind, code, name, n in rows)


def gaps_in(gaps, period: str) -> tuple[ConnectorGap, ...]:
    """The gaps whose span overlaps the tertial `period` (its days, Swedish time)."""
    start, last = tertials.months(period)[0], tertials.months(period)[-1]
    end = date(last.year + (last.month == 12), last.month % 12 + 1, 1)  # the day after the tertial
    return tuple(g for g in gaps if g.newest_before.date() < end and g.oldest_now.date() >= start)


def _gaps(con) -> tuple[ConnectorGap, ...]:
    """Every recorded gap of the live sources, oldest first, in Swedish time."""
    if not table_exists(con, "audit", "connector_gaps"):
        return ()
    from zoneinfo import ZoneInfo
    from datetime import timezone

    local = ZoneInfo(SWEDISH_TIME)

    def swedish(moment: datetime) -> datetime:
        return moment.replace(tzinfo=timezone.utc).astimezone(local).replace(tzinfo=None)

    rows = con.execute("select source, newest_before, oldest_now, detected_at, source_file "
                       "from audit.connector_gaps order by newest_before, detected_at").fetchall()
    labels = {"polisen": "Polisens händelser"}
    return tuple(ConnectorGap(labels.get(source, source), swedish(before), swedish(now), swedish(detected), file)
                 for source, before, now, detected, file in rows)


def _months(period: str, as_of: date) -> list[str]:
    """The months of a tertial that have begun by the as-of date, as 'YYYY-MM'."""
    return [f"{m:%Y-%m}" for m in tertials.months(period) if m <= as_of]


@dataclass(frozen=True)
class CoverageRows:
    """What the coverage table of every tertial of a municipality is built from, read in one
    go (coverage_rows()): the sources whose model exists, the areas, the months each source
    has data for and the rows per (source, period) and area."""

    sources: tuple
    areas: tuple
    months: dict
    counts: dict


def coverage_rows(con, kommun_code: str | None = None) -> CoverageRows:
    """The coverage of every tertial of municipality `kommun_code` (all municipalities' rows when
    None) in three queries rather than six per tertial: write_all() writes thousands of pages."""
    return coverage_rows_of(con, [kommun_code])[kommun_code]


def coverage_rows_of(con, kommun_codes: list[str | None]) -> dict[str | None, CoverageRows]:
    """coverage_rows() of each of `kommun_codes`, still in three queries."""
    unknown = unknown_area_id()
    # every model here has kommun_code: the municipality's rows only (all for a null code); an
    # equality alone when no code is null, so that DuckDB joins by hash
    mine = "(m.code is null or t.kommun_code = m.code)" if None in kommun_codes else "t.kommun_code = m.code"
    areas: dict = {}
    if table_exists(con, "marts", "dim_area"):
        for code, area_id, name in con.execute(
            f"select m.code, t.area_id, t.area_name from {_CODES} join marts.dim_area t on {mine} "
            "where t.area_id <> ? order by m.code, t.kommun_code, t.sort_order", [kommun_codes, unknown]
        ).fetchall():
            areas.setdefault(code, []).append((area_id, name))
    months: dict = {}
    if table_exists(con, "intermediate", "int_source_dates"):
        for code, source, month in con.execute(
            f"select distinct m.code, t.source, strftime(t.data_date, '%Y-%m') "
            f"from {_CODES} join intermediate.int_source_dates t on {mine}", [kommun_codes]
        ).fetchall():
            months.setdefault(code, {}).setdefault(source, set()).add(month)
    present = {source: spec for source, spec in COVERAGE.items() if table_exists(con, *spec[0].split("."))}
    counts: dict = {}
    if present:
        union = " union all ".join(
            f"select m.code, '{source}' as source, t.period, t.area_id, count(*) as n "
            f"from {_CODES} join {table} t on {mine} where {condition} group by m.code, t.period, t.area_id"
            for source, (table, condition, _unit) in present.items()
        )
        for code, source, period, area_id, n in con.execute(union, [kommun_codes] * len(present)).fetchall():
            counts.setdefault(code, {}).setdefault((source, period), {})[area_id] = n
    return {
        code: CoverageRows(tuple(present), tuple(areas.get(code, ())), months.get(code, {}), counts.get(code, {}))
        for code in kommun_codes
    }


def _coverage(con, period: str, as_of: date, kommun_code: str | None = None,
              rows: CoverageRows | None = None) -> tuple[SourceCoverage, ...]:
    """The coverage table of `period`; `rows`: coverage_rows(con, kommun_code), when read already."""
    rows = rows or coverage_rows(con, kommun_code)
    unknown = unknown_area_id()
    months = _months(period, as_of)
    out = []
    for source, (_table, _condition, unit) in COVERAGE.items():
        if source not in rows.sources:  # its model is missing
            continue
        counts = rows.counts.get((source, period), {})
        out.append(
            SourceCoverage(
                source=source,
                label=SOURCE_KINDS[source],
                unit=unit,
                rows=sum(counts.values()),
                unknown_area_rows=counts.get(unknown, 0),
                months_without_data=tuple(m for m in months if m not in rows.months.get(source, set())),
                areas_without_data=tuple(name for area_id, name in rows.areas if not counts.get(area_id)),
            )
        )
    return tuple(out)
