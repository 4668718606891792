"""The summary's verdict (issue 13): targets met, the one missed by most, and only significant changes coloured.
KPIs made by hand; the expected counts and factors worked out on paper."""

from __future__ import annotations

import pytest

from supportlens.analysis.sla.kpis import Kpi, with_significance
from supportlens.analysis.sla.verdict import miss_factor, verdict


def kpi(kpi_id: str, better: str, value: float, target: float | None, change: float | None = None,
        p: float | None = None) -> Kpi:
    meets = None if target is None else (value <= target if better == "lower" else value >= target)
    return Kpi(id=kpi_id, label=kpi_id, unit="share", better=better, value=value, ci_low=None, ci_high=None, n=100,
               previous=None if change is None else value - change, change=change, relative_change=None, p_value=p,
               target=target, meets_target=meets, monthly=[], definition="")


def test_targets_met_and_the_one_missed_by_most():
    kpis = [kpi("tickets", "neutral", 500, None),
            kpi("resolution_breach_rate", "lower", 0.20, 0.10),     # 2.0× the target
            kpi("first_response_breach_rate", "lower", 0.12, 0.10),  # 1.2×
            kpi("one_touch_rate", "higher", 0.20, 0.50),             # target ÷ value = 2.5×: missed by most
            kpi("csat_mean", "higher", 4.2, 4.0)]                    # met
    v = verdict(kpis)
    assert (v.targets, v.met) == (4, 1)
    assert v.furthest_off == "one_touch_rate" and v.off_by == pytest.approx(2.5)
    assert miss_factor(kpis[1]) == pytest.approx(2.0)


def test_every_target_met_names_none_and_a_zero_target_is_furthest():
    assert verdict([kpi("a", "lower", 0.05, 0.10), kpi("b", "higher", 0.9, 0.5)]).furthest_off is None
    v = verdict([kpi("a", "lower", 0.05, 0.0), kpi("b", "lower", 0.5, 0.1)])   # any breach against a target of 0
    assert v.furthest_off == "a" and v.off_by is None


def test_only_a_significant_change_is_coloured():
    kpis = with_significance([
        kpi("worse", "lower", 0.30, None, change=0.10, p=0.0001),   # significant after adjustment, worse
        kpi("better", "higher", 0.60, None, change=0.10, p=0.0002),  # significant, better
        kpi("noise", "lower", 0.20, None, change=-0.05, p=0.40),    # better in direction, not significant
        kpi("volume", "neutral", 900, None, change=100),            # no better way: never coloured
        kpi("new", "lower", 0.1, None)], alpha=0.05)                # no previous period
    status = {k.id: k.change_status for k in kpis}
    assert status == {"worse": "worsened", "better": "improved", "noise": "unclear", "volume": "unclear", "new": None}
    v = verdict(kpis)
    assert (v.worsened, v.improved) == (["worse"], ["better"])
