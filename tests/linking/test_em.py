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


def test_blocked_comparisons_follow_field_groups():
    from linking.fit import blocked_comparisons
    from linking.settings import ComparisonSpec

    comps = (ComparisonSpec("name", "name"), ComparisonSpec("id_number", "identifier"),
             ComparisonSpec("birth_date", "date"), ComparisonSpec("city", "category"),
             ComparisonSpec("phone", "phone"))
    assert blocked_comparisons(("name_pinyin", "birth_year"), comps) == [0, 2]
    assert blocked_comparisons(("id_key2",), comps) == [1]
    # a household shares its place and its phone: blocking on either conditions both
    assert blocked_comparisons(("postcode", "address[:6]"), comps) == [3, 4]
    assert blocked_comparisons(("phone",), comps) == [3, 4]


def test_per_pass_training_learns_m_of_unblocked_fields():
    from linking.fit import level_shares, m_per_pass

    m = [[0.05, 0.95], [0.1, 0.9], [0.2, 0.8]]
    u = [[0.9, 0.1], [0.8, 0.2], [0.95, 0.05]]
    levels, is_match = simulate(100_000, 0.3, m, u, seed=5)
    random_levels, _ = simulate(100_000, 0.0, m, u, seed=6)
    u_hat = level_shares(random_levels, [2, 2, 2])
    codes = np.arange(levels.shape[0], dtype=np.int64)
    # Pass 1 "blocked on" comparison 0, pass 2 on comparison 1: each learns the others.
    m_hat, _, _ = m_per_pass(levels, [2, 2, 2], codes, [(codes, [0]), (codes, [1])],
                          u_hat, 200, 1e-8)
    for got, want in zip(m_hat, m, strict=True):
        assert np.abs(got - np.array(want)).max() < 0.03


def test_prior_is_over_all_record_pairs_not_candidates():
    from linking.fit import count_all_pairs, prior_over_all_pairs

    # 100 candidate pairs with overwhelming evidence, 1,000 clearly different ones, and
    # 3 pairs a rule makes sure, among the 1,000,000 pairs of the data: about 103 matches.
    bits = np.r_[np.full(100, 30.0), np.full(1000, -10.0)]
    prior = prior_over_all_pairs(bits, 3, 1_000_000)
    assert abs(prior - 103e-6) / 103e-6 < 1e-3
    departments = np.array(list("AAABBC"))
    assert count_all_pairs(departments, "dedupe_and_link") == 15
    assert count_all_pairs(departments, "dedupe_only") == 4
    assert count_all_pairs(departments, "link_only") == 11


def test_applied_model_keeps_expected_duplicates_per_record():
    from linking.model import LinkModel
    from linking.settings import EntitySettings

    model = LinkModel(EntitySettings("person", (), ()), [], prior=0.001, records_fitted=1001)
    assert model.for_records(1001) is model
    assert abs(model.for_records(2001).prior - 0.0005) < 1e-15  # twice the records: half


def test_per_pass_m_is_weighted_by_matches_and_counts_a_repeated_pass_once():
    from linking.fit import m_from_pattern_counts

    # two comparisons of two levels; patterns (0,0), (1,1), (0,1), (1,0)
    patterns = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype=np.int8)
    u = [np.array([0.9, 0.1]), np.array([0.9, 0.1])]
    # pass A (blocked on comparison 1) finds 1,000 pairs, nearly all agreeing on 0;
    # pass B finds 40 pairs that all disagree, i.e. no matches; B is given three times
    a = np.array([5.0, 900.0, 5.0, 90.0])
    b = np.array([40.0, 0.0, 0.0, 0.0])
    passes = [(a, [1]), (b, [1]), (b.copy(), [1]), (b.copy(), [1])]
    m, _, _ = m_from_pattern_counts(patterns, a + 3 * b, passes, [2, 2], u, 200, 1e-9)
    alone, _, _ = m_from_pattern_counts(patterns, a, [(a, [1])], [2, 2], u, 200, 1e-9)
    # B's EM finds (almost) no matches, so it moves comparison 0's m by little, however
    # often it is repeated
    assert abs(m[0][1] - alone[0][1]) < 0.01


def test_a_pass_that_never_saw_a_comparison_leaves_its_m_alone():
    from linking.fit import m_from_pattern_counts

    patterns = np.array([[0, 0], [1, 1], [0, 1], [1, 0], [-1, 1], [-1, 0]], dtype=np.int8)
    u = [np.array([0.9, 0.1]), np.array([0.9, 0.1])]
    # pass A (blocked on comparison 1) learns comparison 0; pass C's records lack
    # comparison 0's field (a department without that column) and find 1,000 matches
    a = np.array([5.0, 900.0, 5.0, 90.0, 0.0, 0.0])
    c = np.array([0.0, 0.0, 0.0, 0.0, 1000.0, 10.0])
    both, _, _ = m_from_pattern_counts(patterns, a + c, [(a, [1]), (c, [])], [2, 2], u,
                                       200, 1e-9)
    a_alone, _, _ = m_from_pattern_counts(patterns, a, [(a, [1])], [2, 2], u, 200, 1e-9)
    c_alone, _, _ = m_from_pattern_counts(patterns, c, [(c, [])], [2, 2], u, 200, 1e-9)
    np.testing.assert_allclose(both[0], a_alone[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(both[1], c_alone[1], rtol=0, atol=1e-12)


def test_household_u_is_learnt_from_passes_on_the_home_that_non_matches_fill():
    from linking.fit import m_from_pattern_counts

    # comparisons: name, birth date, sex, e-mail, then address and phone (one group)
    patterns = np.array([[1, 1, 1, 1, 1, 1],    # a person's two records
                         [1, 0, 1, 0, 1, 1],    # co-residents of one name, born apart
                         [0, 0, 1, 0, 1, 1],    # co-residents of one sex
                         [0, 0, 0, 0, 1, 1]], dtype=np.int8)
    u = [np.array([0.999, 0.001]), np.array([0.99, 0.01]), np.array([0.5, 0.5]),
         np.array([0.999, 0.001]), np.array([0.999, 0.001]), np.array([0.999, 0.001])]
    # a pass on the home: 100 persons twice, 900 pairs of co-residents, 90 of one name
    home = np.array([100.0, 90.0, 360.0, 450.0])
    _, _, learnt = m_from_pattern_counts(patterns, home, [(home, [4, 5])], [2] * 6, u, 500,
                                         1e-10, groups=[[4, 5]])
    assert abs(learnt[0][0][1] - 0.1) < 0.005  # one name shared in a tenth of co-residents
    assert abs(learnt[0][2][1] - 0.5) < 0.005
    assert learnt[0][4] is None and learnt[0][5] is None  # the pass conditions on them
    # where matches fill the pass (one home per person), its non-matches are no households
    full = np.array([900.0, 10.0, 40.0, 50.0])
    _, _, none = m_from_pattern_counts(patterns, full, [(full, [4, 5])], [2] * 6, u, 500,
                                       1e-10, groups=[[4, 5]])
    assert none == [[None] * 6]
