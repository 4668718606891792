"""Cluster-robust tests and Holm's adjustment (analysis/core/clustered.py), on hand-made data worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sstats
from statsmodels.stats.multitest import multipletests

from supportlens.analysis.core.clustered import (above_median, cluster_codes, difference_p, equal_means_p, holm,
                                                 mean_above_p, robust_covariance)
from supportlens.analysis.core.stats import two_proportion_p


def accounts(rates: list[float], tickets: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """0/1 outcomes of accounts of ``tickets`` each, exactly ``rate`` of each account's tickets breached."""
    values = np.concatenate([np.repeat([1.0, 0.0], [round(r * tickets), tickets - round(r * tickets)]) for r in rates])
    return values, np.repeat(np.arange(len(rates)), tickets)


def test_holm_on_a_known_set():
    # sorted 0.005, 0.01, 0.03, 0.04: 4 x 0.005 = 0.02, 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06
    adjusted = holm([0.01, 0.04, 0.03, 0.005, None])
    assert adjusted[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02]) and adjusted[4] is None
    p = [0.01, 0.04, 0.03, 0.005]
    assert holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]))
    assert holm([0.01, None]) == [0.01, None]


def test_holm_rejects_nothing_on_a_null_set():
    # 20 p-values evenly spread over (0, 1), what 20 true null hypotheses give on average: none survives
    null = [(i + 0.5) / 20 for i in range(20)]
    assert min(holm(null)) == pytest.approx(0.5)      # 20 x 0.025
    assert all(q >= 0.05 for q in holm(null))
    # one real effect among them still passes
    assert holm([1e-6] + null)[0] == pytest.approx(21e-6)


def test_clustered_accounts_where_naive_chi_square_rejects():
    # group A: four accounts breaching 5%, 55%, 10%, 50% (120 of 400); group B: 15%, 25%, 20%, 20% (80 of 400)
    a, a_accounts = accounts([0.05, 0.55, 0.10, 0.50])
    b, b_accounts = accounts([0.15, 0.25, 0.20, 0.20])
    values = np.concatenate([a, b])
    in_a = np.repeat([True, False], [400, 400])
    clusters = [np.concatenate([a_accounts, b_accounts + 4])]
    naive = two_proportion_p(120, 400, 80, 400)
    assert naive < 0.002                                  # tickets as independent draws: "significant"
    # by hand: each account's summed deviation from its group's mean, over the group's 400 tickets: A (r - 0.3) / 4,
    # B (r - 0.2) / 4; each mean's variance is 8/7 x the sum of its accounts' squares (A: 8/7 x 0.0128125), but
    # never below the variance of all 800 values over 400 (0.25 x 0.75 / 400): B's accounts are so alike
    # (8/7 x 0.0003125) that the floor binds for B
    variance_a = 8 / 7 * sum(((r - 0.3) / 4) ** 2 for r in (0.05, 0.55, 0.10, 0.50))
    variance_b = 8 / 7 * sum(((r - 0.2) / 4) ** 2 for r in (0.15, 0.25, 0.20, 0.20))
    assert (variance_a, variance_b) == pytest.approx((8 / 7 * 0.0128125, 8 / 7 * 0.0003125))
    variance = variance_a + max(variance_b, 0.25 * 0.75 / 400)
    expected = math.erfc(0.1 / math.sqrt(variance) / math.sqrt(2))
    assert difference_p(values, in_a, clusters) == pytest.approx(expected)
    assert difference_p(values, in_a, clusters) > 0.4     # eight accounts cannot tell the groups apart
    # the omnibus test of two groups is the same test (chi-square with 1 df = z squared)
    assert equal_means_p(values, np.where(in_a, 0, 1), clusters) == pytest.approx(expected)
    # one-sided: half of it
    assert difference_p(values, in_a, clusters, "greater") == pytest.approx(expected / 2)


