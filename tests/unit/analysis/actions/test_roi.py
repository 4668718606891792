"""ROI arithmetic on a case worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.analysis.actions.roi import breach_value, impact, payback_months, to_range

COSTS = {"critical": 500.0, "high": 200.0, "normal": 50.0, "low": 10.0}


def test_tiny_case_by_hand():
    # 10 critical and 20 normal breaches avoided a year: 10 × 500 + 20 × 50 = 6,000.
    value = breach_value({"critical": 10, "normal": 20}, COSTS)
    assert value == 6000
    # 100 agent hours a year at 40 = 4,000 a year: net 2,000; a one-off 1,000 pays back in
    # 1,000 / (2,000 / 12) = 6 months.
    net = value - 100 * 40
    assert net == 2000
    assert payback_months(1000, net) == pytest.approx(6.0)
    assert payback_months(0, net) == 0.0
    assert payback_months(1000, -5) is None


def test_impact_summarises_draws():
    # value draws 1..9 (× 1,000), cost 4,000 a year, one-off 6,000
    value = np.arange(1, 10) * 1000.0
    result = impact(np.arange(1, 10, dtype=float), value, 4000, 6000, interval=0.8)
    # the first year carries the one-off: median value 5,000 − 4,000 − 6,000
    assert result.net_benefit_per_year.median == -5000
    assert result.payback_months == pytest.approx(72.0)           # 6,000 / ((5,000 − 4,000) / 12)
    assert result.chance_positive == pytest.approx(0 / 9)         # no value draw beats 4,000 + 6,000 (max 9,000)
    spread = to_range(np.arange(101.0), 0.8)
    assert (spread.low, spread.median, spread.high) == pytest.approx((10.0, 50.0, 90.0))


@pytest.mark.parametrize("one_off", [0.0, 500.0, 1999.0, 2001.0, 6000.0, 24000.0])
def test_a_positive_net_benefit_pays_back_within_the_year_it_covers(one_off):
    # value draws 5,000..7,000 (median 6,000), yearly cost 4,000: 2,000 a year before the one-off.
    # A payback beyond 12 months (one-off > 2,000) cannot come with a positive net benefit over the year.
    result = impact(np.ones(3), np.array([5000.0, 6000.0, 7000.0]), 4000, one_off, interval=0.8)
    assert result.net_benefit_per_year.median == pytest.approx(2000 - one_off)
    within_year = result.payback_months is not None and result.payback_months < 12
    assert (result.net_benefit_per_year.median > 0) == within_year
    assert result.chance_positive == pytest.approx(np.mean(np.array([1000.0, 2000.0, 3000.0]) > one_off))
