"""Covering a gap block: which agent hours can move into it for free, and which must be hired.

An agent hour can move out of a slot only while that slot keeps the agents Erlang C requires for the
service-level target (its rostered requirement): the move is free there. Moves stay on the same day
(re-timing a shift, not a new weekday rota), taking first from the slot with the most agents to spare
(earliest hour on a tie). Whatever no move can cover is hired. Each source slot's service level after
the move is computed again with Erlang C, so the staffing page shows that it stays within target.
Hours are in the reporting time zone; weekday 0 is Monday; agents are rostered heads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .erlang import service_level


@dataclass(frozen=True)
class MoveGroup:
    """Agents moved from one hour to another on the days of ``days_label`` (each of those days)."""

    days: list[int]
    days_label: str
    from_hour: int
    to_hour: int
    agents: int


@dataclass(frozen=True)
class SourceSlot:
    """A slot that gives up agent hours, before and after the move."""

    weekday: int
    day: str                        # the weekday's name (Mon ... Sun)
    hour: int
    scheduled_before: float
    scheduled_after: float
    required: int                   # rostered agents Erlang C requires
    service_level_after: float      # share answered within the target time with the agents left (Erlang C)
    within_target: bool             # service_level_after meets the target and no one is busier than allowed


@dataclass(frozen=True)
class CoverPlan:
    """Agents added to each gap slot of one block, where they come from, and what is hired."""

    added: list[list[int]]          # [weekday, hour, agents] for each gap slot
    moves: list[MoveGroup]
    sources: list[SourceSlot]
    moved_agent_hours_per_week: float
    hired_agent_hours_per_week: float
    change: dict[str, int]          # hour of the week (0 = Monday 00:00) -> change in agents on shift


def cover_plan(gap_slots: list[int], need: np.ndarray, scheduled: np.ndarray, required: np.ndarray,
               traffic: np.ndarray, handle_minutes: float, answer_within_minutes: float, target_level: float,
               max_occupancy: float, shrinkage: float, day_label) -> CoverPlan:
    """``gap_slots`` are hours of the week (0-167); ``need``, ``scheduled``, ``required`` and ``traffic``
    (erlangs) are per hour of the week. ``day_label`` turns a list of weekdays into words."""
    spare = np.floor(np.clip(scheduled - required, 0, None) + 1e-9)
    spare[gap_slots] = 0
    taken = np.zeros(168)
    moves: dict[tuple[int, int], int] = {}     # (from slot, to slot) -> agents
    hired = 0
    for slot in sorted(gap_slots):
        left = int(need[slot])
        day = slot // 24
        while left > 0:
            same_day = np.arange(day * 24, day * 24 + 24)
            free = spare[same_day] - taken[same_day]
            if free.max() < 1:
                break
            source = int(same_day[np.argmax(free)])
            k = int(min(left, free.max()))
            taken[source] += k
            moves[(source, slot)] = moves.get((source, slot), 0) + k
            left -= k
        hired += left
    change = np.zeros(168, dtype=int)
    for slot in gap_slots:
        change[slot] += int(need[slot])
    change -= taken.astype(int)
    sources = []
    for slot in np.flatnonzero(taken):
        after = float(scheduled[slot] - taken[slot])
        on_queue = math.floor(after * (1 - shrinkage) + 1e-9)
        level = service_level(float(traffic[slot]), on_queue, handle_minutes, answer_within_minutes)
        busy = traffic[slot] / on_queue if on_queue else math.inf
        day = int(slot // 24)
        sources.append(SourceSlot(day, day_label([day]), int(slot % 24), float(scheduled[slot]), after,
                                  int(required[slot]), float(level),
                                  bool(level >= target_level - 1e-12 and busy <= max_occupancy + 1e-12)))
    return CoverPlan(
        added=[[int(s // 24), int(s % 24), int(need[s])] for s in sorted(gap_slots) if need[s] > 0],
        moves=_grouped(moves, day_label), sources=sources,
        moved_agent_hours_per_week=float(taken.sum()), hired_agent_hours_per_week=float(hired),
        change={str(k): int(change[k]) for k in np.flatnonzero(change)})


def _grouped(moves: dict[tuple[int, int], int], day_label) -> list[MoveGroup]:
    """The same move (hour to hour, agents) on several days, once with its days."""
    by_move: dict[tuple[int, int, int], list[int]] = {}
    for (source, slot), agents in moves.items():
        by_move.setdefault((source % 24, slot % 24, agents), []).append(slot // 24)
    return [MoveGroup(sorted(days), day_label(sorted(days)), f, t, k)
            for (f, t, k), days in sorted(by_move.items(), key=lambda kv: (kv[0][1], kv[0][0], min(kv[1]), kv[0][2]))]
