"""Someone is told when a run fails: a scheduled run, one the inbox sensor started, one started
in the UI (Dagster's run-failure sensor below, while the daemon runs) or `make run` (which
reports its own failures through `report`, the same function).

Every failure goes to the alert log under the output dir (settings.alert_log); by e-mail when
LAGESBILD_ALERT_SMTP is set, to LAGESBILD_ALERT_WEBHOOK when that is set (DATA-CONTRACT §1).
The text is Swedish: what failed, which municipality and tertial it concerns (from the run's
partition tags) and where to look. A delivery that fails is noted in the alert log; it never
fails the run or the sensor.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Iterable, Mapping

import dagster as dg

from .partitions import period_of_key
from .settings import AlertSettings, Settings, alert_log

# Runs `make run` starts carry this tag: it reports their failures itself, the sensor skips them.
STARTED_BY_TAG = "lagesbild/started_by"
MAKE_RUN = "make run"
TIMEOUT_SECONDS = 10


@dataclass
class Alert:
    subject: str
    body: str
    run_id: str = ""
    job: str = ""
    kommuner: list[str] = field(default_factory=list)
    tertial: str = ""


def _municipalities(settings: Settings) -> dict[str, str]:
    try:
        return {entry.code: entry.name for entry in settings.municipalities}
    except Exception:  # noqa: BLE001 - a broken data dir is what may have failed the run
        return {}


def scope(tags: Mapping[str, str], settings: Settings) -> tuple[list[str], str]:
    """(municipality codes, tertial text) a run concerns, from its partition tags."""
    names = _municipalities(settings)
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    single = tags.get("dagster/partition")
    if single and "|" in single:
        start = end = single
    if start and end and "|" in start and "|" in end:
        (first_code, first_key), (last_code, last_key) = start.split("|", 1), end.split("|", 1)
        codes = [c for c in sorted(names) if first_code <= c <= last_code] or sorted({first_code, last_code})
        if tags.get("lagesbild/kommuner"):
            codes = tags["lagesbild/kommuner"].split(",")
        first, last = period_of_key(first_key), period_of_key(last_key)
        return codes, first if first == last else f"{first} … {last}"
    return sorted(names), ""


def _who(tags: Mapping[str, str]) -> str:
    if tags.get(STARTED_BY_TAG):
        return tags[STARTED_BY_TAG]
    if tags.get("dagster/schedule_name"):
        return f"schemat {tags['dagster/schedule_name']}"
    if tags.get("dagster/sensor_name"):
        return f"sensorn {tags['dagster/sensor_name']}"
    return "Dagster-UI:t eller kommandoraden"


def describe(*, job: str, run_id: str, tags: Mapping[str, str], errors: Iterable[str], settings: Settings,
             what: str = "") -> Alert:
    """The Swedish alert for a failed run of `job`; `errors`: the failed steps' lines (progress.failure_lines)."""
    names = _municipalities(settings)
    codes, tertial = scope(tags, settings)
    kommun_text = ", ".join(f"{c} {names.get(c, '')}".strip() for c in codes) or "okänd (datamappen gick inte att läsa)"
    errors = [e for e in errors if e] or ["(inget steg angav orsak; se loggen)"]
    where = [f"Dagster-UI:t (make ui), Runs, körning {run_id}" if run_id else "",
             f"körningens logg: {settings.run_log}" if tags.get(STARTED_BY_TAG) == MAKE_RUN else "",
             f"datakvalitetsrapporten: {settings.output_dir}/<tertial>/datakvalitet.html",
             f"larmloggen: {alert_log(settings.output_dir)}"]
    label = ", ".join(names.get(c, c) for c in codes[:3]) + (" m.fl." if len(codes) > 3 else "")
    subject = f"lägesbild: {what or 'körningen misslyckades'} ({label or 'okänd kommun'}{', ' + tertial if tertial else ''})"
    body = "\n".join([
        f"{what[:1].upper() + what[1:] if what else 'En körning av lägesbilden misslyckades'}.",
        "",
        f"Vad:      jobbet {job}, startat av {_who(tags)}",
        f"Kommun:   {kommun_text}",
        f"Tertial:  {tertial or 'alla (lagret och indikatorerna, inte en enskild lägesbild)'}",
        "Fel:",
        *[f"  {line}" for line in errors],
        "Titta här:",
        *[f"  {line}" for line in where if line],
        "",
        "Analytikerkopian är den från senaste lyckade körningen och varje rapport är hel (den förra eller en ny). "
        "Rätta det som står under Fel och kör `make run` igen (eller starta om körningen i Dagster-UI:t).",
    ])
    return Alert(subject, body, run_id, job, codes, tertial)


def report(alert: Alert, settings: Settings, alert_settings: AlertSettings | None = None) -> list[str]:
    """Write `alert` to the alert log and send it where configured; returns delivery problems
    (also noted in the log)."""
    config = alert_settings or AlertSettings.from_env()
    problems = []
    if config.smtp_host:
        try:
            _mail(alert, config)
        except Exception as exc:  # noqa: BLE001 - an unreachable mail server must not hide the failure
            problems.append(f"e-post till {', '.join(config.recipients)} via {config.smtp_host}:{config.smtp_port} "
                            f"misslyckades: {exc}")
    if config.webhook:
        try:
            _post(alert, config.webhook)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"webhook {config.webhook} misslyckades: {exc}")
    _log(alert, settings, problems)
    return problems


def _log(alert: Alert, settings: Settings, problems: list[str]) -> None:
    path = alert_log(settings.output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    block = "\n".join([f"=== {datetime.now():%Y-%m-%d %H:%M:%S} {alert.subject}", alert.body,
                       *[f"OBS: {p}" for p in problems], "", ""])
    with path.open("a", encoding="utf-8") as handle:  # appended: a kill loses at most this block
        handle.write(block)
        handle.flush()
        os.fsync(handle.fileno())


def _mail(alert: Alert, config: AlertSettings) -> None:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = alert.subject, config.sender, ", ".join(config.recipients)
    message.set_content(alert.body)
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls()
            smtp.ehlo()
        smtp.send_message(message)


def _post(alert: Alert, url: str) -> None:
    payload = {"text": f"{alert.subject}\n\n{alert.body}", **asdict(alert)}
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                     headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()


def step_errors(events, log_file) -> list[str]:
    """The console lines of each failed step (the same text `make run` prints)."""
    from .progress import failure_lines

    lines = []
    for event in events:
        data = event.step_failure_data
        step = (event.step_key or "").replace("__", ".")
        lines += failure_lines(step, data.error, log_file) if data and data.error else [f"{step}: {event.message}"]
    return lines


@dg.run_failure_sensor(
    name="alert_on_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Every failed run (schedule, inbox sensor, UI) to the alert log under the output dir, and by e-mail "
        "(LAGESBILD_ALERT_SMTP, _FROM, _TO) or to LAGESBILD_ALERT_WEBHOOK when set: in Swedish, what failed, "
        "which municipality and tertial, where to look. `make run` reports its own failures."
    ),
)
def alert_on_failure(context: dg.RunFailureSensorContext):
    run = context.dagster_run
    if run.tags.get(STARTED_BY_TAG) == MAKE_RUN:
        return dg.SkipReason("make run rapporterar sina egna fel")
    settings = Settings.from_env()
    errors = step_errors(context.get_step_failure_events(), settings.run_log)
    if not errors and context.failure_event is not None:
        errors = [context.failure_event.message or ""]
    report(describe(job=run.job_name, run_id=run.run_id, tags=run.tags, errors=errors, settings=settings), settings)
