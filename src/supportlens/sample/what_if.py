"""What-if re-runs of the simulator, on the simulated sample only.

The analysis estimates what a change would do from the data; on the sample the simulator can
re-run the same organisation (same seed, separate random streams) with the change switched on
and measure it. Two checks:

- the coverage recommendation: exactly its change (agent hours moved from the slots that can spare
  them into the gap slots, plus those hired), and the breached SLAs (first response and resolution)
  it avoids per year, in the gap slots, in the slots the hours came from and elsewhere. The baseline
  and the re-run are measured by one function with the same SLA rules (the event log included, so a
  reopen starts a new cycle in both): a re-run with no change avoids exactly nothing;
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

from ..analysis import Analysis, sla_targets_from
from ..analysis.actions.recommendations import RecommendationKind, SimulatedCheck, SimulatedVerdict
from ..analysis.actions.roi import Range
from ..analysis.core.clocks import ticket_clocks
from ..analysis.escalations.proactive import Policy, SimulatedPolicy
from ..canonical import PRIORITIES
from ..config import Config
from ..dataset import Dataset
from ..engine import per_value
from .simulator import simulate_log, simulate_tickets
from .spec import SimulationSpec
from .truth import breaches

# A re-run simulates the whole organisation again, at about the cost of simulating the sample: the checks run on
# simulated samples of at most this many tickets (the 50,000-ticket sample and smaller), and above it the report
# says that they were not run and why. (A smaller world is not the same organisation: its roster is sized from
# its ticket count, so a change of a few agents would not be the recommended change.)
RERUN_UP_TO = 100_000


def too_large_to_rerun(tickets: int) -> str | None:
    """Why the simulator is not re-run on a sample of ``tickets`` tickets, or None when it is."""
    if tickets <= RERUN_UP_TO:
        return None
    return (f"the simulator is re-run only for samples of at most {RERUN_UP_TO:,} tickets, and this one has "
            f"{tickets:,} (a re-run costs about as much as simulating the whole sample again)")


def sample_spec(dataset: Dataset) -> SimulationSpec | None:
    """The SimulationSpec that produced the data, or None when the data is not the untouched sample."""
    truth = dataset.sample_truth
    if truth is None:
        return None
    try:
        if (truth["what_if"]["extra_coverage"] or truth["what_if"].get("coverage_change")
                or int(truth["tickets"]) != len(dataset.tickets)):
            return None
        resolution, _ = breaches(dataset.tickets)
        if round(float(resolution.mean()), 4) != truth["measured"]["resolution_breach_rate"]:
            return None
        return SimulationSpec(tickets=int(truth["tickets"]), seed=int(truth["seed"]), start=truth["start"],
                              days=int(truth["days"]), planted_effects=bool(truth["planted_effects"]))
    except (KeyError, TypeError, ValueError):
        return None


def sla_outcomes(clocks: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Per ticket (indexed by ticket id): breached SLAs (0, 1 or 2: first response and resolution, late or
    open past target), the slot of the week it was created in (on the UTC clock the simulator's hours of the
    week are on) and its breach cost, from the tickets' ``ticket_clocks``. The one measure of both sides of a
    what-if: the same SLA rules, the event log when there is one (the baseline's clocks are the analysis's own,
    computed once; a re-run's are its re-simulated tickets')."""
    late = ("breached", "active_breached")
    created = clocks["created_at"].dt.tz_convert("UTC")
    cost = per_value(clocks["priority"], {p: config.costs.breach[p] for p in PRIORITIES}).fillna(0).to_numpy(dtype=float)
    return pd.DataFrame({
        "breached": (clocks["first_response_state"].isin(late).fillna(False).to_numpy(dtype=int)
                     + clocks["resolution_state"].isin(late).fillna(False).to_numpy(dtype=int)),
        "slot": (created.dt.day_of_week * 24 + created.dt.hour).to_numpy(),
        "cost": cost}, index=pd.Index(clocks["ticket_id"].astype(str), name="ticket_id"))


def rerun_outcomes(spec: SimulationSpec, change: dict[str, int], config: Config, as_of: pd.Timestamp,
                   by_priority: bool) -> pd.DataFrame:
    """``sla_outcomes`` of the organisation re-simulated with ``change`` (hour of the week -> agents)."""
    tickets, events = simulate_log(replace(spec, coverage_change={int(k): int(v) for k, v in change.items()}))
    return sla_outcomes(ticket_clocks(tickets, config.sla, as_of, events=events, by_priority=by_priority), config)


