"""Recommendations: rules that fire on findings, each with its evidence, impact range,
owner, timeline and success metric; ranked by median first-year net benefit (one-off cost included).

Nothing fires without evidence: each rule needs a significant and material finding
(coverage gap, priority inversion, escalation bottleneck), a measured concentration
(dominant accounts, automation candidates) or a risk model that beats its baseline.
The rules compute none of that evidence: they read the results of the analysis that
owns it and shows it on its page (staffing.py, sla.py, accounts.py, workload.py,
handoffs.py, risk.py), so a recommendation quotes the same numbers as its page.
Money per year in ``publish.currency``; shares 0-1. Each kind has its own facts dataclass;
templates write the sentences and steps from it (templates/partials/recommendations/<kind>.j2),
and the assumptions a sentence quotes (costs, ranges) are in ``Assumptions``, not read from the config.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from enum import StrEnum

import numpy as np
import pandas as pd

from ...canonical import PRIORITIES
from ...config import Config
from ...engine import per_value
from ..core.breach import SLAS, breached_mask, completed_mask
from ..escalations.handoffs import Bottleneck, Handoff
from ..risk.model import RiskModel
from ..risk.review import ReviewVerdict
from .roi import (HOURS_PER_FTE_WEEK, WEEKS_PER_YEAR, Impact, Range, first_year, impact, payback_months, rate_draws,
                  uniform_draws)
from ..sla.summary import PriorityInversion
from ..staffing.plan import GapBlock, StaffingPlan
from ..workload import CategoryAutomation, one_touch_solved

class RecommendationKind(StrEnum):
    """The rules; the value is the ``kind`` written into the context."""

    COVERAGE = "coverage"
    PRIORITY_TEAM = "priority_team"
    ACCOUNT_MANAGEMENT = "account_management"
    SELF_SERVICE = "self_service"
    ESCALATION = "escalation"
    RISK_REVIEW = "risk_review"


OWNER = {"coverage": "Workforce manager", "priority_team": "Head of support",
         "account_management": "Customer success lead", "self_service": "Knowledge and support-operations lead",
         "escalation": "Leads of the teams on both sides of the handoff", "risk_review": "Shift team leads"}
TIMELINE = {"coverage": "re-time shifts in 2 weeks; hires within 8 weeks", "priority_team": "within one quarter",
            "account_management": "first reviews within 30 days", "self_service": "within two quarters",
            "escalation": "handoff targets in 4 weeks", "risk_review": "start next week"}


@dataclass(frozen=True)
class SuccessMetric:
    label: str
    unit: str            # share, tickets, hours
    baseline: float
    target: float


class SimulatedVerdict(StrEnum):
    """Where the simulated breaches avoided in the gap hours fall against the predicted range."""

    WITHIN = "within"
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True)
class SimulatedCheck:
    """The coverage recommendation re-run in the simulator (filled by ``sample.what_if`` on the sample only):
    exactly the recommended change, the baseline and the re-run measured with the same SLA rules."""

    change: dict[str, int]                   # hour of the week (0 = Monday 00:00 UTC) -> change in agents on shift
    days: int
    avoided_in_gap_per_year: float           # simulated breached SLAs avoided in the gap slots
    avoided_in_sources_per_year: float       # ... in the slots the moved hours came from (negative: more breaches)
    avoided_elsewhere_per_year: float        # ... in all other slots (the backlog spills over)
    avoided_per_year: float                  # all slots
    value_in_gap_per_year: float             # breach cost of those avoided in the gap slots
    predicted_avoided: Range                 # the recommendation's prediction for the gap slots
    verdict: SimulatedVerdict


class AlternativeKind(StrEnum):
    """The simplest way to act instead, which a recommendation must beat."""

    REVIEW_TOP_PRIORITIES = "review_top_priorities"   # review every ticket of the dearest priorities, no model
    HIRE_ONLY = "hire_only"                            # hire for every gap hour, move nothing
    DO_NOTHING = "do_nothing"                          # leave things as they are (net benefit 0)


@dataclass(frozen=True)
class Alternative:
    """What the action is compared with, and by how much it beats it (money a year, same draws)."""

    kind: AlternativeKind
    net_benefit_per_year: Range              # the alternative's own (do nothing: 0)
    advantage_per_year: Range                # action − alternative
    chance_better: float                     # share of draws in which the action does better
    priorities: list[str] = field(default_factory=list)   # REVIEW_TOP_PRIORITIES: which priorities


@dataclass(frozen=True)
class CoverageFacts:
    """Cover one gap block of the staffing plan (weekdays or weekends)."""

    block: GapBlock
    slots: list[tuple[int, int]]            # [weekday, hour] of each gap slot
    breach_rate_in_gap: float
    breach_rate_staffed: float | None
    ratio: float | None
    tickets_per_year: float
    extra_agent_hours_per_week: float
    moved_agent_hours_per_week: float        # free: the source slots keep what Erlang C requires (block.cover)
    hired_agent_hours_per_week: float
    hired_fte: float
    extra_by_hour: dict[str, int]           # hour of day -> most agents added at that hour on any day of the block
    max_adjusted_p: float | None
    simulated: SimulatedCheck | None = None


@dataclass(frozen=True)
class PriorityTeamFacts:
    """A priority that breaches more than one with a tighter target (sla.priority_inversion)."""

    priority: str
    tighter: str
    rate: float | None
    tighter_rate: float | None
    ratio: float | None
    p_value: float | None
    target_hours: float | None
    tighter_target_hours: float | None
    tickets_per_year: float
    tighter_tickets_per_year: float


@dataclass(frozen=True)
class AccountManagementFacts:
    """The accounts page's dominant accounts."""

    accounts: list[dict]                    # Concentration.dominant
    share: float
    threshold: float                         # accounts.dominant_share
    tickets_per_year: float
    fewer_tickets_per_year: Range


