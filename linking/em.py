"""Fellegi–Sunter parameters for multi-level comparisons, estimated by EM.

recordlinkage's ECM handles binary features only; here every comparison has its own number
of levels and a missing value (-1) that contributes nothing. EM runs over the distinct
comparison patterns weighted by their counts, so its cost does not grow with the number of
pairs once the patterns are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class FSParams:
    """Match share ``lam`` and per-comparison level probabilities m (match) and u;
    ``matches_seen``: per comparison, the expected matches whose level it observed (not
    missing), i.e. how much evidence its m rests on; ``nonmatches_seen`` the same for u."""

    lam: float
    m: list[np.ndarray]
    u: list[np.ndarray]
    iterations: int
    converged: bool
    matches_seen: np.ndarray
    nonmatches_seen: np.ndarray

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per comparison level: the match weight in bits."""
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    @property
    def prior(self) -> float:
        return float(np.log2(self.lam / (1.0 - self.lam)))


def pattern_codes(levels: np.ndarray, n_levels: list[int]) -> tuple[np.ndarray, np.ndarray,
                                                                       np.ndarray]:
    """Distinct patterns, their counts and each pair's pattern index (vectorised)."""
    radix = np.array([n + 1 for n in n_levels], dtype=np.int64)
    mult = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
    codes = ((levels.astype(np.int64) + 1) * mult).sum(axis=1) if levels.size else \
        np.zeros(levels.shape[0], dtype=np.int64)
    space = int(np.prod(radix.astype(float))) if len(radix) else 1
    if space <= 20_000_000:
        counts_all = np.bincount(codes, minlength=space)
        present = np.flatnonzero(counts_all)
        index_of = np.full(space, -1, dtype=np.int64)
        index_of[present] = np.arange(present.size)
        inverse = index_of[codes]
        counts = counts_all[present]
        uniq = present
    else:
        uniq, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    patterns = (uniq[:, None] // mult[None, :]) % radix[None, :] - 1
    return patterns.astype(np.int8), counts.astype(np.float64), inverse


def specificity(u: list[np.ndarray]) -> np.ndarray:
    """Per comparison, how rarely two random records agree on it exactly (-log2 u of the top
    level): the finer a field (an address) the more specific, the coarser (a province)
    the less."""
    return np.array([-np.log2(uk[-1]) for uk in u])


def combine_dependent(bits: np.ndarray, groups: Sequence[Sequence[int]],
                      specific: np.ndarray | None = None) -> np.ndarray:
    """Per-comparison weights (pairs x comparisons) with each group of dependent
    comparisons counted once: in a group only the strongest agreement keeps its weight, and
    the strongest disagreement among members at least as specific as that agreement (all
    members when none agrees); the other members weigh 0. Two records of one household
    agree on its address, postcode, city and phone together: summed, one shared home would
    outweigh any difference of name or birth date. A finer field disagreeing where a
    coarser one agrees is a different home nearby (evidence); a coarser one disagreeing
    where a finer one agrees is a slip in the coarser field (no evidence).
    ``specific``: per comparison, as ``specificity`` (all equal when None)."""
    if not groups or bits.shape[0] == 0:
        return bits
    specific = np.zeros(bits.shape[1]) if specific is None else np.asarray(specific)
    out = bits.copy()
    rows = np.arange(bits.shape[0])
    for group in groups:
        members = np.asarray(group)
        part = bits[:, members]
        agree = np.where(part > 0, part, 0)
        strongest = agree.argmax(axis=1)
        agreed = agree[rows, strongest] > 0
        finer = specific[members][None, :] >= specific[members][strongest][:, None]
        disagree = np.where((part < 0) & (finer | ~agreed[:, None]), part, 0)
        weakest = disagree.argmin(axis=1)
        out[:, members] = 0
        out[rows, members[strongest]] += agree[rows, strongest]
        out[rows, members[weakest]] += disagree[rows, weakest]
    return out


def _initial(n_levels: int, match: bool) -> np.ndarray:
    ramp = np.arange(n_levels, dtype=np.float64)
    probs = 4.0 ** ramp if match else 4.0 ** (-ramp)
    return probs / probs.sum()


def _log_ratios(patterns: np.ndarray, m: list[np.ndarray], u: list[np.ndarray]
                ) -> np.ndarray:
    """ln(m/u) of each pattern's level per comparison (patterns x comparisons; missing 0)."""
    out = np.zeros(patterns.shape, dtype=np.float64)
    for k, (mk, uk) in enumerate(zip(m, u, strict=True)):
        lev = patterns[:, k]
        seen = lev >= 0
        out[seen, k] = np.log(mk[lev[seen]] / uk[lev[seen]])
    return out


def _estimate(patterns: np.ndarray, weights: np.ndarray, n_levels: int, k: int,
              alpha: float) -> np.ndarray:
    lev = patterns[:, k]
    seen = lev >= 0
    totals = np.bincount(lev[seen], weights=weights[seen], minlength=n_levels)
    return (totals + alpha) / (totals.sum() + alpha * n_levels)


def fit_em(patterns: np.ndarray, counts: np.ndarray, n_levels: list[int],
           max_iter: int = 200, tol: float = 1e-7, lam: float = 0.1,
           u_fixed: list[np.ndarray] | None = None, alpha: float = 0.5,
           groups: Sequence[Sequence[int]] = (),
           u_start: list[np.ndarray] | None = None) -> FSParams:
    """EM for lambda, m and u over weighted patterns; u stays fixed when ``u_fixed`` is
    given (e.g. estimated from random pairs). A pattern's match posterior counts each of
    ``groups`` once (``combine_dependent``), as scoring does."""
    m = [_initial(n, True) for n in n_levels]
    start = u_fixed if u_fixed is not None else u_start
    u = [p.copy() for p in start] if start is not None else \
        [_initial(n, False) for n in n_levels]
    specific = specificity(u)  # of the given u: it ranks fields, it is not refitted
    if counts.size == 0 or counts.sum() <= 0:  # nothing to learn from: the start values
        return FSParams(lam=lam, m=m, u=u, iterations=0, converged=False,
                        matches_seen=np.zeros(len(n_levels)),
                        nonmatches_seen=np.zeros(len(n_levels)))
    converged = False
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (count kept after the loop)
        log_odds = (np.log(lam) - np.log1p(-lam)
                    + combine_dependent(_log_ratios(patterns, m, u), groups,
                                        specific).sum(axis=1))
        g = 1.0 / (1.0 + np.exp(np.clip(-log_odds, -700, 700)))
        gw, hw = g * counts, (1.0 - g) * counts
        new_lam = float(np.clip(gw.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        new_m = [_estimate(patterns, gw, n, k, alpha) for k, n in enumerate(n_levels)]
        new_u = u if u_fixed is not None else \
            [_estimate(patterns, hw, n, k, alpha) for k, n in enumerate(n_levels)]
        delta = max([abs(new_lam - lam)] + [float(np.abs(a - b).max())
                                            for a, b in zip(new_m + new_u, m + u, strict=True)])
        lam, m, u = new_lam, new_m, new_u
        if delta < tol:
            converged = True
            break
    # The "match" class must be the one that agrees more; swap if EM found the mirror.
    top_m = np.mean([p[-1] for p in m])
    top_u = np.mean([p[-1] for p in u])
    if u_fixed is None and top_u > top_m:
        m, u, lam, gw, hw = u, m, 1.0 - lam, hw, gw
    observed = patterns >= 0
    return FSParams(lam=lam, m=m, u=u, iterations=iterations, converged=converged,
                    matches_seen=gw @ observed, nonmatches_seen=hw @ observed)


def posterior_weights(params: FSParams, patterns: np.ndarray,
                      groups: Sequence[Sequence[int]] = ()) -> np.ndarray:
    """Total match weight (bits, prior included) of each pattern; missing levels add 0."""
    bits = combine_dependent(_log_ratios(patterns, params.m, params.u), groups,
                             specificity(params.u)) / np.log(2.0)
    return params.prior + bits.sum(axis=1)
