"""Statistics of the segment diagnostics against hand-worked values and published references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sstats

from supportlens.analysis.core.stats import (bootstrap, coefficient_of_variation, gini, kaplan_meier, kruskal_wallis, logrank, lorenz, median_interval, survival_at)

# R's survival package, data(aml): time to relapse (weeks), status 1 = relapse, 0 = censored.
AML_MAINTAINED = ([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161], [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0])
AML_NONMAINTAINED = ([5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1])


def test_median_interval_uses_the_binomial_order_statistics():
    # n = 20: the 95% interval is [X(6), X(15)] (P(B <= 5) = 0.0207 for B ~ Bin(20, 1/2); Conover Table A3)
    values = np.arange(1, 21, dtype=float) * 10
    est = median_interval(values[::-1])
    assert est.value == 105.0
    assert (est.ci_low, est.ci_high) == (60.0, 150.0)
    assert median_interval(np.array([1.0, 2, 3, 4, 5])).ci_low is None  # n < 6: no 95% interval


def test_kaplan_meier_median_interval_worked_by_hand_on_aml():
    # Hand-worked on aml (maintained): S(13) = 0.818, Greenwood sum 0.0202, log-log lower band
    # exp(-exp(log(-log 0.818) + 1.96 * sqrt(0.0202) / 0.2007)) = 0.447 <= 0.5 first at t = 13;
    # the upper band stays above 0.5 (0.525 at t = 48), so the upper limit is undefined.
    # R: survfit(Surv(time, status) ~ 1, aml[aml$x == "Maintained", ], conf.type = "log-log") -> 31, 13, NA
    km = kaplan_meier(np.array(AML_MAINTAINED[0], dtype=float), np.array(AML_MAINTAINED[1], dtype=bool))
    assert km.median == 31
    assert km.median_ci_low == 13
    assert km.median_ci_high is None
    assert survival_at(km, np.array([0, 9, 12.9, 13, 31])) == pytest.approx([1, 10 / 11, 10 / 11, 9 / 11, 0.490909], abs=1e-6)


def test_logrank_hand_example():
    # A: 1, 3, 5+   B: 2, 4, 6   O-E for A = 0.5 - 0.4 + 0.5 - 1/3 = 0.2667,
    # V = 0.25 + 0.24 + 0.25 + 2/9 = 0.9622, chi2 = 0.2667^2 / 0.9622 = 0.0739
    stat, df, p = logrank(np.array([1, 3, 5, 2, 4, 6.0]), np.array([1, 1, 0, 1, 1, 1], dtype=bool),
                          np.array(list("AAABBB")))
    assert df == 1
    assert stat == pytest.approx((0.5 - 0.4 + 0.5 - 1 / 3) ** 2 / (0.25 + 0.24 + 0.25 + 2 / 9))
    assert p == pytest.approx(sstats.chi2.sf(stat, 1))


def test_logrank_matches_r_survdiff_on_aml():
    # R: survdiff(Surv(time, status) ~ x, data = aml) -> Chisq = 3.4 on 1 degrees of freedom, p = 0.07
    durations = np.array(AML_MAINTAINED[0] + AML_NONMAINTAINED[0], dtype=float)
    observed = np.array(AML_MAINTAINED[1] + AML_NONMAINTAINED[1], dtype=bool)
    groups = np.array(["M"] * 11 + ["N"] * 12)
    stat, df, p = logrank(durations, observed, groups)
    assert round(stat, 1) == 3.4 and round(p, 2) == 0.07
    reference = sstats.logrank(sstats.CensoredData.right_censored(durations[:11], ~observed[:11]),
                               sstats.CensoredData.right_censored(durations[11:], ~observed[11:]))
    assert p == pytest.approx(reference.pvalue, rel=1e-9)


def test_logrank_p_values_are_uniform_under_the_null_with_three_groups():
    rng = np.random.default_rng(5)
    p_values = []
    for _ in range(300):
        durations = rng.exponential(10, 90)
        observed = rng.random(90) < 0.8
        p_values.append(logrank(durations, observed, np.repeat(["a", "b", "c"], 30))[2])
    rejected = np.mean(np.array(p_values) < 0.05)
    assert 0.02 <= rejected <= 0.09
    assert logrank(np.arange(30.0) + 1, np.ones(30, dtype=bool), np.repeat(["a", "b", "c"], 10))[2] < 0.001


def test_kruskal_wallis_hand_example():
    # ranks 1-3 vs 4-6: H = 12 / (6 * 7) * (6^2 / 3 + 15^2 / 3) - 3 * 7 = 3.857, epsilon^2 = H / 5
    h, p, eps = kruskal_wallis([np.array([1.0, 2, 3]), np.array([4.0, 5, 6, np.nan])])
    assert h == pytest.approx(12 / 42 * (36 / 3 + 225 / 3) - 21)
    assert eps == pytest.approx(h / 5)
    assert kruskal_wallis([np.array([1.0, 2])]) == (None, None, None)


def test_gini_lorenz_and_cv_by_hand():
    assert gini(np.array([0, 0, 0, 10.0])) == pytest.approx(0.75)   # (n - 1) / n: one holds all
    assert gini(np.array([5, 5, 5, 5.0])) == pytest.approx(0.0)
    # 1, 2, 3, 4: G = 2 * (1 + 4 + 9 + 16) / (4 * 10) - 5 / 4 = 0.25
    assert gini(np.array([4, 1, 3, 2.0])) == pytest.approx(0.25)
    holders, amount = lorenz(np.array([4, 1, 3, 2.0]), points=5)
    assert holders == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    assert amount == pytest.approx([0, 0.1, 0.3, 0.6, 1])
    assert coefficient_of_variation(np.array([2.0, 4, 6])) == pytest.approx(np.sqrt(8 / 3) / 4)


def test_bootstrap_mean_is_seeded_and_brackets_the_mean():
    scores = np.repeat([1.0, 2, 3, 4, 5], [10, 10, 20, 30, 30])
    a = bootstrap(scores, "mean", seed=4)
    assert a == bootstrap(scores, "mean", seed=4)
    assert a.value == pytest.approx(3.6)
    # normal approximation: 3.6 +- 1.96 * sd / sqrt(100) = 3.6 +- 0.25
    assert a.ci_low == pytest.approx(3.6 - 1.96 * scores.std() / 10, abs=0.05)
    assert a.ci_high == pytest.approx(3.6 + 1.96 * scores.std() / 10, abs=0.05)


def test_two_proportion_p_equals_the_chi_square_test():
    from supportlens.analysis.core.stats import two_proportion_p
    for a, n, b, m in ((30, 100, 10, 100), (5, 40, 9, 41), (0, 10, 3, 12), (7, 7, 1, 9)):
        table = np.array([[a, n - a], [b, m - b]])
        expected = sstats.chi2_contingency(table, correction=False)[1]
        assert two_proportion_p(a, n, b, m) == pytest.approx(expected, rel=1e-9)
    assert two_proportion_p(0, 10, 0, 5) == 1.0 and two_proportion_p(1, 0, 1, 2) is None


def test_logistic_regression_on_a_two_by_two_table_is_the_log_odds_ratio():
    from supportlens.analysis.core.stats import logistic_regression
    # group 0: 3 of 10 breached, group 1: 6 of 10. With one binary covariate the maximum-likelihood
    # fit is closed form: intercept = log(3/7), slope = log odds ratio = log((6/4) / (3/7)) = log 3.5,
    # SE(slope) = sqrt(1/3 + 1/7 + 1/6 + 1/4) (Woolf) = 0.9449
    group = np.repeat([0.0, 1.0], 10)
    y = np.array([1] * 3 + [0] * 7 + [1] * 6 + [0] * 4, dtype=float)
    fit = logistic_regression(np.column_stack([np.ones(20), group]), y)
    assert fit.converged
    assert fit.coefficients == pytest.approx([np.log(3 / 7), np.log(3.5)], rel=1e-9)
    se = np.sqrt(1 / 3 + 1 / 7 + 1 / 6 + 1 / 4)
    assert fit.standard_errors[1] == pytest.approx(se, rel=1e-9)
    assert fit.conf_int()[1] == pytest.approx([np.log(3.5) - 1.959964 * se, np.log(3.5) + 1.959964 * se], rel=1e-6)
    assert round(float(fit.p_values[1]), 4) == 0.1849          # 2 * (1 - Phi(log 3.5 / 0.9449 = 1.3258))
    # log-likelihood: 3 log .3 + 7 log .7 + 6 log .6 + 4 log .4; null: 9 log .45 + 11 log .55
    ll = 3 * np.log(0.3) + 7 * np.log(0.7) + 6 * np.log(0.6) + 4 * np.log(0.4)
    null = 9 * np.log(0.45) + 11 * np.log(0.55)
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-9)
    assert fit.mcfadden_r2 == pytest.approx(1 - ll / null, rel=1e-9)


def test_logistic_regression_reports_separation_as_not_converged():
    from supportlens.analysis.core.stats import logistic_regression
    # every ticket of group 1 breached: the slope runs off to infinity
    group = np.repeat([0.0, 1.0], 10)
    y = np.array([1] * 3 + [0] * 7 + [1] * 10, dtype=float)
    fit = logistic_regression(np.column_stack([np.ones(20), group]), y, max_iterations=25)
    assert not fit.converged or fit.standard_errors[1] > 100


def test_mann_whitney_sorted_matches_scipy():
    from supportlens.analysis.core.stats import mann_whitney_sorted
    rng = np.random.default_rng(9)
    cases = [(rng.exponential(10, 300), rng.exponential(12, 250)),
             (rng.integers(1, 6, 400).astype(float), rng.integers(1, 6, 350).astype(float)),   # CSAT-like, many ties
             (np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]), np.array([5.0, 5, 5, 11, 12]))]
    for a, b in cases:
        expected = sstats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue
        assert mann_whitney_sorted(np.sort(a), np.sort(b)) == pytest.approx(expected, rel=1e-9)
    assert mann_whitney_sorted(np.array([3.0, 3.0]), np.array([3.0])) == 1.0
    assert mann_whitney_sorted(np.array([]), np.array([1.0])) is None


def test_logrank_on_ranks_ranked_once_is_the_same_test():
    """Durations ranked once over a larger set (as the segment report does for every pair) give the same
    statistic and p-value, bit for bit, as ranking the tested durations themselves: ties, NaNs, both sizes of
    the ranking (sort and hash)."""
    from supportlens.analysis.core.stats import duration_ranks, logrank

    rng = np.random.default_rng(5)
    for n in (300, 60_000):
        durations = np.round(rng.exponential(10, n), 1)          # many ties
        durations[rng.random(n) < 0.05] = np.nan
        observed = rng.random(n) < 0.8
        groups = rng.integers(0, 4, n)
        ranks = duration_ranks(durations)
        assert (ranks[np.isnan(durations)] == -1).all()
        assert logrank(durations, observed, groups, ranks) == logrank(durations, observed, groups)
        pair = np.flatnonzero(groups >= 2)                         # a subset: its own time grid
        assert (logrank(durations[pair], observed[pair], groups[pair], ranks[pair])
                == logrank(durations[pair], observed[pair], groups[pair]))


def test_logrank_pair_is_the_pooled_two_group_logrank():
    """Two segments' counted durations give the same test as pooling their tickets (ties, censoring, a missing
    duration and a segment with no resolutions included); scipy's log-rank is the independent reference."""
    from supportlens.analysis.core.stats import duration_ranks, logrank_pair, rank_counts

    rng = np.random.default_rng(4)
    durations = np.round(rng.exponential(10, 600), 0)
    durations[:5] = np.nan
    observed = rng.random(600) < 0.7
    segment = rng.integers(0, 3, 600)
    observed[segment == 2] = False
    ranks = duration_ranks(durations)
    counts = [rank_counts(ranks[segment == i], observed[segment == i]) for i in range(3)]
    for i, j in ((0, 1), (0, 2), (1, 2)):
        both = (segment == i) | (segment == j)
        pooled = logrank(durations[both], observed[both], segment[both] == j)
        assert logrank_pair(counts[i], counts[j]) == pooled
    keep = ((segment == 0) | (segment == 1)) & ~np.isnan(durations)
    reference = sstats.logrank(sstats.CensoredData.right_censored(durations[keep & (segment == 0)],
                                                                  ~observed[keep & (segment == 0)]),
                               sstats.CensoredData.right_censored(durations[keep & (segment == 1)],
                                                                  ~observed[keep & (segment == 1)]))
    assert logrank_pair(counts[0], counts[1])[2] == pytest.approx(reference.pvalue, rel=1e-9)
    assert logrank_pair(counts[0], rank_counts(ranks[:0], observed[:0])) == (None, 0, None)