@dataclass(frozen=True)
class SelfServiceFacts:
    """The workload page's automation candidates."""

    categories: list[CategoryAutomation]
    share: float
    one_touch_per_year: float
    deflectable_per_year: float
    deflection_rate: float                   # workload.deflection_rate: the workload page's assumption
    tickets_per_year: float
    fewer_tickets_per_year: Range


@dataclass(frozen=True)
class EscalationFacts:
    """The escalations page's bottleneck."""

    handoff: Handoff
    others_median_wait_hours: float | None
    ratio: float | None
    p_value: float | None
    share_of_escalated: float | None
    avoidable_breaches_per_year: float


@dataclass(frozen=True)
class RiskReviewFacts:
    """The breach-risk model's review threshold (risk.review.Threshold), recommended over the simple rule."""

    expected_cost: float                     # flag when risk × the priority's breach cost is at least this
    probability_by_priority: dict[str, float | None]
    precision: float | None
    recall: float | None
    flagged_per_year: float
    flagged_share: float | None
    model: str
    review_prevents: tuple[float, float]


RecommendationFacts = (CoverageFacts | PriorityTeamFacts | AccountManagementFacts | SelfServiceFacts | EscalationFacts
                       | RiskReviewFacts)
FACTS: dict[RecommendationKind, type] = dict(zip(RecommendationKind, RecommendationFacts.__args__))


@dataclass(frozen=True)
class Assumptions:
    """What the money and the ranges assume (``costs:``, ``recommendations:`` and the rules' thresholds in
    ``supportlens.yml``), for the sentences that quote them."""

    interval: float                          # the middle share of draws a range covers
    draws: int
    effectiveness: tuple[float, float]       # share of the problem an action removes
    deflection: tuple[float, float]          # candidates' one-touch tickets self-service takes
    account_reduction: tuple[float, float]   # dominant accounts' tickets account management prevents
    breach_cost: dict[str, float]            # priority -> cost of one breached SLA
    agent_hour: float
    hire_per_agent: float
    review: float
    review_prevents: tuple[float, float]     # share of a flagged ticket's breach a review prevents: [low, high]
    risk_model: dict[str, float]             # running the breach-risk model: one_off, per_year
    handle_minutes: float
    dominant_share: float                    # accounts.dominant_share: the account rule's threshold
    automation_min_share: float              # workload.automation_*: the self-service rule's thresholds
    automation_min_one_touch_rate: float
    automation_max_escalation_rate: float


