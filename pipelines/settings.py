"""Every path the pipeline uses, and the date it works as of, from environment
variables, in one place.

DATA-CONTRACT §1: relative paths are relative to the repository root, so the
same values work from `make run`, the Dagster UI, tests and dbt's profile.

The one clock (DATA-CONTRACT §4.1): `LAGESBILD_AS_OF` (YYYY-MM-DD) is the date every
rule that depends on "today" uses — a partner report or survey answer in the future,
a local-police month that has not ended, the tertial in progress, late measures. Unset,
it is today's date in Swedish time. `Settings.export()` writes the resolved date back
to the environment, so dbt (macro `as_of()`, which reads the same variable) and every
step of a run use one and the same date, even across midnight. Timestamps that record
when something happened (`_loaded_at`, `checked_at`, "framtagen") stay wall-clock time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import layout

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
# dbt's target folder (manifest, partial parse) as dbt itself finds it: DBT_TARGET_PATH,
# relative to the dbt project, else dbt_project/target. Two processes that build different
# warehouses at the same time need one each (the test suite's workers: tests/conftest.py).
DBT_TARGET_DIR = DBT_PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")
# What `make setup` copies to DAGSTER_HOME/dagster.yaml (pipelines/instance_storage.py).
DAGSTER_INSTANCE_YAML = REPO_ROOT / "pipelines" / "dagster_instance.yaml"


def new_dagster_home(path: Path) -> Path:
    """A DAGSTER_HOME as `make setup` makes it, for the benchmarks (the tests read the file by
    path: tests/conftest.py DAGSTER_YAML)."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "dagster.yaml").write_bytes(DAGSTER_INSTANCE_YAML.read_bytes())
    return path

# Input folders inside the data directory (DATA-CONTRACT §2).
SOURCE_DIRS = {
    "police_events": "police/events",
    "police_bra": "police/bra",
    "police_local": "police/local",
    "surveys": "surveys",
    "partners": "partners",
    # Reference figures a connector drops (DATA-CONTRACT §7): SCB population, Kolada KPI values and
    # the KPIs' own titles. Shared at the root of a region, like the police folders.
    "scb": "reference/scb",
    "kolada": "reference/kolada",
    "kolada_kpis": "reference/kolada/kpi",
}
# The police events connector's payloads (DATA-CONTRACT §7): a subfolder of police/events that the
# loader and the inbox sensor read as part of that folder.
POLICE_API_SUBDIR = "api"

DEFAULTS = {
    "LAGESBILD_DATA_DIR": "data/sample",
    "LAGESBILD_WAREHOUSE": "warehouse/lagesbild.duckdb",
    "LAGESBILD_OUTPUT_DIR": "output",
}
# Seconds `make run` waits for a run in progress (pipelines/turn.py) before it exits, code 75.
RUN_WAIT_VAR = "LAGESBILD_RUN_WAIT"
RUN_WAIT_DEFAULT = 2 * 3600.0
# The analysts' read-only copy (pipelines/publish.py); unset, it lies beside the warehouse.
ANALYTICS_COPY_VAR = "LAGESBILD_ANALYTICS_COPY"
ANALYTICS_COPY_NAME = "analytics.duckdb"


AS_OF_VAR = "LAGESBILD_AS_OF"
SWEDISH_TIME = "Europe/Stockholm"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class AsOfError(ValueError):
    """LAGESBILD_AS_OF is set but is not a date; the message says so in Swedish and English."""


def today_in_sweden() -> date:
    """Today's date in Swedish time (the server may run in UTC)."""
    try:
        return datetime.now(ZoneInfo(SWEDISH_TIME)).date()
    except ZoneInfoNotFoundError:  # no time zone database: the system's own date
        return date.today()


def read_as_of(environ: Mapping[str, str] | None = None) -> date:
    """The as-of date: `LAGESBILD_AS_OF` (YYYY-MM-DD), else today in Swedish time.

    A value that is not a calendar date in that form raises AsOfError.
    """
    text = (os.environ if environ is None else environ).get(AS_OF_VAR, "").strip()
    if not text:
        return today_in_sweden()
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise AsOfError(
            f"{AS_OF_VAR}='{text}' är inget giltigt datum; ange det som ÅÅÅÅ-MM-DD (t.ex. 2026-09-01) "
            f"eller ta bort variabeln för dagens datum. / {AS_OF_VAR}='{text}' is not a valid date; "
            "use YYYY-MM-DD (e.g. 2026-09-01) or unset it for today."
        ) from None


FREE_TEXT_VAR = "LAGESBILD_FREE_TEXT"
_OFF = {"off", "0", "false", "no", "nej", "av"}


