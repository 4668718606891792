"""Analysis: the questions of the report, one folder or module each; pure functions from the Dataset
to typed results (no I/O, no HTML).

    core/         reporting period, SLA clocks, the one breach rate, volume and backlog, picks (worst/best),
                  the board pack's unanswered questions (answered),
                  the report-level test of every key-finding claim (claims, clustered),
                  missing data and skip codes, the settings sentences cite (method), statistics
    sla/          headline KPIs and the summary's verdict, breach rates by priority and hour, the explorer's cube
    drivers/      where and why we breach: segments, the adjusted model, survival
    trends.py     weekly and monthly series, seasonality, forecast
    accounts.py   concentration, top accounts, tenure
    workload.py   load per agent and group, congestion, automation candidates
    escalations/  the event log as a process; before/after a change
    staffing/     Erlang C against the schedule
    risk/         the breach-risk model
    actions/      recommendations and their ROI
    findings.py   the key findings of the summary
    data_quality.py  what the export lacked and what was done

``analyse`` runs them in order. An analysis whose data is missing raises ``MissingData``; it is
skipped with its reason (``skipped``) and the others still run. Between the heavy steps the memory they freed goes
back to the system (``engine.release_memory``): kept by the allocators, it would count in every later step's peak.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd
from threadpoolctl import threadpool_limits

from ..config import Config
from ..dataset import Check, Dataset
from ..engine import release_memory
from ..errors import SupportlensError
from .accounts import AccountReport, account_report
from .core.answered import Unanswered, sections_unanswered, unanswered_questions
from .actions.plan import Actions, plan_actions
from .core.breach import monthly_breach
from .core.missing import MissingData, Skip, Skipped, optional
from .core.period import ReportingPeriod, in_zone, reporting_period, rows_where
from .core.method import Method, report_method
from .core.volume import Backlog, VolumeSection, backlog, monthly_volume, volume_section
from .data_quality import QualityReport, quality_report
from .drivers.adjusted import BreachModel, breach_model
from .drivers.frame import diagnostic_window, segment_frame
from .drivers.segments import SegmentReport, segment_report, ticket_arrays
from .drivers.survival import ResolutionSurvival, resolution_survival
from .escalations.before_after import InterruptedSeries, interrupted_series
from .escalations.process import EscalationAnalysis, analyse_escalations, escalation_findings
from .core.claims import (Claim, ReportTests, adjust, clusters_of, concentration_claims, coverage_claims, escalation_claims,
                     kpi_claims, priority_claims, segment_claims, step_change_claims)
from .findings import (NOT_A_SEGMENT_FINDING, YEAR_DAYS, Finding, diagnostic_findings, escalation_key_findings,
                       key_findings, ranked, step_changes)
from .sla.explorer import Cube, explorer_cube
from .sla.kpis import Kpi, headline_kpis, tested_change
from .sla.vendor import vendor_comparison
from .sla.verdict import Verdict, verdict
from .sla.summary import SlaSection, SlaSummary, first_response_by_hour, sla_section, summarise_sla, ticket_clocks
from .trends import TrendReport, trend_report
from .workload import WorkloadReport, workload_report

__all__ = ["Analysis", "Diagnostics", "MissingData", "Skip", "Skipped", "analyse", "context_sections", "optional"]


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


def _segments(window: pd.DataFrame, span, dataset: Dataset, config: Config,
              claims: list[Claim]) -> tuple[SegmentReport, BreachModel | None]:
    if len(window) < 2 * config.segments.min_tickets:
        raise MissingData(f"needs at least {2 * config.segments.min_tickets} tickets in {span.label}; it holds {len(window)}")
    extra = [c for c in config.segments.extra_dimensions
             if c in window.columns or (dataset.accounts is not None and c in dataset.accounts.columns)]
    frame, specs, unavailable = segment_frame(window, dataset.accounts, config.segments, extra,
                                              config.reporting_timezone())
    report = segment_report(window, frame, specs, unavailable, span, config.findings, config.segments.min_tickets, config.seed)
    comparisons = {(d.id, c.metric): c for d in report.dimensions for c in d.comparisons}
    claims += segment_claims(window, frame, specs, comparisons,
                             {s.id for s in specs if s.id not in NOT_A_SEGMENT_FINDING})
    model = breach_model(ticket_arrays(window), frame, specs, config.findings.alpha, config.segments.model_max_rows, config.seed)
    return report, model


def run_diagnostics(dataset: Dataset, config: Config, clocks: pd.DataFrame, period: ReportingPeriod,
                    backlog: Backlog, skipped: list[Skipped], claims: list[Claim] | None = None) -> Diagnostics:
    """The drivers, accounts, trends and workload analyses; the segments' report-level claims go to ``claims``."""
    # One BLAS thread: the matrices here are small, and a BLAS thread pool on a busy machine costs 10-20x.
    with threadpool_limits(limits=1, user_api="blas"):
        return _run(dataset, config, clocks, period, backlog, skipped, [] if claims is None else claims)


