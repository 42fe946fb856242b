"""Clustering without chaining: components are checked on all their pairs and re-clustered
by average linkage when their pairs disagree; sure matches and sure non-matches hold."""

from __future__ import annotations

import numpy as np

from linking.cluster import cluster_records, size_distribution
from linking.pairs import RULE_DIFFERENT_IDS, RULE_SAME_ID, RULE_WEIGHT

SAME, NEVER = RULE_WEIGHT[RULE_SAME_ID], RULE_WEIGHT[RULE_DIFFERENT_IDS]


def run(n, edges, sure=(), never=(), unscored=None):
    """Cluster ``n`` records from (a, b, bits) candidate edges (threshold 0 bits); pairs
    that are not candidates score ``unscored[(a, b)]`` bits (default -20: different)."""
    left = np.array([e[0] for e in edges], dtype=np.int64)
    right = np.array([e[1] for e in edges], dtype=np.int64)
    weight = np.array([SAME if (a, b) in sure else NEVER if (a, b) in never else w
                       for a, b, w in edges], dtype=float)
    asked = []

    def score_more(sl, sr):
        asked.extend(zip(sl.tolist(), sr.tolist(), strict=True))
        return np.array([(unscored or {}).get((a, b), -20.0) for a, b in zip(sl, sr,
                                                                           strict=True)])

    labels, info = cluster_records(n, left, right, weight, score_more, max_exhaustive=6)
    return labels, info, asked


def groups(labels):
    out = {}
    for i, lab in enumerate(labels.tolist()):
        out.setdefault(lab, []).append(i)
    return sorted(out.values())


def test_clean_components_stay_whole_and_are_not_rescored():
    labels, info, asked = run(5, [(0, 1, 12.0), (1, 2, 9.0), (0, 2, 11.0), (3, 4, 3.0)])
    assert groups(labels) == [[0, 1, 2], [3, 4]]
    assert asked == [] and info.reclustered_components == 0 and info.checked_components == 1


def test_a_chain_through_one_link_is_split_when_the_ends_disagree():
    # 0-1 and 2-3 are strong pairs; 1-2 a weak accepted link; the cross pairs never met.
    labels, info, asked = run(4, [(0, 1, 15.0), (2, 3, 15.0), (1, 2, 1.0)])
    assert groups(labels) == [[0, 1], [2, 3]]
    assert sorted(asked) == [(0, 2), (0, 3), (1, 3)]
    assert info.reclustered_components == 1 and info.split_off_entities == 1


def test_average_evidence_keeps_a_true_entity_with_one_weak_pair():
    # 0-2 scored below threshold but 0-1 and 1-2 are strong: average linkage keeps all three.
    labels, _, _ = run(3, [(0, 1, 20.0), (1, 2, 20.0)], unscored={(0, 2): -5.0})
    assert groups(labels) == [[0, 1, 2]]


def test_sure_non_match_is_never_merged_even_through_others():
    labels, _, _ = run(3, [(0, 1, 30.0), (1, 2, 30.0), (0, 2, -3.0)], never={(0, 2)})
    assert labels[0] != labels[2]
    assert groups(labels) in ([[0], [1, 2]], [[0, 1], [2]])


def test_sure_match_merges_against_the_weights():
    labels, _, _ = run(2, [(0, 1, -40.0)], sure={(0, 1)})
    assert groups(labels) == [[0, 1]]


def test_oversized_component_is_cut_at_its_weakest_links():
    # a path of 8 records (limit 6 per exhaustively checked component): 3-4 is the weakest
    edges = [(i, i + 1, 30.0) for i in range(7)]
    edges[3] = (3, 4, 0.5)
    scores = {(a, b): 30.0 for a in range(8) for b in range(a + 1, 8)
              if (a < 4) == (b < 4)}
    labels, info, _ = run(8, edges, unscored=scores)
    assert groups(labels) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert info.oversized_components_cut == 1 and info.weak_links_dropped == 1


def test_size_distribution():
    dist = size_distribution(np.array([0, 0, 0, 1, 2, 2, 5, 5, 5, 5, 5, 5]))
    assert dist == {"1": 1, "2": 1, "3-5": 1, "6-10": 1, "11-50": 0, "51+": 0, "largest": 6}
