"""The escalation analysis finds what the simulator planted (truth.json): the tier 2 -> tier 3
bottleneck, the effect of customer silence on CSAT (and none on reopens), the effect of a
proactive-update policy measured by re-running the simulator, and an intervention's level change.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from supportlens.analysis.escalations.process import analyse_escalations, escalation_findings
from supportlens.analysis.escalations.before_after import interrupted_series
from supportlens.analysis.sla.summary import ticket_clocks
from supportlens.config import Config
from supportlens.sample import SimulationSpec, simulate
from supportlens.sample.what_if import simulate_policy

CONFIG = Config()


def analysed(spec: SimulationSpec):
    data = simulate(spec)
    as_of = data.events["event_at"].max()
    clocks = ticket_clocks(data.tickets, CONFIG.sla, as_of)
    result = analyse_escalations(data.events, data.tickets, clocks, as_of, CONFIG)
    simulated, reason = simulate_policy(data.truth, data.tickets, CONFIG.escalations.policy_hours,
                                        result.proactive.headline)
    return replace(result, proactive=replace(result.proactive, simulated=simulated, simulated_reason=reason)), data


@pytest.fixture(scope="module")
def planted():
    return analysed(SimulationSpec(tickets=20_000, seed=11))


@pytest.fixture(scope="module")
def null():
    return analysed(SimulationSpec(tickets=20_000, seed=11, planted_effects=False))


def test_planted_bottleneck_is_the_slowest_transition(planted):
    result, data = planted
    truth = data.truth["bottleneck_transition"]
    neck = result.handoffs.bottleneck
    assert (neck.handoff.from_role, neck.handoff.to_role) == (truth["from"], truth["to"])
    ranked = sorted((h for h in result.handoffs.matrix if not h.into_customer and h.handoffs >= 30),
                    key=lambda h: -h.median_wait_hours)
    assert ranked[0] is neck.handoff
    # the analysis measures the wait as truth.py does (escalation -> first tier-3 action)
    assert neck.handoff.median_wait_hours == pytest.approx(truth["median_wait_hours"], rel=0.02)
    assert neck.significant and neck.material
    finding = next(f for f in escalation_findings(result, CONFIG.findings) if f.kind == "escalation_bottleneck")
    assert (finding.facts.from_role, finding.facts.to_role) == ("tier2", "tier3")
    assert finding.facts.ratio > 3


def test_null_world_has_no_escalation_bottleneck(null):
    result, data = null
    assert data.truth["bottleneck_transition"] is None
    assert "escalation_bottleneck" not in [f.kind for f in escalation_findings(result, CONFIG.findings)]
    cells = {(h.from_role, h.to_role): h.median_wait_hours for h in result.handoffs.matrix}
    # both escalation handoffs behave alike in the null world
    assert cells[("tier2", "tier3")] == pytest.approx(cells[("tier1", "tier2")], rel=0.25)


def test_silence_lowers_csat_but_not_reopens(planted):
    result, _ = planted
    relations = {r.outcome: r for r in result.communication.relations}
    assert relations["csat"].significant and relations["csat"].effect < 0
    assert relations["csat"].ci_high < 0
    # the simulator draws reopens independently of silence
    assert not relations["reopened"].significant
    assert relations["reopened"].ci_low < 1 < relations["reopened"].ci_high
    # the resolution-time association is mechanical and never called significant
    assert not relations["resolution"].significant
    assert "customer_silence" in [f.kind for f in escalation_findings(result, CONFIG.findings)]


def test_policy_estimate_agrees_with_the_simulator_rerun(planted):
    result, data = planted
    head, sim = result.proactive.headline, result.proactive.simulated
    assert result.proactive.simulated_reason is None
    assert sim.hours == head.hours == CONFIG.escalations.policy_hours
    assert sim.csat_change > 0 and sim.csat_ci_low > 0
    # the estimate from the observed relation covers what the policy did in the simulated world
    assert head.csat_ci_low <= sim.csat_change <= head.csat_ci_high
    # the simulator plants no effect of updates on reopens or resolution
    assert sim.reopen_rate_after == sim.reopen_rate_before
    assert sim.median_resolution_hours_after == sim.median_resolution_hours_before
    # the updates the analysis says the policy needs are the ones the simulator added
    assert head.extra_updates_per_ticket == pytest.approx(sim.updates_added_per_escalated, rel=0.05)


def test_no_rerun_without_the_sample_truth(planted):
    result, data = planted
    simulated, reason = simulate_policy(None, data.tickets, CONFIG.escalations.policy_hours, result.proactive.headline)
    assert simulated is None
    assert reason is None   # a real export: nothing to re-run, and nothing for the report to say about it


@pytest.mark.parametrize("effect", [-12.0, 0.0])
def test_interrupted_series_recovers_a_planted_level_change(effect):
    spec = SimulationSpec(tickets=20_000, seed=11, change_date="2026-04-06", change_effect_hours=effect)
    data = simulate(spec)
    assert data.truth["intervention"]["effect_hours"] == effect
    as_of = data.events["event_at"].max()
    clocks = ticket_clocks(data.tickets, CONFIG.sla, as_of)
    result = interrupted_series(clocks, data.tickets["escalated"].to_numpy(), date(2026, 4, 6), "the change", as_of, 0.05)
    level = result.resolution
    assert result.population == "escalated tickets"
    assert result.weeks_before >= 20 and result.weeks_after >= 20
    assert level.level_ci_low <= effect <= level.level_ci_high
    if effect:
        assert level.level_ci_high < 0 and level.significant
        assert result.breach.level_change < 0
    else:
        assert level.level_p > 0.05


def test_default_spec_plants_no_intervention():
    truth = simulate(SimulationSpec(tickets=500, seed=3)).truth
    assert "intervention" not in truth
    with pytest.raises(ValueError):
        SimulationSpec(change_effect_hours=-3.0)