def coverage_what_if(baseline: pd.DataFrame, after: pd.DataFrame, change: dict[str, int], gap_slots: list,
                     predicted: Range, days: int) -> SimulatedCheck:
    """Breached SLAs avoided a year, ticket by ticket (the same tickets arrive in both runs)."""
    after = after.reindex(baseline.index)
    avoided = baseline["breached"].to_numpy() - after["breached"].fillna(0).to_numpy(dtype=int)
    slot = baseline["slot"].to_numpy()
    in_gap = np.isin(slot, [d * 24 + h for d, h in gap_slots])
    in_sources = np.isin(slot, [int(k) for k, v in change.items() if v < 0]) & ~in_gap
    per_year = 365.25 / days
    in_gap_count = float(avoided[in_gap].sum() * per_year)
    verdict = (SimulatedVerdict.ABOVE if in_gap_count > predicted.high else
               SimulatedVerdict.BELOW if in_gap_count < predicted.low else SimulatedVerdict.WITHIN)
    return SimulatedCheck(
        change={str(k): int(v) for k, v in sorted(change.items(), key=lambda kv: int(kv[0]))}, days=int(days),
        avoided_in_gap_per_year=in_gap_count,
        avoided_in_sources_per_year=float(avoided[in_sources].sum() * per_year),
        avoided_elsewhere_per_year=float(avoided[~in_gap & ~in_sources].sum() * per_year),
        avoided_per_year=float(avoided.sum() * per_year),
        value_in_gap_per_year=float((avoided * baseline["cost"].to_numpy())[in_gap].sum() * per_year),
        predicted_avoided=predicted, verdict=verdict)


def policy_spec(truth: dict | None, tickets: pd.DataFrame, hours: float):
    """The SimulationSpec that reproduces the sample with the policy on, or a reason why not (None, None for data
    that is not the simulated sample: a real export has no simulator to re-run, and nothing needs saying)."""
    if not truth or not {"seed", "tickets", "start", "days", "planted_effects", "what_if"} <= set(truth):
        return None, None
    if truth["tickets"] != len(tickets):
        return None, "the tickets do not match the simulated sample (different ticket counts)"
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
    if (reason := too_large_to_rerun(len(tickets))) is not None:
        return None, reason
    after = simulate_tickets(spec).set_index("ticket_id")
    before = tickets.set_index(tickets["ticket_id"].astype(str))
    if not before.index.equals(after.index):
        return None, "the tickets do not match the simulated sample (different ticket ids)"
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
        simulated, reason = None, "it was switched off for this report"
        if config.escalations.simulate_policy:
            simulated, reason = simulate_policy(dataset.sample_truth, dataset.tickets, config.escalations.policy_hours,
                                                escalations.proactive.headline)
        proactive = replace(escalations.proactive, simulated=simulated, simulated_reason=reason)
        analysis = replace(analysis, escalations=replace(escalations, proactive=proactive))
    if analysis.actions is not None:
        recommendations, note = _check_coverage(analysis.actions.recommendations, dataset, config,
                                                analysis.period.as_of, analysis.clocks)
        analysis = replace(analysis, actions=replace(analysis.actions, recommendations=recommendations,
                                                     what_if_note=note))
    return analysis


def _check_coverage(recommendations: list, dataset: Dataset, config: Config,
                    as_of: pd.Timestamp, clocks: pd.DataFrame) -> tuple[list, str | None]:
    """Re-run the simulator once per coverage recommendation, with exactly its change; the baseline is the
    analysis's own ``clocks`` (the same tickets, SLA rules, as-of and event log)."""
    if not any(r.kind == RecommendationKind.COVERAGE for r in recommendations):
        return recommendations, None
    if not config.recommendations.what_if:
        return recommendations, "it was switched off for this report"
    spec = sample_spec(dataset)
    if spec is None:
        return recommendations, None   # not the untouched simulated sample: there is no simulator to re-run
    if (reason := too_large_to_rerun(spec.tickets)) is not None:
        return recommendations, reason
    by_priority = sla_targets_from(dataset, config) == "priority"
    baseline = sla_outcomes(clocks, config)
    out = []
    for rec in recommendations:
        if rec.kind == RecommendationKind.COVERAGE:
            change = rec.facts.block.cover.change
            after = rerun_outcomes(spec, change, config, as_of, by_priority)
            check = coverage_what_if(baseline, after, change, rec.facts.slots, rec.impact.breaches_avoided_per_year,
                                     spec.days)
            rec = replace(rec, facts=replace(rec.facts, simulated=check))
        out.append(rec)
    return out, None
