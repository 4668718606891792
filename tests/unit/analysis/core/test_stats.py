"""Statistics against published or hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.analysis.core.stats import (benjamini_hochberg, bootstrap, chi_square, kaplan_meier, median_interval, wilson)


def test_wilson_matches_newcombe_1998():
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score):
    # 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611
    r = wilson(81, 263)
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (0.2553, 0.3662)
    r = wilson(15, 148)
    assert (round(r.ci_low, 4), round(r.ci_high, 4)) == (0.0624, 0.1605)
    r = wilson(0, 20)
    assert r.ci_low == 0 and round(r.ci_high, 4) == 0.1611


def test_wilson_empty_sample_has_no_value():
    assert wilson(0, 0).value is None


def test_kaplan_meier_hand_example():
    # durations 6(event) 6(censored) 8(event) 24(event) 24(event) 1176(censored):
    # S(6) = 5/6, S(8) = 5/6 * 3/4 = 0.625, S(24) = 0.625 * 1/3
    km = kaplan_meier(np.array([6, 6, 8, 24, 24, 1176.0]), np.array([1, 0, 1, 1, 1, 0], dtype=bool))
    assert km.times == [6, 8, 24]
    assert km.survival == pytest.approx([5 / 6, 0.625, 0.625 / 3])
    assert km.median == 24
    assert km.events == 4 and km.n == 6


def test_kaplan_meier_median_interval_brackets_median():
    rng = np.random.default_rng(1)
    durations = rng.exponential(10, 2000)
    km = kaplan_meier(durations, np.ones(2000, dtype=bool))
    # exponential(10): true median 10 ln 2 = 6.93
    assert km.median_ci_low < 10 * np.log(2) < km.median_ci_high
    assert km.median_ci_low < km.median < km.median_ci_high


def test_kaplan_meier_median_undefined_when_survival_stays_above_half():
    km = kaplan_meier(np.array([1.0, 2, 3, 4]), np.array([1, 0, 0, 0], dtype=bool))
    assert km.median is None


def test_benjamini_hochberg_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") -> all 0.05
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05] * 5)
    # R: p.adjust(c(0.001, 0.008, 0.039, 0.041, 0.042, 0.06), "BH")
    #    -> 0.006 0.024 0.0504 0.0504 0.0504 0.06
    assert benjamini_hochberg([0.001, 0.008, 0.039, 0.041, 0.042, 0.06]) == pytest.approx(
        [0.006, 0.024, 0.0504, 0.0504, 0.0504, 0.06])
    assert benjamini_hochberg([None, 0.5]) == [None, 0.5]


def test_chi_square_and_cramers_v_on_hand_table():
    # 2x2: 30/100 vs 10/100 -> chi2 = 12.5 (no continuity correction), V = sqrt(12.5/200) = 0.25
    p, v = chi_square(np.array([30, 10]), np.array([100, 100]))
    assert v == pytest.approx(0.25)
    assert p == pytest.approx(0.000407, rel=1e-2)


def test_bootstrap_is_seeded_and_brackets_the_median():
    values = np.arange(1, 102, dtype=float)
    a = bootstrap(values, "median", seed=3)
    b = bootstrap(values, "median", seed=3)
    assert a == b
    assert a.value == 51 and a.ci_low < 51 < a.ci_high


def test_bootstrap_of_two_values_spans_both():
    # resamples of {0, 1}: mean (= median) 0, 1/2 or 1 with chances 1/4, 1/2, 1/4, so the
    # 2.5th and 97.5th percentiles of 2,000 resamples are 0 and 1
    for statistic in ("mean", "median"):
        estimate = bootstrap(np.array([0.0, 1.0]), statistic, seed=1)
        assert (estimate.value, estimate.ci_low, estimate.ci_high, estimate.n) == (0.5, 0.0, 1.0, 2)


def test_bootstrap_edge_cases():
    constant = bootstrap(np.array([4.0, 4.0, 4.0]), "median", seed=1)
    assert (constant.value, constant.ci_low, constant.ci_high) == (4.0, 4.0, 4.0)
    single = bootstrap(np.array([np.nan, 7.0]), "mean", seed=1)
    assert (single.value, single.ci_low, single.ci_high, single.n) == (7.0, None, None, 1)
    assert bootstrap(np.array([np.nan]), "mean", seed=1).value is None


def _exact_bootstrap_medians(values: np.ndarray) -> dict[float, float]:
    """Every one of the n**n equally likely resamples of n rows, and the chance of each median."""
    import itertools
    n = len(values)
    out: dict[float, float] = {}
    for rows in itertools.product(range(n), repeat=n):
        m = float(np.median(values[list(rows)]))
        out[m] = out.get(m, 0.0) + n ** -n
    return out


@pytest.mark.parametrize("values", [[1.0, 2.0, 2.0, 5.0], [3.0, 1.0, 4.0, 1.0, 5.0], [0.0, 1.0]])
def test_median_draws_follow_the_exact_bootstrap_distribution(values):
    # the medians drawn as counts against the enumerated distribution of all n**n resamples of n rows
    # (even n: the mean of the two middle values; ties included), by a chi-square goodness of fit
    from scipy import stats as sstats
    from supportlens.analysis.core.stats import _median_draws
    values = np.array(values)
    exact = _exact_bootstrap_medians(values)
    draws = _median_draws(values, 200_000, np.random.default_rng(5))
    assert set(np.unique(draws)) <= set(exact)
    support = sorted(exact)
    observed = np.array([(draws == m).sum() for m in support])
    expected = np.array([exact[m] for m in support]) * len(draws)
    assert sstats.chisquare(observed, expected).pvalue > 0.001


def test_median_draws_of_many_values_follow_the_binomial_order_statistic():
    # odd n: the resample's median is at most the j-th smallest value exactly when at least (n + 1) / 2
    # of its n rows are among the j smallest, so P(median <= x_(j)) = P(Binomial(n, j/n) >= (n + 1) / 2)
    from scipy import stats as sstats
    from supportlens.analysis.core.stats import _median_draws
    n = 2001
    values = np.random.default_rng(1).permutation(np.arange(n, dtype=float))
    draws = _median_draws(values, 100_000, np.random.default_rng(2))
    j = np.arange(900, 1101)
    exact = sstats.binom.sf((n + 1) // 2 - 1, n, j / n)
    empirical = np.array([(draws <= x).mean() for x in j - 1.0])
    assert np.abs(empirical - exact).max() < 0.01


@pytest.mark.parametrize("n, ties", [(1201, False), (1200, False), (800, True), (7, False)])
def test_median_bootstrap_is_the_textbook_one(n, ties):
    # the textbook percentile bootstrap worked out directly: every resample's n rows drawn at once with the same
    # seed's generator, np.median of each, the 2.5th and 97.5th percentiles; the bootstrap draws in blocks of rows
    # (three blocks at n = 1200) and reads each median off the middle ranks, and must give the same numbers
    rng = np.random.default_rng(11)
    values = rng.integers(0, 40, n).astype(float) if ties else rng.lognormal(3, 1, n).round(3)
    drawn = np.random.default_rng(5).integers(0, n, size=(2000, n))
    low, high = np.percentile(np.median(values[drawn], axis=1), [2.5, 97.5])
    estimate = bootstrap(values, "median", seed=5)
    assert (estimate.value, estimate.ci_low, estimate.ci_high, estimate.n) == (np.median(values), low, high, n)


def test_large_median_bootstrap_draws_counts_with_the_same_interval(monkeypatch):
    # above the row-resampling limit the interval comes from drawn counts: the same distribution as the
    # row indices, so the two intervals agree to Monte Carlo error (2,000 resamples), not to the last digit
    from supportlens.analysis.core import stats
    values = np.random.default_rng(4).lognormal(3, 1, 20_001).round(3)
    rows = stats.bootstrap(values, "median", seed=9)
    monkeypatch.setattr(stats, "ROW_RESAMPLING_UP_TO", 1000)
    counts = stats.bootstrap(values, "median", seed=9)
    assert counts.value == rows.value and counts.n == rows.n
    width = rows.ci_high - rows.ci_low
    assert abs(counts.ci_low - rows.ci_low) < 0.15 * width and abs(counts.ci_high - rows.ci_high) < 0.15 * width


def test_median_interval_order_statistics():
    # Conover (1999), table of binomial order statistics: a 95% interval for the median is
    # (x(6), x(15)) for n = 20 (coverage 95.9%), (x(2), x(8)) for n = 9 and (x(1), x(6)) for n = 6;
    # below n = 6 no pair of order statistics reaches 95%.
    values = np.array([5.0, 1, 9, 3, 7, 2, 8, 4, 6, 10, 19, 11, 18, 12, 17, 13, 16, 14, 15, 20])
    estimate = median_interval(values)
    assert (estimate.value, estimate.ci_low, estimate.ci_high, estimate.n) == (10.5, 6.0, 15.0, 20)
    nine, six = median_interval(np.arange(1.0, 10.0)), median_interval(np.arange(1.0, 7.0))
    assert (nine.ci_low, nine.ci_high) == (2.0, 8.0)
    assert (six.ci_low, six.ci_high) == (1.0, 6.0)
    assert median_interval(np.arange(1.0, 6.0)).ci_low is None
    assert median_interval(np.array([np.nan])).n == 0


@pytest.mark.parametrize("n", [1, 2, 7, 1000, 4099])
def test_resamples_drawn_by_blocks_are_the_one_draw(n):
    """Bootstrap row draws too large to hold are drawn again block by block whenever they are read: every pass, in
    blocks of any size, reads exactly the numbers one call draws, and the generator is left where that call leaves
    it (numbers drawn after it are the same too)."""
    from supportlens.analysis.core import stats

    whole_rng = np.random.default_rng(17)
    whole = whole_rng.integers(0, n, size=(23, n), dtype=np.int32)
    rng = np.random.default_rng(17)
    lazy = stats.Resamples(rng, 23, n)
    assert len(lazy) == 23
    for size in (1, 2, 5, 23, 100):
        np.testing.assert_array_equal(np.vstack(list(lazy.blocks(size))), whole)
    np.testing.assert_array_equal(rng.integers(0, 10**9, 50), whole_rng.integers(0, 10**9, 50))


def test_resample_rows_holds_small_draws_and_draws_large_ones_when_read(monkeypatch):
    from supportlens.analysis.core import stats
    from supportlens.analysis.risk.scores import _blocks

    held = stats.resample_rows(np.random.default_rng(3), 10, 50)
    assert isinstance(held, np.ndarray) and held.shape == (10, 50) and held.dtype == np.int32
    monkeypatch.setattr(stats, "RESAMPLES_HELD_UP_TO", 100)
    lazy = stats.resample_rows(np.random.default_rng(3), 10, 50)
    assert isinstance(lazy, stats.Resamples)
    # the score bootstrap reads them in the same blocks either way
    assert all(np.array_equal(a, b) for a, b in zip(_blocks(held, 20_000), _blocks(lazy, 20_000), strict=True))