def _run(dataset: Dataset, config: Config, clocks: pd.DataFrame, period: ReportingPeriod, backlog: Backlog,
         skipped: list[Skipped], claims: list[Claim]) -> Diagnostics:
    if backlog is None or not clocks["created_at"].notna().any():
        skipped.append(Skipped.of(Skip.DIAGNOSTICS, "needs the tickets' creation time, which the export does not have"))
        return Diagnostics("", "all", 0, None, None, None, None, None, None)
    window, span = diagnostic_window(clocks, period, config.period.diagnostics)
    both = optional(Skip.SEGMENTS, skipped, _segments, window, span, dataset, config, claims)
    segments, model = both if both is not None else (None, None)
    if segments is not None and model is None:
        skipped.append(Skipped.of(Skip.BREACH_REGRESSION, "needs at least 50 completed resolution SLAs "
                                  "with both outcomes and a dimension to adjust for"))
    survival = resolution_survival(window, config.sla, span.label, config.findings.alpha) if len(window) else None
    trends = trend_report(clocks, backlog, period.as_of, config.trends, period.data_end, config.findings.alpha)
    for note in trends.notes:
        skipped.append(note)
    days = max((span.end - span.start).total_seconds() / 86400, 1.0)
    accounts = optional(Skip.ACCOUNTS, skipped, account_report, window, dataset.accounts, segments, span.end,
                        config.accounts.top_accounts, config.accounts.dominant_share, config.publish.allow_personal_data,
                        days)
    workload = workload_report(window, clocks, dataset.agents, backlog, span.label, days, config.workload,
                               config.publish.allow_personal_data)
    for note in workload.notes:
        skipped.append(note)
    return Diagnostics(span.label, span.kind, len(window), segments, model, survival, trends, accounts, workload)


@dataclass
class Analysis:
    """Every result of one build. Each field is a section of report/context.json under the same name
    (``context.py`` derives the context and its schema from these fields), except those marked
    ``not_in_context``."""

    period: ReportingPeriod = field(metadata={"not_in_context": True})   # the context's report.period
    kpis: list[Kpi]
    verdict: Verdict                             # the summary's answer: targets met, the one missed by most, changes
    sla: SlaSection
    volume: VolumeSection
    findings: list[Finding]
    explorer: Cube | None                        # null without creation times
    skipped: list[Skipped]
    data_quality: QualityReport | None           # what the export lacked and what the report cannot support
    escalations: EscalationAnalysis | None       # null without a usable event log (see skipped)
    interrupted_series: InterruptedSeries | None  # null when no change date is configured
    diagnostics: Diagnostics
    actions: Actions | None                      # staffing, breach-risk model, recommendations; null without creation times
    report_tests: ReportTests | None             # the report-level test every key finding passed (core/claims.py)
    unanswered: list[Unanswered]                 # the board pack's questions this data cannot answer, and why (core/answered.py)
    sections_unanswered: list[str]               # "page#section": board-pack sections left to the appendix (core/answered.py)
    method: Method                               # the settings the report's sentences cite (templates never read the config)
    # per ticket, for the simulator's what-if checks (sample/what_if.py); None in an analysis read from the build cache
    clocks: pd.DataFrame | None = field(default=None, repr=False, metadata={"not_in_context": True})


def context_sections() -> list[str]:
    """The fields of ``Analysis`` that are sections of the context."""
    return [f.name for f in fields(Analysis) if not f.metadata.get("not_in_context")]


def refuse_empty_period(tickets: pd.DataFrame, period: ReportingPeriod, configured_as_of: str | None) -> None:
    """A report on no tickets is refused: an as-of time before the first ticket, or a period none falls in."""
    if period.undated:
        return
    created = tickets["created_at"].dropna()
    first, last = created.min(), created.max()
    setting = f"the as-of time {configured_as_of!r}" if configured_as_of else "the as-of time"
    if period.as_of < first:
        raise SupportlensError(
            f"{setting} ({period.as_of.tz_convert('UTC'):%Y-%m-%d %H:%M} UTC) is before the first ticket, created "
            f"{first:%Y-%m-%d %H:%M} UTC: the report would hold no tickets",
            f"set period.as_of in supportlens.yml to a time within the data ({first:%Y-%m-%d} to {last:%Y-%m-%d}), "
            "or remove it to report as of the latest time in the data")
    if not period.mask(created).any():
        raise SupportlensError(
            f"no ticket was created in the reporting period {period.label} "
            f"({period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}); the data runs from {first:%Y-%m-%d} to {last:%Y-%m-%d}",
            f"set period.as_of in supportlens.yml to a time within the data, e.g. {last:%Y-%m-%d}, or set "
            "period.length: all to report on the whole span")


