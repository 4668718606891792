"""Why we breach: the analyses behind the drivers, trends, accounts and workload pages, run together.

Each part that lacks its data is skipped with the reason (``optional``); the
others still run. Segments, survival, accounts and workload analyse the
diagnostics window (``period.diagnostics``); trends and congestion use the whole span.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from threadpoolctl import threadpool_limits

from ..config import Config
from ..dataset import Dataset
from .accounts import AccountReport, account_report
from .breach_model import BreachModel, breach_model
from .period import ReportingPeriod
from .segment_frame import diagnostic_window, segment_frame
from .segments import SegmentReport, segment_report, ticket_arrays
from .survival import ResolutionSurvival, resolution_survival
from .trends import TrendReport, trend_report
from .volume import Backlog
from .workload import WorkloadReport, workload_report


@dataclass(frozen=True)
class Diagnostics:
    window: str
    window_kind: str
    tickets: int
    segments: SegmentReport | None
    model: BreachModel | None
    survival: ResolutionSurvival | None
    trends: TrendReport | None
    accounts: AccountReport | None
    workload: WorkloadReport | None


def _segments(window: pd.DataFrame, span, dataset: Dataset, config: Config) -> tuple[SegmentReport, BreachModel | None]:
    from . import MissingData

    if len(window) < 2 * config.segments.min_tickets:
        raise MissingData(f"needs at least {2 * config.segments.min_tickets} tickets in {span.label}; it holds {len(window)}")
    extra = [c for c in config.segments.extra_dimensions
             if c in window.columns or (dataset.accounts is not None and c in dataset.accounts.columns)]
    frame, specs, unavailable = segment_frame(window, dataset.accounts, config.segments, extra)
    report = segment_report(window, frame, specs, unavailable, span, config.findings, config.segments.min_tickets, config.seed)
    model = breach_model(ticket_arrays(window), frame, specs, config.findings.alpha, config.segments.model_max_rows, config.seed)
    return report, model


def run_diagnostics(dataset: Dataset, config: Config, clocks: pd.DataFrame, period: ReportingPeriod,
                    backlog: Backlog, skipped: list[dict]) -> Diagnostics:
    # One BLAS thread: the matrices here are small, and a BLAS thread pool on a busy machine costs 10-20x.
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(dataset, config, clocks, period, backlog, skipped)


def _run(dataset: Dataset, config: Config, clocks: pd.DataFrame, period: ReportingPeriod, backlog: Backlog,
         skipped: list[dict]) -> Diagnostics:
    from . import optional

    if backlog is None or not clocks["created_at"].notna().any():
        skipped.append({"analysis": "why we breach, trends, accounts and workload",
                        "reason": "needs the tickets' creation time, which the export does not have"})
        return Diagnostics("", "all", 0, None, None, None, None, None, None)
    window, span = diagnostic_window(clocks, period, config.period.diagnostics)
    both = optional("segment diagnostics", skipped, _segments, window, span, dataset, config)
    segments, model = both if both is not None else (None, None)
    if segments is not None and model is None:
        skipped.append({"analysis": "breach regression", "reason": "needs at least 50 completed resolution SLAs "
                        "with both outcomes and a dimension to adjust for"})
    survival = resolution_survival(window, config.sla, span.label, config.findings.alpha) if len(window) else None
    trends = trend_report(clocks, backlog, period.as_of, config.trends)
    for note in trends.notes:
        skipped.append(note)
    days = max((span.end - span.start).total_seconds() / 86400, 1.0)
    accounts = optional("accounts", skipped, account_report, window, dataset.accounts, segments, span.end,
                        config.accounts.top_accounts, config.accounts.dominant_share, config.publish.allow_personal_data,
                        days)
    workload = workload_report(window, clocks, dataset.agents, backlog, span.label, days, config.workload,
                               config.publish.allow_personal_data)
    for note in workload.notes:
        skipped.append(note)
    return Diagnostics(span.label, span.kind, len(window), segments, model, survival, trends, accounts, workload)
