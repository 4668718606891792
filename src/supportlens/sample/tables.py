"""From simulated codes to the canonical tables.

The ticket table is derived from the events cut at the end of the window, so
first_response_at is the first public reply, solved_at the last solve, and so
on, by construction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrivals import Tickets
from .lifecycle import S, T, Events, Timeline
from .population import Accounts, Roster
from .spec import (CATEGORIES, CHANNELS, EVENT_TYPES, HOUR, PRIORITIES, ROLES, STATUSES,
                   SimulationSpec)

NA = -1


_EVENT_FIELDS = ("ticket", "t", "etype", "actor", "role", "tier", "status")


def censor(ev: Events, end: int) -> Events:
    keep = ev.t < end
    return Events(*(getattr(ev, f)[keep] for f in _EVENT_FIELDS))


def censor_in_place(ev: Events, end: int) -> Events:
    """``censor`` that replaces ``ev``'s columns one at a time (the caller's only copy: no second table)."""
    keep = ev.t < end
    for f in _EVENT_FIELDS:
        setattr(ev, f, getattr(ev, f)[keep])
    return ev


def _first(ev: Events, mask: np.ndarray, n: int, values: np.ndarray, last: bool = False) -> np.ndarray:
    """Per ticket, ``values`` at the first (or last) event matching ``mask``; NA if none."""
    out = np.full(n, NA, dtype=np.int64)
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return out
    tick = ev.ticket[rows]
    if last:  # events are sorted by ticket then time: the last row of each run
        pos = np.flatnonzero(np.append(tick[1:] != tick[:-1], True))
    else:
        pos = np.flatnonzero(np.insert(tick[1:] != tick[:-1], 0, True))
    out[tick[pos]] = values[rows[pos]]
    return out


def ticket_fields(ev: Events, n: int) -> dict[str, np.ndarray]:
    """Ticket columns as codes / seconds (NA = -1) from censored, sorted events."""
    starts = np.searchsorted(ev.ticket, np.arange(n))
    ends = np.append(starts[1:], ev.ticket.size)
    status = ev.status[ends - 1].astype(np.int64)
    solved_now = (status == S["solved"]) | (status == S["closed"])
    is_solve = ev.etype == T["solved"]
    last_solve = _first(ev, is_solve, n, ev.t, last=True)
    return {
        "status": status,
        "first_response": _first(ev, ev.etype == T["public_reply"], n, ev.t),
        "first_solved": _first(ev, is_solve, n, ev.t),
        "solved": np.where(solved_now, last_solve, NA),
        "closed": _first(ev, ev.etype == T["closed"], n, ev.t),
        "agent": _first(ev, ev.actor >= 0, n, ev.actor, last=True),
        "tier_max": np.maximum.reduceat(ev.tier, starts).astype(np.int64),
        "reopens": np.bincount(ev.ticket[ev.etype == T["reopened"]], minlength=n),
        "replies": np.bincount(ev.ticket[ev.etype == T["public_reply"]], minlength=n),
    }


def csat_scores(fields: dict, tl: Timeline, rng: np.random.Generator, response_rate: float) -> np.ndarray:
    """1-5 for rated solved tickets, NaN otherwise; worse with waiting, reopens and silence."""
    n = tl.created.size
    u, z = rng.random(n), rng.standard_normal(n)
    solved = fields["solved"] >= 0
    frt_h = np.where(fields["first_response"] >= 0, fields["first_response"] - tl.created, 0) / HOUR
    ttr_h = np.where(solved, fields["solved"] - tl.created, 0) / HOUR
    latent = (4.9 - 0.25 * np.log1p(frt_h) - 0.35 * np.log1p(ttr_h / 4.0) - 0.9 * fields["reopens"]
              - 0.35 * np.log1p(tl.silence_hours / 6.0) + 0.8 * z)
    score = np.clip(np.round(latent), 1, 5)
    return np.where(solved & (u < response_rate), score, np.nan)


def _timestamps(spec: SimulationSpec, seconds: np.ndarray) -> pd.DatetimeIndex:
    ns = spec.start_ts.value + np.asarray(seconds, dtype=np.int64) * 1_000_000_000
    values = ns.view("M8[ns]").copy()
    values[np.asarray(seconds) < 0] = np.datetime64("NaT")
    return pd.DatetimeIndex(values).tz_localize("UTC")


def ticket_ids(n: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """The ids of tickets ``lo`` to ``hi`` (default all ``n``); the width depends on ``n`` only."""
    width = max(6, len(str(n)))
    return np.array([f"TKT-{k + 1:0{width}d}" for k in range(lo, n if hi is None else hi)], dtype=object)


def requester_ids(total: int) -> np.ndarray:
    width = max(6, len(str(total)))
    return np.array([f"REQ-{k + 1:0{width}d}" for k in range(total)], dtype=object)


def tickets_frame(spec: SimulationSpec, tk: Tickets, fields: dict, csat: np.ndarray,
                  accounts: Accounts, roster: Roster, ids: np.ndarray, req_ids: np.ndarray) -> pd.DataFrame:
    agent = fields["agent"]
    has_agent = agent >= 0
    agent_ids = roster.table["agent_id"].to_numpy(dtype=object)
    groups = roster.table["group"].to_numpy(dtype=object)
    frame = pd.DataFrame({
        "ticket_id": ids,
        "created_at": _timestamps(spec, tk.created),
        "first_response_at": _timestamps(spec, fields["first_response"]),
        "first_solved_at": _timestamps(spec, fields["first_solved"]),
        "solved_at": _timestamps(spec, fields["solved"]),
        "closed_at": _timestamps(spec, fields["closed"]),
        "status": np.asarray(STATUSES, dtype=object)[fields["status"]],
        "priority": np.asarray(PRIORITIES, dtype=object)[tk.priority],
        "channel": np.asarray(CHANNELS, dtype=object)[tk.channel],
        "category": np.asarray(CATEGORIES, dtype=object)[tk.category],
        "account_id": accounts.table["account_id"].to_numpy(dtype=object)[tk.account],
        "requester_id": req_ids[tk.requester],
        "agent_id": np.where(has_agent, agent_ids[np.maximum(agent, 0)], None),
        "group": np.where(has_agent, groups[np.maximum(agent, 0)], None),
        "tier_max": fields["tier_max"],
        "escalated": fields["tier_max"] > 1,
        "reopens": fields["reopens"].astype(np.int64),
        "replies": fields["replies"].astype(np.int64),
        "csat": csat.astype(float),
    })
    return frame


def events_frame(spec: SimulationSpec, ev: Events, tk: Tickets, roster: Roster, ids: np.ndarray,
                 req_ids: np.ndarray, used_actors: bool = False) -> pd.DataFrame:
    """One row per event; the text columns are categoricals over the simulator's own codes (a million
    tickets have seven million events: no Python string per row). ``ev.ticket`` indexes ``tk`` and ``ids``.
    ``used_actors``: the actor categories are only the actors in ``ev`` (a chunk of the table: not every
    requester's id once per chunk); the rows' values are the same."""
    agent_ids = roster.table["agent_id"].to_numpy(dtype=object)
    # One label per actor code: agents first, then 'system', then the requesters (customer rows).
    labels = np.concatenate([agent_ids, np.array(["system"], dtype=object), req_ids])
    actor = np.where(ev.actor >= 0, ev.actor, agent_ids.size)
    customer = ev.actor == -1
    actor[customer] = agent_ids.size + 1 + tk.requester[ev.ticket[customer]]
    if used_actors:
        used, actor = np.unique(actor, return_inverse=True)
        labels = labels[used]
    return pd.DataFrame({
        "ticket_id": _categorical(ev.ticket, ids),
        "event_at": _timestamps(spec, ev.t),
        "event_type": _categorical(ev.etype, EVENT_TYPES),
        "actor_id": _categorical(actor, labels),
        "actor_role": _categorical(ev.role, ROLES),
        "tier": ev.tier.astype(np.int64),
        "status": _categorical(ev.status, STATUSES),
    })


def _categorical(codes: np.ndarray, labels) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32), categories=pd.Index(list(labels) if isinstance(
        labels, tuple) else labels, dtype=object))


__all__ = ["censor", "ticket_fields", "csat_scores", "tickets_frame", "events_frame"]
