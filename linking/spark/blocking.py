"""Index on Spark: the model's blocking passes as joins, unioned into candidate pairs.

The same passes and caps as linking.index: an exact pass joins records on its keys; its
block sizes are counted first, and blocks above ``max_block_size``, or beyond the pass's
pair budget (costliest first), are skipped and counted exactly as linking.index skips them.
Big blocks that are allowed are salted, so one common key is spread over many tasks instead
of one. A sorted pass numbers the records in key order and joins each to the next
``window - 1``. Pairs are (left, right) row numbers with left < right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from linking.index import PassStats, _within_budget
from linking.settings import BlockingPass

_PREFIX = re.compile(r"^(?P<col>[A-Za-z_][A-Za-z0-9_]*)(\[:(?P<k>\d+)\])?$")
SEPARATOR = "\x1f"
SALT_FROM = 256   # records: a block this big is split over several join tasks
MAX_SALTS = 64
POSITION_BITS = 33  # monotonically_increasing_id: partition id above, position below


@dataclass
class Blocked:
    """Candidate pairs of all passes (a Spark DataFrame of left, right), their stats, and
    which pass made which pair (pass, left, right; fitting learns m per pass)."""

    pairs: object
    passes: list[PassStats]
    by_pass: object = None


def key_column(columns: list[str], key: str):
    """A key spec as a Spark column: a column, or ``column[:k]`` (its k-character prefix,
    null when empty), as linking.index.key_values reads it."""
    from pyspark.sql import functions as F

    match = _PREFIX.match(key)
    if not match or match["col"] not in columns:
        raise ValueError(f"blocking key {key!r}: no such column in the prepared frame; "
                         f"available: {', '.join(columns)}")
    column = F.col(match["col"])
    if match["k"]:
        column = F.when(F.length(column) >= 1, F.substring(column, 1, int(match["k"])))
    return column


def _allowed(link_type: str, left_dept, right_dept):
    """The pair filter of the link type."""
    from pyspark.sql import functions as F

    if link_type == "link_only":
        return left_dept != right_dept
    if link_type == "dedupe_only":
        return left_dept == right_dept
    return F.lit(True)


def _keyed(records, passes: list[tuple[int, BlockingPass]], closed_keys):
    """(pass, key, row, department, open, restricted) for every record and exact pass
    whose keys it has: the key is the pass's key values joined by a separator."""
    from pyspark.sql import functions as F

    per_pass = []
    for index, bp in passes:
        parts = [key_column(records.columns, key) for key in bp.keys]
        present = F.lit(True)
        for part in parts:
            present = present & part.isNotNull()
        restricted = closed_keys is not None and not (
            {k.split("[")[0] for k in bp.keys} & closed_keys)
        per_pass.append(F.when(present, F.struct(
            F.lit(index).alias("pass"), F.concat_ws(SEPARATOR, *parts).alias("key"),
            F.lit(restricted).alias("restricted"))))
    keyed = records.select("row", "department", "open",
                           F.explode(F.array(*per_pass)).alias("k"))
    return keyed.where(F.col("k").isNotNull()).select("row", "department", "open", "k.*")


def _block_sizes(keyed):
    """Per block (pass, key): size, open members, first row and the pairs it would make
    (open members x others where the pass is restricted to open records)."""
    from pyspark.sql import functions as F

    sizes = keyed.groupBy("pass", "key").agg(
        F.count("*").alias("size"), F.sum(F.col("open").cast("long")).alias("opened"),
        F.min("row").alias("first"), F.first("restricted").alias("restricted"))
    weight = F.when(F.col("restricted"), F.col("opened") * (F.col("size") - 1)).otherwise(
        F.col("size") * (F.col("size") - 1) / 2)
    return sizes.withColumn("weight", weight.cast("long"))


def _capped(spark, sizes, max_block: int, budget: int | None):
    """Blocks kept (pass, key, size) and per pass (capped blocks, capped pairs): blocks above
    max_block are skipped and, where a pass exceeds the budget, its costliest blocks
    (linking.index's rule over the blocks' weights in block order)."""
    from pyspark.sql import functions as F

    sizes = sizes.withColumn("big", F.col("size") > max_block).localCheckpoint()
    totals = sizes.groupBy("pass").agg(
        F.sum(F.when(~F.col("big"), F.col("weight")).otherwise(0)).alias("w")).toPandas()
    over_budget = [] if budget is None else totals.loc[totals["w"] > budget, "pass"].tolist()
    for index in over_budget:
        costs = (sizes.where((F.col("pass") == int(index)) & ~F.col("big")
                             & (F.col("weight") > 0))
                 .select("first", "weight").orderBy("first").toPandas())
        keep = _within_budget(costs["weight"].to_numpy(np.int64), budget)
        over = (spark.createDataFrame(costs[~keep][["first"]])
                .withColumn("over", F.lit(True)).withColumn("pass", F.lit(int(index))))
        sizes = (sizes.join(F.broadcast(over), ["pass", "first"], "left")
                 .withColumn("big", F.col("big") | F.coalesce(F.col("over"), F.lit(False)))
                 .drop("over"))
    capped = sizes.where("big").groupBy("pass").agg(
        F.count("*").alias("blocks"), F.sum("weight").alias("pairs")).toPandas()
    per_pass = {int(r["pass"]): (int(r["blocks"]), int(r["pairs"])) for _, r in
                capped.iterrows()}
    kept = sizes.where(~F.col("big") & (F.col("size") >= 2)).select("pass", "key", "size")
    return kept, per_pass


