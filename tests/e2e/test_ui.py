"""The Dagster UI as an operator uses it, in a real browser: `dagster dev` (webserver and
daemon) on the sample data. The tests run in order on one server:

1. the asset graph shows every group and asset, never materialised; the schedules are on
   and the inbox sensor off under Automation;
2. switching the sensor on in the UI starts one run that builds everything; the graph then
   shows the assets materialised, with their metadata;
3. a partner file dropped into partners/ reaches the lägesbild and the analyst copy
   (the time is measured and printed); the cursor in Dagster's storage makes a restarted
   daemon start nothing for it;
4. a backfill of every tertial launched through the GraphQL API (what the UI's "Materialize
   all partitions" sends) is one run, and succeeds.
"""

from __future__ import annotations

import json
import os
import time
import warnings

import dagster as dg
import duckdb
import pytest
from playwright.sync_api import expect

from tests.conftest import dagster_instance

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DONE = ("SUCCESS", "FAILURE", "CANCELED")
GROUPS = ("ingest", "transform", "publish", "picture")
NEW_PARTNER_FILE = "partners/ica_gimo_2026_mars.csv"
NEW_ROWS = 7  # snatteri in Gimo, 2026-T1


def _open(page, server, path: str, wait_for: str):
    """Open a page and wait until `wait_for` shows (the community dialog is off: e2e/conftest.py)."""
    page.goto(server.url + path)
    page.get_by_text(wait_for, exact=True).first.wait_for()


def _automation_switch(page, name: str):
    row = page.locator("div[class*=ListItem_listItem]", has_text=name)
    return row.locator("label[class*=formatSwitch]"), row.locator("label[class*=formatSwitch] input")


def _open_automation(page, server):
    """The Automation page once the states have loaded: the switches are drawn before, all off,
    so wait until a schedule that is on by default shows as on."""
    _open(page, server, "/automation", "inbox")
    expect(_automation_switch(page, "tertial_lagesbild")[1]).to_be_checked(timeout=30_000)


def test_1_asset_graph_and_automations_are_shown(dagster_server, page, shots):
    _open(page, dagster_server, "/asset-groups", "publish")
    text = page.inner_text("body")
    for group in GROUPS:
        assert group in text
    shots(page, "1-global-lineage")

    _open(page, dagster_server, "/locations/pipelines.definitions/asset-groups/publish", "analytics_copy")
    page.get_by_text("Never materialized").first.wait_for()
    shots(page, "1-publish-group-never-materialized")

    _open_automation(page, dagster_server)
    for name, on in (("tertial_lagesbild", True), ("monthly_refresh", True), ("inbox", False)):
        _, state = _automation_switch(page, name)
        assert state.is_checked() is on, name
    text = page.inner_text("body")
    assert "only in January, May, and September" in text
    assert "on day 1 of the month" in text
    shots(page, "1-automation")


def test_2_switching_the_sensor_on_builds_everything(dagster_server, page, shots):
    _open_automation(page, dagster_server)
    switch, state = _automation_switch(page, "inbox")
    switch.click()
    deadline = time.monotonic() + 60
    while dagster_server.sensor("inbox")["status"] != "RUNNING":
        assert time.monotonic() < deadline, "the switch did not start the sensor"
        time.sleep(0.5)
    shots(page, "2-sensor-on")

    run = _wait_for_sensor_runs(dagster_server, 1)[0]
    assert run["status"] == "SUCCESS", f"see {dagster_server.log}"
    assert run["jobName"] == "update_lagesbild"
    assert (dagster_server.output_dir / "2026-T1" / "lagesbild.html").exists()
    assert (dagster_server.warehouse.parent / "analytics.duckdb").exists()

    _open(page, dagster_server, "/locations/pipelines.definitions/asset-groups/publish", "analytics_copy")
    page.get_by_text("Materialized", exact=False).first.wait_for()
    assert "Never materialized" not in page.inner_text("body")
    shots(page, "2-publish-group-materialized")

    _open(page, dagster_server, "/assets/marts/fct_problem_indicators", "fct_problem_indicators")
    page.get_by_text("Row count").first.wait_for()
    text = page.inner_text("body")
    assert "preview" in text and "team:analys".split(":")[1] in text
    shots(page, "2-fct-problem-indicators")
    _open(page, dagster_server, "/assets/picture/lagesbild", "lagesbild")
    page.get_by_text("latest_chart").first.wait_for()
    assert "brottsforebyggande" in page.inner_text("body")
    shots(page, "2-lagesbild-asset")


