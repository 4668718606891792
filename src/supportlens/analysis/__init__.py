"""Analysis: one module per question, pure functions from the Dataset to plain results.

An analysis that needs data the export lacks raises ``MissingData`` with a
reason a reader understands; ``optional`` turns that into a ``skipped`` entry
shown in the report, and the result is ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from .cube import Cube, explorer_cube
from .escalations import EscalationAnalysis, analyse_escalations, escalation_findings
from .diagnostics import Diagnostics, run_diagnostics
from .findings import Finding, diagnostic_findings, key_findings, ranked
from .interrupted import InterruptedSeries, interrupted_series
from .kpis import Kpi, headline_kpis
from .period import ReportingPeriod, reporting_period
from .quality import QualityReport, quality_report
from .sla import HourBreach, SlaSummary, first_response_by_hour, summarise_sla, ticket_clocks
from .volume import Backlog, MonthVolume, backlog, monthly_volume
from .actions import Actions, plan_actions

T = TypeVar("T")


class MissingData(Exception):
    """The data lacks what an analysis needs; the message says what it would need."""


def optional(name: str, skipped: list[dict], func: Callable[..., T], *args, **kwargs) -> T | None:
    """Run an analysis that may lack its data; record why it was skipped."""
    try:
        return func(*args, **kwargs)
    except MissingData as reason:
        skipped.append({"analysis": name, "reason": str(reason)})
        return None


@dataclass
class Analysis:
    """Every result of one build, before it is written into the context."""

    period: ReportingPeriod
    kpis: list[Kpi]
    sla_period: SlaSummary
    sla_all: SlaSummary
    first_response_by_hour: list[HourBreach]
    monthly_volume: list[MonthVolume] | None
    monthly_breach: list[dict]
    backlog: Backlog | None
    findings: list[Finding]
    explorer: Cube | None
    skipped: list[dict] = field(default_factory=list)
    quality: QualityReport | None = None
    escalations: EscalationAnalysis | None = None
    interrupted: InterruptedSeries | None = None
    actions: Actions | None = None    # staffing, breach-risk model, recommendations (issue 5)
    diagnostics: Diagnostics | None = None


def analyse(dataset: Dataset, config: Config) -> Analysis:
    tickets = dataset.tickets
    period = reporting_period(tickets, config.period)
    clocks = ticket_clocks(tickets, config.sla, period.as_of, events=dataset.events)
    created = clocks["created_at"]
    in_period = clocks[period.mask(created)]
    kpis = headline_kpis(clocks, period, config.targets, config.seed)
    sla_period = summarise_sla(in_period, config.sla)
    hours = first_response_by_hour(in_period)
    skipped = []
    dated = dataset.has("tickets", "created_at")

    def needs_creation_time(func: Callable[..., T], *args) -> T:
        if not dated:
            raise MissingData("needs the tickets' creation time, which the export does not have")
        return func(*args)

    if not dated:
        skipped.append({"analysis": "first response and resolution times, SLA states",
                        "reason": "the export has no ticket-creation time, so no duration can be measured"})
    daily_backlog = optional("backlog", skipped, needs_creation_time, backlog, clocks, period.as_of)
    diagnostics = run_diagnostics(dataset, config, clocks, period, daily_backlog, skipped)
    for kpi, column in (("escalation rate", "escalated"), ("reopen rate", "reopens"),
                        ("one-touch resolution", "replies"), ("CSAT", "csat")):
        if not dataset.has("tickets", column):
            skipped.append({"analysis": kpi, "reason": f"the tickets have no '{column}' values"})
    escalations = optional("escalation process", skipped, analyse_escalations, dataset.events, tickets, clocks,
                           period.as_of, config, dataset.sample_truth)
    escalated = (tickets["escalated"].fillna(False).astype(bool).to_numpy()
                 if dataset.has("tickets", "escalated") else None)
    interrupted = optional("before/after the change", skipped, interrupted_series, clocks, escalated,
                           config.escalations.change_date, config.escalations.change_label, period.as_of,
                           config.findings.alpha)
    sla_all = summarise_sla(clocks, config.sla)
    actions = optional("staffing, breach-risk model and recommendations", skipped, needs_creation_time,
                       plan_actions, clocks, dataset, config, period.as_of, skipped, sla_all, diagnostics, escalations)
    analysis = Analysis(
        actions=actions,
        period=period,
        kpis=kpis,
        sla_period=sla_period,
        sla_all=sla_all,
        first_response_by_hour=hours,
        monthly_volume=optional("volume by month", skipped, needs_creation_time, monthly_volume, clocks, period.as_of),
        monthly_breach=_monthly_breach(clocks),
        backlog=daily_backlog,
        findings=ranked(key_findings(clocks, sla_period, hours, kpis, config.findings)
                        + escalation_findings(escalations, config.findings) + diagnostic_findings(diagnostics)),
        explorer=optional("explorer", skipped, needs_creation_time, explorer_cube, clocks),
        skipped=skipped,
        escalations=escalations,
        interrupted=interrupted,
        diagnostics=diagnostics,
    )
    analysis.quality = quality_report(dataset, analysis.skipped)
    return analysis


def _monthly_breach(clocks: pd.DataFrame) -> list[dict]:
    """Resolution and first-response breach rates of completed SLAs by month of creation."""
    month = clocks["created_at"].dt.tz_localize(None).dt.to_period("M").astype(str)
    out = []
    for label, group in clocks.groupby(month, sort=True):
        row = {"month": label}
        for name, column in (("first_response", "first_response_state"), ("resolution", "resolution_state")):
            states = group[column]
            completed = int(states.isin(["achieved", "breached"]).sum())
            row[f"{name}_breached"] = int((states == "breached").sum())
            row[f"{name}_completed"] = completed
            row[f"{name}_rate"] = row[f"{name}_breached"] / completed if completed else None
        out.append(row)
    return out
