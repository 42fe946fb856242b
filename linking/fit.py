"""Fit: estimate a LinkModel's parameters from the data, Splink-style.

* u (chance of each level among non-matches) from random record pairs; the exact level's u
  of a field is the exact chance that two distinct random records agree on it (sum of
  c(c-1) / N(N-1) over value counts c), so a rare-field agreement is not left to sampling luck.
* m (chance of each level among matches) by EM on each blocking pass's candidate pairs,
  leaving out the comparisons that pass conditions on, averaged over passes weighted by the
  matches each found with that comparison's values present (a pass of 80 pairs does not weigh
  as much as one of 20,000, and a pass whose records lack a field teaches nothing of its m:
  a department without a sex column, alone in a pass on its own name fields); u starts at
  the random-pair u and is refitted within the pass (a pass's non-matches are not random:
  a phone pass gathers households), unless too few comparisons are left to identify it;
  or, when labelled pairs are given, m is counted from the labelled matches.
* evidence groups (a household's address, postcode, city, region, province and phone) are
  counted once in EM's posteriors, as in scoring (``linking.em.combine_dependent``).
* u among co-residents: the non-matches of a pass on the home (phone, address) are the
  members of households, who share a family name, and sometimes a whole name, far more
  often than two random people. Their level shares (``_household_u``) become each other
  comparison's u for pairs that share one home, so a father and his son of one name and
  address are not one person by name and home alone.
* the prior, P(two random records match), over ALL record pairs and not over blocked
  candidates: the fixed point of lambda = sum of candidate posteriors(lambda) / all pairs,
  which is EM for lambda with m and u fixed and non-candidate pairs taken as non-matches.
  This is what makes a threshold mean the same on any data set.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from linking.em import FSParams, fit_em, pattern_codes
from linking.model import ComparisonModel, LinkModel, TermFrequencies
from linking.settings import HOUSEHOLD, ComparisonSpec, EntitySettings

ALPHA = 0.5  # additive smoothing of level counts
MIN_PASS_PAIRS = 50  # fewer candidate pairs teach a blocking pass nothing about m
MIN_FREE_U_COMPARISONS = 3  # a pass refits u only with this many comparisons left

# Fields that carry the same information: blocking on one makes agreement on the others
# a consequence of blocking, so their m cannot be learnt from that pass either.
_GROUPS = (
    {"name", "name_pinyin", "name_sorted", "given_name", "family_name", "name_core",
     "former_name"},
    set(HOUSEHOLD),  # a household shares its phone with its home
    {"birth_date", "birth_year"},
)
_ID_KEYS = {"id_key1", "id_key2", "id_key3"}


def smoothed(counts: np.ndarray) -> np.ndarray:
    """Level probabilities from counts, with additive smoothing (no level is impossible)."""
    counts = np.asarray(counts, dtype=float)
    return (counts + ALPHA) / (counts.sum() + ALPHA * counts.size)


def level_shares(levels: np.ndarray, n_levels: list[int]) -> list[np.ndarray]:
    """Per comparison, the smoothed share of each level among the rows (missing ignored)."""
    out = []
    for k, n in enumerate(n_levels):
        lev = levels[:, k]
        out.append(smoothed(np.bincount(lev[lev >= 0], minlength=n)))
    return out


def u_probabilities(random_levels: np.ndarray, n_levels: list[int],
                    exact_chance: list[float | None]) -> list[np.ndarray]:
    """u per level from random pairs, the top level replaced by its exact chance when known."""
    u = level_shares(random_levels, n_levels)
    for k, chance in enumerate(exact_chance):
        if chance is None or chance <= 0:
            continue
        rest = u[k][:-1] / max(u[k][:-1].sum(), 1e-300)
        top = min(max(chance, 1e-12), 1 - 1e-9)
        u[k] = np.r_[rest * (1.0 - top), top]
    return u


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


def m_per_pass(levels: np.ndarray, n_levels: list[int], pair_codes: np.ndarray,
               passes: list[tuple[np.ndarray | None, list[int]]], u: list[np.ndarray],
               max_iter: int, tol: float, min_pairs: int = MIN_PASS_PAIRS,
               groups: list[list[int]] = ()
               ) -> tuple[list[np.ndarray], int, list[list[np.ndarray | None]]]:
    """m by EM on each pass's pairs (conditioned comparisons left out), averaged over the
    passes, each weighted by the matches in which it saw the comparison's values.

    Returns m, the EM iterations spent and, per evidence group, each comparison's u among
    the non-matches of one household (``_household_u``; None where too few were seen). A
    comparison that no pass can learn m of falls back to one EM over all candidates.
    """
    patterns, counts, inverse = pattern_codes(levels, n_levels)
    per_pass = []
    for codes, blocked in passes:
        if codes is None or codes.size < min_pairs or len(blocked) == len(n_levels):
            continue
        rows = np.searchsorted(pair_codes, codes)  # both sorted; pruned pairs are gone
        inside = rows < pair_codes.size
        rows = rows[inside][pair_codes[rows[inside]] == codes[inside]]
        if rows.size >= min_pairs:
            per_pass.append((np.bincount(inverse[rows], minlength=patterns.shape[0]), blocked))
    return m_from_pattern_counts(patterns, counts, per_pass, n_levels, u, max_iter, tol,
                                 groups)


def m_from_pattern_counts(patterns: np.ndarray, counts: np.ndarray,
                          per_pass: list[tuple[np.ndarray, list[int]]], n_levels: list[int],
                          u: list[np.ndarray], max_iter: int, tol: float,
                          groups: list[list[int]] = ()
                          ) -> tuple[list[np.ndarray], int, list[list[np.ndarray | None]]]:
    """``m_per_pass`` from comparison-pattern counts: ``patterns`` (distinct level rows)
    with their ``counts`` among all candidates, and per learning pass its counts of the
    same patterns and the comparisons it conditions on. What an engine that aggregates
    pairs elsewhere (Spark) hands over instead of the pairs. ``groups``: the evidence
    groups (comparison indices), counted once as scoring counts them."""
    m_sum = [np.zeros(n) for n in n_levels]
    m_seen = np.zeros(len(n_levels))
    u_counts = [[np.zeros(n) for n in n_levels] for _ in groups]  # see _household_u
    iterations = 0
    for pass_counts, blocked in _distinct_passes(per_pass):
        used = pass_counts > 0
        sub = patterns[used].copy()
        if blocked:
            sub[:, blocked] = -1
        # a pass's non-matches are not random pairs (blocking on a phone gathers a
        # household's members), so the pass refits u from the random-pair u, where enough
        # comparisons are left to tell the two classes apart (a two-class latent model
        # needs three indicators); with fewer, u stays fixed
        free_u = len(n_levels) - len(blocked) >= MIN_FREE_U_COMPARISONS
        params = fit_em(sub, pass_counts[used], n_levels, max_iter=max_iter, tol=tol,
                        u_fixed=None if free_u else u, u_start=u, groups=groups)
        iterations += params.iterations
        for k in range(len(n_levels)):  # weighed by the matches whose level k it saw
            m_sum[k] += params.matches_seen[k] * params.m[k]  # (0 for a blocked one)
            m_seen[k] += params.matches_seen[k]
        if free_u:
            _household_u(u_counts, groups, blocked, params)
    fallback = None
    if not m_seen.all():
        used = counts > 0
        fallback = fit_em(patterns[used], counts[used], n_levels, max_iter=max_iter,
                          tol=tol, u_fixed=u, groups=groups)
        iterations += fallback.iterations
    m = [m_sum[k] / m_seen[k] if m_seen[k] else fallback.m[k] for k in range(len(n_levels))]
    u_agreeing = [[smoothed(c) if c.sum() >= MIN_PASS_PAIRS else None for c in per_group]
                  for per_group in u_counts]
    return m, iterations, u_agreeing


def _household_u(u_counts: list[list[np.ndarray]], groups: list[list[int]],
                 blocked: list[int], params: FSParams) -> None:
    """Add a pass's non-matches to the level counts of the groups it conditions on whole.

    A pass on a phone or an address gathers the members of households: its non-matches
    show how often two people of one home agree on a name or a birth date, far more often
    than two random people. Only a pass whose non-matches are the majority teaches that:
    where duplicates fill a pass (one address per person), its non-match class is the
    duplicates EM could not explain, not households.
    """
    if params.lam > 0.5:
        return
    for g, group in enumerate(groups):
        if set(group) <= set(blocked):
            for k in set(range(len(u_counts[g]))) - set(blocked):
                u_counts[g][k] += params.nonmatches_seen[k] * params.u[k]


def _distinct_passes(per_pass: list[tuple[np.ndarray, list[int]]]
                     ) -> list[tuple[np.ndarray, list[int]]]:
    """The passes, each once: passes that gather the very same pairs (an identifier and
    its partial keys, when no identifier has a typo) would count the same estimate again."""
    out: list[tuple[np.ndarray, list[int]]] = []
    for counts, blocked in per_pass:
        counts = np.asarray(counts, dtype=float)
        if not any(sorted(b) == sorted(blocked) and np.array_equal(c, counts)
                   for c, b in out):
            out.append((counts, blocked))
    return out


def prior_over_all_pairs(evidence_bits: np.ndarray, sure_matches: int, all_pairs: int,
                         max_iter: int = 500, tol: float = 1e-9,
                         counts: np.ndarray | None = None) -> float:
    """P(two random records match) over all pairs, by EM for lambda with m and u fixed.

    ``evidence_bits``: the Fellegi–Sunter weight of each scored candidate pair without the
    prior (or of each distinct weight, ``counts`` saying how many pairs have it);
    ``sure_matches``: candidate pairs a rule makes matches; every other record pair (not a
    candidate) counts as a non-match.
    """
    all_pairs = max(int(all_pairs), 1)
    floor = 1.0 / all_pairs
    pairs = evidence_bits.size if counts is None else int(counts.sum())
    lam = min(0.5, max((pairs + sure_matches) / all_pairs * 0.1, floor))
    log_odds = evidence_bits * math.log(2.0)
    for _ in range(max_iter):
        prior = math.log(lam / (1.0 - lam))
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds + prior, -700, 700)))
        expected = float(posterior.sum() if counts is None else posterior @ counts)
        new = min(max((expected + sure_matches) / all_pairs, floor), 0.5)
        if abs(new - lam) <= tol * lam:
            return new
        lam = new
    return lam


def count_all_pairs(departments: np.ndarray, link_type: str) -> int:
    """How many record pairs the link type allows (the population the prior is over)."""
    n = departments.size
    sizes = pd.Series(departments).value_counts().to_numpy(dtype=np.int64)
    within = int((sizes * (sizes - 1) // 2).sum())
    total = n * (n - 1) // 2
    if link_type == "link_only":
        return total - within
    if link_type == "dedupe_only":
        return within
    return total


def term_frequencies(settings: EntitySettings, values_of) -> list[TermFrequencies | None]:
    """A term-frequency table for each comparison that asks for one."""
    return [TermFrequencies.of(values_of(spec.field), settings.tf_cap) if spec.tf else None
            for spec in settings.comparisons]


def assemble(settings: EntitySettings, labels: list[tuple[str, ...]], m: list[np.ndarray],
             u: list[np.ndarray], tf: list[TermFrequencies | None], prior: float,
             records: int, training: dict,
             u_agreeing: list[list[np.ndarray | None]] = ()) -> LinkModel:
    """The LinkModel from its fitted parts (``u_agreeing`` as ``m_per_pass`` returns it)."""
    comparisons = [
        ComparisonModel(spec, lab, np.asarray(mk, float), np.asarray(uk, float), t,
                        {g: np.asarray(per_group[k], float)
                         for g, per_group in enumerate(u_agreeing) if per_group[k] is not None})
        for k, (spec, lab, mk, uk, t) in enumerate(zip(settings.comparisons, labels, m, u, tf,
                                                       strict=True))]
    return LinkModel(settings, comparisons, prior, "em_over_all_pairs", records, training)