def test_each_ticket_its_own_cluster_is_the_unclustered_test():
    rng = np.random.default_rng(3)
    values = (rng.random(500) < np.where(np.arange(500) < 250, 0.3, 0.2)).astype(float)
    in_a = np.arange(500) < 250
    p = difference_p(values, in_a, [np.arange(500)])
    # each group's variance r(1 - r) / 250 times the small-sample factor 500/499, but never below the variance
    # of all 500 values over 250 (here group b's: 0.2 x 0.8 x 500/499 < 0.25 x 0.75)
    pooled = values.mean()
    ra, rb = values[in_a].mean(), values[~in_a].mean()
    assert (pooled, ra, rb) == pytest.approx((0.25, 0.3, 0.2), abs=0.04)
    variance = sum(max(500 / 499 * r * (1 - r), pooled * (1 - pooled)) / 250 for r in (ra, rb))
    assert p == pytest.approx(math.erfc(abs(ra - rb) / math.sqrt(variance) / math.sqrt(2)))
    assert p == pytest.approx(two_proportion_p(int(values[in_a].sum()), 250, int(values[~in_a].sum()), 250), rel=0.1)


def test_two_way_with_one_way_singleton_clusters_is_the_other_one_way():
    values, account = accounts([0.1, 0.4, 0.2, 0.3, 0.25])
    scores = (values - values.mean()).reshape(-1, 1) / len(values)
    day = np.arange(len(values))                        # every ticket on a day of its own
    two_way = robust_covariance(scores, cluster_codes(account, day))
    assert two_way == pytest.approx(robust_covariance(scores, [account]))


def test_cluster_codes_give_missing_keys_a_cluster_each():
    account, day, both = cluster_codes(np.array(["a", "a", None, None, "b"], dtype=object),
                                       np.array(["d1", "d2", "d1", "d1", "d1"], dtype=object))
    assert account[0] == account[1] and account[2] != account[3] and len(set(account)) == 4
    assert len(set(day)) == 2 and len(set(both)) == 5


def test_rate_above_its_goal():
    values, account = accounts([0.30, 0.30, 0.25, 0.35])      # 30% breached, four accounts
    p = mean_above_p(values, 0.10, [account])
    scores = (values - 0.30) / 400
    variance = 4 / 3 * sum(scores[account == c].sum() ** 2 for c in range(4))
    assert p == pytest.approx(sstats.norm.sf(0.2 / math.sqrt(variance)))
    assert p < 1e-6
    assert mean_above_p(values, 0.40, [account]) > 0.5       # below the goal: no claim


def test_above_median_leaves_young_open_tickets_unknown():
    durations = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 1.5, 10.0])
    observed = np.array([True, True, True, True, True, False, False])
    # Kaplan-Meier median 4.0 (S falls to 0.5 at the fourth event); the open ticket aged 1.5 h may end either side,
    # the one aged 10 h is surely above
    out = above_median(durations, observed)
    assert list(out[[0, 1, 2, 3, 4, 6]]) == [0, 0, 0, 0, 1, 1] and math.isnan(out[5])


def test_days_are_coded_as_their_iso_dates():
    # creation days given as dates get the codes their "%Y-%m-%d" text would (a missing day its own cluster),
    # alone and crossed with accounts
    days = np.array(["2025-03-02", "2024-12-31", "NaT", "2025-03-02", "2025-01-10"], dtype="datetime64[D]")
    text = np.array(["2025-03-02", "2024-12-31", np.nan, "2025-03-02", "2025-01-10"], dtype=object)
    accounts = np.array(["b", "a", "a", None, "b"], dtype=object)
    for by_date, by_text in ((cluster_codes(days), cluster_codes(text)),
                             (cluster_codes(accounts, days), cluster_codes(accounts, text))):
        assert all((d == t).all() for d, t in zip(by_date, by_text))
    assert cluster_codes(days)[0].tolist() == [3, 1, 4, 3, 2]
