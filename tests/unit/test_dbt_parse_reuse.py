"""dbt parses once per warehouse, not twice (pipelines/dbt_manifest.py): another warehouse alone
starts no `dbt parse`, and the parse its first `dbt build` makes is kept for the builds after it."""

import os

import pytest

from pipelines import dbt_manifest


@pytest.fixture
def target(tmp_path, monkeypatch):
    folder = tmp_path / "target"
    folder.mkdir()
    monkeypatch.setattr(dbt_manifest, "DBT_TARGET_DIR", folder)
    monkeypatch.setattr(dbt_manifest, "MANIFEST", folder / "manifest.json")
    monkeypatch.setattr(dbt_manifest, "PROFILE_STAMP", folder / ".warehouse_of_last_parse")
    return folder


def _parses(monkeypatch) -> list:
    calls = []
    monkeypatch.setattr(dbt_manifest.subprocess, "run", lambda args, **kw: calls.append(args))
    return calls


def test_another_warehouse_alone_parses_nothing_a_changed_project_does(target, monkeypatch):
    (target / "manifest.json").write_text("{}")
    (target / ".warehouse_of_last_parse").write_text("/a/lagesbild.duckdb")
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/b/lagesbild.duckdb")
    calls = _parses(monkeypatch)
    parsed_at = (target / "manifest.json").stat().st_mtime
    monkeypatch.setattr(dbt_manifest, "_newest_source", lambda: parsed_at - 1)
    dbt_manifest.ensure_manifest()
    assert calls == [] and (target / ".warehouse_of_last_parse").read_text() == "/a/lagesbild.duckdb"

    monkeypatch.setattr(dbt_manifest, "_newest_source", lambda: parsed_at + 1)  # a model edited since
    dbt_manifest.ensure_manifest()
    assert len(calls) == 1 and calls[0][1] == "parse"
    assert (target / ".warehouse_of_last_parse").read_text() == "/b/lagesbild.duckdb"


def test_no_manifest_is_parsed(target, monkeypatch):
    calls = _parses(monkeypatch)
    dbt_manifest.ensure_manifest()
    assert len(calls) == 1


def _run_folder(target, text: str, mtime: float):
    folder = target / "dbt_models-1234567-89abcde"
    folder.mkdir()
    for name in ("partial_parse.msgpack", "manifest.json"):
        (folder / name).write_text(f"{name} {text}")
        os.utime(folder / name, (mtime, mtime))
    return folder


def test_the_builds_parse_for_a_new_warehouse_is_kept_with_its_time(target, monkeypatch):
    for name in ("partial_parse.msgpack", "manifest.json"):
        (target / name).write_text(f"{name} of /a")
    (target / ".warehouse_of_last_parse").write_text("/a/lagesbild.duckdb")
    run = _run_folder(target, "of /b", 1_000_000)
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/b/lagesbild.duckdb")

    assert dbt_manifest.adopt_parse(run) is True
    for name in ("partial_parse.msgpack", "manifest.json"):
        assert (target / name).read_text() == f"{name} of /b"
        assert (target / name).stat().st_mtime == 1_000_000  # a project edited since is still parsed again
    assert (target / ".warehouse_of_last_parse").read_text() == "/b/lagesbild.duckdb"
    assert sorted(p.name for p in target.iterdir()) == [
        ".warehouse_of_last_parse", "dbt_models-1234567-89abcde", "manifest.json", "partial_parse.msgpack"]


def test_the_same_warehouse_or_a_build_without_a_parse_changes_nothing(target, monkeypatch):
    (target / "manifest.json").write_text("of /a")
    (target / ".warehouse_of_last_parse").write_text("/a/lagesbild.duckdb")
    run = _run_folder(target, "of /a again", 1_000_000)
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/a/lagesbild.duckdb")
    assert dbt_manifest.adopt_parse(run) is False
    assert (target / "manifest.json").read_text() == "of /a"

    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/b/lagesbild.duckdb")
    (run / "partial_parse.msgpack").unlink()  # dbt stopped before it had parsed
    assert dbt_manifest.adopt_parse(run) is False
    assert (target / "manifest.json").read_text() == "of /a"
    assert (target / ".warehouse_of_last_parse").read_text() == "/a/lagesbild.duckdb"


def _parse_state(target, warehouse: str, checksum: str | None = None) -> None:
    import msgpack

    state = {"nodes": {"model.lagesbild.x": {"database": "lagesbild"}},
             "state_check": {"profile_hash": {"name": "sha256",
                                              "checksum": checksum or dbt_manifest._profile_hash(warehouse)}}}
    (target / "partial_parse.msgpack").write_bytes(msgpack.packb(state))
    (target / ".warehouse_of_last_parse").write_text(warehouse)


def _carried_hash(folder) -> str:
    import msgpack

    state = msgpack.unpackb((folder / "partial_parse.msgpack").read_bytes(), raw=False)
    assert state["nodes"] == {"model.lagesbild.x": {"database": "lagesbild"}}
    return state["state_check"]["profile_hash"]["checksum"]


def test_a_new_path_gets_the_last_parse_with_its_own_profile_hash(target, monkeypatch):
    _parse_state(target, "/a/lagesbild.duckdb")
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/b/lagesbild.duckdb")
    run = target / "dbt_models-1234567-89abcde"
    assert dbt_manifest.carry_parse(run) is True
    assert _carried_hash(run) == dbt_manifest._profile_hash("/b/lagesbild.duckdb")
    assert dbt_manifest._profile_hash("/b/lagesbild.duckdb") != dbt_manifest._profile_hash("/a/lagesbild.duckdb")
    assert (target / ".warehouse_of_last_parse").read_text() == "/a/lagesbild.duckdb"  # adopt_parse moves it


@pytest.mark.parametrize("warehouse, checksum", [
    ("/a/lagesbild.duckdb", None),    # the parse's own warehouse: dbt parses partially anyway
    ("/b/region.duckdb", None),       # another database name (the file's stem) in every node
    ("/b/lagesbild.duckdb", "0" * 64),  # a hash we do not compute as dbt does
])
def test_no_carried_parse_unless_only_the_path_differs_and_the_hash_is_ours(target, monkeypatch, warehouse, checksum):
    _parse_state(target, "/a/lagesbild.duckdb", checksum)
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", warehouse)
    run = target / "dbt_models-1234567-89abcde"
    assert dbt_manifest.carry_parse(run) is False
    assert not run.exists()


def test_no_parse_yet_carries_nothing(target, monkeypatch):
    monkeypatch.setenv("LAGESBILD_WAREHOUSE", "/b/lagesbild.duckdb")
    assert dbt_manifest.carry_parse(target / "run") is False


def test_the_dbt_resource_carries_the_parse_into_each_builds_folder(monkeypatch):
    from pipelines.resources import build_resources

    carried = []
    monkeypatch.setattr(dbt_manifest, "carry_parse", carried.append)
    path = build_resources()["dbt"]._get_unique_target_path(context=None)
    assert carried == [path if path.is_absolute() else dbt_manifest.DBT_PROJECT_DIR / path]
