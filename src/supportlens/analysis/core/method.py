"""How this report was computed: the settings its sentences cite, as typed fields of the context.

Templates and charts never read the configuration. A sentence that says "at least 7 days", "significant
at 0.05" or "the business calendar is Europe/Berlin" reads it from here (``method`` in the context),
taken from the config once, in analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...config import Config
from .period import MIN_PERIOD_SHARE, MIN_PERIOD_TICKETS
from .stats import ROW_RESAMPLING_UP_TO


@dataclass(frozen=True)
class Significance:
    alpha: float             # a difference is significant when its (adjusted) p is below this
    material_ratio: float    # ... and material when the worse is at least this many times the better
    material_change: float   # ... or moved by at least this relative change


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str
    weekly: dict[str, str | None]   # mon..sun -> "09:00-17:00" or None (closed)
    holidays: str | None            # country of the public holidays
    subdivision: str | None
    closed_days: list[str]          # further closed days, ISO dates
    hours: str = ""                 # the weekly hours as a reader reads them: "Mon–Fri 09:00–18:00"


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekly_hours(weekly: dict[str, str | None]) -> str:
    """The opening hours of a week in words: runs of days with the same hours joined ("Mon–Fri 09:00–18:00;
    Sat 10:00–14:00"), closed days left out, a calendar open round the clock "every hour of every day"."""
    hours = [weekly.get(day) or None for day in _DAYS]
    if all(h is not None and h.replace(" ", "") == "00:00-24:00" for h in hours):
        return "every hour of every day"
    runs: list[tuple[int, int, str]] = []
    for i, h in enumerate(hours):
        if h is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == h:
            runs[-1] = (runs[-1][0], i, h)
        else:
            runs.append((i, i, h))
    if not runs:
        return "closed every day"
    name = lambda i: _DAYS[i].capitalize()  # noqa: E731
    return "; ".join(f"{name(a)}{'–' + name(b) if b > a else ''} {h.replace('-', '–')}" for a, b, h in runs)


@dataclass(frozen=True)
class SlaMethod:
    clock: str                      # business or calendar
    business_hours: BusinessCalendar
    pause_statuses: list[str]
    reopen: str                     # new_cycle or continue
    # where the SLA targets come from: priority (per-priority targets), default (the one default target of an
    # export without priority), due_dates (each ticket's own due date, resolution only) or none (no SLA verdict)
    targets_from: str = "priority"


@dataclass(frozen=True)
class SegmentsMethod:
    window: str                     # period (the reporting period) or all (the whole span)
    extra_dimensions: list[str]
    min_tickets: int                # smaller segments are pooled into "other"
    model_max_rows: int


@dataclass(frozen=True)
class TrendsMethod:
    forecast_weeks: int
    backtest_weeks: int


@dataclass(frozen=True)
class WorkloadMethod:
    congestion_min_days: int
    congestion_min_growth: float
    automation_min_share: float
    automation_max_escalation_rate: float
    automation_min_one_touch_rate: float
    deflection_rate: float


@dataclass(frozen=True)
class EscalationsMethod:
    min_transitions: int            # a handoff or transition is ranked from this many occurrences
    change_date: str | None         # the configured process change, ISO date
    process_map_edges: int          # the process map shows this many of the most frequent transitions


@dataclass(frozen=True)
class RiskMethod:
    bootstrap: int                  # resamples of the test tickets behind the intervals
    review_cost: float              # one review of a flagged ticket
    review_prevents: tuple[float, float]   # share of a flagged ticket's breach a review prevents: [low, high]
    breach_costs: dict[str, float]  # priority -> cost of one breach
    max_training_tickets: int = 0   # the models train on at most this many tickets (a seeded sample beyond)


@dataclass(frozen=True)
class SummaryCut:
    """How much the executive summary shows: the first findings of the ranked list, the first actions."""

    findings_site: int = 5          # key findings on the site's summary page
    findings_print: int = 3         # ... in the PDF's one-page summary
    actions_print: int = 3          # actions that pay back in the PDF's summary (the site lists them all)


@dataclass(frozen=True)
class Method:
    period_length: str              # quarter, month or all
    significance: Significance
    sla: SlaMethod
    segments: SegmentsMethod
    trends: TrendsMethod
    dominant_share: float           # an account is dominant when its share is surely above this
    workload: WorkloadMethod
    escalations: EscalationsMethod
    risk: RiskMethod
    summary: SummaryCut = SummaryCut()
    min_period_tickets: int = MIN_PERIOD_TICKETS     # a reporting or compared period holds at least this many tickets
    min_period_share: float = MIN_PERIOD_SHARE       # ... and the default quarter this share (0-1) of dated tickets
    # a median's bootstrap resamples are drawn as counts of the distinct values above this many values (stats.py)
    median_rows_up_to: int = ROW_RESAMPLING_UP_TO


def report_method(config: Config, targets_from: str = "priority") -> Method:
    bh = config.sla.business_hours
    esc = config.escalations
    w = config.workload
    return Method(
        period_length=config.period.length,
        significance=Significance(config.findings.alpha, config.findings.material_ratio, config.findings.material_change),
        sla=SlaMethod(config.sla.clock, BusinessCalendar(bh.timezone, dict(bh.weekly), bh.holidays, bh.subdivision,
                                                         [d.isoformat() for d in bh.closed_days],
                                                         weekly_hours(dict(bh.weekly))),
                      list(config.sla.pause_statuses), config.sla.reopen, targets_from),
        segments=SegmentsMethod(config.period.diagnostics, list(config.segments.extra_dimensions),
                                config.segments.min_tickets, config.segments.model_max_rows),
        trends=TrendsMethod(config.trends.forecast_weeks, config.trends.backtest_weeks),
        dominant_share=config.accounts.dominant_share,
        workload=WorkloadMethod(w.congestion_min_days, w.congestion_min_growth, w.automation_min_share,
                                w.automation_max_escalation_rate, w.automation_min_one_touch_rate, w.deflection_rate),
        escalations=EscalationsMethod(esc.min_transitions,
                                      esc.change_date.isoformat() if esc.change_date is not None else None,
                                      esc.dfg_max_edges),
        risk=RiskMethod(config.risk.bootstrap, config.costs.review, config.costs.review_prevents,
                        dict(config.costs.breach), config.risk.max_training_tickets),
        summary=SummaryCut(findings_site=config.findings.summary),
    )
