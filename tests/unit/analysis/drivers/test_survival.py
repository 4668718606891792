"""Resolution as survival: Kaplan-Meier by priority with open tickets censored, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sstats

from diagnostics_helpers import clocks
from supportlens.analysis.drivers.survival import resolution_survival
from supportlens.config import SlaPolicy


def test_kaplan_meier_by_priority_by_hand():
    # high (target 8 h): solved at 2, 4, 6 h, 10 h; one open at 5 h (censored); one open at 12 h.
    #   S(2) = 5/6, S(4) = 5/6 * 4/5 = 2/3, S(6) = 2/3 * 2/3 = 4/9 (the 5 h ticket left the risk set), S(10) = 4/9 * 1/2
    #   median = 6 h; resolved within 8 h = 1 - 4/9 = 5/9
    high = [{"n": 1, "resolution_hours": h, "priority": "high"} for h in (2.0, 4.0, 6.0, 10.0)]
    high += [{"n": 1, "open": 1, "resolution_hours": h, "priority": "high"} for h in (5.0, 12.0)]
    low = [{"n": 1, "resolution_hours": h, "priority": "low"} for h in (30.0, 40.0, 50.0)]
    frame = clocks(high + low)
    result = resolution_survival(frame, SlaPolicy(), "test", 0.05)
    curve = next(c for c in result.curves if c.priority == "high")
    assert (curve.tickets, curve.resolved, curve.censored) == (6, 4, 2)
    assert curve.median_hours == 6.0
    assert curve.target_hours == 8.0
    assert curve.resolved_within_target == pytest.approx(5 / 9)
    grid = np.asarray(curve.hours)
    at = lambda t: curve.unresolved[int(np.flatnonzero(grid <= t)[-1])]  # noqa: E731
    assert at(3.0) == pytest.approx(5 / 6) and at(7.0) == pytest.approx(4 / 9)
    assert {c.priority for c in result.curves} == {"high", "low"}
    # the curves the chart's sentence names: low (median 40 h) is the slowest, high (6 h) the fastest
    assert result.curves[result.slowest_curve].priority == "low"
    assert result.curves[result.fastest_curve].priority == "high"
    # log-rank against scipy's two-sample implementation on the same censored data
    reference = sstats.logrank(sstats.CensoredData.right_censored([2, 4, 6, 10, 5, 12], [0, 0, 0, 0, 1, 1]),
                               sstats.CensoredData.right_censored([30, 40, 50], [0, 0, 0]))
    assert result.logrank_df == 1 and result.logrank_p == pytest.approx(reference.pvalue)


def test_within_target_interval_brackets_the_estimate():
    rng = np.random.default_rng(3)
    hours = list(rng.exponential(6.0, 400))
    frame = clocks([{"n": 400, "resolution_hours": hours, "priority": "normal"}])
    curve = resolution_survival(frame, SlaPolicy(), "test", 0.05).curves[0]
    # exponential(6 h): P(T <= 24 h) = 1 - exp(-4) = 0.982
    assert curve.within_target_ci_low < curve.resolved_within_target < curve.within_target_ci_high
    assert curve.within_target_ci_low < 1 - np.exp(-4) < curve.within_target_ci_high
