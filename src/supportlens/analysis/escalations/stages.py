"""Where escalated tickets spend their time: per stage, and waiting vs being worked by role.

Process time is the time between a ticket's events while it is not resolved
(intervals opened by a done stage, such as solved -> closed, are left out).
Medians carry distribution-free order-statistic intervals; time to resolution
is a Kaplan-Meier median in which open tickets count as censored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config.escalations import Escalations
from .process_log import DONE, KINDS, WAIT, WORK, ProcessLog, ticket_slices
from ..core.stats import Estimate, kaplan_meier, median_interval


@dataclass(frozen=True)
class StageTime:
    """Time in one stage. Hours are calendar hours summed over a ticket's visits."""

    stage: str
    label: str
    kind: str                      # work, wait or done
    tickets: int                   # escalated tickets that were in the stage
    share_of_tickets: float | None  # of escalated tickets
    median_hours: float | None     # per escalated ticket that was in it
    ci_low: float | None
    ci_high: float | None
    mean_hours: float | None       # per escalated ticket (0 when not in it)
    share_of_time: float | None    # of escalated tickets' process time (work + wait)
    median_hours_all: float | None  # per ticket that was in it, escalated or not
    tickets_all: int


@dataclass(frozen=True)
class RoleTime:
    """Process time of escalated tickets held by one role, in hours per escalated ticket."""

    role: str
    label: str
    worked_hours: float            # mean per escalated ticket
    waiting_hours: float           # mean per escalated ticket: waiting for this role to act
    worked_share: float | None     # of all process time of escalated tickets
    waiting_share: float | None
    tickets: int                   # escalated tickets in which the role held the ticket at all


@dataclass(frozen=True)
class TicketTimes:
    """Per-ticket durations of escalated tickets (hours) and time to resolution by escalation."""

    escalated: int
    tickets: int
    process_hours: Estimate        # median process time per escalated ticket
    waiting_hours: Estimate        # median waiting time per escalated ticket
    worked_hours: Estimate         # median worked time per escalated ticket
    waiting_share: float | None    # waiting / process time over all escalated tickets
    resolution_escalated: Estimate   # Kaplan-Meier median hours to resolution, escalated tickets
    resolution_not_escalated: Estimate


def _km(hours: np.ndarray, observed: np.ndarray) -> Estimate:
    km = kaplan_meier(hours, observed)
    return Estimate(km.median, km.median_ci_low, km.median_ci_high, km.n)


def stage_times(log: ProcessLog, config: Escalations) -> list[StageTime]:
    n_stages = len(log.stages)
    # per ticket and stage: hours summed over the ticket's intervals in log order, and whether it was in the stage,
    # summed a slice of whole tickets at a time (each cell's sum is the same, in the same order); kept are the
    # escalated tickets' rows (every stage, zeros included: their means and shares) and, per stage, the hours of
    # the tickets that were in it, in ticket order (never a row of every stage for every ticket)
    escalated_rows = np.flatnonzero(log.escalated)
    n_esc = escalated_rows.size
    esc_total = np.zeros((n_esc, n_stages))
    esc_visits = np.zeros((n_esc, n_stages), dtype=bool)
    visited: list[list[np.ndarray]] = [[] for _ in range(n_stages)]
    for part in ticket_slices(log.ticket):
        i = part.start + np.flatnonzero(log.has_next[part])
        if not i.size:
            continue
        first, last = int(log.ticket[i[0]]), int(log.ticket[i[-1]]) + 1
        cell = (log.ticket[i].astype(np.int64) - first) * n_stages + log.stage[i]
        total = np.bincount(cell, weights=log.duration(i), minlength=(last - first) * n_stages).reshape(-1, n_stages)
        visits = np.zeros(total.size, dtype=bool)
        visits[cell] = True
        visits = visits.reshape(-1, n_stages)
        a, b = np.searchsorted(escalated_rows, [first, last])
        esc_total[a:b] = total[escalated_rows[a:b] - first]
        esc_visits[a:b] = visits[escalated_rows[a:b] - first]
        for k in range(n_stages):
            visited[k].append(total[visits[:, k], k])
    process = [k for k, s in enumerate(log.stages) if config.stages[s].kind != "done"]
    esc_process_time = float(esc_total[:, process].sum())
    out = []
    for k, stage_id in enumerate(log.stages):
        stage = config.stages[stage_id]
        all_hours = np.concatenate(visited[k]) if visited[k] else np.zeros(0)
        if not all_hours.size:
            continue
        in_esc = esc_visits[:, k]
        esc_hours = np.ascontiguousarray(esc_total[:, k])
        med = median_interval(esc_hours[in_esc])
        all_med = median_interval(all_hours)
        out.append(StageTime(
            stage_id, stage.label, stage.kind, int(in_esc.sum()), int(in_esc.sum()) / n_esc if n_esc else None,
            med.value, med.ci_low, med.ci_high, float(esc_hours.mean()) if n_esc else None,
            (float(esc_hours.sum()) / esc_process_time if esc_process_time and stage.kind != "done" else None),
            all_med.value, int(all_hours.size)))
    return out


