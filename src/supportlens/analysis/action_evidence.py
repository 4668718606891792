"""The findings the recommendation rules fire on, beyond the coverage gap (staffing.py):
a priority that breaches more than a priority with a tighter target, dominant accounts,
automation candidates and a slow escalation handoff. Each returns None when there is no
significant, material evidence. Rates are over completed SLAs; durations in hours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..canonical import PRIORITIES
from ..config import Config
from .stats import Rate, mann_whitney_p, two_proportion_p, wilson


@dataclass(frozen=True)
class PriorityInversion:
    """``priority`` breaches its resolution target more often than ``tighter``, whose target is tighter."""

    priority: str
    tighter: str
    rate: Rate
    tighter_rate: Rate
    ratio: float
    p_value: float
    target_hours: float
    tighter_target_hours: float


def priority_inversion(clocks: pd.DataFrame, config: Config) -> PriorityInversion | None:
    """Breaches concentrated in one priority beyond what its target explains: the worst priority
    breaches significantly and materially more than one whose target is tighter. (When the
    tightest target breaches most, the targets alone can explain it and nothing fires.)"""
    states = clocks["resolution_state"]
    rates = {}
    for p in PRIORITIES:
        group = states[clocks["priority"] == p]
        rates[p] = wilson(int((group == "breached").sum()), int(group.isin(["achieved", "breached"]).sum()))
    rated = [p for p in PRIORITIES if rates[p].n >= 30]
    if len(rated) < 2:
        return None
    worst = max(rated, key=lambda p: rates[p].value)
    target = config.sla.target(worst).resolution
    tighter = [p for p in rated if config.sla.target(p).resolution < target]
    if not tighter:
        return None
    best = min(tighter, key=lambda p: rates[p].value)
    a, b = rates[worst], rates[best]
    p_value = two_proportion_p(a.events, a.n, b.events, b.n)
    ratio = a.value / b.value if b.value else float("inf")
    if p_value is None or p_value >= config.findings.alpha or ratio < config.findings.material_ratio:
        return None
    return PriorityInversion(worst, best, a, b, float(ratio), float(p_value), target,
                             config.sla.target(best).resolution)


@dataclass(frozen=True)
class DominantAccount:
    account_id: str
    tickets: int
    share: Rate                   # share of all tickets, Wilson interval
    tickets_per_year: float


def dominant_accounts(clocks: pd.DataFrame, config: Config, years: float) -> list[DominantAccount]:
    """Accounts whose share of tickets is surely above ``recommendations.account_share``."""
    if "account_id" not in clocks or clocks["account_id"].notna().sum() == 0:
        return []
    counts = clocks["account_id"].value_counts()
    total = int(len(clocks))
    out = []
    for account, count in counts.head(20).items():
        share = wilson(int(count), total)
        if share.ci_low > config.recommendations.account_share:
            out.append(DominantAccount(str(account), int(count), share, count / years))
    return out


@dataclass(frozen=True)
class AutomationCandidate:
    category: str
    tickets: int
    share: float
    one_touch_rate: float
    escalation_rate: float
    median_resolution_hours: float | None
    tickets_per_year: float


def automation_candidates(clocks: pd.DataFrame, config: Config, years: float) -> list[AutomationCandidate]:
    """Categories with many tickets that are solved in one touch and rarely escalate."""
    needed = {"category", "replies", "escalated"}
    if not needed <= set(clocks.columns) or clocks["category"].notna().sum() == 0:
        return []
    settings = config.recommendations
    out = []
    solved = clocks["resolution_minutes"].notna()
    reopens = clocks["reopens"].fillna(0) if "reopens" in clocks else 0
    one_touch = (clocks["replies"] == 1) & (reopens == 0)
    for category, group in clocks.groupby("category", sort=True):
        share = len(group) / len(clocks)
        done = solved[group.index]
        if share < settings.automation_min_share or done.sum() < 30:
            continue
        touch = float(one_touch[group.index][done].mean())
        escalation = float(group["escalated"].fillna(False).astype(bool).mean())
        if touch >= settings.automation_min_one_touch and escalation <= settings.automation_max_escalation:
            minutes = group["resolution_minutes"].dropna()
            out.append(AutomationCandidate(str(category), len(group), share, touch, escalation,
                                           float(minutes.median() / 60) if len(minutes) else None,
                                           len(group) / years))
    return out


@dataclass(frozen=True)
class Handoff:
    transition: str               # tier1->tier2
    handoffs: int
    median_wait_hours: float
    quartiles_hours: list[float]


@dataclass(frozen=True)
class EscalationBottleneck:
    slow: Handoff
    fast: Handoff
    ratio: float
    p_value: float


def handoff_waits(events: pd.DataFrame) -> dict[str, pd.Series]:
    """Hours from an escalation to tier k until a tier-k agent first acts, per ticket (indexed by id)."""
    out = {}
    for k in (2, 3):
        escalated = events.loc[(events["event_type"] == "escalated") & (events["tier"] == k),
                               ["ticket_id", "event_at"]].sort_values("event_at", kind="stable")
        acted = events.loc[events["actor_role"] == f"tier{k}", ["ticket_id", "event_at"]]
        acted = acted.rename(columns={"event_at": "picked_at"}).sort_values("picked_at", kind="stable")
        if escalated.empty or acted.empty:
            continue
        joined = pd.merge_asof(escalated, acted, left_on="event_at", right_on="picked_at", by="ticket_id",
                               direction="forward").dropna(subset=["picked_at"])
        waits = (joined["picked_at"] - joined["event_at"]) / pd.Timedelta(hours=1)
        out[f"tier{k - 1}->tier{k}"] = pd.Series(waits.to_numpy(), index=joined["ticket_id"].to_numpy())
    return out


def escalation_bottleneck(events: pd.DataFrame | None,
                          config: Config) -> tuple[EscalationBottleneck, pd.Series] | tuple[None, None]:
    """The slower of the two escalation handoffs, when it is significantly and materially slower,
    and the hours each ticket waited at it (indexed by ticket id)."""
    if events is None or not {"event_type", "tier", "actor_role"} <= set(events.columns):
        return None, None
    waits = handoff_waits(events)
    if len(waits) < 2 or min(len(w) for w in waits.values()) < 30:
        return None, None
    handoffs = {name: Handoff(name, len(w), float(w.median()), [float(q) for q in np.percentile(w, [25, 75])])
                for name, w in waits.items()}
    slow, fast = sorted(handoffs.values(), key=lambda h: -h.median_wait_hours)
    p_value = mann_whitney_p(waits[slow.transition].to_numpy(), waits[fast.transition].to_numpy())
    ratio = slow.median_wait_hours / fast.median_wait_hours if fast.median_wait_hours > 0 else float("inf")
    if p_value is None or p_value >= config.findings.alpha or ratio < config.findings.material_ratio:
        return None, None
    return (EscalationBottleneck(slow, fast, float(ratio), float(p_value)),
            waits[slow.transition].groupby(level=0).max())
