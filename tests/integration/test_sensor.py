"""The inbox sensor, evaluated the way the daemon does it (dg.build_sensor_context on a
real Dagster instance, the code location's repository): a new file starts exactly one
run, the same file again none, a changed file one more; the cursor is path -> sha256."""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import dagster as dg
import pytest

from tests.conftest import make_data_dir

HEADER = "Datum;Partner;Kategori;Område;Plats;Antal;Beskrivning"


@pytest.fixture(scope="module")
def defs():
    from pipelines.dbt_manifest import ensure_manifest

    ensure_manifest()
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from pipelines.definitions import defs

    return defs


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as instance:
        yield instance


@pytest.fixture
def inbox(tmp_path, monkeypatch, defs, instance):
    data_dir = make_data_dir(tmp_path)
    settled = time.time() - 60  # copied long ago, not still being written
    os.utime(data_dir / "municipality.yaml", (settled, settled))
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    return Inbox(data_dir, instance, defs)


class Inbox:
    """Evaluates the sensor tick after tick, carrying the cursor forward like the daemon."""

    def __init__(self, data_dir: Path, instance, defs):
        self.data_dir, self.instance, self.defs = data_dir, instance, defs
        self.sensor = defs.get_sensor_def("inbox")
        self.cursor: str | None = None

    def drop(self, relative: str, rows: list[str], age_seconds: float = 60) -> Path:
        path = self.data_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        settled = time.time() - age_seconds
        os.utime(path, (settled, settled))
        return path

    def tick(self) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, repository_def=self.defs.get_repository_def()
        )
        result = self.sensor.evaluate_tick(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])


def test_new_file_one_run_same_file_none_changed_file_one_more(inbox):
    first = inbox.tick()  # municipality.yaml: the first tick sees every file as new
    assert len(first) == 1

    inbox.drop("partners/ica_2026.csv", ["2026-03-02;ICA Gimo;snatteri;Gimo;Butiken;;Tog godis"])
    requests = inbox.tick()
    assert len(requests) == 1, "a new file starts exactly one run"
    request = requests[0]
    assert request.tags["lagesbild/new_files"] == "1"
    assert request.tags["lagesbild/files"] == "partners/ica_2026.csv"
    assert json.loads(inbox.cursor)["partners/ica_2026.csv"] == _sha(inbox.data_dir / "partners/ica_2026.csv")

    assert inbox.tick() == [], "the same file again starts nothing"
    # Saved again with the same bytes (a new mtime): still nothing.
    inbox.drop("partners/ica_2026.csv", ["2026-03-02;ICA Gimo;snatteri;Gimo;Butiken;;Tog godis"], age_seconds=30)
    assert inbox.tick() == []

    inbox.drop("partners/ica_2026.csv", ["2026-03-02;ICA Gimo;snatteri;Gimo;Butiken;2;Tog godis"])
    requests = inbox.tick()
    assert len(requests) == 1, "a changed file starts one more run"
    assert requests[0].tags["lagesbild/changed_files"] == "1"
    assert requests[0].tags["lagesbild/new_files"] == "0"
    assert inbox.tick() == []


def test_run_targets_warehouse_and_every_tertial(inbox):
    from pipelines.partitions import tertial_partitions

    [request] = inbox.tick()
    job = inbox.defs.resolve_job_def(inbox.sensor.job_name)
    assert inbox.sensor.job_name == "update_lagesbild"
    groups = {job.asset_layer.asset_graph.get(key).group_name for key in job.asset_layer.selected_asset_keys}
    assert groups == {"ingest", "transform", "publish", "picture"}
    keys = tertial_partitions.get_partition_keys()
    assert keys[0] == "2023-01"
    # the sample's one municipality × every tertial
    assert request.tags["dagster/asset_partition_range_start"] == "0382|2023-01"
    assert request.tags["dagster/asset_partition_range_end"] == f"0382|{keys[-1]}"
    assert request.tags["lagesbild/kommuner"] == "0382"


def test_every_source_folder_is_watched_and_other_files_are_not(inbox):
    inbox.tick()
    inbox.drop("surveys/enkat.csv", ["x"])
    inbox.drop("police/events/events.jsonl", ["{}"])
    inbox.drop("police/bra/Anmälda brott 2025.csv", ["x"])
    inbox.drop("police/local/extrakt.csv", ["x"])
    inbox.drop("partners/rapport.csv", ["x"])
    [request] = inbox.tick()
    assert request.tags["lagesbild/new_files"] == "5"
    # Not loader input: notes, hidden files, Excel's lock files, other folders.
    inbox.drop("partners/LÄSMIG.txt", ["x"])
    inbox.drop("partners/.rapport.csv.swp", ["x"])
    inbox.drop("partners/~$rapport.xlsx", ["x"])
    inbox.drop("arkiv/gammal.csv", ["x"])
    assert inbox.tick() == []
    # A file of a type no loader reads is watched all the same: the run reports it.
    inbox.drop("partners/gammal.xls", ["x"])
    [request] = inbox.tick()
    assert request.tags["lagesbild/new_files"] == "1"


