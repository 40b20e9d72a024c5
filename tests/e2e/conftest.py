"""`dagster dev` (webserver and daemon) on 127.0.0.1, a free port, a temporary DAGSTER_HOME
and temporary LAGESBILD_* directories; headless Debian chromium driven by Playwright
(never a browser Playwright downloads)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, DAGSTER_YAML, NO_PDF, REPO, SAMPLE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
]
LOCATION = "pipelines.definitions"
REPOSITORY = "__repository__"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DagsterServer:
    home: Path
    data_dir: Path
    warehouse: Path
    output_dir: Path
    log: Path
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        self.port = _free_port()
        bin_dir = Path(sys.executable).parent
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [str(bin_dir / "dagster"), "dev", "-w", "workspace.yaml", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole below
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"dagster dev exited, see {self.log}"
            try:
                status = self.graphql(
                    "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
                    "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
                )
                [entry] = status["workspaceOrError"]["locationEntries"]
                if entry["loadStatus"] == "LOADED":
                    error = entry["locationOrLoadError"]
                    assert error["__typename"] == "RepositoryLocation", error
                    return
            except (OSError, KeyError, ValueError):
                pass
            time.sleep(1)
        raise TimeoutError(f"dagster dev did not load the code location in {timeout} s, see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            # Ctrl-C, as a person stops `make ui`; then harder. Only the group this fixture started.
            for sig, wait in ((signal.SIGINT, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                os.killpg(self.process.pid, sig)
                try:
                    self.process.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            try:  # a code server left behind in the group
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
        assert "errors" not in body, body["errors"]
        return body["data"]

    # --- runs ---------------------------------------------------------------------

    def launch_job(self, job: str, tags: dict[str, str] | None = None) -> str:
        data = self.graphql(
            """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) {
                 __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
                 ... on InvalidSubsetError { message } ... on RunConfigValidationInvalid { errors { message } } } }""",
            {"p": {
                "selector": {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "jobName": job},
                "runConfigData": {},
                "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
            }},
        )["launchRun"]
        assert data["__typename"] == "LaunchRunSuccess", data
        return data["run"]["runId"]

    def runs(self, tags: dict[str, str] | None = None) -> list[dict]:
        data = self.graphql(
            """query($f: RunsFilter) { runsOrError(filter: $f) { ... on Runs { results {
                 runId status jobName startTime endTime tags { key value } } } } }""",
            {"f": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}},
        )
        return data["runsOrError"]["results"]

    def wait_for_run(self, run_id: str, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            [run] = [r for r in self.runs() if r["runId"] == run_id]
            if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
                return run
            time.sleep(1)
        raise TimeoutError(f"run {run_id} not finished in {timeout} s, see {self.log}")

    def wait_until_idle(self, timeout: float = 300) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.runs()
            if all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs):
                return runs
            time.sleep(1)
        raise TimeoutError(f"runs still going after {timeout} s, see {self.log}")

    def sensor(self, name: str) -> dict:
        return self.graphql(
            """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) { ... on Sensor {
                 sensorState { status ticks(limit: 20) { id status timestamp runIds cursor skipReason
                 error { message } } } } } }""",
            {"s": {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "sensorName": name}},
        )["sensorOrError"]["sensorState"]


@pytest.fixture(scope="module")
def dagster_server(tmp_path_factory):
    """The UI on the sample data (copied, so files can be dropped into it)."""
    from pipelines.dbt_manifest import ensure_manifest

    base = tmp_path_factory.mktemp("ui")
    server = DagsterServer(
        home=base / "dagster_home", data_dir=base / "data", warehouse=base / "warehouse" / "lagesbild.duckdb",
        output_dir=base / "output", log=base / "dagster-dev.log",
    )
    server.home.mkdir()
    (server.home / "dagster.yaml").write_text(DAGSTER_YAML)
    # Dagster's "join the community" dialog, as dismissed once by the operator (dagster/_core/nux.py:
    # the file's existence is what counts): no page needs a pause to close it.
    (server.home / ".nux").mkdir()
    (server.home / ".nux" / "nux.yaml").write_text("seen: 1\n")
    shutil.copytree(SAMPLE, server.data_dir)
    server.env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LAGESBILD_", "DAGSTER_"))},
        "DAGSTER_HOME": str(server.home),
        "LAGESBILD_DATA_DIR": str(server.data_dir),
        "LAGESBILD_WAREHOUSE": str(server.warehouse),
        "LAGESBILD_OUTPUT_DIR": str(server.output_dir),
        "LAGESBILD_PDF": NO_PDF,  # the UI's runs, not the reports' PDFs (tests/conftest.py)
        "TQDM_DISABLE": "1",
        # As `make ui`: under `dagster dev`, DbtProject.prepare_if_dev() runs the `dbt` on PATH.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    # As `make ui` does: the dbt manifest first (the dbt assets are defined from it).
    previous = os.environ.get("LAGESBILD_WAREHOUSE")
    os.environ["LAGESBILD_WAREHOUSE"] = str(server.warehouse)
    try:
        ensure_manifest()
    finally:
        if previous is None:
            os.environ.pop("LAGESBILD_WAREHOUSE")
        else:
            os.environ["LAGESBILD_WAREHOUSE"] = previous
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.copy(server.log, _artifacts() / "dagster-dev.log")


def _artifacts() -> Path:
    path = ARTIFACTS / "e2e"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: `make test` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def shots():
    """Screenshots kept as test artefacts under test-artifacts/e2e/."""
    directory = _artifacts()

    def shoot(page, name: str) -> Path:
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