def free_text_stored(environ: Mapping[str, str] | None = None) -> bool:
    """DATA-CONTRACT §5: `LAGESBILD_FREE_TEXT=off` stores no free text at all (partner
    Beskrivning and Plats, survey free-text answers, police summaries become null).
    Unset or anything else: free text is stored, redacted."""
    value = (os.environ if environ is None else environ).get(FREE_TEXT_VAR, "")
    return value.strip().casefold() not in _OFF


INTERNAL_VAR = "LAGESBILD_INTERNAL"
INTERNAL_FOLDER = "intern"  # <period>/intern/: the internal edition beside the public one
_ON = {"on", "1", "true", "yes", "ja", "på"}


def internal_edition(environ: Mapping[str, str] | None = None) -> bool:
    """DATA-CONTRACT §4.2: `LAGESBILD_INTERNAL=on` also writes the internal edition (no small-count
    suppression, the police's event summaries) under <period>/intern/. Unset or anything else: not
    written, and the unsuppressed figures are not stored."""
    return (os.environ if environ is None else environ).get(INTERNAL_VAR, "").strip().casefold() in _ON


PDF_VAR = "LAGESBILD_PDF"
PDF_AUTO, PDF_ALL, PDF_NONE = "auto", "all", "none"
_PDF_WORDS = {"": PDF_AUTO, "auto": PDF_AUTO, "all": PDF_ALL, "alla": PDF_ALL, "on": PDF_ALL,
              "none": PDF_NONE, "inga": PDF_NONE, **{word: PDF_NONE for word in _OFF}}
_PDF_TARGET = re.compile(r"\d{4}|region")


class PdfChoiceError(ValueError):
    """LAGESBILD_PDF names neither a choice nor municipality codes; the message says so in Swedish and English."""


def read_pdf_choice(environ: Mapping[str, str] | None = None) -> str | frozenset[str]:
    """DATA-CONTRACT §4.2: which reports get a PDF (WeasyPrint, ~3 s a lägesbild; the overview
    of a whole country more than a minute). `LAGESBILD_PDF` unset or `auto`: every lägesbild
    of a single-municipality data dir, none in a region (neither lägesbild nor overview);
    `all`: every lägesbild and overview; `none`/`off`: none; a comma-separated list of
    municipality codes (`0382,0381`, `region` for the overview): those, every tertial.
    `make pdf` writes one afterwards from the HTML (pipelines/picture/pdf.py)."""
    text = (os.environ if environ is None else environ).get(PDF_VAR, "").strip().casefold()
    if text in _PDF_WORDS:
        return _PDF_WORDS[text]
    targets = frozenset(part.strip() for part in text.split(",") if part.strip())
    if not targets or not all(_PDF_TARGET.fullmatch(t) for t in targets):
        raise PdfChoiceError(
            f"{PDF_VAR}='{text}': ange auto, all, none eller kommunkoder med komma emellan (t.ex. 0382,0381,region). "
            f"/ {PDF_VAR}='{text}': use auto, all, none or comma-separated municipality codes (e.g. 0382,0381,region).")
    return targets


def municipality_file() -> Path:
    """municipality.yaml of the data directory in force (for code without Settings at hand)."""
    return _path("LAGESBILD_DATA_DIR") / "municipality.yaml"


def as_of() -> date:
    """The date every rule that depends on "today" uses (see the module docstring).

    For code that has no Settings at hand (the loaders' parse(path)); it reads the same
    variable as Settings.as_of, which `Settings.export()` pins for the whole run.
    """
    return read_as_of()


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _path(var: str) -> Path:
    return _resolve(os.environ.get(var) or DEFAULTS[var])


def data_dir_from_env() -> Path:
    """LAGESBILD_DATA_DIR resolved (for code that names files relative to it, without Settings)."""
    return _path("LAGESBILD_DATA_DIR")


