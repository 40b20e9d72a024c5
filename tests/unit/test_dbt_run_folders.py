"""dagster-dbt leaves a target folder per `dbt build` (~11 MB on the sample); the dbt step keeps
the newest few (pipelines/dbt_manifest.py), or a sensor's runs fill the disk."""

import os

from pipelines.dbt_manifest import KEEP_RUN_FOLDERS, prune_run_folders


def _folder(parent, name, mtime):
    path = parent / name
    (path / "run").mkdir(parents=True)
    (path / "run_results.json").write_text("{}")
    os.utime(path, (mtime, mtime))
    return path


def test_the_newest_run_folders_stay_and_nothing_else_is_touched(tmp_path):
    old = [_folder(tmp_path, f"dbt_models-{i:07x}-abcdef{i % 10}", 1000 + i) for i in range(8)]
    current = _folder(tmp_path, "dbt_models-1234567-89abcde", 500)  # the run's own, whatever its time
    for name in ("gw0", "compiled"):  # an xdist worker's target folder, dbt's own
        (tmp_path / name).mkdir()
    for name in ("manifest.json", "partial_parse.msgpack", ".warehouse_of_last_parse"):
        (tmp_path / name).write_text("x")

    removed = prune_run_folders(current)

    kept = sorted(p.name for p in tmp_path.iterdir())
    newest = [p.name for p in old[-(KEEP_RUN_FOLDERS - 1):]]
    assert kept == sorted([*newest, current.name, "gw0", "compiled", "manifest.json",
                           "partial_parse.msgpack", ".warehouse_of_last_parse"])
    assert sorted(removed) == sorted(old[:-(KEEP_RUN_FOLDERS - 1)])


def test_fewer_than_kept_removes_nothing(tmp_path):
    current = _folder(tmp_path, "dbt_models-1234567-89abcde", 500)
    other = _folder(tmp_path, "build_x-7654321-0000000", 400)
    assert prune_run_folders(current) == []
    assert current.is_dir() and other.is_dir()
