"""The ground truth of a simulated sample: what was planted, measured on the output.

Rates are computed from the written tables with the product's default SLA
targets (calendar hours), so a test can compare an analysis against them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine import per_value
from .population import Accounts, Roster
from .spec import PRIORITIES, SLA_TARGET_HOURS, SimulationSpec


def _r(x: float | None, digits: int = 4) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), digits)


def _rates(flag: pd.Series, by: pd.Series) -> dict[str, float | None]:
    grouped = flag.groupby(by, observed=True).mean()
    return {str(k): _r(v) for k, v in grouped.items()}


def breaches(tickets: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Resolution breach over solved tickets and first-response breach over answered tickets
    (NaN where the SLA is not completed). Exactly on target counts as achieved."""
    fr_target = per_value(tickets["priority"], {p: t[0] for p, t in SLA_TARGET_HOURS.items()})
    res_target = per_value(tickets["priority"], {p: t[1] for p, t in SLA_TARGET_HOURS.items()})
    hours = pd.Timedelta(hours=1)
    fr = (tickets["first_response_at"] - tickets["created_at"]) / hours
    res = (tickets["solved_at"] - tickets["created_at"]) / hours
    return ((res > res_target).where(res.notna()).astype(float),
            (fr > fr_target).where(fr.notna()).astype(float))


def handoff_waits(events: pd.DataFrame) -> dict[str, pd.Series]:
    """Hours from an escalation to tier k until the first action by a tier-k agent."""
    out = {}
    for k in (2, 3):
        esc = events.loc[(events["event_type"] == "escalated") & (events["tier"] == k),
                         ["ticket_id", "event_at"]].sort_values("event_at", kind="stable")
        act = events.loc[events["actor_role"] == f"tier{k}", ["ticket_id", "event_at"]]
        act = act.rename(columns={"event_at": "picked_at"}).sort_values("picked_at", kind="stable")
        joined = pd.merge_asof(esc, act, left_on="event_at", right_on="picked_at", by="ticket_id",
                               direction="forward")
        out[f"tier{k - 1}->tier{k}"] = ((joined["picked_at"] - joined["event_at"])
                                        / pd.Timedelta(hours=1)).dropna()
    return out


# The ticket columns the truth reads (a large sample's writer keeps only these for it).
TRUTH_TICKET_COLUMNS = ("created_at", "first_response_at", "solved_at", "status", "priority", "channel",
                        "account_id", "escalated", "tier_max", "reopens", "replies", "csat")


