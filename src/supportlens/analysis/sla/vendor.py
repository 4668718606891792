"""The help desk's own SLA verdict beside the report's, and why the two differ.

ServiceNow's ``made_sla``, Jira's SLA fields and Freshdesk's first-response and resolution
status are the system's verdict on its own targets, calendar and pause rules; ingest keeps them
as ``source_first_response_met`` and ``source_resolution_met`` (True = met). They are compared
with the report's verdict on the tickets both have judged: the report's SLA completed (achieved
or breached) and the system's flag present. The system's flag on a still-open ticket is left out
(ServiceNow holds ``made_sla`` true until a breach is recorded).

The two breach rates differ *materially* when they are at least ``MATERIAL_GAP`` apart and
McNemar's exact test on the paired verdicts rejects equal disagreement at the findings' alpha.
The reasons (``GapReason``) are the analysis's reading of the disagreements: which way most of
them go, and what the report's clock did that the system's may not (calendar or business time,
pauses applied or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from ...config import SlaPolicy
from ..core.breach import breached_mask, completed_mask
from ..core.stats import Rate, wilson

MATERIAL_GAP = 0.05          # breach rates this far apart (share, 0-1) are a difference worth a line on the summary
MEASURES = (("resolution", "resolution_state", "source_resolution_met", "resolution_minutes", "resolution_target_minutes"),
            ("first_response", "first_response_state", "source_first_response_met", "first_response_minutes",
             "first_response_target_minutes"))


class GapReason(StrEnum):
    """Why the system's verdict and the report's differ (the SLA page writes one sentence per reason)."""

    REPORT_STRICTER = "report_stricter"    # most disagreements: the report says breached, the system met
    SYSTEM_STRICTER = "system_stricter"    # most disagreements: the system says breached, the report met
    NO_PAUSES = "no_pauses"                # the report's clock never paused (no status log or no pause statuses)
    PAUSES = "pauses"                      # the report paused its clock on some tickets; the system's rules may differ
    CALENDAR_CLOCK = "calendar_clock"      # the report's clock runs on calendar time
    ALWAYS_OPEN = "always_open"            # the report's business calendar is open 24/7 (the default)


@dataclass(frozen=True)
class VendorVerdict:
    """One SLA (resolution or first response): the system's verdict and the report's on the same tickets."""

    measure: str                       # resolution or first_response
    tickets: int                       # tickets both judged (the n of both rates)
    system_breach: Rate                # the system's breached share of those tickets
    report_breach: Rate                # the report's breached share of the same tickets
    both_breached: int
    report_only: int                   # the report says breached, the system met
    system_only: int                   # the system says breached, the report met
    both_met: int
    agreement: float                   # share of the tickets where both agree
    p_value: float | None              # McNemar's exact test on the two kinds of disagreement
    differs: bool                      # at least MATERIAL_GAP apart and significant
    gap: float                         # report's rate minus the system's (share, signed)
    # the report-only breaches: their median duration (hours) against the report's median target (hours)
    report_only_median_hours: float | None
    report_only_target_hours: float | None
    # the longest duration (hours, 90th percentile) the system still called met, against the report's median target
    system_met_p90_hours: float | None
    reasons: list[GapReason]
    system_flags: int                  # tickets carrying the system's flag at all (open ones included)


@dataclass(frozen=True)
class VendorComparison:
    """The system's own verdicts in the reporting period; ``headline`` the one the summary may cite."""

    measures: list[VendorVerdict]
    headline: int | None               # index into measures: the resolution verdict when it differs materially
    system: str | None = None          # the help desk's name ("ServiceNow"); None for a generic export


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.median()) if len(values) else None


