"""Key findings: the facts behind the executive summary's sentences.

A finding is emitted only when its difference is significant (after
Benjamini-Hochberg where several tests are run) and material (thresholds in
``findings:`` of the config). Each carries the numbers its sentence needs;
templates write the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

import numpy as np
import pandas as pd

from ..config import Findings
from .sla.kpis import Kpi
from .sla.summary import HourBreach, SlaSummary
from .core.stats import benjamini_hochberg, two_proportion_p
from .drivers.frame import is_coded, is_pooled


class FindingKind(StrEnum):
    """The kinds of finding; the value is the ``kind`` written into the context."""

    COVERAGE_GAP = "coverage_gap"
    PRIORITY_BREACH = "priority_breach"
    OPEN_BREACHED = "open_breached"
    ESCALATION_BOTTLENECK = "escalation_bottleneck"
    SEGMENT_BREACH = "segment_breach"
    SEGMENT_DURATION = "segment_duration"
    CUSTOMER_SILENCE = "customer_silence"
    ACCOUNT_CONCENTRATION = "account_concentration"
    KPI_CHANGE = "kpi_change"
    STEP_CHANGE = "step_change"


Ci = tuple[float | None, float | None]      # a 95% interval: [low, high]


class Withheld(StrEnum):
    """Why a finding does not headline the summary."""

    CODED_LABEL = "coded_label"      # it names a segment by a code or a bare number
    POOLED = "pooled"                # it names the bucket small segments are pooled into


def withheld_for(*labels: str | None) -> Withheld | None:
    """The reason a finding naming these segments may not headline the summary, or None when it may."""
    if any(is_pooled(label) for label in labels):
        return Withheld.POOLED
    if any(is_coded(label) for label in labels):
        return Withheld.CODED_LABEL
    return None


@dataclass(frozen=True)
class CoverageGapFacts:
    """Hours of the day whose first-response breach rate is significantly and materially above the rest."""

    KIND: ClassVar = FindingKind.COVERAGE_GAP
    PAGE: ClassVar = "sla"
    CHART: ClassVar = "first_response_by_hour"
    hours: list[int]
    hour_ranges: list[str]                   # ["18:00–22:00"]
    breach_rate_in_hours: float
    breach_rate_other_hours: float
    ratio: float | None
    tickets_in_hours: int
    max_adjusted_p: float


@dataclass(frozen=True)
class PriorityBreachFacts:
    """The priority that misses its resolution target most often, against the one that misses least."""

    KIND: ClassVar = FindingKind.PRIORITY_BREACH
    PAGE: ClassVar = "sla"
    CHART: ClassVar = "breach_by_priority"
    worst: str
    worst_rate: float
    worst_ci: Ci
    best: str
    best_rate: float
    ratio: float | None                      # None when the best priority never breaches
    p_value: float
    cramers_v: float | None


@dataclass(frozen=True)
class OpenBreachedFacts:
    """Open tickets already past their resolution target."""

    KIND: ClassVar = FindingKind.OPEN_BREACHED
    PAGE: ClassVar = "sla"
    CHART: ClassVar = "open_breached_by_priority"
    tickets: int
    open_tickets: int
    median_overdue_hours: float | None
    critical_or_high: int


@dataclass(frozen=True)
class KpiChangeFacts:
    """The KPI that moved most among those that changed significantly and materially."""

    KIND: ClassVar = FindingKind.KPI_CHANGE
    PAGE: ClassVar = "index"
    CHART: ClassVar = None
    kpi: str
    label: str
    unit: str
    value: float | None
    previous: float | None
    relative_change: float
    adjusted_p: float
    improved: bool


@dataclass(frozen=True)
class RunnerUp:
    """The second-slowest handoff."""

    from_label: str
    to_label: str
    median_wait_hours: float | None


@dataclass(frozen=True)
class EscalationBottleneckFacts:
    """The slowest handoff, when significantly and materially slower than the others (escalations page)."""

    KIND: ClassVar = FindingKind.ESCALATION_BOTTLENECK
    PAGE: ClassVar = "escalations"
    CHART: ClassVar = "handoff_matrix"
    from_role: str
    to_role: str
    from_label: str
    to_label: str
    median_wait_hours: float | None
    ci: Ci
    p90_wait_hours: float | None
    handoffs: int
    tickets: int
    share_of_escalated: float | None
    others_median_wait_hours: float | None
    ratio: float | None
    p_value: float | None
    total_wait_hours: float | None
    runner_up: RunnerUp | None


@dataclass(frozen=True)
class CustomerSilenceFacts:
    """Longer silences towards escalated customers go with lower CSAT (or more reopens)."""

    KIND: ClassVar = FindingKind.CUSTOMER_SILENCE
    PAGE: ClassVar = "escalations"
    CHART: ClassVar = "csat_by_silence"
    csat_points_per_doubling: float | None
    csat_ci: Ci | None
    csat_adjusted_p: float | None
    reopen_odds_ratio_per_doubling: float | None
    reopen_adjusted_p: float | None
    outcomes: list[str]                      # "csat", "reopened": the outcomes that get worse
    median_longest_silence_hours: float | None
    policy_hours: float | None
    policy_csat_change: float | None
    policy_csat_ci: Ci | None


@dataclass(frozen=True)
class SegmentBreachFacts:
    """A dimension whose resolution breach rates differ significantly and materially, worst vs best."""

    KIND: ClassVar = FindingKind.SEGMENT_BREACH
    PAGE: ClassVar = "drivers"
    CHART: ClassVar = "breach_by_segment"
    dimension: str
    dimension_label: str
    worst: str
    best: str
    worst_rate: float | None
    worst_ci: Ci
    best_rate: float | None
    ratio: float | None
    adjusted_p: float | None
    pair_adjusted_p: float | None
    cramers_v: float | None
    model_significant: bool | None           # the adjusted model's verdict on the dimension; None without a model
    model_adjusted_p: float | None
    model_worst: str | None
    model_best: str | None
    model_odds_ratio: float | None
    model_ci: Ci | None
    # the model's largest adjusted gap is between the same two segments as the χ² comparison: only then is its
    # odds ratio written in the finding's sentence (one comparison per sentence)
    model_same_pair: bool = False


@dataclass(frozen=True)
class SegmentDurationFacts:
    """A dimension whose time to resolution differs significantly and materially, slowest vs fastest."""

    KIND: ClassVar = FindingKind.SEGMENT_DURATION
    PAGE: ClassVar = "drivers"
    CHART: ClassVar = "resolution_by_segment"
    dimension: str
    dimension_label: str
    worst: str
    best: str
    worst_median_hours: float | None
    worst_ci: Ci
    best_median_hours: float | None
    ratio: float | None
    adjusted_p: float | None
    pair_adjusted_p: float | None


@dataclass(frozen=True)
class AccountConcentrationFacts:
    """An account whose share of tickets is significantly above the dominant-share threshold."""

    KIND: ClassVar = FindingKind.ACCOUNT_CONCENTRATION
    PAGE: ClassVar = "accounts"
    CHART: ClassVar = "top_accounts"
    account: str
    share: float
    ci: Ci
    tickets: int
    dominant_accounts: int
    threshold: float
    top_20pct_share: float | None
    gini: float | None
    accounts: int


@dataclass(frozen=True)
class StepChangeFacts:
    """Weekly volume or the weekly resolution breach rate moved to a new level in one week and stayed there
    (analysis/core/change_point.py: located with ruptures, tested over a trend with HAC errors, Bonferroni
    over the candidate weeks, and material)."""

    KIND: ClassVar = FindingKind.STEP_CHANGE
    PAGE: ClassVar = "trends"
    CHART: ClassVar = "weekly_volume_forecast"
    series: str                              # volume or resolution_breach
    week: str                                # Monday of the first week at the new level (YYYY-MM-DD)
    before: float                            # tickets a week, or the breach rate (share), before it
    after: float                             # ... from that week on
    relative_change: float | None
    weeks_before: int
    weeks_after: int
    adjusted_p: float
    per_year: float                          # tickets a year (volume) or breaches a year (breach rate) it changed
    fell: bool                               # the new level is lower


FindingFacts = (CoverageGapFacts | PriorityBreachFacts | OpenBreachedFacts | KpiChangeFacts | EscalationBottleneckFacts
                | CustomerSilenceFacts | SegmentBreachFacts | SegmentDurationFacts | AccountConcentrationFacts
                | StepChangeFacts)
FACTS: dict[FindingKind, type] = {cls.KIND: cls for cls in FindingFacts.__args__}


@dataclass(frozen=True)
class Finding:
    """One finding: its kind, the page and chart whose evidence backs it, and the facts its sentence needs
    (one dataclass per kind; templates/partials/findings/<kind>.j2 writes the sentence)."""

    kind: FindingKind
    page: str            # the page whose evidence backs it
    chart: str | None    # the chart id that shows it
    facts: FindingFacts
    # may it headline the summary? A finding that names a coded label ('Value 5', a bare number) or the pooled
    # "other" bucket stays on its page, with a note, but is not a key finding
    headline: bool = True
    withheld: Withheld | None = None     # why not, when headline is false

    @classmethod
    def of(cls, facts: FindingFacts, withheld: Withheld | None = None) -> Finding:
        return cls(facts.KIND, facts.PAGE, facts.CHART, facts, withheld is None, withheld)


def coverage_gap(hours: list[HourBreach], thresholds: Findings) -> Finding | None:
    """Hours whose first-response breach rate is significantly and materially above the rest."""
    events = np.array([h.first_response.events for h in hours])
    totals = np.array([h.first_response.n for h in hours])
    p_values, ratios = [], []
    for i in range(len(hours)):
        rest_events, rest_n = events.sum() - events[i], totals.sum() - totals[i]
        p_values.append(two_proportion_p(int(events[i]), int(totals[i]), int(rest_events), int(rest_n)))
        rate = events[i] / totals[i] if totals[i] else 0.0
        rest = rest_events / rest_n if rest_n else 0.0
        ratios.append(rate / rest if rest > 0 else (np.inf if rate > 0 else 1.0))
    adjusted = benjamini_hochberg(p_values)
    flagged = [h.hour for h, q, r in zip(hours, adjusted, ratios)
               if q is not None and q < thresholds.alpha and r >= thresholds.material_ratio]
    if not flagged:
        return None
    mask = np.isin(np.arange(24), flagged)
    inside = events[mask].sum() / max(1, totals[mask].sum())
    outside = events[~mask].sum() / max(1, totals[~mask].sum())
    return Finding.of(CoverageGapFacts(
        hours=flagged,
        hour_ranges=_ranges(flagged),
        breach_rate_in_hours=float(inside),
        breach_rate_other_hours=float(outside),
        ratio=float(inside / outside) if outside > 0 else None,
        tickets_in_hours=int(totals[mask].sum()),
        max_adjusted_p=float(max(q for h, q in zip(hours, adjusted) if h.hour in flagged)),
    ))


def _ranges(hours: list[int]) -> list[str]:
    """[18, 19, 20, 21] -> ['18:00–22:00']"""
    ranges, start = [], None
    for hour in sorted(hours) + [None]:
        if start is None:
            start = prev = hour
        elif hour is not None and hour == prev + 1:
            prev = hour
        else:
            ranges.append(f"{start:02d}:00–{(prev + 1) % 24:02d}:00")
            start = prev = hour
    return ranges


def priority_breach(sla: SlaSummary, thresholds: Findings) -> Finding | None:
    rated = [b for b in sla.by_priority if b.resolution.n > 0 and b.resolution.value is not None]
    if len(rated) < 2 or not sla.priorities_differ:   # the summary's decision, the one the SLA page shows
        return None
    worst = next(b for b in rated if b.priority == sla.worst_priority)
    best = min(rated, key=lambda b: b.resolution.value)
    if best.resolution.value == 0:
        ratio = None
    else:
        ratio = worst.resolution.value / best.resolution.value
        if ratio < thresholds.material_ratio:
            return None
    return Finding.of(PriorityBreachFacts(
        worst=worst.priority, worst_rate=worst.resolution.value,
        worst_ci=(worst.resolution.ci_low, worst.resolution.ci_high),
        best=best.priority, best_rate=best.resolution.value, ratio=ratio,
        p_value=sla.resolution_priority_p, cramers_v=sla.resolution_priority_cramers_v,
    ))


def open_breached(clocks: pd.DataFrame) -> Finding | None:
    breached = clocks[clocks["resolution_state"] == "active_breached"]
    if breached.empty:
        return None
    overdue_hours = (breached["open_minutes"] - breached["resolution_target_minutes"]) / 60
    by_priority = breached["priority"].value_counts()
    return Finding.of(OpenBreachedFacts(
        tickets=len(breached),
        open_tickets=int(clocks["open_minutes"].notna().sum()),
        median_overdue_hours=float(overdue_hours.median()),
        critical_or_high=int(by_priority.get("critical", 0) + by_priority.get("high", 0)),
    ))


def kpi_change(kpis: list[Kpi], thresholds: Findings) -> Finding | None:
    """The KPI that moved most (relative) among those that changed significantly and materially."""
    # significance is the KPIs' own decision (sla.kpis.with_significance), the one the tiles show
    moved = [k for k in kpis if k.significant and k.relative_change is not None
             and abs(k.relative_change) >= thresholds.material_change]
    if not moved:
        return None
    kpi = max(moved, key=lambda k: abs(k.relative_change))
    return Finding.of(KpiChangeFacts(
        kpi=kpi.id, label=kpi.label, unit=kpi.unit, value=kpi.value, previous=kpi.previous,
        relative_change=kpi.relative_change, adjusted_p=kpi.adjusted_p, improved=kpi.change_direction == "improved",
    ))


def key_findings(clocks: pd.DataFrame, sla: SlaSummary, hours: list[HourBreach], kpis: list[Kpi],
                 thresholds: Findings) -> list[Finding]:
    """All findings that pass their thresholds, most actionable first."""
    found = [coverage_gap(hours, thresholds), priority_breach(sla, thresholds), open_breached(clocks),
             kpi_change(kpis, thresholds)]
    return [f for f in found if f is not None]


# --- Segment diagnostics (issue 4) -------------------------------------------------------------

# Most actionable first: the order of FindingKind.
ORDER = tuple(FindingKind)
# Dimensions whose differences other findings already cover or that describe the work, not the request.
_NOT_A_SEGMENT_FINDING = {"priority", "group"}


def ranked(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: ORDER.index(f.kind))


def _segment_candidates(diagnostics, metric: str) -> list[tuple]:
    report = diagnostics.segments
    if report is None:
        return []
    out = []
    for dimension in report.dimensions:
        if dimension.id in _NOT_A_SEGMENT_FINDING:
            continue
        comparison = next(c for c in dimension.comparisons if c.metric == metric)
        if comparison.finding:
            out.append((dimension, comparison))
    return sorted(out, key=lambda item: -(item[1].ratio or np.inf))


def _segment(dimension, label: str):
    return next(s for s in dimension.segments if s.label == label)


def segment_breach(diagnostics, limit: int = 1) -> list[Finding]:
    """Dimensions whose resolution breach rates differ significantly and materially, worst vs best."""
    model = {e.dimension: e for e in diagnostics.model.dimensions} if diagnostics.model else {}
    found = []
    for dimension, c in _segment_candidates(diagnostics, "resolution_breach")[:limit]:
        worst, best = _segment(dimension, c.worst).resolution_breach, _segment(dimension, c.best).resolution_breach
        adjusted = model.get(dimension.id)
        found.append(Finding.of(SegmentBreachFacts(
            dimension=dimension.id, dimension_label=dimension.label, worst=c.worst, best=c.best,
            worst_rate=worst.value, worst_ci=(worst.ci_low, worst.ci_high), best_rate=best.value,
            ratio=c.ratio, adjusted_p=c.adjusted_p, pair_adjusted_p=c.pair_adjusted_p, cramers_v=c.effect_size,
            model_significant=adjusted.significant if adjusted else None,
            model_adjusted_p=adjusted.adjusted_p if adjusted else None,
            model_worst=adjusted.worst if adjusted else None, model_best=adjusted.best if adjusted else None,
            model_odds_ratio=adjusted.odds_ratio if adjusted else None,
            model_ci=(adjusted.ci_low, adjusted.ci_high) if adjusted else None,
            model_same_pair=bool(adjusted and (adjusted.worst, adjusted.best) == (c.worst, c.best)),
        ), withheld_for(c.worst, c.best)))
    return found


def segment_duration(diagnostics, limit: int = 1, cited: set[str] = frozenset()) -> list[Finding]:
    """Dimensions whose time to resolution differs significantly and materially (log-rank), slowest vs fastest;
    dimensions another finding already cites come last."""
    found = []
    candidates = sorted(_segment_candidates(diagnostics, "resolution"), key=lambda item: item[0].id in cited)
    for dimension, c in candidates[:limit]:
        worst, best = _segment(dimension, c.worst).resolution, _segment(dimension, c.best).resolution
        found.append(Finding.of(SegmentDurationFacts(
            dimension=dimension.id, dimension_label=dimension.label, worst=c.worst, best=c.best,
            worst_median_hours=worst.value, worst_ci=(worst.ci_low, worst.ci_high),
            best_median_hours=best.value, ratio=c.ratio, adjusted_p=c.adjusted_p,
            pair_adjusted_p=c.pair_adjusted_p,
        ), withheld_for(c.worst, c.best)))
    return found


def account_concentration(diagnostics) -> Finding | None:
    """Accounts whose share of tickets is significantly above the dominant-share threshold."""
    if diagnostics.accounts is None or not diagnostics.accounts.concentration.dominant:
        return None
    c = diagnostics.accounts.concentration
    top = c.dominant[0]
    return Finding.of(AccountConcentrationFacts(
        account=top["account"], share=top["share"], ci=(top["ci_low"], top["ci_high"]), tickets=top["tickets"],
        dominant_accounts=len(c.dominant), threshold=c.dominant_threshold, top_20pct_share=c.top_20pct_share,
        gini=c.gini, accounts=c.accounts,
    ), Withheld.CODED_LABEL if is_coded(top["account"]) else None)


def step_changes(diagnostics) -> list[Finding]:
    """Step changes in weekly volume or breach rate that are significant and material (trends page)."""
    if diagnostics.trends is None:
        return []
    return [Finding.of(StepChangeFacts(
        series=s.series, week=s.week, before=s.before, after=s.after, relative_change=s.relative_change,
        weeks_before=s.weeks_before, weeks_after=s.weeks_after, adjusted_p=s.adjusted_p, per_year=s.per_year, fell=s.after < s.before,
    )) for s in diagnostics.trends.steps if s.significant and s.material]


def diagnostic_findings(diagnostics) -> list[Finding]:
    """Findings of the drivers, accounts and trends pages; every one has passed its family's tests already."""
    breach = segment_breach(diagnostics)
    found = breach + segment_duration(diagnostics, cited={f.facts.dimension for f in breach})
    concentration = account_concentration(diagnostics)
    return found + ([concentration] if concentration else []) + step_changes(diagnostics)
