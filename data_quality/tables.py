"""The tables under data-quality checks: what each is called for the coordinator, which
columns a validation reads, and whether a failure stops the lägesbild.

No Great Expectations here, so the Dagster definitions load without importing GX (~3 s).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    name: str  # schema.table in the warehouse
    label: str  # Swedish, for the quality report
    select: str  # the SQL select list a validation reads (only what the suite needs)
    period_column: str | None = None  # failures are attributed to these tertials
    optional: bool = False  # may not exist yet: the suite is skipped

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def key(self) -> list[str]:
        return self.name.split(".")

    @property
    def layer(self) -> str:
        return "raw" if self.schema == "raw" else "marts"

    @property
    def blocking(self) -> bool:
        """Mart failures stop the report; raw data only warns (DESIGN: bad data must not
        publish a wrong picture, but the loaders already rejected what they could)."""
        return self.layer == "marts"


def day(expression: str, name: str) -> str:
    """A date as the number YYYYMMDD: GX's pandas range check is vectorised only for
    int64/float64 columns and runs a Python function per row on datetimes (32 s for the
    2.7 M survey rows at 100x the sample, against 0.1 s); validate.py shows it as a date."""
    return f"cast(strftime({expression}, '%Y%m%d') as bigint) as {name}"


RAW = (
    Table(
        "raw.police_events",
        "Polisens händelser (polisen.se)",
        # the publication date as the payload gives it; dbt derives the event time
        "id, datetime, name, type, summary, location_name, _source_file, _source_row, "
        + day("try_cast(substr(trim(datetime), 1, 10) as date)", "published_day"),
    ),
    Table("raw.police_bra", "BRÅ:s anmälda brott per kommun och år",
          "kommun, reported_crimes, per_100k, year, _source_file, _source_row"),
    Table("raw.police_local", "Lokalpolisens utdrag (anmälda brott per månad)",
          "area, category, reported_count, suppressed, _kommun_code, _source_file, _source_row, _file_sha256, "
          + day("month", "month_day")),
    Table("raw.partner_reports", "Partnerrapporter",
          "partner, category_text, report_count, _kommun_code, _source_file, _source_row, _file_sha256, "
          + day("report_date", "report_day")),
    Table("raw.survey_responses", "Enkätsvar",
          "response_id, question_id, _kommun_code, _source_file, _source_row, "
          + day("submitted_at", "submitted_day")),
    Table("raw.config_municipality", "Kommunens uppgifter (municipality.yaml)", "*"),
    Table("raw.config_area_names", "Områdesnamn och alias (municipality.yaml)", "*"),
    Table("raw.config_area_population", "Befolkning per område (municipality.yaml)", "*"),
    Table("raw.config_survey_questions", "Frågekatalogen (surveys/questions.yaml)", "*"),
    Table("raw.config_survey_scale_labels", "Svarsskalorna (surveys/questions.yaml)", "*"),
    Table("raw.config_pledges", "Medborgarlöften (pledges.yaml)",
          "kommun_code, pledge_id, period, category_text, indicator, baseline_period", optional=True),
)

MARTS = (
    Table(
        "marts.fct_problem_indicators",
        "Indikatorer per tertial, område och problemkategori",
        # distances to the confidence bounds, so rounding (1e-17) is not an error
        "*, survey_problem_share - survey_ci_low as share_minus_ci_low, "
        "survey_ci_high - survey_problem_share as ci_high_minus_share",
        period_column="period",
    ),
    Table("marts.dim_area", "Områden", "*"),
    Table("marts.dim_problem_category", "Problemkategorier", "*"),
    Table("marts.dim_period", "Tertial", "*", period_column="period"),
    Table("marts.dim_municipality", "Kommunen", "*"),
    Table("marts.fct_reference_crime_rates", "Jämförelsetal från BRÅ (anmälda brott per kommun)", "*"),
    Table("marts.fct_pledge_followup", "Uppföljning av medborgarlöften", "*", period_column="period",
          optional=True),
)

ALL = RAW + MARTS
BY_NAME = {t.name: t for t in ALL}


def label(table_name: str) -> str:
    table = BY_NAME.get(table_name)
    return table.label if table else table_name
