"""A Dagster logger for batch runs (`make run`): the full debug log goes to a file,
and the terminal gets one concise line per finished step, warning or failed check."""

import logging
import sys
import time
from pathlib import Path

import dagster as dg

from .settings import Settings


class _StepLines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.started: dict[str, float] = {}

    def _say(self, text: str) -> None:
        # The real terminal: `make run` sends everything written to sys.stdout
        # (dbt's own log lines among it) to the log file.
        print(text, file=sys.__stdout__, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = (meta.get("step_key") or "").replace("__", ".")
        if event is None:
            if record.levelno >= logging.WARNING:
                self._say(f"  ! {meta.get('orig_message', record.getMessage())}")
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
                self._say(f"  FEL {step}: {error.message.strip() if error else record.getMessage()}")
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
    logger.addHandler(_StepLines())
    return logger
