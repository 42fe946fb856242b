"""Accuracy of a clustering against known truth: pairwise precision, recall and F1.

A clustering implies the set of record pairs that share a cluster; the truth implies
another. Precision, recall and F1 are taken over those two pair sets. The pair counts are
computed from the contingency table of (predicted cluster, true cluster) sizes, so the
cost is linear in the number of records, never in the number of pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_KEY = ("department", "record_id")


def _pairs_within(sizes: np.ndarray) -> int:
    """Number of unordered pairs inside groups of the given sizes."""
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def pair_counts(
    pred_clusters: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    pred_column: str = "entity_id",
    truth_column: str = "true_id",
) -> dict[str, int]:
    """Counts of predicted, true and correctly predicted record pairs.

    Only records present in ``truth`` are scored: predicted records absent from the truth
    (e.g. organisations when scoring persons) are ignored, and true records missing from
    the prediction count as singletons (a dropped record loses recall, never hides it).
    """
    key = list(key)
    for frame, column, name in ((pred_clusters, pred_column, "pred_clusters"),
                                (truth, truth_column, "truth")):
        missing = [c for c in [*key, column] if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}; has {list(frame.columns)}")
    if truth.duplicated(key).any():
        raise ValueError(f"truth lists a record twice (key {key})")
    if pred_clusters.duplicated(key).any():
        raise ValueError(f"pred_clusters lists a record twice (key {key})")

    left = truth[[*key, truth_column]].astype({c: str for c in key})
    right = pred_clusters[[*key, pred_column]].astype({c: str for c in key})
    merged = left.merge(right, on=key, how="left")
    true_codes = pd.factorize(merged[truth_column].astype(str))[0]
    pred = merged[pred_column]
    pred_codes = pd.factorize(pred.astype(str))[0].astype(np.int64)
    missing_pred = pred.isna().to_numpy()
    if missing_pred.any():  # unmatched records become singletons with fresh codes
        start = pred_codes.max() + 1 if len(pred_codes) else 0
        pred_codes[missing_pred] = start + np.arange(int(missing_pred.sum()))

    true_pairs = _pairs_within(np.bincount(true_codes))
    pred_pairs = _pairs_within(np.bincount(pred_codes))
    joint = pd.DataFrame({"p": pred_codes, "t": true_codes}).value_counts().to_numpy()
    correct = _pairs_within(joint)
    return {"records": len(merged), "pred_pairs": pred_pairs, "true_pairs": true_pairs,
            "correct_pairs": correct, "unmatched_records": int(missing_pred.sum())}


def scores_from_counts(counts: dict[str, int]) -> tuple[float, float, float]:
    """(precision, recall, f1) from ``pair_counts`` output; an empty side scores 1.0."""
    correct = counts["correct_pairs"]
    precision = correct / counts["pred_pairs"] if counts["pred_pairs"] else 1.0
    recall = correct / counts["true_pairs"] if counts["true_pairs"] else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pairwise_scores(
    pred_clusters: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    pred_column: str = "entity_id",
    truth_column: str = "true_id",
) -> tuple[float, float, float]:
    """Pairwise (precision, recall, f1) of ``pred_clusters`` against ``truth``.

    ``pred_clusters`` is e.g. clusters.csv (department, record_id, entity_id); ``truth`` is
    e.g. truth_persons.csv (department, record_id, true_id). Other key or id column names
    can be given for other tools' outputs.
    """
    return scores_from_counts(pair_counts(pred_clusters, truth, key=key,
                                          pred_column=pred_column, truth_column=truth_column))
