"""Headline KPIs of the reporting period against the previous period and the targets."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ...config import KpiTargets
from ..core.breach import breach_rate
from ..core.period import ReportingPeriod, month_of, rows_where
from ..core.stats import Rate, benjamini_hochberg, bootstrap, kaplan_meier, mann_whitney_p, two_proportion_p, wilson


@dataclass(frozen=True)
class Kpi:
    """One headline number. Shares are 0-1; durations in the unit named."""

    id: str
    label: str
    unit: str                      # tickets, minutes, hours, share, score
    better: str                    # lower, higher or neutral
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int                         # the sample the value rests on
    previous: float | None
    change: float | None           # value - previous
    relative_change: float | None  # change / previous
    p_value: float | None          # test of period vs previous period
    target: float | None
    meets_target: bool | None
    monthly: list[float | None]    # one value per calendar month of the data, for the sparkline
    definition: str
    adjusted_p: float | None = None     # p_value, Benjamini-Hochberg across the KPIs compared (see tested_change)
    significant: bool | None = None     # adjusted_p < findings.alpha; None when the change was not tested
    change_direction: str | None = None  # improved, worsened or neutral (no better way, or no change); None without a change
    companion: bool = False              # beside a headline KPI (a 90th percentile, % satisfied): its change untested,
                                         # a tile on the site, one line under the tiles in the PDF's one-page summary
    # how the change is shown: improved or worsened only when significant, else unclear (not significant, not
    # tested, or no better direction); None without a change
    change_status: str | None = None


DEFINITIONS = {
    "tickets": ("Tickets created", "tickets", "neutral", "Tickets created in the period."),
    "first_response_median_minutes": ("Median first response", "minutes", "lower",
                                      "Median of first public reply − created, calendar minutes, over tickets with a "
                                      "public agent reply; tickets solved without one are left out (see Solved without "
                                      "a reply)."),
    "first_response_p90_minutes": ("First response, 90th percentile", "minutes", "lower",
                                   "90th percentile (linear interpolation) of first public reply − created, calendar "
                                   "minutes, over tickets with a public agent reply: one in ten waited longer."),
    "solved_without_reply_rate": ("Solved without a reply", "share", "neutral",
                                  "Solved tickets with no public agent reply ÷ solved tickets; they have no first "
                                  "response time (their first-response SLA completes at the solve)."),
    "resolution_median_hours": ("Median time to resolution", "hours", "lower",
                                "Kaplan–Meier median of solved − created, calendar hours; "
                                "open tickets count as censored at the as-of time."),
    "resolution_p90_hours": ("Time to resolution, 90th percentile", "hours", "lower",
                             "Kaplan–Meier 90th percentile of solved − created, calendar hours (the time by which 90% "
                             "are solved); open tickets count as censored at the as-of time."),
    "first_response_breach_rate": ("First-response SLA breaches", "share", "lower",
                                   "Breached ÷ completed first-response SLAs of tickets created in the period."),
    "resolution_breach_rate": ("Resolution SLA breaches", "share", "lower",
                               "Breached ÷ completed resolution SLAs of tickets created in the period."),
    "escalation_rate": ("Escalation rate", "share", "lower", "Escalated (tier > 1) ÷ tickets created."),
    "reopen_rate": ("Reopen rate", "share", "lower", "Solved tickets reopened at least once ÷ solved tickets."),
    "one_touch_rate": ("One-touch resolution", "share", "higher",
                       "Solved with exactly one public agent reply and no reopen ÷ solved tickets."),
    "csat_mean": ("CSAT", "score", "higher", "Mean satisfaction score (1–5) over rated tickets."),
    "csat_satisfied_rate": ("Satisfied (CSAT 4–5)", "share", "higher", "Rated tickets scoring 4 or 5 ÷ rated tickets."),
    "csat_response_rate": ("CSAT response rate", "share", "higher", "Rated ÷ solved tickets."),
}


# Companions of a tested KPI (the 90th percentile beside the median, % satisfied beside the mean): shown with their
# change, which is not tested, so they add no test to the family the headline changes are adjusted in.
UNTESTED = frozenset({"first_response_p90_minutes", "resolution_p90_hours", "csat_satisfied_rate", "solved_without_reply_rate"})

_STATE_OF = {"first_response_breach_rate": "first_response_state", "resolution_breach_rate": "resolution_state"}


@dataclass(frozen=True)
class _Measure:
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    sample: object  # what the comparison test needs: (events, n) for a rate, values for a median/mean


# the columns _measures reads
_MEASURED = ("created_at", "status", "first_response_minutes", "solved_without_reply", "resolution_minutes",
             "open_minutes", "first_response_state", "resolution_state", "escalated", "reopens", "replies", "csat")


def _measured(clocks: pd.DataFrame) -> pd.DataFrame:
    """The clocks' columns ``_measures`` reads (those the export has)."""
    return clocks[[c for c in _MEASURED if c in clocks]]


