"""Classify: scored pairs from comparison levels.

Unsupervised Fellegi–Sunter (m/u by EM over patterns, linking.em) is the default; with
labelled pairs a logistic regression over one-hot levels replaces it. Either way each pair
gets a per-comparison weight in bits (for evidence) and a total, plus term-frequency
adjustment of exact agreement on names and places (a rare value weighs more), and the
deterministic rules for strong identifiers override the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from linking.em import FSParams, fit_em, pattern_codes

RULE_MODEL = "fellegi_sunter"
RULE_SUPERVISED = "logistic_regression"
RULE_SAME_ID = "same_valid_id"
RULE_DIFFERENT_IDS = "different_valid_ids"
RULE_JUDGED_SAME = "judgment_same"
RULES = (RULE_MODEL, RULE_SUPERVISED, RULE_SAME_ID, RULE_DIFFERENT_IDS, RULE_JUDGED_SAME)


@dataclass
class Scored:
    """Per-pair scores: total bits, probability, rule code (index into RULES)."""

    total: np.ndarray
    prob: np.ndarray
    rule: np.ndarray
    level_weights: list[np.ndarray]        # per comparison: weight (bits) of each level
    tf_adjust: dict[int, np.ndarray] = field(default_factory=dict)  # comparison k -> bits/pair
    model: dict = field(default_factory=dict)


def tf_adjustments(values: np.ndarray, left: np.ndarray, levels_k: np.ndarray,
                   top_level: int, cap: float) -> np.ndarray:
    """Bits to add to exact agreement on a value: log2(u_random / tf(value)), capped.

    u_random = sum of squared value shares (chance that two random records agree) and
    tf(value) its own share, so common values weigh less and rare ones more.
    """
    series = pd.Series(values)
    shares = series.value_counts(normalize=True, dropna=True)
    u_random = float((shares ** 2).sum()) or 1.0
    adj = np.zeros(left.size)
    exact = levels_k == top_level
    if exact.any():
        tf = series.iloc[left[exact]].map(shares).to_numpy(dtype=float)
        adj[exact] = np.clip(np.log2(u_random / tf), -cap, cap)
    return adj


def u_from_random(levels: np.ndarray, n_levels: list[int], alpha: float = 0.5
                  ) -> list[np.ndarray]:
    """u per comparison level from the levels of random record pairs (smoothed)."""
    out = []
    for k, n in enumerate(n_levels):
        lev = levels[:, k]
        counts = np.bincount(lev[lev >= 0], minlength=n).astype(float)
        out.append((counts + alpha) / (counts.sum() + alpha * n))
    return out


def fit_unsupervised(levels: np.ndarray, n_levels: list[int], max_iter: int, tol: float,
                     u_fixed: list[np.ndarray] | None = None) -> tuple[FSParams, np.ndarray]:
    """EM parameters and the total weight (bits, prior included) of every pair."""
    patterns, counts, inverse = pattern_codes(levels, n_levels)
    params = fit_em(patterns, counts, n_levels, max_iter=max_iter, tol=tol, u_fixed=u_fixed)
    weights = params.weights()
    total = np.full(patterns.shape[0], params.prior)
    for k, w in enumerate(weights):
        lev = patterns[:, k]
        seen = lev >= 0
        total[seen] += w[lev[seen]]
    return params, total[inverse]


def _one_hot(levels: np.ndarray, n_levels: list[int]) -> np.ndarray:
    offsets = np.concatenate([[0], np.cumsum(n_levels)[:-1]])
    out = np.zeros((levels.shape[0], int(sum(n_levels))), dtype=np.float32)
    for k, off in enumerate(offsets):
        lev = levels[:, k]
        seen = lev >= 0
        out[np.flatnonzero(seen), off + lev[seen]] = 1.0
    return out


def fit_supervised(levels: np.ndarray, n_levels: list[int], train_levels: np.ndarray,
                   train_y: np.ndarray) -> tuple[list[np.ndarray], float, np.ndarray, dict]:
    """Logistic regression on one-hot levels: per-level weights (bits), intercept, totals."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(train_y)) < 2:
        raise ValueError("labelled pairs must contain both matches and non-matches")
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(_one_hot(train_levels, n_levels), train_y)
    coef = model.coef_[0] / np.log(2.0)
    intercept = float(model.intercept_[0] / np.log(2.0))
    offsets = np.concatenate([[0], np.cumsum(n_levels)])
    weights = [coef[offsets[k]:offsets[k + 1]] for k in range(len(n_levels))]
    total = _one_hot(levels, n_levels) @ coef + intercept
    info = {"intercept_bits": round(intercept, 4), "training_pairs": int(train_y.size),
            "training_matches": int(train_y.sum())}
    return weights, intercept, total, info


def apply_id_rules(prob: np.ndarray, rule: np.ndarray, ids: np.ndarray, valid: np.ndarray,
                   left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Same valid identifier -> probability 1; two different valid ones -> 0.

    Returns the mask of pairs that must never be merged (different valid identifiers).
    """
    both = valid[left] & valid[right]
    same = both & (ids[left] == ids[right])
    different = both & ~same
    prob[same] = 1.0
    rule[same] = RULES.index(RULE_SAME_ID)
    prob[different] = 0.0
    rule[different] = RULES.index(RULE_DIFFERENT_IDS)
    return different


def probability(total_bits: np.ndarray) -> np.ndarray:
    """Match probability from total weight in bits."""
    return 1.0 / (1.0 + np.exp2(-np.clip(total_bits, -1000, 1000)))
