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
from linking.settings import ComparisonSpec

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
                     u_fixed: list[np.ndarray] | None = None,
                     u_init: list[np.ndarray] | None = None,
                     fit_mask: np.ndarray | None = None) -> tuple[FSParams, np.ndarray]:
    """EM parameters and the total weight (bits, prior included) of every pair.

    ``fit_mask`` limits the pairs EM learns from (pairs a deterministic rule decides are
    left out, so sure duplicates do not form a class of their own).
    """
    patterns, counts, inverse = pattern_codes(levels, n_levels)
    if fit_mask is not None and fit_mask.any():
        counts = np.bincount(inverse[fit_mask], minlength=patterns.shape[0]).astype(float)
    used = counts > 0
    params = fit_em(patterns[used], counts[used], n_levels, max_iter=max_iter, tol=tol,
                    u_fixed=u_fixed, u_init=u_init)
    weights = params.weights()
    total = np.full(patterns.shape[0], params.prior)
    for k, w in enumerate(weights):
        lev = patterns[:, k]
        seen = lev >= 0
        total[seen] += w[lev[seen]]
    return params, total[inverse]


# Fields that carry the same information: blocking on one makes agreement on the others
# a consequence of blocking, so their m cannot be learnt from that pass either.
_GROUPS = (
    {"name", "name_pinyin", "name_sorted", "given_name", "family_name", "name_core",
     "former_name"},
    {"address", "city", "region_code", "postcode", "province"},
    {"birth_date", "birth_year"},
)
_ID_KEYS = {"id_key1", "id_key2", "id_key3"}


def blocked_comparisons(keys: tuple[str, ...], comparisons: tuple[ComparisonSpec, ...]
                        ) -> list[int]:
    """Indices of the comparisons a blocking pass on ``keys`` conditions on."""
    columns = {k.split("[")[0] for k in keys}
    touched = set(columns)
    for group in _GROUPS:
        if columns & group:
            touched |= group
    out = []
    for k, spec in enumerate(comparisons):
        is_id = spec.field in ("id_number", "credit_code")
        if spec.field in touched or (is_id and columns & _ID_KEYS):
            out.append(k)
    return out


def fit_per_pass(levels: np.ndarray, n_levels: list[int], pair_codes: np.ndarray,
                 passes: list[tuple[np.ndarray, list[int]]], u: list[np.ndarray],
                 max_iter: int, tol: float, min_pairs: int = 50
                 ) -> tuple[FSParams, np.ndarray]:
    """Splink-style training: u from random pairs; m by EM on each blocking pass's pairs
    with the comparisons that pass conditions on left out, averaged over passes; then the
    match share lambda by EM over all candidates with m and u fixed."""
    patterns, counts, inverse = pattern_codes(levels, n_levels)
    m_sum = [np.zeros(n) for n in n_levels]
    m_seen = np.zeros(len(n_levels))
    iterations = 0
    for codes, blocked in passes:
        if codes is None or codes.size < min_pairs or len(blocked) == len(n_levels):
            continue
        rows = np.searchsorted(pair_codes, codes)  # both sorted; ruled-out pairs are gone
        inside = rows < pair_codes.size
        rows = rows[inside][pair_codes[rows[inside]] == codes[inside]]
        if rows.size < min_pairs:
            continue
        pass_counts = np.bincount(inverse[rows], minlength=patterns.shape[0]).astype(float)
        used = pass_counts > 0
        sub = patterns[used].copy()
        if blocked:
            sub[:, blocked] = -1
        params = fit_em(sub, pass_counts[used], n_levels, max_iter=max_iter, tol=tol,
                        u_fixed=u)
        iterations += params.iterations
        for k in range(len(n_levels)):
            if k not in blocked:
                m_sum[k] += params.m[k]
                m_seen[k] += 1
    if not m_seen.all():
        fallback = fit_em(patterns, counts, n_levels, max_iter=max_iter, tol=tol, u_fixed=u)
    m = [m_sum[k] / m_seen[k] if m_seen[k] else fallback.m[k] for k in range(len(n_levels))]
    ratio = np.zeros(patterns.shape[0])
    for k in range(len(n_levels)):
        lev = patterns[:, k]
        seen = lev >= 0
        ratio[seen] += np.log(m[k][lev[seen]] / u[k][lev[seen]])
    lam = 0.1
    for _ in range(max_iter):  # EM for lambda alone
        g = 1.0 / (1.0 + np.exp(np.clip(-(ratio + np.log(lam / (1 - lam))), -700, 700)))
        new = float(np.clip((g * counts).sum() / counts.sum(), 1e-9, 1 - 1e-9))
        if abs(new - lam) < tol:
            lam = new
            break
        lam = new
    params = FSParams(lam=lam, m=m, u=u, iterations=iterations, converged=True)
    total = ratio / np.log(2.0) + params.prior
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
