"""Pairwise precision/recall/F1 of clusters against truth, checked by hand and by brute force."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from linking.evaluation import pair_counts, pairwise_scores


def _frame(groups: dict[str, str], column: str) -> pd.DataFrame:
    return pd.DataFrame({"department": "D", "record_id": list(groups),
                         column: list(groups.values())})


def test_hand_computed_example():
    truth = _frame({"a": "1", "b": "1", "c": "1", "d": "2", "e": "2", "f": "3"}, "true_id")
    pred = _frame({"a": "x", "b": "x", "c": "y", "d": "y", "e": "y", "f": "z"}, "entity_id")
    # true pairs ab ac bc de; predicted ab cd ce de; correct ab de
    assert pairwise_scores(pred, truth) == (0.5, 0.5, 0.5)


def test_missing_records_are_singletons_and_extra_records_ignored():
    truth = _frame({"a": "1", "b": "1", "c": "1"}, "true_id")
    pred = _frame({"a": "x", "b": "x", "org": "x"}, "entity_id")  # c missing, org unscored
    counts = pair_counts(pred, truth)
    assert counts == {"records": 3, "pred_pairs": 1, "true_pairs": 3, "correct_pairs": 1,
                      "unmatched_records": 1}
    precision, recall, _ = pairwise_scores(pred, truth)
    assert precision == 1.0 and recall == pytest.approx(1 / 3)


def test_agrees_with_brute_force_pair_enumeration():
    rng = np.random.default_rng(7)
    ids = [f"r{i}" for i in range(300)]
    truth = _frame(dict(zip(ids, rng.integers(0, 120, 300).astype(str), strict=True)), "true_id")
    pred = _frame(dict(zip(ids, rng.integers(0, 100, 300).astype(str), strict=True)), "entity_id")

    def pairs(frame: pd.DataFrame, column: str) -> set[tuple[str, str]]:
        out = set()
        for _, group in frame.groupby(column):
            out |= set(combinations(sorted(group["record_id"]), 2))
        return out

    t, p = pairs(truth, "true_id"), pairs(pred, "entity_id")
    precision, recall, f1 = pairwise_scores(pred, truth)
    assert precision == pytest.approx(len(t & p) / len(p))
    assert recall == pytest.approx(len(t & p) / len(t))
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_perfect_and_bad_inputs():
    truth = _frame({"a": "1", "b": "1"}, "true_id")
    assert pairwise_scores(_frame({"a": "q", "b": "q"}, "entity_id"), truth) == (1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="twice"):
        pairwise_scores(pd.concat([_frame({"a": "q"}, "entity_id")] * 2), truth)
    with pytest.raises(ValueError, match="entity_id"):
        pairwise_scores(_frame({"a": "q"}, "cluster"), truth)
