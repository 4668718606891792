"""Recommendations fire on the effects the simulator planted (truth.json), with evidence and
ranges, and on a null simulation no staffing or priority recommendation fires."""

from __future__ import annotations


import pytest

from supportlens.sample import SimulationSpec, simulate


@pytest.fixture
def planted(planted_sample):
    analysis, truth = planted_sample
    return analysis.actions, truth


def test_planted_coverage_gap_yields_a_staffing_recommendation(planted):
    actions, truth = planted
    gap = truth["coverage_gap"]
    planted_slots = {(d, h) for d in gap["weekdays"] for h in gap["hours"]}
    coverage = [r for r in actions.recommendations if r.kind == "coverage"]
    assert coverage, "no staffing recommendation"
    recommended = {(d, h) for r in coverage for d, h in r.facts.slots}
    assert planted_slots <= recommended, planted_slots - recommended
    weekday = next(r for r in coverage if set(gap["weekdays"]) <= set(r.facts.block.days))
    assert weekday.facts.breach_rate_in_gap > weekday.facts.breach_rate_staffed
    assert all(weekday.facts.extra_by_hour[str(h)] >= 1 for h in gap["hours"])


def test_coverage_recommendation_is_checked_on_the_simulator(planted):
    actions, _ = planted
    weekday = next(r for r in actions.recommendations if r.kind == "coverage" and 0 in r.facts.block.days)
    check = weekday.facts.simulated
    assert check is not None, actions.what_if_note
    cover = weekday.facts.block.cover
    # the re-run applies exactly the recommended change: added where the plan adds, taken where it moves from
    assert check.change == cover.change
    assert sum(check.change.values()) == cover.hired_agent_hours_per_week
    gap = {d * 24 + h for d, h in weekday.facts.slots}
    assert {int(k) for k, v in check.change.items() if v > 0} <= gap
    assert all(int(k) // 24 < 5 for k in check.change)          # a weekday plan changes no weekend hour
    # the re-run with the recommended cover avoids breaches in the gap hours, of the predicted size
    predicted = weekday.impact.breaches_avoided_per_year
    assert check.avoided_in_gap_per_year > 0
    assert predicted.low / 2 <= check.avoided_in_gap_per_year <= predicted.high * 2
    expected = ("above" if check.avoided_in_gap_per_year > predicted.high else
                "below" if check.avoided_in_gap_per_year < predicted.low else "within")
    assert check.verdict == expected
    assert check.avoided_per_year == pytest.approx(check.avoided_in_gap_per_year + check.avoided_in_sources_per_year
                                                   + check.avoided_elsewhere_per_year)


def test_every_recommendation_names_its_simplest_alternative(planted):
    actions, _ = planted
    for r in actions.recommendations:
        alt = r.alternative
        assert alt.kind in {"review_top_priorities", "hire_only", "do_nothing"}
        if alt.kind == "do_nothing":
            assert alt.advantage_per_year == r.impact.net_benefit_per_year
        if r.kind == "coverage" and r.facts.moved_agent_hours_per_week > 0:
            assert alt.kind == "hire_only" and alt.advantage_per_year.median > 0


def _rec(actions, kind):
    return next(r for r in actions.recommendations if r.kind == kind)


def test_planted_effects_fire_their_rules(planted):
    actions, truth = planted
    kinds = {r.kind for r in actions.recommendations}
    assert {"coverage", "priority_team", "account_management", "self_service", "escalation"} <= kinds
    assert _rec(actions, "priority_team").facts.priority == truth["worst_breach_priority"]
    accounts = _rec(actions, "account_management").facts.accounts
    assert [a["account_id"] for a in accounts] == [truth["concentrated_account"]["account_id"]]
    # the simulator makes how_to quick, rarely escalated and mostly one-touch (sample/lifecycle.py)
    assert "how_to" in {c.category for c in _rec(actions, "self_service").facts.categories}
    handoff = _rec(actions, "escalation").facts.handoff
    transition = truth["bottleneck_transition"]
    assert (handoff.from_role, handoff.to_role) == (transition["from"], transition["to"])


def test_recommendations_quote_the_numbers_of_the_pages_they_link(planted_sample):
    """One definition per concept: each rule fires on the result its page shows, with the same numbers."""
    analysis, _ = planted_sample
    actions, diagnostics = analysis.actions, analysis.diagnostics
    # escalation: the handoff and numbers of the escalation_bottleneck finding (escalations page)
    finding = next(f.facts for f in analysis.findings if f.kind == "escalation_bottleneck")
    escalation = _rec(actions, "escalation")
    handoff = escalation.facts.handoff
    assert (handoff.from_role, handoff.to_role) == (finding.from_role, finding.to_role)
    assert handoff.median_wait_hours == finding.median_wait_hours
    assert [handoff.ci_low, handoff.ci_high] == list(finding.ci)
    assert escalation.facts.ratio == finding.ratio and escalation.facts.p_value == finding.p_value
    assert escalation.metric.baseline == finding.median_wait_hours
    assert escalation.metric.target == finding.others_median_wait_hours
    assert (escalation.evidence_page, escalation.evidence_chart) == ("escalations", "handoff_matrix")
    # accounts: the accounts page's dominant accounts and the account_concentration finding
    dominant = diagnostics.accounts.concentration.dominant
    accounts = _rec(actions, "account_management").facts.accounts
    assert accounts == dominant
    assert accounts[0]["account"] == next(f.facts for f in analysis.findings if f.kind == "account_concentration").account
    # self-service: exactly the workload page's automation candidates
    candidates = [c for c in diagnostics.workload.categories if c.candidate]
    service = _rec(actions, "self_service")
    assert service.facts.categories == candidates
    assert service.facts.deflectable_per_year == pytest.approx(sum(c.deflectable_per_year for c in candidates))
    # priority: the rates of the SLA summary of the whole span
    inversion = _rec(actions, "priority_team").facts
    by_priority = {b.priority: b.resolution for b in analysis.sla.all.by_priority}
    assert inversion.rate == by_priority[inversion.priority].value
    assert inversion.tighter_rate == by_priority[inversion.tighter].value
    # no rule charts its own evidence: each links to the page that shows it
    assert all(r.evidence_page != "recommendations" for r in actions.recommendations)


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


def test_null_simulation_fires_none_of_the_rules_on_planted_effects(null_sample):
    analysis, truth = null_sample
    actions = analysis.actions
    assert truth["coverage_gap"] is None and truth["concentrated_account"] is None
    assert truth["bottleneck_transition"] is None
    kinds = {r.kind for r in actions.recommendations}
    assert not kinds & {"coverage", "priority_team", "account_management", "self_service", "escalation"}, kinds
    assert actions.staffing.gap is None and actions.inversion is None
    # ... because the pages find nothing either
    assert not analysis.diagnostics.accounts.concentration.dominant
    assert not [c for c in analysis.diagnostics.workload.categories if c.candidate]
    assert "escalation_bottleneck" not in {f.kind for f in analysis.findings}


def test_simulate_tickets_is_the_tickets_table_of_simulate():
    import pandas as pd

    from supportlens.sample import simulate_tickets

    spec = SimulationSpec(tickets=2000, seed=2, extra_coverage={19: 2})
    pd.testing.assert_frame_equal(simulate_tickets(spec), simulate(spec).tickets)


def test_actions_that_do_not_pay_back_are_listed_apart(project):
    """The action plan lists only actions whose median net benefit is positive; the others stand on the
    recommendations page under 'Considered, not recommended', after every paying one."""
    import json
    import re

    recs = json.loads((project / "report" / "context.json").read_text())["actions"]["recommendations"]
    losing = [r for r in recs if r["impact"]["net_benefit_per_year"]["median"] <= 0]
    if not losing:
        pytest.skip("every action pays back in this sample")
    assert [r["pays_back"] for r in recs] == [r not in losing for r in recs]
    plan = (project / "index.qmd").read_text().split("{#action-plan}")[1]
    linked = [int(n) for n in re.findall(r"recommendations\.html#rec-(\d+)", plan)]
    assert linked == [r["rank"] for r in recs if r not in losing]
    page = (project / "recommendations.qmd").read_text()
    considered = page.index("{#not-recommended}")
    for r in recs:
        at = page.index(f"{{#rec-{r['rank']}}}")
        assert (at > considered) == (r in losing), r["rank"]
    assert "**Steps.**" not in page[considered:], "an action that is not recommended gets no steps or owner"
