"""Great Expectations suites as code: one function per table.

Every expectation carries `meta["sv"]`, the Swedish sentence the coordinator's quality
report shows. Raw suites only warn (severity `warning`): the loaders already rejected
what they could, and what remains is worth knowing but does not by itself make the
picture wrong. Mart suites are `critical` (they block the lägesbild), except the row-count
sanity check against the previous run, which warns.

Value sets come from the warehouse itself (`Inputs`), so the suites check cross-table
consistency: every area, category and period in a fact exists in its dimension.

Nothing assumes one municipality (DATA-CONTRACT §6): every key includes kommun_code (an
area id, a question id, a pledge id is unique only within its municipality), and the
configuration holds one row per configured municipality.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from pipelines import periods
from pipelines.dbt_vars import earliest_date, earliest_text, unknown_area_id
from pipelines.ingest.surveys import FUTURE_MARGIN as SURVEY_FUTURE_MARGIN
from pipelines.warehouse import table_exists

from .tables import Table

AREA_ID = r"^[a-z0-9_]+$"
PERIOD = r"^\d{4}-T[123]$"
KOMMUN_CODE = r"^\d{4}$"
PLEDGE_STATUS = ["on_track", "off_track", "no_data"]
SCALE_KINDS = ["problem", "no_problem", "ignore"]
ROUNDING = 1e-9


@dataclass(frozen=True)
class Inputs:
    """What the suites compare against, read from the warehouse before validating.

    `as_of` is the one clock (LAGESBILD_AS_OF, pipelines/settings.py): "in the future"
    means after it."""

    as_of: date
    previous_row_counts: dict[str, int] = field(default_factory=dict)
    area_ids: tuple[str, ...] = ()  # marts.dim_area
    category_ids: tuple[str, ...] = ()  # marts.dim_problem_category
    periods: tuple[str, ...] = ()  # marts.dim_period
    kommun_codes: tuple[str, ...] = ()  # marts.dim_municipality
    config_area_ids: tuple[str, ...] = ()  # raw.config_area_names
    question_ids: tuple[str, ...] = ()  # raw.config_survey_questions
    scales: tuple[str, ...] = ()  # raw.config_survey_scale_labels

    @property
    def today(self) -> datetime:
        """The as-of date at midnight (GX compares it with timestamps)."""
        return datetime.combine(self.as_of, datetime.min.time())

    @property
    def this_month(self) -> datetime:
        return self.today.replace(day=1)

    @property
    def this_year(self) -> int:
        return self.as_of.year

    @property
    def current_period(self) -> str:
        """The tertial in progress on the as-of date."""
        return periods.in_progress(self.as_of)


def _sv(expectation, text: str):
    expectation.meta = {**(expectation.meta or {}), "sv": text}
    return expectation


class _Builder:
    """Collects one table's expectations with one severity."""

    def __init__(self, table: Table, inputs: Inputs, severity: str):
        self.table, self.inputs, self.severity = table, inputs, severity
        self.items: list = []

    def add(self, expectation, text: str, *, severity: str | None = None) -> None:
        expectation.severity = FailureSeverity(severity or self.severity)
        self.items.append(_sv(expectation, text))

    def columns(self, *names: str) -> None:
        for name in names:
            self.add(gxe.ExpectColumnToExist(column=name), f"Kolumnen {name} finns")

    def not_null(self, *names: str) -> None:
        for name in names:
            self.add(gxe.ExpectColumnValuesToNotBeNull(column=name), f"{name} är alltid ifylld")

    def at_least(self, column: str, low: float, text: str) -> None:
        self.add(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low), text)

    def between(self, column: str, low, high, text: str) -> None:
        self.add(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high), text)

    def in_set(self, column: str, values, text: str) -> None:
        self.add(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(values)), text)

    def regex(self, column: str, pattern: str, text: str) -> None:
        self.add(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=pattern), text)

    def unique(self, *names: str) -> None:
        if len(names) == 1:
            self.add(gxe.ExpectColumnValuesToBeUnique(column=names[0]), f"{names[0]} förekommer bara en gång")
        else:
            self.add(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(names)),
                f"Kombinationen ({', '.join(names)}) förekommer bara en gång",
            )

    def not_empty(self, text: str) -> None:
        self.add(gxe.ExpectTableRowCountToBeBetween(min_value=1), text)

    def no_big_drop(self) -> None:
        """A drop of more than half against the previous run is a warning, never blocking."""
        previous = self.inputs.previous_row_counts.get(self.table.name)
        if previous:
            self.add(
                gxe.ExpectTableRowCountToBeBetween(min_value=math.ceil(previous / 2)),
                f"Antalet rader har inte minskat med mer än hälften sedan förra körningen ({previous} rader)",
                severity="warning",
            )

    def not_future(self, column: str, limit: datetime, what: str) -> None:
        """Within the data's coverage: from the date floor (dbt var earliest_date) up to
        `limit` (the as-of date, or its month). A `*_day` column holds YYYYMMDD numbers
        (tables.day), so the bounds are numbers too."""
        earliest = datetime.combine(earliest_date(), datetime.min.time())
        low, high = (_yyyymmdd(earliest), _yyyymmdd(limit)) if column.endswith("_day") else (earliest, limit)
        self.between(column, low, high, f"{what} ligger mellan {earliest_text()} och i dag, inte i framtiden")

    def statistics_year(self, column: str) -> None:
        """A statistics year from the year of the date floor up to the as-of year."""
        floor = earliest_date().year
        self.between(column, floor, self.inputs.this_year,
                     f"Statistikåret ligger mellan {floor} och i år")


