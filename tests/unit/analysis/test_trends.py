"""Weekly trends, STL seasonality and the forecast with its backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportlens.analysis.sla.summary import ticket_clocks
from supportlens.analysis.core.missing import NotEnoughHistory
from supportlens.analysis.trends import TrendPoint, forecast, seasonality, trend_report
from supportlens.analysis.core.volume import backlog
from supportlens.config import SlaPolicy, Trends
from supportlens.analysis.core.stats import wilson


def tickets_per_day(counts: list[int], start: str = "2025-01-06") -> pd.DataFrame:
    """Tickets created at noon of consecutive days (a Monday first), each solved after 2 hours."""
    days = pd.date_range(start, periods=len(counts), freq="D", tz="UTC") + pd.Timedelta(hours=12)
    created = np.repeat(days.to_numpy(), counts)
    created = pd.DatetimeIndex(created).tz_localize("UTC") if pd.DatetimeIndex(created).tz is None else pd.DatetimeIndex(created)
    n = len(created)
    return pd.DataFrame({"ticket_id": [f"T{i}" for i in range(n)], "created_at": created,
                         "solved_at": created + pd.Timedelta(hours=2), "status": "solved", "priority": "normal"})


def weeks_of(values: list[int]) -> list[TrendPoint]:
    start = pd.Timestamp("2025-01-06")
    return [TrendPoint((start + pd.Timedelta(weeks=i)).strftime("%Y-%m-%d"), v, v, 0, wilson(0, v), False)
            for i, v in enumerate(values)]


def test_weekly_points_and_partial_weeks():
    # Monday 6 Jan to Wednesday 22 Jan: weeks of 6 Jan and 13 Jan full, week of 20 Jan partial (as-of inside it)
    frame = tickets_per_day([10] * 17)
    as_of = pd.Timestamp("2025-01-22T18:00:00Z")
    clocks = ticket_clocks(frame, SlaPolicy(), as_of)
    report = trend_report(clocks, backlog(clocks, as_of), as_of, Trends())
    assert [(w.period, w.created, w.partial) for w in report.weekly] == [
        ("2025-01-06", 70, False), ("2025-01-13", 70, False), ("2025-01-20", 30, True)]
    assert report.monthly[0].period == "2025-01" and report.monthly[0].partial
    assert report.forecast is None and report.notes   # far too short for a forecast: said, not crashed


def test_stl_finds_a_planted_weekly_pattern():
    pattern = [120, 110, 100, 100, 90, 40, 30]
    rng = np.random.default_rng(0)
    counts = [int(pattern[d % 7] + rng.integers(-5, 6)) for d in range(8 * 7)]
    frame = tickets_per_day(counts)
    as_of = pd.Timestamp("2025-03-03T23:00:00Z")
    season = seasonality(ticket_clocks(frame, SlaPolicy(), as_of), as_of)
    effects = {e["weekday"]: e["tickets_per_day"] for e in season.weekday_effect}
    assert season.strength > 0.9
    assert max(effects, key=effects.get) == "Mon" and min(effects, key=effects.get) == "Sun"
    assert effects["Mon"] - effects["Sun"] == pytest.approx(90, abs=8)


def test_forecast_backtest_runs_and_reports_its_error():
    # 400 a week plus noise of sd 20: the held-out error should be near E|e|/400 = 20 * sqrt(2/pi) / 400 = 4%
    rng = np.random.default_rng(1)
    values = [int(400 + rng.normal(0, 20)) for _ in range(52)]
    result = forecast(weeks_of(values), Trends(forecast_weeks=13, backtest_weeks=8))
    back = result.backtest
    assert back.weeks == 8 and len(back.actual) == 8 and back.actual == values[-8:]
    expected = np.mean(np.abs(np.array(back.actual) - np.array(back.predicted)) / np.array(back.actual))
    assert back.mape == pytest.approx(expected)
    assert 0.01 < back.mape < 0.10
    assert len(result.mean) == 13 and result.weeks[0] == "2026-01-05"
    for lo95, lo80, mid, hi80, hi95 in zip(result.low_95, result.low_80, result.mean, result.high_80, result.high_95):
        assert lo95 <= lo80 <= mid <= hi80 <= hi95
    assert 370 < result.mean[0] < 430


def test_forecast_needs_enough_full_weeks():
    with pytest.raises(NotEnoughHistory, match="needs at least 34 full weeks"):
        forecast(weeks_of([100] * 20), Trends())
