"""Recommendations fire on the effects the simulator planted (truth.json), with evidence and
ranges, and on a null simulation no staffing or priority recommendation fires."""

from __future__ import annotations


import pytest

from supportlens.sample import SimulationSpec, simulate


@pytest.fixture
def planted(planted_sample):
    analysis, truth = planted_sample
    return analysis.actions, truth


@pytest.fixture
def null(null_sample):
    analysis, truth = null_sample
    return analysis.actions, truth


def test_planted_coverage_gap_yields_a_staffing_recommendation(planted):
    actions, truth = planted
    gap = truth["coverage_gap"]
    planted_slots = {(d, h) for d in gap["weekdays"] for h in gap["hours"]}
    coverage = [r for r in actions.recommendations if r.kind == "coverage"]
    assert coverage, "no staffing recommendation"
    recommended = {(d, h) for r in coverage for d, h in r.facts["slots"]}
    assert planted_slots <= recommended, planted_slots - recommended
    weekday = next(r for r in coverage if set(gap["weekdays"]) <= set(r.facts["block"].days))
    assert weekday.facts["breach_rate_in_gap"] > weekday.facts["breach_rate_staffed"]
    assert all(weekday.facts["extra_by_hour"][str(h)] >= 1 for h in gap["hours"])


def test_coverage_recommendation_is_checked_on_the_simulator(planted):
    actions, _ = planted
    weekday = next(r for r in actions.recommendations if r.kind == "coverage" and 0 in r.facts["block"].days)
    check = weekday.facts["simulated"]
    assert check is not None, actions.what_if_note
    predicted = weekday.impact.breaches_avoided_per_year
    # the re-run with the recommended cover avoids breaches in the gap hours, of the predicted size
    assert check.avoided_in_gap_per_year > 0
    assert predicted.low / 2 <= check.avoided_in_gap_per_year <= predicted.high * 2


def test_planted_effects_fire_their_rules(planted):
    actions, truth = planted
    kinds = {r.kind for r in actions.recommendations}
    assert {"coverage", "priority_team", "account_management", "escalation"} <= kinds
    priority = next(r for r in actions.recommendations if r.kind == "priority_team")
    assert priority.facts["priority"] == truth["worst_breach_priority"]
    assert [a.account_id for a in actions.accounts] == [truth["concentrated_account"]["account_id"]]
    transition = truth["bottleneck_transition"]
    assert actions.bottleneck.slow.transition == f"{transition['from']}->{transition['to']}"


def test_recommendations_carry_evidence_ranges_and_metrics(planted):
    actions, _ = planted
    nets = [r.impact.net_benefit_per_year.median for r in actions.recommendations]
    assert nets == sorted(nets, reverse=True)
    assert [r.rank for r in actions.recommendations] == list(range(1, len(nets) + 1))
    for r in actions.recommendations:
        low, mid, high = (r.impact.net_benefit_per_year.low, r.impact.net_benefit_per_year.median,
                          r.impact.net_benefit_per_year.high)
        assert low <= mid <= high
        assert r.evidence_page and r.owner and r.timeline and r.metric.label
        assert r.metric.target != r.metric.baseline


def test_model_beats_baseline_on_the_planted_sample(planted):
    actions, _ = planted
    scores = {m.id: m for m in actions.risk.models}
    assert scores[actions.risk.chosen].roc_auc.ci_low > scores["priority_only"].roc_auc.ci_high


def test_null_simulation_fires_no_staffing_or_priority_recommendation(null):
    actions, truth = null
    assert truth["coverage_gap"] is None
    kinds = {r.kind for r in actions.recommendations}
    assert not kinds & {"coverage", "priority_team"}, kinds
    assert actions.staffing.gap is None
    assert not actions.accounts and actions.bottleneck is None


def test_simulate_tickets_is_the_tickets_table_of_simulate():
    import pandas as pd

    from supportlens.sample import simulate_tickets

    spec = SimulationSpec(tickets=2000, seed=2, extra_coverage={19: 2})
    pd.testing.assert_frame_equal(simulate_tickets(spec), simulate(spec).tickets)
