"""The model's chaining checks (linking.cluster.cluster_records) on Spark, one connected
component at a time.

cluster_records treats each component of the accepted links on its own (cutting oversized
ones, scoring all its record pairs, re-clustering those whose pairs disagree), so running it
on any set of whole components gives the entities one run over all records gives. Components
are dealt into buckets (label modulo the shuffle partitions) and each bucket is one
``cogroup().applyInPandas`` call: many small components share one call's fixed cost.
Records are numbered inside a bucket in row order, so ties break as they do in the local
run. Only components of three or more records need it.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd

from linking.cluster import ClusterInfo, cluster_records
from linking.compare import Comparator
from linking.engine import _pair_scorer
from linking.model import LinkModel
from linking.pairs import IdentifierRule
from linking.spark.compare import Judged

INFO = [f.name for f in fields(ClusterInfo)]
CHECKED_SCHEMA = "row long, entity long, " + ", ".join(f"{name} long" for name in INFO)
MIN_CHECKED = 3


def _local_codes(codes: np.ndarray, n: int, rows: np.ndarray) -> np.ndarray:
    """Judged pair codes over the run's rows -> codes over a component's sorted ``rows``."""
    a, b = codes // n, codes % n
    inside = np.isin(a, rows) & np.isin(b, rows)
    la, lb = np.searchsorted(rows, a[inside]), np.searchsorted(rows, b[inside])
    return np.unique(np.minimum(la, lb) * rows.size + np.maximum(la, lb))


def check_bucket(members: pd.DataFrame, pairs: pd.DataFrame, model: LinkModel,
                 judged: Judged) -> pd.DataFrame:
    """Entities (smallest row of each) of one bucket of components, and what it took."""
    members = members.sort_values("row", ignore_index=True)
    rows = members["row"].to_numpy(np.int64)
    n = rows.size
    left = np.searchsorted(rows, pairs["left"].to_numpy(np.int64))
    right = np.searchsorted(rows, pairs["right"].to_numpy(np.int64))
    order = np.lexsort((right, left))  # candidate order, as the local engine holds them
    left, right = left[order], right[order]
    weight = pairs["weight"].to_numpy(np.float64)[order]
    local = members.drop(columns=["row", "label", "bucket"])
    es = model.settings
    scorer = _pair_scorer(model, Comparator(local, es.comparisons, es.chunk_size, threads=1),
                          IdentifierRule.of(local, es), _local_codes(judged.same, judged.n, rows),
                          _local_codes(judged.different, judged.n, rows), n)
    labels, info = cluster_records(n, left, right, weight, scorer)
    smallest = pd.Series(rows).groupby(labels).transform("min").to_numpy(np.int64)
    out = pd.DataFrame({"row": rows, "entity": smallest})
    for name in INFO:
        out[name] = 0
        out.loc[0, name] = int(getattr(info, name))
    return out


def check_components(prepared, scored, labels, model: LinkModel, judged: Judged,
                     buckets: int):
    """(row, entity, ClusterInfo counters on one row per component) for every record of a
    component of three or more, from the compared pairs inside it."""
    from pyspark.sql import functions as F

    sizes = labels.groupBy("label").count().where(F.col("count") >= MIN_CHECKED)
    big = (labels.join(sizes.select("label"), "label")
           .withColumn("bucket", F.pmod(F.col("label"), F.lit(buckets))))
    members = prepared.join(big.withColumnRenamed("node", "row"), "row")
    inner = (scored.where("compared").select("left", "right", "weight")
             .join(big.select(F.col("node").alias("left"), "label", "bucket"), "left")
             .join(big.select(F.col("node").alias("right"), "label"), ["right", "label"]))

    def checked(member_rows: pd.DataFrame, pair_rows: pd.DataFrame) -> pd.DataFrame:
        return check_bucket(member_rows, pair_rows, model, judged)

    return (members.groupBy("bucket").cogroup(inner.groupBy("bucket"))
            .applyInPandas(checked, CHECKED_SCHEMA))