def test_3_new_partner_file_reaches_the_lagesbild_and_the_analyst_copy(dagster_server, capsys):
    copy = dagster_server.warehouse.parent / "analytics.duckdb"
    before = _partner_count(copy)
    report = dagster_server.output_dir / "2026-T1" / "lagesbild.html"
    rows = [f"2026-03-{day:02d};ICA Gimo;snatteri;Gimo;Butiken;;Tog varor" for day in range(2, 2 + NEW_ROWS)]
    landed = time.time()
    path = dagster_server.data_dir / NEW_PARTNER_FILE
    path.write_text("Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning\n" + "\n".join(rows) + "\n", encoding="utf-8")

    run = _wait_for_sensor_runs(dagster_server, 2)[-1]
    assert run["status"] == "SUCCESS", f"see {dagster_server.log}"
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["lagesbild/files"] == NEW_PARTNER_FILE
    assert report.stat().st_mtime > landed, "the lägesbild was rendered again"
    elapsed = run["endTime"] - landed
    assert _partner_count(copy) == before + NEW_ROWS, "the analyst copy has the new numbers"
    with capsys.disabled():
        print(f"\n  new file -> updated lägesbild and analyst copy: {elapsed:.1f} s "
              f"(run {run['endTime'] - run['startTime']:.1f} s)")

    # The cursor lives in Dagster's storage in DAGSTER_HOME: a restarted daemon reads it back
    # (here: a new instance on the same DAGSTER_HOME), and the same files start nothing.
    tick = _next_tick(dagster_server, after=run["endTime"])
    assert tick["status"] == "SKIPPED" and not tick["runIds"], tick
    assert len(_sensor_runs(dagster_server)) == 2, "the same file again started nothing"
    cursor = _stored_cursor(dagster_server)
    assert NEW_PARTNER_FILE in json.loads(cursor)
    assert _evaluate_sensor(dagster_server, cursor) == []


def test_4_backfill_of_every_tertial_is_one_run(dagster_server):
    data = dagster_server.graphql(
        """mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
             __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }""",
        {"p": {"allPartitions": True, "assetSelection": [{"path": ["picture", "lagesbild"]}]}},
    )["launchPartitionBackfill"]
    assert data["__typename"] == "LaunchBackfillSuccess", data
    backfill = data["backfillId"]
    deadline = time.monotonic() + 300
    while True:
        runs = dagster_server.runs({"dagster/backfill": backfill})
        if runs and all(r["status"] in DONE for r in runs):
            status = dagster_server.graphql(
                "query($id: String!) { partitionBackfillOrError(backfillId: $id) { ... on PartitionBackfill { status } } }",
                {"id": backfill},
            )["partitionBackfillOrError"]["status"]
            if status in ("COMPLETED", "COMPLETED_SUCCESS", "FAILED", "COMPLETED_FAILED"):
                break
        assert time.monotonic() < deadline, f"backfill not done, see {dagster_server.log}"
        time.sleep(1)
    assert len(runs) == 1, "BackfillPolicy.single_run: one run for every tertial"
    assert runs[0]["status"] == "SUCCESS"
    assert status in ("COMPLETED", "COMPLETED_SUCCESS")


# --- helpers -------------------------------------------------------------------------


def _sensor_runs(server) -> list[dict]:
    return sorted(server.runs({"dagster/sensor_name": "inbox"}), key=lambda r: r["startTime"] or 0)


def _wait_for_sensor_runs(server, count: int, timeout: float = 400) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = _sensor_runs(server)
        if len(runs) >= count and all(r["status"] in DONE for r in runs):
            assert len(runs) == count, [r["tags"] for r in runs]
            return runs
        time.sleep(1)
    raise TimeoutError(f"{count} sensor runs not done in {timeout} s, see {server.log}")


def _next_tick(server, after: float, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ticks = [t for t in server.sensor("inbox")["ticks"] if t["timestamp"] > after and t["status"] != "STARTED"]
        if ticks:
            return min(ticks, key=lambda t: t["timestamp"])
        time.sleep(1)
    raise TimeoutError(f"no sensor tick in {timeout} s, see {server.log}")


def _partner_count(copy) -> int:
    with duckdb.connect(str(copy), read_only=True) as con:
        return con.execute(
            "select coalesce(sum(partner_report_count), 0) from marts.fct_problem_indicators "
            "where period = '2026-T1' and area_id = 'gimo' and category_id = 'snatteri'"
        ).fetchall()[0][0]


def _stored_cursor(server) -> str:
    instance = dagster_instance(server.home)
    try:
        [state] = [s for s in instance.all_instigator_state() if s.name == "inbox"]
        return state.instigator_data.cursor
    finally:
        instance.dispose()


def _evaluate_sensor(server, cursor: str) -> list:
    """The sensor as a restarted daemon evaluates it: the stored cursor, the same data dir."""
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from pipelines.definitions import defs

    env = {"LAGESBILD_DATA_DIR": str(server.data_dir), "LAGESBILD_WAREHOUSE": str(server.warehouse)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with dg.instance_for_test() as instance:
            context = dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=defs.get_repository_def())
            return list(defs.get_sensor_def("inbox").evaluate_tick(context).run_requests or [])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
