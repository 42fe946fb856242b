"""The blocking passes on Spark make exactly linking.index's pairs, caps and counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linking.index import candidate_pairs as local_pairs
from linking.settings import BlockingPass
from linking.spark.blocking import SALT_FROM
from linking.spark.blocking import candidate_pairs as spark_pairs

PASSES = (BlockingPass(("city",)), BlockingPass(("name", "city")),
          BlockingPass(("name[:2]",)), BlockingPass(("id_key1",)),
          BlockingPass(("name",), "sorted", 4))


def _records(n: int = 1200, seed: int = 3) -> pd.DataFrame:
    """A frame with one block above the cap (city "big"), one salted but allowed block,
    many small ones, missing keys, two departments and records with and without ids."""
    rng = np.random.default_rng(seed)
    city = rng.choice([f"c{i}" for i in range(60)], n).astype(object)
    city[:600] = "big"                 # above max_block_size 500: skipped
    city[600:600 + SALT_FROM + 90] = "salted"  # allowed, spread over two salts
    city[rng.random(n) < 0.05] = None
    name = rng.choice(["ann", "anna", "bob", "bo", "carl", "dora", "dorian"], n).astype(object)
    name[rng.random(n) < 0.05] = None
    valid = rng.random(n) < 0.3
    return pd.DataFrame({
        "row": np.arange(n), "department": rng.choice(["a", "b"], n),
        "city": city, "name": name, "id_key1": np.where(valid, rng.integers(0, 300, n)
                                                        .astype(str), None),
        "id_valid": valid})


def _run_local(frame: pd.DataFrame, link_type: str, budget: int | None):
    return local_pairs(frame, PASSES, link_type, 500, ~frame["id_valid"].to_numpy(),
                       frozenset({"id_key1"}), budget)


def _run_spark(spark, frame: pd.DataFrame, link_type: str, budget: int | None):
    from pyspark.sql import functions as F

    records = spark.createDataFrame(frame).withColumn("open", ~F.col("id_valid"))
    blocked = spark_pairs(spark, records, PASSES, link_type, 500, frozenset({"id_key1"}),
                          budget)
    pairs = blocked.pairs.toPandas().sort_values(["left", "right"])
    return pairs["left"].to_numpy(), pairs["right"].to_numpy(), blocked.passes


@pytest.mark.parametrize(("link_type", "budget"), [("dedupe_and_link", None),
                                                    ("link_only", 20_000)])
def test_spark_blocking_equals_local(spark, link_type, budget):
    frame = _records()
    left, right, stats = _run_local(frame, link_type, budget)
    s_left, s_right, s_stats = _run_spark(spark, frame, link_type, budget)
    assert np.array_equal(left, s_left) and np.array_equal(right, s_right)
    assert [p.as_dict() for p in s_stats] == [p.as_dict() for p in stats]
    city = next(p for p in s_stats if p.name == "city")
    assert city.capped_blocks >= 1  # the "big" block was skipped, and counted
    if budget is not None:
        assert city.pairs <= budget
    assert left.size > 1000
