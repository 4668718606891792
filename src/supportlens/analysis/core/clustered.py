"""Tests that respect clustering: tickets of one account, or created on one busy day, are not independent.

A χ² test that treats 5,000 tickets as 5,000 independent draws is far too sure of itself when a few
accounts raise most of them and a backlog on one day makes every ticket of that day late: its p-values
are too small and differences that chance made look significant. These tests compare means (a rate is
the mean of a 0/1 outcome) with a cluster-robust variance (a Wald test): the tickets' deviations from
their group's mean are summed within each cluster first, so a cluster counts once, however many tickets
it holds. With two ways of clustering
(account and day of creation) the variance is the two-way estimator of Cameron, Gelbach and Miller
(2011): by account, plus by day, minus by account and day together; when that is not positive definite
it falls back to the larger one-way variance (their advice). No group mean is given less variance than
independent tickets would have.

The variance of each one-way term carries the usual small-sample factor G / (G - 1) for G clusters.
Every function takes plain arrays and returns plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sstats


def cluster_codes(*keys: np.ndarray) -> list[np.ndarray]:
    """Integer codes of each clustering (e.g. account ids, creation days) and of all of them together.
    A missing key (None, NaN, empty, NaT) makes the ticket a cluster of its own. Codes follow the keys' order as
    text; days (datetime64[D]) are coded as their ISO dates would be, without writing them out."""
    coded = []
    n = len(keys[0]) if keys else 0
    for key in keys:
        if np.asarray(key).dtype.kind == "M":
            # dates (datetime64[D]): in the order of their ISO text, as days; NaT (the smallest, as "" is) first
            days = np.asarray(key, dtype="datetime64[D]")
            missing = np.isnat(days)
            codes, _ = pd.factorize(days.view(np.int64), sort=True)
            codes = codes.astype(np.int64)
        else:
            values = np.asarray(key, dtype=object)
            text = values.astype(str)
            missing = np.asarray(pd.isna(values), dtype=bool) | (text == "")
            # codes in the sorted order of the keys as text (np.unique's), found by hashing, not by sorting them all
            codes, _ = pd.factorize(np.where(missing, "", text), sort=True)
            codes = codes.astype(np.int64)
        codes[missing] = codes.max(initial=-1) + 1 + np.arange(int(missing.sum()))
        coded.append(codes)
    if len(coded) > 1:
        combined = np.zeros(n, dtype=np.int64)
        for codes in coded:
            combined = combined * (int(codes.max(initial=0)) + 1) + codes
        coded.append(np.unique(combined, return_inverse=True)[1].astype(np.int64))
    return coded


def _one_way(scores: np.ndarray | _GroupScores, clusters: np.ndarray) -> np.ndarray:
    """Sum over clusters of the outer products of the scores' cluster sums, times G / (G - 1)."""
    k = scores.k if isinstance(scores, _GroupScores) else scores.shape[1]
    clusters = np.asarray(clusters)
    if clusters.dtype.kind in "iu" and len(clusters) and clusters.min() >= 0:
        # the clusters present, numbered in order (as np.unique's inverse), without sorting the tickets
        present = np.bincount(clusters) > 0
        clusters = (np.cumsum(present) - 1)[clusters]
        g = int(present.sum())
    else:
        codes, clusters = np.unique(clusters, return_inverse=True)
        g = len(codes)
    if isinstance(scores, _GroupScores):
        # each ticket's one non-zero score, summed per (cluster, group) cell: the same sums in the same order
        sums = np.bincount(clusters * k + scores.groups, weights=scores.values, minlength=g * k).reshape(g, k)
    else:
        sums = np.zeros((g, k))
        for j in range(k):
            sums[:, j] = np.bincount(clusters, weights=scores[:, j], minlength=g)
    factor = g / (g - 1) if g > 1 else 1.0
    return factor * sums.T @ sums


@dataclass(frozen=True)
class _GroupScores:
    """Scores (n tickets x k) with one non-zero per ticket, in its group's column: kept as that value and group."""

    values: np.ndarray
    groups: np.ndarray
    k: int


def robust_covariance(scores: np.ndarray | _GroupScores, clusterings: list[np.ndarray]) -> np.ndarray:
    """Covariance of sum(scores) (n tickets x k) under one clustering, or two and their intersection
    (``cluster_codes`` of two keys returns three arrays: the two-way estimator)."""
    if not isinstance(scores, _GroupScores):
        scores = np.asarray(scores, dtype=float).reshape(len(scores), -1)
    if len(clusterings) == 1:
        return _one_way(scores, clusterings[0])
    if len(clusterings) != 3:
        raise ValueError("pass one clustering, or two and their intersection (cluster_codes)")
    a, b, both = (_one_way(scores, c) for c in clusterings)
    return a + b - both


def _group_scores(values: np.ndarray, groups: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, _GroupScores]:
    """Means per group, counts, and each ticket's influence on its group's mean (n x k, non-zero only in its
    group's column): its deviation from the group's mean over the group's count."""
    counts = np.bincount(groups, minlength=k).astype(float)
    sums = np.bincount(groups, weights=values, minlength=k)
    means = np.divide(sums, counts, out=np.full(k, np.nan), where=counts > 0)
    return means, counts, _GroupScores((values - means[groups]) / counts[groups], groups, k)


