"""Where is the work heading? Weekly and monthly volume, breach rate and backlog,
the weekly rhythm of arrivals (STL), and a 13-week volume forecast with its backtest.

Weeks start on Monday, days at midnight, in the reporting time zone; a week or month cut by the start of the data or by
the as-of time is marked partial and kept out of the forecast. The forecast is
an exponential-smoothing state-space model (statsmodels ETS, additive errors):
level only, or a damped trend, chosen by AICc; with two years of weeks or more a
52-week seasonal model competes too. Its prediction intervals are the model's
analytic 80% and 95% intervals. The backtest repeats the whole procedure on the
history without its last ``backtest_weeks`` weeks and reports the mean absolute
percentage error (MAPE) on them, next to a naive forecast's (last week repeated).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Trends
from .core.breach import breach_counts
from .core.change_point import StepChange, rate_step, volume_step
from .core.extremes import full_or_all, highest, lowest
from .core.missing import MissingData, NotEnoughHistory, Skip, Skipped, optional
from .core.period import wall_time
from .core.stats import Rate, wilson
from .core.volume import Backlog, solved_times


@dataclass(frozen=True)
class TrendPoint:
    """One week (Monday, YYYY-MM-DD) or month (YYYY-MM)."""

    period: str
    created: int
    solved: int                       # tickets whose last solve fell in the period
    backlog_end: int                  # open tickets at the end of the period's last day
    resolution_breach: Rate           # of tickets created in the period, completed SLAs
    partial: bool
    beyond_data: bool = False         # after the export's truncated tail began (core/period.py): outside the data


@dataclass(frozen=True)
class Seasonality:
    """STL of daily created tickets with a 7-day period (tickets per day)."""

    days: int
    strength: float                   # 0-1: 1 - Var(remainder) / Var(seasonal + remainder)
    trend_strength: float             # 0-1: 1 - Var(remainder) / Var(trend + remainder)
    weekday_effect: list[dict]        # {"weekday", "tickets_per_day"}: seasonal component, mean per weekday
    mean_per_day: float
    trend_days: list[str]
    trend: list[float]
    # indices into weekday_effect: the weekday furthest above and furthest below the trend (the first on a tie)
    peak_weekday: int | None = None
    low_weekday: int | None = None


@dataclass(frozen=True)
class Backtest:
    weeks: int
    start: str
    mape: float | None                # share 0-1
    naive_mape: float | None          # last training week repeated
    coverage_80: float | None         # share of held-out weeks inside the 80% interval
    actual: list[int]
    predicted: list[float]


@dataclass(frozen=True)
class Forecast:
    model: str                        # e.g. "ETS(A,Ad,N)"
    trained_weeks: int
    weeks: list[str]                  # Mondays of the forecast weeks
    mean: list[float]                 # tickets per week
    low_80: list[float]
    high_80: list[float]
    low_95: list[float]
    high_95: list[float]
    backtest: Backtest
    seasonal_candidate: bool = False  # a 52-week seasonal model was fitted and compared (enough history), chosen or not


@dataclass(frozen=True)
class TrendReport:
    weekly: list[TrendPoint]
    monthly: list[TrendPoint]
    seasonality: Seasonality | None
    forecast: Forecast | None
    notes: list[Skipped]              # a part that could not be made, and why
    # the best single break in weekly volume and in the weekly resolution breach rate (core/change_point.py),
    # tested; a finding when significant and material
    steps: list[StepChange] = field(default_factory=list)
    # what the sentences name, decided here (indices into weekly; the first week on a tie)
    worst_week: int | None = None     # highest resolution breach rate, among full weeks with one (all, if none is full)
    best_week: int | None = None      # lowest resolution breach rate, among the same weeks
    backlog_peak_week: int | None = None   # most open tickets at the week's end
    busiest_week: int | None = None   # most tickets created (partial weeks included)
    quietest_week: int | None = None  # fewest tickets created (partial weeks included)


def week_extremes(weekly: list[TrendPoint]) -> dict[str, int | None]:
    """The weeks a trends sentence names: worst and best breach rate, backlog peak, busiest and quietest; weeks
    after the data's end (a truncated tail) are never named."""
    rate = lambda w: w.resolution_breach.value   # noqa: E731
    rated = full_or_all(weekly, lambda w: w.partial, rate)
    inside = [i for i, w in enumerate(weekly) if not w.beyond_data]
    return {"worst_week": highest(weekly, rate, rated), "best_week": lowest(weekly, rate, rated),
            "backlog_peak_week": highest(weekly, lambda w: w.backlog_end, inside),
            "busiest_week": highest(weekly, lambda w: w.created, inside),
            "quietest_week": lowest(weekly, lambda w: w.created, inside)}


