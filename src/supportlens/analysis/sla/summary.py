"""SLA performance: breach rates by priority, by hour, and the open breaches.

Each ticket's clocks and states come from ``sla_clock.ticket_clocks`` (business
or calendar time, pauses, reopen cycles, per-ticket due dates); this module
summarises them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...canonical import PRIORITIES
from ...config import Findings, SlaPolicy
from ..core.breach import breach_rate
from ..core.clocks import STATES, ticket_clocks
from ..core.breach import MonthBreach
from ..core.extremes import highest, lowest, well_counted
from ..core.stats import Rate, chi_square, two_proportion_p
from .vendor import VendorComparison

__all__ = ["STATES", "ticket_clocks", "summarise_sla", "breach_rate", "first_response_by_hour", "priority_inversion"]


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
    durations: list["DurationSummary"] = field(default_factory=list)
    clock: str = "business"                 # the clock the states were judged on
    due_date_tickets: int = 0               # tickets judged by their own due date from the source
    priorities_differ: bool | None = None   # resolution_priority_p < findings.alpha (None: not tested)
    worst_priority: str | None = None       # the highest resolution breach rate (the first of a tie, most urgent first)
    open_breached_critical_or_high: int = 0


@dataclass(frozen=True)
class DurationSummary:
    """Completed first responses or resolutions: calendar and business minutes, and the SLA clock."""

    measure: str                            # first_response or resolution
    tickets: int                            # completed (the n every value rests on)
    mean_minutes: float | None              # calendar
    median_minutes: float | None
    mean_business_minutes: float | None
    median_business_minutes: float | None
    mean_sla_minutes: float | None          # on the policy's clock, pauses excluded


def duration_summaries(clocks: pd.DataFrame) -> list[DurationSummary]:
    out = []
    for measure in ("first_response", "resolution"):
        calendar = clocks[f"{measure}_minutes"].dropna()
        business = clocks[f"{measure}_business_minutes"].dropna()
        sla = clocks[f"{measure}_sla_minutes"].where(clocks[f"{measure}_minutes"].notna()).dropna()
        stat = lambda x, f: float(f(x)) if len(x) else None  # noqa: E731
        out.append(DurationSummary(measure, len(calendar), stat(calendar, np.mean), stat(calendar, np.median),
                                   stat(business, np.mean), stat(business, np.median), stat(sla, np.mean)))
    return out


def summarise_sla(clocks: pd.DataFrame, policy: SlaPolicy, alpha: float) -> SlaSummary:
    """Breach rates, states and durations of ``clocks``; priorities differ when the chi-square p < ``alpha``."""
    by_priority = []
    states = clocks[["first_response_state", "resolution_state"]]   # (a priority's rows of these only)
    for priority in PRIORITIES:
        group = states[clocks["priority"] == priority]
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
        durations=duration_summaries(clocks),
        clock=policy.clock,
        due_date_tickets=int(clocks["due_at"].notna().sum()) if "due_at" in clocks else 0,
        priorities_differ=None if p is None else bool(p < alpha),
        worst_priority=worst_priority(by_priority),
        open_breached_critical_or_high=sum(b.open_breached for b in by_priority if b.priority in ("critical", "high")),
    )


def worst_priority(by_priority: list[PriorityBreach]) -> str | None:
    """The priority whose completed resolution SLAs breach most often, among priorities with enough of them
    (extremes.well_counted); the first (most urgent) of a tie; None when no priority has enough."""
    worst = highest(by_priority, lambda b: b.resolution.value, among=well_counted(by_priority, lambda b: b.resolution.n))
    return None if worst is None else by_priority[worst].priority


@dataclass(frozen=True)
class MonthlyBreachRange:
    """Indices into the monthly breach rates (``sla.monthly``): the months with the lowest and the highest resolution
    breach rate of completed SLAs; the first month on a tie; None when no month completed a resolution SLA."""

    best: int | None
    worst: int | None


def monthly_breach_range(months: list[MonthBreach]) -> MonthlyBreachRange:
    rate = lambda m: m.resolution_rate   # noqa: E731
    return MonthlyBreachRange(lowest(months, rate), highest(months, rate))


@dataclass(frozen=True)
class SlaSection:
    """The SLA section of the report: the reporting period, the whole span, by hour and by month."""

    period: SlaSummary                      # the reporting period
    all: SlaSummary                         # the whole span of the data
    first_response_by_hour: list[HourBreach]
    monthly: list[MonthBreach]              # breach rates by month of creation
    monthly_best: int | None                # index into monthly: the lowest resolution breach rate
    monthly_worst: int | None               # ... the highest
    vendor: VendorComparison | None = None  # the help desk's own verdict beside the report's (reporting period)


def sla_section(period: SlaSummary, whole: SlaSummary, hours: list[HourBreach], months: list[MonthBreach],
                vendor: VendorComparison | None = None) -> SlaSection:
    picked = monthly_breach_range(months)
    return SlaSection(period, whole, hours, months, picked.best, picked.worst, vendor)


@dataclass(frozen=True)
class PriorityInversion:
    """``priority`` breaches its resolution target more often than ``tighter``, whose target is tighter.
    Rates are over completed resolution SLAs; targets in hours."""

    priority: str
    tighter: str
    rate: Rate
    tighter_rate: Rate
    ratio: float
    p_value: float                # two-proportion z-test
    target_hours: float
    tighter_target_hours: float


def priority_inversion(summary: SlaSummary, thresholds: Findings, min_completed: int = 30) -> PriorityInversion | None:
    """Breaches concentrated in one priority beyond what its target explains: the worst priority (of
    those with at least ``min_completed`` completed SLAs) breaches significantly and materially more
    than one whose target is tighter. When the tightest target breaches most, the targets alone can
    explain it and there is no inversion. Reads the per-priority rates of the SLA page's summary."""
    rated = [b for b in summary.by_priority if b.resolution.n >= min_completed]
    if len(rated) < 2:
        return None
    worst = max(rated, key=lambda b: b.resolution.value)
    tighter = [b for b in rated if b.resolution_target_hours < worst.resolution_target_hours]
    if not tighter:
        return None
    best = min(tighter, key=lambda b: b.resolution.value)
    a, b = worst.resolution, best.resolution
    p_value = two_proportion_p(a.events, a.n, b.events, b.n)
    ratio = a.value / b.value if b.value else float("inf")
    if p_value is None or p_value >= thresholds.alpha or ratio < thresholds.material_ratio:
        return None
    return PriorityInversion(worst.priority, best.priority, a, b, float(ratio), float(p_value),
                             worst.resolution_target_hours, best.resolution_target_hours)


@dataclass(frozen=True)
class HourBreach:
    hour: int
    tickets: int
    first_response: Rate
    median_first_response_minutes: float | None


def first_response_by_hour(clocks: pd.DataFrame) -> list[HourBreach]:
    """First-response breach rate and median by hour of creation (in the clocks' zone, the reporting zone)."""
    hours = clocks["created_at"].dt.hour
    read = clocks[["first_response_minutes", "first_response_state"]]   # (an hour's rows of these only)
    out = []
    for hour in range(24):
        group = read[hours == hour]
        minutes = group["first_response_minutes"].dropna()
        out.append(HourBreach(hour, len(group), breach_rate(group["first_response_state"]),
                              float(minutes.median()) if len(minutes) else None))
    return out
