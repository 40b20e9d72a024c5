"""The console lines of a failed step (pipelines/progress.py), from a real in-process Dagster
run with the progress logger: the reason a person can act on, not Dagster's wrapper."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.config import ConfigError
from pipelines.progress import failure_lines, progress_logger

BROKEN = ConfigError("municipality.yaml", [("område 2 (Öregrund), rad 17", 'okänt fält "populaton"'),
                                           ("rad 30", 'fältet "code" saknas')])


@dg.asset
def config_a():
    raise BROKEN


@dg.asset
def config_b():
    raise BROKEN  # a second step failing on the same file: said once


@dg.asset(deps=[config_a])
def downstream():
    return 1


@dg.asset
def buggy():
    return {}["missing"]


@dg.asset
def refused():
    raise dg.Failure(description="Inläsning av partners/ misslyckades efter 5 försök. Se lagret.")


def run(tmp_path, assets):
    log = tmp_path / "run.log"
    job = dg.define_asset_job("job", selection=dg.AssetSelection.assets(*assets))
    defs = dg.Definitions(assets=assets, jobs=[job], loggers={"progress": progress_logger},
                          executor=dg.in_process_executor)
    result = defs.resolve_job_def("job").execute_in_process(
        raise_on_error=False, run_config={"loggers": {"progress": {"config": {"log_file": str(log)}}}}
    )
    return result, log


def test_console_shows_the_config_error_once_and_no_dagster_noise(tmp_path, capfd):
    result, log = run(tmp_path, [config_a, config_b, downstream])
    assert not result.success
    out = capfd.readouterr().out.splitlines()
    assert [line for line in out if "FEL" in line] == [
        '  FEL municipality.yaml, område 2 (Öregrund), rad 17: okänt fält "populaton"',
        '  FEL municipality.yaml, rad 30: fältet "code" saknas',
    ]
    assert not any("Dependencies for step" in line or "Dagster" in line for line in out), out
    text = log.read_text(encoding="utf-8")
    assert "Dependencies for step downstream failed" in text
    assert "DagsterExecutionStepExecutionError" in text


def test_an_unexpected_error_shows_class_message_and_the_log(tmp_path, capfd):
    result, log = run(tmp_path, [buggy])
    assert not result.success
    fel = [line for line in capfd.readouterr().out.splitlines() if "FEL" in line]
    assert fel == [f"  FEL buggy: KeyError: 'missing' (se loggen {log})"]


def test_our_own_failure_shows_its_description(tmp_path, capfd):
    run(tmp_path, [refused])
    fel = [line for line in capfd.readouterr().out.splitlines() if "FEL" in line]
    assert fel == ["  FEL refused: Inläsning av partners/ misslyckades efter 5 försök. Se lagret."]


@pytest.mark.parametrize("asset, expected", [(config_a, BROKEN.lines), (buggy, None)])
def test_failure_lines_walks_the_cause_chain(tmp_path, asset, expected):
    result, log = run(tmp_path, [asset])
    (event,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = event.step_failure_data.error
    assert error.cls_name == "DagsterExecutionStepExecutionError"  # what Dagster hands the logger
    lines = failure_lines("step", error, log)
    assert lines == (expected or [f"step: KeyError: 'missing' (se loggen {log})"])
