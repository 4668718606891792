"""How long does resolution take? Time to resolution as survival, by priority.

Open tickets are censored at the as-of time, not dropped: dropping them would
make the slowest work look fast. Each priority gets a Kaplan-Meier curve, its
median with a 95% interval (Brookmeyer-Crowley, log-log band), the share
resolved within its SLA target (1 - S(target), Greenwood interval), and the
log-rank test says whether the curves differ at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...canonical import PRIORITIES
from ...config import SlaPolicy
from ...engine import text_objects
from ..core.extremes import highest, lowest
from ..core.stats import Z95, kaplan_meier, logrank, survival_at

GRID_POINTS = 160


@dataclass(frozen=True)
class SurvivalCurve:
    """One priority. Hours are calendar hours from creation."""

    priority: str
    tickets: int
    resolved: int
    censored: int                     # still open at the as-of time
    median_hours: float | None        # Kaplan-Meier; None when under half are resolved
    median_ci_low: float | None
    median_ci_high: float | None      # None: the interval's upper end is not reached yet
    target_hours: float
    resolved_within_target: float | None   # 1 - S(target), share 0-1
    within_target_ci_low: float | None
    within_target_ci_high: float | None
    open_share: float | None          # S(t) at the last grid point: not resolved by then
    hours: list[float]                # grid
    unresolved: list[float]           # S(t) on the grid: share not yet resolved


@dataclass(frozen=True)
class ResolutionSurvival:
    window: str
    tickets: int
    curves: list[SurvivalCurve]
    logrank_chi2: float | None
    logrank_df: int
    logrank_p: float | None
    significant: bool
    # indices into curves: the longest and the shortest median time to resolution (the first on a tie; None when no
    # curve reaches its median)
    slowest_curve: int | None = None
    fastest_curve: int | None = None


def _within(durations: np.ndarray, observed: np.ndarray, target: float) -> tuple[float | None, float | None, float | None]:
    """1 - S(target) with a 95% interval from Greenwood's variance on the log(-log) scale."""
    keep = ~np.isnan(durations)
    durations, observed = durations[keep], observed[keep]
    n = len(durations)
    if n == 0:
        return None, None, None
    times, inverse = np.unique(durations, return_inverse=True)
    deaths = np.bincount(inverse, weights=observed.astype(float), minlength=len(times))
    at_risk = n - np.concatenate([[0.0], np.cumsum(np.bincount(inverse, minlength=len(times)))[:-1]])
    upto = (times <= target) & (deaths > 0)
    d, r = deaths[upto], at_risk[upto]
    surv = float(np.prod(1 - d / r)) if len(d) else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = float(np.sum(d / (r * (r - d))))
    if surv <= 0 or surv >= 1 or not np.isfinite(greenwood):
        return 1 - surv, None, None
    se = np.sqrt(greenwood) / abs(np.log(surv))
    loglog = np.log(-np.log(surv))
    low_s, high_s = np.exp(-np.exp(loglog + Z95 * se)), np.exp(-np.exp(loglog - Z95 * se))
    return 1 - surv, float(1 - high_s), float(1 - low_s)


def resolution_survival(window: pd.DataFrame, policy: SlaPolicy, label: str, alpha: float) -> ResolutionSurvival:
    """Kaplan-Meier by priority of the window's tickets; durations in hours."""
    observed = window["resolution_minutes"].notna().to_numpy()
    durations = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float, na_value=np.nan) / 60.0
    priority = text_objects(window["priority"], "normal")
    finite = durations[~np.isnan(durations)]
    top = float(np.percentile(finite, 95)) if len(finite) else 1.0
    grid = np.unique(np.concatenate([np.linspace(0, max(top, 1.0), GRID_POINTS),
                                     [policy.target(p).resolution for p in PRIORITIES]]))
    curves = []
    for p in PRIORITIES:
        member = priority == p
        if not member.any():
            continue
        d, o = durations[member], observed[member]
        km = kaplan_meier(d, o)
        target = policy.target(p).resolution
        within = _within(d, o, target)
        s = survival_at(km, grid)
        curves.append(SurvivalCurve(p, int(member.sum()), int(o.sum()), int((~o).sum()), km.median, km.median_ci_low,
                                    km.median_ci_high, target, *within, s[-1], grid.tolist(), s))
    stat, df, p_value = logrank(durations, observed, priority)
    median = lambda c: c.median_hours   # noqa: E731
    return ResolutionSurvival(label, len(window), curves, stat, df, p_value, p_value is not None and p_value < alpha,
                              highest(curves, median), lowest(curves, median))