def _held(log: ProcessLog, part: slice = slice(None)) -> np.ndarray:
    """Intervals of escalated tickets that are process time (not opened by a done stage); of the events ``part``
    (positions in the log) when given."""
    start = part.start or 0
    return start + np.flatnonzero(log.has_next[part] & (log.held[part] != DONE) & log.escalated[log.ticket[part]]
                                  & (log.owner[part] >= 0))


def role_times(log: ProcessLog, config: Escalations) -> list[RoleTime]:
    n_esc = int(log.escalated.sum())
    if n_esc == 0:
        return []
    n_roles = len(log.roles)
    # hours per (role, waiting or not), summed in log order, and tickets per role: a slice of whole tickets at a
    # time (np.add.at adds in the order bincount does, so each sum is the same; a ticket is in one slice)
    hours = np.zeros(n_roles * 2)
    tickets = np.zeros(n_roles, dtype=np.int64)
    for part in ticket_slices(log.ticket):
        i = _held(log, part)
        cell = log.owner[i].astype(np.int64) * 2 + (log.held[i] == WAIT)
        np.add.at(hours, cell, log.duration(i))
        pairs = np.unique(log.ticket[i].astype(np.int64) * n_roles + log.owner[i])
        tickets += np.bincount(pairs % n_roles, minlength=n_roles)
    hours = hours.reshape(n_roles, 2)
    total = hours.sum()
    ordered = [r for r in (*config.customer_roles, *config.ladder) if r in log.roles]
    ordered += sorted(r for r in log.roles if r not in ordered)
    out = []
    for role in ordered:
        k = log.roles.index(role)
        if role in config.ignore_roles or hours[k].sum() == 0 and tickets[k] == 0:
            continue
        out.append(RoleTime(role, config.role_label(role), float(hours[k, 0] / n_esc), float(hours[k, 1] / n_esc),
                            float(hours[k, 0] / total) if total else None, float(hours[k, 1] / total) if total else None,
                            int(tickets[k])))
    return out


def ticket_times(log: ProcessLog, clocks: pd.DataFrame) -> TicketTimes:
    """Per-ticket process, waiting and worked hours of escalated tickets; KM time to resolution."""
    n = log.escalated.size
    wait, work = np.zeros(n), np.zeros(n)
    for part in ticket_slices(log.ticket):   # (a ticket's hours summed in log order, within one slice)
        i = _held(log, part)
        if not i.size:
            continue
        first = int(log.ticket[i[0]])
        rows = log.ticket[i] - first
        duration = log.duration(i)
        size = int(rows[-1]) + 1
        wait[first:first + size] = np.bincount(rows, weights=np.where(log.held[i] == WAIT, duration, 0.0),
                                               minlength=size)
        work[first:first + size] = np.bincount(rows, weights=np.where(log.held[i] == WORK, duration, 0.0),
                                               minlength=size)
    esc = log.escalated
    process = wait + work
    solved_hours = clocks["resolution_minutes"].to_numpy(dtype=float) / 60
    open_hours = clocks["open_minutes"].to_numpy(dtype=float) / 60
    observed = ~np.isnan(solved_hours)
    hours = np.where(observed, solved_hours, open_hours)
    return TicketTimes(
        int(esc.sum()), int(n), median_interval(process[esc]), median_interval(wait[esc]), median_interval(work[esc]),
        float(wait[esc].sum() / process[esc].sum()) if process[esc].sum() > 0 else None,
        _km(hours[esc], observed[esc]), _km(hours[~esc], observed[~esc]))


__all__ = ["KINDS", "RoleTime", "StageTime", "TicketTimes", "role_times", "stage_times", "ticket_times"]