def sla_targets_from(dataset: Dataset, config: Config) -> str:
    """Where the SLA targets come from: priority, default (sla.targets.default of an export without
    priority), due_dates (each ticket's own due date) or none (no SLA verdict)."""
    if not any(q.check == Check.MISSING_COLUMN and q.column == "priority" for q in dataset.quality):
        return "priority"
    if config.sla.default_target() is not None:
        return "default"
    return "due_dates" if dataset.has("tickets", "due_at") else "none"


def data_skips(dataset: Dataset, config: Config) -> list[Skipped]:
    """What the build skips for want of a column, known before any analysis runs (``supportlens check``
    prints them; the analyses that find out later add theirs to the same list)."""
    skipped = []
    if not dataset.has("tickets", "created_at"):
        skipped.append(Skipped.of(Skip.DURATIONS, "the export has no ticket-creation time, so no duration can be measured"))
    if sla_targets_from(dataset, config) == "none":
        skipped.append(Skipped.of(Skip.SLA_VERDICT, "the export has no priority and no SLA target (neither one default "
                                                     "target nor due dates), so times are measured but not judged"))
    for kpi, column, what in ((Skip.ESCALATION_RATE, "escalated", "escalation flag or tier"),
                              (Skip.REOPEN_RATE, "reopens", "count of reopens"),
                              (Skip.ONE_TOUCH, "replies", "count of agent replies"),
                              (Skip.CSAT, "csat", "satisfaction rating (CSAT)")):
        if not dataset.has("tickets", column):
            skipped.append(Skipped.of(kpi, f"the tickets have no {what}"))
    return skipped


def analyse(dataset: Dataset, config: Config) -> Analysis:
    tickets = dataset.tickets
    date_only = frozenset(q.column for q in dataset.quality
                          if q.check == Check.DATE_ONLY and q.table == "tickets" and q.column)
    zone = config.reporting_timezone()
    period = reporting_period(tickets, config.period, date_only, zone)
    refuse_empty_period(tickets, period, config.period.as_of)
    targets_from = sla_targets_from(dataset, config)
    # the one place local time is derived: every calendar cut after this reads the reporting zone's wall clock
    clocks = in_zone(ticket_clocks(tickets, config.sla, period.as_of, events=dataset.events,
                                   by_priority=targets_from == "priority"), zone)
    created = clocks["created_at"]
    period_rows = period.mask(created)
    in_period = rows_where(clocks, period_rows)
    kpi_targets = config.targets
    if targets_from == "none":      # no SLA: the shipped default KPI targets are no one's targets
        kpi_targets = kpi_targets.model_copy(update={name: None for name in type(kpi_targets).model_fields
                                                     if name not in kpi_targets.model_fields_set})
    kpis = headline_kpis(clocks, period, kpi_targets, config.seed, config.findings.alpha)
    sla_period = summarise_sla(in_period, config.sla, config.findings.alpha)
    hours = first_response_by_hour(in_period)
    vendor = vendor_comparison(in_period, config.sla, config.findings.alpha, (dataset.source_info or {}).get("importer"))
    # the period's copy of every clock is not held through the steps below (at ten million tickets, most of a
    # gigabyte): the findings take the rows of the columns their claims read (_CLAIMED)
    del in_period
    release_memory()
    known = data_skips(dataset, config)
    kpi_codes = (Skip.ESCALATION_RATE, Skip.REOPEN_RATE, Skip.ONE_TOUCH, Skip.CSAT)
    skipped = [s for s in known if s.code not in kpi_codes]
    dated = dataset.has("tickets", "created_at")

    def needs_creation_time(func, *args):
        if not dated:
            raise MissingData("needs the tickets' creation time, which the export does not have")
        return func(*args)

    daily_backlog = optional(Skip.BACKLOG, skipped, needs_creation_time, backlog, clocks, period.as_of)
    claims: list[Claim] = []
    diagnostics = run_diagnostics(dataset, config, clocks, period, daily_backlog, skipped, claims)
    release_memory()
    skipped += [s for s in known if s.code in kpi_codes]      # (after the diagnostics', as the report lists them)
    escalations = optional(Skip.ESCALATION_PROCESS, skipped, analyse_escalations, dataset.events, tickets, clocks,
                           period.as_of, config)
    release_memory()
    escalated = (tickets["escalated"].fillna(False).astype(bool).to_numpy()
                 if dataset.has("tickets", "escalated") else None)
    interrupted = optional(Skip.BEFORE_AFTER, skipped, interrupted_series, clocks, escalated,
                           config.escalations.change_date, config.escalations.change_label, period.as_of,
                           config.findings.alpha)
    sla_all = summarise_sla(clocks, config.sla, config.findings.alpha)
    release_memory()
    actions = optional(Skip.ACTIONS, skipped, needs_creation_time,
                       plan_actions, clocks, dataset, config, period.as_of, skipped, sla_all, diagnostics.accounts,
                       diagnostics.workload, escalations)
    release_memory()
    tests, findings = report_findings(clocks, rows_where(clocks[[c for c in _CLAIMED if c in clocks]], period_rows), period,
                                      sla_period, sla_all, hours, kpis, diagnostics, escalations, claims, config)
    months = optional(Skip.VOLUME_BY_MONTH, skipped, needs_creation_time, monthly_volume, clocks, period.as_of,
                      period.data_end)
    explorer = optional(Skip.EXPLORER, skipped, needs_creation_time, explorer_cube, clocks)
    return Analysis(
        period=period,
        kpis=kpis,
        verdict=verdict(kpis),
        sla=sla_section(sla_period, sla_all, hours, monthly_breach(clocks), vendor),
        volume=volume_section(months, daily_backlog),
        findings=findings,
        explorer=explorer,
        skipped=skipped,
        data_quality=quality_report(dataset, skipped),
        escalations=escalations,
        interrupted_series=interrupted,
        diagnostics=diagnostics,
        actions=actions,
        report_tests=tests,
        unanswered=unanswered_questions(sla_period.states, skipped, diagnostics, escalations, actions),
        sections_unanswered=sections_unanswered(escalations),
        method=report_method(config, targets_from),
        clocks=clocks,
    )


