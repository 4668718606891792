"""The analysis finds the effects the simulator planted (truth.json), and none on a null simulation."""

from __future__ import annotations


import pytest



@pytest.fixture
def planted(planted_sample):
    return planted_sample


@pytest.fixture
def null(null_sample):
    return null_sample


def test_coverage_gap_hours_are_found(planted):
    analysis, truth = planted
    gap = next(f for f in analysis.findings if f.kind == "coverage_gap")
    planted_hours = set(truth["coverage_gap"]["hours"])
    found = set(gap.facts.hours)
    # every flagged hour is a planted gap hour, and most planted hours are flagged
    assert found <= planted_hours, (found, planted_hours)
    assert len(found & planted_hours) >= len(planted_hours) // 2
    assert gap.facts.breach_rate_in_hours > gap.facts.breach_rate_other_hours


def test_worst_breach_priority_is_found(planted):
    analysis, truth = planted
    finding = next(f for f in analysis.findings if f.kind == "priority_breach")
    assert finding.facts.priority == truth["worst_breach_priority"]
    assert finding.facts.rate > finding.facts.goal and finding.facts.adjusted_p < 0.05


def test_null_simulation_flags_no_coverage_gap(null):
    analysis, truth = null
    assert truth["coverage_gap"] is None
    assert not [f for f in analysis.findings if f.kind == "coverage_gap"]
