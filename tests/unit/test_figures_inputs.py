"""The digest of a municipality's figure inputs (pipelines/picture/inputs.py) reads every table
the figures are built from: a table added to marts.py or sources.py without it would leave
a municipality's figures stale after a change to it (a selective rebuild would skip them)."""

import re
from pathlib import Path

from pipelines.picture import inputs

PICTURE = Path(inputs.__file__).resolve().parent
TABLE = re.compile(r"\b((?:marts|intermediate|audit)\.[a-z_]+)")
# The checks' summary is written into every municipality's rows (rebuild.py); the figures table
# itself and a Python name are no input.
NOT_INPUTS = {"audit.quality_results", "marts.fct_published_figures", "marts.tuples"}


def _tables(text: str) -> set[str]:
    return set(TABLE.findall(text)) - NOT_INPUTS


def test_every_table_the_figures_read_is_digested():
    read = set()
    for name in ("figures.py", "marts.py", "sources.py"):
        read |= _tables((PICTURE / name).read_text(encoding="utf-8"))
    digested = _tables(" ".join([*inputs.PARTS.values(), *(sql for _, _, sql in inputs.OWN.values()),
                                 *inputs.ALL.values()]))
    assert read and read <= digested, sorted(read - digested)


def test_the_code_digested_exists():
    for name in inputs.CODE:
        assert (PICTURE / name).resolve().is_file(), name


def test_every_table_the_overview_reads_is_digested_per_tertial_or_shared():
    """The overview's rows of a tertial are kept while its digest stays (rebuild.py): every table
    region_figures.py reads is in that digest, or shared (a change rebuilds everything)."""
    import inspect

    read = _tables((PICTURE / "region_figures.py").read_text(encoding="utf-8"))
    digested = _tables(" ".join([inspect.getsource(inputs.region_digests), *inputs.ALL.values()]))
    assert "marts.fct_municipality_comparison" in read and read <= digested, sorted(read - digested)


def test_digests_of_codes_that_are_no_municipalitys_come_in_one_order():
    """Rows of a county's or the country's code join the shared digest in the order _grouped
    returns them: a group by's own order varies between runs, and a shared digest that varies
    rebuilds every municipality's figures after any new file."""
    import random

    import duckdb

    codes = [f"{n:02d}" for n in range(300)]
    random.Random(3).shuffle(codes)
    con = duckdb.connect()
    con.execute("create table t as select * from (select unnest(?) as kommun_code union all select null)", [codes])
    grouped = list(inputs._grouped(con, "select kommun_code, 1 as x from t"))
    assert grouped == [None, *sorted(codes)]
