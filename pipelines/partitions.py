"""Tertial partitions: T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec. Key '2024-05' is 2024-T2; and the
lägesbild's partitions, municipality × tertial: key '0382|2024-05'.

Built from the definition in pipelines/periods.py (cron, first key, key format), which
also does every tertial calculation; the helpers below are kept for existing callers.
"""

from __future__ import annotations

import re

import dagster as dg

from . import periods
from .settings import Settings

tertial_partitions = dg.TimeWindowPartitionsDefinition(
    start=periods.PARTITION_START, cron_schedule=periods.PARTITION_CRON, fmt=periods.PARTITION_FORMAT
)

# '2024-05' -> '2024-T2'
period_of_key = periods.period_of_key
# '2024-T2' -> '2024-05'
key_of_period = periods.key_of
# first and last day of a tertial
period_bounds = periods.bounds


# --------------------------------------------------------------------------- municipality × tertial
# The lägesbild is partitioned by municipality × tertial (issue 12). Dagster names a
# multi-partition key by its dimensions in name order: '0382|2025-05'.
KOMMUN, TERTIAL = "kommun", "tertial"
# The municipality dimension when the data dir names none that is usable (a missing or broken
# municipality.yaml): definitions still load, and the run reports the broken file in Swedish.
NO_MUNICIPALITY = "0000"
_CODE = re.compile(r"^\d{4}$")


def municipality_codes(settings: Settings | None = None) -> list[str]:
    """The codes of the data dir's municipalities (layout reads each municipality.yaml's code,
    nothing validated), sorted and unique. Whatever is wrong with the data dir, this returns
    a list: loading the definitions must not fail on it (the run reports what is wrong)."""
    try:
        entries = (settings or Settings.from_env()).municipalities
    except Exception:  # noqa: BLE001 - an unreadable data dir, a bad LAGESBILD_AS_OF, ...
        entries = []
    codes = sorted({entry.code for entry in entries if _CODE.match(entry.code)})
    return codes or [NO_MUNICIPALITY]


def lagesbild_partitions_def(codes: list[str]) -> dg.MultiPartitionsDefinition:
    return dg.MultiPartitionsDefinition(
        {KOMMUN: dg.StaticPartitionsDefinition(sorted(codes)), TERTIAL: tertial_partitions}
    )


def lagesbild_key(code: str, tertial_key: str) -> dg.MultiPartitionKey:
    """The lägesbild partition of a municipality's tertial: ('0382', '2025-05') -> '0382|2025-05'."""
    return dg.MultiPartitionKey({KOMMUN: code, TERTIAL: tertial_key})


def split_key(key: str, partitions_def: dg.MultiPartitionsDefinition) -> tuple[str, str]:
    """'0382|2025-05' (or a MultiPartitionKey) -> ('0382', '2025-05')."""
    if not isinstance(key, dg.MultiPartitionKey):
        key = partitions_def.get_partition_key_from_str(key)
    return key.keys_by_dimension[KOMMUN], key.keys_by_dimension[TERTIAL]


def contiguous_blocks(codes: list[str], selected: set[str]) -> list[list[str]]:
    """The selected codes as unbroken stretches of `codes` (the municipality dimension's order)."""
    blocks: list[list[str]] = [[]]
    for code in codes:
        if code in selected:
            blocks[-1].append(code)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def range_tags(codes: list[str], first_tertial: str, last_tertial: str) -> dict[str, str]:
    """The run tags of one run over municipalities `codes` (an unbroken stretch of the dimension,
    in its order) × tertials first..last. Dagster reads a range of a multi-partitions
    definition as the cross product of each dimension's range (MultiPartitionsDefinition.
    get_partition_keys_in_range), so one run renders that whole rectangle."""
    return {
        "dagster/asset_partition_range_start": str(lagesbild_key(codes[0], first_tertial)),
        "dagster/asset_partition_range_end": str(lagesbild_key(codes[-1], last_tertial)),
    }


def full_range(codes: list[str] | None = None) -> str:
    """'<first code>|<first tertial>...<last code>|<last tertial>': every municipality × every
    tertial up to now, as `dagster asset materialize --partition-range` takes it (one run)."""
    codes = sorted(codes or municipality_codes())
    tags = range_tags(codes, tertial_partitions.get_first_partition_key(), tertial_partitions.get_last_partition_key())
    return f"{tags['dagster/asset_partition_range_start']}...{tags['dagster/asset_partition_range_end']}"
