"""The municipalities' figures built by worker processes (figures_pool.py) equal the in-process
build, row for row, on the region sample: a full build and a selective rebuild."""

from __future__ import annotations

import shutil
from datetime import datetime

import duckdb
import pytest

from pipelines.picture import inputs, rebuild
from pipelines.picture.figures import COLUMNS, STOCKHOLM
from tests.integration import test_sample_region
from tests.integration.test_sample_region import CODES

region_run = test_sample_region.region_run  # the shared run of data/sample-region (a fixture)

GENERATED = datetime(2030, 1, 2, 3, 4, tzinfo=STOCKHOLM)  # one build time for every build compared


@pytest.fixture(scope="module")
def in_process(region_run, tmp_path_factory):
    """The region sample's figures built from scratch in this process."""
    path = tmp_path_factory.mktemp("pool") / "in_process.duckdb"
    shutil.copy(region_run.warehouse, path)
    with duckdb.connect(str(path)) as con:
        inputs.forget(con)
        written = rebuild.write(con, is_region=True, generated_at=GENERATED)
    assert written.full and sorted(written.rebuilt) == sorted(CODES)
    return path


def _pooled(path, forget: list[str] | None):
    """rebuild.write as the asset calls it, the figures built by two worker processes; `forget`:
    those municipalities' digests (None: all, a build from scratch)."""
    with duckdb.connect(str(path)) as con:
        if forget is None:
            inputs.forget(con)
        else:
            con.execute(f"delete from {inputs.TABLE} where list_contains(?, kommun_code)", [forget])
    with rebuild.prebuilt(path, GENERATED, workers=2) as built:
        assert built.parts is not None and len(built.parts) == 2  # really built by the workers
        assert [c for p in built.parts for c in p.codes] == sorted(forget or CODES)
        assert all(p.frame is None and p.paths for p in built.parts)
        with duckdb.connect(str(path)) as con:
            return rebuild.write(con, True, GENERATED, built)


def _differences(a, b) -> list:
    con = duckdb.connect()
    con.execute(f"attach '{a}' as a (read_only)")
    con.execute(f"attach '{b}' as b (read_only)")
    cols = ", ".join(COLUMNS)
    table = "marts.fct_published_figures"
    return con.execute(f"(select 'only pooled', {cols} from a.{table} except all select 'only pooled', {cols} "
                       f"from b.{table}) union all (select 'only in-process', {cols} from b.{table} except all "
                       f"select 'only in-process', {cols} from a.{table}) limit 5").fetchall()


def test_a_pooled_build_equals_the_in_process_build(in_process, tmp_path):
    path = tmp_path / "pooled.duckdb"
    shutil.copy(in_process, path)
    written = _pooled(path, None)
    assert written.full and sorted(written.rebuilt) == sorted(CODES)
    assert _differences(path, in_process) == []
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_published_figures").fetchone()[0] == written.rows


def test_a_pooled_selective_rebuild_equals_the_in_process_build(in_process, tmp_path):
    """Two municipalities' inputs changed (their digests forgotten): the workers build theirs, the
    third's rows are kept, and the table is the full build's."""
    path = tmp_path / "selective.duckdb"
    shutil.copy(in_process, path)
    changed = sorted(CODES)[:2]
    written = _pooled(path, changed)
    assert not written.full and written.rebuilt == changed
    assert _differences(path, in_process) == []
