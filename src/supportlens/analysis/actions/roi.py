"""Return on an action: breaches it avoids, what they cost, what the action costs, as ranges.

Money is in ``publish.currency`` per year unless a name says otherwise. Uncertainty comes
from Monte Carlo draws: breach rates drawn from their Beta posteriors (Jeffreys prior),
the share of the problem an action removes drawn uniformly from the configured range.
A range is the central ``recommendations.interval`` of the draws (0.8: 10th–90th percentile).

The net benefit is that of an action's first year, its one-off cost counted in full (``first_year``):
an action pays back (median net benefit > 0) exactly when its payback is within the 12 months the
net benefit covers, never with a positive net benefit and a payback of years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WEEKS_PER_YEAR = 52.1775
HOURS_PER_FTE_WEEK = 40.0


@dataclass(frozen=True)
class Range:
    low: float
    median: float
    high: float


@dataclass(frozen=True)
class Impact:
    """What one action is expected to bring in a year."""

    breaches_avoided_per_year: Range
    value_per_year: Range          # breach costs avoided plus agent time saved
    cost_per_year: float
    one_off_cost: float
    net_benefit_per_year: Range    # of the first year: value − yearly cost − one-off cost (first_year)
    payback_months: float | None   # one-off cost ÷ median monthly (value − yearly cost); None when it never pays back
    chance_positive: float         # share of draws with a positive first-year net benefit


def breach_value(avoided_by_priority: dict[str, float], breach_cost: dict[str, float]) -> float:
    """Cost of the breaches avoided: Σ avoided × cost per breach of that priority."""
    return float(sum(count * breach_cost[priority] for priority, count in avoided_by_priority.items()))


def first_year(recurring_net: Range, one_off_cost: float) -> Range:
    """The net benefit of the first year from the yearly one (value − yearly cost): less the one-off cost.
    Its median is > 0 exactly when ``payback_months`` of the same figures is under 12."""
    return Range(recurring_net.low - one_off_cost, recurring_net.median - one_off_cost,
                 recurring_net.high - one_off_cost)


def payback_months(one_off_cost: float, net_benefit_per_year: float) -> float | None:
    """Months until the one-off cost is earned back; 0 without one; None if it never is."""
    if one_off_cost <= 0:
        return 0.0 if net_benefit_per_year > 0 else None
    if net_benefit_per_year <= 0:
        return None
    return one_off_cost / (net_benefit_per_year / 12.0)


def rate_draws(events: float, n: float, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of a rate from its Beta(events + ½, n − events + ½) posterior."""
    return rng.beta(events + 0.5, max(n - events, 0) + 0.5, size=draws)


def uniform_draws(bounds: tuple[float, float], draws: int, rng: np.random.Generator) -> np.ndarray:
    low, high = bounds
    return rng.uniform(low, high, size=draws) if high > low else np.full(draws, low)


def to_range(values: np.ndarray, interval: float) -> Range:
    tail = (1 - interval) / 2 * 100
    low, median, high = np.percentile(values, [tail, 50, 100 - tail])
    return Range(float(low), float(median), float(high))


def impact(avoided: np.ndarray, value: np.ndarray, cost_per_year: float, one_off_cost: float,
           interval: float) -> Impact:
    """Summarise Monte Carlo draws of breaches avoided and of value (both per year)."""
    net = value - cost_per_year
    recurring = to_range(net, interval)
    return Impact(
        breaches_avoided_per_year=to_range(avoided, interval), value_per_year=to_range(value, interval),
        cost_per_year=float(cost_per_year), one_off_cost=float(one_off_cost),
        net_benefit_per_year=first_year(recurring, one_off_cost),
        payback_months=payback_months(one_off_cost, recurring.median),
        chance_positive=float((net - one_off_cost > 0).mean()))
