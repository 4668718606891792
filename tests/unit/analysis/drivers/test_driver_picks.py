"""What the drivers charts' sentences name, decided in analysis: the strongest families, the largest clear gap,
the odds ratios the forest plot shows, the slowest and fastest survival curve."""

from __future__ import annotations

from types import SimpleNamespace as NS

from supportlens.analysis.drivers.adjusted import shown_odds_ratios
from supportlens.analysis.drivers.segments import metric_picks


def family(significant=False, effect_size=None, finding=False, ratio=None):
    return NS(significant=significant, effect_size=effect_size, finding=finding, ratio=ratio)


def test_the_two_strongest_significant_families_largest_effect_first_dimension_order_on_a_tie():
    families = [("priority", family(True, 0.10)), ("channel", family(True, 0.30)), ("category", family(False, 0.50)),
                ("hour", family(True, 0.10)), ("group", family(True, None))]
    # category has the largest effect but is not significant; priority and hour tie at 0.10: priority (first) is named
    assert metric_picks(families)["strongest"] == ["channel", "priority"]
    assert metric_picks([("priority", family(False, 0.4))])["strongest"] == []


def test_the_largest_gap_leaves_out_team_and_priority_when_another_dimension_differs():
    families = [("priority", family(True, finding=True, ratio=5.0)), ("group", family(True, finding=True, ratio=4.0)),
                ("channel", family(True, finding=True, ratio=1.6)), ("category", family(True, finding=True, ratio=2.1)),
                ("hour", family(True, finding=False, ratio=9.0))]
    picks = metric_picks(families)
    assert picks["largest_gap"] == "category" and picks["largest_gap_beyond_priority_and_team"] is True


def test_the_largest_gap_is_priority_or_team_when_nothing_else_differs_and_none_without_a_finding():
    families = [("priority", family(True, finding=True, ratio=3.0)), ("group", family(True, finding=True, ratio=4.0)),
                ("channel", family(False, finding=False, ratio=8.0))]
    picks = metric_picks(families)
    assert picks["largest_gap"] == "group" and picks["largest_gap_beyond_priority_and_team"] is False
    # a family without a ratio (best value 0) counts as the largest gap
    assert metric_picks([("channel", family(True, finding=True, ratio=2.0)),
                         ("category", family(True, finding=True, ratio=None))])["largest_gap"] == "category"
    assert metric_picks([("channel", family())]) == {"strongest": [], "largest_gap": None,
                                                     "largest_gap_beyond_priority_and_team": False}


def test_the_forest_plot_shows_the_significant_dimensions_or_every_one():
    effects = [NS(dimension="priority", significant=True), NS(dimension="channel", significant=False)]
    ratios = [NS(dimension="priority"), NS(dimension="channel"), NS(dimension="priority"), NS(dimension="other")]
    assert shown_odds_ratios(effects, ratios) == [0, 2]
    quiet = [NS(dimension="priority", significant=False)]
    assert shown_odds_ratios(quiet, ratios) == [0, 1, 2, 3]
