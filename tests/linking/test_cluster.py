"""Clustering constraints: different valid IDs never share an entity, one weak link cannot
chain two groups, judged-different records stay apart even through others, forced links
merge."""

from __future__ import annotations

import numpy as np

from linking.cluster import constrained_clusters

NO_ID = -1


def run(n, edges, ids=None, strong=0.999, cannot=(), forced=None):
    left = np.array([e[0] for e in edges], dtype=np.int64)
    right = np.array([e[1] for e in edges], dtype=np.int64)
    prob = np.array([e[2] for e in edges], dtype=float)
    forced_arr = np.zeros(len(edges), dtype=bool) if forced is None else np.array(forced)
    id_code = np.array(ids if ids is not None else [NO_ID] * n, dtype=np.int64)
    cl = np.array([c[0] for c in cannot], dtype=np.int64)
    cr = np.array([c[1] for c in cannot], dtype=np.int64)
    labels, info = constrained_clusters(n, left, right, prob, forced_arr, id_code, strong,
                                        cl, cr)
    return labels, info


def same(labels, a, b):
    return labels[a] == labels[b]


def test_clean_components_are_kept_as_they_are():
    labels, info = run(5, [(0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)])
    assert same(labels, 0, 2) and same(labels, 3, 4) and not same(labels, 0, 3)
    assert info.reclustered_components == 0


def test_two_different_valid_ids_are_never_merged():
    # 0 and 2 hold different valid IDs; 1 (no ID) links strongly to both.
    labels, info = run(3, [(0, 1, 1.0), (1, 2, 0.9999)], ids=[0, NO_ID, 1])
    assert not same(labels, 0, 2)
    assert same(labels, 0, 1)  # the stronger link wins
    assert info.refused_id_conflict == 1


def test_one_weak_link_does_not_chain_two_groups():
    # {0,1,2} and {3,4} are tight; one weak link 2-3 would chain them.
    edges = [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0), (3, 4, 1.0), (2, 3, 0.8)]
    labels, info = run(5, edges)
    assert same(labels, 0, 2) and same(labels, 3, 4) and not same(labels, 2, 3)
    assert info.refused_weak_support == 1


def test_weak_links_with_support_do_merge():
    # Record 3 links weakly to both 1 and 2 of a tight pair: two supporting links.
    edges = [(1, 2, 1.0), (1, 3, 0.8), (2, 3, 0.8)]
    labels, _ = run(4, edges)
    assert same(labels, 1, 3) and same(labels, 2, 3)


def test_judged_different_stays_apart_even_transitively():
    edges = [(0, 1, 1.0), (1, 2, 1.0)]
    labels, info = run(3, edges, cannot=[(0, 2)])
    assert not same(labels, 0, 2)
    assert info.refused_judgment == 1


def test_forced_link_overrides_an_id_conflict():
    labels, _ = run(2, [(0, 1, 1.0)], ids=[0, 1], forced=[True])
    assert same(labels, 0, 1)
