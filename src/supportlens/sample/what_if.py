"""What-if re-runs of the simulator, on the simulated sample only.

The analysis estimates what a change would do from the data; on the sample the simulator can
re-run the same organisation (same seed, separate random streams) with the change switched on
and measure it. Two checks:

- the coverage recommendation: the extra agents it recommends, and the breached SLAs (first
  response and resolution) of tickets created in the gap slots that they avoid, per year;
- the proactive-update policy: each escalated ticket's CSAT, reopen and resolution time with
  the policy on.

Both run only when the tickets have the simulator's ``truth.json`` beside them (the Dataset's
``sample_truth``) and still match it, so a re-run reproduces the same organisation.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats as sstats

from ..analysis import Analysis
from ..analysis.actions.recommendations import RecommendationKind, SimulatedCheck
from ..analysis.actions.roi import Range
from ..analysis.core.clocks import ticket_clocks
from ..analysis.escalations.proactive import Policy, SimulatedPolicy
from ..canonical import PRIORITIES
from ..config import Config
from ..dataset import Dataset
from .simulator import simulate_tickets
from .spec import SimulationSpec
from .truth import breaches


def sample_spec(dataset: Dataset) -> SimulationSpec | None:
    """The SimulationSpec that produced the data, or None when the data is not the untouched sample."""
    truth = dataset.sample_truth
    if truth is None:
        return None
    try:
        if truth["what_if"]["extra_coverage"] or int(truth["tickets"]) != len(dataset.tickets):
            return None
        resolution, _ = breaches(dataset.tickets)
        if round(float(resolution.mean()), 4) != truth["measured"]["resolution_breach_rate"]:
            return None
        return SimulationSpec(tickets=int(truth["tickets"]), seed=int(truth["seed"]), start=truth["start"],
                              days=int(truth["days"]), planted_effects=bool(truth["planted_effects"]))
    except (KeyError, TypeError, ValueError):
        return None


def _breached(clocks: pd.DataFrame) -> np.ndarray:
    late = ("breached", "active_breached")
    return (clocks["first_response_state"].isin(late).fillna(False).to_numpy(dtype=int)
            + clocks["resolution_state"].isin(late).fillna(False).to_numpy(dtype=int))


def coverage_what_if(spec, extra_by_hour: dict[str, int], clocks: pd.DataFrame, gap_slots: list[list[int]],
                     predicted: Range, as_of: pd.Timestamp, config: Config) -> SimulatedCheck:
    from . import simulate_tickets

    what_if = simulate_tickets(replace(spec, extra_coverage={int(h): int(k) for h, k in extra_by_hour.items()}))
    after = ticket_clocks(what_if, config.sla, as_of).set_index("ticket_id")
    before = clocks.set_index(clocks["ticket_id"].astype(str))
    after = after.reindex(before.index)
    avoided = _breached(before) - _breached(after)
    slot = (before["created_at"].dt.day_of_week * 24 + before["created_at"].dt.hour).to_numpy()
    in_gap = np.isin(slot, [d * 24 + h for d, h in gap_slots])
    per_year = 365.25 / spec.days
    cost = before["priority"].map({p: config.costs.breach[p] for p in PRIORITIES}).fillna(0).to_numpy(dtype=float)
    in_gap_count = float(avoided[in_gap].sum() * per_year)
    return SimulatedCheck(
        extra_coverage={str(h): int(k) for h, k in sorted(extra_by_hour.items(), key=lambda kv: int(kv[0]))},
        days=int(spec.days), avoided_in_gap_per_year=in_gap_count,
        avoided_elsewhere_per_year=float(avoided[~in_gap].sum() * per_year),
        value_in_gap_per_year=float((avoided * cost)[in_gap].sum() * per_year),
        predicted_avoided=predicted,
        within_predicted_range=bool(predicted.low <= in_gap_count <= predicted.high))


def policy_spec(truth: dict | None, tickets: pd.DataFrame, hours: float):
    """The SimulationSpec that reproduces the sample with the policy on, or a reason why not."""
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
    spec, reason = policy_spec(truth, tickets, hours)
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


def check_on_simulator(analysis: Analysis, dataset: Dataset, config: Config) -> Analysis:
    """The analysis with the simulator's checks filled in: the proactive-update policy on the
    escalations page and each coverage recommendation, or the reason each was not run."""
    escalations = analysis.escalations
    if escalations is not None:
        simulated, reason = None, "escalations.simulate_policy is false"
        if config.escalations.simulate_policy:
            simulated, reason = simulate_policy(dataset.sample_truth, dataset.tickets, config.escalations.policy_hours,
                                                escalations.proactive.headline)
        proactive = replace(escalations.proactive, simulated=simulated, simulated_reason=reason)
        analysis = replace(analysis, escalations=replace(escalations, proactive=proactive))
    if analysis.actions is not None:
        recommendations, note = _check_coverage(analysis.actions.recommendations, analysis.clocks, dataset, config,
                                                analysis.period.as_of)
        analysis = replace(analysis, actions=replace(analysis.actions, recommendations=recommendations,
                                                     what_if_note=note))
    return analysis


def _check_coverage(recommendations: list, clocks: pd.DataFrame, dataset: Dataset, config: Config,
                    as_of: pd.Timestamp) -> tuple[list, str | None]:
    """Re-run the simulator once per coverage recommendation, with its extra cover."""
    if not any(r.kind == RecommendationKind.COVERAGE for r in recommendations):
        return recommendations, None
    if not config.recommendations.what_if:
        return recommendations, "switched off (recommendations.what_if: false)"
    spec = sample_spec(dataset)
    if spec is None:
        return recommendations, "the data is not the untouched simulated sample (no matching truth.json beside it)"
    out = []
    for rec in recommendations:
        if rec.kind == RecommendationKind.COVERAGE:
            check = coverage_what_if(spec, rec.facts.extra_by_hour, clocks, rec.facts.slots,
                                     rec.impact.breaches_avoided_per_year, as_of, config)
            rec = replace(rec, facts=replace(rec.facts, simulated=check))
        out.append(rec)
    return out, None
