"""The staffing heatmap's sentence names the peak first-response breach rate among slots with enough SLAs
(issue 13: on the BPIC 2013 log 'Sun 07:00: 100.0%' rested on one late ticket)."""

from __future__ import annotations

from types import SimpleNamespace

from supportlens.analysis.core.extremes import highest
from supportlens.analysis.staffing.plan import PEAK_MIN_SLAS, _rated


def slot(rate: float, n: int):
    return SimpleNamespace(first_response=SimpleNamespace(value=rate, n=n))


def test_the_peak_is_named_among_slots_with_enough_completed_slas():
    slots = [slot(0.10, 200), slot(1.0, 1), slot(0.25, PEAK_MIN_SLAS), slot(0.5, PEAK_MIN_SLAS - 1)]
    assert _rated(slots) == [0, 2]
    assert highest(slots, lambda s: s.first_response.value, among=_rated(slots) or None) == 2
    # a sparse export where no slot has enough: every slot is eligible again (the plain highest)
    few = [slot(0.2, 3), slot(0.9, 2)]
    assert highest(few, lambda s: s.first_response.value, among=_rated(few) or None) == 1