def _days(start, end) -> float:
    return max((end - start).total_seconds() / 86400, 1.0)


# the clocks' columns the report-level claims read (core/claims.py: clusters, coverage, priorities, KPI changes):
# the periods' rows are copied of these only, never of every clock
_CLAIMED = ("created_at", "account_id", "priority", "first_response_state", "resolution_state", "first_response_minutes",
            "resolution_minutes", "open_minutes", "escalated", "reopens", "replies", "csat")


def report_findings(clocks: pd.DataFrame, in_period: pd.DataFrame, period: ReportingPeriod, sla_period: SlaSummary,
                    sla_all: SlaSummary, hours, kpis: list[Kpi], diagnostics: Diagnostics, escalations,
                    claims: list[Claim], config: Config) -> tuple[ReportTests | None, list[Finding]]:
    """Every claim a key finding could make, tested together (Holm, cluster-robust tests), and the findings
    that pass, ranked by impact; ``claims`` holds the segments' already. ``in_period``: the period's rows of the
    clocks, at least their columns in ``_CLAIMED``."""
    if period.undated or not in_period["created_at"].notna().any():
        return None, []
    has_created = in_period["created_at"].notna()
    dated = in_period if has_created.all() else in_period[has_created]   # (no copy of every clock when all are dated)
    clusterings, clustered_by = clusters_of(dated)
    goal = next((k.target for k in kpis if k.id == "resolution_breach_rate"), None)
    targets = {b.priority: b.resolution_target_hours for b in sla_period.by_priority}
    previous = None
    if period.previous_start is not None:
        created = clocks["created_at"]
        previous = rows_where(clocks[[c for c in _CLAIMED if c in clocks]],
                              (created >= period.previous_start) & (created < period.previous_end))
    claims = (coverage_claims(dated, clusterings) + priority_claims(dated, clusterings, goal, targets)
              + kpi_claims([k for k in kpis if tested_change(k)], dated, previous) + claims
              + escalation_claims(escalations, config.escalations.min_transitions)
              + concentration_claims(diagnostics.accounts) + step_change_claims(diagnostics.trends))
    tests = adjust(claims, config.findings.alpha, clustered_by)
    window, span = diagnostic_window(clocks[["created_at", "resolution_minutes", "open_minutes"]], period,
                                     config.period.diagnostics)
    hours_total = float(window["resolution_minutes"].fillna(window["open_minutes"]).sum() / 60)
    created = clocks["created_at"].dropna()
    whole = _days(created.min(), period.as_of) if len(created) else 365.25
    found = (key_findings(clocks, sla_period, hours, kpis, config.findings, tests, _days(period.start, period.end))
             + escalation_key_findings(escalation_findings(escalations, config.findings), escalations, tests,
                                       sla_all.resolution.events, whole)
             + diagnostic_findings(diagnostics, tests, config.findings.alpha, _days(span.start, span.end), hours_total)
             + step_changes(diagnostics, tests, len(created) * YEAR_DAYS / whole,
                            sla_all.resolution.events * YEAR_DAYS / whole))
    return tests, ranked(found, config.findings.summary)
