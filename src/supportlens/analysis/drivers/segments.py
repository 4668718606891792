"""Where do we breach? Every segment of every dimension, compared with honest statistics.

Per segment: volume, resolution and first-response breach rates (Wilson), the
median first response (order-statistic interval), the Kaplan-Meier median time to
resolution (open tickets censored at the as-of time) and mean CSAT (bootstrap).

A *family* is one dimension compared on one metric. Its omnibus test is a
chi-square (Cramér's V) for breach rates, Kruskal-Wallis (epsilon squared) for
first response and CSAT, and the log-rank test for time to resolution (the
censoring-aware counterpart of Kruskal-Wallis: open tickets are not dropped).
Omnibus p-values are adjusted with Benjamini-Hochberg across the dimensions of
each metric; only a family that is significant after adjustment gets pairwise
tests (two-proportion chi-square, Mann-Whitney, two-sample log-rank), adjusted
across its pairs: every pair when at most 8 segments qualify, otherwise each
segment against the best one (many-to-one, so an hour-of-day family runs 23
tests, not 276). A family is written up as a finding only when it is
significant, its worst-to-best ratio is material, and the worst-vs-best pair is
itself significant after adjustment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from ...config import Findings
from .frame import DimensionSpec, Window, dimension_codes
from ..core.breach import breached_mask, completed_mask
from ..core.extremes import highest
from ..core.stats import (Estimate, Rate, benjamini_hochberg, bootstrap, chi_square, duration_ranks, kaplan_meier, kruskal_wallis, logrank, logrank_pair, mann_whitney_sorted, RankCounts, rank_counts, median_interval, two_proportion_p, wilson)

ALL_PAIRS_UP_TO = 8   # segments; beyond, each segment is compared with the best one only
# metric id -> (label, unit, test); breach rates and durations: higher is worse; CSAT: lower is worse
METRICS = {
    "resolution_breach": ("Resolution SLA breach rate", "share", "chi-square"),
    "first_response_breach": ("First-response SLA breach rate", "share", "chi-square"),
    "first_response": ("Median first response", "minutes", "Kruskal–Wallis"),
    "resolution": ("Median time to resolution", "hours", "log-rank"),
    "csat": ("Mean CSAT", "score", "Kruskal–Wallis"),
}


@dataclass(frozen=True)
class Segment:
    """One segment of a dimension. Durations: first response in minutes, resolution in hours."""

    label: str
    tickets: int
    share: Rate                       # of the window's tickets, Wilson interval
    open_tickets: int
    resolution_breach: Rate           # breached / completed resolution SLAs
    first_response_breach: Rate       # breached / completed first-response SLAs
    first_response: Estimate          # median minutes, order-statistic 95% CI
    resolution: Estimate              # Kaplan-Meier median hours, 95% CI; open tickets censored
    csat: Estimate                    # mean score 1-5, bootstrap 95% CI


@dataclass(frozen=True)
class Pair:
    worse: str
    better: str
    ratio: float | None               # worse / better (better / worse for CSAT), >= 1
    adjusted_p: float | None          # Benjamini-Hochberg across the family's pairs


@dataclass(frozen=True)
class Comparison:
    """One family: the segments of one dimension compared on one metric."""

    metric: str
    test: str
    statistic: float | None
    p_value: float | None
    adjusted_p: float | None          # Benjamini-Hochberg across the dimensions of this metric
    effect_size: float | None         # Cramér's V (rates), epsilon squared (Kruskal-Wallis), None (log-rank)
    effect_size_name: str | None
    worst: str | None                 # among segments with at least min_tickets measured
    best: str | None
    worst_value: float | None
    best_value: float | None
    ratio: float | None               # worst / best (best / worst for CSAT), >= 1
    pair_adjusted_p: float | None     # worst vs best
    pairs_scheme: str | None          # "all pairs" or "each vs best" (None: not tested)
    pairs_tested: int
    pairs_significant: int
    worse_than_best: list[str]        # segments significantly worse than the best one
    top_pairs: list[Pair]             # significant pairs, largest ratio first (at most 10)
    significant: bool                 # adjusted omnibus p < alpha
    material: bool                    # ratio >= material_ratio
    finding: bool                     # significant, material and worst vs best significant
    # the segments are judged against targets of their own (each priority's SLA): their breach rates say how often each
    # misses its own target, and a ratio of them ("High breaches 9× as often as Low") compares unlike things
    own_targets: bool = False


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    source: str
    pooled_tickets: int
    segments: list[Segment]
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass
class _Samples:
    """What the tests of one dimension need, per segment (internal)."""

    rates: dict[str, tuple[np.ndarray, np.ndarray]]                # metric -> (events, n) per segment
    first_response: list[np.ndarray]                                # sorted, NaNs removed
    csat: list[np.ndarray]                                          # sorted, NaNs removed
    durations: np.ndarray                                           # resolution hours, censored at as-of
    observed: np.ndarray
    codes: np.ndarray                                               # segment index per ticket
    durations_by_segment: list[np.ndarray]
    observed_by_segment: list[np.ndarray]
    ranks: np.ndarray                                               # duration_ranks of durations (over the window)
    ranks_by_segment: list[np.ndarray]
    counted: dict[int, RankCounts] = field(default_factory=dict)

    def rank_counts(self, i: int) -> RankCounts:
        """Segment i's durations as ``logrank_pair`` reads them (counted once, for every pair it is in)."""
        if i not in self.counted:
            self.counted[i] = rank_counts(self.ranks_by_segment[i], self.observed_by_segment[i])
        return self.counted[i]


