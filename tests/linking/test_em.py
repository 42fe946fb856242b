"""EM: recovers known m/u/lambda from simulated multi-level comparison vectors."""

from __future__ import annotations

import numpy as np

from linking.em import fit_em, pattern_codes, posterior_weights


def simulate(n: int, lam: float, m: list[list[float]], u: list[list[float]], seed: int = 0):
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < lam
    cols = []
    for mk, uk in zip(m, u, strict=True):
        col = np.where(is_match, rng.choice(len(mk), n, p=mk), rng.choice(len(uk), n, p=uk))
        missing = rng.random(n) < 0.05
        cols.append(np.where(missing, -1, col))
    return np.column_stack(cols).astype(np.int8), is_match


def test_pattern_codes_round_trip():
    levels = np.array([[0, -1, 2], [1, 1, 0], [0, -1, 2], [-1, 0, 1]], dtype=np.int8)
    patterns, counts, inverse = pattern_codes(levels, [2, 2, 3])
    assert np.array_equal(patterns[inverse], levels)
    assert counts.sum() == 4 and patterns.shape[0] == 3


def test_em_recovers_parameters_of_a_three_level_mixture():
    m = [[0.05, 0.15, 0.8], [0.1, 0.9], [0.02, 0.08, 0.2, 0.7]]
    u = [[0.85, 0.1, 0.05], [0.7, 0.3], [0.9, 0.07, 0.02, 0.01]]
    levels, is_match = simulate(200_000, 0.1, m, u)
    n_levels = [3, 2, 4]
    patterns, counts, inverse = pattern_codes(levels, n_levels)
    params = fit_em(patterns, counts, n_levels)
    assert params.converged
    assert abs(params.lam - 0.1) < 0.01
    for got, want in zip(params.m + params.u, m + u, strict=True):
        assert np.abs(got - np.array(want)).max() < 0.03
    # Posterior classification at weight 0 separates the classes well.
    predicted = posterior_weights(params, patterns)[inverse] > 0
    assert (predicted == is_match).mean() > 0.97


def test_em_labels_the_agreeing_class_as_match():
    # Start from a mixture where matches are the minority that agrees on everything.
    m = [[0.01, 0.99], [0.01, 0.99]]
    u = [[0.95, 0.05], [0.9, 0.1]]
    levels, _ = simulate(50_000, 0.05, m, u, seed=3)
    patterns, counts, _ = pattern_codes(levels, [2, 2])
    params = fit_em(patterns, counts, [2, 2])
    weights = params.weights()
    assert weights[0][1] > 2 and weights[0][0] < 0
