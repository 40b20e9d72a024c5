"""The lägesbild's partitions, municipality × tertial, and the runs over them."""

from dagster._core.definitions.partitions.partition_key_range import PartitionKeyRange

from pipelines.partitions import contiguous_blocks, lagesbild_partitions_def, range_tags, split_key


def test_a_range_is_the_rectangle_of_municipalities_and_tertials():
    partitions = lagesbild_partitions_def(["0382", "0319", "0360"])
    tags = range_tags(["0319", "0360"], "2025-01", "2025-05")
    keys = partitions.get_partition_keys_in_range(
        PartitionKeyRange(tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]))
    assert [split_key(k, partitions) for k in keys] == [
        ("0319", "2025-01"), ("0319", "2025-05"), ("0360", "2025-01"), ("0360", "2025-05")]
    assert split_key("0382|2024-09", partitions) == ("0382", "2024-09")


def test_contiguous_blocks_follow_the_dimensions_order():
    codes = ["0319", "0331", "0360", "0382"]
    assert contiguous_blocks(codes, {"0360"}) == [["0360"]]
    assert contiguous_blocks(codes, {"0319", "0331", "0382"}) == [["0319", "0331"], ["0382"]]
    assert contiguous_blocks(codes, set()) == []