@pytest.mark.parametrize("seed", range(6))
def test_mann_whitney_p_is_scipys_float(seed):
    """mann_whitney_p works the normal approximation out itself (a third of scipy's memory): the very float scipy's
    mannwhitneyu gives, on continuous values, heavy ties, zeros of both signs, missing values and small samples
    (where scipy's exact method is used)."""
    from scipy import stats as sstats

    from supportlens.analysis.core.stats import mann_whitney_p

    rng = np.random.default_rng(seed)
    for trial in range(40):
        n1, n2 = (int(rng.integers(2, 3000)) for _ in range(2))
        kind = trial % 4
        if kind == 0:
            a, b = rng.normal(size=n1), rng.normal(0.05, size=n2)
        elif kind == 1:
            a, b = np.round(rng.exponential(3, n1), 1), np.round(rng.exponential(3, n2), 1)
        elif kind == 2:
            a, b = rng.integers(0, 4, n1).astype(float), rng.integers(0, 4, n2).astype(float)
        else:
            a = np.where(rng.random(n1) < 0.6, 0.0, rng.exponential(5, n1))
            b = np.where(rng.random(n2) < 0.6, -0.0, rng.exponential(5, n2))
        a[rng.random(n1) < 0.02] = np.nan
        expected = float(sstats.mannwhitneyu(a[~np.isnan(a)], b, alternative="two-sided").pvalue)
        assert mann_whitney_p(a, b) == expected
    assert mann_whitney_p(np.array([np.nan]), np.array([1.0])) is None
