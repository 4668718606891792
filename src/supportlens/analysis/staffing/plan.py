"""Staffing: demand and first response by hour of the week, agents on shift, the Erlang C
requirement, and the coverage gaps where too few agents meet a measurably worse first response.

Hours are those of the reporting time zone the clocks are held in; weekday 0 is Monday. Demand is averaged over the whole span of the data:
``arrivals_per_hour`` of a slot is the tickets created in it divided by the number of
times the slot occurs in the span.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from ...config import Config
from ...dataset import Dataset
from .erlang import required_agents
from .moves import CoverPlan, cover_plan
from ..findings import _ranges
from ...canonical import PRIORITIES
from ..core.breach import breached_mask, completed_mask
from ..core.extremes import highest, well_counted
from ..core.stats import Rate, benjamini_hochberg, wilson

MIN_TESTED = 30   # completed first-response SLAs a group needs before it is tested
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class NoSchedule(Exception):
    """Neither shift hours in the agents table nor agent activity in the event log."""


class NoHourOfDay(Exception):
    """The creation times hold dates only: every ticket would sit at 00:00, so there is no hour of the week to plan."""


@dataclass(frozen=True)
class Slot:
    """One hour of the week. Agents are tier-1 heads on shift; ``required`` is rostered heads."""

    weekday: int
    hour: int
    occurrences: int                 # times this hour of the week occurs in the span
    tickets: int
    arrivals_per_hour: float
    median_first_response_minutes: float | None
    first_response: Rate             # breached / completed first-response SLAs
    traffic_erlangs: float
    required_on_queue: int           # Erlang C agents answering tickets
    required: int                    # rostered heads: on-queue agents grossed up for shrinkage
    scheduled: float | None          # rostered heads on shift (None: no schedule in the data)
    shortfall: float | None          # required − scheduled (> 0: too few)
    gap: bool                        # shortfall AND first response significantly, materially worse
    adjusted_p: float | None


@dataclass(frozen=True)
class GapBlock:
    """Gap hours on weekdays or on weekends, with the most agents one of its slots lacks."""

    days: list[int]
    days_label: str
    hours: list[int]
    hour_ranges: list[str]
    extra_agents: int
    cover: CoverPlan | None = None   # the agents each gap slot gets: moved from same-day slots that can spare them, or hired


@dataclass(frozen=True)
class CoverageGap:
    """Slots flagged as coverage gaps and the comparison that flagged them."""

    slots: list[list[int]]           # [weekday, hour]
    blocks: list[GapBlock]
    tickets: int                     # tickets created in the gap slots over the span
    tickets_per_year: float
    breach_rate_in_gap: float
    breach_rate_staffed: float       # slots with no shortfall
    ratio: float | None
    max_adjusted_p: float
    extra_agent_hours_per_week: float


@dataclass(frozen=True)
class StaffingPlan:
    weeks: float
    handle_minutes: float
    answer_within_minutes: float
    service_level: float
    max_occupancy: float
    shrinkage: float
    schedule_source: str | None      # how agents on shift were found, None when not found
    schedule_missing_reason: str | None
    slots: list[Slot]                # 168, Monday 00:00 first
    scheduled_agent_hours_per_week: float | None
    required_agent_hours_per_week: float
    shortfall_agent_hours_per_week: float | None   # sum of positive shortfalls
    surplus_agent_hours_per_week: float | None     # sum of negative shortfalls (as positive)
    gap: CoverageGap | None
    # indices into slots: the peaks the heatmaps' sentences name (the first slot of the week on a tie; None: no value)
    busiest_slot: int | None = None                   # most tickets created per hour
    slowest_first_response_slot: int | None = None    # longest median first response
    worst_breach_slot: int | None = None              # highest first-response breach rate of a well-counted slot (extremes)


def agents_on_shift(dataset: Dataset, weeks_index: pd.DatetimeIndex) -> tuple[np.ndarray, str]:
    """Tier-1 heads on shift per hour of the week (float [168]) and where that came from."""
    agents = dataset.agents
    if agents is not None and {"shift_start_hour", "shift_end_hour"} <= set(agents.columns):
        roster = agents.dropna(subset=["shift_start_hour", "shift_end_hour"])
        if "tier" in roster and (roster["tier"] == 1).any():
            roster = roster[roster["tier"] == 1]
        if len(roster):
            start = roster["shift_start_hour"].to_numpy(dtype=int)[:, None] % 24
            end = roster["shift_end_hour"].to_numpy(dtype=int)[:, None] % 24
            weekends = (roster["works_weekends"].fillna(True).to_numpy(dtype=bool)[:, None]
                        if "works_weekends" in roster else np.ones((len(roster), 1), dtype=bool))
            how = np.arange(168)
            hour, day = how % 24, how // 24
            in_hours = np.where(start < end, (hour >= start) & (hour < end),
                                (start == end) | (hour >= start) | (hour < end))
            on = in_hours & ((day < 5) | weekends)
            return on.sum(axis=0).astype(float), "agents table (shift hours, tier 1)"
    events = dataset.events
    if events is not None and {"actor_id", "event_at"} <= set(events.columns):
        acting = events
        if "actor_role" in events:
            roles = events["actor_role"].astype("string")
            tier1 = roles == "tier1"
            acting = events[tier1] if tier1.any() else events[~roles.isin(["customer", "system"]) & roles.notna()]
        if len(acting):
            # whole hours (in UTC, where no hour repeats), then in the reporting zone the demand is counted in
            hour_start = acting["event_at"].dt.floor("h").dt.tz_convert(weeks_index.tz)
            distinct = acting.assign(hour_start=hour_start).drop_duplicates(["hour_start", "actor_id"])
            per_hour = distinct.groupby("hour_start").size()
            per_hour = per_hour.reindex(weeks_index, fill_value=0)
            how = per_hour.index.day_of_week * 24 + per_hour.index.hour
            return (per_hour.groupby(how).mean().reindex(range(168), fill_value=0.0).to_numpy(dtype=float),
                    "agent activity in the event log (distinct tier-1 agents acting per hour)")
    raise NoSchedule("needs shift hours in the agents table (shift_start_hour, shift_end_hour) "
                     "or an event log with the acting agent (actor_id) to know who was on shift")


def staffing_plan(clocks: pd.DataFrame, dataset: Dataset, config: Config) -> StaffingPlan:
    settings = config.staffing
    created = clocks["created_at"]
    if len(created) and (created == created.dt.normalize()).all():
        raise NoHourOfDay("the creation times hold dates only (every ticket at 00:00), so demand, first response "
                          "and agents by hour of the week cannot be told apart")
    first_day = created.min().normalize()
    last_day = created.max().normalize() + pd.Timedelta(days=1)
    hours_index = pd.date_range(first_day, last_day, freq="h", inclusive="left")
    occurrences = np.bincount(hours_index.day_of_week * 24 + hours_index.hour, minlength=168)
    weeks = len(hours_index) / 168.0
    answer_within = settings.answer_within_minutes or min(
        config.sla.target(p).first_response for p in PRIORITIES) * 60

    slot = (created.dt.day_of_week * 24 + created.dt.hour).to_numpy()
    tickets = np.bincount(slot, minlength=168)
    states = clocks["first_response_state"]
    breached = np.bincount(slot, weights=breached_mask(states), minlength=168)
    completed = np.bincount(slot, weights=completed_mask(states), minlength=168)
    medians = clocks.groupby(slot)["first_response_minutes"].median()

    try:
        scheduled, source = agents_on_shift(dataset, hours_index)
        missing = None
    except NoSchedule as reason:
        scheduled, source, missing = None, None, str(reason)

    needs = [required_agents(tickets[k] / max(occurrences[k], 1), settings.handle_minutes, answer_within,
                             settings.service_level, settings.max_occupancy, settings.shrinkage)
             for k in range(168)]
    required = np.array([n.scheduled for n in needs], dtype=float)
    shortfall = None if scheduled is None else required - scheduled
    flags, adjusted = _flag_gaps(shortfall, breached, completed, config.findings)

    slots = []
    for k in range(168):
        median = medians.get(k)
        slots.append(Slot(
            weekday=k // 24, hour=k % 24, occurrences=int(occurrences[k]), tickets=int(tickets[k]),
            arrivals_per_hour=float(tickets[k] / max(occurrences[k], 1)),
            median_first_response_minutes=None if median is None or pd.isna(median) else float(median),
            first_response=wilson(int(breached[k]), int(completed[k])),
            traffic_erlangs=needs[k].traffic, required_on_queue=needs[k].agents, required=needs[k].scheduled,
            scheduled=None if scheduled is None else float(scheduled[k]),
            shortfall=None if shortfall is None else float(shortfall[k]),
            gap=bool(flags[k]), adjusted_p=adjusted[k]))
    gap = _coverage_gap(slots, flags, adjusted, breached, completed, tickets, weeks, shortfall)
    if gap is not None:
        extra = np.where(flags, np.ceil(np.clip(shortfall, 0, None)), 0)
        traffic = np.array([n.traffic for n in needs])
        gap = replace(gap, blocks=[replace(b, cover=cover_plan(
            [d * 24 + h for d in b.days for h in b.hours if flags[d * 24 + h]], extra, scheduled, required, traffic,
            settings.handle_minutes, answer_within, settings.service_level, settings.max_occupancy,
            settings.shrinkage, days_label)) for b in gap.blocks])
    return StaffingPlan(
        weeks=weeks, handle_minutes=settings.handle_minutes, answer_within_minutes=answer_within,
        service_level=settings.service_level, max_occupancy=settings.max_occupancy, shrinkage=settings.shrinkage,
        schedule_source=source, schedule_missing_reason=missing, slots=slots,
        scheduled_agent_hours_per_week=None if scheduled is None else float(scheduled.sum()),
        required_agent_hours_per_week=float(required.sum()),
        shortfall_agent_hours_per_week=None if shortfall is None else float(np.clip(shortfall, 0, None).sum()),
        surplus_agent_hours_per_week=None if shortfall is None else float(np.clip(-shortfall, 0, None).sum()),
        gap=gap, busiest_slot=highest(slots, lambda s: s.arrivals_per_hour),
        slowest_first_response_slot=highest(slots, lambda s: s.median_first_response_minutes),
        # the peak breach rate among slots with enough completed SLAs (one late ticket at Sun 07:00 is not the peak)
        worst_breach_slot=highest(slots, lambda s: s.first_response.value,
                                  among=well_counted(slots, lambda s: s.first_response.n)))


def _flag_gaps(shortfall, breached, completed, thresholds) -> tuple[np.ndarray, list[float | None]]:
    """Gaps are found per hour of the day on weekdays and on weekends (48 groups, each pooling
    its days): a group is a gap when one of its slots is short of at least one agent and its
    first-response breach rate is significantly (Benjamini-Hochberg across the short groups)
    and materially above that of the slots with no shortfall. Returns per-slot flags and
    adjusted p-values (the group's)."""
    flags = np.zeros(168, dtype=bool)
    adjusted: list[float | None] = [None] * 168
    if shortfall is None:
        return flags, adjusted
    group = (np.arange(168) // 24 >= 5) * 24 + np.arange(168) % 24
    staffed = shortfall <= 0
    base_events, base_n = breached[staffed].sum(), completed[staffed].sum()
    short = [g for g in range(48) if (shortfall[group == g] >= 1).any()]
    if not short or base_n == 0:
        return flags, adjusted
    base_rate = base_events / base_n
    events = [breached[group == g].sum() for g in short]
    totals = [completed[group == g].sum() for g in short]
    # Fisher's exact test: night and weekend groups can hold few tickets, where χ² is too eager
    p_values = [float(fisher_exact([[int(e), int(n - e)], [int(base_events), int(base_n - base_events)]])[1])
                if n >= MIN_TESTED else None for e, n in zip(events, totals)]
    for g, e, n, q in zip(short, events, totals, benjamini_hochberg(p_values)):
        rate = e / n if n else 0.0
        ratio = rate / base_rate if base_rate > 0 else (np.inf if rate > 0 else 1.0)
        members = np.flatnonzero((group == g) & (shortfall >= 1))
        for k in np.flatnonzero(group == g):
            adjusted[k] = q
        flags[members] = q is not None and q < thresholds.alpha and ratio >= thresholds.material_ratio
    return flags, adjusted


def _coverage_gap(slots, flags, adjusted, breached, completed, tickets, weeks, shortfall) -> CoverageGap | None:
    if not flags.any():
        return None
    staffed = shortfall <= 0
    in_rate = breached[flags].sum() / max(1.0, completed[flags].sum())
    base_rate = breached[staffed].sum() / max(1.0, completed[staffed].sum())
    extra = np.where(flags, np.ceil(np.clip(shortfall, 0, None)), 0)
    return CoverageGap(
        slots=[[s.weekday, s.hour] for s in slots if s.gap],
        blocks=gap_blocks(flags, extra),
        tickets=int(tickets[flags].sum()),
        tickets_per_year=float(tickets[flags].sum() / weeks * 52.1775),
        breach_rate_in_gap=float(in_rate), breach_rate_staffed=float(base_rate),
        ratio=float(in_rate / base_rate) if base_rate > 0 else None,
        max_adjusted_p=float(max(adjusted[k] for k in np.flatnonzero(flags))),
        extra_agent_hours_per_week=float(extra.sum()))


def gap_blocks(flags: np.ndarray, extra: np.ndarray) -> list[GapBlock]:
    """Flagged slots by day type: one block for weekdays, one for weekends (Mon–Fri 18:00–22:00),
    with the most agents any of its slots needs added."""
    grid, need = flags.reshape(7, 24), extra.reshape(7, 24)
    blocks = []
    for days in ([0, 1, 2, 3, 4], [5, 6]):
        sub = grid[days]
        hours = [int(h) for h in np.flatnonzero(sub.any(axis=0))]
        if not hours:
            continue
        flagged_days = [d for d in days if grid[d].any()]
        blocks.append(GapBlock(days=flagged_days, days_label=days_label(flagged_days), hours=hours,
                               hour_ranges=_ranges(hours), extra_agents=int(need[days].max())))
    return blocks


def days_label(days: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> 'Mon–Fri'; [5, 6] -> 'Sat–Sun'; [0, 2] -> 'Mon, Wed'."""
    days = sorted(days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[-1]]}"
    if len(days) == 2 and days[1] == days[0] + 1:
        return f"{DAY_NAMES[days[0]]}–{DAY_NAMES[days[1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)
