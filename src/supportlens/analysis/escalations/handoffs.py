"""Who hands off to whom, how long the next role takes to act, and where escalations stall.

A *handoff* is a change of the acting stakeholder role between consecutive
events of a ticket (system events ignored). Its wait is the waiting between the
two: from the handing role's last event when that left the ticket waiting (an
escalation, a question to the customer), plus the receiving role's own queue
events until it first acts, so a "queued for level 2" row followed hours later
by "in progress" counts as one handoff with the whole queue time, while time
the handing role spent working is not a wait. Handoffs made after the ticket
was resolved (a reopen) are not waits and are left out.

The directly-follows graph (DFG) counts every pair of consecutive activities
with its median transition time; the *ping-pong rate* is the share of
escalated tickets handed back down the escalation ladder at least once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config import Findings
from ...config.escalations import Escalations
from ...engine import release_memory
from .process_log import DONE, WAIT, ProcessLog, ticket_slices
from ..core.breach import breached_mask
from ..core.extremes import highest
from ..core.stats import Rate, mann_whitney_p, median_interval, wilson


SLOWEST_TRANSITIONS_SHOWN = 6   # rows of the escalations page's table of slow transitions


@dataclass(frozen=True)
class Handoff:
    """One cell of the handoff matrix: role -> role. Hours are calendar hours."""

    from_role: str
    to_role: str
    from_label: str
    to_label: str
    handoffs: int
    tickets: int
    median_wait_hours: float | None
    ci_low: float | None
    ci_high: float | None
    p90_wait_hours: float | None
    total_wait_hours: float
    into_customer: bool          # the receiving role is the customer (a wait on them, not on us)


@dataclass(frozen=True)
class Transition:
    """One edge of the directly-follows graph: activity -> next activity of the same ticket."""

    source: str
    target: str
    count: int
    median_hours: float | None
    p90_hours: float | None
    from_done: bool              # leaves a resolved stage (e.g. solved -> closed): not process time


@dataclass(frozen=True)
class Bottleneck:
    """The slowest handoff into an internal role, tested against all other internal handoffs."""

    handoff: Handoff
    others_median_wait_hours: float | None
    ratio: float | None          # its median wait / the other handoffs' median wait
    p_value: float | None        # Mann-Whitney U, its waits vs the others'
    significant: bool
    material: bool
    share_of_escalated: float | None   # escalated tickets that went through it / escalated tickets
    runner_up: Handoff | None
    # resolution breaches, by priority, that overran their target by no more than the ticket waited at
    # this handoff beyond the other handoffs' median: what a handoff as quick as the others could avoid
    # (calendar hours on both sides; None when the tickets' SLA clocks were not given)
    breaches_within_extra_wait: dict[str, int] | None = None

    @property
    def found(self) -> bool:
        """Significant and material: the escalation_bottleneck finding and the escalation recommendation."""
        return self.significant and self.material


@dataclass(frozen=True)
class PingPong:
    rate: Rate                   # escalated tickets handed down the ladder at least once / escalated tickets
    returns: int                 # handoffs down the ladder
    by_pair: list[dict]          # {from_role, to_role, returns}, most returns first
    most_returns: int | None = None   # index into by_pair: the pair handed back most often (the first on a tie)


@dataclass(frozen=True)
class Handoffs:
    matrix: list[Handoff]
    transitions: list[Transition]        # most frequent first, at most dfg_max_edges * 4
    slowest_transitions: list[Transition]  # slowest process transitions with >= min_transitions
    activities: list[dict]               # {activity, events, starts, ends}
    bottleneck: Bottleneck | None
    ping_pong: PingPong
    slowest_transitions_shown: int = 0   # the first this many of slowest_transitions are listed on the page


def _q(values: np.ndarray, q: float) -> float | None:
    return float(np.quantile(values, q)) if values.size else None


def handoff_waits(log: ProcessLog, config: Escalations) -> pd.DataFrame:
    """One row per handoff: ticket, from_role, to_role (codes), wait_hours.

    The wait adds up the waiting between the two roles: from the handing role's last event
    when that left the ticket waiting (an escalation, a question to the customer), and the
    receiving role's own queue events until it first acts (works or resolves). Time the
    handing role spent working before it let go is not a wait. (Read a slice of whole tickets at a time.)"""
    parts = [_handoff_waits(log, config, part) for part in ticket_slices(log.ticket)]
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _handoff_waits(log: ProcessLog, config: Escalations, part: slice) -> pd.DataFrame:
    """``handoff_waits`` of the tickets whose events are the positions ``part`` of the log."""
    idx = part.start + np.flatnonzero(log.stakeholder(config, part))
    tk, role, t = log.ticket[idx], log.role[idx], log.hours[idx]
    held, kind = log.held[idx], log.kind[idx]
    start = np.ones(idx.size, dtype=bool)
    start[1:] = (tk[1:] != tk[:-1]) | (role[1:] != role[:-1])
    run = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    last = np.append(first[1:] - 1, idx.size - 1)
    # first event of each run at which the role acts (works or resolves), -1 if it only queued
    acts = np.flatnonzero(kind != WAIT)
    first_act = np.full(first.size, -1)
    if acts.size:   # run is sorted: each run's first acting event where the run number changes (no sort)
        acting = run[acts]
        at = np.flatnonzero(np.append(True, acting[1:] != acting[:-1]))
        first_act[acting[at]] = acts[at]
    a, b = np.arange(first.size - 1), np.arange(1, first.size)
    same = tk[first[a]] == tk[first[b]]
    a, b = a[same], b[same]
    resolved = kind[last[a]] == DONE
    a, b = a[~resolved], b[~resolved]
    handed = np.where(held[last[a]] == WAIT, t[first[b]] - t[last[a]], 0.0)
    nxt = np.minimum(b + 1, first.size - 1)
    fallback = np.where((b + 1 < first.size) & (tk[first[nxt]] == tk[first[b]]), t[first[nxt]], t[last[b]])
    acted = np.where(first_act[b] >= 0, t[np.maximum(first_act[b], 0)], fallback)
    return pd.DataFrame({"ticket": tk[first[a]], "from_role": role[first[a]], "to_role": role[first[b]],
                         "wait_hours": np.maximum(handed + acted - t[first[b]], 0.0)})


def handoff_matrix(waits: pd.DataFrame, log: ProcessLog, config: Escalations) -> list[Handoff]:
    """One Handoff per (from role, to role) that has waits. The waits are gathered pair by pair through one stable
    sort of a pair code (each pair's waits in the order of ``waits``, as a grouping by the two columns has them):
    at scale a pandas grouping by two columns held several arrays the length of ``waits``."""
    customers = set(config.customer_roles)
    out = []
    pair = waits["from_role"].to_numpy().astype(np.int32) * len(log.roles) + waits["to_role"].to_numpy()
    order = np.argsort(pair, kind="stable")
    pair = pair[order]
    cuts = np.flatnonzero(pair[1:] != pair[:-1]) + 1
    hours, tickets = waits["wait_hours"].to_numpy(), waits["ticket"].to_numpy()
    for start, stop in zip(np.r_[0, cuts], np.r_[cuts, pair.size]) if pair.size else []:
        a, b = divmod(int(pair[start]), len(log.roles))
        rows = order[start:stop]
        values = hours[rows]
        med = median_interval(values)
        ra, rb = log.roles[a], log.roles[b]
        out.append(Handoff(ra, rb, config.role_label(ra), config.role_label(rb), int(values.size),
                           int(np.unique(tickets[rows]).size), med.value, med.ci_low, med.ci_high, _q(values, 0.9),
                           float(values.sum()), rb in customers))
    return sorted(out, key=lambda h: (-h.handoffs, h.from_role, h.to_role))


def find_bottleneck(waits: pd.DataFrame, matrix: list[Handoff], log: ProcessLog, config: Escalations,
                    thresholds: Findings) -> Bottleneck | None:
    """The slowest handoff into one of our roles with enough observations, against the others."""
    ranked = sorted((h for h in matrix if not h.into_customer and h.handoffs >= config.min_transitions
                     and h.median_wait_hours is not None), key=lambda h: (-h.median_wait_hours, h.from_role))
    if not ranked or ranked[0].median_wait_hours <= 0:
        return None
    worst = ranked[0]
    codes = {r: i for i, r in enumerate(log.roles)}
    customer_codes = log.role_codes(config.customer_roles)
    mine = (waits["from_role"] == codes[worst.from_role]) & (waits["to_role"] == codes[worst.to_role])
    others = ~mine & ~waits["to_role"].isin(customer_codes)
    rest = waits.loc[others, "wait_hours"].to_numpy()
    rest_median = float(np.median(rest)) if rest.size else None
    p = mann_whitney_p(waits.loc[mine, "wait_hours"].to_numpy(), rest) if rest.size else None
    ratio = (worst.median_wait_hours / rest_median) if rest_median else None
    escalated = int(log.escalated.sum())
    through = waits.loc[mine, "ticket"].to_numpy()
    share = float(np.unique(through[log.escalated[through]]).size / escalated) if escalated else None
    significant = p is not None and p < thresholds.alpha
    longer = worst.median_wait_hours - (rest_median or 0.0)
    material = (ratio is None or ratio >= thresholds.material_ratio) and longer >= config.material_wait_hours
    return Bottleneck(worst, rest_median, ratio, p, significant, bool(material), share,
                      ranked[1] if len(ranked) > 1 else None)


def _median_and_p90(values: np.ndarray) -> tuple[float, float]:
    """The median and 90th percentile as pandas' grouped statistics compute them (the median the mean of the two
    middle values, the percentile pandas' linear interpolation ``value + (next - value) * fraction``), read off one
    partial sort instead of a grouping (which held several copies of the values: at 10M tickets a pair of
    activities has millions of transitions). Values with a NaN go through pandas itself."""
    n = values.size
    if not n or np.isnan(values).any():
        grouped = pd.Series(values).groupby(np.zeros(n, dtype=np.int64))
        return float(grouped.median().iloc[0]), float(grouped.quantile(0.9).iloc[0])
    position = 0.9 * float(n - 1)
    at, fraction = int(position), position % 1
    low, high = (n - 1) // 2, n // 2
    part = np.partition(values, sorted({low, high, at, min(at + 1, n - 1)}))
    median = part[low] if low == high else (part[low] + part[high]) / 2
    p90 = part[at] if fraction == 0.0 else part[at] + (part[at + 1] - part[at]) * fraction
    return float(median), float(p90)


# transitions' hours held at once by the directly-follows graph (a pair of activities with more is held alone)
TRANSITIONS_HELD = 1 << 24


def _transitions(log: ProcessLog, n_labels: int):
    """Per slice of whole tickets: the positions of its events that have a next one, and each such transition's
    pair code (its activity's label times ``n_labels`` plus the next one's)."""
    for part in ticket_slices(log.ticket):
        i = part.start + np.flatnonzero(log.has_next[part])
        yield i, log.label[i].astype(np.int64) * n_labels + log.label[i + 1]


def _transition_hours(log: ProcessLog, n_labels: int, wanted: np.ndarray | None,
                      done: np.ndarray | None = None) -> dict[int, list[np.ndarray]]:
    """Each pair code's transition hours in log order (of the pair codes ``wanted`` marks, when given), gathered a
    slice of whole tickets at a time; with ``done``, each pair's transitions leaving a resolved stage added to it."""
    hours: dict[int, list[np.ndarray]] = {}
    for i, pair in _transitions(log, n_labels):
        if done is not None:
            done += np.bincount(pair, weights=log.kind[i] == DONE, minlength=n_labels * n_labels)
        if wanted is not None:
            keep = np.flatnonzero(wanted[pair])
            i, pair = i[keep], pair[keep]
        order = np.argsort(pair, kind="stable")
        pair, values = pair[order], log.duration(i)[order]
        cuts = np.flatnonzero(np.diff(pair)) + 1
        for code, chunk in zip(pair[np.r_[0, cuts]] if pair.size else [], np.split(values, cuts)):
            hours.setdefault(int(code), []).append(chunk)
    return hours


def _batches(log: ProcessLog, n_labels: int, done: np.ndarray) -> list[list[int]]:
    """The pair codes in order, in batches of at most TRANSITIONS_HELD transitions (a larger pair alone); each
    pair's transitions leaving a resolved stage added to ``done``."""
    counts = np.zeros(n_labels * n_labels, dtype=np.int64)
    for i, pair in _transitions(log, n_labels):
        done += np.bincount(pair, weights=log.kind[i] == DONE, minlength=n_labels * n_labels)
        counts += np.bincount(pair, minlength=n_labels * n_labels)
    batches, batch, held = [], [], 0
    for code in np.flatnonzero(counts).tolist():
        if batch and held + counts[code] > TRANSITIONS_HELD:
            batches.append(batch)
            batch, held = [], 0
        batch.append(code)
        held += int(counts[code])
    return batches + ([batch] if batch else [])


def directly_follows(log: ProcessLog, config: Escalations) -> tuple[list[Transition], list[Transition], list[dict]]:
    """DFG edges (most frequent first), the slowest process edges, and per-activity counts."""
    n_labels = len(log.labels)
    # each pair's transition hours in log order and its count of transitions leaving a resolved stage, gathered a
    # slice of whole tickets at a time: in one pass when the log has at most TRANSITIONS_HELD transitions, else for
    # a batch of pairs at a time (never every transition's hours at once)
    done = np.zeros(n_labels * n_labels)
    if np.count_nonzero(log.has_next) <= TRANSITIONS_HELD:
        gathered = _transition_hours(log, n_labels, None, done)
        batches = [sorted(gathered)]
    else:
        gathered, batches = None, _batches(log, n_labels, done)
    edges = []
    for batch in batches:
        if gathered is None:
            wanted = np.zeros(n_labels * n_labels, dtype=bool)
            wanted[batch] = True
            hours = _transition_hours(log, n_labels, wanted)
        else:
            hours = gathered
        for code in batch:
            values = np.concatenate(hours.pop(code))
            median, p90 = _median_and_p90(values)
            edges.append(Transition(log.labels[code // n_labels], log.labels[code % n_labels], int(values.size),
                                    median, p90, bool(done[code] / values.size >= 0.5)))
    frequent = sorted(edges, key=lambda e: (-e.count, e.source, e.target))[: config.dfg_max_edges * 4]
    slowest = sorted((e for e in edges if not e.from_done and e.count >= config.min_transitions),
                     key=lambda e: (-e.median_hours, e.source, e.target))[:8]
    starts = np.ones(log.events, dtype=bool)
    starts[1:] = log.ticket[1:] != log.ticket[:-1]
    counts = np.bincount(log.label, minlength=n_labels)
    first = np.bincount(log.label[starts], minlength=n_labels)
    last = np.bincount(log.label[~log.has_next], minlength=n_labels)
    activities = [{"activity": log.labels[k], "events": int(counts[k]), "starts": int(first[k]), "ends": int(last[k])}
                  for k in np.argsort(-counts, kind="stable") if counts[k]]
    return frequent, slowest, activities


def ping_pong(log: ProcessLog, config: Escalations) -> PingPong:
    """Escalated tickets handed back down the ladder (e.g. tier 2 -> tier 1) at least once."""
    rank = log.ladder_rank(config)
    returned, downs = [], []   # per slice of whole tickets (a return is within one ticket): tickets, (from, to) rungs
    for part in ticket_slices(log.ticket):
        role = log.role[part]
        on = np.flatnonzero((role >= 0) & (rank[np.maximum(role, 0)] >= 0))
        tk, rk = log.ticket[part][on], rank[role[on]]
        step = np.flatnonzero((tk[1:] == tk[:-1]) & (rk[1:] < rk[:-1]))
        returned.append(tk[step + 1])
        downs += list(zip(rk[step], rk[step + 1]))
    escalated = int(log.escalated.sum())
    tickets = np.unique(np.concatenate(returned))
    step_count = len(downs)
    pairs = pd.Series(downs).value_counts() if step_count else pd.Series(dtype=int)
    by_pair = [{"from_role": config.ladder[a], "to_role": config.ladder[b], "returns": int(c)}
               for (a, b), c in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]
    return PingPong(wilson(int(np.isin(tickets, np.flatnonzero(log.escalated)).sum()), escalated), step_count, by_pair,
                    highest(by_pair, lambda p: p["returns"]))


def breaches_within_extra_wait(waits: pd.DataFrame, neck: Bottleneck, log: ProcessLog,
                               clocks: pd.DataFrame) -> dict[str, int]:
    """Breached resolution SLAs whose overrun (calendar hours past the target) is at most the ticket's
    extra wait at the bottleneck: its waits there beyond the other handoffs' median, summed. ``clocks``
    has one row per ticket, in the order of the tickets table (``log.ticket`` indexes it)."""
    codes = {r: i for i, r in enumerate(log.roles)}
    h = neck.handoff
    mine = waits[(waits["from_role"] == codes[h.from_role]) & (waits["to_role"] == codes[h.to_role])]
    extra = np.clip(mine["wait_hours"].to_numpy() - (neck.others_median_wait_hours or 0.0), 0, None)
    per_ticket = np.bincount(mine["ticket"].to_numpy(), weights=extra, minlength=len(clocks))
    went = np.bincount(mine["ticket"].to_numpy(), minlength=len(clocks)) > 0
    overrun = ((clocks["resolution_minutes"] - clocks["resolution_target_minutes"]) / 60).to_numpy(dtype=float, na_value=np.nan)
    avoidable = went & breached_mask(clocks["resolution_state"]) & (overrun <= per_ticket)
    counts = clocks.loc[avoidable, "priority"].value_counts()
    return {str(p): int(n) for p, n in sorted(counts.items()) if n}   # (a categorical counts its absent values too)


def analyse_handoffs(log: ProcessLog, config: Escalations, thresholds: Findings,
                     clocks: pd.DataFrame | None = None) -> Handoffs:
    """The handoff matrix, the DFG, ping-pong and the bottleneck; with the tickets' SLA clocks
    (rows in the order of the tickets table) the bottleneck also counts the breaches its extra wait explains."""
    waits = handoff_waits(log, config)
    release_memory()   # (each step's slices, given back before the next: see engine.release_memory)
    matrix = handoff_matrix(waits, log, config)
    release_memory()
    frequent, slowest, activities = directly_follows(log, config)
    release_memory()
    neck = find_bottleneck(waits, matrix, log, config, thresholds)
    if neck is not None and clocks is not None:
        neck = dataclasses.replace(neck, breaches_within_extra_wait=breaches_within_extra_wait(waits, neck, log, clocks))
    return Handoffs(matrix, frequent, slowest, activities, neck, ping_pong(log, config),
                    min(len(slowest), SLOWEST_TRANSITIONS_SHOWN))


