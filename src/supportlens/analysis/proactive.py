"""What a policy "update the customer at least every X hours while escalated" would change.

Estimated from the observed relation (communication.py): every silence longer
than X is cut to X, and the fitted models give the change in mean CSAT and in
the reopen rate, with 95% intervals from the coefficients' uncertainty (exact
for the linear CSAT model, delta method for the logistic reopen model). The
cost is the updates the policy adds: a silence of g hours needs ceil(g / X) - 1.

On the simulated sample (a ``truth.json`` from ``supportlens sample`` beside the
tickets), the simulator is re-run with the same seed and the policy switched on;
its separate random streams keep every other draw, so the change in each ticket's
CSAT is the policy's effect in that world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .communication import Silences
from .stats import Z95, Rate, wilson


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


def _x(gap: np.ndarray) -> np.ndarray:
    return np.log2(1 + gap)


def _policy(hours: float, sil: Silences) -> Policy:
    resolved_rows = np.flatnonzero(sil.resolved)
    longest = sil.longest[resolved_rows]
    affected = wilson(int((longest > hours).sum()), int(longest.size))
    extra = np.maximum(0, np.ceil(sil.gap_hours / hours) - 1)
    per_ticket = float(extra[np.isin(sil.gap_ticket, resolved_rows)].sum() / max(1, resolved_rows.size))
    csat = reopen = (None, None, None)
    if "csat" in sil.fits:
        fit, x, data = sil.fits["csat"]
        gap = data["gap"].to_numpy()
        shift = float(np.mean(_x(np.minimum(gap, hours)) - _x(gap)))
        low, high = fit.conf_int()[1]
        ends = sorted((low * shift, high * shift))
        csat = (float(fit.params[1] * shift), float(ends[0]), float(ends[1]))
    if "reopened" in sil.fits:
        fit, x, data = sil.fits["reopened"]
        gap = data["gap"].to_numpy()
        x_new = x.copy()
        x_new[:, 1] = _x(np.minimum(gap, hours))
        beta = np.asarray(fit.params)
        p_old, p_new = 1 / (1 + np.exp(-x @ beta)), 1 / (1 + np.exp(-x_new @ beta))
        change = float(np.mean(p_new - p_old))
        gradient = ((p_new * (1 - p_new))[:, None] * x_new - (p_old * (1 - p_old))[:, None] * x).mean(axis=0)
        se = float(np.sqrt(gradient @ np.asarray(fit.cov_params()) @ gradient))
        reopen = (change, change - Z95 * se, change + Z95 * se)
    return Policy(float(hours), affected, per_ticket, *csat, *reopen)


def estimate_policies(hours: tuple[float, ...], sil: Silences) -> list[Policy]:
    return [_policy(h, sil) for h in sorted(hours)]


def sample_spec(truth: dict | None, tickets: pd.DataFrame, hours: float):
    """The SimulationSpec that reproduces the sample with the policy on, or a reason why not."""
    from ..sample import SimulationSpec

    if not truth or not {"seed", "tickets", "start", "days", "planted_effects", "what_if"} <= set(truth):
        return None, "the data is not the simulated sample (no truth.json from `supportlens sample` beside the tickets)"
    if truth["tickets"] != len(tickets):
        return None, "the tickets do not match the sample's truth.json (different ticket counts)"
    if truth["what_if"].get("proactive_update_hours") is not None:
        return None, "the sample was simulated with a proactive-update policy already"
    knobs = dict(tickets=truth["tickets"], seed=truth["seed"], start=truth["start"], days=truth["days"],
                 planted_effects=truth["planted_effects"], proactive_update_hours=hours,
                 extra_coverage={int(h): int(k) for h, k in truth["what_if"].get("extra_coverage", {}).items()})
    change = truth.get("intervention")
    if change:
        knobs.update(change_date=change["change_date"], change_effect_hours=change["effect_hours"])
    return SimulationSpec(**knobs), None


def simulate_policy(truth: dict | None, tickets: pd.DataFrame, hours: float,
                    estimated: Policy | None) -> tuple[SimulatedPolicy | None, str | None]:
    """Re-run the simulator with the policy and compare ticket by ticket (sample data only)."""
    from ..sample.simulator import simulate_tickets

    spec, reason = sample_spec(truth, tickets, hours)
    if spec is None:
        return None, reason
    after = simulate_tickets(spec).set_index("ticket_id")
    before = tickets.set_index(tickets["ticket_id"].astype(str))
    if not before.index.equals(after.index):
        return None, "the tickets do not match the sample's truth.json (different ticket ids)"
    esc = before["escalated"].fillna(False).astype(bool).to_numpy() if "escalated" in before else None
    if esc is None:
        return None, "the sample's tickets have no escalated flag"
    calm = ~esc
    same = np.allclose(before["csat"].to_numpy(float)[calm], after["csat"].to_numpy(float)[calm], equal_nan=True)
    if not same:
        return None, "re-running the simulator does not reproduce the sample (was it simulated with other knobs?)"
    c0, c1 = before["csat"].to_numpy(float)[esc], after["csat"].to_numpy(float)[esc]
    both = ~np.isnan(c0) & ~np.isnan(c1)
    diff = c1[both] - c0[both]
    n = int(diff.size)
    if n >= 2:
        half = float(sstats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / np.sqrt(n))
        ci = (float(diff.mean()) - half, float(diff.mean()) + half)
    else:
        ci = (None, None)

    def hours_to_solve(frame: pd.DataFrame) -> np.ndarray:
        return ((frame["solved_at"] - frame["created_at"]) / pd.Timedelta(hours=1)).to_numpy(float)[esc]

    def reopen_rate(frame: pd.DataFrame) -> float | None:
        solved = frame["solved_at"].notna().to_numpy()[esc]
        return float((frame["reopens"].to_numpy()[esc][solved] > 0).mean()) if solved.any() else None

    r0, r1 = hours_to_solve(before), hours_to_solve(after)
    replies = (after["replies"].to_numpy(float)[esc] - before["replies"].to_numpy(float)[esc])
    return SimulatedPolicy(
        float(hours), n, float(c0[both].mean()) if n else None, float(c1[both].mean()) if n else None,
        float(diff.mean()) if n else None, *ci, reopen_rate(before), reopen_rate(after),
        float(np.nanmedian(r0)) if np.isfinite(r0).any() else None,
        float(np.nanmedian(r1)) if np.isfinite(r1).any() else None,
        float(replies.mean()) if replies.size else None,
        estimated.csat_change if estimated else None), None
