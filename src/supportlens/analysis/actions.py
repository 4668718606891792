"""From findings to action: the staffing plan, the breach-risk model and the ranked
recommendations with their ROI, plus the simulator what-if on the sample (issue 5).

Each part that lacks its data is skipped with the reason (``skipped``), never a crash.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from ..config import Config
from ..dataset import Dataset
from .diagnostics import Diagnostics
from .escalations import EscalationAnalysis
from .recommendations import Evidence, Recommendation, recommend
from .risk import NotEnoughHistory, RiskModel, risk_model
from .sla import PriorityInversion, SlaSummary, priority_inversion
from .staffing import NoHourOfDay, NoSchedule, StaffingPlan, agents_on_shift, staffing_plan
from .what_if import coverage_what_if, sample_spec


@dataclass(frozen=True)
class Actions:
    staffing: StaffingPlan | None
    risk: RiskModel | None
    inversion: PriorityInversion | None
    recommendations: list[Recommendation]
    what_if_note: str | None          # why the simulator check did not run, when it did not


def plan_actions(clocks: pd.DataFrame, dataset: Dataset, config: Config, as_of: pd.Timestamp,
                 skipped: list[dict], sla_all: SlaSummary, diagnostics: Diagnostics | None,
                 escalations: EscalationAnalysis | None) -> Actions:
    """The staffing plan and the risk model, then the recommendations on them and on the findings of
    the other pages: ``sla_all`` (the SLA summary of the whole span), the accounts and workload pages
    (``diagnostics``) and the escalations page (``escalations``)."""
    staffing = None
    try:
        staffing = staffing_plan(clocks, dataset, config)
        if staffing.schedule_missing_reason:
            skipped.append({"analysis": "coverage gaps (staffing)", "reason": staffing.schedule_missing_reason})
    except NoHourOfDay as reason:
        skipped.append({"analysis": "staffing plan", "reason": str(reason)})
    schedule = None
    if dataset.agents is not None:
        try:
            schedule, source = agents_on_shift(dataset, None)
            schedule = schedule if source.startswith("agents table") else None
        except NoSchedule:
            schedule = None
    risk = None
    try:
        risk = risk_model(clocks, dataset.accounts, schedule, as_of, config)
    except NotEnoughHistory as reason:
        skipped.append({"analysis": "breach-risk model", "reason": str(reason)})
    created = clocks["created_at"]
    days = (created.max().floor("D") - created.min().floor("D")).days + 1   # whole days, as the staffing plan counts them
    years = max(days / 7 / 52.1775, 1 / 52.1775)
    accounts = diagnostics.accounts if diagnostics is not None else None
    workload = diagnostics.workload if diagnostics is not None else None
    neck = escalations.handoffs.bottleneck if escalations is not None else None
    evidence = Evidence(clocks, staffing, risk, priority_inversion(sla_all, config.findings),
                        accounts.concentration.dominant if accounts is not None else [],
                        [c for c in workload.categories if c.candidate] if workload is not None else [],
                        neck if neck is not None and neck.found else None, years)
    recommendations = recommend(evidence, config)
    recommendations, note = _check_on_simulator(recommendations, clocks, dataset, config, as_of)
    return Actions(staffing, risk, evidence.inversion, recommendations, note)


def _check_on_simulator(recommendations: list[Recommendation], clocks: pd.DataFrame, dataset: Dataset,
                        config: Config, as_of: pd.Timestamp) -> tuple[list[Recommendation], str | None]:
    """Re-run the simulator once per coverage recommendation, with its extra cover."""
    if not any(r.kind == "coverage" for r in recommendations):
        return recommendations, None
    if not config.recommendations.what_if:
        return recommendations, "switched off (recommendations.what_if: false)"
    spec = sample_spec(dataset)
    if spec is None:
        return recommendations, "the data is not the untouched simulated sample (no matching truth.json beside it)"
    out = []
    for rec in recommendations:
        if rec.kind == "coverage":
            check = coverage_what_if(spec, rec.facts["extra_by_hour"], clocks, rec.facts["slots"],
                                     rec.impact.breaches_avoided_per_year, as_of, config)
            rec = dataclasses.replace(rec, facts={**rec.facts, "simulated": check})
        out.append(rec)
    return out, None