def _yyyymmdd(moment: datetime) -> int:
    return moment.year * 10000 + moment.month * 100 + moment.day


# --------------------------------------------------------------------------- raw


def _police_events(b: _Builder) -> None:
    b.columns("id", "datetime", "name", "type")
    b.not_empty("Källan är inte tom")
    b.not_null("id", "datetime", "name")
    # Every version of an event is kept (the newest datetime wins in dbt): one row per version.
    b.unique("id", "datetime", "name", "type", "summary", "location_name")
    b.regex("datetime", r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}", "datetime har formen ÅÅÅÅ-MM-DD T:MM:SS")
    b.not_future("published_day", b.inputs.today, "Publiceringsdatum")
    b.regex("name", r"^\d{1,2} \w+ \d{1,2}[.:]\d{2}, ", "Rubriken börjar med 'DD månad HH.MM, '")


def _police_bra(b: _Builder) -> None:
    b.columns("kommun", "reported_crimes", "per_100k", "year")
    b.not_empty("Källan är inte tom")
    b.not_null("kommun", "reported_crimes", "year")
    b.at_least("reported_crimes", 0, "Antal anmälda brott är inte negativt")
    b.at_least("per_100k", 0, "Anmälda brott per 100 000 invånare är inte negativt")
    b.statistics_year("year")
    b.unique("kommun", "year", "_source_file")


def _police_local(b: _Builder) -> None:
    b.columns("area", "category", "reported_count", "suppressed")
    b.not_empty("Källan är inte tom")
    b.not_null("month_day", "category", "suppressed")
    b.not_future("month_day", b.inputs.this_month, "Månaden")
    b.at_least("reported_count", 0, "Antal anmälda brott är inte negativt")
    # a row of one version of a file, of one municipality (the same bytes under two folders
    # are two municipalities' rows)
    b.unique("_kommun_code", "_source_file", "_file_sha256", "_source_row")


def _partner_reports(b: _Builder) -> None:
    b.columns("partner", "category_text", "report_count")
    b.not_empty("Källan är inte tom")
    b.not_null("report_day", "partner", "category_text", "report_count")
    b.not_future("report_day", b.inputs.today, "Rapportdatum")
    b.at_least("report_count", 1, "Antal i en rapport är minst 1")
    b.unique("_kommun_code", "_source_file", "_file_sha256", "_source_row")  # a row of one version of a file


def _survey_responses(b: _Builder) -> None:
    b.columns("response_id", "question_id")
    b.not_empty("Källan är inte tom")
    b.not_null("response_id", "submitted_day", "question_id")
    # the loader's margin: an answer from the day after the as-of date is not in the future
    b.not_future("submitted_day", b.inputs.today + SURVEY_FUTURE_MARGIN, "Inskickat-datum")
    if b.inputs.question_ids:
        b.in_set("question_id", b.inputs.question_ids, "Frågan finns i frågekatalogen")
    b.unique("_kommun_code", "_source_file", "response_id", "question_id")


def _config_municipality(b: _Builder) -> None:
    b.columns("kommun_code", "name", "suppression_threshold")
    b.not_empty("Minst en kommun är konfigurerad")
    b.not_null("kommun_code")
    b.unique("kommun_code")
    b.regex("kommun_code", KOMMUN_CODE, "Kommunkoden har fyra siffror")
    b.between("suppression_threshold", 1, 100, "Gränsen för små tal ligger mellan 1 och 100")


def _config_area_names(b: _Builder) -> None:
    b.columns("area_id", "label")
    b.not_empty("Kommunen har minst ett område")
    b.not_null("area_id", "label")
    b.regex("area_id", AREA_ID, "Områdes-id består av a–z, 0–9 och _")
    b.unique("kommun_code", "area_id", "label")