def _points(clocks: pd.DataFrame, backlog: Backlog, freq: str, as_of: pd.Timestamp,
            data_end: pd.Timestamp | None = None) -> list[TrendPoint]:
    # wall-clock time of the reporting zone the clocks are held in (core/period.py: in_zone)
    naive = clocks["created_at"].dt.tz_localize(None)
    solved_at = solved_times(clocks).dt.tz_localize(None)
    to_period = (lambda s: s.dt.to_period("W-SUN")) if freq == "W" else (lambda s: s.dt.to_period("M"))
    created_p, solved_p = to_period(naive), to_period(solved_at)
    first, last = created_p.min(), wall_time(as_of, clocks["created_at"]).to_period(
        "W-SUN" if freq == "W" else "M")
    periods = pd.period_range(first, last, freq=first.freq)
    created_n, solved_n = created_p.value_counts(), solved_p.value_counts()
    breaches = breach_counts(clocks["resolution_state"], created_p)
    daily = pd.Series(backlog.open_tickets, index=pd.to_datetime(backlog.days))
    data_start, stop = naive.min(), wall_time(as_of, clocks["created_at"])
    end_of_data = stop if data_end is None else wall_time(data_end, clocks["created_at"])
    out = []
    for p in periods:
        start, end = p.start_time, p.end_time
        upto = daily[daily.index <= end.normalize()]
        out.append(TrendPoint(
            period=start.strftime("%Y-%m-%d") if freq == "W" else str(p),
            created=int(created_n.get(p, 0)), solved=int(solved_n.get(p, 0)),
            backlog_end=int(upto.iloc[-1]) if len(upto) else 0,
            resolution_breach=wilson(*(int(breaches[c].get(p, 0)) for c in ("breached", "completed"))),
            # the data's first day counts as covered from midnight; the as-of time cuts to the second
            partial=bool(data_start.normalize() > start or min(stop, end_of_data) < end.floor("s")),
            beyond_data=bool(start > end_of_data),
        ))
    return out


def seasonality(clocks: pd.DataFrame, as_of: pd.Timestamp) -> Seasonality:
    """STL (robust, period 7) of tickets created per full day."""
    from statsmodels.tsa.seasonal import STL

    created = clocks["created_at"].dt.tz_localize(None)
    first = created.min().normalize() + pd.Timedelta(days=1 if created.min() > created.min().normalize() else 0)
    last = wall_time(as_of, clocks["created_at"]).normalize() - pd.Timedelta(days=1)
    days = pd.date_range(first, last, freq="D")
    if len(days) < 28:
        raise NotEnoughHistory(f"needs at least 4 full weeks of daily volume; the data holds {len(days)} full days")
    counts = created.dt.normalize().value_counts().reindex(days, fill_value=0).astype(float)
    fit = STL(counts.to_numpy(), period=7, robust=True).fit()
    remainder, seasonal, trend = fit.resid, fit.seasonal, fit.trend

    def strength(component: np.ndarray) -> float:
        total = np.var(component + remainder)
        return float(max(0.0, 1 - np.var(remainder) / total)) if total > 0 else 0.0

    weekday = pd.Series(seasonal, index=days).groupby(days.day_of_week).mean()
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    effects = [{"weekday": names[d], "tickets_per_day": float(weekday.get(d, 0.0))} for d in range(7)]
    effect = lambda e: e["tickets_per_day"]   # noqa: E731
    return Seasonality(len(days), strength(seasonal), strength(trend), effects,
                       float(counts.mean()), [d.strftime("%Y-%m-%d") for d in days], trend.tolist(),
                       highest(effects, effect), lowest(effects, effect))


SEASONAL_MIN_WEEKS = 2 * 52 + 4   # a 52-week seasonal model competes from two years of full weeks (and a month)


