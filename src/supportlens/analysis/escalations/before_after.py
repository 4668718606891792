"""Before/after a change: interrupted time series of weekly resolution time and breach rate.

Segmented regression (Wagner et al. 2002) on weekly values of the tickets
created each week (escalated tickets when the data marks escalations, else all):

    y_w = b0 + b1 * week + b2 * after_w + b3 * weeks_since_change_w + e_w

b2 is the level change at the change date, b3 the change of the weekly slope.
Standard errors are Newey-West (HAC) for autocorrelated weeks. The week that
contains the change date is left out unless the change falls on its Monday;
partial weeks at either end, and recent weeks in which more than 10% of the
tickets are still open (their resolution time is not known yet), are left out
too. The weekly value of resolution time is the median hours of the solved
tickets; of the breach rate, breached ÷ completed resolution SLAs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS

from ..core.period import wall_time
from ..core.breach import breached_mask, completed_mask
from ..core.missing import MissingData

MIN_WEEKS = 6             # on each side of the change
MIN_TICKETS_PER_WEEK = 5
MAX_OPEN_SHARE = 0.10


@dataclass(frozen=True)
class SegmentChange:
    """Level and slope change of one weekly series at the change date (95% HAC intervals)."""

    measure: str                  # resolution_hours or breach_rate
    unit: str                     # hours or share
    level_change: float
    level_ci_low: float
    level_ci_high: float
    level_p: float
    slope_change: float           # per week
    slope_ci_low: float
    slope_ci_high: float
    slope_p: float
    level_before: float           # fitted value in the last week before the change
    significant: bool
    level_ci_excludes_zero: bool = False   # both ends of the level change's 95% interval have the same sign


@dataclass(frozen=True)
class InterruptedSeries:
    change_date: str
    label: str
    population: str               # "escalated tickets" or "all tickets"
    weeks_before: int
    weeks_after: int
    weeks_left_out: int
    hac_lags: int
    resolution: SegmentChange
    breach: SegmentChange | None
    weekly: list[dict]            # week, tickets, value per measure, fitted, counterfactual


def weekly_series(clocks: pd.DataFrame, escalated: np.ndarray | None, change: pd.Timestamp,
                  as_of: pd.Timestamp) -> tuple[pd.DataFrame, str, int]:
    """Weekly medians and breach rates; returns the usable weeks, the population and how many were left out."""
    population = "escalated tickets" if escalated is not None and escalated.any() else "all tickets"
    frame = clocks if population == "all tickets" else clocks[escalated]
    created = frame["created_at"].dt.tz_localize(None)     # wall-clock time of the reporting zone
    week = created.dt.normalize() - pd.to_timedelta(created.dt.day_of_week, unit="D")
    hours = frame["resolution_minutes"] / 60
    state = frame["resolution_state"]
    grouped = pd.DataFrame({"week": week, "hours": hours, "solved": hours.notna(),
                            "breached": breached_mask(state), "completed": completed_mask(state)})
    weekly = grouped.groupby("week", sort=True).agg(
        tickets=("solved", "size"), solved=("solved", "sum"), median_hours=("hours", "median"),
        breached=("breached", "sum"), completed=("completed", "sum"))
    weekly["breach_rate"] = weekly["breached"] / weekly["completed"].where(weekly["completed"] > 0)
    start = created.min()
    end = wall_time(as_of, frame["created_at"])
    whole = (weekly.index >= start.normalize()) & (weekly.index + pd.Timedelta(days=7) <= end)
    settled = (1 - weekly["solved"] / weekly["tickets"]) <= MAX_OPEN_SHARE
    naive_change = wall_time(change, frame["created_at"])
    straddles = (weekly.index < naive_change) & (weekly.index + pd.Timedelta(days=7) > naive_change)
    usable = whole & settled.to_numpy() & ~straddles & (weekly["tickets"] >= MIN_TICKETS_PER_WEEK).to_numpy()
    return weekly[usable].copy(), population, int((~usable).sum())


def _segmented(y: np.ndarray, week: np.ndarray, after: np.ndarray, since: np.ndarray, lags: int,
               measure: str, unit: str, alpha: float) -> tuple[SegmentChange, np.ndarray, np.ndarray]:
    x = np.column_stack([np.ones_like(week), week, after, since])
    fit = OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int(alpha=0.05)
    fitted = x @ fit.params
    counterfactual = fit.params[0] + fit.params[1] * week
    last_before = week[after == 0].max()
    change = SegmentChange(measure, unit, float(fit.params[2]), float(ci[2][0]), float(ci[2][1]), float(fit.pvalues[2]),
                           float(fit.params[3]), float(ci[3][0]), float(ci[3][1]), float(fit.pvalues[3]),
                           float(fit.params[0] + fit.params[1] * last_before),
                           bool(fit.pvalues[2] < alpha or fit.pvalues[3] < alpha),
                           bool(ci[2][0] * ci[2][1] > 0))
    return change, fitted, counterfactual


def interrupted_series(clocks: pd.DataFrame, escalated: np.ndarray | None, change_date: date | None, label: str,
                       as_of: pd.Timestamp, alpha: float) -> InterruptedSeries | None:
    """Segmented regression around ``change_date``; None when no change date is configured."""

    if change_date is None:
        return None
    change = pd.Timestamp(change_date).tz_localize(clocks["created_at"].dt.tz)    # midnight of the reporting zone
    weekly, population, left_out = weekly_series(clocks, escalated, change, as_of)
    naive = change.tz_localize(None)
    before = int((weekly.index < naive).sum())
    after_n = int((weekly.index >= naive).sum())
    if before < MIN_WEEKS or after_n < MIN_WEEKS:
        raise MissingData(f"needs at least {MIN_WEEKS} complete weeks of {population} on each side of the change date "
                      f"{change_date:%Y-%m-%d} (found {before} before and {after_n} after)")
    week = np.asarray((weekly.index - weekly.index[0]).days / 7, dtype=float)
    after = np.asarray(weekly.index >= naive, dtype=float)
    first_after = week[after == 1].min()
    since = np.where(after == 1, week - first_after, 0.0)
    lags = int(np.floor(4 * (len(week) / 100) ** (2 / 9)))
    resolution, fit_r, cf_r = _segmented(weekly["median_hours"].to_numpy(float), week, after, since, lags,
                                         "resolution_hours", "hours", alpha)
    rates = weekly["breach_rate"].to_numpy(float)
    breach, fit_b, cf_b = (None, np.full(len(week), np.nan), np.full(len(week), np.nan))
    if np.isfinite(rates).all():
        breach, fit_b, cf_b = _segmented(rates, week, after, since, lags, "breach_rate", "share", alpha)
    rows = [{"week": ts.strftime("%Y-%m-%d"), "after": bool(a), "tickets": int(n), "median_resolution_hours": float(m),
             "fitted_resolution_hours": float(f), "counterfactual_resolution_hours": float(c) if a else None,
             "breach_rate": None if not np.isfinite(b) else float(b), "fitted_breach_rate": float(fb) if np.isfinite(fb) else None,
             "counterfactual_breach_rate": float(cb) if a and np.isfinite(cb) else None}
            for ts, a, n, m, f, c, b, fb, cb in zip(weekly.index, after, weekly["tickets"], weekly["median_hours"],
                                                      fit_r, cf_r, rates, fit_b, cf_b)]
    return InterruptedSeries(change.strftime("%Y-%m-%d"), label, population, before, after_n, left_out, lags,
                             resolution, breach, rows)