def assumptions(config: Config) -> Assumptions:
    rc, costs, workload = config.recommendations, config.costs, config.workload
    return Assumptions(rc.interval, rc.draws, rc.effectiveness, rc.deflection, rc.account_reduction, dict(costs.breach),
                       costs.agent_hour, costs.hire_per_agent, costs.review, costs.review_prevents, dict(costs.risk_model),
                       config.staffing.handle_minutes, config.accounts.dominant_share, workload.automation_min_share,
                       workload.automation_min_one_touch_rate, workload.automation_max_escalation_rate)


@dataclass(frozen=True)
class Recommendation:
    kind: RecommendationKind
    rank: int
    evidence_page: str           # the page that shows the evidence the rule fired on (the card links there)
    evidence_chart: str | None   # and its chart there: a recommendation never charts that evidence again
    impact: Impact
    owner: str
    timeline: str
    metric: SuccessMetric
    facts: RecommendationFacts
    alternative: Alternative                 # the simplest way to act instead, and by how much this beats it
    pays_back: bool = True       # median first-year net benefit > 0 (payback within the year, roi.first_year); else considered, not recommended


@dataclass(frozen=True)
class Evidence:
    """Everything the rules look at, each part from the analysis that owns it."""

    clocks: pd.DataFrame
    staffing: StaffingPlan | None
    risk: RiskModel | None
    inversion: PriorityInversion | None         # sla.priority_inversion of the whole span
    accounts: list[dict]                        # the accounts page's dominant accounts (Concentration.dominant)
    automation: list[CategoryAutomation]        # the workload page's automation candidates
    bottleneck: Bottleneck | None               # the escalations page's bottleneck, when it is a finding
    years: float                                # the span of ``clocks``


def recommend(evidence: Evidence, config: Config) -> list[Recommendation]:
    rng = np.random.default_rng([config.seed, 5])
    rules = (priority_rule, account_rule, self_service_rule, escalation_rule, risk_review_rule)
    found = coverage_rules(evidence, config, rng)
    found += [r for r in (rule(evidence, config, rng) for rule in rules) if r is not None]
    found.sort(key=lambda r: -r.impact.net_benefit_per_year.median)
    return [Recommendation(**{**r.__dict__, "rank": i + 1, "pays_back": r.impact.net_benefit_per_year.median > 0})
            for i, r in enumerate(found)]


def _slots(clocks: pd.DataFrame) -> np.ndarray:
    return (clocks["created_at"].dt.day_of_week * 24 + clocks["created_at"].dt.hour).to_numpy()


def excess_breaches(clocks: pd.DataFrame, worse: np.ndarray, better: np.ndarray, years: float, config: Config,
                    rng: np.random.Generator, slas=SLAS) -> tuple[np.ndarray, np.ndarray]:
    """Draws of the breaches a year (and their cost) in ``worse`` above the rates of ``better``,
    per priority and SLA, times the effectiveness range."""
    draws = config.recommendations.draws
    effect = uniform_draws(config.recommendations.effectiveness, draws, rng)
    count, value = np.zeros(draws), np.zeros(draws)
    for _, column in slas:
        breached, completed = breached_mask(clocks[column]), completed_mask(clocks[column])
        for priority in PRIORITIES:
            mine = (clocks["priority"] == priority).to_numpy()
            a, b = worse & mine & completed, better & mine & completed
            if a.sum() == 0 or b.sum() == 0:
                continue
            excess = np.clip(rate_draws(breached[a].sum(), a.sum(), draws, rng)
                             - rate_draws(breached[b].sum(), b.sum(), draws, rng), 0, None)
            avoided = excess * a.sum() / years * effect
            count += avoided
            value += avoided * config.costs.breach[priority]
    return count, value


def do_nothing(result: Impact) -> Alternative:
    """Leaving things as they are: the action beats it by its own net benefit."""
    return Alternative(AlternativeKind.DO_NOTHING, Range(0.0, 0.0, 0.0), result.net_benefit_per_year,
                       result.chance_positive)


def coverage_rules(ev: Evidence, config: Config, rng) -> list[Recommendation]:
    """One recommendation per gap block (weekdays, weekends): cover its hours, first by moving agent
    hours from slots of the same day that keep what Erlang C requires (the staffing plan's cover plan,
    free), then by hiring for the rest."""
    plan = ev.staffing
    if plan is None or plan.gap is None:
        return []
    slot = _slots(ev.clocks)
    shortfall = np.array([s.shortfall for s in plan.slots], dtype=float)
    staffed = (shortfall <= 0)[slot]
    out = []
    for block in plan.gap.blocks:
        cover = block.cover
        flagged = np.zeros(168, dtype=bool)
        flagged[[d * 24 + h for d, h, _ in cover.added]] = True
        extra = np.zeros(168)
        for d, h, k in cover.added:
            extra[d * 24 + h] = k
        count, value = excess_breaches(ev.clocks, flagged[slot], staffed, ev.years, config, rng)
        moved, hired = cover.moved_agent_hours_per_week, cover.hired_agent_hours_per_week
        hourly = WEEKS_PER_YEAR * config.costs.agent_hour
        one_off = config.costs.hire_per_agent * math.ceil(hired / HOURS_PER_FTE_WEEK - 1e-9)
        in_block = flagged[slot]
        state = ev.clocks["first_response_state"]
        completed = completed_mask(state)
        rate = float(breached_mask(state)[in_block & completed].sum() / max(1, (in_block & completed).sum()))
        facts = CoverageFacts(
            block=block, slots=[(int(k // 24), int(k % 24)) for k in np.flatnonzero(flagged)],
            breach_rate_in_gap=rate, breach_rate_staffed=plan.gap.breach_rate_staffed,
            ratio=rate / plan.gap.breach_rate_staffed if plan.gap.breach_rate_staffed else None,
            tickets_per_year=float(in_block.sum() / ev.years),
            extra_agent_hours_per_week=float(extra.sum()), moved_agent_hours_per_week=float(moved),
            hired_agent_hours_per_week=float(hired), hired_fte=float(hired / HOURS_PER_FTE_WEEK),
            extra_by_hour={str(h): int(extra.reshape(7, 24)[:, h].max()) for h in range(24)
                           if extra.reshape(7, 24)[:, h].max() > 0},
            max_adjusted_p=plan.gap.max_adjusted_p, simulated=None)
        result = impact(count, value, hired * hourly, one_off, config.recommendations.interval)
        if moved > 0:
            # hiring every hour instead costs the moved hours too (and their share of hiring)
            extra_one_off = config.costs.hire_per_agent * (math.ceil(extra.sum() / HOURS_PER_FTE_WEEK - 1e-9)
                                                           - math.ceil(hired / HOURS_PER_FTE_WEEK - 1e-9))
            saved = moved * hourly
            hire_only = impact(count, value, extra.sum() * hourly, one_off + extra_one_off,
                               config.recommendations.interval).net_benefit_per_year
            alternative = Alternative(AlternativeKind.HIRE_ONLY, hire_only, Range(saved, saved, saved), 1.0)
        else:
            alternative = do_nothing(result)
        out.append(Recommendation(
            RecommendationKind.COVERAGE, 0, "staffing", "staffing_gap", result,
            OWNER["coverage"], TIMELINE["coverage"],
            SuccessMetric(f"First-response breach rate of tickets created {block.days_label} "
                          f"{', '.join(block.hour_ranges)} {config.reporting_timezone()}", "share", rate, plan.gap.breach_rate_staffed), facts,
            alternative))
    return out


def priority_rule(ev: Evidence, config: Config, rng) -> Recommendation | None:
    inv = ev.inversion
    if inv is None:
        return None
    mine = (ev.clocks["priority"] == inv.priority).to_numpy()
    tighter = (ev.clocks["priority"] == inv.tighter).to_numpy()
    draws = config.recommendations.draws
    effect = uniform_draws(config.recommendations.effectiveness, draws, rng)
    excess = np.clip(rate_draws(inv.rate.events, inv.rate.n, draws, rng)
                     - rate_draws(inv.tighter_rate.events, inv.tighter_rate.n, draws, rng), 0, None)
    count = excess * inv.rate.n / ev.years * effect
    value = count * config.costs.breach[inv.priority]
    team = config.costs.dedicated_team
    facts = PriorityTeamFacts(
        priority=inv.priority, tighter=inv.tighter, rate=inv.rate.value,
        tighter_rate=inv.tighter_rate.value, ratio=inv.ratio, p_value=inv.p_value,
        target_hours=inv.target_hours, tighter_target_hours=inv.tighter_target_hours,
        tickets_per_year=float(mine.sum() / ev.years), tighter_tickets_per_year=float(tighter.sum() / ev.years))
    result = impact(count, value, team["per_year"], team["one_off"], config.recommendations.interval)
    return Recommendation(
        RecommendationKind.PRIORITY_TEAM, 0, "sla", "breach_by_priority", result,
        OWNER["priority_team"], TIMELINE["priority_team"],
        SuccessMetric(f"Resolution breach rate of {inv.priority}-priority tickets", "share", inv.rate.value,
                      inv.tighter_rate.value), facts, do_nothing(result))


def _volume_rule(kind: RecommendationKind, ev: Evidence, config: Config, rng, members: np.ndarray,
                 reducible_per_year: float, reduction: tuple[float, float], costs: dict[str, float], copies: int,
                 evidence: tuple[str, str], metric: str, metric_per_year: float,
                 facts: Callable[..., AccountManagementFacts | SelfServiceFacts]) -> Recommendation:
    """Fewer tickets: a share (drawn from ``reduction``) of ``reducible_per_year``, each worth the agent
    time and the breaches the ``members`` tickets carry on average. ``facts`` gets ``tickets_per_year``
    and ``fewer_tickets_per_year``."""
    draws = config.recommendations.draws
    share = uniform_draws(reduction, draws, rng)
    group = ev.clocks[members]
    breach_cost = per_value(group["priority"], config.costs.breach).fillna(0).to_numpy(dtype=float)
    breaches = sum(breached_mask(group[column]) for _, column in SLAS)
    per_ticket_breaches = breaches.sum() / max(1, len(group))
    per_ticket_value = ((breaches * breach_cost).sum() / max(1, len(group))
                        + config.staffing.handle_minutes / 60 * config.costs.agent_hour)
    fewer = reducible_per_year * share
    per_month = metric_per_year / 12
    result = impact(fewer * per_ticket_breaches, fewer * per_ticket_value, costs["per_year"] * copies,
                    costs["one_off"] * copies, config.recommendations.interval)
    return Recommendation(
        kind, 0, *evidence, result, OWNER[kind], TIMELINE[kind],
        SuccessMetric(metric, "tickets", per_month, per_month - reducible_per_year * float(np.mean(reduction)) / 12),
        facts(tickets_per_year=metric_per_year, fewer_tickets_per_year=Range(*np.percentile(fewer, [10, 50, 90]))),
        do_nothing(result))


def account_rule(ev: Evidence, config: Config, rng) -> Recommendation | None:
    """The accounts page's dominant accounts (share of tickets surely above ``accounts.dominant_share``)."""
    if not ev.accounts:
        return None
    ids = [a["account_id"] for a in ev.accounts]
    members = ev.clocks["account_id"].astype("string").isin(ids).fillna(False).to_numpy(dtype=bool)
    per_year = float(sum(a["tickets_per_year"] for a in ev.accounts))
    return _volume_rule(RecommendationKind.ACCOUNT_MANAGEMENT, ev, config, rng, members, per_year,
                        config.recommendations.account_reduction, config.costs.account_management, len(ids),
                        ("accounts", "top_accounts"), f"Tickets a month from {len(ids)} dominant account{'' if len(ids) == 1 else 's'}", per_year,
                        partial(AccountManagementFacts, accounts=ev.accounts,
                                share=float(sum(a["share"] for a in ev.accounts)),
                                threshold=config.accounts.dominant_share))


def self_service_rule(ev: Evidence, config: Config, rng) -> Recommendation | None:
    """The workload page's automation candidates; self-service takes a share of their one-touch tickets
    (the tickets the workload page counts as what automation could take)."""
    if not ev.automation:
        return None
    clocks = ev.clocks
    names = [c.category for c in ev.automation]
    in_candidates = clocks["category"].astype("string").fillna("(not set)").isin(names)
    members = (in_candidates.fillna(False) & one_touch_solved(clocks)).to_numpy(dtype=bool)
    one_touch_per_year = float(sum(c.tickets_per_year * c.one_touch.value for c in ev.automation))
    per_year = float(sum(c.tickets_per_year for c in ev.automation))
    return _volume_rule(RecommendationKind.SELF_SERVICE, ev, config, rng, members, one_touch_per_year,
                        config.recommendations.deflection, config.costs.self_service, 1,
                        ("workload", "automation_candidates"), "Tickets a month in the automation candidates", per_year,
                        partial(SelfServiceFacts, categories=ev.automation,
                                share=float(sum(c.share for c in ev.automation)),
                                one_touch_per_year=one_touch_per_year,
                                deflectable_per_year=float(sum(c.deflectable_per_year or 0 for c in ev.automation)),
                                deflection_rate=config.workload.deflection_rate))


def escalation_rule(ev: Evidence, config: Config, rng) -> Recommendation | None:
    """The escalations page's bottleneck (the escalation_bottleneck finding): bring its wait down to
    the other handoffs' median; the breaches its extra wait explains are the ones it avoids."""
    neck = ev.bottleneck
    if neck is None or not neck.found or neck.breaches_within_extra_wait is None:
        return None
    h, by_priority = neck.handoff, neck.breaches_within_extra_wait
    draws = config.recommendations.draws
    effect = uniform_draws(config.recommendations.effectiveness, draws, rng)
    avoidable = sum(by_priority.values())
    count = effect * avoidable / ev.years
    value = effect * sum(n * config.costs.breach.get(p, 0) for p, n in by_priority.items()) / ev.years
    process = config.costs.escalation_process
    target = neck.others_median_wait_hours or 0.0
    facts = EscalationFacts(
        handoff=h, others_median_wait_hours=neck.others_median_wait_hours, ratio=neck.ratio,
        p_value=neck.p_value, share_of_escalated=neck.share_of_escalated,
        avoidable_breaches_per_year=float(avoidable / ev.years))
    result = impact(count, value, process["per_year"], process["one_off"], config.recommendations.interval)
    return Recommendation(
        RecommendationKind.ESCALATION, 0, "escalations", "handoff_matrix", result,
        OWNER["escalation"], TIMELINE["escalation"],
        SuccessMetric(f"Median wait at the {h.from_label} → {h.to_label} handoff", "hours", h.median_wait_hours,
                      target), facts, do_nothing(result))


def risk_review_rule(ev: Evidence, config: Config, rng) -> Recommendation | None:
    """The model's review at creation, only when it beats the best simple rule (review every ticket of the
    dearest priorities) on the test months, ranks better than priority alone and surely saves money
    (risk.review: the verdict)."""
    model = ev.risk
    if model is None or model.threshold.verdict != ReviewVerdict.RECOMMENDED:
        return None
    t = model.threshold
    cost = t.flagged_per_year * config.costs.review + t.running_cost_per_year
    net, one_off = t.net_saving_range, config.costs.risk_model["one_off"]
    # the model's savings are yearly: its first year also carries the one-off cost (roi.first_year)
    result = Impact(t.breaches_avoided_per_year, Range(net.low + cost, net.median + cost, net.high + cost),
                    cost, one_off, first_year(net, one_off), payback_months(one_off, net.median),
                    t.chance_positive_first_year)
    rate = t.precision or 0.0
    rule = t.rule
    alternative = Alternative(
        AlternativeKind.REVIEW_TOP_PRIORITIES if rule.priorities else AlternativeKind.DO_NOTHING,
        rule.net_saving_per_year, t.advantage_range, t.chance_beats_rule, list(rule.priorities))
    return Recommendation(
        RecommendationKind.RISK_REVIEW, 0, "risk", "risk_roc", result, OWNER["risk_review"], TIMELINE["risk_review"],
        SuccessMetric("Resolution breach rate of tickets flagged at creation", "share", rate,
                      rate * (1 - float(np.mean(t.review_prevents)))),
        RiskReviewFacts(expected_cost=t.expected_cost, probability_by_priority=t.probability_by_priority,
                        precision=t.precision, recall=t.recall, flagged_per_year=t.flagged_per_year,
                        flagged_share=t.flagged_share, model=model.chosen, review_prevents=t.review_prevents),
        alternative)