def quality_docs_dir(output_dir: Path, layer: str) -> Path:
    """Great Expectations Data Docs of one layer (raw, marts) under the output directory."""
    return output_dir / "quality" / layer


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    output_dir: Path
    analytics_copy: Path
    as_of: date = field(default_factory=read_as_of)
    pdf: str | frozenset[str] = field(default_factory=read_pdf_choice)
    internal: bool = field(default_factory=internal_edition)

    @classmethod
    def from_env(cls) -> "Settings":
        warehouse = _path("LAGESBILD_WAREHOUSE")
        copy = os.environ.get(ANALYTICS_COPY_VAR)
        return cls(
            data_dir=_path("LAGESBILD_DATA_DIR"),
            warehouse=warehouse,
            output_dir=_path("LAGESBILD_OUTPUT_DIR"),
            analytics_copy=_resolve(copy) if copy else warehouse.parent / ANALYTICS_COPY_NAME,
            as_of=read_as_of(),
            pdf=read_pdf_choice(),
            internal=internal_edition(),
        )

    def export(self) -> None:
        """Write the resolved absolute paths and the as-of date back to the environment,
        so child processes (dbt) that read the same variables see the same files, and
        the rest of the run (this process included) the same date."""
        os.environ["LAGESBILD_DATA_DIR"] = str(self.data_dir)
        os.environ["LAGESBILD_WAREHOUSE"] = str(self.warehouse)
        os.environ["LAGESBILD_OUTPUT_DIR"] = str(self.output_dir)
        os.environ[AS_OF_VAR] = self.as_of.isoformat()

    def wants_pdf(self, code: str | None = None) -> bool:
        """Whether the report of municipality `code` (None: the single municipality; `region`:
        the regional overview) gets its PDF (read_pdf_choice)."""
        if self.pdf == PDF_AUTO:
            return not self.is_region
        if self.pdf in (PDF_ALL, PDF_NONE):
            return self.pdf == PDF_ALL
        if code is None:
            code = self.municipalities[0].code
        return code in self.pdf

    # Input layout (DATA-CONTRACT §2)
    @property
    def municipality_file(self) -> Path:
        return self.data_dir / "municipality.yaml"

    @property
    def pledges_file(self) -> Path:
        return self.data_dir / "pledges.yaml"

    @property
    def actions_file(self) -> Path:
        return self.data_dir / "actions.yaml"

    def source_dir(self, source: str) -> Path:
        return self.data_dir / SOURCE_DIRS[source]

    @property
    def questions_file(self) -> Path:
        return self.source_dir("surveys") / "questions.yaml"

    def period_dir(self, period: str, code: str | None = None) -> Path:
        """A tertial's report folder: output/<period>/ for a single municipality (or `code`
        None), output/<code>-<name>/<period>/ for municipality `code` of a region."""
        return self.municipality_output_dir(code) / period if code else self.output_dir / period

    # Several municipalities (DATA-CONTRACT §6, pipelines/layout.py)
    @property
    def is_region(self) -> bool:
        return layout.is_region(self.data_dir)

    @property
    def municipalities(self) -> list[layout.MunicipalityDir]:
        """Every municipality folder of the data dir (the data dir itself when it is one)."""
        return layout.municipality_dirs(self.data_dir)

    def municipality(self, code: str) -> layout.MunicipalityDir:
        for entry in self.municipalities:
            if entry.code == code:
                return entry
        raise KeyError(code)

    def municipality_output_dir(self, code: str) -> Path:
        return layout.municipality_output_dir(self.output_dir, self.municipality(code), self.is_region)

    def region_dir(self, period: str) -> Path:
        """The regional overview of a tertial: output/region/<period>/."""
        return self.output_dir / layout.REGION_OUTPUT / period

    @property
    def run_wait(self) -> float:
        """How long `make run` waits for another run to finish before it gives up (pipelines/turn.py)."""
        text = os.environ.get(RUN_WAIT_VAR, "").strip()
        return float(text) if text.replace(".", "", 1).isdigit() else RUN_WAIT_DEFAULT

    @property
    def run_log(self) -> Path:
        """Dagster's debug log of `make run`."""
        return self.output_dir / "logs" / "run.log"


# Live sources (DATA-CONTRACT §7, pipelines/connectors): off unless named here.
CONNECTORS_VAR = "LAGESBILD_CONNECTORS"
CONNECTOR_NAMES = ("polisen", "scb", "kolada")
CONNECTOR_URL_DEFAULTS = {
    "polisen": "https://polisen.se",
    "scb": "https://statistikdatabasen.scb.se/api/v2",
    "kolada": "https://api.kolada.se/v3",
}
# Who to call when our fetching misbehaves: the sources ask for a contact in the User-Agent.
CONTACT_VAR = "LAGESBILD_CONTACT"
# Cron of the police events poll: often enough that nothing falls out of the API's 500 window.
POLISEN_SCHEDULE_VAR = "LAGESBILD_POLISEN_SCHEDULE"
POLISEN_SCHEDULE_DEFAULT = "*/30 * * * *"
# How long since a source's last successful fetch before its freshness check warns
# (LAGESBILD_<SOURCE>_MAX_AGE: a number and h, d or w, e.g. 2h, 3w). The police: a few missed
# polls, well inside the API's ten days; SCB and Kolada (fetched weekly): two missed weeks.
MAX_AGE_DEFAULTS = {"polisen": timedelta(hours=2), "scb": timedelta(weeks=3), "kolada": timedelta(weeks=3)}
_AGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([hdw])\s*$", re.IGNORECASE)
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def read_max_age(name: str, environ: Mapping[str, str]) -> timedelta:
    var = f"LAGESBILD_{name.upper()}_MAX_AGE"
    text = environ.get(var, "").strip()
    if not text:
        return MAX_AGE_DEFAULTS[name]
    match = _AGE.match(text)
    if not match:
        raise ConnectorSettingsError(
            f"{var}: {text!r} är ingen tid; skriv ett tal och h, d eller w, t.ex. 2h eller 3w. / "
            f"not a duration; write a number and h, d or w, e.g. 2h or 3w.")
    return timedelta(**{_AGE_UNITS[match.group(2).lower()]: float(match.group(1).replace(",", "."))})


