"""The review at creation: tickets ranked by expected breach cost, the simple rule chosen on the training
months, and a review recommended only when the model beats that rule (never on shuffled labels)."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.analysis.risk.review import (ReviewVerdict, best_priority_rule, expected_cost, priorities_by_cost,
                                              review_threshold, saving)
from supportlens.config import Config

COSTS = Config().costs          # breach 500 / 200 / 50 / 10, review 5, prevention 20–40% (mid 30%)
BREACH = COSTS.breach


def test_expected_cost_ranks_by_risk_times_the_cost_of_a_breach():
    # a hand-made cost table: risk alone ranks low > normal > high > critical
    priority = np.array(["critical", "low", "high", "normal"])
    risk = np.array([0.10, 0.60, 0.30, 0.50])
    cost = np.array([BREACH[p] for p in priority])
    # 0.1 × 500 = 50, 0.6 × 10 = 6, 0.3 × 200 = 60, 0.5 × 50 = 25
    assert expected_cost(risk, cost).tolist() == pytest.approx([50.0, 6.0, 60.0, 25.0])
    assert [priority[i] for i in np.argsort(-expected_cost(risk, cost))] == ["high", "critical", "normal", "low"]
    assert [priority[i] for i in np.argsort(-risk)] == ["low", "normal", "high", "critical"]


def test_saving_is_prevented_breach_cost_minus_reviews():
    y = np.array([1, 0, 1, 1])
    cost = np.array([500.0, 500.0, 200.0, 10.0])
    flagged = np.array([True, True, True, False])
    # 0.3 × (500 + 200) − 5 × 3 = 210 − 15
    assert saving(flagged, y, cost, 0.3, 5.0) == pytest.approx(195.0)


def _table(rates: dict[str, tuple[int, int]]):
    """Tickets per priority: (tickets, breached)."""
    priority, y = [], []
    for p, (n, breached) in rates.items():
        priority += [p] * n
        y += [1] * breached + [0] * (n - breached)
    return np.array(priority, dtype=object), np.array(y, dtype=float)


def test_the_simple_rule_is_chosen_on_the_training_months():
    assert priorities_by_cost(COSTS) == ["critical", "high", "normal", "low"]
    # training: per priority 10 tickets; at 30% prevention and 5 a review:
    # critical 0.3 × 5 × 500 − 50 = 700, high 0.3 × 1 × 200 − 50 = 10, normal 0.3 × 1 × 50 − 50 = −35
    train_p, train_y = _table({"critical": (10, 5), "high": (10, 1), "normal": (10, 1), "low": (10, 0)})
    # test months where high tickets never breach: there critical alone would be best (700 against 700 − 50)
    test_p, test_y = _table({"critical": (10, 5), "high": (10, 0), "normal": (10, 1), "low": (10, 0)})
    priority, y = np.concatenate([train_p, test_p]), np.concatenate([train_y, test_y])
    cost = np.array([BREACH[p] for p in priority])
    training = np.arange(len(y)) < len(train_y)
    rule, value = best_priority_rule(priority, y, cost, training, COSTS)
    assert rule == ["critical", "high"] and value == pytest.approx(710.0)
    assert best_priority_rule(priority, y, cost, ~training, COSTS)[0] == ["critical"]


def test_no_rule_when_no_priority_pays():
    priority, y = _table({"critical": (10, 0), "high": (10, 0), "normal": (10, 0), "low": (10, 0)})
    cost = np.array([BREACH[p] for p in priority])
    assert best_priority_rule(priority, y, cost, np.ones(len(y), dtype=bool), COSTS) == ([], 0.0)


def _world(seed: int, informative: bool):
    """Training, validation and test tickets whose risk varies within each priority. The score is the true
    risk when ``informative``; with shuffled labels it carries nothing."""
    rng = np.random.default_rng(seed)
    n = 12_000
    priority = rng.choice(["critical", "high", "normal", "low"], n, p=[0.1, 0.2, 0.5, 0.2]).astype(object)
    risk = np.where(rng.random(n) < 0.3, 0.6, 0.02)     # a risky third in every priority
    y = (rng.random(n) < risk).astype(float)
    if not informative:
        y = rng.permutation(y)
    part = np.repeat([0, 1, 2], n // 3)                  # training, validation, test
    cost = np.array([BREACH[p] for p in priority])
    draws = rng.integers(0, n // 3, size=(300, n // 3))
    return risk, y, priority, cost, part, draws


def _threshold(seed: int, informative: bool, beats_priority: bool = True):
    risk, y, priority, cost, part, draws = _world(seed, informative)
    return review_threshold(risk, y, priority, cost, part == 0, part == 1, part == 2, draws, 60.0, 240.0, COSTS,
                            0.8, np.random.default_rng(seed), beats_priority)


def test_a_model_that_knows_the_risk_beats_the_simple_rule():
    t = _threshold(1, informative=True)
    # the rule reviews every critical and high ticket, two-thirds of them at 2% risk; the model skips those
    assert t.rule.priorities == ["critical", "high"]
    assert t.probability_by_priority["critical"] == pytest.approx(t.expected_cost / 500)
    assert t.advantage_per_year.ci_low > 0 and t.chance_beats_rule > 0.975
    assert t.verdict == ReviewVerdict.RECOMMENDED
    # breaches avoided are a range: the prevention rate is drawn from 20–40%, not fixed
    avoided = t.breaches_avoided_per_year
    assert avoided.low < avoided.median < avoided.high
    caught = t.breaches_caught_per_year
    assert 0.2 * caught <= avoided.low and avoided.high <= 0.4 * caught


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_labels_never_yield_a_recommendation(seed):
    """Even with the check against priority alone passed (as if by chance), shuffled labels never make the
    model beat the simple rule."""
    t = _threshold(seed, informative=False, beats_priority=True)
    assert t.verdict == ReviewVerdict.NO_BETTER_THAN_RULE
    assert t.advantage_per_year.ci_low <= 0
    # reviewing still pays (critical tickets are worth a look at any risk): the saving alone would not stop it
    assert t.net_saving_range.low > 0


def test_a_model_no_better_than_priority_is_not_recommended():
    assert _threshold(1, informative=True, beats_priority=False).verdict == ReviewVerdict.NO_BETTER_THAN_PRIORITY


@pytest.fixture(scope="module")
def simulated():
    from supportlens.analysis.core.period import reporting_period
    from supportlens.analysis.sla.summary import ticket_clocks
    from supportlens.analysis.staffing.plan import agents_on_shift
    from supportlens.dataset import Dataset
    from supportlens.sample import SimulationSpec, simulate

    data = simulate(SimulationSpec(tickets=12_000, seed=5))
    schedule, _ = agents_on_shift(Dataset(tickets=data.tickets, agents=data.agents), None)
    config = Config.model_validate({"period": {"length": "all"}, "risk": {"bootstrap": 100, "importance_repeats": 1}})
    as_of = reporting_period(data.tickets, config.period).as_of
    return ticket_clocks(data.tickets, config.sla, as_of), data.accounts, schedule, as_of, config


@pytest.mark.parametrize("seed", range(3))
def test_the_whole_model_on_shuffled_labels_is_never_recommended(simulated, seed):
    """The breach labels of the simulated organisation shuffled among the labelled tickets: whatever the
    model then finds, no review is recommended."""
    from types import SimpleNamespace

    from supportlens.analysis.actions.recommendations import risk_review_rule
    from supportlens.analysis.risk.model import labelled, risk_model

    clocks, accounts, schedule, as_of, config = simulated
    known = labelled(clocks, as_of).notna().to_numpy()
    shuffled = clocks.copy()
    state = shuffled["resolution_state"].to_numpy(dtype=object).copy()
    state[known] = np.random.default_rng(seed).permutation(state[known])
    shuffled["resolution_state"] = state
    model = risk_model(shuffled, accounts, schedule, as_of, config)
    assert model.threshold.verdict != ReviewVerdict.RECOMMENDED
    assert risk_review_rule(SimpleNamespace(risk=model), config, None) is None


def test_open_tickets_are_listed_by_expected_breach_cost():
    import pandas as pd

    from supportlens.analysis.risk.model import _open_at_risk

    clocks = pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3", "T4"], "priority": ["critical", "low", "high", "normal"],
        "channel": ["email"] * 4, "category": ["bug"] * 4,
        "created_at": pd.to_datetime(["2026-01-01 00:00"] * 4, utc=True),
        "resolution_target_minutes": [240.0, 4320.0, 480.0, 1440.0]})
    risk = np.array([0.10, 0.90, 0.30, 0.50])
    cost = np.array([BREACH[p] for p in clocks["priority"]])
    listed = _open_at_risk(clocks, risk, cost, np.array([True, True, True, False]),
                           pd.Timestamp("2026-01-01 01:00", tz="UTC"), top=3)
    # 0.3 × 200 = 60, 0.1 × 500 = 50, 0.9 × 10 = 9 (T4 is not open)
    assert [(o.ticket_id, o.expected_cost) for o in listed] == [("T3", pytest.approx(60.0)), ("T1", pytest.approx(50.0)),
                                                                ("T2", pytest.approx(9.0))]
