"""What a policy "update the customer at least every X hours while escalated" would change.

Estimated from the observed relation (communication.py): every silence longer
than X is cut to X, and the fitted models give the change in mean CSAT and in
the reopen rate, with 95% intervals from the coefficients' uncertainty (exact
for the linear CSAT model, delta method for the logistic reopen model). The
cost is the updates the policy adds: a silence of g hours needs ceil(g / X) - 1.

On the simulated sample, ``sample.what_if`` re-runs the simulator with the same seed
and the policy switched on (``SimulatedPolicy``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .communication import Silences
from ..core.stats import Z95, Rate, wilson


@dataclass(frozen=True)
class Policy:
    """Estimated change from updating at least every ``hours`` (escalated, solved tickets)."""

    hours: float
    affected: Rate                    # tickets whose longest silence exceeded the policy
    extra_updates_per_ticket: float   # updates the policy adds, per escalated ticket
    csat_change: float | None         # points of mean CSAT
    csat_ci_low: float | None
    csat_ci_high: float | None
    reopen_change: float | None       # change of the reopen rate (share, 0-1)
    reopen_ci_low: float | None
    reopen_ci_high: float | None


@dataclass(frozen=True)
class SimulatedPolicy:
    """The simulator re-run with ``proactive_update_hours`` = ``hours`` (sample data only)."""

    hours: float
    rated: int                        # escalated tickets rated in both runs
    csat_before: float | None
    csat_after: float | None
    csat_change: float | None         # mean paired difference, points
    csat_ci_low: float | None         # paired t interval
    csat_ci_high: float | None
    reopen_rate_before: float | None
    reopen_rate_after: float | None
    median_resolution_hours_before: float | None
    median_resolution_hours_after: float | None
    updates_added_per_escalated: float | None
    estimated_csat_change: float | None   # the observed-relation estimate for the same policy


@dataclass(frozen=True)
class Proactive:
    policies: list[Policy]
    headline: Policy                  # the policy the config names (escalations.policy_hours)
    simulated: SimulatedPolicy | None
    simulated_reason: str | None      # why the simulator was not re-run
    headline_policy: int | None = None   # index into policies: the headline's row


def _x(gap: np.ndarray) -> np.ndarray:
    return np.log2(1 + gap)


def _policy(hours: float, sil: Silences) -> Policy:
    resolved_rows = np.flatnonzero(sil.resolved)
    longest = sil.longest[resolved_rows]
    affected = wilson(int((longest > hours).sum()), int(longest.size))
    # extra updates a silence needs, max(0, ceil(gap / hours) - 1), worked out in one array; the silences of
    # resolved tickets read by a lookup of each silence's ticket (not a search of every silence among them)
    extra = np.divide(sil.gap_hours, hours)
    np.ceil(extra, out=extra)
    extra -= 1
    np.maximum(0, extra, out=extra)
    per_ticket = float(extra[sil.resolved[sil.gap_ticket]].sum() / max(1, resolved_rows.size))
    del extra
    csat = reopen = (None, None, None)
    if "csat" in sil.fits:
        fit = sil.fits["csat"]
        gap = fit.gap
        shift = float(np.mean(_x(np.minimum(gap, hours)) - _x(gap)))
        low, high = fit.bounds[1]
        ends = sorted((low * shift, high * shift))
        csat = (float(fit.coefficients[1] * shift), float(ends[0]), float(ends[1]))
    if "reopened" in sil.fits:
        fit = sil.fits["reopened"]
        gap, x = fit.gap, fit.design
        x_new = x.copy()
        x_new[:, 1] = _x(np.minimum(gap, hours))
        beta = fit.coefficients
        p_old, p_new = 1 / (1 + np.exp(-x @ beta)), 1 / (1 + np.exp(-x_new @ beta))
        change = float(np.mean(p_new - p_old))
        gradient = ((p_new * (1 - p_new))[:, None] * x_new - (p_old * (1 - p_old))[:, None] * x).mean(axis=0)
        se = float(np.sqrt(gradient @ fit.covariance @ gradient))
        reopen = (change, change - Z95 * se, change + Z95 * se)
    return Policy(float(hours), affected, per_ticket, *csat, *reopen)


def estimate_policies(hours: tuple[float, ...], sil: Silences) -> list[Policy]:
    return [_policy(h, sil) for h in sorted(hours)]