class ConnectorSettingsError(ValueError):
    """LAGESBILD_CONNECTORS names a source there is no connector for."""


@dataclass(frozen=True)
class ConnectorSettings:
    enabled: tuple[str, ...] = ()
    urls: Mapping[str, str] = field(default_factory=lambda: dict(CONNECTOR_URL_DEFAULTS))
    contact: str = ""
    polisen_schedule: str = POLISEN_SCHEDULE_DEFAULT
    max_age: Mapping[str, timedelta] = field(default_factory=lambda: dict(MAX_AGE_DEFAULTS))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "ConnectorSettings":
        env = os.environ if environ is None else environ
        names = [n.strip().casefold() for n in env.get(CONNECTORS_VAR, "").split(",") if n.strip()]
        unknown = [n for n in names if n not in CONNECTOR_NAMES]
        if unknown:
            raise ConnectorSettingsError(
                f"{CONNECTORS_VAR}: okänd källa {unknown[0]!r}; välj bland {', '.join(CONNECTOR_NAMES)}. / "
                f"unknown source {unknown[0]!r}; choose from {', '.join(CONNECTOR_NAMES)}."
            )
        urls = {name: (env.get(f"LAGESBILD_{name.upper()}_URL") or default).rstrip("/")
                for name, default in CONNECTOR_URL_DEFAULTS.items()}
        return cls(
            enabled=tuple(n for n in CONNECTOR_NAMES if n in names),
            urls=urls,
            contact=env.get(CONTACT_VAR, "").strip(),
            polisen_schedule=env.get(POLISEN_SCHEDULE_VAR, "").strip() or POLISEN_SCHEDULE_DEFAULT,
            max_age={name: read_max_age(name, env) for name in CONNECTOR_NAMES},
        )


# Who is told when a run fails (pipelines/alerts.py). The alert log under the output dir is
# always written; e-mail and a webhook only when configured.
ALERT_SMTP_VAR = "LAGESBILD_ALERT_SMTP"          # host:port of an SMTP server (plain, or STARTTLS when offered)
ALERT_FROM_VAR = "LAGESBILD_ALERT_FROM"          # the sender address
ALERT_TO_VAR = "LAGESBILD_ALERT_TO"              # recipients, comma-separated
ALERT_WEBHOOK_VAR = "LAGESBILD_ALERT_WEBHOOK"    # a URL that gets a JSON POST
ALERT_FROM_DEFAULT = "lagesbild@localhost"


class AlertSettingsError(ValueError):
    """An alert setting cannot be used; the message says so in Swedish and English."""


@dataclass(frozen=True)
class AlertSettings:
    smtp_host: str = ""
    smtp_port: int = 25
    sender: str = ALERT_FROM_DEFAULT
    recipients: tuple[str, ...] = ()
    webhook: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "AlertSettings":
        env = os.environ if environ is None else environ
        smtp = env.get(ALERT_SMTP_VAR, "").strip()
        host, _, port = smtp.rpartition(":") if ":" in smtp else (smtp, "", "25")
        if smtp and (not host or not port.isdigit()):
            raise AlertSettingsError(
                f"{ALERT_SMTP_VAR}='{smtp}': ange värd:port, t.ex. smtp.kommun.se:25. / use host:port, e.g. smtp.example.org:25.")
        recipients = tuple(a.strip() for a in env.get(ALERT_TO_VAR, "").split(",") if a.strip())
        if smtp and not recipients:
            raise AlertSettingsError(
                f"{ALERT_SMTP_VAR} är satt men {ALERT_TO_VAR} saknar mottagare. / {ALERT_SMTP_VAR} is set but {ALERT_TO_VAR} names no recipient.")
        return cls(smtp_host=host, smtp_port=int(port) if smtp else 25,
                   sender=env.get(ALERT_FROM_VAR, "").strip() or ALERT_FROM_DEFAULT,
                   recipients=recipients, webhook=env.get(ALERT_WEBHOOK_VAR, "").strip())


def alert_log(output_dir: Path) -> Path:
    """Every failed run, one block each (pipelines/alerts.py)."""
    return output_dir / "logs" / "larm.log"
