"""Large-star/small-star components equal scipy's connected components."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linking.cluster import components
from linking.spark.components import component_labels


def test_components_equal_scipy(spark):
    rng = np.random.default_rng(5)
    n = 3000
    src = rng.integers(0, n, 2600)
    near = np.minimum(src + rng.integers(1, 4, 2600), n - 1)
    dst = np.where(rng.random(2600) < 0.9, near, rng.integers(0, n, 2600))
    chain = np.arange(0, 400, 2)  # a long path 0-2-4-...-398: needs several rounds
    src, dst = np.r_[src, chain[:-1], 7], np.r_[dst, chain[1:], 7]  # and a self-loop
    edges = spark.createDataFrame(pd.DataFrame({"src": src, "dst": dst}))
    labels = component_labels(edges).toPandas().set_index("node")["label"]

    linked = src != dst
    touched = np.unique(np.r_[src[linked], dst[linked]])
    smallest = pd.Series(np.arange(n)).groupby(components(n, src, dst)).transform("min")
    assert sorted(labels.index) == touched.tolist()  # every node of an edge, once
    assert np.array_equal(labels.loc[touched].to_numpy(), smallest.to_numpy()[touched])
    assert labels.loc[398] == 0
