"""The staffing heatmap's sentence names the peak first-response breach rate among slots with enough SLAs
(issue 13: on the BPIC 2013 log 'Sun 07:00: 100.0%' rested on one late ticket); the rule is the one of every
pick (analysis/core/extremes.py)."""

from __future__ import annotations

from types import SimpleNamespace

from supportlens.analysis.core.extremes import MIN_COUNT, highest, well_counted


def slot(rate: float, n: int):
    return SimpleNamespace(first_response=SimpleNamespace(value=rate, n=n))


def test_the_peak_is_named_among_slots_with_enough_completed_slas():
    slots = [slot(0.10, 200), slot(1.0, 1), slot(0.25, MIN_COUNT), slot(0.5, MIN_COUNT - 1)]
    rated = well_counted(slots, lambda s: s.first_response.n)
    assert rated == [0, 2]
    assert highest(slots, lambda s: s.first_response.value, among=rated) == 2
    # a sparse export where no slot has enough: no peak is named at all
    few = [slot(0.2, 3), slot(0.9, 2)]
    assert highest(few, lambda s: s.first_response.value, among=well_counted(few, lambda s: s.first_response.n)) is None