def _config_area_population(b: _Builder) -> None:
    b.columns("area_id", "year", "population")
    b.at_least("population", 0, "Befolkningen är inte negativ")
    b.between("year", 1900, b.inputs.this_year + 1, "Befolkningsåret är rimligt")
    b.unique("kommun_code", "area_id", "year")
    if b.inputs.config_area_ids:
        b.in_set("area_id", b.inputs.config_area_ids, "Området finns bland kommunens områden")


def _config_survey_questions(b: _Builder) -> None:
    b.columns("kommun_code", "question_id", "header_key", "scale")
    b.unique("kommun_code", "question_id")
    b.unique("kommun_code", "header_key")
    if b.inputs.scales:
        b.in_set("scale", b.inputs.scales, "Frågans svarsskala finns i katalogen")


def _config_survey_scale_labels(b: _Builder) -> None:
    b.columns("kommun_code", "scale", "label_key", "kind")
    b.in_set("kind", SCALE_KINDS, "Svarsalternativet är problem, inte problem eller ignoreras")
    b.unique("kommun_code", "scale", "label_key")


def _config_pledges(b: _Builder) -> None:
    # no not_empty: a municipality without pledges has an empty table
    b.columns("kommun_code", "pledge_id", "period", "category_text", "indicator", "baseline_period")
    b.not_null("kommun_code", "pledge_id", "period", "category_text", "indicator", "baseline_period")
    b.unique("kommun_code", "pledge_id")
    b.regex("period", PERIOD, "Löftets tertial har formen ÅÅÅÅ-T1, -T2 eller -T3")
    b.regex("baseline_period", PERIOD, "Jämförelsetertialen har formen ÅÅÅÅ-T1, -T2 eller -T3")


# --------------------------------------------------------------------------- marts


def _fct_problem_indicators(b: _Builder) -> None:
    i = b.inputs
    b.columns("period", "area_id", "category_id", "police_reported_count", "police_event_count",
              "partner_report_count", "survey_respondents", "survey_problem_share", "survey_ci_low",
              "survey_ci_high", "population", "police_reported_per_1000", "priority_rank")
    b.not_null("period", "kommun_code", "area_id", "category_id")
    b.unique("period", "kommun_code", "area_id", "category_id")
    b.in_set("period", i.periods, "Tertialen finns i dim_period")
    b.in_set("area_id", i.area_ids, "Området finns i dim_area")
    b.in_set("category_id", i.category_ids, "Problemkategorin finns i dim_problem_category")
    b.in_set("kommun_code", i.kommun_codes, "Kommunen finns i dim_municipality")
    for column, what in [
        ("police_reported_count", "Antal anmälda brott (lokalpolisen)"),
        ("police_event_count", "Antal händelser från polisen"),
        ("partner_report_count", "Antal partnerrapporter"),
        ("survey_respondents", "Antal svarande i enkäter"),
        ("police_reported_same_period_last_year", "Antal anmälda brott samma tertial förra året"),
        ("population", "Befolkningen"),
        ("police_reported_per_1000", "Anmälda brott per 1 000 invånare"),
    ]:
        b.at_least(column, 0, f"{what} är inte negativt")
    for column in ("survey_problem_share", "survey_ci_low", "survey_ci_high"):
        b.between(column, 0, 1, f"Andelen {column} ligger mellan 0 och 1")
    # the share lies within its Wilson interval, up to floating-point rounding
    b.at_least("share_minus_ci_low", -ROUNDING, "Andelen ligger inte under sitt konfidensintervall")
    b.at_least("ci_high_minus_share", -ROUNDING, "Andelen ligger inte över sitt konfidensintervall")
    b.at_least("priority_rank", 1, "Prioritetsrangen är 1 eller mer")
    b.no_big_drop()


def _dim_area(b: _Builder) -> None:
    b.columns("area_id", "area_name", "population", "population_year")
    b.not_empty("Kommunen har områden")
    b.not_null("kommun_code", "area_id", "area_name")
    b.unique("kommun_code", "area_id")  # an area id is unique only within its municipality
    b.regex("area_id", AREA_ID, "Områdes-id består av a–z, 0–9 och _")
    unknown = unknown_area_id()
    b.add(gxe.ExpectColumnDistinctValuesToContainSet(column="area_id", value_set=[unknown]),
          f"Området {unknown} (okänt område) finns")
    b.at_least("population", 0, "Befolkningen är inte negativ")
    b.in_set("kommun_code", b.inputs.kommun_codes, "Kommunen finns i dim_municipality")


