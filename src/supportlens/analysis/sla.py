"""SLA state of every ticket and breach rates (calendar time for now).

A ticket's first-response SLA completes at its first public reply (or at its
solve when it was solved without one); its resolution SLA completes at its
last solve. Completed after the target = breached; completed at or before =
achieved; open and not yet due = active; open and past due = active_breached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..canonical import PRIORITIES
from ..config import SlaPolicy
from .stats import Rate, chi_square, wilson

STATES = ("achieved", "breached", "active", "active_breached")


def ticket_clocks(tickets: pd.DataFrame, policy: SlaPolicy, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per ticket: elapsed minutes and SLA state for first response and resolution.

    Columns added: first_response_minutes, resolution_minutes (calendar minutes,
    missing while not completed), open_minutes (age at as-of for open tickets),
    first_response_target_minutes, resolution_target_minutes, first_response_state,
    resolution_state.
    """
    clocks = tickets.copy()
    first_target = clocks["priority"].map({p: policy.target(p).first_response * 60 for p in PRIORITIES}).astype(float)
    resolution_target = clocks["priority"].map({p: policy.target(p).resolution * 60 for p in PRIORITIES}).astype(float)
    created = clocks["created_at"]
    solved = clocks["solved_at"] if "solved_at" in clocks else pd.Series(pd.NaT, index=clocks.index, dtype=created.dtype)
    responded = clocks["first_response_at"] if "first_response_at" in clocks else pd.Series(pd.NaT, index=clocks.index, dtype=created.dtype)
    responded = responded.fillna(solved)
    is_open = ~clocks["status"].isin(["solved", "closed"]) | solved.isna()

    def minutes(later: pd.Series) -> pd.Series:
        return (later - created).dt.total_seconds() / 60.0

    clocks["first_response_minutes"] = minutes(responded)
    clocks["resolution_minutes"] = minutes(solved).where(~is_open)
    clocks["open_minutes"] = ((as_of - created).dt.total_seconds() / 60.0).where(is_open)
    clocks["first_response_target_minutes"] = first_target
    clocks["resolution_target_minutes"] = resolution_target
    clocks["first_response_state"] = _state(clocks["first_response_minutes"], (as_of - created).dt.total_seconds() / 60.0,
                                            first_target)
    clocks["resolution_state"] = _state(clocks["resolution_minutes"], clocks["open_minutes"], resolution_target)
    return clocks


def _state(completed_minutes: pd.Series, age_minutes: pd.Series, target: pd.Series) -> pd.Series:
    done = completed_minutes.notna()
    state = np.where(done, np.where(completed_minutes <= target, "achieved", "breached"),
                     np.where(age_minutes > target, "active_breached", "active"))
    return pd.Series(state, index=completed_minutes.index, dtype="string")


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