def _exact_pairs(spark, records, passes: list[tuple[int, BlockingPass]], closed_keys,
                 max_block: int, budget: int | None):
    """(pass, left, right, dl, dr) of all exact passes in one join, and per pass (capped
    blocks, capped pairs)."""
    from pyspark.sql import functions as F

    keyed = _keyed(records, passes, closed_keys)
    kept, capped = _capped(spark, _block_sizes(keyed), max_block, budget)
    salts = F.least(F.ceil(F.col("size") / SALT_FROM), F.lit(MAX_SALTS)).cast("int")
    members = keyed.join(kept, ["pass", "key"]).withColumn("salts", salts)
    left = members.select("pass", "key", "restricted", F.col("row").alias("left"),
                          F.col("department").alias("dl"), F.col("open").alias("ol"),
                          F.pmod(F.col("row"), F.col("salts")).alias("salt"))
    right = members.select("pass", "key", F.col("row").alias("right"),
                           F.col("department").alias("dr"), F.col("open").alias("or_"),
                           F.explode(F.sequence(F.lit(0), F.col("salts") - 1)).alias("salt"))
    pairs = (left.join(right, ["pass", "key", "salt"])
             .where((F.col("left") < F.col("right"))
                    & (~F.col("restricted") | F.col("ol") | F.col("or_"))))
    return pairs.select("pass", "left", "right", "dl", "dr"), capped


def _positions(spark, ordered):
    """Consecutive positions 0..n-1 of an ordered DataFrame (no single-partition window):
    per-partition counts give each partition its offset."""
    from pyspark.sql import functions as F

    tagged = ordered.withColumn("mid", F.monotonically_increasing_id()).localCheckpoint()
    tagged = tagged.withColumn("part", F.shiftright("mid", POSITION_BITS))
    counts = tagged.groupBy("part").count().orderBy("part").toPandas()
    offsets = counts.assign(offset=counts["count"].cumsum() - counts["count"])
    offsets = spark.createDataFrame(offsets[["part", "offset"]])
    within = F.col("mid").bitwiseAND(F.lit((1 << POSITION_BITS) - 1))
    return (tagged.join(F.broadcast(offsets), "part")
            .withColumn("pos", F.col("offset") + within).drop("mid", "part", "offset"))


def _sorted_pairs(spark, records, bp: BlockingPass, restricted: bool):
    """Sorted neighbourhood: each record with the next window-1 records in key order (ties
    in row order), records whose keys are all empty left out, as linking.index does."""
    from pyspark.sql import functions as F

    parts = [F.coalesce(key_column(records.columns, key), F.lit("")) for key in bp.keys]
    value = F.concat_ws("\x1f", *parts)
    keyed = (records.select("row", "department", "open", value.alias("value"))
             .where(F.length("value") > len(bp.keys) - 1))
    placed = _positions(spark, keyed.orderBy("value", "row"))
    offsets = F.explode(F.sequence(F.lit(1), F.lit(max(bp.window, 2) - 1))).alias("step")
    left = placed.select(F.col("row").alias("a"), F.col("department").alias("da"),
                         F.col("open").alias("oa"), "pos", offsets)
    left = left.withColumn("pos", F.col("pos") + F.col("step")).drop("step")
    right = placed.select(F.col("row").alias("b"), F.col("department").alias("db"),
                          F.col("open").alias("ob"), "pos")
    pairs = left.join(right, "pos")
    if restricted:
        pairs = pairs.where(F.col("oa") | F.col("ob"))
    lower = F.col("a") < F.col("b")
    return pairs.select(F.when(lower, F.col("a")).otherwise(F.col("b")).alias("left"),
                        F.when(lower, F.col("b")).otherwise(F.col("a")).alias("right"),
                        F.when(lower, F.col("da")).otherwise(F.col("db")).alias("dl"),
                        F.when(lower, F.col("db")).otherwise(F.col("da")).alias("dr"))


def candidate_pairs(spark, records, passes: tuple[BlockingPass, ...], link_type: str,
                    max_block_size: int, closed_keys: frozenset[str] | None,
                    pair_budget: int | None) -> Blocked:
    """Union of all passes over ``records`` (row, department, open + the key columns), as
    linking.index.candidate_pairs makes them: ``open`` marks records without a valid id,
    and passes on other keys than ``closed_keys`` pair only open records with the rest
    (``None``: no identifier rule, no pass is restricted)."""
    from pyspark.sql import functions as F

    exact = [(i, bp) for i, bp in enumerate(passes) if bp.method != "sorted"]
    parts, capped = [], {}
    if exact:
        pairs, capped = _exact_pairs(spark, records, exact, closed_keys, max_block_size,
                                     pair_budget)
        parts.append(pairs)
    for index, bp in enumerate(passes):
        if bp.method == "sorted":
            restricted = closed_keys is not None and not (
                {k.split("[")[0] for k in bp.keys} & closed_keys)
            parts.append(_sorted_pairs(spark, records, bp, restricted)
                         .withColumn("pass", F.lit(index)))
    if not parts:
        empty = spark.createDataFrame([], "pass int, left long, right long")
        return Blocked(empty.select("left", "right"),
                       [PassStats(bp.name, 0, 0, 0, bp.keys) for bp in passes], empty)
    union = parts[0]
    for part in parts[1:]:
        union = union.unionByName(part)
    tagged = (union.where((F.col("left") != F.col("right"))
                          & _allowed(link_type, F.col("dl"), F.col("dr")))
              .select("pass", "left", "right").distinct().localCheckpoint())
    counts = tagged.groupBy("pass").count().toPandas()
    made = dict(zip(counts["pass"].astype(int), counts["count"].astype(int), strict=True))
    stats = [PassStats(bp.name, made.get(i, 0), *capped.get(i, (0, 0)), bp.keys)
             for i, bp in enumerate(passes)]
    return Blocked(tagged.select("left", "right").distinct(), stats, tagged)
