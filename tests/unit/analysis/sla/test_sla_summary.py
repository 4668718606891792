"""sla.priority_inversion on hand-made per-priority breach counts."""

from __future__ import annotations

import pytest

from supportlens.analysis.sla.summary import PriorityBreach, SlaSummary, priority_inversion
from supportlens.analysis.core.stats import wilson
from supportlens.config import Findings

TARGETS = {"critical": 4.0, "high": 8.0, "normal": 24.0, "low": 72.0}   # resolution hours (the defaults)


def summary(breached: dict[str, tuple[int, int]]) -> SlaSummary:
    """priority -> (breached, completed) resolution SLAs."""
    rows = [PriorityBreach(p, 1.0, TARGETS[p], wilson(0, 0), wilson(*breached[p]), 0, breached[p][1])
            for p in TARGETS if p in breached]
    return SlaSummary(wilson(0, 0), wilson(0, 0), 0, 0, {}, rows, None, None)


def test_a_priority_that_breaches_more_than_a_tighter_one():
    # high 40 of 100 vs critical 20 of 100: ratio 2; pooled 0.3, z = 0.2 / sqrt(0.3 * 0.7 * 0.02) = 3.09, p = 0.002
    found = priority_inversion(summary({"critical": (20, 100), "high": (40, 100), "normal": (30, 100)}), Findings())
    assert (found.priority, found.tighter) == ("high", "critical")
    assert found.ratio == pytest.approx(2.0) and found.p_value == pytest.approx(0.00203, rel=0.01)
    assert (found.target_hours, found.tighter_target_hours) == (8.0, 4.0)
    assert (found.rate.events, found.tighter_rate.events) == (40, 20)


def test_no_inversion_when_the_targets_explain_the_breaches():
    # the tightest target breaches most: nothing has a tighter target to compare with
    assert priority_inversion(summary({"critical": (40, 100), "high": (20, 100)}), Findings()) is None
    # high breaches more, but only 1.2x critical: not material
    assert priority_inversion(summary({"critical": (50, 250), "high": (60, 250)}), Findings()) is None
    # a priority with fewer than 30 completed SLAs is not compared
    assert priority_inversion(summary({"critical": (2, 29), "high": (40, 100)}), Findings()) is None


def test_worst_priority_and_whether_priorities_differ_are_fields_of_the_summary(tiny_config):
    """The SLA page's "no clear difference between priorities", the chart's worst priority and its "critical or
    high" count are decided in the summary (on the configured alpha), not in the chart or the template."""
    from supportlens.analysis import analyse
    from supportlens.analysis.sla.summary import worst_priority
    from supportlens.analysis.core.stats import wilson
    from supportlens.analysis.sla.summary import PriorityBreach
    from supportlens.ingest import load_dataset

    rows = [PriorityBreach("critical", 1, 4, wilson(0, 0), wilson(2, 3), 2, 5),
            PriorityBreach("high", 4, 8, wilson(0, 0), wilson(30, 40), 1, 40),
            PriorityBreach("normal", 8, 24, wilson(0, 0), wilson(30, 40), 0, 40),
            PriorityBreach("low", 24, 72, wilson(0, 0), wilson(0, 0), 0, 0)]
    # critical's 66.7% rests on 3 completed SLAs (the BPIC 2013 log): not a pick; 0.75 of high ties with normal:
    # the more urgent first; low has no rate
    assert worst_priority(rows) == "high"
    assert worst_priority(rows[3:]) is None
    assert worst_priority(rows[:1]) is None              # no priority with enough completed SLAs: none is named
    assert worst_priority([PriorityBreach("critical", 1, 4, wilson(0, 0), wilson(29, 30), 0, 30)] + rows[1:]) == "critical"
    summary = analyse(load_dataset(tiny_config), tiny_config).sla.all
    p = summary.resolution_priority_p
    assert summary.priorities_differ is (None if p is None else p < tiny_config.findings.alpha)
    assert summary.open_breached_critical_or_high == 1   # T4 (high) is open past its target; no critical one is


def test_the_monthly_range_is_decided_in_analysis():
    from supportlens.analysis.core.breach import MonthBreach
    from supportlens.analysis.sla.summary import monthly_breach_range

    months = [MonthBreach(f"2025-0{i}", 0, 0, None, 0, 0, rate) for i, rate in enumerate((0.30, None, 0.10, 0.30, 0.10), 1)]
    picked = monthly_breach_range(months)
    assert (picked.best, picked.worst) == (2, 0)     # the first month of each tie; a month without a rate never
    empty = monthly_breach_range([MonthBreach("2025-01", 0, 0, None, 0, 0, None)])
    assert (empty.best, empty.worst) == (None, None)
