"""Key findings: the facts behind the executive summary's sentences.

A finding is emitted only when its claim passes the report-level test (``core/claims.py``: every claim a key
finding could make, cluster-robust tests, Holm across all of them) and is material (thresholds in
``findings:`` of the config). Each carries the numbers its sentence needs and its impact (breaches, hours
or tickets a year, and that amount's share of all of them): the summary ranks findings by impact, not by
kind. Templates write the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar

import numpy as np
import pandas as pd

from ..config import Findings
from .core.claims import ClaimKind, ReportTests
from .sla.kpis import Kpi
from .sla.summary import HourBreach, SlaSummary
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
class PriorityInversionFacts:
    """A priority with a looser target that breaches more often than one with a tighter target."""

    tighter: str
    tighter_target_hours: float
    tighter_rate: float
    adjusted_p: float | None                  # report-level (Holm), one-sided


@dataclass(frozen=True)
class PriorityBreachFacts:
    """The priority furthest above the breach-rate goal, against its own resolution target (never a ratio
    of rates across different targets), and whether a priority with a tighter target breaches less."""

    KIND: ClassVar = FindingKind.PRIORITY_BREACH
    PAGE: ClassVar = "sla"
    CHART: ClassVar = "breach_by_priority"
    priority: str
    target_hours: float                       # its resolution target
    rate: float                               # breached / completed resolution SLAs
    ci: Ci
    completed: int
    goal: float | None                        # the resolution breach-rate goal (targets.resolution_breach_rate)
    adjusted_p: float | None                  # rate above the goal: report-level (Holm), one-sided
    inversion: PriorityInversionFacts | None  # a tighter-target priority that breaches less, when significant


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
    adjusted_p: float | None                 # the dimension's claim at report level (core/claims.py: Holm, cluster-robust)
    pair_adjusted_p: float | None            # worst vs best, cluster-robust (a second check at alpha)
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
    adjusted_p: float | None                 # the dimension's claim at report level (mean log hours; Holm)
    pair_adjusted_p: float | None            # worst vs best, cluster-robust (a second check at alpha)


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
class Impact:
    """What a finding weighs a year: the amount it accounts for and that amount's share of all of it (the
    summary's ranking key). Breaches: SLA breaches beyond the comparison (the other hours, the goal, the best
    segment); hours: customer hours beyond it; tickets: tickets a year (a dominant account, a moved rate)."""

    amount_per_year: float
    unit: str            # breaches, hours, tickets
    share: float         # of all the breaches (hours, tickets) of the same measure a year, 0-1


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
    impact: Impact | None = None         # what it weighs a year; the summary ranks by impact.share
    on_summary: bool = False             # among the summary's headline findings (the analysis decides how many)

    @classmethod
    def of(cls, facts: FindingFacts, withheld: Withheld | None = None, impact: Impact | None = None) -> Finding:
        return cls(facts.KIND, facts.PAGE, facts.CHART, facts, withheld is None, withheld, impact)


YEAR_DAYS = 365.25


def _share(amount: float, total: float) -> float:
    return float(min(1.0, max(0.0, amount / total))) if total > 0 else 0.0


def coverage_gap(hours: list[HourBreach], thresholds: Findings, tests: ReportTests, days: float) -> Finding | None:
    """Hours whose first-response breach rate is significantly (report level) and materially above the rest."""
    events = np.array([h.first_response.events for h in hours])
    totals = np.array([h.first_response.n for h in hours])
    flagged = []
    for i, h in enumerate(hours):
        rest_events, rest_n = events.sum() - events[i], totals.sum() - totals[i]
        rate = events[i] / totals[i] if totals[i] else 0.0
        rest = rest_events / rest_n if rest_n else 0.0
        ratio = rate / rest if rest > 0 else (np.inf if rate > 0 else 1.0)
        if tests.passes(ClaimKind.COVERAGE_GAP, str(h.hour)) and ratio >= thresholds.material_ratio:
            flagged.append(h.hour)
    if not flagged:
        return None
    mask = np.isin([h.hour for h in hours], flagged)
    inside = events[mask].sum() / max(1, totals[mask].sum())
    outside = events[~mask].sum() / max(1, totals[~mask].sum())
    excess = (inside - outside) * totals[mask].sum() * YEAR_DAYS / days
    return Finding.of(CoverageGapFacts(
        hours=flagged,
        hour_ranges=_ranges(flagged),
        breach_rate_in_hours=float(inside),
        breach_rate_other_hours=float(outside),
        ratio=float(inside / outside) if outside > 0 else None,
        tickets_in_hours=int(totals[mask].sum()),
        max_adjusted_p=float(max(tests.adjusted(ClaimKind.COVERAGE_GAP, str(h)) for h in flagged)),
    ), impact=Impact(float(excess), "breaches", _share(excess, events.sum() * YEAR_DAYS / days)))


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


def priority_breach(sla: SlaSummary, goal: float | None, thresholds: Findings, tests: ReportTests,
                    days: float) -> Finding | None:
    """The priority furthest above the breach-rate goal (its rate over completed resolution SLAs against its own
    target), when significantly above it; with the inversion, when a priority whose target is tighter breaches
    significantly and materially less. Without a goal, only an inversion is a finding."""
    rated = {b.priority: b for b in sla.by_priority if b.resolution.n > 0 and b.resolution.value is not None}
    if len(rated) < 2:   # one priority (an export without one is judged against a default target): its miss is the
        return None      # resolution KPI itself, not a finding about a priority
    above = [b for p, b in rated.items() if goal is not None and b.resolution.value > goal
             and tests.passes(ClaimKind.PRIORITY_GOAL, p)]

    def inversion_of(b) -> PriorityInversionFacts | None:
        found = []
        for t in rated.values():
            key = f"{b.priority}>{t.priority}"
            if (t.resolution_target_hours < b.resolution_target_hours and tests.passes(ClaimKind.PRIORITY_INVERSION, key)
                    and (t.resolution.value == 0 or b.resolution.value / t.resolution.value >= thresholds.material_ratio)):
                found.append(PriorityInversionFacts(t.priority, t.resolution_target_hours, t.resolution.value,
                                                    tests.adjusted(ClaimKind.PRIORITY_INVERSION, key)))
        return min(found, key=lambda f: f.tighter_rate) if found else None

    if above:
        worst = max(above, key=lambda b: b.resolution.value - goal)
        inversion = inversion_of(worst)
        reference = goal
    else:
        inverted = [(b, inversion_of(b)) for b in rated.values()]
        inverted = [(b, i) for b, i in inverted if i is not None]
        if not inverted:
            return None
        worst, inversion = max(inverted, key=lambda bi: bi[0].resolution.value - bi[1].tighter_rate)
        reference = inversion.tighter_rate
    r = worst.resolution
    excess = (r.value - reference) * r.n * YEAR_DAYS / days
    return Finding.of(PriorityBreachFacts(
        priority=worst.priority, target_hours=worst.resolution_target_hours, rate=r.value, ci=(r.ci_low, r.ci_high),
        completed=r.n, goal=goal, adjusted_p=tests.adjusted(ClaimKind.PRIORITY_GOAL, worst.priority),
        inversion=inversion,
    ), impact=Impact(float(excess), "breaches", _share(excess, sla.resolution.events * YEAR_DAYS / days)))


def open_breached(clocks: pd.DataFrame, sla: SlaSummary) -> Finding | None:
    """Open tickets already past their resolution target (a count, not a comparison: no test)."""
    breached = clocks[clocks["resolution_state"] == "active_breached"]
    if breached.empty:
        return None
    overdue_hours = (breached["open_minutes"] - breached["resolution_target_minutes"]) / 60
    by_priority = breached["priority"].value_counts()
    # weighed against the period's resolution breaches: the backlog of breaches still open
    return Finding.of(OpenBreachedFacts(
        tickets=len(breached),
        open_tickets=int(clocks["open_minutes"].notna().sum()),
        median_overdue_hours=float(overdue_hours.median()),
        critical_or_high=int(by_priority.get("critical", 0) + by_priority.get("high", 0)),
    ), impact=Impact(float(len(breached)), "breaches",
                     _share(len(breached), sla.resolution.events + sla.open_breached)))


def kpi_change(kpis: list[Kpi], thresholds: Findings, tests: ReportTests | None = None,
               days: float = YEAR_DAYS / 4) -> Finding | None:
    """The KPI that moved most (relative) among those whose change is significant on its tile (the tiles' own
    decision, sla.kpis.with_significance: a finding never contradicts an n.s. tile), passes the report-level test
    (when ``tests`` are given) and is material."""
    moved = [k for k in kpis if k.significant and k.relative_change is not None
             and abs(k.relative_change) >= thresholds.material_change
             and (tests is None or tests.passes(ClaimKind.KPI_CHANGE, k.id))]
    if not moved:
        return None
    kpi = max(moved, key=lambda k: abs(k.relative_change))
    tickets = next((k.value for k in kpis if k.id == "tickets"), None) or 0
    # a moved rate: the tickets a year it moved; any other KPI: its relative change of the period's tickets
    moved_share = abs(kpi.value - kpi.previous) if kpi.unit == "share" and kpi.previous is not None else \
        min(1.0, abs(kpi.relative_change))
    amount = moved_share * tickets * YEAR_DAYS / days
    return Finding.of(KpiChangeFacts(
        kpi=kpi.id, label=kpi.label, unit=kpi.unit, value=kpi.value, previous=kpi.previous,
        relative_change=kpi.relative_change,
        adjusted_p=kpi.adjusted_p if tests is None else tests.adjusted(ClaimKind.KPI_CHANGE, kpi.id),
        improved=kpi.change_direction == "improved",
    ), impact=Impact(float(amount), "tickets", float(moved_share)))


def key_findings(clocks: pd.DataFrame, sla: SlaSummary, hours: list[HourBreach], kpis: list[Kpi],
                 thresholds: Findings, tests: ReportTests, days: float) -> list[Finding]:
    """The findings of the reporting period that pass the report-level test and their thresholds."""
    goal = next((k.target for k in kpis if k.id == "resolution_breach_rate"), None)
    found = [coverage_gap(hours, thresholds, tests, days), priority_breach(sla, goal, thresholds, tests, days),
             open_breached(clocks, sla), kpi_change(kpis, thresholds, tests, days)]
    return [f for f in found if f is not None]


# --- Segment diagnostics (issue 4) -------------------------------------------------------------

# A tie in impact keeps the order of FindingKind.
ORDER = tuple(FindingKind)
# Dimensions whose differences other findings already cover or that describe the work, not the request: the
# priority (its own finding, against its target), the team (escalated work goes to tiers 2 and 3) and the hour
# of creation (the coverage gap).
NOT_A_SEGMENT_FINDING = frozenset({"priority", "group", "hour"})


def ranked(findings: list[Finding], shown: int) -> list[Finding]:
    """Largest impact first (its share of all breaches, hours or tickets a year); the first ``shown`` that may
    headline are the summary's."""
    order = sorted(findings, key=lambda f: (-(f.impact.share if f.impact else 0.0), ORDER.index(f.kind)))
    out, count = [], 0
    for f in order:
        on = f.headline and count < shown
        count += on
        out.append(replace(f, on_summary=on))
    return out