def _dim_problem_category(b: _Builder) -> None:
    b.columns("category_id", "name_sv")
    b.not_empty("Problemkategorierna finns")
    b.not_null("category_id", "name_sv")
    b.unique("category_id")


def _dim_period(b: _Builder) -> None:
    b.columns("period", "period_start", "period_end")
    b.not_null("period", "period_start", "period_end")
    b.unique("period")
    b.regex("period", PERIOD, "Tertialen har formen ÅÅÅÅ-T1, -T2 eller -T3")
    b.add(gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="period_end", column_B="period_start"),
          "Tertialen slutar efter att den börjar")
    b.not_future("period_start", b.inputs.today, "Tertialens början")


def _dim_municipality(b: _Builder) -> None:
    b.columns("kommun_code", "kommun_name", "suppression_threshold")
    b.not_empty("Minst en kommun")
    b.not_null("kommun_code")
    b.unique("kommun_code")
    b.regex("kommun_code", KOMMUN_CODE, "Kommunkoden har fyra siffror")
    b.between("suppression_threshold", 1, 100, "Gränsen för små tal ligger mellan 1 och 100")


def _fct_reference_crime_rates(b: _Builder) -> None:
    b.columns("year", "kommun", "reported_crimes", "per_100k")
    b.not_null("year", "kommun", "reported_crimes")
    b.unique("year", "kommun")
    b.at_least("reported_crimes", 0, "Antal anmälda brott är inte negativt")
    b.at_least("per_100k", 0, "Anmälda brott per 100 000 invånare är inte negativt")
    b.statistics_year("year")
    b.no_big_drop()


def _fct_pledge_followup(b: _Builder) -> None:
    i = b.inputs
    b.columns("kommun_code", "pledge_id", "period", "category_id", "status")
    b.not_null("kommun_code", "pledge_id", "period", "status")
    b.unique("kommun_code", "pledge_id", "period")
    b.in_set("kommun_code", i.kommun_codes, "Kommunen finns i dim_municipality")
    b.in_set("status", PLEDGE_STATUS, "Status är on_track, off_track eller no_data")
    b.in_set("period", i.periods, "Tertialen finns i dim_period")
    b.in_set("category_id", i.category_ids, "Problemkategorin finns i dim_problem_category")


SUITES = {
    "raw.police_events": _police_events,
    "raw.police_bra": _police_bra,
    "raw.police_local": _police_local,
    "raw.partner_reports": _partner_reports,
    "raw.survey_responses": _survey_responses,
    "raw.config_municipality": _config_municipality,
    "raw.config_area_names": _config_area_names,
    "raw.config_area_population": _config_area_population,
    "raw.config_survey_questions": _config_survey_questions,
    "raw.config_survey_scale_labels": _config_survey_scale_labels,
    "raw.config_pledges": _config_pledges,
    "marts.fct_problem_indicators": _fct_problem_indicators,
    "marts.dim_area": _dim_area,
    "marts.dim_problem_category": _dim_problem_category,
    "marts.dim_period": _dim_period,
    "marts.dim_municipality": _dim_municipality,
    "marts.fct_reference_crime_rates": _fct_reference_crime_rates,
    "marts.fct_pledge_followup": _fct_pledge_followup,
}


def expectations(table: Table, inputs: Inputs) -> list:
    """The suite of one table, as GX expectation objects."""
    builder = _Builder(table, inputs, "warning" if table.layer == "raw" else "critical")
    SUITES[table.name](builder)
    if table.layer == "raw":
        builder.no_big_drop()
    return builder.items


def read_inputs(con, *, as_of: date, previous_row_counts: dict[str, int]) -> Inputs:
    """Value sets for the cross-table expectations, from whichever tables exist."""

    def values(table: str, column: str) -> tuple:
        schema, name = table.split(".")
        if not table_exists(con, schema, name):
            return ()
        rows = con.execute(f"select distinct {column} from {table} where {column} is not null").fetchall()
        return tuple(sorted(r[0] for r in rows))

    return Inputs(
        as_of=as_of,
        previous_row_counts=previous_row_counts,
        area_ids=values("marts.dim_area", "area_id"),
        category_ids=values("marts.dim_problem_category", "category_id"),
        periods=values("marts.dim_period", "period"),
        kommun_codes=values("marts.dim_municipality", "kommun_code"),
        config_area_ids=values("raw.config_area_names", "area_id"),
        question_ids=values("raw.config_survey_questions", "question_id"),
        scales=values("raw.config_survey_scale_labels", "scale"),
    )

