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
from .action_evidence import (AutomationCandidate, DominantAccount, EscalationBottleneck, PriorityInversion,
                              automation_candidates, dominant_accounts, escalation_bottleneck,
                              priority_inversion)
from .recommendations import Evidence, Recommendation, recommend
from .risk import NotEnoughHistory, RiskModel, risk_model
from .staffing import NoSchedule, StaffingPlan, agents_on_shift, staffing_plan
from .what_if import coverage_what_if, sample_spec


@dataclass(frozen=True)
class Actions:
    staffing: StaffingPlan | None
    risk: RiskModel | None
    inversion: PriorityInversion | None
    accounts: list[DominantAccount]
    automation: list[AutomationCandidate]
    bottleneck: EscalationBottleneck | None
    recommendations: list[Recommendation]
    what_if_note: str | None          # why the simulator check did not run, when it did not


def plan_actions(clocks: pd.DataFrame, dataset: Dataset, config: Config, as_of: pd.Timestamp,
                 skipped: list[dict]) -> Actions:
    staffing = staffing_plan(clocks, dataset, config)
    if staffing.schedule_missing_reason:
        skipped.append({"analysis": "coverage gaps (staffing)", "reason": staffing.schedule_missing_reason})
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
    years = max(staffing.weeks / 52.1775, 1 / 52.1775)
    bottleneck, waits = escalation_bottleneck(dataset.events, config)
    evidence = Evidence(clocks, staffing, risk, priority_inversion(clocks, config),
                        dominant_accounts(clocks, config, years), automation_candidates(clocks, config, years),
                        bottleneck, waits, years)
    recommendations = recommend(evidence, config)
    recommendations, note = _check_on_simulator(recommendations, clocks, dataset, config, as_of)
    return Actions(staffing, risk, evidence.inversion, evidence.accounts, evidence.automation, bottleneck,
                   recommendations, note)


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
