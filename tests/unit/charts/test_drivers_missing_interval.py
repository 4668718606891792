"""A segment too small for an interval (its ends are null in the context) draws without an error bar."""

from __future__ import annotations

from supportlens.charts.drivers import _forest_figure


def test_an_odds_ratio_without_interval_ends_draws_no_bar():
    shown = [
        {"dimension": "channel", "segment": "chat", "reference": "email", "odds_ratio": 2.0, "ci_low": 1.5,
         "ci_high": 3.0, "significant": True, "adjusted_p": 0.01},
        {"dimension": "channel", "segment": "fax", "reference": "email", "odds_ratio": 4.0, "ci_low": None,
         "ci_high": None, "significant": False, "adjusted_p": None},
    ]
    fig = _forest_figure(shown, {"channel": {"label": "Channel"}})
    assert list(fig.data[0].error_x.array) == [1.0, None]
    assert list(fig.data[0].error_x.arrayminus) == [0.5, None]
