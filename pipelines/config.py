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

UNKNOWN_AREA = "okant"


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


def normalise_name(text: str) -> str:
    """The contract's matching key (case, accents, whitespace ignored).

    Mirrors dbt's `normalise_name` macro; used here only to validate the config.
    """
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip()


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
