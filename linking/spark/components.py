"""Connected components on DataFrames: the large-star / small-star algorithm (Kiveris et
al., "Connected Components in MapReduce and Beyond", SoCC 2014).

Both steps keep the components and move every edge towards its component's smallest node:
large-star links each node's larger neighbours to the smallest node of its neighbourhood,
small-star links each node and its smaller neighbours to the smallest of those. When a
round changes nothing every component is a star around its smallest node, which is its
label. Rounds are checkpointed so the plan stays short.
"""

from __future__ import annotations

from loaders.heartbeat import Heartbeat

MAX_ROUNDS = 100


def _large_star(edges):
    """(u, v) undirected -> for each u, (v, min of u's closed neighbourhood) for v > u."""
    from pyspark.sql import functions as F

    both = edges.select("src", "dst").unionByName(
        edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    low = both.groupBy("src").agg(F.min("dst").alias("low"))
    star = both.join(low, "src").where(F.col("dst") > F.col("src"))
    return star.select(F.col("dst").alias("src"),
                       F.least("low", "src").alias("dst")).distinct()


def _small_star(edges):
    """(u, v) with v < u -> for each u, its smaller neighbours and u itself linked to the
    smallest of them."""
    from pyspark.sql import functions as F

    lower = edges.select(F.greatest("src", "dst").alias("src"),
                         F.least("src", "dst").alias("dst"))
    low = lower.groupBy("src").agg(F.min("dst").alias("low"))
    star = lower.join(low, "src")
    members = star.select(F.col("dst").alias("src"), "low").unionByName(
        star.select("src", "low"))
    return (members.where(F.col("src") != F.col("low"))
            .select("src", F.col("low").alias("dst")).distinct())


def _signature(edges) -> tuple[int, int]:
    from pyspark.sql import functions as F

    row = edges.agg(F.count("*").alias("n"),
                    F.sum(F.xxhash64("src", "dst")).alias("h")).first()
    return int(row["n"]), int(row["h"] or 0)


def component_labels(edges, progress: bool = False):
    """(node, label) for every node of ``edges`` (src, dst): label is the smallest node of
    its connected component. Nodes without edges are not listed."""
    from pyspark.sql import functions as F

    current = edges.select(F.least("src", "dst").alias("src"),
                           F.greatest("src", "dst").alias("dst")).where("src != dst")
    current = current.distinct().localCheckpoint()
    before = _signature(current)
    with Heartbeat("spark components", progress) as laps:
        for round_ in range(MAX_ROUNDS):
            laps.step(f"round {round_ + 1}")
            current = _small_star(_large_star(current)).localCheckpoint()
            after = _signature(current)
            if after == before:
                break
            before = after
    stars = current.select(F.col("src").alias("node"), F.col("dst").alias("label"))
    centres = current.select(F.col("dst").alias("node"), F.col("dst").alias("label"))
    return stars.unionByName(centres).distinct()
