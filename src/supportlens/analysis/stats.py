"""Small, tested statistics the analyses share: intervals, survival, tests, corrections.

Every function takes plain arrays and returns plain numbers, so each can be
checked against a hand-worked example or a published reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as sstats

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Rate:
    """A proportion with its 95% Wilson interval."""

    events: int
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None


def wilson(events: int, n: int, z: float = Z95) -> Rate:
    """Wilson score interval (Wilson 1927; Newcombe 1998 method 3)."""
    if n <= 0:
        return Rate(int(events), 0, None, None, None)
    p = events / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Rate(int(events), int(n), float(p), float(max(0.0, centre - half)), float(min(1.0, centre + half)))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a 95% interval and its sample size."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


def bootstrap(values: np.ndarray, statistic: str, *, seed: int, resamples: int = 500) -> Estimate:
    """Percentile bootstrap interval of the mean or median of ``values`` (NaNs removed)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    func = np.median if statistic == "median" else np.mean
    point = float(func(values))
    if n == 1:
        return Estimate(point, None, None, 1)
    rng = np.random.default_rng(seed)
    # resample in blocks to bound memory on large inputs
    draws = np.empty(resamples)
    block = max(1, min(resamples, 20_000_000 // n))
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        idx = rng.integers(0, n, size=(stop - start, n))
        draws[start:stop] = func(values[idx], axis=1)
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(point, float(low), float(high), n)


def median_interval(values: np.ndarray, alpha: float = 0.05) -> Estimate:
    """Median with its distribution-free (binomial order-statistic) interval: (x_(l), x_(n-l+1)) with
    l the largest rank such that P(B <= l-1) <= alpha/2, B ~ Binomial(n, 1/2) (Conover 1999, 3.2).
    O(n), unlike a bootstrap, so it serves the per-cell medians of large event logs."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    point = float(np.median(values))
    k = int(sstats.binom.ppf(alpha / 2, n, 0.5))
    rank = k + 1 if sstats.binom.cdf(k, n, 0.5) <= alpha / 2 else k
    if rank < 1:
        return Estimate(point, None, None, n)
    low_i, high_i = rank - 1, n - rank
    ordered = np.partition(values, [low_i, high_i])
    return Estimate(point, float(ordered[low_i]), float(ordered[high_i]), n)


@dataclass(frozen=True)
class Survival:
    """Kaplan-Meier estimate: step function and median with a 95% interval."""

    times: list[float]       # distinct event times
    survival: list[float]    # S(t) just after each time
    median: float | None
    median_ci_low: float | None
    median_ci_high: float | None
    n: int
    events: int


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> Survival:
    """Kaplan-Meier estimator with Greenwood variance; the median's interval inverts the
    log(-log) confidence band of S(t) (Brookmeyer & Crowley 1982, as R's survival does)."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    keep = ~np.isnan(durations)
    durations, observed = durations[keep], observed[keep]
    n = len(durations)
    if n == 0:
        return Survival([], [], None, None, None, 0, 0)
    times, inverse = np.unique(durations, return_inverse=True)
    deaths = np.bincount(inverse, weights=observed.astype(float), minlength=len(times))
    removed = np.bincount(inverse, minlength=len(times)).astype(float)
    at_risk = n - np.concatenate([[0.0], np.cumsum(removed)[:-1]])
    has_event = deaths > 0
    times, deaths, at_risk = times[has_event], deaths[has_event], at_risk[has_event]
    if len(times) == 0:
        return Survival([], [], None, None, None, n, 0)
    surv = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        log_s = np.log(surv)
        se_loglog = np.sqrt(greenwood) / np.abs(log_s)
        loglog = np.log(-log_s)
        lower = np.exp(-np.exp(loglog + Z95 * se_loglog))
        upper = np.exp(-np.exp(loglog - Z95 * se_loglog))
    lower = np.where(surv == 0, 0.0, lower)
    upper = np.where(surv == 0, 0.0, upper)

    def first_below(curve: np.ndarray) -> float | None:
        hit = np.flatnonzero(np.nan_to_num(curve, nan=1.0) <= 0.5)
        return float(times[hit[0]]) if len(hit) else None

    return Survival(times.tolist(), surv.tolist(), first_below(surv), first_below(lower), first_below(upper),
                    n, int(deaths.sum()))


def two_proportion_p(events_a: int, n_a: int, events_b: int, n_b: int) -> float | None:
    """Two-sided p-value of the chi-square test (no continuity correction) of two rates."""
    if min(n_a, n_b) == 0:
        return None
    table = np.array([[events_a, n_a - events_a], [events_b, n_b - events_b]])
    if (table.sum(axis=0) == 0).any():
        return 1.0
    return float(sstats.chi2_contingency(table, correction=False)[1])


def chi_square(events: np.ndarray, totals: np.ndarray) -> tuple[float | None, float | None]:
    """Chi-square test of equal rates across groups; returns (p-value, Cramér's V)."""
    events = np.asarray(events, dtype=float)
    totals = np.asarray(totals, dtype=float)
    keep = totals > 0
    events, totals = events[keep], totals[keep]
    if len(events) < 2 or events.sum() == 0 or events.sum() == totals.sum():
        return None, None
    table = np.vstack([events, totals - events])
    chi2, p, _, _ = sstats.chi2_contingency(table, correction=False)
    v = float(np.sqrt(chi2 / (totals.sum() * (min(table.shape) - 1))))
    return float(p), v


def mann_whitney_p(a: np.ndarray, b: np.ndarray) -> float | None:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return None
    return float(sstats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (None stays None)."""
    indexed = [(i, p) for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    if not indexed:
        return adjusted
    order = sorted(indexed, key=lambda item: item[1])
    m = len(order)
    running = 1.0
    for rank in range(m, 0, -1):
        i, p = order[rank - 1]
        running = min(running, p * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted
