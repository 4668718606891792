"""The review at creation: which tickets a team lead reviews, and whether the model earns its place.

A review costs ``costs.review`` and prevents a share of the flagged ticket's breach, drawn from
``costs.review_prevents`` (a range: nobody has measured it). A breach costs its priority's
``costs.breach``. So the model flags on **expected cost**, risk × the cost of a breach at the ticket's
priority, never on risk alone: a 10% risk on a critical ticket (500) outweighs a 60% risk on a low one (10).

Running the model costs ``costs.risk_model`` (a year, and once); a rule on priority costs nothing to run.
The model is compared with the best **simple rule**: review every ticket of the top-k priorities by
breach cost, k = 0 (review nothing) to all, chosen on the training months. The model's cut-off is
chosen on the validation month; both are then scored on the test months with the same draws: each
draw resamples the test tickets (bootstrap) and draws the prevention rate from its range, so the
intervals carry both uncertainties. The review is recommended only when the model's advantage over
the rule lies above zero (95% interval), the model ranks better than priority alone and its own
saving lies above zero over the reported range. Money per year in ``publish.currency``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ...canonical import PRIORITIES
from ...config import Costs
from ..actions.roi import Range, to_range, uniform_draws
from ..core.stats import Estimate, percentile_interval
from .scores import _blocks, _resample_counts


class ReviewVerdict(StrEnum):
    """Whether the model's review is recommended, and if not, why (the risk page writes the reason)."""

    RECOMMENDED = "recommended"
    NO_BETTER_THAN_PRIORITY = "no_better_than_priority"   # ROC-AUC gain over priority alone not above zero
    NO_BETTER_THAN_RULE = "no_better_than_rule"           # saves no more than reviewing the top priorities
    DOES_NOT_PAY = "does_not_pay"                         # its own saving is not surely above zero


@dataclass(frozen=True)
class PriorityRule:
    """The simple alternative: review every ticket of ``priorities`` (the top k by breach cost)."""

    priorities: list[str]              # empty: the best simple rule is to review nothing
    training_saving_per_year: float    # what chose k (mid prevention rate)
    flagged_per_year: float            # test months
    breaches_avoided_per_year: Range   # test months, over the draws
    net_saving_per_year: Range         # test months, over the draws


@dataclass(frozen=True)
class Threshold:
    """Flag a ticket for review at creation when its expected breach cost is at least ``expected_cost``."""

    expected_cost: float | None                    # currency; None: the model flags nothing
    probability_by_priority: dict[str, float | None]   # the same cut-off as a risk per priority; None: never flagged
    precision: float | None            # test months: breached share of flagged tickets
    recall: float | None               # test months: flagged share of breached tickets
    flagged_share: float
    flagged_per_year: float
    breaches_caught_per_year: float    # flagged tickets that breached (before any review)
    running_cost_per_year: float       # running the model (costs.risk_model), included in the savings below
    breaches_avoided_per_year: Range   # caught × prevention rate, over the draws
    net_saving_per_year: Estimate      # net of the reviews and of running the model; 95% interval over the draws
    net_saving_range: Range            # the same draws at recommendations.interval
    chance_positive: float             # share of draws saving more than the reviews cost
    chance_positive_first_year: float  # ... and than the model's one-off cost too (its first year, roi.first_year)
    review_prevents: tuple[float, float]
    rule: PriorityRule                 # the best simple rule, on the same test draws
    advantage_per_year: Estimate       # model − rule, 95% interval over the same draws
    advantage_range: Range             # ... at recommendations.interval
    chance_beats_rule: float           # share of draws in which the model saves more than the rule
    verdict: ReviewVerdict = ReviewVerdict.DOES_NOT_PAY


def expected_cost(probability: np.ndarray, breach_cost: np.ndarray) -> np.ndarray:
    """Expected breach cost of each ticket: risk (0-1) × the cost of a breach at its priority."""
    return np.asarray(probability, dtype=float) * np.asarray(breach_cost, dtype=float)


def saving(flagged: np.ndarray, y: np.ndarray, cost: np.ndarray, prevents: float, review: float) -> float:
    """Breach cost a review of the flagged tickets prevents, minus the reviews."""
    flagged = np.asarray(flagged, dtype=bool)
    return float(prevents * (cost * (y == 1))[flagged].sum() - review * flagged.sum())


def priorities_by_cost(costs: Costs) -> list[str]:
    """Priorities by breach cost, dearest first (ties: the canonical order, critical first)."""
    return sorted(PRIORITIES, key=lambda p: (-costs.breach[p], PRIORITIES.index(p)))


def best_priority_rule(priority: np.ndarray, y: np.ndarray, cost: np.ndarray, training: np.ndarray,
                       costs: Costs) -> tuple[list[str], float]:
    """The k whose rule (review every ticket of the k dearest priorities) saves most on the training
    tickets at the mid prevention rate; k = 0 (review nothing, saving 0) when none pays. Returns the
    priorities and that training saving (not per year)."""
    order = priorities_by_cost(costs)
    prevents = float(np.mean(costs.review_prevents))
    best, best_saving = [], 0.0
    for k in range(1, len(order) + 1):
        chosen = order[:k]
        value = saving(np.isin(priority[training], chosen), y[training], cost[training], prevents, costs.review)
        if value > best_saving + 1e-9:
            best, best_saving = chosen, value
    return best, best_saving


def _sums(flag_sets: list[np.ndarray], y: np.ndarray, cost: np.ndarray, draws: np.ndarray) -> list[tuple]:
    """Per set of flagged tickets, per draw: breach cost and breaches among the flagged tickets, and tickets flagged
    (each resample's counts made once for every set)."""
    vectors = [(cost * (y == 1) * flagged, ((y == 1) & flagged).astype(float), flagged.astype(float))
               for flagged in flag_sets]
    parts = [[] for _ in flag_sets]
    for block in _blocks(draws, len(y)):
        w = _resample_counts(block, len(y)).astype(float)
        for part, (value, breached, flagged) in zip(parts, vectors):
            part.append((w @ value, w @ breached, w @ flagged))
    return [tuple(np.concatenate(column) for column in zip(*part)) for part in parts]


def review_threshold(score: np.ndarray, y: np.ndarray, priority: np.ndarray, cost: np.ndarray,
                     training: np.ndarray, validation: np.ndarray, test: np.ndarray, draws: np.ndarray,
                     test_days: float, training_days: float, costs: Costs, interval: float,
                     rng: np.random.Generator, beats_priority: bool) -> Threshold:
    """The model's expected-cost cut-off (best on the validation month) and the best simple rule (best on
    the training months), both scored on the test months with the same draws; and the verdict."""
    mid = float(np.mean(costs.review_prevents))
    ranked = expected_cost(score, cost)
    candidates = np.unique(np.quantile(ranked[validation], np.linspace(0, 1, 201)))
    savings = [saving(ranked[validation] >= t, y[validation], cost[validation], mid, costs.review)
               for t in candidates]
    best = int(np.argmax(savings)) if len(savings) else 0
    cut = float(candidates[best]) if len(savings) and savings[best] > 0 else None
    rule, rule_training = best_priority_rule(priority, y, cost, training, costs)

    yt, ct, per_year = y[test], cost[test], 365.25 / test_days
    model_flags = ranked[test] >= cut if cut is not None else np.zeros(len(yt), dtype=bool)
    rule_flags = np.isin(priority[test], rule)
    prevents = uniform_draws(tuple(costs.review_prevents), len(draws), rng)
    (m_cost, m_breaches, m_flagged), (r_cost, r_breaches, r_flagged) = (
        _sums([model_flags, rule_flags], yt, ct, draws))
    running = costs.risk_model["per_year"]
    model_net = (prevents * m_cost - costs.review * m_flagged) * per_year - running
    rule_net = (prevents * r_cost - costs.review * r_flagged) * per_year
    advantage = model_net - rule_net
    model_point = saving(model_flags, yt, ct, mid, costs.review) * per_year - running
    rule_point = saving(rule_flags, yt, ct, mid, costs.review) * per_year
    caught = int((model_flags & (yt == 1)).sum())
    n = int(len(yt))
    net_range = to_range(model_net, interval)
    advantage_estimate = percentile_interval(model_point - rule_point, advantage, n)
    if not beats_priority:
        verdict = ReviewVerdict.NO_BETTER_THAN_PRIORITY
    elif cut is None or net_range.low <= 0:
        verdict = ReviewVerdict.DOES_NOT_PAY
    elif advantage_estimate.ci_low <= 0:
        verdict = ReviewVerdict.NO_BETTER_THAN_RULE
    else:
        verdict = ReviewVerdict.RECOMMENDED
    return Threshold(
        expected_cost=cut,
        probability_by_priority={p: (None if cut is None or costs.breach[p] <= 0 or cut / costs.breach[p] > 1
                                     else cut / costs.breach[p]) for p in PRIORITIES},
        precision=caught / model_flags.sum() if model_flags.any() else None,
        recall=caught / (yt == 1).sum() if (yt == 1).any() else None,
        flagged_share=float(model_flags.mean()), flagged_per_year=float(model_flags.sum() * per_year),
        breaches_caught_per_year=float(caught * per_year), running_cost_per_year=float(running),
        breaches_avoided_per_year=to_range(prevents * m_breaches * per_year, interval),
        net_saving_per_year=percentile_interval(model_point, model_net, n), net_saving_range=net_range,
        chance_positive=float((model_net > 0).mean()),
        chance_positive_first_year=float((model_net - costs.risk_model["one_off"] > 0).mean()), review_prevents=tuple(costs.review_prevents),
        rule=PriorityRule(
            priorities=list(rule), training_saving_per_year=float(rule_training * 365.25 / max(training_days, 1.0)),
            flagged_per_year=float(rule_flags.sum() * per_year),
            breaches_avoided_per_year=to_range(prevents * r_breaches * per_year, interval),
            net_saving_per_year=to_range(rule_net, interval)),
        advantage_per_year=advantage_estimate, advantage_range=to_range(advantage, interval),
        chance_beats_rule=float((advantage > 0).mean()), verdict=verdict)