def _codes(frame: pd.DataFrame, spec: DimensionSpec) -> np.ndarray:
    return dimension_codes(frame, spec)


@dataclass(frozen=True)
class TicketArrays:
    """Per-ticket values of the window the tests need, extracted once (internal)."""

    breached: dict[str, np.ndarray]     # metric -> bool, completed and breached
    completed: dict[str, np.ndarray]    # metric -> bool, SLA completed
    first_response: np.ndarray          # minutes, NaN when not answered
    csat: np.ndarray                    # 1-5, NaN when not rated
    durations: np.ndarray               # resolution hours; age at as-of for open tickets
    observed: np.ndarray                # resolved


def ticket_arrays(window: pd.DataFrame) -> TicketArrays:
    breached, completed = {}, {}
    for metric, column in (("resolution_breach", "resolution_state"), ("first_response_breach", "first_response_state")):
        breached[metric], completed[metric] = breached_mask(window[column]), completed_mask(window[column])
    observed = window["resolution_minutes"].notna().to_numpy()
    durations = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float, na_value=np.nan) / 60.0
    csat = window["csat"].to_numpy(dtype=float, na_value=np.nan) if "csat" in window else np.full(len(window), np.nan)
    return TicketArrays(breached, completed, window["first_response_minutes"].to_numpy(dtype=float, na_value=np.nan), csat,
                        durations, observed)


def describe_dimension(arrays: TicketArrays, frame: pd.DataFrame, spec: DimensionSpec, seed: int,
                       ranks: np.ndarray | None = None) -> tuple[Dimension, _Samples]:
    """A dimension's segments and what its tests need (``ranks``: ``duration_ranks(arrays.durations)``, ranked once for
    every dimension's log-rank tests)."""
    codes = _codes(frame, spec)
    k = len(spec.levels)
    total = len(codes)
    tickets = np.bincount(codes, minlength=k)
    rates = {metric: (np.bincount(codes, weights=arrays.breached[metric], minlength=k).astype(int),
                      np.bincount(codes, weights=arrays.completed[metric], minlength=k).astype(int))
             for metric in arrays.breached}
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(k + 1))

    def split(values: np.ndarray) -> list[np.ndarray]:
        ordered = values[order]
        return [ordered[bounds[i]:bounds[i + 1]] for i in range(k)]

    first = [np.sort(x[~np.isnan(x)]) for x in split(arrays.first_response)]
    csat = [np.sort(x[~np.isnan(x)]) for x in split(arrays.csat)]
    durations, observed = arrays.durations, arrays.observed
    dur_split, obs_split = split(durations), split(observed)
    segments = []
    for i, label in enumerate(spec.levels):
        km = kaplan_meier(dur_split[i], obs_split[i])
        csat_values = csat[i]
        segments.append(Segment(
            label=label, tickets=int(tickets[i]), share=wilson(int(tickets[i]), total),
            open_tickets=int((~obs_split[i]).sum()),
            resolution_breach=wilson(int(rates["resolution_breach"][0][i]), int(rates["resolution_breach"][1][i])),
            first_response_breach=wilson(int(rates["first_response_breach"][0][i]), int(rates["first_response_breach"][1][i])),
            first_response=median_interval(first[i]),
            resolution=Estimate(km.median, km.median_ci_low, km.median_ci_high, km.n),
            csat=bootstrap(csat_values, "mean", seed=seed + i) if len(csat_values) else Estimate(None, None, None, 0),
        ))
    ranks = duration_ranks(durations) if ranks is None else ranks
    samples = _Samples(rates, first, csat, durations, observed, codes, dur_split, obs_split, ranks, split(ranks))
    return Dimension(spec.id, spec.label, spec.source, spec.pooled_tickets, segments), samples


