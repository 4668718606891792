"""When the data lacks what an analysis needs.

An analysis raises ``MissingData`` with a reason a reader understands; ``optional`` turns it
into a ``skipped`` entry shown in the report, and the result is ``None``. Each entry carries a
stable ``code`` (``Skip``): templates pick an entry by its code, never by its words, so rewording
a label or a reason cannot change which text a page shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class MissingData(Exception):
    """The data lacks what an analysis needs; the message says what it would need."""


class Skip(StrEnum):
    """What can be skipped. The value is the stable code written into the context (``skipped[].code``);
    ``label`` is the words the report shows for it (``skipped[].analysis``)."""

    DURATIONS = "durations"
    BACKLOG = "backlog"
    VOLUME_BY_MONTH = "volume_by_month"
    EXPLORER = "explorer"
    DIAGNOSTICS = "diagnostics"
    SEGMENTS = "segments"
    BREACH_REGRESSION = "breach_regression"
    ACCOUNTS = "accounts"
    SEASONALITY = "seasonality"
    FORECAST = "forecast"
    AGENT_LOAD = "agent_load"
    AUTOMATION = "automation_candidates"
    ESCALATION_RATE = "escalation_rate"
    REOPEN_RATE = "reopen_rate"
    ONE_TOUCH = "one_touch_resolution"
    CSAT = "csat"
    ESCALATION_PROCESS = "escalation_process"
    BEFORE_AFTER = "before_after"
    ACTIONS = "actions"
    COVERAGE_GAPS = "coverage_gaps"
    STAFFING_PLAN = "staffing_plan"
    RISK_MODEL = "risk_model"
    SLA_VERDICT = "sla_verdict"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[Skip, str] = {
    Skip.DURATIONS: "first response and resolution times, SLA states",
    Skip.BACKLOG: "backlog",
    Skip.VOLUME_BY_MONTH: "volume by month",
    Skip.EXPLORER: "explorer",
    Skip.DIAGNOSTICS: "why we breach, trends, accounts and workload",
    Skip.SEGMENTS: "segment diagnostics",
    Skip.BREACH_REGRESSION: "breach regression",
    Skip.ACCOUNTS: "accounts",
    Skip.SEASONALITY: "weekly seasonality (STL)",
    Skip.FORECAST: "volume forecast",
    Skip.AGENT_LOAD: "load per agent and group",
    Skip.AUTOMATION: "automation candidates",
    Skip.ESCALATION_RATE: "escalation rate",
    Skip.REOPEN_RATE: "reopen rate",
    Skip.ONE_TOUCH: "one-touch resolution",
    Skip.CSAT: "CSAT",
    Skip.ESCALATION_PROCESS: "escalation process",
    Skip.BEFORE_AFTER: "before/after the change",
    Skip.ACTIONS: "staffing, breach-risk model and recommendations",
    Skip.COVERAGE_GAPS: "coverage gaps (staffing)",
    Skip.STAFFING_PLAN: "staffing plan",
    Skip.RISK_MODEL: "breach-risk model",
    Skip.SLA_VERDICT: "SLA verdicts (breached or achieved) and breach rates",
}


@dataclass(frozen=True)
class Skipped:
    """An analysis (or part of one) the data could not support, and why."""

    code: Skip          # stable: templates select on it
    analysis: str       # what was skipped, in the report's words (Skip.label)
    reason: str         # why, in the report's words ("needs ...")

    @classmethod
    def of(cls, code: Skip, reason: str) -> Skipped:
        return cls(code, code.label, reason)


class NotEnoughHistory(MissingData):
    """The data does not reach back far enough: too few weeks or months for a forecast, a seasonal
    decomposition or a model with a temporal split. ``optional`` skips it like any missing data."""


def optional(code: Skip, skipped: list[Skipped], func: Callable[..., T], *args, **kwargs) -> T | None:
    """Run an analysis that may lack its data; record why it was skipped."""
    try:
        return func(*args, **kwargs)
    except MissingData as reason:
        skipped.append(Skipped.of(code, str(reason)))
        return None
