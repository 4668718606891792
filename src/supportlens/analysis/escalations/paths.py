"""Escalation paths (the ladder roles a ticket passed through), resolution time by path,
and the swimlane timelines of a representative and of the slowest escalated ticket.

A path is the sequence of escalation-ladder roles that acted on a ticket, with
repeats collapsed: "Tier 1 → Tier 2 → Tier 3", or "Tier 1 → Tier 2 → Tier 1"
for a ticket handed back down. Paths are coded as integers per ticket, so no
Python loop runs over tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sstats

from ...config.escalations import Escalations
from .process_log import DONE, KINDS, ProcessLog, ticket_slices
from ..core.extremes import highest, well_counted

MAX_STEPS = 8
TOP_PATHS = 6


@dataclass(frozen=True)
class PathBox:
    """Resolution hours (solved tickets) of one escalation path, as a box plot's numbers."""

    path: str
    escalated: bool
    tickets: int                 # tickets on the path
    solved: int                  # of them solved (the box's sample)
    q1: float | None
    median: float | None
    q3: float | None
    whisker_low: float | None    # lowest value within 1.5 IQR of q1
    whisker_high: float | None   # highest value within 1.5 IQR of q3
    p90: float | None


@dataclass(frozen=True)
class Paths:
    boxes: list[PathBox]         # most frequent paths first, then "Other paths"
    kruskal_p: float | None      # Kruskal-Wallis across the paths shown
    most_common_escalated: str | None
    slowest_path: int | None = None   # index into boxes: the longest median resolution (the first on a tie)


@dataclass(frozen=True)
class Timeline:
    """One ticket's events and intervals up to its last solve; hours since it was created."""

    which: str                   # representative or slowest
    ticket_id: str
    priority: str | None
    path: str
    resolution_hours: float | None
    events: list[dict]           # {hours, role, stage, activity, kind}
    intervals: list[dict]        # {start, end, role, kind}
    truncated: bool              # more events than shown


def ticket_paths(log: ProcessLog, config: Escalations) -> tuple[np.ndarray, list[str]]:
    """Path code per ticket row (0 = no ladder role acted) and the path label of every code."""
    rank = log.ladder_rank(config)
    base = len(config.ladder) + 1
    code = np.zeros(log.escalated.size, dtype=np.int64)
    for part in ticket_slices(log.ticket):   # (a slice of whole tickets at a time: a path is one ticket's)
        role = log.role[part]
        on = np.flatnonzero((role >= 0) & (rank[np.maximum(role, 0)] >= 0))
        tk, rk = log.ticket[part][on], rank[role[on]] + 1
        new = np.ones(tk.size, dtype=bool)
        new[1:] = (tk[1:] != tk[:-1]) | (rk[1:] != rk[:-1])
        tk, rk = tk[new], rk[new]
        start = np.ones(tk.size, dtype=bool)
        start[1:] = tk[1:] != tk[:-1]
        step = np.arange(tk.size) - np.maximum.accumulate(np.where(start, np.arange(tk.size), 0))
        keep = step < MAX_STEPS
        np.add.at(code, tk[keep], rk[keep] * base ** step[keep])
        code[np.unique(tk[~keep])] = -1
    labels: dict[int, str] = {0: "No escalation-ladder role", -1: f"Longer than {MAX_STEPS} steps"}
    for c in np.unique(code):
        if c > 0:
            digits, value = [], int(c)
            while value:
                digits.append(value % base)
                value //= base
            labels[int(c)] = " → ".join(config.role_label(config.ladder[d - 1]) for d in digits)
    return code, labels


def _box(path: str, escalated: bool, tickets: int, hours: np.ndarray) -> PathBox:
    hours = hours[~np.isnan(hours)]
    if hours.size == 0:
        return PathBox(path, escalated, tickets, 0, None, None, None, None, None, None)
    q1, med, q3, p90 = np.quantile(hours, [0.25, 0.5, 0.75, 0.9])
    iqr = q3 - q1
    inside = hours[(hours >= q1 - 1.5 * iqr) & (hours <= q3 + 1.5 * iqr)]
    return PathBox(path, escalated, tickets, int(hours.size), float(q1), float(med), float(q3),
                   float(inside.min()), float(inside.max()), float(p90))