def _segment(dimension, label: str):
    return next(s for s in dimension.segments if s.label == label)


def _segment_candidates(diagnostics, metric: str, tests: ReportTests | None, alpha: float) -> list[tuple]:
    """(dimension, the drivers page's comparison, (adjusted p, worst-vs-best p)) of each dimension whose difference
    on ``metric`` passes the report-level test (or, without ``tests``, the page's own), is material and names both
    its worst and best segment."""
    report = diagnostics.segments
    if report is None:
        return []
    kind = ClaimKind.SEGMENT_BREACH if metric == "resolution_breach" else ClaimKind.SEGMENT_DURATION
    out = []
    for dimension in report.dimensions:
        if dimension.id in NOT_A_SEGMENT_FINDING:
            continue
        comparison = next(c for c in dimension.comparisons if c.metric == metric)
        if tests is None:
            if comparison.finding:
                out.append((dimension, comparison, (comparison.adjusted_p, comparison.pair_adjusted_p)))
            continue
        claim = tests.get(kind, dimension.id)
        if (comparison.material and comparison.worst is not None and claim is not None
                and claim.adjusted_p is not None and claim.adjusted_p < alpha
                and claim.pair_p is not None and claim.pair_p < alpha):
            out.append((dimension, comparison, (claim.adjusted_p, claim.pair_p)))
    return out