def test_file_still_being_written_waits_until_it_has_settled(inbox):
    inbox.tick()
    path = inbox.drop("partners/halvfardig.csv", ["2026-03-02;ICA;snatteri;Gimo;Butiken;;"], age_seconds=0)
    assert inbox.tick() == [], "a file modified this instant may still be being copied"
    assert "partners/halvfardig.csv" not in json.loads(inbox.cursor)
    settled = time.time() - 10
    os.utime(path, (settled, settled))
    assert len(inbox.tick()) == 1


def test_removed_file_starts_nothing_and_leaves_the_cursor(inbox):
    inbox.drop("partners/a.csv", ["2026-03-02;ICA;snatteri;Gimo;Butiken;;"])
    inbox.tick()
    (inbox.data_dir / "partners/a.csv").unlink()
    assert inbox.tick() == []
    assert "partners/a.csv" not in json.loads(inbox.cursor)


def _sha(path: Path) -> str:
    from pipelines.ingest.common import file_sha256

    return file_sha256(path)


# --------------------------------------------------------------------------- several municipalities


@pytest.fixture
def region_inbox(tmp_path, monkeypatch, instance):
    """The sensor of definitions loaded on a region data dir: 0319, 0360 and 0382 (the sample)."""
    from pipelines.definitions import build_defs
    from tests.region_dirs import make_region_dir

    data_dir = make_region_dir(tmp_path)
    monkeypatch.setenv("LAGESBILD_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("LAGESBILD_OUTPUT_DIR", str(tmp_path / "out"))
    return Inbox(data_dir, instance, build_defs())


def _lagesbild_partitions(inbox: Inbox, request: dg.RunRequest) -> set[tuple[str, str]]:
    """The (municipality, tertial) partitions the requested run renders, as Dagster resolves its range."""
    from dagster._core.definitions.partitions.partition_key_range import PartitionKeyRange

    partitions = inbox.defs.resolve_job_def(inbox.sensor.job_name).partitions_def
    keys = partitions.get_partition_keys_in_range(PartitionKeyRange(
        request.tags["dagster/asset_partition_range_start"], request.tags["dagster/asset_partition_range_end"]))
    return {(k.keys_by_dimension["kommun"], k.keys_by_dimension["tertial"]) for k in keys}


def test_a_file_in_one_municipality_renders_only_that_municipality(region_inbox):
    from pipelines.partitions import tertial_partitions

    tertials = tertial_partitions.get_partition_keys()
    first = region_inbox.tick()  # every file present is new: every municipality
    assert {c for c, _ in _lagesbild_partitions(region_inbox, *first)} == {"0319", "0360", "0382"}

    region_inbox.drop("kommuner/0360-tierp/partners/ica_tierp_2026.csv",
                      ["2026-03-02;ICA Tierp;snatteri;Tierp;Butiken;;Tog godis"])
    [request] = region_inbox.tick()
    assert _lagesbild_partitions(region_inbox, request) == {("0360", t) for t in tertials}
    assert request.tags["lagesbild/kommuner"] == "0360"
    assert request.tags["lagesbild/files"] == "kommuner/0360-tierp/partners/ica_tierp_2026.csv"

    region_inbox.drop("kommuner/0382-osthammar/surveys/enkat_2026.csv", ["x"])
    [request] = region_inbox.tick()
    assert _lagesbild_partitions(region_inbox, request) == {("0382", t) for t in tertials}


def test_a_shared_file_at_the_root_renders_every_municipality(region_inbox):
    from pipelines.partitions import tertial_partitions

    region_inbox.tick()
    region_inbox.drop("police/local/lpo_uppland_2026.csv", ["x"])
    [request] = region_inbox.tick()
    assert request.tags["lagesbild/kommuner"] == "0319,0360,0382"
    assert _lagesbild_partitions(region_inbox, request) == {
        (c, t) for c in ("0319", "0360", "0382") for t in tertial_partitions.get_partition_keys()}
    # a municipality's own configuration is its own
    path = region_inbox.data_dir / "kommuner/0319-alvkarleby/municipality.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# ändrad\n", encoding="utf-8")
    settled = time.time() - 60
    os.utime(path, (settled, settled))
    [request] = region_inbox.tick()
    assert request.tags["lagesbild/kommuner"] == "0319"
    assert {c for c, _ in _lagesbild_partitions(region_inbox, request)} == {"0319"}


def test_files_of_two_municipalities_apart_start_one_run_over_both(region_inbox):
    """One run (one ingest, one dbt build): a range of the kommun dimension is one stretch, so
    0319 and 0382 together take 0360 along; its fingerprints keep its files as they are."""
    region_inbox.tick()
    region_inbox.drop("kommuner/0319-alvkarleby/partners/a.csv", ["2026-03-02;ICA;snatteri;Gimo;Butiken;;"])
    region_inbox.drop("kommuner/0382-osthammar/partners/b.csv", ["2026-03-02;ICA;snatteri;Gimo;Butiken;;"])
    [request] = region_inbox.tick()
    assert request.tags["lagesbild/kommuner"] == "0319,0382"
    assert {c for c, _ in _lagesbild_partitions(region_inbox, request)} == {"0319", "0360", "0382"}