def _covariance(values: np.ndarray, counts: np.ndarray, scores: np.ndarray, clusterings: list[np.ndarray]) -> np.ndarray:
    """Cluster-robust covariance of the group means, each mean's variance at least what independent tickets
    would give (the variance of all values over the group's count): a small group whose tickets all came out
    alike would otherwise have no variance at all, and any difference from it would look infinitely sure."""
    covariance = robust_covariance(scores, clusterings)
    if len(clusterings) == 3 and np.linalg.eigvalsh(covariance).min() <= 0:
        ways = [robust_covariance(scores, [c]) for c in clusterings[:2]]
        covariance = max(ways, key=lambda v: float(np.trace(v)))
    floor = values.var() / counts
    diagonal = np.diag(covariance)
    return covariance + np.diag(np.maximum(floor - diagonal, 0.0))


def equal_means_p(values: np.ndarray, groups: np.ndarray, clusterings: list[np.ndarray]) -> float | None:
    """p-value of the Wald test that every group has the same mean (χ² with k - 1 degrees of freedom),
    the variance cluster-robust. ``groups``: integer codes 0..k-1; NaN values are left out. None when
    fewer than two groups have tickets or the outcome never varies."""
    values = np.asarray(values, dtype=float)
    keep = ~np.isnan(values) & (np.asarray(groups) >= 0)
    values, groups = values[keep], np.asarray(groups)[keep].astype(np.int64)
    clusterings = [np.asarray(c)[keep] for c in clusterings]
    present = np.flatnonzero(np.bincount(groups))      # the groups with tickets, ascending (np.unique's)
    if len(present) < 2 or np.ptp(values) == 0:
        return None
    groups = np.searchsorted(present, groups)
    k = len(present)
    means, counts, scores = _group_scores(values, groups, k)
    contrast = np.hstack([np.eye(k - 1), -np.ones((k - 1, 1))])
    difference = contrast @ means
    covariance = contrast @ _covariance(values, counts, scores, clusterings) @ contrast.T
    statistic = float(difference @ np.linalg.pinv(covariance) @ difference)
    rank = int(np.linalg.matrix_rank(covariance))
    if rank == 0:
        return None
    return float(sstats.chi2.sf(statistic, rank))


def difference_p(values: np.ndarray, in_group: np.ndarray, clusterings: list[np.ndarray],
                 alternative: str = "two-sided") -> float | None:
    """p-value of the z-test that the mean of ``values`` inside ``in_group`` equals the mean outside it,
    cluster-robust; ``alternative`` "greater" asks whether the inside is higher. NaN values are left out."""
    groups = np.where(np.asarray(in_group, dtype=bool), 0, 1)
    values = np.asarray(values, dtype=float)
    keep = ~np.isnan(values)
    values, groups = values[keep], groups[keep]
    clusterings = [np.asarray(c)[keep] for c in clusterings]
    if len(groups) == 0 or groups.min() == groups.max() or np.ptp(values) == 0:     # one group only
        return None
    means, counts, scores = _group_scores(values, groups, 2)
    contrast = np.array([1.0, -1.0])
    variance = float(contrast @ _covariance(values, counts, scores, clusterings) @ contrast)
    return _z_p(means[0] - means[1], variance, alternative)


def mean_above_p(values: np.ndarray, reference: float, clusterings: list[np.ndarray]) -> float | None:
    """One-sided p-value of the z-test that the mean of ``values`` is above ``reference`` (e.g. a breach
    rate above its goal), cluster-robust; None when every value is the same."""
    values = np.asarray(values, dtype=float)
    keep = ~np.isnan(values)
    values = values[keep]
    clusterings = [np.asarray(c)[keep] for c in clusterings]
    if len(values) < 2 or np.ptp(values) == 0:
        return None
    scores = ((values - values.mean()) / len(values)).reshape(-1, 1)
    variance = float(_covariance(values, np.array([float(len(values))]), scores, clusterings)[0, 0])
    return _z_p(values.mean() - reference, variance, "greater")


def _z_p(difference: float, variance: float, alternative: str) -> float | None:
    if not np.isfinite(difference):
        return None
    if variance <= 0:
        return 1.0 if difference == 0 or (alternative == "greater" and difference < 0) else 0.0
    z = difference / math.sqrt(variance)
    if alternative == "greater":
        return float(sstats.norm.sf(z))
    return float(math.erfc(abs(z) / math.sqrt(2)))


def above_median(durations: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """1 when a duration is longer than the pooled Kaplan-Meier median, 0 when not, NaN when unknown: an
    open ticket younger than the median may still end on either side (the median test, censoring-aware)."""
    from .stats import kaplan_meier

    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    median = kaplan_meier(durations, observed).median
    if median is None:
        return np.full(len(durations), np.nan)
    out = np.where(durations > median, 1.0, 0.0)
    out[(~observed & (durations <= median)) | np.isnan(durations)] = np.nan
    return out


def holm(p_values: list[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values (at most a share alpha of reports with any false claim, under any
    dependence between the tests); None stays None."""
    present = [(p, i) for i, p in enumerate(p_values) if p is not None]
    adjusted: list[float | None] = [None] * len(p_values)
    m = len(present)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(present)):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