def segment_breach(diagnostics, tests: ReportTests | None = None, alpha: float = 0.05,
                   days: float = YEAR_DAYS) -> list[Finding]:
    """Dimensions whose resolution breach rates differ (report level) and materially, worst vs best."""
    model = {e.dimension: e for e in diagnostics.model.dimensions} if diagnostics.model else {}
    found = []
    total = sum(s.resolution_breach.events for s in diagnostics.segments.dimensions[0].segments) \
        if diagnostics.segments and diagnostics.segments.dimensions else 0
    for dimension, c, (q, pair_q) in _segment_candidates(diagnostics, "resolution_breach", tests, alpha):
        worst, best = _segment(dimension, c.worst).resolution_breach, _segment(dimension, c.best).resolution_breach
        excess = ((worst.value or 0) - (best.value or 0)) * worst.n * YEAR_DAYS / days
        adjusted = model.get(dimension.id)
        found.append(Finding.of(SegmentBreachFacts(
            dimension=dimension.id, dimension_label=dimension.label, worst=c.worst, best=c.best,
            worst_rate=worst.value, worst_ci=(worst.ci_low, worst.ci_high), best_rate=best.value,
            ratio=c.ratio, adjusted_p=q, pair_adjusted_p=pair_q, cramers_v=c.effect_size,
            model_significant=adjusted.significant if adjusted else None,
            model_adjusted_p=adjusted.adjusted_p if adjusted else None,
            model_worst=adjusted.worst if adjusted else None, model_best=adjusted.best if adjusted else None,
            model_odds_ratio=adjusted.odds_ratio if adjusted else None,
            model_ci=(adjusted.ci_low, adjusted.ci_high) if adjusted else None,
            model_same_pair=bool(adjusted and (adjusted.worst, adjusted.best) == (c.worst, c.best)),
        ), withheld_for(c.worst, c.best), Impact(float(excess), "breaches", _share(excess, total * YEAR_DAYS / days))))
    return found