def _measures(window: pd.DataFrame, as_of: pd.Timestamp, seed: int, with_intervals: bool = True) -> dict[str, _Measure]:
    solved_mask = window["resolution_minutes"].notna()
    if window["created_at"].isna().all():   # undated export: solved by status, durations unknown
        solved_mask = window["status"].isin(["solved", "closed"])
    solved = window[solved_mask]
    out: dict[str, _Measure] = {"tickets": _Measure(float(len(window)), None, None, len(window), None)}

    frt = window["first_response_minutes"].to_numpy(dtype=float)
    frt = frt[~np.isnan(frt)]
    est = bootstrap(frt, "median", seed=seed) if with_intervals else None
    out["first_response_median_minutes"] = _Measure(
        float(np.median(frt)) if len(frt) else None, est.ci_low if est else None, est.ci_high if est else None, len(frt), frt)
    out["first_response_p90_minutes"] = _Measure(float(np.percentile(frt, 90)) if len(frt) else None, None, None, len(frt), None)
    if "solved_without_reply" in window and window["solved_without_reply"].notna().any():
        without = window["solved_without_reply"].dropna()
        out["solved_without_reply_rate"] = _rate(wilson(int(without.sum()), len(without)))

    durations = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float) / 60.0
    observed = window["resolution_minutes"].notna().to_numpy()
    km = kaplan_meier(durations, observed)
    out["resolution_median_hours"] = _Measure(km.median, km.median_ci_low, km.median_ci_high, km.n,
                                              solved["resolution_minutes"].to_numpy(dtype=float) / 60.0)
    out["resolution_p90_hours"] = _Measure(km.quantile(0.9), None, None, km.n, None)

    for kpi, column in (("first_response_breach_rate", "first_response_state"), ("resolution_breach_rate", "resolution_state")):
        out[kpi] = _rate(breach_rate(window[column]))

    if "escalated" in window and window["escalated"].notna().any():
        out["escalation_rate"] = _rate(wilson(int(window["escalated"].fillna(False).sum()), len(window)))
    if "reopens" in window and window["reopens"].notna().any():
        out["reopen_rate"] = _rate(wilson(int((solved["reopens"].fillna(0) > 0).sum()), len(solved)))
    if "replies" in window and window["replies"].notna().any():
        one_touch = (solved["replies"] == 1) & (solved.get("reopens", 0) == 0)
        out["one_touch_rate"] = _rate(wilson(int(one_touch.fillna(False).sum()), len(solved)))
    if "csat" in window and window["csat"].notna().any():
        scores = window["csat"].dropna().to_numpy(dtype=float)
        est = bootstrap(scores, "mean", seed=seed) if with_intervals else None
        out["csat_mean"] = _Measure(float(scores.mean()) if len(scores) else None,
                                    est.ci_low if est else None, est.ci_high if est else None, len(scores), scores)
        out["csat_satisfied_rate"] = _rate(wilson(int((scores >= 4).sum()), len(scores)))
        out["csat_response_rate"] = _rate(wilson(int(solved["csat"].notna().sum()), len(solved)))
    return out


def _rate(rate: Rate) -> _Measure:
    return _Measure(rate.value, rate.ci_low, rate.ci_high, rate.n, (rate.events, rate.n))


