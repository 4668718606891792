"""What happens to a ticket after its first response: work, escalation, waiting, reopening.

Every ticket gets a full, uncensored timeline (seconds from start). The timeline
is then written out as events; the ticket table is derived from the events cut
at the end of the window, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrivals import Tickets
from .population import Roster
from .spec import (CHANNELS, EVENT_TYPES, HOUR, INDUSTRIES, ROLES, STATUSES,
                   SimulationSpec)

# Planted world, by category (order of CATEGORIES):
#   billing, login_access, bug, how_to, integration, performance, feature_request, account_change
_WORK_HOURS = np.array([2.0, 1.0, 4.0, 1.0, 5.0, 4.0, 2.5, 1.5])     # tier-1 work, median
_ESCALATE = np.array([0.12, 0.15, 0.50, 0.05, 0.45, 0.45, 0.35, 0.10])
_ONE_TOUCH = np.array([0.55, 0.70, 0.12, 0.75, 0.10, 0.12, 0.40, 0.60])
_ON_HOLD = np.array([0.06, 0.04, 0.12, 0.02, 0.20, 0.12, 0.05, 0.06])
# by priority (critical, high, normal, low): high is worked like normal yet has an 8 h target
_WORK_PRIORITY = np.array([0.20, 0.95, 1.00, 1.20])
_HANDOFF_PRIORITY = np.array([0.25, 0.70, 1.00, 1.30])
_ESCALATE_PRIORITY = np.array([1.20, 1.15, 1.00, 0.80])
_HOLD_PRIORITY = np.array([0.30, 1.00, 1.00, 1.00])    # vendors rush outages
_PENDING_PRIORITY = np.array([0.25, 0.60, 1.00, 1.30])   # customers answer urgent questions sooner

# Null world: one value for everyone.
_NULL = {"work": 2.5, "escalate": 0.25, "one_touch": 0.40, "on_hold": 0.08}

_ESCALATE_TIER3 = 0.27
_PENDING = 0.22
_REOPEN = 0.085
_TIER2_WORK_HOURS = 4.0
_TIER3_WORK_HOURS = 8.0
_HANDOFF12_HOURS = 1.2
_HANDOFF23_HOURS = 8.0   # planted bottleneck, on top of engineering's office hours

T = {name: code for code, name in enumerate(EVENT_TYPES)}
R = {name: code for code, name in enumerate(ROLES)}
S = {name: code for code, name in enumerate(STATUSES)}


@dataclass
class Timeline:
    created: np.ndarray
    fr: np.ndarray
    esc2: np.ndarray
    esc3: np.ndarray
    e2: np.ndarray
    e3: np.ndarray
    solve1: np.ndarray
    final_solve: np.ndarray
    silence_hours: np.ndarray   # longest stretch without a public update while escalated


@dataclass
class Events:
    """Event columns as codes, sorted by ticket, time, logical order."""

    ticket: np.ndarray
    t: np.ndarray
    etype: np.ndarray
    actor: np.ndarray     # agent index; -1 the requester; -2 the system
    role: np.ndarray
    tier: np.ndarray
    status: np.ndarray


def sec(seconds) -> np.ndarray:
    """Durations in seconds, rounded to whole seconds."""
    return np.round(seconds).astype(np.int64)


def _hours_until_cover(mask: np.ndarray) -> np.ndarray:
    """For each hour of week, whole hours until an hour where ``mask`` is true (0 if now)."""
    wait = np.zeros(168, dtype=np.int64)
    for how in range(168):
        k = 0
        while not mask[(how + k) % 168] and k < 168:
            k += 1
        wait[how] = k
    return wait


def _next_cover(t: np.ndarray, mask: np.ndarray, start_weekday: int, u: np.ndarray) -> np.ndarray:
    """``t`` if the hour is covered, else a few minutes (u * 30) into the next covered hour."""
    hour = t // HOUR
    wait = _hours_until_cover(mask)[(start_weekday * 24 + hour) % 168]
    return np.where(wait == 0, t, (hour + wait) * HOUR + np.floor(u * 1800).astype(np.int64))


def _pick_agent(t: np.ndarray, lists: list[np.ndarray], pool: np.ndarray, u: np.ndarray,
                start_weekday: int) -> np.ndarray:
    how = (start_weekday * 24 + t // HOUR) % 168
    sizes = np.array([a.size for a in lists])
    flat = np.concatenate(lists + [pool])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    size = sizes[how]
    choice = offsets[how] + np.floor(u * np.maximum(size, 1)).astype(np.int64)
    fallback = sizes.sum() + np.floor(u * pool.size).astype(np.int64)
    return flat[np.where(size > 0, choice, fallback)]


def build_timeline(spec: SimulationSpec, tickets: Tickets, industry: np.ndarray, roster: Roster,
                   fr: np.ndarray, rng: np.random.Generator) -> tuple[Timeline, dict]:
    """Durations and decisions of every ticket. Returns the timeline and the per-ticket parts
    the event writer needs."""
    n = tickets.created.size
    pr, ch, cat = tickets.priority, tickets.channel, tickets.category
    # Draw everything unconditionally and in a fixed order: what-if runs then share them.
    u = {k: rng.random(n) for k in ("esc2", "esc3", "pend", "one_touch", "hold", "reopen",
                                    "split2", "split3", "reopen_work", "agent2", "agent3",
                                    "long_hold", "jitter")}
    z = {k: rng.standard_normal(n) for k in ("w1", "w2", "w3", "h12", "h23", "pend", "hold",
                                             "wrap", "reopen_delay", "reopen_pick", "reopen_work")}
    if spec.planted_effects:
        in_slow = industry == INDUSTRIES.index(spec.slow_industry)
        slow = in_slow * (spec.slow_industry_factor - 1) + 1
        slow = slow * np.where(ch == CHANNELS.index(spec.slow_channel), spec.slow_channel_factor, 1.0)
        w1_med = _WORK_HOURS[cat] * _WORK_PRIORITY[pr] * slow
        p_esc = np.minimum(0.95, _ESCALATE[cat] * _ESCALATE_PRIORITY[pr])
        # The slow industry's requests need checks (compliance, identity): rarely one touch.
        p_ot, p_hold = _ONE_TOUCH[cat] * np.where(in_slow, 0.5, 1.0), _ON_HOLD[cat]
        w_tier = _WORK_PRIORITY[pr] * slow
        h_prio = _HANDOFF_PRIORITY[pr]
    else:
        w1_med = np.full(n, _NULL["work"])
        p_esc, p_ot, p_hold = _NULL["escalate"], _NULL["one_touch"], _NULL["on_hold"]
        w_tier = np.ones(n)
        h_prio = np.ones(n)

    esc2 = u["esc2"] < p_esc
    esc3 = esc2 & (u["esc3"] < _ESCALATE_TIER3)
    pend = u["pend"] < _PENDING
    one_touch = ~esc2 & ~pend & (u["one_touch"] < p_ot)
    hold = ~one_touch & (u["hold"] < p_hold)
    reopen = ~one_touch & (u["reopen"] < _REOPEN)

    pend_med = 5.0 * (_PENDING_PRIORITY[pr] if spec.planted_effects else 1.0)
    d_pend = np.where(pend, sec(np.minimum(pend_med * HOUR * np.exp(1.1 * z["pend"]), 30 * 24 * HOUR)), 0)
    s1 = fr + d_pend
    w1 = sec(w1_med * HOUR * np.exp(0.9 * z["w1"]))
    e2 = np.where(esc2, s1 + sec(w1 * (0.2 + 0.6 * u["split2"])), -1)

    tier2_mask = roster.coverage(2) > 0
    tier3_mask = roster.coverage(3) > 0
    # The receiving tier picks up within its own shift hours, except critical escalations,
    # which page someone on call. In the null world nobody waits for a shift, so both
    # handoffs have the same distribution.
    on_call = (pr == 0) if spec.planted_effects else np.ones(n, dtype=bool)
    h12 = sec(_HANDOFF12_HOURS * h_prio * HOUR * np.exp(0.9 * z["h12"]))
    p2 = np.where(esc2, np.where(on_call, e2 + h12, _next_cover(np.maximum(e2, 0) + h12, tier2_mask,
                                                                 spec.start_weekday, u["jitter"])), -1)
    w2 = sec(_TIER2_WORK_HOURS * w_tier * HOUR * np.exp(1.0 * z["w2"]))
    e3 = np.where(esc3, p2 + sec(w2 * (0.3 + 0.6 * u["split3"])), -1)
    h23_med = _HANDOFF23_HOURS if spec.planted_effects else _HANDOFF12_HOURS
    h23 = sec(h23_med * h_prio * HOUR * np.exp((1.0 if spec.planted_effects else 0.9) * z["h23"]))
    p3 = np.where(esc3, np.where(on_call, e3 + h23, _next_cover(np.maximum(e3, 0) + h23, tier3_mask,
                                                                 spec.start_weekday, u["jitter"])), -1)
    w3 = sec(_TIER3_WORK_HOURS * w_tier * HOUR * np.exp(1.0 * z["w3"]))

    we = np.where(one_touch, fr, np.where(esc3, p3 + w3, np.where(esc2, p2 + w2, s1 + w1)))
    if spec.change_second is not None and spec.change_effect_hours:
        # the escalated tickets on the slow side of the change date finish their work later
        later = tickets.created < spec.change_second if spec.change_effect_hours < 0 else \
            tickets.created >= spec.change_second
        we = we + np.where(esc2 & later, sec(abs(spec.change_effect_hours) * HOUR), 0)
    # Most holds wait a day on a third party; one in seven waits on a vendor fix for weeks.
    hold_med = np.where(u["long_hold"] < 0.15, 10 * 24.0, 12.0)
    if spec.planted_effects:
        hold_med = hold_med * _HOLD_PRIORITY[pr]
    d_hold = sec(hold_med * HOUR * np.exp(1.0 * z["hold"]))
    he = np.where(hold, we + d_hold, -1)
    solve1 = np.where(hold, he + sec(0.5 * HOUR * np.exp(0.8 * z["wrap"])), we)
    r = np.where(reopen, solve1 + sec(np.minimum(10.0 * HOUR * np.exp(0.9 * z["reopen_delay"]),
                                                 0.9 * spec.close_after_hours * HOUR)), -1)
    rp = np.where(reopen, r + sec(1.5 * HOUR * np.exp(1.0 * z["reopen_pick"])), -1)
    extra = np.where(u["reopen_work"] < 0.5, 0, sec(2.0 * HOUR * np.exp(z["reopen_work"])))
    solve2 = np.where(reopen, rp + extra, -1)
    final = np.where(reopen, solve2, solve1)

    tier2_pool = np.flatnonzero(roster.tier == 2)
    tier3_pool = np.flatnonzero(roster.tier == 3)
    a2 = _pick_agent(np.maximum(p2, 0), roster.on_shift_lists(2), tier2_pool, u["agent2"],
                     spec.start_weekday)
    a3 = _pick_agent(np.maximum(p3, 0), roster.on_shift_lists(3), tier3_pool, u["agent3"],
                     spec.start_weekday)
    timeline = Timeline(tickets.created, fr, esc2, esc3, e2, e3, solve1, final,
                        np.zeros(n))
    parts = dict(pend=pend, one_touch=one_touch, hold=hold, reopen=reopen, s1=s1, p2=p2, p3=p3,
                 we=we, he=he, r=r, rp=rp, solve2=solve2, a2=a2, a3=a3,
                 end1=np.where(esc2, e2, we), end2=np.where(esc3, e3, we))
    return timeline, parts


class _Blocks:
    """Collects event rows as arrays; ``seq`` orders events that share a second."""

    def __init__(self) -> None:
        self.cols: list[tuple] = []

    def add(self, idx, t, etype, actor, role, tier, status, seq) -> None:
        m = idx.size
        full = lambda v, dt: np.broadcast_to(np.asarray(v, dtype=dt), (m,))  # noqa: E731
        self.cols.append((idx.astype(np.int64), np.asarray(t, dtype=np.int64), full(etype, np.int8),
                          full(actor, np.int64), full(role, np.int8), full(tier, np.int8),
                          full(status, np.int8), full(seq, np.int16)))

    def concat(self) -> list[np.ndarray]:
        return [np.concatenate([c[k] for c in self.cols]) for k in range(8)]


def build_events(spec: SimulationSpec, tl: Timeline, parts: dict, fr_agent: np.ndarray,
                 roster: Roster, rng: np.random.Generator) -> Events:
    n = tl.created.size
    everyone = np.arange(n)
    agent_role = (roster.tier).astype(np.int8)         # tier k -> role code k (tier1..tier3)
    a1, a2, a3 = fr_agent, parts["a2"], parts["a3"]
    tier_final = np.where(tl.esc3, 3, np.where(tl.esc2, 2, 1)).astype(np.int8)
    af = np.where(tl.esc3, a3, np.where(tl.esc2, a2, a1))
    b = _Blocks()

    b.add(everyone, tl.created, T["created"], -1, R["customer"], 1, S["new"], 0)
    b.add(everyone, tl.fr, T["public_reply"], a1, agent_role[a1], 1, S["open"], 10)
    i = np.flatnonzero(parts["pend"])
    b.add(i, tl.fr[i], T["status_change"], a1[i], agent_role[a1[i]], 1, S["pending"], 11)
    b.add(i, parts["s1"][i], T["customer_reply"], -1, R["customer"], 1, S["open"], 12)

    worked = ~parts["one_touch"]

    def scatter(mask, lo, hi, rate, etype, actor, tier, seq):
        """Poisson(rate) events per ticket, uniform in [lo, hi]."""
        idx = np.flatnonzero(mask)
        k = rng.poisson(rate, idx.size)
        rep = np.repeat(idx, k)
        t = lo[rep] + np.floor(rng.random(rep.size) * (hi[rep] - lo[rep])).astype(np.int64)
        b.add(rep, t, etype, actor[rep], agent_role[actor[rep]], tier, S["open"], seq)

    scatter(worked, parts["s1"], parts["end1"], 0.35, T["internal_note"], a1, 1, 20)
    scatter(worked, parts["s1"], parts["end1"], 0.45, T["public_reply"], a1, 1, 21)
    i = np.flatnonzero(tl.esc2)
    b.add(i, tl.e2[i], T["escalated"], a1[i], agent_role[a1[i]], 2, S["open"], 30)
    b.add(i, parts["p2"][i], T["internal_note"], a2[i], agent_role[a2[i]], 2, S["open"], 31)
    scatter(tl.esc2, parts["p2"], parts["end2"], 0.4, T["internal_note"], a2, 2, 32)
    scatter(tl.esc2, parts["p2"], parts["end2"], 0.8, T["public_reply"], a2, 2, 33)
    i = np.flatnonzero(tl.esc3)
    b.add(i, tl.e3[i], T["escalated"], a2[i], agent_role[a2[i]], 3, S["open"], 40)
    b.add(i, parts["p3"][i], T["internal_note"], a3[i], agent_role[a3[i]], 3, S["open"], 41)
    scatter(tl.esc3, parts["p3"], parts["we"], 0.6, T["internal_note"], a3, 3, 42)
    scatter(tl.esc3, parts["p3"], parts["we"], 0.8, T["public_reply"], a3, 3, 43)

    i = np.flatnonzero(parts["hold"])
    b.add(i, parts["we"][i], T["status_change"], af[i], agent_role[af[i]], tier_final[i], S["on_hold"], 50)
    b.add(i, parts["he"][i], T["status_change"], af[i], agent_role[af[i]], tier_final[i], S["open"], 51)
    i = np.flatnonzero(worked)
    b.add(i, tl.solve1[i], T["public_reply"], af[i], agent_role[af[i]], tier_final[i], S["open"], 60)
    b.add(everyone, tl.solve1, T["solved"], af, agent_role[af], tier_final, S["solved"], 61)
    i = np.flatnonzero(parts["reopen"])
    b.add(i, parts["r"][i], T["reopened"], -1, R["customer"], tier_final[i], S["open"], 70)
    b.add(i, parts["rp"][i], T["public_reply"], af[i], agent_role[af[i]], tier_final[i], S["open"], 71)
    j = i[parts["solve2"][i] > parts["rp"][i]]
    b.add(j, parts["solve2"][j], T["public_reply"], af[j], agent_role[af[j]], tier_final[j], S["open"], 72)
    b.add(i, parts["solve2"][i], T["solved"], af[i], agent_role[af[i]], tier_final[i], S["solved"], 73)
    close = -(-(tl.final_solve + int(spec.close_after_hours * HOUR)) // HOUR) * HOUR
    b.add(everyone, close, T["closed"], -2, R["system"], tier_final, S["closed"], 80)

    cols = b.concat()
    b.cols.clear()   # the blocks are copied: at ten million tickets they are gigabytes
    cols = list(_with_updates(spec, tl, parts, a1, a2, a3, agent_role, *cols))
    order = np.lexsort((cols[7], cols[1], cols[0]))
    del cols[7]      # seq only orders
    for k in range(len(cols)):   # one column at a time: never two copies of the whole table
        cols[k] = cols[k][order]
    del order
    return Events(*cols)


def _with_updates(spec, tl, parts, a1, a2, a3, agent_role, ticket, t, etype, actor, role, tier,
                  status, seq):
    """Measure the longest silence of escalated tickets; add proactive updates if asked."""
    esc = tl.esc2
    lo = np.where(esc, tl.e2, 0)
    hi = np.where(esc, tl.solve1, 0)
    sel = (etype == T["public_reply"]) & esc[ticket] & (t >= lo[ticket]) & (t <= hi[ticket])
    idx = np.flatnonzero(esc)
    at_ticket = np.concatenate([ticket[sel], idx, idx])
    at_t = np.concatenate([t[sel], lo[idx], hi[idx]])
    order = np.lexsort((at_t, at_ticket))
    at_ticket, at_t = at_ticket[order], at_t[order]
    same = at_ticket[1:] == at_ticket[:-1]
    gap = np.where(same, at_t[1:] - at_t[:-1], 0)
    longest = np.zeros(tl.created.size, dtype=np.int64)
    np.maximum.at(longest, at_ticket[1:][same], gap[same])
    x = spec.proactive_update_hours
    if x is None:
        tl.silence_hours = longest / HOUR
        return ticket, t, etype, actor, role, tier, status, seq
    step = int(round(x * HOUR))
    tl.silence_hours = np.minimum(longest, step) / HOUR
    k = np.where(same, np.maximum(0, -(-gap // step) - 1), 0)   # updates inside each gap
    owner = at_ticket[:-1]
    rep = np.repeat(np.arange(k.size), k)
    nth = np.arange(rep.size) - np.repeat(np.cumsum(k) - k, k) + 1
    when = at_t[:-1][rep] + nth * step
    who_t = owner[rep]
    p2, p3, e3 = parts["p2"][who_t], parts["p3"][who_t], tl.e3[who_t]
    in3 = tl.esc3[who_t] & (when >= p3)
    in2 = ~in3 & (when >= p2)
    who = np.where(in3, a3[who_t], np.where(in2, a2[who_t], a1[who_t]))
    tier_now = np.where(tl.esc3[who_t] & (when >= e3), 3, 2)
    held = parts["hold"][who_t] & (when >= parts["we"][who_t]) & (when < parts["he"][who_t])
    extra = (who_t, when, np.full(rep.size, T["public_reply"], np.int8), who,
             agent_role[who].astype(np.int8), tier_now.astype(np.int8),
             np.where(held, S["on_hold"], S["open"]).astype(np.int8), np.full(rep.size, 36, np.int16))
    cols = (ticket, t, etype, actor, role, tier, status, seq)
    return tuple(np.concatenate([c, e.astype(c.dtype)]) for c, e in zip(cols, extra))