def segment_duration(diagnostics, tests: ReportTests | None = None, alpha: float = 0.05, days: float = YEAR_DAYS,
                     hours_total: float = 0.0) -> list[Finding]:
    """Dimensions whose time to resolution differs (report level) and materially, slowest vs fastest."""
    found = []
    for dimension, c, (q, pair_q) in _segment_candidates(diagnostics, "resolution", tests, alpha):
        worst, best = _segment(dimension, c.worst).resolution, _segment(dimension, c.best).resolution
        excess = ((worst.value or 0) - (best.value or 0)) * worst.n * YEAR_DAYS / days
        found.append(Finding.of(SegmentDurationFacts(
            dimension=dimension.id, dimension_label=dimension.label, worst=c.worst, best=c.best,
            worst_median_hours=worst.value, worst_ci=(worst.ci_low, worst.ci_high),
            best_median_hours=best.value, ratio=c.ratio, adjusted_p=q, pair_adjusted_p=pair_q,
        ), withheld_for(c.worst, c.best), Impact(float(excess), "hours",
                                                 _share(excess, hours_total * YEAR_DAYS / days))))
    return found


def account_concentration(diagnostics, tests: ReportTests | None = None, days: float = YEAR_DAYS) -> Finding | None:
    """The largest account whose share of tickets is above the dominant-share threshold (at report level, when
    ``tests`` are given)."""
    if diagnostics.accounts is None or not diagnostics.accounts.concentration.dominant:
        return None
    c = diagnostics.accounts.concentration
    top = max(c.dominant, key=lambda d: d["share"])
    if tests is not None and not tests.passes(ClaimKind.ACCOUNT_CONCENTRATION, top.get("account_id", top["account"])):
        return None
    return Finding.of(AccountConcentrationFacts(
        account=top["account"], share=top["share"], ci=(top["ci_low"], top["ci_high"]), tickets=top["tickets"],
        dominant_accounts=len(c.dominant), threshold=c.dominant_threshold, top_20pct_share=c.top_20pct_share,
        gini=c.gini, accounts=c.accounts,
    ), Withheld.CODED_LABEL if is_coded(top["account"]) else None,
        Impact(float(top["tickets"] * YEAR_DAYS / days), "tickets", float(top["share"])))


