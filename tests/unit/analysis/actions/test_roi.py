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
    assert result.net_benefit_per_year.median == 1000            # median value 5,000 − 4,000
    assert result.payback_months == pytest.approx(72.0)           # 6,000 / (1,000 / 12)
    assert result.chance_positive == pytest.approx(5 / 9)         # values 5..9 beat the cost
    spread = to_range(np.arange(101.0), 0.8)
    assert (spread.low, spread.median, spread.high) == pytest.approx((10.0, 50.0, 90.0))