def _compare(current: _Measure, previous: _Measure) -> float | None:
    if current.sample is None or previous.sample is None:
        return None
    if isinstance(current.sample, tuple):
        return two_proportion_p(*current.sample, *previous.sample)
    return mann_whitney_p(current.sample, previous.sample)


def headline_kpis(clocks: pd.DataFrame, period: ReportingPeriod, targets: KpiTargets, seed: int,
                  alpha: float) -> list[Kpi]:
    """KPIs of tickets created in the period, with previous period, change, test (significant at ``alpha`` after
    adjustment across the KPIs) and target."""
    created = clocks["created_at"]
    clocks = _measured(clocks)   # (the windows below copy these columns' rows only, never every clock)
    current = _measures(rows_where(clocks, period.mask(created)), period.as_of, seed)
    previous = {}
    if period.previous_start is not None:
        previous = _measures(rows_where(clocks, (created >= period.previous_start) & (created < period.previous_end)),
                             period.as_of, seed, with_intervals=False)
    monthly = _monthly(clocks, period.as_of, seed)
    kpis = []
    for kpi_id, (label, unit, better, definition) in DEFINITIONS.items():
        if kpi_id not in current:
            continue
        if kpi_id in _STATE_OF and clocks[_STATE_OF[kpi_id]].isna().all():
            continue     # no ticket has an SLA verdict (no priority, no target): no breach KPI at all
        now, before = current[kpi_id], previous.get(kpi_id)
        change = (now.value - before.value) if before and now.value is not None and before.value is not None else None
        target = getattr(targets, kpi_id, None)
        meets = None
        if target is not None and now.value is not None:
            meets = now.value <= target if better == "lower" else now.value >= target
        kpis.append(Kpi(
            id=kpi_id, label=label, unit=unit, better=better, value=now.value, ci_low=now.ci_low,
            ci_high=now.ci_high, n=now.n, previous=before.value if before else None, change=change,
            relative_change=(change / before.value) if change is not None and before.value else None,
            p_value=_compare(now, before) if before and kpi_id not in UNTESTED else None, target=target, meets_target=meets,
            monthly=[m.get(kpi_id) for m in monthly], definition=definition, companion=kpi_id in UNTESTED,
        ))
    return with_significance(kpis, alpha)


def tested_change(kpi: Kpi) -> bool:
    """A KPI whose change against the previous period is tested: it has a better direction, a change and a p-value."""
    return kpi.better != "neutral" and kpi.change is not None and kpi.p_value is not None


def change_direction(kpi: Kpi) -> str | None:
    if kpi.change is None:
        return None
    if kpi.better == "neutral" or kpi.change == 0:
        return "neutral"
    return "improved" if (kpi.change < 0) == (kpi.better == "lower") else "worsened"


def with_significance(kpis: list[Kpi], alpha: float) -> list[Kpi]:
    """The one significance decision of the KPIs, shared by the tiles and the ``kpi_change`` finding: the p-values
    of the tested changes are adjusted together (Benjamini-Hochberg) and a change is significant when its adjusted
    p is below the configured alpha."""
    tested = [k for k in kpis if tested_change(k)]
    adjusted = dict(zip((k.id for k in tested), benjamini_hochberg([k.p_value for k in tested])))
    kpis = [replace(k, adjusted_p=adjusted.get(k.id),
                    significant=(adjusted[k.id] < alpha) if k.id in adjusted else None,
                    change_direction=change_direction(k)) for k in kpis]
    return [replace(k, change_status=change_status(k)) for k in kpis]


def change_status(kpi: Kpi) -> str | None:
    """The colour of a change: better or worse only when the change is significant (a change that may be noise is
    shown neutral)."""
    if kpi.change is None:
        return None
    return kpi.change_direction if kpi.significant and kpi.change_direction != "neutral" else "unclear"


def _monthly(clocks: pd.DataFrame, as_of: pd.Timestamp, seed: int) -> list[dict[str, float | None]]:
    month = month_of(clocks["created_at"])
    out = []
    for _, window in clocks.groupby(month, sort=True):
        measures = _measures(window, as_of, seed, with_intervals=False)
        out.append({k: m.value for k, m in measures.items()})
    return out
