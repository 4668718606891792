"""Covering a gap: agent hours move in only from same-day hours that keep the Erlang C requirement;
the rest is hired; the change is exactly what the plan says."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.analysis.staffing.moves import cover_plan
from supportlens.analysis.staffing.plan import days_label

MON, TUE = 0, 1


def _week(default: float) -> np.ndarray:
    return np.full(168, default, dtype=float)


def _plan(need_at_gap: int):
    """Monday 19:00 is the gap. Monday 10:00 has 2 agents to spare, Monday 11:00 one, Tuesday 10:00 five
    (another day: never a source). Every other hour has exactly what it requires."""
    gap = MON * 24 + 19
    scheduled, required, traffic, need = _week(4), _week(4), _week(1.0), _week(0)
    need[gap] = need_at_gap
    scheduled[MON * 24 + 10], scheduled[MON * 24 + 11], scheduled[TUE * 24 + 10] = 6, 5, 9
    scheduled[gap] = 1
    return cover_plan([gap], need, scheduled, required, traffic, handle_minutes=10, answer_within_minutes=60,
                      target_level=0.8, max_occupancy=0.85, shrinkage=0.3, day_label=days_label)


def test_hours_move_from_the_slots_that_can_spare_them_on_the_same_day():
    plan = _plan(3)
    assert plan.added == [[MON, 19, 3]]
    assert [(m.days_label, m.from_hour, m.to_hour, m.agents) for m in plan.moves] == [("Mon", 10, 19, 2),
                                                                                      ("Mon", 11, 19, 1)]
    assert plan.moved_agent_hours_per_week == 3 and plan.hired_agent_hours_per_week == 0
    # the change the simulator re-runs: +3 at the gap, −2 and −1 where they came from, nothing else
    assert plan.change == {"10": -2, "11": -1, "19": 3}
    assert sum(plan.change.values()) == 0


def test_what_no_move_can_cover_is_hired():
    plan = _plan(5)
    assert plan.moved_agent_hours_per_week == 3 and plan.hired_agent_hours_per_week == 2
    assert plan.change == {"10": -2, "11": -1, "19": 5}


def test_each_source_keeps_its_target_after_the_move():
    plan = _plan(3)
    by_hour = {s.hour: s for s in plan.sources}
    assert set(by_hour) == {10, 11}
    ten = by_hour[10]
    assert (ten.day, ten.scheduled_before, ten.scheduled_after, ten.required) == ("Mon", 6, 4, 4)
    # 4 rostered at 30% shrinkage = 2 on the queue (floor of 2.8), 1 erlang: Erlang B = 0.5 / 2.5 = 0.2,
    # C = 2 × 0.2 / (2 − 0.8) = 1/3, answered within 60 min at 10 min a ticket = 1 − e^(−6) / 3
    assert ten.service_level_after == pytest.approx(1 - np.exp(-6) / 3)
    assert ten.service_level_after >= 0.8 and ten.within_target
    assert all(s.within_target for s in plan.sources)
