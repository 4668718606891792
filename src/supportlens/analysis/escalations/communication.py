"""How often stakeholders talk, how long escalated customers go without an update, and what
that silence goes with (CSAT, reopens, resolution time).

A *customer-facing update* is an event whose activity is listed in
``escalations.customer_facing`` (public replies in the sample) by a role that is
neither the customer nor ignored. A ticket's *longest silence* is the longest
stretch without one while it is escalated: from its first escalation to its
first resolution, counting both ends as boundaries (open tickets run to the
as-of time and are left out of the tests).

The relation is estimated on escalated, solved tickets with regressions on the
doubling of the silence (log2 of 1 + hours), adjusted for priority and for how
long the ticket was escalated (a longer escalation has room for a longer
silence): OLS for CSAT, logistic for "reopened at least once". Resolution time
is adjusted for priority only, because the escalated time is part of it; that
association is partly mechanical and is never written as a finding.
Benjamini-Hochberg adjusts the three p-values as one family.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.sm_exceptions import PerfectSeparationError

from ...canonical import PRIORITIES
from ...config import Findings
from ...config.escalations import Escalations
from .process_log import DONE, ProcessLog, ticket_slices
from ..core.extremes import highest, lowest
from ..core.stats import Estimate, Rate, benjamini_hochberg, bootstrap, logistic_regression, median_interval, wilson

GAP_BINS = (0.0, 4.0, 8.0, 24.0, 48.0, np.inf)
GAP_LABELS = ("under 4 h", "4–8 h", "8–24 h", "1–2 days", "over 2 days")


@dataclass(frozen=True)
class RoleMessages:
    role: str
    label: str
    messages: int                  # communication events on escalated tickets while escalated
    per_escalated_ticket: float
    per_escalated_day: float | None
    tickets_share: float | None    # escalated tickets with at least one message from the role


@dataclass(frozen=True)
class Turn:
    """Messages from one role to another while escalated (see _messages for the addressee)."""

    from_role: str
    to_role: str
    from_label: str
    to_label: str
    messages: int
    per_escalated_ticket: float
    replied_share: float           # messages the addressee acted on afterwards
    median_reply_hours: float | None


@dataclass(frozen=True)
class GapBucket:
    bucket: str
    tickets: int
    csat: Estimate                 # mean CSAT with bootstrap interval (rated tickets)
    reopened: Rate
    resolution_hours: Estimate     # median with order-statistic interval


@dataclass(frozen=True)
class Relation:
    """Effect of doubling the longest silence (1 + hours) on one outcome, adjusted."""

    outcome: str                   # csat, reopened, resolution
    label: str
    model: str
    n: int
    effect: float | None           # csat: points; reopened: odds ratio; resolution: time ratio
    effect_unit: str
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    adjusted_p: float | None
    significant: bool
    material: bool
    adjusted_for: list[str]
    reason: str | None = None      # why it could not be estimated
    # clear (significant and material), not_material (significant, below the materiality threshold), none (no clear
    # relation), association_only (resolution: a longer escalation leaves room for a longer silence; never tested
    # as an effect)
    verdict: str = "none"


def relation_verdict(outcome: str, significant: bool, material: bool) -> str:
    if outcome == "resolution":
        return "association_only"
    if significant:
        return "clear" if material else "not_material"
    return "none"


@dataclass(frozen=True)
class Communication:
    escalated: int
    escalated_days: float          # total time escalated tickets spent escalated, days
    updates_per_escalated_day: float | None
    by_role: list[RoleMessages]
    turns: list[Turn]
    longest_silence: Estimate      # median hours, escalated tickets (solved ones)
    longest_silence_p90: float | None
    open_escalated: int            # escalated and not yet resolved: left out of the tests
    buckets: list[GapBucket]
    relations: list[Relation]
    # indices into buckets: the highest and the lowest mean CSAT (the first on a tie; None without a rated bucket)
    csat_highest_bucket: int | None = None
    csat_lowest_bucket: int | None = None


@dataclass(frozen=True)
class FittedOutcome:
    """What the proactive estimate reads of a fitted outcome model (proactive.py): its coefficients, their 95%
    bounds and covariance, the logistic model's design (re-predicted with silences cut) and the tickets' longest
    silences. Kept instead of the fitted model and its frame: at 10M tickets those held over a gigabyte through the
    escalation steps that follow."""

    coefficients: np.ndarray
    bounds: np.ndarray                 # (coefficients, 2): low, high
    covariance: np.ndarray | None
    design: np.ndarray | None
    gap: np.ndarray


@dataclass
class Silences:
    """Per ticket row (NaN / 0 where not escalated); internal, used by the proactive estimate."""

    start: np.ndarray
    end: np.ndarray
    resolved: np.ndarray
    longest: np.ndarray
    gap_ticket: np.ndarray         # every silence: its ticket row and length in hours
    gap_hours: np.ndarray
    updates: int                   # customer-facing updates inside the escalated windows
    fits: dict = field(default_factory=dict)   # outcome -> FittedOutcome (csat, reopened: what proactive.py reads)


def silences(log: ProcessLog, as_of_hours: float) -> Silences:
    n = log.escalated.size
    start = np.where(log.escalated, log.escalated_at, np.nan)
    # the events of tickets with an escalation time: every event read below is one of them, read a slice of whole
    # tickets at a time (a few arrays the length of a slice's escalated events, never of the whole log)
    end = np.full(n, np.nan)
    facing = []
    for part in ticket_slices(log.ticket):
        escalated = part.start + np.flatnonzero(~np.isnan(start)[log.ticket[part]])
        after = escalated[(log.kind[escalated] == DONE) & (log.hours[escalated] >= start[log.ticket[escalated]])]
        np.fmin.at(end, log.ticket[after], log.hours[after])
        facing.append(escalated[log.customer_facing[escalated]])
    f = np.concatenate(facing)
    del facing
    resolved = ~np.isnan(end) & ~np.isnan(start)
    latest = float(np.nanmax(start)) if (~np.isnan(start)).any() else as_of_hours
    end = np.where(np.isnan(end) & ~np.isnan(start), max(as_of_hours, latest), end)
    rows = np.flatnonzero(~np.isnan(start))
    f = f[(log.hours[f] >= start[log.ticket[f]]) & (log.hours[f] <= end[log.ticket[f]])]
    at_ticket = np.concatenate([log.ticket[f], rows, rows])
    at_hours = np.concatenate([log.hours[f], start[rows], end[rows]])
    order = np.lexsort((at_hours, at_ticket))
    at_ticket, at_hours = at_ticket[order], at_hours[order]
    same = at_ticket[1:] == at_ticket[:-1]
    gap = (at_hours[1:] - at_hours[:-1])[same]
    owner = at_ticket[1:][same]
    longest = np.full(n, np.nan)
    longest[rows] = 0.0
    np.fmax.at(longest, owner, gap)
    return Silences(start, end, resolved, longest, owner, gap, int(f.size))


def _messages(log: ProcessLog, sil: Silences, config: Escalations) -> tuple[list[RoleMessages], list[Turn], float]:
    """Messages (communication-stage events) while escalated, by sender and by sender -> addressee.

    The addressee of a customer-facing update is the customer; of any other message, the next
    stakeholder of another role to act on the ticket. The reply time is the time until the
    addressee's next event on the ticket (messages nobody answered have none)."""
    # only the escalated tickets' stakeholder events: a message counts inside its ticket's escalated window, and
    # its reply is found among the same ticket's later events (a ticket's events are kept or left out together), so
    # the log is read a slice of whole tickets at a time: the arrays below are a slice's, the messages' are kept
    read = [_slice_messages(log, sil, config, part) for part in ticket_slices(log.ticket)]
    read = [r for r in read if r is not None]
    if not read:   # no escalated ticket's stakeholder event: no message, no turn
        return [], [], float(np.nansum(sil.end - sil.start) / 24)
    sender, target, reply, ticket = (np.concatenate(column) for column in zip(*read))
    n_esc = int((~np.isnan(sil.start)).sum())
    days = float(np.nansum(sil.end - sil.start) / 24)
    by_role = []
    for k in np.unique(sender):
        mine = sender == k
        messages = int(np.count_nonzero(mine))
        role = log.roles[k]
        by_role.append(RoleMessages(role, config.role_label(role), messages, messages / n_esc if n_esc else 0.0,
                                    messages / days if days else None,
                                    np.unique(ticket[mine]).size / n_esc if n_esc else None))
    by_role.sort(key=lambda r: (-r.messages, r.role))
    frame = pd.DataFrame({"a": sender, "b": target, "reply": reply})
    turns = []
    for (a, b), g in frame[frame["b"] >= 0].groupby(["a", "b"], sort=True):
        ra, rb = log.roles[a], log.roles[b]
        replies = g["reply"].dropna()
        turns.append(Turn(ra, rb, config.role_label(ra), config.role_label(rb), int(len(g)),
                          len(g) / n_esc if n_esc else 0.0, float(len(replies) / len(g)),
                          float(replies.median()) if len(replies) else None))
    turns.sort(key=lambda x: (-x.messages, x.from_role, x.to_role))
    return by_role, turns, days


