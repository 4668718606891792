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
from .diagnostics import Diagnostics, run_diagnostics
from .findings import Finding, diagnostic_findings, key_findings, ranked
from .kpis import Kpi, headline_kpis
from .period import ReportingPeriod, reporting_period
from .sla import HourBreach, SlaSummary, first_response_by_hour, summarise_sla, ticket_clocks
from .volume import Backlog, MonthVolume, backlog, monthly_volume

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
    monthly_volume: list[MonthVolume]
    monthly_breach: list[dict]
    backlog: Backlog
    findings: list[Finding]
    skipped: list[dict] = field(default_factory=list)
    diagnostics: Diagnostics | None = None


def analyse(dataset: Dataset, config: Config) -> Analysis:
    tickets = dataset.tickets
    period = reporting_period(tickets, config.period)
    clocks = ticket_clocks(tickets, config.sla, period.as_of)
    created = clocks["created_at"]
    in_period = clocks[(created >= period.start) & (created < period.end)]
    kpis = headline_kpis(clocks, period, config.targets, config.seed)
    sla_period = summarise_sla(in_period, config.sla)
    hours = first_response_by_hour(in_period)
    skipped = []
    daily_backlog = backlog(clocks, period.as_of)
    diagnostics = run_diagnostics(dataset, config, clocks, period, daily_backlog, skipped)
    for kpi, column in (("escalation rate", "escalated"), ("reopen rate", "reopens"),
                        ("one-touch resolution", "replies"), ("CSAT", "csat")):
        if not dataset.has("tickets", column):
            skipped.append({"analysis": kpi, "reason": f"the tickets have no '{column}' values"})
    return Analysis(
        period=period,
        kpis=kpis,
        sla_period=sla_period,
        sla_all=summarise_sla(clocks, config.sla),
        first_response_by_hour=hours,
        monthly_volume=monthly_volume(clocks, period.as_of),
        monthly_breach=_monthly_breach(clocks),
        backlog=daily_backlog,
        findings=ranked(key_findings(clocks, sla_period, hours, kpis, config.findings) + diagnostic_findings(diagnostics)),
        skipped=skipped,
        diagnostics=diagnostics,
    )


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
