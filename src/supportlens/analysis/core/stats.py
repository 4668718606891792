"""Small, tested statistics the analyses share: intervals, survival, tests, corrections.

Every function takes plain arrays and returns plain numbers, so each can be
checked against a hand-worked example or a published reference.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special as sspecial
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
    """Wilson score interval (Wilson 1927; Newcombe 1998 method 3).

    Kept by hand rather than statsmodels' ``proportion_confint(method="wilson")``: the two agree
    to 1e-16, but at zero events each leaves its own rounding residue (0 or about 1e-17) in the
    lower bound, which moved some 300 published values, and it is called for every segment, slot
    and week at about 35x the cost of this closed form."""
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


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of values without NaN (the distinct values in order, and each
    value's index among them), found by hashing: a sort of the distinct values only, not of every value."""
    values = np.asarray(values)
    if values.dtype.kind not in "fiub" or len(values) < 20_000:     # (small: sorting is cheaper than the hash table)
        return np.unique(values, return_inverse=True)
    codes, distinct = pd.factorize(values, sort=True)
    return np.asarray(distinct, dtype=values.dtype), codes.astype(np.intp)


def _present(values: np.ndarray) -> np.ndarray:
    """The values as floats, missing ones (NaN) left out: the floats themselves (no copy) when none is missing
    (the callers only read them)."""
    values = np.asarray(values, dtype=float)
    return values[~np.isnan(values)] if np.isnan(values).any() else values


RESAMPLES = 2000       # bootstrap resamples of every interval here (Efron & Tibshirani 1993, 19.3: 1000 or more)
# Above this many values, a median's bootstrap resamples are drawn as counts (``_median_draws``) instead of
# n row indices each. The two draw from the same distribution; the counts cost about 2 log2(distinct values)
# binomial draws a resample instead of n. Set above every real export and the 50,000-ticket sample, so their
# intervals are the row-index draws they always were.
ROW_RESAMPLING_UP_TO = 100_000


# Bootstrap row draws (``resample_rows``) above this many bytes are drawn again block by block whenever they are
# read, not held: set above the 1M-ticket build's (134 MB), below the 10M one's (1.3 GB).
RESAMPLES_HELD_UP_TO = 256 * 2**20


class Resamples:
    """``rows`` bootstrap resamples of ``n`` row indices, the numbers ``rng.integers(0, n, size=(rows, n),
    dtype=np.int32)`` draws, never held whole: each pass (``blocks``) draws them again, block by block, from the
    generator's state at creation. A generator's integers drawn in consecutive blocks of rows are the stream one
    call draws (the test proves it for any block size), so every pass reads the same numbers. Creating it leaves
    ``rng`` where the one call would (one pass drawn and dropped)."""

    def __init__(self, rng: np.random.Generator, rows: int, n: int):
        self.rows, self.n = rows, n
        self._state = rng.bit_generator.state
        self._kind = type(rng.bit_generator)
        for _ in self.blocks(1, rng):
            pass

    def __len__(self) -> int:
        return self.rows

    def blocks(self, size: int, rng: np.random.Generator | None = None):
        """The resamples in consecutive blocks of ``size`` rows."""
        if rng is None:
            bit_generator = self._kind()
            bit_generator.state = self._state
            rng = np.random.Generator(bit_generator)
        for start in range(0, self.rows, size):
            yield rng.integers(0, self.n, size=(min(size, self.rows - start), self.n), dtype=np.int32)


def resample_rows(rng: np.random.Generator, rows: int, n: int) -> np.ndarray | Resamples:
    """``rows`` bootstrap resamples of ``n`` row indices (int32), ``rng.integers(0, n, size=(rows, n))``: held as one
    array up to ``RESAMPLES_HELD_UP_TO`` bytes, else as ``Resamples`` (the same numbers, drawn when read)."""
    if rows * n * 4 <= RESAMPLES_HELD_UP_TO:
        return rng.integers(0, n, size=(rows, n), dtype=np.int32)
    return Resamples(rng, rows, n)


def percentile_interval(point: float, draws: np.ndarray, n: int) -> Estimate:
    """A point estimate with the 2.5th and 97.5th percentiles of its bootstrap draws."""
    low, high = np.percentile(draws, [2.5, 97.5])
    return Estimate(float(point), float(low), float(high), n)