def _value(segment: Segment, metric: str) -> tuple[float | None, int]:
    """The segment's value of a metric and the sample it rests on."""
    item = getattr(segment, metric)
    return item.value, item.n


def omnibus(samples: _Samples, metric: str) -> tuple[float | None, float | None, float | None, str | None]:
    """(statistic, p-value, effect size, effect size name) of a family's omnibus test."""
    if metric in samples.rates:
        events, n = samples.rates[metric]
        p, v = chi_square(events, n)
        return None, p, v, "Cramér's V"
    if metric == "resolution":
        stat, _, p = logrank(samples.durations, samples.observed, samples.codes, samples.ranks)
        return stat, p, None, None
    groups = samples.first_response if metric == "first_response" else samples.csat
    h, p, eps = kruskal_wallis(groups)
    return h, p, eps, "epsilon²"


def _pair_p(samples: _Samples, metric: str, i: int, j: int) -> float | None:
    if metric in samples.rates:
        events, n = samples.rates[metric]
        return two_proportion_p(int(events[i]), int(n[i]), int(events[j]), int(n[j]))
    if metric == "resolution":
        return logrank_pair(samples.rank_counts(i), samples.rank_counts(j))[2]
    groups = samples.first_response if metric == "first_response" else samples.csat
    return mann_whitney_sorted(groups[i], groups[j])


def compare(dimension: Dimension, samples: _Samples, metric: str, test: tuple, adjusted_p: float | None,
            thresholds: Findings, min_n: int) -> Comparison:
    """Worst and best segments, and pairwise tests when the family is significant."""
    statistic, p_value, effect, effect_name = test
    higher_is_worse = metric != "csat"
    eligible = []
    for i, segment in enumerate(dimension.segments):
        value, n = _value(segment, metric)
        if value is not None and n >= min_n:
            eligible.append((i, value))
    significant = adjusted_p is not None and adjusted_p < thresholds.alpha
    if len(eligible) < 2:
        return Comparison(metric, METRICS[metric][2], statistic, p_value, adjusted_p, effect, effect_name,
                          None, None, None, None, None, None, None, 0, 0, [], [], significant, False, False)
    ranked = sorted(eligible, key=lambda item: item[1], reverse=higher_is_worse)
    (w, worst), (b, best) = ranked[0], ranked[-1]

    def ratio(bad: float, good: float) -> float | None:
        num, den = (bad, good) if higher_is_worse else (good, bad)
        return num / den if den > 0 else None

    pairs: list[tuple[int, int, float | None]] = []
    scheme = None
    if significant:
        scheme = "all pairs" if len(eligible) <= ALL_PAIRS_UP_TO else "each vs best"
        candidates = (combinations(eligible, 2) if scheme == "all pairs"
                      else [(item, ranked[-1]) for item in eligible if item[0] != b])
        for (i, vi), (j, vj) in candidates:
            bad, good = ((i, j) if (vi >= vj) == higher_is_worse else (j, i))
            pairs.append((bad, good, _pair_p(samples, metric, i, j)))
    adjusted = benjamini_hochberg([p for _, _, p in pairs])
    values = dict(eligible)
    tested = [Pair(dimension.segments[bad].label, dimension.segments[good].label,
                   ratio(values[bad], values[good]), q) for (bad, good, _), q in zip(pairs, adjusted)]
    hits = [pair for pair in tested if pair.adjusted_p is not None and pair.adjusted_p < thresholds.alpha]
    best_label, worst_label = dimension.segments[b].label, dimension.segments[w].label
    pair_q = next((pair.adjusted_p for pair in tested if {pair.worse, pair.better} == {worst_label, best_label}), None)
    rat = ratio(worst, best)
    material = (rat is None and worst != best) or (rat is not None and rat >= thresholds.material_ratio)
    return Comparison(
        metric=metric, test=METRICS[metric][2], statistic=statistic, p_value=p_value, adjusted_p=adjusted_p,
        effect_size=effect, effect_size_name=effect_name, worst=worst_label, best=best_label,
        worst_value=worst, best_value=best, ratio=rat, pair_adjusted_p=pair_q, pairs_scheme=scheme, pairs_tested=len(tested),
        pairs_significant=len(hits),
        worse_than_best=[pair.worse for pair in hits if pair.better == best_label],
        top_pairs=sorted(hits, key=lambda pair: -(pair.ratio or np.inf))[:10],
        significant=significant, material=bool(material),
        finding=bool(significant and material and pair_q is not None and pair_q < thresholds.alpha),
        own_targets=dimension.id == "priority" and metric in ("resolution_breach", "first_response_breach"),
    )


