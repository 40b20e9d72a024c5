"""A Dagster logger for batch runs (`make run`): the full debug log goes to a file,
and the terminal gets one concise line per finished step, warning or failed check.

A failed step shows the reason a person can act on, not Dagster's wrapper: a broken
configuration file its Swedish ConfigError lines (pipelines/config.py), our own
dg.Failure its description, anything else its class and message and where the log is.
Dagster's follow-on "Dependencies for step … failed" lines go to the log only.
"""

import logging
import sys
import time
from pathlib import Path

import dagster as dg

from .settings import Settings


# Dagster's own error for each step downstream of a failed one (plan/active.py): noise
# on the terminal, where the failed step itself has already been named.
_FOLLOW_ON = "Dependencies for step "


def _chain(error):
    """A SerializableErrorInfo and what caused it, outermost first."""
    while error is not None:
        yield error
        error = error.cause


def _text(error) -> str:
    """The exception's own message, without the 'module.Class: ' traceback prefix."""
    message = error.message.strip()
    head, sep, rest = message.partition(": ")
    return rest if sep and head.rsplit(".", 1)[-1] == error.cls_name else message


def failure_lines(step: str, error, log_file: Path | str) -> list[str]:
    """The console lines for a failed step."""
    chain = list(_chain(error))
    for cause in chain:
        if cause.cls_name == "ConfigError":
            return _text(cause).splitlines()
    for cause in chain:
        if cause.cls_name == "Failure":  # raised by our own steps, already in Swedish
            return [f"{step}: {_text(cause)}"]
    # The innermost error is the one that happened; Dagster's wrappers only carry it.
    cause = next((c for c in reversed(chain) if not c.cls_name.startswith("Dagster")), chain[-1])
    return [f"{step}: {cause.cls_name}: {_text(cause)} (se loggen {log_file})"]


class _StepLines(logging.Handler):
    def __init__(self, log_file: Path):
        super().__init__(logging.DEBUG)
        self.started: dict[str, float] = {}
        self.log_file = log_file
        self.said: set[str] = set()  # a broken municipality.yaml fails several steps: say it once

    def _say(self, text: str) -> None:
        # The real terminal: `make run` sends everything written to sys.stdout
        # (dbt's own log lines among it) to the log file.
        print(text, file=sys.__stdout__, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = (meta.get("step_key") or "").replace("__", ".")
        if event is None:
            message = meta.get("orig_message", record.getMessage())
            if record.levelno >= logging.WARNING and not message.startswith(_FOLLOW_ON):
                self._say(f"  ! {message}")
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.started[step] = time.monotonic()
        elif kind == "STEP_SUCCESS":
            seconds = time.monotonic() - self.started.pop(step, time.monotonic())
            self._say(f"  ok  {step} ({seconds:.1f} s)")
        elif kind == "STEP_FAILURE":
            error = event.step_failure_data.error if event.step_failure_data else None
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                # failed blocking data-quality checks: `make run` explains them at the end
                self._say(f"  STOPP {step}: datakvalitetskontroller som stoppar lägesbilden misslyckades")
            else:
                lines = failure_lines(step, error, self.log_file) if error else [f"{step}: {record.getMessage()}"]
                for line in lines:
                    if line not in self.said:
                        self.said.add(line)
                        self._say(f"  FEL {line}")
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data is not None and not data.passed:
                self._say(f"  ! check failed: {data.asset_key.to_user_string()} {data.check_name}")


@dg.logger(
    {"log_file": dg.Field(str, is_required=False, description="Where the debug log goes.")},
    description="Concise progress on stderr, the full debug log in a file.",
)
def progress_logger(init_context) -> logging.Logger:
    path = Path(init_context.logger_config.get("log_file") or Settings.from_env().run_log)
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.Logger("lagesbild.progress", level=logging.DEBUG)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(file_handler)
    logger.addHandler(_StepLines(path))
    return logger