def bootstrap(values: np.ndarray, statistic: str, *, seed: int, resamples: int = RESAMPLES) -> Estimate:
    """Percentile bootstrap interval of the ``"mean"`` or ``"median"`` of ``values`` (NaNs removed):
    ``resamples`` samples of n drawn with replacement, the 2.5th and 97.5th percentiles of the statistic.

    How a resample is drawn follows from the statistic, for speed only. For the mean, drawing n
    values with replacement is drawing multinomial counts over the distinct values, so a resample
    is a row of counts and costs as many numbers as there are distinct values (5 for a CSAT score),
    not n. The median needs the values in order, so its resamples draw n indices each (in blocks,
    to bound memory; the blocks draw the same stream one draw would); above ``ROW_RESAMPLING_UP_TO``
    values they are drawn as counts too, only the two middle ones located (``_median_draws``).
    """
    values = _present(values)
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    median = statistic == "median"
    point = float(np.median(values) if median else values.mean())
    if n == 1:
        return Estimate(point, None, None, 1)
    rng = np.random.default_rng(seed)
    if not median:
        levels, counts = np.unique(values, return_counts=True)
        return percentile_interval(point, rng.multinomial(n, counts / n, size=resamples) @ levels / n, n)
    if n > ROW_RESAMPLING_UP_TO:
        return percentile_interval(point, _median_draws(values, resamples, rng), n)
    # a resample's median is read off the values in order: the middle ranks of its drawn rows (a partition of
    # small integers), then those ranks' values (np.median's numbers: the middle one, or the mean of the two)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    rank = np.empty(n, dtype=np.int32 if n < 2**31 else np.int64)
    rank[order] = np.arange(n, dtype=rank.dtype)
    low, high = (n - 1) // 2, n // 2
    draws = np.empty(resamples)
    # blocks of about a million draws: they stay in the processor's cache and reuse one allocation (blocks of 20
    # million cost twice as much in a large process: fresh pages every block)
    block = max(1, min(resamples, 1_000_000 // n))
    for start in range(0, resamples, block):
        stop = min(resamples, start + block)
        ranks = np.partition(rank[rng.integers(0, n, size=(stop - start, n))], low, axis=1)
        lower = ranks[:, low]
        upper = lower if high == low else ranks[:, high:].min(axis=1)    # (the smallest rank above the low one)
        draws[start:stop] = (ordered[lower] + ordered[upper]) / 2
    return percentile_interval(point, draws, n)


def _median_draws(values: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``resamples`` bootstrap resamples of ``values``, drawn without drawing the resamples' rows.

    A resample of n rows drawn with replacement is a multinomial count of each distinct value (probabilities:
    their shares), and its median is the mean of its order statistics k = ceil(n/2) and n + 1 - k (one and the
    same when n is odd). A multinomial count splits exactly into binomials: the count in the lower half of the
    distinct values is Binomial(total, share of the lower half), and the halves' counts, given it, are
    independent multinomials again. So each resample walks down the halves from all the distinct values to
    the one that holds the k-th value (the half whose cumulative count reaches k), drawing one binomial a step;
    where the two middle ranks part into different halves each walks on alone (the halves are independent given
    their counts). The medians follow the distribution of the medians of n row indices drawn per resample, at
    about 2 log2(distinct values) binomial draws a resample instead of n; not the same random numbers."""
    levels, counts = np.unique(values, return_counts=True)
    cumulative = np.concatenate([[0], np.cumsum(counts)]).astype(float)   # rows below each level
    n = len(values)
    ranks = ((n + 1) // 2, n // 2 + 1)                                     # 1-based middle order statistics
    # per resample and per middle rank: the range of levels [lo, hi), its count, the rows below the range
    lo = np.zeros((2, resamples), dtype=np.int64)
    hi = np.full((2, resamples), len(levels), dtype=np.int64)
    inside = np.full((2, resamples), n, dtype=np.int64)
    below = np.zeros((2, resamples), dtype=np.int64)
    wanted = np.array(ranks, dtype=np.int64)[:, None]
    while (hi - lo > 1).any():
        together = (lo[0] == lo[1]) & (hi[0] == hi[1])
        mid = (lo + hi) // 2
        share = np.where(hi - lo > 1, (cumulative[mid] - cumulative[lo]) / (cumulative[hi] - cumulative[lo]), 1.0)
        first = rng.binomial(inside[0], share[0])
        second = np.where(together, first, rng.binomial(inside[1], share[1]))
        lower = np.vstack([first, second])
        left = wanted - below <= lower
        split = hi - lo > 1
        go_left, go_right = split & left, split & ~left
        hi = np.where(go_left, mid, hi)
        below = np.where(go_right, below + lower, below)
        inside = np.where(go_left, lower, np.where(go_right, inside - lower, inside))
        lo = np.where(go_right, mid, lo)
    return (levels[lo[0]] + levels[lo[1]]) / 2


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

    def quantile(self, q: float) -> float | None:
        """The time by which a share ``q`` (0-1) is resolved: the first time S(t) <= 1 - q, as the median is the
        first time S(t) <= 0.5; None when the curve never gets that low (too many still open)."""
        hit = np.flatnonzero(np.asarray(self.survival, dtype=float) <= 1 - q + 1e-12)
        return float(self.times[hit[0]]) if len(hit) else None


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> Survival:
    """Kaplan-Meier estimator with Greenwood variance; the median's interval inverts the
    log(-log) confidence band of S(t) (Brookmeyer & Crowley 1982, as R's survival does).

    Not statsmodels' SurvfuncRight: its median is the first time S(t) < 0.5 (SAS's strict rule),
    this one the first time S(t) <= 0.5, so the two differ whenever S(t) reaches 0.5 exactly."""
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    keep = ~np.isnan(durations)
    durations, observed = durations[keep], observed[keep]
    n = len(durations)
    if n == 0:
        return Survival([], [], None, None, None, 0, 0)
    times, inverse = _distinct(durations)
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
    """Two-sided p-value of the chi-square test (no continuity correction) of two rates.

    Closed form: with one degree of freedom chi-square = z^2 of the pooled two-proportion
    z-test, so p = erfc(|z| / sqrt 2); no scipy call, as it runs for every pair of segments.
    """
    if min(n_a, n_b) == 0:
        return None
    pooled = (events_a + events_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return 1.0
    z = (events_a / n_a - events_b / n_b) / math.sqrt(variance)
    return float(math.erfc(abs(z) / math.sqrt(2)))


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
    """Two-sided Mann-Whitney U p-value (NaNs removed): scipy's ``mannwhitneyu``, whose choice of method is the
    normal approximation when both samples have more than 8 values; that one is worked out here with the same
    floating-point steps (``_mann_whitney_asymptotic``) and a third of scipy's memory (ranking the pooled sample
    held several arrays of its length: a gigabyte for the 15 million handoff waits of 10M tickets)."""
    a, b = _present(a), _present(b)
    if len(a) == 0 or len(b) == 0:
        return None
    if len(a) > 8 and len(b) > 8:
        return _mann_whitney_asymptotic(a, b)
    return float(sstats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def _mann_whitney_asymptotic(a: np.ndarray, b: np.ndarray) -> float:
    """scipy's ``mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue`` (1.17), the same float:
    the rank sum of ``a`` counted with binary searches in the sorted pooled sample (a sum of half-integers, exact
    in floating point as scipy's sum of average ranks is, below 2**52), the tie term summed over an array laid out
    as scipy's (each run's t ** 3 - t at its first value in sorted order, zeros elsewhere: the same pairwise sum),
    then scipy's formulas in its order."""
    n1, n2 = len(a), len(b)
    n = n1 + n2
    pooled = np.concatenate([a, b])
    pooled.sort()
    # the rank sum of a, doubled: an average rank is (values below + values at or below + 1) / 2 (searched in
    # order: a sorted copy of a, read in blocks)
    ranks_twice = n1
    ordered = np.sort(a)
    for start in range(0, n1, 1 << 20):
        part = ordered[start:start + (1 << 20)]
        ranks_twice += int(np.searchsorted(pooled, part, side="left").sum())
        ranks_twice += int(np.searchsorted(pooled, part, side="right").sum())
    del ordered
    r1 = np.float64(ranks_twice) / 2
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(pooled[1:], pooled[:-1], out=first[1:])
    del pooled
    starts = np.flatnonzero(first)
    del first
    counts = np.diff(starts, append=n).astype(float)
    terms = np.zeros(n)   # scipy's t ** 3 - t: the runs' terms where its tie counts are, zeros elsewhere
    terms[starts] = counts ** 3 - counts
    del starts, counts
    tie_term = np.sum(terms, axis=-1)
    del terms
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    u = np.maximum(u1, u2)
    mu = n1 * n2 / 2
    s = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    numerator = u - mu
    numerator -= 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        z = numerator / s
    p = sspecial.ndtr(-z)
    p *= 2
    return float(np.clip(p, 0.0, 1.0))


def benjamini_hochberg(p_values: list[float | None]) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values (statsmodels' ``multipletests``, ``fdr_bh``); None stays None."""
    from statsmodels.stats.multitest import multipletests

    present = [i for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    if present:
        for i, q in zip(present, multipletests([p_values[i] for i in present], method="fdr_bh")[1]):
            adjusted[i] = float(q)
    return adjusted


# --- Segment diagnostics, survival and concentration (issue 4) -------------------------------


def median_interval(values: np.ndarray) -> Estimate:
    """Median with a distribution-free 95% interval from order statistics.

    The interval is [X_(r), X_(n-r+1)] with r the largest rank such that
    P(B <= r-1) <= 0.025 for B ~ Binomial(n, 1/2) (Conover, Practical Nonparametric
    Statistics, 3rd ed., section 3.2). No resampling, so it is exact and cheap on
    any sample size; n < 6 has no 95% interval.
    """
    values = _present(values)
    n = len(values)
    if n == 0:
        return Estimate(None, None, None, 0)
    point = float(np.median(values))
    r = int(sstats.binom.ppf(0.025, n, 0.5))
    if r < 1:
        return Estimate(point, None, None, n)
    low, high = np.partition(values, (r - 1, n - r))[[r - 1, n - r]]
    return Estimate(point, float(low), float(high), n)


def kruskal_wallis(groups: list[np.ndarray]) -> tuple[float | None, float | None, float | None]:
    """Kruskal-Wallis H test across groups (NaNs removed; empty groups ignored).

    Returns (H, p-value, epsilon squared = H / (n - 1), the rank effect size of
    Tomczak & Tomczak 2014); (None, None, None) when fewer than two groups have data
    or every value is the same.
    """
    cleaned = [_present(g) for g in groups]
    cleaned = [g for g in cleaned if len(g)]
    n = sum(len(g) for g in cleaned)
    if len(cleaned) < 2 or n < 3:
        return None, None, None
    if np.ptp(np.concatenate(cleaned)) == 0:
        return 0.0, 1.0, 0.0
    h, p = sstats.kruskal(*cleaned)
    return float(h), float(p), float(h / (n - 1))


def duration_ranks(durations: np.ndarray) -> np.ndarray:
    """Each duration's index among the distinct durations (ascending; equal durations share it; NaN -> -1): ranked
    once, for ``logrank``'s ``ranks`` when many tests read subsets of the same durations."""
    durations = np.asarray(durations, dtype=float)
    ranks = np.full(len(durations), -1, dtype=np.intp)
    keep = ~np.isnan(durations)
    ranks[keep] = _distinct(durations[keep])[1]
    return ranks


def logrank(durations: np.ndarray, observed: np.ndarray, groups: np.ndarray,
            ranks: np.ndarray | None = None) -> tuple[float | None, int, float | None]:
    """k-sample log-rank test of equal survival curves (Mantel-Haenszel form, as R's survdiff).

    ``observed`` marks events (a resolution); the rest are censored at their duration.
    Returns (chi-square statistic, degrees of freedom k - 1, p-value). ``ranks`` (optional) are the durations'
    ``duration_ranks`` among a larger set they were taken from: the same test without ranking them again.

    Not statsmodels' survdiff: it takes p as 1 - cdf, so every p below about 1e-16 comes out 0;
    the chi-square survival function here keeps them (the context publishes them).
    """
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    groups = np.asarray(groups)
    keep = ~np.isnan(durations)
    durations, observed, groups = durations[keep], observed[keep], groups[keep]
    labels, g = _distinct(groups)
    k = len(labels)
    if k < 2 or not observed.any():
        return None, max(0, k - 1), None
    if ranks is None:
        times, t = _distinct(durations)
        n_times = len(times)
    else:   # the distinct durations present, in order: the same time grid as ranking these durations
        ranks = np.asarray(ranks)[keep]
        present = np.zeros(int(ranks.max()) + 1, dtype=bool)
        present[ranks] = True
        t = (np.cumsum(present) - 1)[ranks]
        n_times = int(present.sum())
    cells = n_times * k
    deaths = np.bincount(t * k + g, weights=observed.astype(float), minlength=cells).reshape(-1, k)
    removed = np.bincount(t * k + g, minlength=cells).reshape(-1, k).astype(float)
    return _logrank_counts(deaths, removed, np.bincount(g, minlength=k).astype(float))


@dataclass(frozen=True)
class RankCounts:
    """One group's durations for ``logrank_pair``: the distinct ``duration_ranks`` present (ascending), and how many
    of the group end (resolved or censored) and how many are resolved at each."""

    times: np.ndarray
    ended: np.ndarray
    resolved: np.ndarray


def rank_counts(ranks: np.ndarray, observed: np.ndarray) -> RankCounts:
    """A group's ``RankCounts`` from its durations' ranks (``duration_ranks``; -1, a missing duration, left out)."""
    ranks, observed = np.asarray(ranks), np.asarray(observed, dtype=bool)
    keep = ranks >= 0
    ended = np.bincount(ranks[keep])                # ranks are small whole numbers: counted, not sorted
    times = np.flatnonzero(ended)
    return RankCounts(times, ended[times].astype(float),
                      np.bincount(ranks[keep], weights=observed[keep].astype(float), minlength=len(ended))[times])


def logrank_pair(first: RankCounts, second: RankCounts) -> tuple[float | None, int, float | None]:
    """``logrank`` of two groups (first, second) from their ``RankCounts``, without pooling their tickets again: the
    same statistic (the same sums in the same order), at the cost of the two groups' distinct durations."""
    k = int(len(first.times) > 0) + int(len(second.times) > 0)
    if k < 2 or not (first.resolved.any() or second.resolved.any()):
        return None, max(0, k - 1), None
    present = np.zeros(int(max(first.times.max(), second.times.max())) + 1, dtype=bool)
    present[first.times] = present[second.times] = True
    row = np.cumsum(present) - 1                # each rank's row among the times either group has
    deaths, removed = np.zeros((int(present.sum()), 2)), np.zeros((int(present.sum()), 2))
    for column, group in enumerate((first, second)):
        at = row[group.times]
        deaths[at, column], removed[at, column] = group.resolved, group.ended
    return _logrank_counts(deaths, removed, np.array([first.ended.sum(), second.ended.sum()]))


def _logrank_counts(deaths: np.ndarray, removed: np.ndarray, totals: np.ndarray) -> tuple[float | None, int, float | None]:
    """The log-rank statistic from resolutions and exits per (distinct time, group), times ascending, and each
    group's size."""
    k = deaths.shape[1]
    at_risk = totals - np.vstack([np.zeros((1, k)), np.cumsum(removed, axis=0)[:-1]])
    has_event = _row_sums(deaths) > 0
    deaths, at_risk = deaths[has_event], at_risk[has_event]
    d = _row_sums(deaths)
    n = _row_sums(at_risk)
    share = at_risk / n[:, None]
    u = (deaths - share * d[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n > 1, d * (n - d) / (n - 1), 0.0)
    v = np.diag((w[:, None] * share).sum(axis=0)) - (share * w[:, None]).T @ share
    try:
        stat = float(u[:-1] @ np.linalg.solve(v[:-1, :-1], u[:-1]))
    except np.linalg.LinAlgError:
        return None, k - 1, None
    return stat, k - 1, float(sstats.chi2.sf(stat, k - 1))


def _row_sums(counts: np.ndarray) -> np.ndarray:
    """Each row's sum of a (rows x groups) table of whole-number counts (exact in any order: two groups are added
    as two columns, cheaper than numpy's reduction over rows of two)."""
    return counts[:, 0] + counts[:, 1] if counts.shape[1] == 2 else counts.sum(axis=1)


def survival_at(km: Survival, times: np.ndarray) -> list[float]:
    """S(t) of a Kaplan-Meier estimate at each of ``times`` (right-continuous step function)."""
    if not km.times:
        return [1.0] * len(times)
    idx = np.searchsorted(np.asarray(km.times), np.asarray(times, dtype=float), side="right") - 1
    surv = np.asarray(km.survival)
    return np.where(idx < 0, 1.0, surv[np.maximum(idx, 0)]).tolist()


def gini(values: np.ndarray) -> float | None:
    """Gini coefficient of non-negative amounts: 0 = all equal, (n-1)/n = one holds everything.

    G = 2 * sum(i * x_(i)) / (n * sum(x)) - (n + 1) / n, with x sorted ascending and i from 1.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return None
    i = np.arange(1, n + 1)
    return float(2 * (i * x).sum() / (n * x.sum()) - (n + 1) / n)


def lorenz(values: np.ndarray, points: int = 101) -> tuple[list[float], list[float]]:
    """Lorenz curve: cumulative share of holders (ascending) vs cumulative share of the amount,
    sampled at up to ``points`` evenly spaced shares of holders (both 0-1, starting at 0)."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return [], []
    cum = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    holders = np.linspace(0, 1, min(points, n + 1))
    amount = np.interp(holders * n, np.arange(n + 1), cum)
    return holders.tolist(), amount.tolist()


def coefficient_of_variation(values: np.ndarray) -> float | None:
    """Population standard deviation / mean (0 = perfectly even)."""
    x = np.asarray(values, dtype=float)
    if len(x) == 0 or x.mean() == 0:
        return None
    return float(x.std() / x.mean())


@dataclass(frozen=True)
class LogisticFit:
    """Maximum-likelihood logistic regression: coefficients (log odds), their covariance, fit facts."""

    coefficients: np.ndarray
    covariance: np.ndarray
    converged: bool
    iterations: int
    log_likelihood: float
    null_log_likelihood: float        # intercept only

    @property
    def mcfadden_r2(self) -> float | None:
        return 1 - self.log_likelihood / self.null_log_likelihood if self.null_log_likelihood < 0 else None

    @property
    def standard_errors(self) -> np.ndarray:
        return np.sqrt(np.diag(self.covariance))

    @property
    def p_values(self) -> np.ndarray:
        """Two-sided Wald z-test of each coefficient."""
        return 2 * sstats.norm.sf(np.abs(self.coefficients / self.standard_errors))

    def conf_int(self) -> np.ndarray:
        """95% Wald interval of each coefficient, one row [low, high] each."""
        half = Z95 * self.standard_errors
        return np.column_stack([self.coefficients - half, self.coefficients + half])


def logistic_regression(X: np.ndarray, y: np.ndarray, *, max_iterations: int = 50, tolerance: float = 1e-8) -> LogisticFit:
    """Logistic regression of 0/1 ``y`` on design ``X`` (first column the intercept): statsmodels'
    Logit by Newton-Raphson, the covariance the inverse of the observed information at the optimum.

    The rank check is off: it only sets the degrees of freedom, which nothing here reads, and its
    SVD of X made a wide dummy-coded design (200,000 x 100) about 1.5x slower to fit. Separation is not an error here: it shows as
    ``converged`` False or an infinite or huge covariance, which the callers test; a singular
    information matrix raises ``numpy.linalg.LinAlgError``.
    """
    from statsmodels.discrete.discrete_model import Logit

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # convergence and separation warnings: see ``converged``
        result = Logit(y, X, check_rank=False).fit(method="newton", maxiter=max_iterations, tol=tolerance, disp=0)
    mean = y.mean()
    null = float(len(y) * (mean * np.log(mean) + (1 - mean) * np.log(1 - mean))) if 0 < mean < 1 else 0.0
    return LogisticFit(np.asarray(result.params, dtype=float), np.asarray(result.cov_params(), dtype=float),
                       bool(result.mle_retvals["converged"]), int(result.mle_retvals["iterations"]),
                       float(result.llf), null)


def mann_whitney_sorted(a: np.ndarray, b: np.ndarray) -> float | None:
    """Two-sided Mann-Whitney U p-value of two samples already sorted ascending without NaNs.

    The normal approximation with tie correction and continuity correction, the same
    p-value as scipy's ``mannwhitneyu(method="asymptotic")`` (tests compare them), computed
    by counting with binary searches instead of ranking the pooled sample: the segment
    diagnostics sort each segment once and then test many pairs.
    """
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        return None
    less = np.searchsorted(b, a, side="left")
    equal = np.searchsorted(b, a, side="right") - less
    u1 = float(less.sum() + 0.5 * equal.sum())
    u = max(u1, n1 * n2 - u1)
    pooled = np.sort(np.concatenate([a, b]), kind="stable")
    starts = np.flatnonzero(np.concatenate([[True], pooled[1:] != pooled[:-1], [True]]))
    runs = np.diff(starts).astype(float)
    n = n1 + n2
    tie_term = float((runs ** 3 - runs).sum())
    variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    z = (u - n1 * n2 / 2 - 0.5) / math.sqrt(variance)
    return float(min(1.0, math.erfc(z / math.sqrt(2))))