def _reasons(report_only: int, system_only: int, policy: SlaPolicy, paused_tickets: int, measure: str) -> list[GapReason]:
    reasons = []
    if report_only > system_only:
        reasons.append(GapReason.REPORT_STRICTER)
    elif system_only > report_only:
        reasons.append(GapReason.SYSTEM_STRICTER)
    if measure == "resolution":
        reasons.append(GapReason.PAUSES if paused_tickets else GapReason.NO_PAUSES)
    if policy.clock == "calendar":
        reasons.append(GapReason.CALENDAR_CLOCK)
    elif all(text == "00:00-24:00" for text in policy.business_hours.weekly.values()) \
            and len(policy.business_hours.weekly) == 7 and not policy.business_hours.holidays:
        reasons.append(GapReason.ALWAYS_OPEN)
    return reasons


def _verdict(clocks: pd.DataFrame, measure: str, state_col: str, flag_col: str, minutes_col: str, target_col: str,
             policy: SlaPolicy, alpha: float, first_response_known: bool) -> VendorVerdict | None:
    if flag_col not in clocks or not clocks[flag_col].notna().any():
        return None
    if measure == "first_response" and not first_response_known:
        return None        # the report's first-response states are the system's own verdict (core/clocks.py)
    flag = clocks[flag_col].astype("boolean")
    both = completed_mask(clocks[state_col]) & flag.notna().to_numpy()
    if not both.any():
        return None
    judged = clocks[both]
    report = breached_mask(judged[state_col])
    system = ~judged[flag_col].astype(bool).to_numpy()
    both_breached = int((report & system).sum())
    report_only = int((report & ~system).sum())
    system_only = int((~report & system).sum())
    both_met = int((~report & ~system).sum())
    n = len(judged)
    p_value = None
    if report_only + system_only:
        from statsmodels.stats.contingency_tables import mcnemar
        p_value = float(mcnemar([[both_breached, report_only], [system_only, both_met]], exact=True).pvalue)
    report_rate, system_rate = wilson(int(report.sum()), n), wilson(int(system.sum()), n)
    gap = float(report_rate.value - system_rate.value)
    hours = judged[minutes_col] / 60 if minutes_col in judged else pd.Series(np.nan, index=judged.index)
    targets = judged[target_col] / 60 if target_col in judged else pd.Series(np.nan, index=judged.index)
    only = report & ~system
    paused = int((clocks.get("paused_minutes", pd.Series(dtype=float)).fillna(0) > 0).sum())
    met_hours = hours[~system].dropna()
    return VendorVerdict(
        measure=measure, tickets=n, system_breach=system_rate, report_breach=report_rate,
        both_breached=both_breached, report_only=report_only, system_only=system_only, both_met=both_met,
        agreement=float((both_breached + both_met) / n), p_value=p_value,
        differs=bool(abs(gap) >= MATERIAL_GAP and p_value is not None and p_value < alpha), gap=gap,
        report_only_median_hours=_median(hours[only]), report_only_target_hours=_median(targets[only]),
        system_met_p90_hours=float(met_hours.quantile(0.9)) if len(met_hours) else None,
        reasons=_reasons(report_only, system_only, policy, paused, measure),
        system_flags=int(flag.notna().sum()),
    )


SYSTEMS = {"servicenow": "ServiceNow", "jira": "Jira", "freshdesk": "Freshdesk", "zendesk": "Zendesk",
           "salesforce": "Salesforce"}     # importer -> the name a reader knows the help desk by


def vendor_comparison(clocks: pd.DataFrame, policy: SlaPolicy, alpha: float,
                      importer: str | None = None) -> VendorComparison | None:
    """The system's verdicts beside the report's on ``clocks`` (the reporting period's tickets); None when
    the export carries no verdict of its own."""
    known = "first_response_at" in clocks and clocks["first_response_at"].notna().any()
    measures = [v for args in MEASURES
                if (v := _verdict(clocks, *args, policy=policy, alpha=alpha, first_response_known=known)) is not None]
    if not measures:
        return None
    headline = next((i for i, v in enumerate(measures) if v.measure == "resolution" and v.differs), None)
    return VendorComparison(measures, headline, SYSTEMS.get(importer or ""))
