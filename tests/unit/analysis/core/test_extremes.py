"""The one rule behind every peak, worst and best a sentence names: the index of the highest or lowest value,
missing values never picked, the first item on a tie."""

from __future__ import annotations

import math

from supportlens.analysis.core.extremes import full_or_all, highest, lowest


def test_highest_and_lowest_index_the_extreme_item():
    rates = [0.20, 0.50, 0.10, 0.35]
    assert highest(rates, lambda v: v) == 1
    assert lowest(rates, lambda v: v) == 2


def test_a_tie_goes_to_the_first_item():
    weeks = [{"rate": 0.3}, {"rate": 0.5}, {"rate": 0.1}, {"rate": 0.5}, {"rate": 0.1}]
    assert highest(weeks, lambda w: w["rate"]) == 1      # not 3
    assert lowest(weeks, lambda w: w["rate"]) == 2       # not 4


def test_missing_values_are_never_picked():
    values = [None, math.nan, 4.0, None, 2.0, math.nan]
    assert highest(values, lambda v: v) == 2
    assert lowest(values, lambda v: v) == 4
    assert highest([None, math.nan], lambda v: v) is None
    assert lowest([], lambda v: v) is None


def test_among_restricts_the_candidates():
    values = [9, 1, 5, 7]
    assert highest(values, lambda v: v, among=[1, 2, 3]) == 3
    assert lowest(values, lambda v: v, among=[0, 2]) == 2
    assert highest(values, lambda v: v, among=[]) is None


def test_full_periods_first_and_all_when_every_one_is_partial():
    months = [{"partial": True, "n": 1}, {"partial": False, "n": 2}, {"partial": False, "n": None},
              {"partial": True, "n": 4}]
    assert full_or_all(months, lambda m: m["partial"]) == [1, 2]
    # with a value: only the periods that have one; the full one of them
    assert full_or_all(months, lambda m: m["partial"], lambda m: m["n"]) == [1]
    every_partial = [{"partial": True, "n": 3}, {"partial": True, "n": None}]
    assert full_or_all(every_partial, lambda m: m["partial"]) == [0, 1]
    assert full_or_all(every_partial, lambda m: m["partial"], lambda m: m["n"]) == [0]
