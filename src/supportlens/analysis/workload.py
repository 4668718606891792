"""Who carries the work, when does the queue choke, and what could a machine take?

- Load: tickets worked and solved per agent (the agent on the ticket) and per group,
  with imbalance as the coefficient of variation and the Gini of solved tickets
  per agent within each group (groups work different shifts, so they are not pooled).
- Congestion: episodes where the backlog grows for several days in a row (the
  7-day average of created - solved stays above zero for ``congestion_min_days``
  days and the backlog grows by ``congestion_min_growth`` of its median). The cause
  is whichever moved more against the 28 days before: more tickets created
  (volume) or fewer solved (throughput).
- Automation: categories with a large share of tickets, short resolution, few
  escalations and many one-touch solutions (judged on at least ``MIN_SOLVED`` solved
  tickets); the tickets per year that self-service or auto-routing could take =
  tickets per year x one-touch rate x the assumed ``deflection_rate``. These are
  the candidates the self-service recommendation names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Workload
from .core.breach import breached_mask, completed_mask
from .core.missing import Skip, Skipped
from .core.stats import Estimate, Rate, coefficient_of_variation, gini, kaplan_meier, wilson
from .core.volume import Backlog, solved_times

# fewest solved tickets a category's one-touch rate is judged on
MIN_SOLVED = 30


@dataclass(frozen=True)
class AgentLoad:
    agent: str                        # the name when publishing names is allowed, else the id
    group: str | None
    tickets: int
    solved: int
    resolution_breach: Rate


@dataclass(frozen=True)
class GroupLoad:
    group: str
    agents: int
    tickets: int
    solved: int
    solved_per_agent: float
    cv: float | None                  # coefficient of variation of solved per agent
    gini: float | None                # Gini of solved per agent (0 = even)
    busiest_to_median: float | None   # most solved by one agent / median agent


@dataclass(frozen=True)
class Episode:
    start: str                        # first day (YYYY-MM-DD)
    end: str                          # last day
    days: int
    backlog_start: int                # at the end of the day before
    backlog_end: int
    created_per_day: float
    solved_per_day: float
    baseline_created_per_day: float   # the 28 days before
    baseline_solved_per_day: float
    cause: str                        # volume or throughput


@dataclass(frozen=True)
class CategoryAutomation:
    category: str
    tickets: int
    share: float                      # of the window's tickets
    tickets_per_year: float           # at the window's rate
    resolution: Estimate              # Kaplan-Meier median hours
    escalation: Rate | None
    one_touch: Rate | None            # solved with one public reply and no reopen / solved
    candidate: bool
    reasons: list[str]                # the criteria it misses (empty for a candidate)
    deflectable_per_year: float | None


@dataclass(frozen=True)
class WorkloadReport:
    window: str
    names_published: bool
    agents: list[AgentLoad]           # most solved first
    groups: list[GroupLoad]
    overall_gini: float | None
    episodes: list[Episode]
    median_backlog: float
    categories: list[CategoryAutomation]
    deflection_rate: float
    notes: list[Skipped]              # a part that could not be made, and why
    # what the page and its charts show, decided here (indices into the lists above, in the order shown)
    shown_limit: int = 15                                      # workload.shown
    groups_shown: list[int] = field(default_factory=list)     # the shown_limit groups with the most tickets
    most_uneven_group: int | None = None   # of the groups shown with more than one agent: the highest CV
    agents_shown: int = 0                                      # the first agents (most solved first)
    episodes_shown: list[int] = field(default_factory=list)   # the EPISODES_SHOWN ending with the largest backlog, by start
    largest_episode: int | None = None     # the episode whose backlog grew most
    categories_shown: list[int] = field(default_factory=list)  # the shown_limit largest categories and every candidate
    # of those, the ones named on the chart (CATEGORIES_LABELLED largest and every candidate): more names pile up
    categories_labelled: list[int] = field(default_factory=list)
    candidates_deflectable_per_year: float = 0.0               # summed over the candidates


def agent_loads(window: pd.DataFrame, agents: pd.DataFrame | None, allow_names: bool) -> tuple[list[AgentLoad], list[GroupLoad], float | None, bool]:
    used = [c for c in ("agent_id", "resolution_minutes", "resolution_state", "group") if c in window]
    worked = window.loc[window["agent_id"].notna(), used]   # only what is read: not a copy of every clock
    info = agents.drop_duplicates("agent_id").set_index("agent_id") if agents is not None and "agent_id" in agents else None
    named = bool(allow_names and info is not None and "agent_name" in info and info["agent_name"].notna().any())
    solved = worked["resolution_minutes"].notna()
    state = worked["resolution_state"]
    frame = pd.DataFrame({"agent": worked["agent_id"].astype("string"), "solved": solved,
                          "breached": breached_mask(state), "completed": completed_mask(state)})
    if "group" in worked:
        frame["group"] = worked["group"].astype("string")
    per = frame.groupby("agent", sort=True).agg(tickets=("solved", "size"), solved=("solved", "sum"),
                                               breached=("breached", "sum"), completed=("completed", "sum"))
    if info is not None and "group" in info:
        group = info["group"].astype("string").reindex(per.index)
    elif "group" in frame:
        group = frame.groupby("agent")["group"].agg(lambda g: g.mode().iloc[0] if g.notna().any() else pd.NA)
    else:
        group = pd.Series(pd.NA, index=per.index, dtype="string")
    per["group"] = group.reindex(per.index)
    per = per.sort_values(["solved", "tickets"], ascending=False, kind="stable")
    loads = [AgentLoad(str(info["agent_name"][a]) if named and a in info.index and pd.notna(info["agent_name"][a]) else str(a),
                       None if pd.isna(row.group) else str(row.group), int(row.tickets), int(row.solved),
                       wilson(int(row.breached), int(row.completed))) for a, row in per.iterrows()]
    groups = []
    for name, members in per.groupby(per["group"].fillna("(not set)"), sort=True):
        counts = members["solved"].to_numpy(dtype=float)
        median = float(np.median(counts))
        groups.append(GroupLoad(str(name), len(members), int(members["tickets"].sum()), int(counts.sum()),
                                float(counts.mean()), coefficient_of_variation(counts), gini(counts) if len(counts) > 1 else None,
                                float(counts.max() / median) if median > 0 else None))
    return loads, groups, gini(per["solved"].to_numpy(dtype=float)), named


def congestion(clocks: pd.DataFrame, backlog: Backlog, settings: Workload) -> tuple[list[Episode], float]:
    days = pd.to_datetime(backlog.days)
    created = clocks["created_at"].dt.tz_localize(None).dt.normalize().value_counts()   # days of the reporting zone
    solved_at = solved_times(clocks)
    solved = solved_at.dt.tz_localize(None).dt.normalize().value_counts()
    created = created.reindex(days, fill_value=0).astype(float)
    solved = solved.reindex(days, fill_value=0).astype(float)
    level = pd.Series(backlog.open_tickets, index=days, dtype=float)
    median = float(level.median()) if len(level) else 0.0
    growing = ((created - solved).rolling(7).mean() > 0).to_numpy()
    episodes = []
    run_start = None
    for i, flag in enumerate(np.append(growing, False)):
        if flag and run_start is None:
            run_start = i
        elif not flag and run_start is not None:
            start, end = run_start, i - 1
            run_start = None
            before = level.iloc[start - 1] if start > 0 else 0.0
            if end - start + 1 < settings.congestion_min_days or level.iloc[end] - before < settings.congestion_min_growth * median:
                continue
            base = slice(max(0, start - 28), start) if start >= 7 else slice(0, len(days))
            c_ep, s_ep = created.iloc[start:end + 1].mean(), solved.iloc[start:end + 1].mean()
            c_base, s_base = created.iloc[base].mean(), solved.iloc[base].mean()
            episodes.append(Episode(days[start].strftime("%Y-%m-%d"), days[end].strftime("%Y-%m-%d"), end - start + 1,
                                    int(before), int(level.iloc[end]), float(c_ep), float(s_ep), float(c_base), float(s_base),
                                    "volume" if (c_ep - c_base) >= (s_base - s_ep) else "throughput"))
    return episodes, median


def one_touch_solved(tickets: pd.DataFrame) -> pd.Series:
    """Solved with exactly one public agent reply and no reopen (a missing count is not one touch)."""
    reopens = tickets["reopens"].fillna(0) if "reopens" in tickets else 0
    return ((tickets["replies"] == 1) & (reopens == 0)).fillna(False) & tickets["resolution_minutes"].notna()


def automation(window: pd.DataFrame, window_days: float, settings: Workload) -> list[CategoryAutomation]:
    if "category" not in window or window["category"].notna().sum() == 0:
        return []
    category = window["category"].astype("string").fillna("(not set)")
    solved = window["resolution_minutes"].notna()
    durations = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float, na_value=np.nan) / 60
    observed = solved.to_numpy()
    overall = kaplan_meier(durations, observed).median
    escalated = None
    if "escalated" in window and window["escalated"].notna().any():
        escalated = window["escalated"].astype("boolean").fillna(False)
    elif "tier_max" in window and window["tier_max"].notna().any():
        escalated = (window["tier_max"] > 1).fillna(False)
    one_touch = one_touch_solved(window) if "replies" in window and window["replies"].notna().any() else None
    out = []
    total = len(window)
    for name in category.value_counts().index:
        member = (category == name).to_numpy()
        n = int(member.sum())
        km = kaplan_meier(durations[member], observed[member])
        esc = wilson(int(escalated[member].sum()), n) if escalated is not None else None
        n_solved = int(observed[member].sum())
        touch = wilson(int(one_touch[member].sum()), n_solved) if one_touch is not None else None
        reasons = []
        if n / total < settings.automation_min_share:
            reasons.append("small share")
        if n_solved < MIN_SOLVED:
            reasons.append(f"under {MIN_SOLVED} solved")
        if km.median is None or overall is None or km.median >= overall:
            reasons.append("slower than the median")
        if esc is None:
            reasons.append("escalations unknown")
        elif esc.value > settings.automation_max_escalation_rate:
            reasons.append("escalates often")
        if touch is None or touch.value is None:
            reasons.append("one-touch unknown")
        elif touch.value < settings.automation_min_one_touch_rate:
            reasons.append("few one-touch")
        per_year = n * 365.25 / window_days if window_days > 0 else float(n)
        out.append(CategoryAutomation(
            str(name), n, n / total, per_year, Estimate(km.median, km.median_ci_low, km.median_ci_high, km.n), esc, touch,
            not reasons, reasons,
            per_year * touch.value * settings.deflection_rate if not reasons and touch and touch.value is not None else None))
    return out


def workload_report(window: pd.DataFrame, clocks: pd.DataFrame, agents: pd.DataFrame | None, backlog: Backlog,
                    label: str, window_days: float, settings: Workload, allow_names: bool) -> WorkloadReport:
    notes = []
    loads, groups, overall, named = [], [], None, False
    if "agent_id" in window and window["agent_id"].notna().any():
        loads, groups, overall, named = agent_loads(window, agents, allow_names)
    else:
        notes.append(Skipped.of(Skip.AGENT_LOAD, "needs the agent of each ticket (an agent id column)"))
    episodes, median = congestion(clocks, backlog, settings)
    categories = automation(window, window_days, settings)
    if not categories:
        notes.append(Skipped.of(Skip.AUTOMATION, "needs a category on the tickets"))
    return WorkloadReport(label, named, loads, groups, overall, episodes, median, categories, settings.deflection_rate, notes,
                          **shown(groups, episodes, categories, len(loads), settings.shown))


AGENTS_SHOWN = 10     # the agents who solved most
EPISODES_SHOWN = 10   # congestion episodes
CATEGORIES_LABELLED = 5   # categories named on the automation chart beside every candidate (the others on hover)


def shown(groups: list[GroupLoad], episodes: list[Episode], categories: list[CategoryAutomation], agents: int,
          limit: int) -> dict:
    """What the workload page and its charts show, and the extremes their sentences name."""
    by_tickets = sorted(range(len(groups)), key=lambda i: -groups[i].tickets)[:limit]
    uneven = [i for i in by_tickets if groups[i].cv is not None and groups[i].agents > 1]
    biggest = sorted(range(len(episodes)), key=lambda i: -episodes[i].backlog_end)[:EPISODES_SHOWN]
    grew = max(range(len(episodes)), key=lambda i: episodes[i].backlog_end - episodes[i].backlog_start, default=None)
    return {
        "shown_limit": limit,
        "groups_shown": by_tickets,
        "most_uneven_group": max(uneven, key=lambda i: groups[i].cv, default=None),
        "agents_shown": min(agents, AGENTS_SHOWN),
        "episodes_shown": sorted(biggest, key=lambda i: episodes[i].start),
        "largest_episode": grew,
        "categories_shown": [i for i, c in enumerate(categories) if i < limit or c.candidate],
        "categories_labelled": [i for i, c in enumerate(categories)
                                if (i < min(limit, CATEGORIES_LABELLED)) or c.candidate],
        "candidates_deflectable_per_year": sum(c.deflectable_per_year or 0 for c in categories if c.candidate),
    }