def path_boxes(code: np.ndarray, labels: dict[int, str], log: ProcessLog, resolution_hours: np.ndarray) -> Paths:
    counts = pd.Series(code).value_counts()
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")
    shown = [int(c) for c in counts.index[:TOP_PATHS] if c != 0]
    boxes, groups = [], []
    for c in shown:
        mask = code == c
        escalated = bool(log.escalated[mask].mean() >= 0.5)
        boxes.append(_box(labels[c], escalated, int(mask.sum()), resolution_hours[mask]))
        groups.append(resolution_hours[mask][~np.isnan(resolution_hours[mask])])
    rest = code != 0
    for c in shown:   # (not a search of every ticket's code among the shown ones: a sort of all of them)
        rest &= code != c
    if rest.any():
        boxes.append(_box("Other paths", True, int(rest.sum()), resolution_hours[rest]))
    testable = [g for g in groups if g.size >= 2]
    p = float(sstats.kruskal(*testable).pvalue) if len(testable) >= 2 else None
    escalated_codes = [int(c) for c in counts.index if c > 0 and log.escalated[code == c].mean() >= 0.5]
    # the slowest named path with enough solved tickets for its median to mean something ("Other paths" is no path)
    return Paths(boxes, p, labels[escalated_codes[0]] if escalated_codes else None,
                 highest(boxes, lambda b: None if b.path == "Other paths" else b.median,
                         among=well_counted(boxes, lambda b: b.solved)))


def _timeline(which: str, row: int, log: ProcessLog, tickets: pd.DataFrame, path: str, created_hours: float,
              solved_hours: float, config: Escalations, max_events: int = 200) -> Timeline:
    # (the rows in the log's own integer type: a list of Python ints had numpy search a widened copy of the log)
    lo, hi = np.searchsorted(log.ticket, np.array([row, row + 1], dtype=log.ticket.dtype))
    idx = np.arange(lo, hi)
    idx = idx[log.hours[idx] <= solved_hours + 1e-9]
    truncated = idx.size > max_events
    idx = idx[:max_events]
    role = lambda k: config.role_label(log.roles[k]) if k >= 0 else "Unknown"  # noqa: E731
    events = [{"hours": float(log.hours[i] - created_hours), "role": role(log.role[i]),
               "stage": config.stages[log.stages[log.stage[i]]].label, "activity": log.labels[log.label[i]],
               "kind": KINDS[log.kind[i]]} for i in idx]
    intervals = [{"start": float(log.hours[i] - created_hours), "end": float(log.hours[i + 1] - created_hours),
                  "role": role(log.owner[i]), "kind": KINDS[log.held[i]]}
                 for i in idx if log.has_next[i] and log.held[i] != DONE and log.duration(i) > 0
                 and i + 1 < hi]
    priority = tickets["priority"].iloc[row] if "priority" in tickets else None
    return Timeline(which, str(tickets["ticket_id"].iloc[row]), None if pd.isna(priority) else str(priority), path,
                    float(solved_hours - created_hours), events, intervals, bool(truncated))


def timelines(code: np.ndarray, labels: dict[int, str], log: ProcessLog, tickets: pd.DataFrame,
              resolution_hours: np.ndarray, config: Escalations) -> list[Timeline]:
    """The escalated ticket closest to the median resolution time of the most common escalated
    path, and the escalated ticket that took longest to resolve (solved tickets only)."""
    candidates = log.escalated & ~np.isnan(resolution_hours) & (code > 0)
    if not candidates.any():
        return []
    counts = pd.Series(code[candidates]).value_counts()
    multi = [int(c) for c in counts.sort_index().sort_values(ascending=False, kind="stable").index
             if " → " in labels[int(c)]]
    common = multi[0] if multi else int(counts.index[0])
    on_path = np.flatnonzero(candidates & (code == common))
    median = np.median(resolution_hours[on_path])
    representative = int(on_path[np.argmin(np.abs(resolution_hours[on_path] - median))])
    pool = np.flatnonzero(candidates)
    slowest = int(pool[np.argmax(resolution_hours[pool])])
    created = (pd.DatetimeIndex(tickets["created_at"]).as_unit("ns").asi8 - log.origin.value) / 3.6e12
    out = []
    for which, row in (("representative", representative), ("slowest", slowest)):
        out.append(_timeline(which, row, log, tickets, labels[int(code[row])], float(created[row]),
                             float(created[row] + resolution_hours[row]), config))
    return out