def step_changes(diagnostics, tests: ReportTests, tickets_per_year: float,
                 breaches_per_year: float) -> list[Finding]:
    """Step changes in weekly volume or breach rate that are material, held, and pass the report-level test
    (trends page); their impact: the tickets (breaches) a year the new level adds or removes, as a share of all."""
    if diagnostics.trends is None:
        return []
    found = []
    for s in diagnostics.trends.steps:
        if not (s.significant and s.material and tests.passes(ClaimKind.STEP_CHANGE, s.series)):
            continue
        total, unit = (tickets_per_year, "tickets") if s.series == "volume" else (breaches_per_year, "breaches")
        found.append(Finding.of(StepChangeFacts(
            series=s.series, week=s.week, before=s.before, after=s.after, relative_change=s.relative_change,
            weeks_before=s.weeks_before, weeks_after=s.weeks_after, adjusted_p=s.adjusted_p, per_year=s.per_year,
            fell=s.after < s.before), impact=Impact(abs(float(s.per_year)), unit, _share(abs(s.per_year), total))))
    return found


def diagnostic_findings(diagnostics, tests: ReportTests, alpha: float, days: float, hours_total: float) -> list[Finding]:
    """Findings of the drivers and accounts pages that pass the report-level test: per dimension the clearer
    (smaller adjusted p) of its breach-rate and time-to-resolution differences, one sentence per dimension.
    ``days``: the diagnostics window's length;
    ``hours_total``: its tickets' hours to resolution (open ones: their age)."""
    by_dimension: dict[str, Finding] = {}
    if diagnostics.segments is not None:
        for f in segment_breach(diagnostics, tests, alpha, days) + segment_duration(diagnostics, tests, alpha, days,
                                                                                   hours_total):
            kept = by_dimension.get(f.facts.dimension)
            if kept is None or (f.facts.adjusted_p, ORDER.index(f.kind)) < (kept.facts.adjusted_p, ORDER.index(kept.kind)):
                by_dimension[f.facts.dimension] = f
    concentration = account_concentration(diagnostics, tests, days)
    return list(by_dimension.values()) + ([concentration] if concentration else [])


def escalation_key_findings(found: list[Finding], escalations, tests: ReportTests, resolution_breaches: int,
                            days: float) -> list[Finding]:
    """The escalations page's findings that pass the report-level test, with their impact: the bottleneck's
    resolution breaches a handoff as quick as the others could avoid (share of all resolution breaches of the
    span); the silence's CSAT points per doubling over the 4-point scale."""
    out = []
    for f in found:
        if f.kind == FindingKind.ESCALATION_BOTTLENECK:
            if not tests.passes(ClaimKind.ESCALATION_BOTTLENECK, "slowest"):
                continue
            neck = escalations.handoffs.bottleneck
            avoidable = sum((neck.breaches_within_extra_wait or {}).values()) * YEAR_DAYS / days
            out.append(replace(f, impact=Impact(float(avoidable), "breaches",
                                                _share(avoidable, resolution_breaches * YEAR_DAYS / days))))
        elif f.kind == FindingKind.CUSTOMER_SILENCE:
            if not any(tests.passes(ClaimKind.CUSTOMER_SILENCE, outcome) for outcome in f.facts.outcomes):
                continue
            points = abs(f.facts.csat_points_per_doubling or 0.0)
            escalated = next((r.n for r in escalations.communication.relations if r.outcome in f.facts.outcomes), 0)
            out.append(replace(f, impact=Impact(float(escalated * YEAR_DAYS / days), "tickets",
                                                _share(points, 4.0))))
        else:
            out.append(f)
    return out
