"""The ingest step's plain-DuckDB counterpart: the same files read into tables by DuckDB alone.

    LAGESBILD_DATA_DIR=… .venv/bin/python tests/benchmarks/plain_ingest.py OUT.duckdb [--json]

For each raw table whose loader reads files, the files that loader reads in this data dir (the
change planner's list, pipelines/changes.py `_ingest_files`, so exactly the same files) are read
by one `create table … as select * from read_csv([...])` (or `read_json_auto`) into a fresh
DuckDB file: type sniffing, `union_by_name`, no validation, no redaction, no audit rows, no
municipality assignment. What DuckDB cannot read (YAML configuration, Excel without an
extension) is left out and named. Prints seconds per table and in all (JSON with --json), so
national.py can set the ingest step beside it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CSV = (".csv", ".txt")
JSON = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")


def files_per_table() -> tuple[dict[str, list[Path]], list[Path]]:
    """raw table -> the files its loader reads (DuckDB-readable ones), and the others."""
    from pipelines.changes import SOURCE_FOLDERS, _ingest_files
    from pipelines.settings import Settings

    every = _ingest_files(Settings.from_env())
    tables, others = {}, []
    for key in SOURCE_FOLDERS:  # the loaders of files (the config tables read YAML only)
        readable = [p for p in every.get(key, []) if p.name.lower().endswith(CSV + JSON)]
        others += [p for p in every.get(key, []) if p not in readable and p.suffix != ".yaml"]
        if readable:
            tables[key.split("/")[1]] = readable
    return tables, others


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def read_directly(out: Path) -> dict[str, float]:
    import duckdb

    tables, _ = files_per_table()
    out.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    with duckdb.connect(str(out)) as con:
        for table, paths in tables.items():
            csv = [p for p in paths if p.name.lower().endswith(CSV)]
            js = [p for p in paths if p.name.lower().endswith(JSON)]
            start = time.perf_counter()
            parts = []
            if csv:  # the project's files are ';'-separated with a header (DATA-CONTRACT §2)
                parts.append(f"select * from read_csv({_sql_list(csv)}, delim = ';', quote = '\"', escape = '\"', "
                             "header = true, union_by_name = true, filename = true)")
            if js:
                parts.append(f"select * from read_json_auto({_sql_list(js)}, union_by_name = true, filename = true)")
            for i, sql in enumerate(parts):
                con.execute(f"create table {table}_{i} as {sql}")
            seconds[table] = time.perf_counter() - start
    out.unlink(missing_ok=True)
    return seconds


def main() -> None:
    out = Path(sys.argv[1])
    tables, others = files_per_table()
    seconds = read_directly(out)
    if "--json" in sys.argv:
        print(json.dumps({"seconds": seconds, "files": {t: len(p) for t, p in tables.items()},
                          "left_out": len(others)}))
        return
    for table, s in seconds.items():
        print(f"{table:<20} {len(tables[table]):6d} files {s:7.2f} s")
    print(f"{'in all':<20} {sum(len(p) for p in tables.values()):6d} files {sum(seconds.values()):7.2f} s"
          f"{f'; {len(others)} files DuckDB cannot read left out' if others else ''}")


if __name__ == "__main__":
    main()