def _fit(history: np.ndarray) -> tuple[object, str, bool]:
    """The ETS candidate with the lowest AICc, its name, and whether the seasonal candidate was fitted and compared."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    candidates = [("ETS(A,N,N)", {}), ("ETS(A,Ad,N)", {"trend": "add", "damped_trend": True})]
    if len(history) >= SEASONAL_MIN_WEEKS:
        candidates.append(("ETS(A,Ad,A)", {"trend": "add", "damped_trend": True, "seasonal": "add",
                                            "seasonal_periods": 52}))
    best, compared = None, set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, kwargs in candidates:
            try:
                result = ETSModel(pd.Series(history), error="add", **kwargs).fit(disp=False)
            except (ValueError, np.linalg.LinAlgError):
                continue
            if np.isfinite(result.aicc):
                compared.add(name)
                if best is None or result.aicc < best[0].aicc:
                    best = (result, name)
    if best is None:
        raise NotEnoughHistory("no forecasting model could be fitted to the weekly volume")
    return best[0], best[1], "ETS(A,Ad,A)" in compared


def _predict(result: object, start: int, steps: int) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prediction = result.get_prediction(start=start, end=start + steps - 1)
        f80, f95 = prediction.summary_frame(alpha=0.20), prediction.summary_frame(alpha=0.05)
    clip = lambda s: np.maximum(s.to_numpy(dtype=float), 0.0)  # noqa: E731 - volume is never negative
    return {"mean": clip(f80["mean"]), "low_80": clip(f80["pi_lower"]), "high_80": clip(f80["pi_upper"]),
            "low_95": clip(f95["pi_lower"]), "high_95": clip(f95["pi_upper"])}


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    keep = actual > 0
    return float(np.mean(np.abs(actual[keep] - predicted[keep]) / actual[keep])) if keep.any() else None


def forecast(weekly: list[TrendPoint], settings: Trends) -> Forecast:
    full = [w for w in weekly if not w.partial]
    # a forecast needs one unbroken run of full weeks: the latest one
    while full and weekly.index(full[-1]) - weekly.index(full[0]) != len(full) - 1:
        full = full[1:]
    need = settings.min_training_weeks + settings.backtest_weeks
    if len(full) < need:
        raise NotEnoughHistory(f"needs at least {need} full weeks ({settings.min_training_weeks} to fit, "
                               f"{settings.backtest_weeks} to test); the data holds {len(full)}")
    y = np.array([w.created for w in full], dtype=float)
    b = settings.backtest_weeks
    trial, _, _ = _fit(y[:-b])
    held = _predict(trial, len(y) - b, b)
    actual = y[-b:]
    backtest = Backtest(b, full[-b].period, _mape(actual, held["mean"]), _mape(actual, np.repeat(y[-b - 1], b)),
                        float(np.mean((actual >= held["low_80"]) & (actual <= held["high_80"]))),
                        [int(a) for a in actual], held["mean"].tolist())
    inside = int(round(backtest.coverage_80 * b))
    if inside < b / 2:   # a band that held fewer than half the held-out weeks is no guide to the weeks ahead
        raise MissingData(f"was tested on the last {b} full weeks, held back from it, and its 80% band held only "
                          f"{inside} of them: recent weeks do not follow the history it learns from")
    result, name, seasonal = _fit(y)
    ahead = _predict(result, len(y), settings.forecast_weeks)
    last = pd.Timestamp(full[-1].period)
    weeks = [(last + pd.Timedelta(weeks=k)).strftime("%Y-%m-%d") for k in range(1, settings.forecast_weeks + 1)]
    return Forecast(name, len(y), weeks, *(ahead[key].tolist() for key in ("mean", "low_80", "high_80", "low_95", "high_95")),
                    backtest, seasonal)


def step_changes(weekly: list[TrendPoint], alpha: float) -> list[StepChange]:
    """The best single break in the full weeks' volume and resolution breach rate, each tested."""
    full = [w for w in weekly if not w.partial]
    weeks = [w.period for w in full]
    found = [volume_step(weeks, [w.created for w in full], alpha),
             rate_step(weeks, [w.resolution_breach.events for w in full], [w.resolution_breach.n for w in full], alpha)]
    return [s for s in found if s is not None]


def trend_report(clocks: pd.DataFrame, backlog: Backlog, as_of: pd.Timestamp, settings: Trends,
                 data_end: pd.Timestamp | None = None, alpha: float = 0.05) -> TrendReport:
    """``data_end``: where the export's truncated tail begins (core/period.py), None without one; ``alpha``: the
    findings' significance level, for the step changes."""
    weekly = _points(clocks, backlog, "W", as_of, data_end)
    monthly = _points(clocks, backlog, "M", as_of, data_end)
    notes: list[Skipped] = []
    season = optional(Skip.SEASONALITY, notes, seasonality, clocks, as_of)
    ahead = optional(Skip.FORECAST, notes, forecast, weekly, settings)
    return TrendReport(weekly, monthly, season, ahead, notes, steps=step_changes(weekly, alpha), **week_extremes(weekly))