@dataclass(frozen=True)
class MetricSummary:
    """Per metric, the dimensions (ids) whose families differ, differ only weakly, or show no clear difference."""

    metric: str
    label: str
    differs: list[str]                # significant, material and worst vs best significant
    weak: list[str]                   # significant but not material, or worst vs best not confirmed
    no_difference: list[str]          # not significant after adjustment
    untested: list[str]               # no test possible: no data, or every value the same (no breach at all)
    # what the drivers charts' sentences name, decided here (dimension ids)
    strongest: list[str] = field(default_factory=list)   # the STRONGEST_SHOWN significant families with the largest
                                                         # effect size, largest first (dimension order on a tie)
    largest_gap: str | None = None    # of the families that differ: the largest worst/best ratio (no ratio counts as
                                      # largest), leaving out group and priority when another dimension differs
    largest_gap_beyond_priority_and_team: bool = False   # ... and another dimension did


STRONGEST_SHOWN = 2
SELF_EXPLAINED = ("group", "priority")   # the team and the priority explain themselves (escalation, targets)


def metric_picks(families: list[tuple[str, "Comparison"]]) -> dict:
    """The strongest families and the largest clear gap of one metric (``families``: dimension id and comparison, in
    dimension order)."""
    significant = [(i, c) for i, c in families if c.significant]
    strongest = sorted(significant, key=lambda ic: -(ic[1].effect_size or 0))[:STRONGEST_SHOWN]
    found = [(i, c) for i, c in families if c.finding]
    beyond = [(i, c) for i, c in found if i not in SELF_EXPLAINED]
    pool = beyond or found
    gap = pool[highest(pool, lambda ic: ic[1].ratio if ic[1].ratio is not None else math.inf)][0] if pool else None
    return {"strongest": [i for i, _ in strongest], "largest_gap": gap, "largest_gap_beyond_priority_and_team": bool(beyond)}


@dataclass(frozen=True)
class SegmentReport:
    """Every dimension of the diagnostics window, its families and what could not be compared."""

    window: str
    window_kind: str
    tickets: int
    dimensions: list[Dimension]
    summary: list[MetricSummary]
    unavailable: list[dict]           # {"dimension", "reason"}
    alpha: float
    material_ratio: float
    min_tickets: int


def segment_report(window: pd.DataFrame, frame: pd.DataFrame, specs: list[DimensionSpec], unavailable: list[dict],
                   span: Window, thresholds: Findings, min_tickets: int, seed: int) -> SegmentReport:
    arrays = ticket_arrays(window)
    ranks = duration_ranks(arrays.durations)
    described = [describe_dimension(arrays, frame, spec, seed, ranks) for spec in specs]
    tests = {metric: [omnibus(samples, metric) for _, samples in described] for metric in METRICS}
    adjusted = {metric: benjamini_hochberg([t[1] for t in tests[metric]]) for metric in METRICS}
    dimensions = []
    for d, (dimension, samples) in enumerate(described):
        comparisons = [compare(dimension, samples, metric, tests[metric][d], adjusted[metric][d], thresholds, min_tickets)
                       for metric in METRICS]
        dimensions.append(Dimension(dimension.id, dimension.label, dimension.source, dimension.pooled_tickets,
                                    dimension.segments, comparisons))
    summary = []
    for metric, (label, _, _) in METRICS.items():
        families = [(d.id, next(c for c in d.comparisons if c.metric == metric)) for d in dimensions]
        summary.append(MetricSummary(metric, label, [i for i, c in families if c.finding],
                                     [i for i, c in families if c.significant and not c.finding],
                                     [i for i, c in families if not c.significant and c.p_value is not None],
                                     [i for i, c in families if c.p_value is None], **metric_picks(families)))
    return SegmentReport(span.label, span.kind, len(window), dimensions, summary, unavailable, thresholds.alpha,
                         thresholds.material_ratio, min_tickets)