def compute_truth(spec: SimulationSpec, tickets: pd.DataFrame, events: pd.DataFrame,
                  accounts: Accounts, roster: Roster, n_events: int | None = None) -> dict:
    """The truth of ``tickets`` and ``events`` (of which only the rows ``handoff_waits`` reads are needed when
    ``n_events``, the whole table's length, is given)."""
    planted = spec.planted_effects
    res_breach, fr_breach = breaches(tickets)
    created = tickets["created_at"]
    weekday, hour = created.dt.day_of_week, created.dt.hour
    is_weekday = weekday < 5
    in_gap = weekday.isin(spec.gap_weekdays) & hour.isin(spec.gap_hours)
    by_priority = _rates(res_breach, tickets["priority"])
    by_priority = {p: by_priority.get(p) for p in PRIORITIES}
    solved = tickets["solved_at"].notna()
    res_hours = (tickets["solved_at"] - created) / pd.Timedelta(hours=1)
    fr_minutes = (tickets["first_response_at"] - created) / pd.Timedelta(minutes=1)
    industry = tickets["account_id"].map(accounts.table.set_index("account_id")["industry"])
    waits = handoff_waits(events)
    share = tickets["account_id"].value_counts(normalize=True)
    top = share.sort_values(ascending=False)
    n_top = max(1, int(np.ceil(0.2 * len(accounts.table))))
    rated = tickets["csat"].notna()
    cov = roster.coverage(1).reshape(7, 24).astype(float)
    counts = pd.crosstab(weekday, hour).reindex(index=range(7), columns=range(24), fill_value=0)
    weeks = spec.days / 7.0
    arrivals = counts.to_numpy() / weeks
    gap_cells = np.ix_(list(spec.gap_weekdays), list(spec.gap_hours))
    day_cells = np.ix_(range(5), range(9, 17))
    cap_gap = (cov[gap_cells].sum() * roster.mu) / max(arrivals[gap_cells].sum(), 1e-9)
    cap_day = (cov[day_cells].sum() * roster.mu) / max(arrivals[day_cells].sum(), 1e-9)

    measured = {
        "tickets_open_at_end": int((~tickets["status"].isin(["solved", "closed"])).sum()),
        "open_share_at_end": _r((~tickets["status"].isin(["solved", "closed"])).mean()),
        "status_counts": {str(k): int(v) for k, v in tickets["status"].value_counts().sort_index().items()},
        "resolution_breach_rate": _r(res_breach.mean()),
        "resolution_breach_rate_by_priority": by_priority,
        "resolution_breach_rate_by_channel": _rates(res_breach, tickets["channel"]),
        "first_response_breach_rate": _r(fr_breach.mean()),
        "first_response_breach_rate_by_priority": {p: _rates(fr_breach, tickets["priority"]).get(p)
                                                   for p in PRIORITIES},
        "first_response_breach_rate_by_channel": _rates(fr_breach, tickets["channel"]),
        "first_response_breach_rate_weekday_gap_hours": _r(fr_breach[in_gap].mean()),
        "first_response_breach_rate_weekday_other_hours": _r(fr_breach[is_weekday & ~in_gap].mean()),
        "first_response_breach_rate_weekend": _r(fr_breach[~is_weekday].mean()),
        "median_first_response_minutes": _r(fr_minutes.median(), 2),
        "median_first_response_minutes_weekday_gap_hours": _r(fr_minutes[in_gap].median(), 2),
        "median_first_response_minutes_weekday_other_hours": _r(fr_minutes[is_weekday & ~in_gap].median(), 2),
        "tier1_capacity_to_arrivals_gap_hours": _r(cap_gap),
        "tier1_capacity_to_arrivals_weekday_9_17": _r(cap_day),
        "tier1_first_responses_per_agent_hour": _r(roster.mu),
        "tier1_on_shift_weekday_by_hour": [int(x) for x in cov[0]],
        "tier1_on_shift_weekend_by_hour": [int(x) for x in cov[5]],
        "arrivals_per_hour_weekday_mean": [_r(x, 3) for x in arrivals[:5].mean(axis=0)],
        "arrivals_per_hour_weekend_mean": [_r(x, 3) for x in arrivals[5:].mean(axis=0)],
        "median_resolution_hours": _r(res_hours.median(), 3),
        "median_resolution_hours_by_industry": {str(k): _r(v, 3) for k, v in
                                                res_hours.groupby(industry).median().items()},
        "median_resolution_hours_by_channel": {str(k): _r(v, 3) for k, v in
                                               res_hours.groupby(tickets["channel"]).median().items()},
        "handoff_median_wait_hours": {k: _r(v.median(), 3) for k, v in waits.items()},
        "escalation_rate": _r(tickets["escalated"].mean()),
        "tier3_rate": _r((tickets["tier_max"] >= 3).mean()),
        "reopen_rate": _r((tickets.loc[solved, "reopens"] > 0).mean()),
        "one_touch_rate": _r(((tickets["replies"] == 1) & (tickets["reopens"] == 0))[solved].mean()),
        "csat_response_rate": _r(rated[solved].mean()),
        "csat_mean": _r(tickets["csat"].mean()),
        "csat_satisfied_share": _r((tickets.loc[rated, "csat"] >= 4).mean()),
        "csat_mean_escalated": _r(tickets.loc[tickets["escalated"], "csat"].mean()),
        "largest_account_share": _r(top.iloc[0]),
        "top_20pct_accounts_share": _r(top.iloc[:n_top].sum()),
        "events_per_ticket": _r((len(events) if n_events is None else n_events) / max(1, len(tickets)), 3),
    }

    worst = None
    if planted:
        valid = {p: v for p, v in by_priority.items() if v is not None}
        worst = max(valid, key=valid.get) if valid else None
    conc = None
    if planted and accounts.concentrated >= 0:
        acc_id = str(accounts.table["account_id"].iloc[accounts.concentrated])
        conc = {"account_id": acc_id, "share": _r(float(share.get(acc_id, 0.0)))}
    truth = {
        "seed": int(spec.seed),
        "tickets": int(spec.tickets),
        "start": spec.start_ts.strftime("%Y-%m-%d"),
        "end": spec.end_ts.strftime("%Y-%m-%d"),
        "days": int(spec.days),
        "planted_effects": bool(planted),
        "sla_target_hours": {p: {"first_response": f, "resolution": r}
                             for p, (f, r) in SLA_TARGET_HOURS.items()},
        "what_if": {"extra_coverage": {str(h): int(k) for h, k in sorted(spec.extra_coverage.items())},
                    "proactive_update_hours": spec.proactive_update_hours},
        "coverage_gap": ({"hours": sorted(int(h) for h in spec.gap_hours),
                          "weekdays": sorted(int(d) for d in spec.gap_weekdays)} if planted else None),
        "worst_breach_priority": worst,
        "slowest_industry": spec.slow_industry if planted else None,
        "high_breach_channel": spec.slow_channel if planted else None,
        "concentrated_account": conc,
        "bottleneck_transition": ({"from": "tier2", "to": "tier3",
                                   "median_wait_hours": measured["handoff_median_wait_hours"]["tier2->tier3"]}
                                  if planted else None),
        "tenure_effect": None,
        "measured": measured,
    }
    if spec.coverage_change:  # only when asked for: the default truth.json keeps its bytes
        truth["what_if"]["coverage_change"] = {str(h): int(k) for h, k in sorted(spec.coverage_change.items())}
    if spec.change_date is not None:  # only when planted: the default truth.json keeps its bytes
        truth["intervention"] = intervention(spec, tickets, created)
    return truth


def intervention(spec: SimulationSpec, tickets: pd.DataFrame, created: pd.Series) -> dict:
    """The planted level change of escalated tickets' resolution time at the change date."""
    change = pd.Timestamp(spec.change_date, tz="UTC").normalize()
    hours = (tickets["solved_at"] - created) / pd.Timedelta(hours=1)
    esc = tickets["escalated"].astype(bool)
    after = created >= change
    return {"change_date": change.strftime("%Y-%m-%d"), "effect_hours": float(spec.change_effect_hours),
            "population": "escalated tickets, by creation date",
            "median_resolution_hours_escalated_before": _r(hours[esc & ~after].median(), 3),
            "median_resolution_hours_escalated_after": _r(hours[esc & after].median(), 3)}