def _slice_messages(log: ProcessLog, sil: Silences, config: Escalations,
                    part: slice) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The messages of the escalated tickets whose events are the positions ``part`` of the log: each one's sender
    and addressee (role codes, -1 none), hours to the reply (NaN none) and ticket row; None without a stakeholder
    event of an escalated ticket."""
    escalated = part.start + np.flatnonzero(~np.isnan(sil.start)[log.ticket[part]])
    stake = escalated[log.stakeholder(config, escalated)]
    del escalated
    if not stake.size:
        return None
    tk, ro, t = log.ticket[stake], log.role[stake], log.hours[stake]
    start = np.ones(stake.size, dtype=bool)
    start[1:] = (tk[1:] != tk[:-1]) | (ro[1:] != ro[:-1])
    first = np.flatnonzero(start)
    run = np.cumsum(start) - 1
    nxt = np.append(first[1:], stake.size)[run]                 # first event of the next run
    has_other = (nxt < stake.size) & (tk[np.minimum(nxt, stake.size - 1)] == tk)
    customer = np.isin(ro, log.role_codes(config.customer_roles))
    later = np.where(customer, np.arange(stake.size), stake.size)
    next_customer = np.minimum.accumulate(later[::-1])[::-1]    # this or a later customer event
    next_customer = np.append(next_customer[1:], stake.size)
    has_customer = (next_customer < stake.size) & (tk[np.minimum(next_customer, stake.size - 1)] == tk)

    comm_codes = [log.stages.index(c) for c in config.communication_stages if c in log.stages]
    stage, facing = log.stage[stake], log.customer_facing[stake]
    in_window = ~np.isnan(sil.start[tk]) & (t >= np.nan_to_num(sil.start[tk], nan=np.inf)) & (t <= sil.end[tk])
    m = np.flatnonzero((np.isin(stage, comm_codes) | facing) & in_window)
    customer_codes = log.role_codes(config.customer_roles)
    customer_code = int(customer_codes[0]) if customer_codes.size else -1
    to_customer = facing[m] & (customer_code >= 0)
    target = np.where(to_customer, customer_code, np.where(has_other[m], ro[np.minimum(nxt[m], stake.size - 1)], -1))
    reply_at = np.where(to_customer, np.where(has_customer[m], t[np.minimum(next_customer[m], stake.size - 1)], np.nan),
                        np.where(has_other[m], t[np.minimum(nxt[m], stake.size - 1)], np.nan))
    return ro[m], target, reply_at - t[m], tk[m]


def _design(frame: pd.DataFrame, with_window: bool) -> tuple[np.ndarray, list[str]]:
    columns = [np.ones(len(frame)), np.log2(1 + frame["gap"].to_numpy())]
    names = ["const", "silence_doublings"]
    if with_window:
        columns.append(np.log2(1 + frame["window"].to_numpy()))
        names.append("escalated_doublings")
    present = [p for p in PRIORITIES if (frame["priority"] == p).any()]
    for p in present[1:]:
        columns.append((frame["priority"] == p).to_numpy(dtype=float))
        names.append(f"priority_{p}")
    return np.column_stack(columns), names


def _fit(outcome: str, frame: pd.DataFrame, thresholds: Findings, config: Escalations,
         sil: Silences) -> Relation:
    specs = {"csat": ("CSAT", "OLS (robust SE)", "points", True),
             "reopened": ("Reopened at least once", "logistic", "odds ratio", True),
             "resolution": ("Time to resolution", "OLS on log hours (robust SE)", "time ratio", False)}
    label, model, unit, with_window = specs[outcome]
    adjusted = ["priority"] + (["time escalated"] if with_window else [])
    data = frame.dropna(subset=[outcome])
    if outcome == "reopened" and data[outcome].nunique() < 2:
        return Relation(outcome, label, model, len(data), None, unit, None, None, None, None, False, False, adjusted,
                        "no variation: no or every escalated ticket was reopened")
    if len(data) < 30:
        return Relation(outcome, label, model, len(data), None, unit, None, None, None, None, False, False, adjusted,
                        "no escalated, solved ticket has this outcome" if data.empty else
                        f"only {len(data)} escalated, solved tickets have this outcome (at least 30 needed)")
    x, _ = _design(data, with_window)
    y = data[outcome].to_numpy(dtype=float)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if outcome == "reopened":
                fit = logistic_regression(x, y, max_iterations=100)
                beta, bounds, p_value, converged = fit.coefficients[1], fit.conf_int()[1], fit.p_values[1], fit.converged
            else:
                fit = OLS(np.log(np.maximum(y, 1 / 60)) if outcome == "resolution" else y, x).fit(cov_type="HC1")
                beta, bounds, p_value, converged = fit.params[1], np.asarray(fit.conf_int())[1], fit.pvalues[1], True
    except (np.linalg.LinAlgError, ValueError, PerfectSeparationError) as exc:
        return Relation(outcome, label, model, len(data), None, unit, None, None, None, None, False, False, adjusted,
                        f"the model could not be fitted ({type(exc).__name__})")
    unstable = not np.isfinite(bounds).all() or (outcome != "csat" and np.abs(bounds).max() > 20)
    if unstable or not converged:
        return Relation(outcome, label, model, len(data), None, unit, None, None, None, None, False, False, adjusted,
                        "the model did not converge (too few reopens, or they separate perfectly)")
    gap = np.array(data["gap"].to_numpy(dtype=float))   # (a copy: not a view holding the frame's other columns)
    if outcome == "reopened":
        sil.fits[outcome] = FittedOutcome(fit.coefficients, np.asarray(fit.conf_int()), fit.covariance, x, gap)
    elif outcome == "csat":
        sil.fits[outcome] = FittedOutcome(np.asarray(fit.params), np.asarray(fit.conf_int()), None, None, gap)
    beta, (lo, hi) = float(beta), bounds
    if outcome == "csat":
        effect, ci = beta, (float(lo), float(hi))
        material = abs(effect) >= config.material_csat_points
    else:
        effect, ci = float(np.exp(beta)), (float(np.exp(lo)), float(np.exp(hi)))
        material = max(effect, 1 / effect) >= thresholds.material_ratio
    return Relation(outcome, label, model, len(data), effect, unit, ci[0], ci[1], float(p_value), None,
                    False, bool(material), adjusted)


def outcome_frame(sil: Silences, log: ProcessLog, tickets: pd.DataFrame, resolution_hours: np.ndarray) -> pd.DataFrame:
    """One row per escalated, resolved ticket: silence, time escalated, priority and outcomes."""
    rows = np.flatnonzero(sil.resolved)
    frame = pd.DataFrame({"row": rows, "gap": sil.longest[rows], "window": (sil.end - sil.start)[rows],
                          "priority": tickets["priority"].iloc[rows].to_numpy(dtype=object),   # (these rows' only)
                          "resolution": resolution_hours[rows]})
    frame["csat"] = tickets["csat"].iloc[rows].to_numpy(dtype=float) if "csat" in tickets else np.nan
    if "reopens" in tickets and tickets["reopens"].notna().any():
        reopens = pd.to_numeric(tickets["reopens"].iloc[rows], errors="coerce").to_numpy(dtype=float)
    else:  # a process stage after a resolved one: the ticket came back
        back = np.flatnonzero(log.has_next & (log.kind == DONE))
        back = back[log.kind[back + 1] != DONE]
        reopens = np.isin(rows, log.ticket[back]).astype(float)
    frame["reopened"] = np.where(np.isnan(reopens), np.nan, (reopens > 0).astype(float))
    return frame


def analyse_communication(log: ProcessLog, tickets: pd.DataFrame, resolution_hours: np.ndarray, as_of_hours: float,
                          config: Escalations, thresholds: Findings, seed: int) -> tuple[Communication, Silences]:
    sil = silences(log, as_of_hours)
    by_role, turns, days = _messages(log, sil, config)
    frame = outcome_frame(sil, log, tickets, resolution_hours)
    relations = [_fit(o, frame, thresholds, config, sil) for o in ("csat", "reopened", "resolution")]
    adjusted = benjamini_hochberg([r.p_value for r in relations])
    relations = [Relation(**{**r.__dict__, "adjusted_p": q,
                             "significant": q is not None and q < thresholds.alpha and r.outcome != "resolution"})
                 for r, q in zip(relations, adjusted)]
    relations = [dataclasses.replace(r, verdict=relation_verdict(r.outcome, r.significant, r.material)) for r in relations]
    buckets = []
    which = np.digitize(frame["gap"].to_numpy(), GAP_BINS[1:-1])
    for k, name in enumerate(GAP_LABELS):
        part = frame[which == k]
        reopened = part["reopened"].dropna()
        buckets.append(GapBucket(name, len(part), bootstrap(part["csat"].to_numpy(), "mean", seed=seed + k),
                                 wilson(int(reopened.sum()), len(reopened)),
                                 median_interval(part["resolution"].to_numpy())))
    gaps = frame["gap"].to_numpy()
    escalated = int((~np.isnan(sil.start)).sum())
    return Communication(
        escalated, days, sil.updates / days if days else None, by_role, turns, median_interval(gaps),
        float(np.quantile(gaps, 0.9)) if gaps.size else None, int((~sil.resolved & ~np.isnan(sil.start)).sum()),
        buckets, relations, highest(buckets, _mean_csat), lowest(buckets, _mean_csat)), sil


def _mean_csat(bucket: GapBucket) -> float | None:
    return bucket.csat.value
