"""Step changes on simulated organisations (issue 14, 10): a planted change is found at its week, and a null world
(no planted effect; volume still has its seasons and growth, breach rates their seasonal queues) states none."""

from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis.core.clocks import ticket_clocks
from supportlens.analysis.core.period import reporting_period
from supportlens.analysis.core.volume import backlog
from supportlens.analysis.trends import _points, step_changes
from supportlens.config import Config
from supportlens.sample import SimulationSpec, simulate

CONFIG = Config.model_validate({"period": {"length": "all"}})


def steps_of(spec: SimulationSpec):
    data = simulate(spec)
    period = reporting_period(data.tickets, CONFIG.period)
    clocks = ticket_clocks(data.tickets, CONFIG.sla, period.as_of, events=data.events)
    weekly = _points(clocks, backlog(clocks, period.as_of), "W", period.as_of, period.data_end)
    return {s.series: s for s in step_changes(weekly, CONFIG.findings.alpha)}


@pytest.mark.slow
def test_a_planted_change_is_found_at_its_week():
    # from Monday 6 April 2026 escalated tickets are resolved 72 hours later (the simulator's intervention)
    steps = steps_of(SimulationSpec(tickets=5_000, seed=401, planted_effects=False, change_date="2026-04-06",
                                    change_effect_hours=72))
    rate = steps["resolution_breach"]
    assert rate.significant and rate.material and rate.after > rate.before
    assert abs(pd.Timestamp(rate.week) - pd.Timestamp("2026-04-06")) <= pd.Timedelta(weeks=1)
    assert not (steps["volume"].significant and steps["volume"].material)      # volume was not touched


@pytest.mark.slow
@pytest.mark.parametrize("tickets,seeds", [(600, range(200, 210)), (5_000, range(400, 403))])
def test_a_null_world_states_no_step(tickets, seeds):
    fired = [seed for seed in seeds
             if any(s.significant and s.material for s in steps_of(
                 SimulationSpec(tickets=tickets, seed=seed, planted_effects=False)).values())]
    assert fired == []
