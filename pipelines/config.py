"""Typed, validated models of the configuration files in the data directory.

A broken file fails with a `ConfigError`: one Swedish line per problem naming the
file, the entry (counted from 1), the line and the field, with a suggestion when one
is close (pipelines/config_messages.py), so the coordinator knows what to fix without
reading a stack trace.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, field_validator,
                      model_validator)
from pydantic_core import PydanticCustomError

from . import config_messages as msg
from .dbt_vars import unknown_area_id
from .names import normalise_name  # noqa: F401  the one normaliser (dbt's macro), also imported from here
from .settings import data_dir_from_env

UNKNOWN_AREA = unknown_area_id()
MAX_PROBLEMS = 10  # a file with more is listed up to here, then counted


class ConfigError(ValueError):
    """A configuration file that cannot be used. `lines`: one Swedish sentence per problem,
    each starting with the file ("municipality.yaml, område 2 (Öregrund), rad 17: …");
    the message is the lines joined by newlines."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        lines = [f"{file}, {where}: {what}" if where else f"{file}: {what}" for where, what in problems]
        if len(lines) > MAX_PROBLEMS:
            lines = lines[:MAX_PROBLEMS] + [f"{file}: … och {len(lines) - MAX_PROBLEMS} fel till"]
        super().__init__("\n".join(lines))
        self.lines = lines

    def __reduce__(self):  # picklable although __init__ takes other arguments than .args
        return _config_error, (self.lines,)


def _config_error(lines: list[str]) -> ConfigError:
    error = ConfigError("", [])
    ValueError.__init__(error, "\n".join(lines))
    error.lines = lines
    return error


def field_error(loc: tuple, message: str) -> PydanticCustomError:
    """A cross-field error that names its field: `loc` is relative to the validated model."""
    return PydanticCustomError("config", "{message}", {"loc": loc, "message": message})


def _pattern(regex: str, help_sv: str) -> StringConstraints:
    """A text pattern and what it asks for in Swedish (a predicate: "ska vara …")."""
    msg.PATTERN_HELP[regex] = help_sv
    return StringConstraints(pattern=regex)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


