"""Typed, validated models of the configuration files in the data directory.

A broken file fails with a `ConfigError` that names the file and the field, so
the coordinator knows what to fix without reading a stack trace.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from .dbt_vars import unknown_area_id
from .names import normalise_name  # noqa: F401  the one normaliser (dbt's macro), also imported from here

UNKNOWN_AREA = unknown_area_id()


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names file and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


AreaId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]


class Area(_Model):
    id: AreaId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    aliases: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(default_factory=list)
    population: dict[int, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == UNKNOWN_AREA:
            raise ValueError(f"'{UNKNOWN_AREA}' is reserved for rows whose area matches nothing")
        return value

    @field_validator("population")
    @classmethod
    def _plausible_years(cls, value: dict[int, int]) -> dict[int, int]:
        bad = [year for year in value if not 1900 <= year <= 2100]
        if bad:
            raise ValueError(f"population years must be four-digit years, got {bad}")
        return value


class Municipality(_Model):
    code: Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    county: str | None = None
    areas: list[Area] = Field(min_length=1)
    suppression_threshold: Annotated[int, Field(ge=1, le=100)] = 3
    # A survey share from fewer respondents is not published (DATA-CONTRACT §2.1, §4.1).
    survey_min_respondents: Annotated[int, Field(ge=1, le=1000)] = 10
    # Names that are not people, so free-text redaction keeps them (DATA-CONTRACT §5):
    # shops, squares, schools, harbours; the partners that report.
    places: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(default_factory=list)
    partners: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_areas(self) -> "Municipality":
        ids = [a.id for a in self.areas]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"area ids must be unique, repeated: {dupes}")
        seen: dict[str, str] = {}
        for area in self.areas:
            for label in [area.name, *area.aliases]:
                key = normalise_name(label)
                if key in seen and seen[key] != area.id:
                    raise ValueError(f"'{label}' names both area '{seen[key]}' and area '{area.id}'")
                seen[key] = area.id
        return self


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _read_yaml(path: Path):
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc


def load_model(path: Path, model: type[BaseModel]):
    data = _read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"field '{_field_path(e['loc'])}': {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc


def load_municipality(path: Path) -> Municipality:
    return load_model(path, Municipality)


# --------------------------------------------------------------------------- questions.yaml
# DATA-CONTRACT §2.3: the survey question catalogue (header text -> question, category, scale).

from pydantic_core import PydanticCustomError  # noqa: E402

QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
Header = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ScaleLabel = Annotated[str, StringConstraints(strip_whitespace=True)]
SCALE_KINDS = ("problem", "no_problem", "ignore")


def header_key(text: str | None) -> str:
    """A column header as the contract compares it: trimmed, case-folded, inner
    whitespace collapsed (the same rule as pipelines.ingest.readers.normalise_header)."""
    return re.sub(r"\s+", " ", (text or "").replace("\ufeff", "")).strip().casefold()


def _field_error(field: str, message: str) -> PydanticCustomError:
    """A cross-field error that still names its field (load_questions reads ctx['field'])."""
    return PydanticCustomError("questions_config", "{message}", {"field": field, "message": message})


class SurveyScale(_Model):
    """Answer labels of a scale, in scale order. An answer given as a digit k means the
    k-th label of `problem` followed by `no_problem` (1 = first problem label)."""

    problem: list[ScaleLabel] = Field(min_length=1)
    no_problem: list[ScaleLabel] = Field(min_length=1)
    ignore: list[ScaleLabel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _labels_unique(self) -> "SurveyScale":
        seen: dict[str, str] = {}
        for kind in SCALE_KINDS:
            for label in getattr(self, kind):
                key = normalise_name(label)
                if key in seen:
                    raise ValueError(f"label '{label}' is listed twice (in {seen[key]} and {kind})")
                seen[key] = kind
        for label in self.problem + self.no_problem:
            if not label:
                raise ValueError("an empty label can only be an ignore label")
        return self

    def counted_labels(self) -> list[str]:
        return [*self.problem, *self.no_problem]


class SurveyQuestion(_Model):
    header: Header
    id: QuestionId
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None
    scale: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None
    free_text: bool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        from .ingest.taxonomy import is_known_category  # the taxonomy reads dbt seeds; import late

        if value is not None and not is_known_category(value):
            raise ValueError(f"'{value}' is not a category of the taxonomy (a category id, name or alias)")
        return value

    @model_validator(mode="after")
    def _free_text_or_scaled(self) -> "SurveyQuestion":
        if self.free_text:
            extra = [name for name in ("category", "scale") if getattr(self, name) is not None]
            if extra:
                raise ValueError(f"a free_text question has no {' or '.join(extra)}")
        else:
            missing = [name for name in ("category", "scale") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"{' and '.join(missing)} required (or free_text: true)")
        return self


class Questions(_Model):
    """questions.yaml. The id, submission-time and area columns are required in every
    export; the sector column is optional (absent from the file -> sector unknown)."""

    id_column: Header
    submitted_column: Header
    area_column: Header
    sector_column: Header | None = None
    questions: list[SurveyQuestion] = Field(min_length=1)
    scales: dict[QuestionId, SurveyScale] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cross_references(self) -> "Questions":
        columns: dict[str, str] = {}
        for name in ("id_column", "submitted_column", "area_column", "sector_column"):
            value = getattr(self, name)
            if value is None:
                continue
            key = header_key(value)
            if key in columns:
                raise _field_error(name, f"'{value}' is also the {columns[key]}")
            columns[key] = name
        ids: dict[str, int] = {}
        headers: dict[str, int] = {}
        for i, question in enumerate(self.questions):
            if question.scale is not None and question.scale not in self.scales:
                known = ", ".join(sorted(self.scales)) or "none defined"
                raise _field_error(f"questions.{i}.scale", f"unknown scale '{question.scale}' (scales: {known})")
            if question.id in ids:
                raise _field_error(f"questions.{i}.id", f"duplicate id '{question.id}' (also questions.{ids[question.id]})")
            ids[question.id] = i
            key = header_key(question.header)
            if key in headers:
                raise _field_error(
                    f"questions.{i}.header",
                    f"duplicate header '{question.header}' (also questions.{headers[key]}; headers match "
                    "after trimming and case-folding)",
                )
            if key in columns:
                raise _field_error(f"questions.{i}.header", f"'{question.header}' is the {columns[key]}")
            headers[key] = i
        return self

    def by_header(self) -> dict[str, SurveyQuestion]:
        """Questions keyed by their header as compared (see header_key)."""
        return {header_key(q.header): q for q in self.questions}


def load_questions(path: Path) -> Questions:
    """Read and validate questions.yaml; ConfigError '<file>: field '<path>': <problem>'."""
    data = _read_yaml(path)
    try:
        return Questions.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{(e.get('ctx') or {}).get('field') or _field_path(e['loc'])}': {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc


# --------------------------------------------------------------------------- pledges.yaml
# DATA-CONTRACT §2.2: the medborgarlöften decided so far. The file may be absent (no pledges).

PLEDGE_INDICATORS = ("police_reported_count", "police_event_count", "partner_report_count", "survey_problem_share")
Period = Annotated[str, StringConstraints(pattern=r"^\d{4}-T[123]$")]


class Pledge(_Model):
    """One pledge. `category` is a category id, name or alias (mapped to its id in dbt,
    like every other source); `areas` are area ids of municipality.yaml."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]  # also a file name: pledges/<id>.md
    period: Period
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    areas: list[AreaId] = Field(min_length=1)
    indicator: str
    baseline_period: Period
    target_change_pct: float

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        from .ingest.taxonomy import is_known_category  # the taxonomy reads dbt seeds; import late

        if not is_known_category(value):
            raise ValueError(f"'{value}' is not a category of the taxonomy (a category id, name or alias)")
        return value

    @field_validator("areas")
    @classmethod
    def _known_areas(cls, value: list[str], info) -> list[str]:
        known = (info.context or {}).get("area_ids")
        if known is not None:
            unknown = [area for area in value if area not in known]
            if unknown:
                raise ValueError(f"unknown area id(s) {unknown} (areas of municipality.yaml: {', '.join(known)})")
        if len(set(value)) != len(value):
            raise ValueError(f"an area is listed twice: {value}")
        return value

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str) -> str:
        if value not in PLEDGE_INDICATORS:
            raise ValueError(f"unknown indicator '{value}' (one of: {', '.join(PLEDGE_INDICATORS)})")
        return value

    @field_validator("target_change_pct")
    @classmethod
    def _directed_target(cls, value: float) -> float:
        if value == 0 or value <= -100:
            raise ValueError("must be non-zero (its sign is the desired direction) and above -100")
        return value

    @model_validator(mode="after")
    def _baseline_not_after_pledge(self) -> "Pledge":
        # 'YYYY-Tn' sorts chronologically as text.
        if self.baseline_period > self.period:
            raise PydanticCustomError(
                "pledge_config", "{message}",
                {"field": "baseline_period",
                 "message": f"baseline {self.baseline_period} lies after the pledge period {self.period}"},
            )
        return self


def load_pledges(path: Path, municipality: Municipality) -> list[Pledge]:
    """Read and validate pledges.yaml against the municipality's areas; an absent or empty
    file means no pledges. ConfigError "<file>: field '<n>.<field>' (pledge <id>): <problem>"."""
    if not path.exists():
        return []
    data = _read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{path}: field '(top level)': a list of pledges is expected")
    area_ids = [area.id for area in municipality.areas]
    pledges, problems, seen = [], [], {}
    for i, item in enumerate(data):
        label = f" (pledge {item.get('id')})" if isinstance(item, dict) and item.get("id") else ""
        try:
            pledge = Pledge.model_validate(item, context={"area_ids": area_ids})
        except ValidationError as exc:
            problems += [
                f"field '{i}.{(e.get('ctx') or {}).get('field') or _field_path(e['loc'])}'{label}: {e['msg']}"
                for e in exc.errors()
            ]
            continue
        if pledge.id in seen:
            problems.append(f"field '{i}.id'{label}: duplicate id (also pledge {seen[pledge.id]})")
        seen[pledge.id] = i
        pledges.append(pledge)
    if problems:
        raise ConfigError(f"{path}: {'; '.join(problems)}")
    return pledges
