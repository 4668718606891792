"""Erlang C against published worked examples (values copied from the cited sources)."""

from __future__ import annotations

import math

import pytest

from supportlens.analysis.staffing.erlang import average_wait_minutes, erlang_c, required_agents, service_level


def test_call_centre_helper_worked_example():
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
    (https://www.callcentrehelper.com/erlang-c-formula-example-121281.htm): 100 calls in
    30 minutes, average handling time 180 s, 80% answered within 20 s, maximum occupancy
    85%, shrinkage 30%. Published: traffic 10 erlangs; 14 agents, who reach a service level
    of 88.8% with a 17.4% probability of waiting at 71.4% occupancy; 20 agents rostered
    after shrinkage. (pyworkforce's test suite pins the same figures.)"""
    need = required_agents(arrivals_per_hour=200, handle_minutes=3, answer_within_minutes=20 / 60,
                           target_service_level=0.80, max_occupancy=0.85, shrinkage=0.30)
    assert need.traffic == pytest.approx(10.0)
    assert need.agents == 14
    assert need.scheduled == 20
    assert need.service_level == pytest.approx(0.888, abs=5e-4)
    assert need.waiting_probability == pytest.approx(0.174, abs=5e-4)
    assert need.occupancy == pytest.approx(0.714, abs=5e-4)
    # The same example with a 70% occupancy cap: 15 agents, 22 rostered.
    capped = required_agents(200, 3, 20 / 60, 0.80, 0.70, 0.30)
    assert (capped.agents, capped.scheduled) == (15, 22)


def test_mitan_erlang_c_formula_example():
    """Mitan Ltd, "The Erlang-C formula" worked example (erlang.co.uk): 360 calls per half
    hour, 4-minute calls, 55 agents: traffic 48 erlangs, probability of waiting 0.2387,
    average speed of answer about 8.2 seconds."""
    traffic = 360 / 30 * 4
    assert traffic == 48
    assert erlang_c(traffic, 55) == pytest.approx(0.2387, abs=1e-4)
    assert average_wait_minutes(traffic, 55, 4) * 60 == pytest.approx(8.2, abs=0.05)


def test_erlang_uplift_example():
    """Jones the Net, "Erlang uplift" (jonesthenet.com/budgeting/service-levels-erlang/erlang-uplift):
    250 calls in an hour, AHT 330 s, 80% answered in 30 s: Erlang needs 28 advisors where
    the plain workload (250 × 330 / 3600 = 22.9) suggests 23."""
    need = required_agents(250, 330 / 60, 0.5, 0.80, 1.0, 0.0)
    assert need.traffic == pytest.approx(22.9, abs=0.05)
    assert need.agents == 28


def test_small_queue_by_hand():
    """M/M/3 with 2 erlangs: P0 = 1/9 and C = (2³/3!)·3/(3−2)·P0 = 4/9 (worked by hand)."""
    assert erlang_c(2.0, 3) == pytest.approx(4 / 9, rel=1e-12)
    # M/M/1: C equals the utilisation
    assert erlang_c(0.6, 1) == pytest.approx(0.6)
    assert service_level(0.6, 1, 10, 10) == pytest.approx(1 - 0.6 * math.exp(-0.4))


def test_edges():
    assert erlang_c(5.0, 5) == 1.0 and service_level(5.0, 4, 3, 1) == 0.0
    assert required_agents(0, 30, 60, 0.8, 0.85, 0.3).scheduled == 0
    # a large centre stays finite (the recursion does not overflow)
    assert 0 < erlang_c(950.0, 1000) < 1


def test_a_plan_by_hour_needs_the_hour_of_creation():
    """Creation times that hold dates only put every ticket at 00:00: no staffing plan, a reason instead."""
    import pandas as pd

    from supportlens.analysis.staffing.plan import NoHourOfDay, staffing_plan
    from supportlens.config import Config

    dates_only = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07"], utc=True)})
    with pytest.raises(NoHourOfDay, match="dates only"):
        staffing_plan(dates_only, None, Config())