AreaId = Annotated[str, _pattern(r"^[a-z0-9_]+$", "ska bestå av små bokstäver a–z, siffror och _ "
                                                  "(inga å, ä, ö, stora bokstäver eller mellanslag)")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Area(_Model):
    id: AreaId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    aliases: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]] = Field(default_factory=list)
    population: dict[int, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    # A point for the map (WGS84 decimal degrees, DATA-CONTRACT §2.1): bounds of Sweden, so a
    # swapped pair or a coordinate in another system is caught here rather than on the map.
    lat: Annotated[float, Field(ge=55.0, le=69.1)] | None = None
    lon: Annotated[float, Field(ge=10.5, le=24.2)] | None = None

    @model_validator(mode="after")
    def _point_whole(self) -> "Area":
        if (self.lat is None) != (self.lon is None):
            given, missing = ("lat", "lon") if self.lon is None else ("lon", "lat")
            raise field_error((missing,), f"saknas: en punkt på kartan har både lat och lon ({given} är angiven)")
        return self

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == UNKNOWN_AREA:
            raise ValueError(f'"{UNKNOWN_AREA}" är reserverat för rader vars område inte känns igen; välj ett annat id')
        return value

    @field_validator("population")
    @classmethod
    def _plausible_years(cls, value: dict[int, int]) -> dict[int, int]:
        bad = [str(year) for year in value if not 1900 <= year <= 2100]
        if bad:
            raise ValueError(f"årtalet {msg.quote(bad[0])} ska vara ett år med fyra siffror, som 2023")
        return value


class Municipality(_Model):
    code: Annotated[str, _pattern(r"^\d{4}$", 'ska vara kommunkoden: fyra siffror inom citattecken, som "0382"')]
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
    # Kolada KPIs the report compares with the county and the country (DATA-CONTRACT §7), e.g. N07403.
    kolada_kpis: list[Annotated[str, _pattern(r"^[A-Z]\d{5}$", 'ska vara ett Kolada-id: en versal och fem siffror, som "N07403"')]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_areas(self) -> "Municipality":
        first: dict[str, int] = {}
        for i, area in enumerate(self.areas):
            if area.id in first:
                raise field_error(("areas", i, "id"), f"{msg.quote(area.id)} finns redan (område {first[area.id] + 1})")
            first[area.id] = i
        seen: dict[str, int] = {}
        for i, area in enumerate(self.areas):
            for j, label in enumerate([area.name, *area.aliases]):
                key = normalise_name(label)
                if key in seen and seen[key] != i:
                    other = self.areas[seen[key]]
                    where = ("areas", i, "name") if j == 0 else ("areas", i, "aliases", j - 1)
                    raise field_error(where, f"{msg.quote(label)} är också ett namn på område {seen[key] + 1} "
                                             f"({other.name}); ett namn får bara peka ut ett område")
                seen[key] = i
        return self


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: PyYAML turns 2025-04-31 into a bare ValueError with no
    line; as text it reaches pydantic, whose date error names the entry and the field."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# The same loader on libyaml (C; when PyYAML has it): the same resolvers and constructors, about
# ten times faster, which matters for a region's hundreds of municipality.yaml and questions.yaml.
_CLoader = type("_CLoader", (yaml.CSafeLoader,), {"yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers}) \
    if getattr(yaml, "__with_libyaml__", False) else None


def _parse_yaml(text: str, loader_class) -> tuple[Any, yaml.Node | None]:
    """Data and node tree from one parse (yaml.load and yaml.compose would each parse the text)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _file_name(path: Path) -> str:
    return msg.display_name(path, data_dir_from_env())


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The file's data and its composed node tree (for line numbers in messages)."""
    name = _file_name(path)
    if not path.is_file():
        raise ConfigError(name, [("", f"filen finns inte (väntades i {path.parent})")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, [("", "filen är inte sparad som UTF-8; spara den som UTF-8 och kör igen")]) from exc
    if text in _parsed:  # a run reads each municipality's files in several steps
        data, node = _parsed[text]
        return copy.deepcopy(data), node
    try:
        data, node = _parse_yaml(text, _CLoader) if _CLoader is not None else _parse_yaml(text, _Loader)
    except yaml.YAMLError:
        try:  # the Python parser's message and line (libyaml's words differ)
            data, node = _parse_yaml(text, _Loader)
        except yaml.YAMLError as exc:
            line, problem = msg.yaml_problem(exc)
            raise ConfigError(name, [(f"rad {line}" if line else "", problem)]) from exc
    if len(_parsed) >= 2048:  # a long-running process that sees many versions
        _parsed.clear()
    _parsed[text] = (copy.deepcopy(data), node)
    return data, node


# A file's text -> its parse (data, node): keyed by the text itself, so an edit is never missed.
# The node tree is only read (for line numbers); the data is handed out as a copy.
_parsed: dict[str, tuple[Any, yaml.Node | None]] = {}


def _validate(path: Path, root_type: Any, data: Any, node: yaml.Node | None, context: dict | None = None,
              extra: list[tuple[str, str]] = ()):
    """`data` validated as `root_type`; every problem (and `extra` ones) in one ConfigError."""
    problems = list(extra)
    try:
        value = TypeAdapter(root_type).validate_python(data, context=context)
    except ValidationError as exc:
        problems = [msg.describe(error, root_type, data, node) for error in exc.errors()] + problems
    if problems:
        raise ConfigError(_file_name(path), problems)
    return value


def load_model(path: Path, model: type[BaseModel]):
    data, node = _read_yaml(path)
    if data is None:
        raise ConfigError(_file_name(path), [("", "filen är tom")])
    return _validate(path, model, data, node)


def _duplicate_ids(data: list, node: yaml.Node | None, root_type: Any, noun: str) -> list[tuple[str, str]]:
    """'fältet "id": "x" finns redan (löfte 1)' for each repeated id of a list file."""
    first: dict[str, int] = {}
    problems = []
    for i, item in enumerate(data):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str):
            continue
        if key in first:
            error = {"type": "duplicate", "loc": (i, "id"), "input": key,
                     "ctx": {"message": f"{msg.quote(key)} finns redan ({noun} {first[key] + 1})"}}
            problems.append(msg.describe(error, root_type, data, node))
        first.setdefault(key, i)
    return problems


def load_list(path: Path, item_type: type[BaseModel], *, noun: str, plural: str, context: dict) -> list:
    """A file that is a YAML list of entries (pledges.yaml, actions.yaml); absent or empty -> []."""
    if not path.exists():
        return []
    data, node = _read_yaml(path)
    if data is None:
        return []
    root_type = list[item_type]
    if not isinstance(data, list):
        raise ConfigError(_file_name(path), [("", f"filen ska vara en lista av {plural}, där varje {noun} "
                                                   'börjar med en rad "- id: …"')])
    return _validate(path, root_type, data, node, context, _duplicate_ids(data, node, root_type, noun))


def load_municipality(path: Path) -> Municipality:
    return load_model(path, Municipality)


def load_municipalities(entries: list) -> list[Municipality]:
    """Every municipality folder's municipality.yaml (`entries`: pipelines.layout.MunicipalityDir),
    validated, in the same order. One ConfigError for all broken files (each line names its
    file, so kommuner/0360-tierp/municipality.yaml in a region); then a code that is no
    Swedish municipality (dbt_project/seeds/kommuner.csv) or that two folders share."""
    from .ingest.kommuner import kommun_code_of, names_by_code  # reads dbt seeds; import late

    municipalities, lines = [], []
    for entry in entries:
        try:
            municipalities.append(load_municipality(entry.municipality_file))
        except ConfigError as exc:
            lines += exc.lines
    if lines:
        raise _config_error(lines)
    known = names_by_code()
    first: dict[str, Path] = {}
    for entry, municipality in zip(entries, municipalities):
        name = _file_name(entry.municipality_file)
        if municipality.code not in known:
            right = kommun_code_of(municipality.name)
            hint = (f"; {municipality.name} har kommunkoden {msg.quote(right)}" if right
                    else " (dbt_project/seeds/kommuner.csv)")
            raise ConfigError(name, [("", f'fältet "code": {msg.quote(municipality.code)} är ingen svensk '
                                             f"kommunkod{hint}")])
        if municipality.code in first:
            other = msg.display_name(first[municipality.code], data_dir_from_env())
            raise ConfigError(name, [("", f'fältet "code": kommunkoden {msg.quote(municipality.code)} finns redan i '
                                             f"{other}/; varje kommun ska ha en enda mapp")])
        first[municipality.code] = entry.path
    return municipalities


# --------------------------------------------------------------------------- shared checks


def check_category(value: str) -> str:
    """`value` when it names a category of the taxonomy (id, name or alias), else a Swedish error."""
    from .ingest import taxonomy  # the taxonomy reads dbt seeds; import late

    if not taxonomy.is_known_category(value):
        hint = msg.closest(value, taxonomy.category_spellings(), cutoff=0.7)
        raise ValueError(f"okänd kategori {msg.quote(value)}"
                         + (f' – menade du "{hint}"?' if hint else "")
                         + f" (kategorier: {taxonomy.valid_categories_text()}, eller ett alias ur kategorilistan)")
    return value


def check_areas(value: list[str], info) -> list[str]:
    """Area ids of municipality.yaml (validation context "area_ids"), each once."""
    known = (info.context or {}).get("area_ids")
    if known is not None:
        for area in value:
            if area not in known:
                raise ValueError(msg.unknown_choice("okänt område", area, known, "områden i municipality.yaml"))
    for area in value:
        if value.count(area) > 1:
            raise ValueError(f"området {msg.quote(area)} står två gånger")
    return value


# --------------------------------------------------------------------------- questions.yaml
# DATA-CONTRACT §2.3: the survey question catalogue (header text -> question, category, scale).

QuestionId = AreaId
Header = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ScaleLabel = Annotated[str, StringConstraints(strip_whitespace=True)]
SCALE_KINDS = ("problem", "no_problem", "ignore")


def header_key(text: str | None) -> str:
    """A column header as the contract compares it: trimmed, case-folded, inner
    whitespace collapsed (the same rule as pipelines.ingest.readers.normalise_header)."""
    return re.sub(r"\s+", " ", (text or "").replace("\ufeff", "")).strip().casefold()


class SurveyScale(_Model):
    """Answer labels of a scale, in scale order. An answer given as a digit k means the
    k-th label of `problem` followed by `no_problem` (1 = first problem label)."""

    problem: list[ScaleLabel] = Field(min_length=1)
    no_problem: list[ScaleLabel] = Field(min_length=1)
    ignore: list[ScaleLabel] = Field(default_factory=list)

    @model_validator(mode="after")
    def _labels_unique(self) -> "SurveyScale":
        for kind in ("problem", "no_problem"):
            if "" in getattr(self, kind):
                raise field_error((kind,), "ett tomt svar kan bara stå under ignore")
        seen: dict[str, str] = {}
        for kind in SCALE_KINDS:
            for label in getattr(self, kind):
                key = normalise_name(label)
                if key in seen:
                    raise field_error((kind,), f"svaret {msg.quote(label)} står redan under {seen[key]}")
                seen[key] = kind
        return self

    def counted_labels(self) -> list[str]:
        return [*self.problem, *self.no_problem]


class SurveyQuestion(_Model):
    header: Header
    id: QuestionId
    category: Text | None = None
    scale: Text | None = None
    free_text: bool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str | None) -> str | None:
        return None if value is None else check_category(value)

    @model_validator(mode="after")
    def _free_text_or_scaled(self) -> "SurveyQuestion":
        if self.free_text:
            extra = [name for name in ("category", "scale") if getattr(self, name) is not None]
            if extra:
                raise field_error((extra[0],), "en fritextfråga (free_text: true) har ingen category eller scale")
        else:
            missing = [name for name in ("category", "scale") if getattr(self, name) is None]
            if missing:
                raise field_error((missing[0],), "saknas (eller free_text: true för en fritextfråga)")
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
                raise field_error((name,), f"{msg.quote(value)} är samma kolumn som {columns[key]}")
            columns[key] = name
        ids: dict[str, int] = {}
        headers: dict[str, int] = {}
        for i, question in enumerate(self.questions):
            if question.scale is not None and question.scale not in self.scales:
                raise field_error(("questions", i, "scale"),
                                  msg.unknown_choice("okänd skala", question.scale, sorted(self.scales),
                                                     "skalor under scales"))
            if question.id in ids:
                raise field_error(("questions", i, "id"),
                                  f"{msg.quote(question.id)} finns redan (fråga {ids[question.id] + 1})")
            ids[question.id] = i
            key = header_key(question.header)
            if key in headers:
                raise field_error(("questions", i, "header"),
                                  f"rubriken finns redan (fråga {headers[key] + 1}; rubriker jämförs utan "
                                  "skillnad på stora och små bokstäver och mellanslag)")
            if key in columns:
                raise field_error(("questions", i, "header"),
                                  f"{msg.quote(question.header)} är samma kolumn som {columns[key]}")
            headers[key] = i
        return self

    def by_header(self) -> dict[str, SurveyQuestion]:
        """Questions keyed by their header as compared (see header_key)."""
        return {header_key(q.header): q for q in self.questions}


def load_questions(path: Path) -> Questions:
    """Read and validate questions.yaml (ConfigError: see the module docstring)."""
    return load_model(path, Questions)


# --------------------------------------------------------------------------- pledges.yaml
# DATA-CONTRACT §2.2: the medborgarlöften decided so far. The file may be absent (no pledges).

PLEDGE_INDICATORS = ("police_reported_count", "police_event_count", "partner_report_count", "survey_problem_share")
Period = Annotated[str, _pattern(r"^\d{4}-T[123]$",
                                 "ska vara ett tertial som 2025-T2 (T1 jan–apr, T2 maj–aug, T3 sep–dec)")]
# also a file name (pledges/<id>.md)
EntryId = Annotated[str, _pattern(r"^[a-z0-9][a-z0-9_-]*$", "ska bestå av små bokstäver a–z, siffror, - och _ "
                                                            "och börja med en bokstav eller siffra")]


class _AboutCategoryAndAreas(_Model):
    """An entry (pledge, measure) about a category of the taxonomy in areas of municipality.yaml."""

    @field_validator("category", check_fields=False)
    @classmethod
    def _known_category(cls, value: str) -> str:
        return check_category(value)

    @field_validator("areas", check_fields=False)
    @classmethod
    def _known_areas(cls, value: list[str], info) -> list[str]:
        return check_areas(value, info)


class Pledge(_AboutCategoryAndAreas):
    """One pledge. `category` is a category id, name or alias (mapped to its id in dbt,
    like every other source); `areas` are area ids of municipality.yaml."""

    id: EntryId
    period: Period
    title: Text
    category: Text
    areas: list[AreaId] = Field(min_length=1)
    indicator: str
    baseline_period: Period
    target_change_pct: float

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str) -> str:
        if value not in PLEDGE_INDICATORS:
            raise ValueError(msg.unknown_choice("okänd indikator", value, PLEDGE_INDICATORS, "indikatorer"))
        return value

    @field_validator("target_change_pct")
    @classmethod
    def _directed_target(cls, value: float) -> float:
        if value == 0 or value <= -100:
            raise ValueError(f"ska vara skilt från 0 och större än -100, inte {msg.quote(f'{value:g}')} "
                             "(tecknet är riktningen: -20 betyder minska med 20 %)")
        return value

    @model_validator(mode="after")
    def _baseline_not_after_pledge(self) -> "Pledge":
        # 'YYYY-Tn' sorts chronologically as text.
        if self.baseline_period > self.period:
            raise field_error(("baseline_period",), f"basperioden {self.baseline_period} ligger efter löftets "
                                                    f"period {self.period}")
        return self


def _area_ids(municipality: Municipality | None) -> list[str] | None:
    return None if municipality is None else [area.id for area in municipality.areas]


def load_pledges(path: Path, municipality: Municipality | None) -> list[Pledge]:
    """Read and validate pledges.yaml against the municipality's areas (None: areas not
    checked, when municipality.yaml is itself broken); an absent or empty file means no pledges."""
    return load_list(path, Pledge, noun="löfte", plural="löften", context={"area_ids": _area_ids(municipality)})


# --------------------------------------------------------------------------- actions.yaml
# DATA-CONTRACT §2.7: the action plan (åtgärdsplan), its measures and their follow-up.
# The file may be absent (no measures decided yet).

ACTION_STATUSES = ("planerad", "pågår", "genomförd", "inställd")


class ActionTarget(_Model):
    """What was promised: `count` of `measure` ("12 nattpatruller")."""

    measure: Text
    count: Annotated[int, Field(ge=1)]


class ActionUpdate(_Model):
    date: dt.date
    status: str
    done: Annotated[int, Field(ge=0)] | None = None
    note: str | None = None  # free text: redacted before it is stored

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in ACTION_STATUSES:
            raise ValueError(msg.unknown_choice("okänd status", value, ACTION_STATUSES, "en av"))
        return value


class Action(_AboutCategoryAndAreas):
    """One measure of the action plan; `pledge` (optional) is a pledge id of pledges.yaml."""

    id: EntryId
    title: Text
    owner: Text
    pledge: str | None = None
    category: Text
    areas: list[AreaId] = Field(min_length=1)
    start: dt.date
    end: dt.date | None = None
    target: ActionTarget | None = None
    updates: list[ActionUpdate] = Field(default_factory=list)

    @field_validator("pledge")
    @classmethod
    def _known_pledge(cls, value: str | None, info) -> str | None:
        known = (info.context or {}).get("pledge_ids")
        if value is not None and known is not None and value not in known:
            raise ValueError(msg.unknown_choice("okänt löfte", value, known, "löften i pledges.yaml"))
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> "Action":
        if self.end is not None and self.end < self.start:
            raise field_error(("end",), f"slutdatum {self.end} ligger före startdatum {self.start}")
        return self


def entry_lines(path: Path, child: str) -> list[tuple[int, list[int]]]:
    """For a list file: the line (from 1) where each entry starts, and where each item of its
    `child` list starts (actions.yaml: each action and its updates), for lineage."""
    if not path.is_file():
        return []
    node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
    if not isinstance(node, yaml.SequenceNode):
        return []
    lines = []
    for item in node.value:
        pairs = item.value if isinstance(item, yaml.MappingNode) else []
        children = next((v.value for k, v in pairs if k.value == child and isinstance(v, yaml.SequenceNode)), [])
        lines.append((item.start_mark.line + 1, [c.start_mark.line + 1 for c in children]))
    return lines


def load_actions(path: Path, municipality: Municipality | None, pledges: list[Pledge] | None) -> list[Action]:
    """Read and validate actions.yaml against the areas and the pledges (None: not checked,
    when that file is itself broken); absent or empty -> no measures."""
    return load_list(path, Action, noun="åtgärd", plural="åtgärder",
                     context={"area_ids": _area_ids(municipality),
                              "pledge_ids": None if pledges is None else [pledge.id for pledge in pledges]})


# How a person names an entry of each list (messages count from 1): noun, field that labels it.
msg.ENTRY_NOUNS.update({
    Area: ("område", "name"),
    SurveyQuestion: ("fråga", "id"),
    SurveyScale: ("skalan", None),
    Pledge: ("löfte", "id"),
    Action: ("åtgärd", "id"),
    ActionUpdate: ("uppdatering", None),
})
