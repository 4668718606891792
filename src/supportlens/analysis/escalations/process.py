"""The escalation process: where escalations stall, who hands off to whom, and what keeping
customers updated changes. Assembles stages.py, handoffs.py, paths.py, communication.py and
proactive.py over one reading of the event log (eventlog.py), and the findings they back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...config import Config, Findings
from ...engine import release_memory
from .communication import Communication, analyse_communication
from .process_log import NS_PER_HOUR, read_log
from ..findings import CustomerSilenceFacts, EscalationBottleneckFacts, Finding, RunnerUp
from .handoffs import Handoffs, analyse_handoffs
from .paths import Paths, Timeline, path_boxes, ticket_paths, timelines
from .proactive import Proactive, estimate_policies
from .stages import RoleTime, StageTime, TicketTimes, role_times, stage_times, ticket_times
from ..core.extremes import highest
from ..core.stats import Rate, wilson


@dataclass(frozen=True)
class LogReading:
    """How the event log was read: sources, roles and activities found, what fell to the default stage."""

    events: int
    tickets: int
    events_without_ticket: int     # left out: their ticket is not in the tickets table
    tickets_without_events: int
    activity_source: str           # activity or event_type
    role_source: str
    roles: list[dict]              # {role, label, events}
    activities: int
    unmapped_activities: list[str]  # labels that matched no stage rule (default stage)
    default_stage: str
    display_order: list[str] = field(default_factory=list)   # role ids as the charts list them: the customer roles,
                                                             # then up the escalation ladder, then the rest by events


@dataclass(frozen=True)
class EscalationAnalysis:
    reading: LogReading
    escalated: Rate                # escalated tickets / tickets
    stages: list[StageTime]
    role_time: list[RoleTime]
    ticket_times: TicketTimes
    handoffs: Handoffs
    paths: Paths
    timelines: list[Timeline]
    communication: Communication
    proactive: Proactive
    # what the sentences name, decided here (indices; the first on a tie)
    longest_wait_role: int | None = None   # into role_time: the most waiting hours per escalated ticket
    top_stage: int | None = None           # into stages: the most mean hours, of the work and wait stages held at all


def _reading(log, events: pd.DataFrame, config: Config) -> LogReading:
    esc = config.escalations
    counts = np.bincount(log.role[log.role >= 0], minlength=len(log.roles))
    roles = [{"role": r, "label": esc.role_label(r), "events": int(counts[k])}
             for k, r in sorted(enumerate(log.roles), key=lambda kv: -counts[kv[0]])]
    default = log.stages.index(esc.default_stage)
    unmapped = sorted({log.labels[k] for k in np.unique(log.label[log.stage == default])})
    uses_activity = "activity" in events and events["activity"].notna().any()
    first = list(esc.customer_roles) + list(esc.ladder)
    order = [r["role"] for r in sorted(roles, key=lambda r: (first.index(r["role"]) if r["role"] in first else len(first),
                                                             -r["events"]))]
    return LogReading(log.events, int(log.escalated.size), log.events_without_ticket, log.tickets_without_events,
                      "activity" if uses_activity else "event_type", esc.roles.source, roles, int(np.unique(log.label).size),
                      unmapped[:20], esc.default_stage, order)


def analyse_escalations(events: pd.DataFrame | None, tickets: pd.DataFrame, clocks: pd.DataFrame,
                        as_of: pd.Timestamp, config: Config) -> EscalationAnalysis:
    """Everything on the escalations page; MissingData when there is no usable event log."""
    esc = config.escalations
    log = read_log(events, tickets, esc)
    # (after each heavy step, what it freed goes back to the system: engine.release_memory; at 10M tickets the
    # allocator otherwise kept hundreds of megabytes of each step's slices into the next one's peak)
    release_memory()
    resolution = clocks["resolution_minutes"].to_numpy(dtype=float) / 60
    as_of_hours = (as_of.value - log.origin.value) / NS_PER_HOUR
    code, labels = ticket_paths(log, esc)
    communication, silences = analyse_communication(log, tickets, resolution, as_of_hours, esc, config.findings,
                                                    config.seed)
    policies = estimate_policies(esc.policies, silences)
    del silences   # (per ticket and per silence, with the fitted models' designs: not held through the steps below)
    release_memory()
    headline = next(p for p in policies if p.hours == esc.policy_hours)
    stages = stage_times(log, esc)
    role_time = role_times(log, esc)
    times = ticket_times(log, clocks)
    release_memory()
    handoffs = analyse_handoffs(log, esc, config.findings, clocks)
    release_memory()
    paths = path_boxes(code, labels, log, resolution)
    lines = timelines(code, labels, log, tickets, resolution, esc)
    return EscalationAnalysis(
        reading=_reading(log, events, config),
        escalated=wilson(int(log.escalated.sum()), int(log.escalated.size)),
        stages=stages,
        role_time=role_time,
        ticket_times=times,
        handoffs=handoffs,
        paths=paths,
        timelines=lines,
        communication=communication,
        proactive=Proactive(policies, headline, None, None,   # the simulator's check: sample.what_if
                            policies.index(headline)),
        longest_wait_role=highest(role_time, lambda r: r.waiting_hours),
        top_stage=highest(stages, lambda s: s.mean_hours if s.kind != "done" and s.tickets > 0 else None),
    )


def escalation_findings(result: EscalationAnalysis | None, thresholds: Findings) -> list[Finding]:
    """escalation_bottleneck: the slowest handoff, when significantly and materially slower than
    the rest; customer_silence: when longer silences go with lower CSAT (or more reopens)."""
    if result is None:
        return []
    found = []
    neck = result.handoffs.bottleneck
    if neck is not None and neck.found:
        h = neck.handoff
        found.append(Finding.of(EscalationBottleneckFacts(
            from_role=h.from_role, to_role=h.to_role, from_label=h.from_label, to_label=h.to_label,
            median_wait_hours=h.median_wait_hours, ci=(h.ci_low, h.ci_high), p90_wait_hours=h.p90_wait_hours,
            handoffs=h.handoffs, tickets=h.tickets, share_of_escalated=neck.share_of_escalated,
            others_median_wait_hours=neck.others_median_wait_hours, ratio=neck.ratio, p_value=neck.p_value,
            total_wait_hours=h.total_wait_hours,
            runner_up=None if neck.runner_up is None else RunnerUp(
                neck.runner_up.from_label, neck.runner_up.to_label, neck.runner_up.median_wait_hours),
        )))
    relations = {r.outcome: r for r in result.communication.relations}
    csat, reopened = relations.get("csat"), relations.get("reopened")
    hurts = [r for r in (csat, reopened) if r is not None and r.significant and r.material
             and ((r.outcome == "csat" and r.effect < 0) or (r.outcome == "reopened" and r.effect > 1))]
    if hurts:
        policy = result.proactive.headline
        found.append(Finding.of(CustomerSilenceFacts(
            csat_points_per_doubling=csat.effect if csat else None,
            csat_ci=(csat.ci_low, csat.ci_high) if csat else None,
            csat_adjusted_p=csat.adjusted_p if csat else None,
            reopen_odds_ratio_per_doubling=reopened.effect if reopened else None,
            reopen_adjusted_p=reopened.adjusted_p if reopened else None,
            outcomes=[r.outcome for r in hurts],
            median_longest_silence_hours=result.communication.longest_silence.value,
            policy_hours=policy.hours if policy else None,
            policy_csat_change=policy.csat_change if policy else None,
            policy_csat_ci=(policy.csat_ci_low, policy.csat_ci_high) if policy else None,
        )))
    return found
