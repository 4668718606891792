"""From findings to action: the staffing plan, the breach-risk model and the ranked
recommendations with their ROI. On the simulated sample, ``sample.what_if`` re-runs the
simulator afterwards to check the coverage recommendation.

Each part that lacks its data is skipped with the reason (``skipped``), never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...config import Config
from ...dataset import Dataset
from ..accounts import AccountReport
from ..core.missing import Skip, Skipped, optional
from ..escalations.process import EscalationAnalysis
from .recommendations import Assumptions, Evidence, Recommendation, assumptions, recommend
from ..risk.model import RiskModel, risk_model
from ..sla.summary import PriorityInversion, SlaSummary, priority_inversion
from ..staffing.plan import NoHourOfDay, NoSchedule, StaffingPlan, agents_on_shift, staffing_plan
from ..workload import WorkloadReport


@dataclass(frozen=True)
class Actions:
    staffing: StaffingPlan | None
    risk: RiskModel | None
    inversion: PriorityInversion | None
    recommendations: list[Recommendation]
    assumptions: Assumptions          # what the money and the ranges assume, as the recommendations page quotes it
    what_if_note: str | None = None   # why the simulator check did not run, when it did not (sample.what_if)


def plan_actions(clocks: pd.DataFrame, dataset: Dataset, config: Config, as_of: pd.Timestamp,
                 skipped: list[Skipped], sla_all: SlaSummary, accounts: AccountReport | None,
                 workload: WorkloadReport | None, escalations: EscalationAnalysis | None) -> Actions:
    """The staffing plan and the risk model, then the recommendations on them and on the findings of
    the other pages: ``sla_all`` (the SLA summary of the whole span), the accounts and workload pages
    and the escalations page (``escalations``)."""
    staffing = None
    try:
        staffing = staffing_plan(clocks, dataset, config)
        if staffing.schedule_missing_reason:
            skipped.append(Skipped.of(Skip.COVERAGE_GAPS, staffing.schedule_missing_reason))
    except NoHourOfDay as reason:
        skipped.append(Skipped.of(Skip.STAFFING_PLAN, str(reason)))
    schedule = None
    if dataset.agents is not None:
        try:
            schedule, source = agents_on_shift(dataset, None)
            schedule = schedule if source.startswith("agents table") else None
        except NoSchedule:
            schedule = None
    risk = optional(Skip.RISK_MODEL, skipped, risk_model, clocks, dataset.accounts, schedule, as_of, config)
    created = clocks["created_at"]
    days = (created.max().normalize() - created.min().normalize()).days + 1   # whole days, as the staffing plan counts them
    years = max(days / 7 / 52.1775, 1 / 52.1775)
    neck = escalations.handoffs.bottleneck if escalations is not None else None
    evidence = Evidence(clocks, staffing, risk, priority_inversion(sla_all, config.findings),
                        accounts.concentration.dominant if accounts is not None else [],
                        [c for c in workload.categories if c.candidate] if workload is not None else [],
                        neck if neck is not None and neck.found else None, years)
    return Actions(staffing, risk, evidence.inversion, recommend(evidence, config), assumptions(config))
