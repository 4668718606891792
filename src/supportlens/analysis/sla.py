"""SLA performance: breach rates by priority, by hour, and the open breaches.

Each ticket's clocks and states come from ``sla_clock.ticket_clocks`` (business
or calendar time, pauses, reopen cycles, per-ticket due dates); this module
summarises them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..canonical import PRIORITIES
from ..config import SlaPolicy
from .sla_clock import STATES, ticket_clocks
from .stats import Rate, chi_square, wilson

__all__ = ["STATES", "ticket_clocks", "summarise_sla", "breach_rate", "first_response_by_hour"]


@dataclass(frozen=True)
class PriorityBreach:
    priority: str
    first_response_target_hours: float
    resolution_target_hours: float
    first_response: Rate          # breached / completed first-response SLAs
    resolution: Rate              # breached / completed resolution SLAs
    open_breached: int            # open now and past the resolution target
    tickets: int


@dataclass(frozen=True)
class SlaSummary:
    """SLA performance of the tickets created in one window."""

    first_response: Rate
    resolution: Rate
    open_breached: int
    active: int
    states: dict[str, int]
    by_priority: list[PriorityBreach]
    resolution_priority_p: float | None     # chi-square across priorities
    resolution_priority_cramers_v: float | None


def breach_rate(states: pd.Series) -> Rate:
    completed = states.isin(["achieved", "breached"])
    return wilson(int((states == "breached").sum()), int(completed.sum()))


def summarise_sla(clocks: pd.DataFrame, policy: SlaPolicy) -> SlaSummary:
    by_priority = []
    for priority in PRIORITIES:
        group = clocks[clocks["priority"] == priority]
        target = policy.target(priority)
        by_priority.append(PriorityBreach(
            priority=priority,
            first_response_target_hours=target.first_response,
            resolution_target_hours=target.resolution,
            first_response=breach_rate(group["first_response_state"]),
            resolution=breach_rate(group["resolution_state"]),
            open_breached=int((group["resolution_state"] == "active_breached").sum()),
            tickets=len(group),
        ))
    p, v = chi_square(np.array([b.resolution.events for b in by_priority]),
                      np.array([b.resolution.n for b in by_priority]))
    counts = clocks["resolution_state"].value_counts()
    return SlaSummary(
        first_response=breach_rate(clocks["first_response_state"]),
        resolution=breach_rate(clocks["resolution_state"]),
        open_breached=int(counts.get("active_breached", 0)),
        active=int(counts.get("active", 0)),
        states={state: int(counts.get(state, 0)) for state in STATES},
        by_priority=by_priority,
        resolution_priority_p=p,
        resolution_priority_cramers_v=v,
    )


@dataclass(frozen=True)
class HourBreach:
    hour: int
    tickets: int
    first_response: Rate
    median_first_response_minutes: float | None


def first_response_by_hour(clocks: pd.DataFrame) -> list[HourBreach]:
    """First-response breach rate and median by hour of creation (UTC)."""
    hours = clocks["created_at"].dt.hour
    out = []
    for hour in range(24):
        group = clocks[hours == hour]
        minutes = group["first_response_minutes"].dropna()
        out.append(HourBreach(hour, len(group), breach_rate(group["first_response_state"]),
                              float(minutes.median()) if len(minutes) else None))
    return out
