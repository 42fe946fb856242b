"""Blocking: exact passes equal brute force, sorted neighbourhood, capping counted,
link types respected, passes unioned without duplicates."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import recordlinkage

from linking.index import MultiPassIndex, candidate_pairs
from linking.settings import BlockingPass


def frame(keys, depts=None, other=None):
    n = len(keys)
    return pd.DataFrame({"department": depts or ["A"] * n, "record_id": [str(i) for i in
                                                                            range(n)],
                         "k": keys, "o": other or [None] * n})


def test_exact_pass_equals_brute_force():
    rng = np.random.default_rng(0)
    keys = [None if rng.random() < 0.1 else f"k{rng.integers(0, 30)}" for _ in range(400)]
    f = frame(keys)
    left, right, stats = candidate_pairs(f, (BlockingPass(("k",)),))
    got = set(zip(left.tolist(), right.tolist(), strict=True))
    want = {(i, j) for i, j in itertools.combinations(range(400), 2)
            if keys[i] is not None and keys[i] == keys[j]}
    assert got == want
    assert stats[0].pairs == len(want) and stats[0].capped_pairs == 0


def test_prefix_key_combined_keys_and_union():
    f = frame(["wang", "wand", "li", "lin"], other=["x", "x", "y", None])
    passes = (BlockingPass(("k[:3]",)), BlockingPass(("k[:2]", "o")))
    left, right, stats = candidate_pairs(f, passes)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1)}
    assert [s.pairs for s in stats] == [1, 1]


def test_oversized_blocks_are_capped_and_counted():
    f = frame(["big"] * 30 + ["small"] * 3)
    left, _, stats = candidate_pairs(f, (BlockingPass(("k",)),), max_block_size=10)
    assert left.size == 3
    assert stats[0].capped_blocks == 1 and stats[0].capped_pairs == 30 * 29 // 2


def test_sorted_neighbourhood_and_link_only():
    f = frame(["a1", "a2", "a3", "b1"], depts=["A", "B", "A", "B"])
    left, right, _ = candidate_pairs(f, (BlockingPass(("k",), "sorted", 2),))
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == {(0, 1), (1, 2), (2, 3)}
    left, right, _ = candidate_pairs(f, (BlockingPass(("k",), "sorted", 3),),
                                     link_type="link_only")
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == {(0, 1), (1, 2), (2, 3)}  # (0, 2) and (1, 3) share a department


def test_multipass_index_works_as_a_recordlinkage_indexer():
    a = pd.DataFrame({"k": ["x", "y", "z"]}, index=["a1", "a2", "a3"])
    b = pd.DataFrame({"k": ["y", "x", "q"]}, index=["b1", "b2", "b3"])
    indexer = recordlinkage.Index()
    indexer.add(MultiPassIndex((BlockingPass(("k",)),)))
    pairs = indexer.index(a, b)
    assert set(pairs.tolist()) == {("a1", "b2"), ("a2", "b1")}
    dedupe = indexer.index(pd.DataFrame({"k": ["x", "x", "y"]}, index=["r1", "r2", "r3"]))
    assert dedupe.tolist() == [("r2", "r1")]
