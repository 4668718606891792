"""Which of the board pack's questions this data leaves unanswered, and why.

A sparse export (no creation times, no event log, no accounts, no breach at all) cannot answer every question of the
report. The board pack (report.pdf) leaves such a page out and says why in one line on its summary; the site keeps
every page, each saying in full what it would need. A section of a page the data answers can be unanswered too (a
handoff matrix with no handoff seen often enough to rank): the board pack leaves that section to the appendix.
Decided here, from the results: the PDF and the summary only read ``Analysis.unanswered`` and
``Analysis.sections_unanswered``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...pages import PAGES
from .missing import Skip, Skipped

_NAV = {page.id: page.nav for page in PAGES}


@dataclass(frozen=True)
class Unanswered:
    """Questions (board-pack pages) the data leaves unanswered for one reason."""

    pages: list[str]        # page ids (pages.py), in page order
    questions: list[str]    # their names, as the navbar gives them ("Why we breach", "Escalations")
    reason: str             # why, in the report's words ("needs an event log: …"); one line


def _reason(skipped: list[Skipped], *codes: Skip, default: str) -> str:
    """The reason of the first skipped analysis among ``codes`` (in that order), else ``default``."""
    for code in codes:
        for s in skipped:
            if s.code == code:
                return s.reason
    return default


def unanswered_questions(sla_states: dict[str, int], skipped: list[Skipped], diagnostics, escalations,
                         actions) -> list[Unanswered]:
    """Each board-pack page the data cannot answer, grouped by reason in page order. ``sla_states``: the reporting
    period's SLA states (counts); the rest are the analyses' results (None when skipped)."""
    found: list[tuple[str, str]] = []   # (page id, reason)
    if not sum(sla_states.values()):
        found.append(("sla", _reason(skipped, Skip.DURATIONS, Skip.SLA_VERDICT,
                                     default="no ticket could be judged against an SLA target")))
    segments = diagnostics.segments
    if segments is None:
        found.append(("drivers", _reason(skipped, Skip.DIAGNOSTICS, Skip.SEGMENTS,
                                         default="the data holds too few tickets to compare segments")))
    elif not any(m.differs for m in segments.summary):
        found.append(("drivers", "no group of tickets differs clearly from the others on any measure"))
    trends = diagnostics.trends
    if trends is None or not trends.weekly:
        found.append(("trends", _reason(skipped, Skip.DIAGNOSTICS, default="the data holds too little history for weekly "
                                                                           "trends")))
    if escalations is None:
        found.append(("escalations", _reason(skipped, Skip.ESCALATION_PROCESS, default="needs an event log")))
    if actions is None or actions.staffing is None:
        found.append(("staffing", _reason(skipped, Skip.ACTIONS, Skip.STAFFING_PLAN,
                                          default="the staffing plan could not be made from this export")))
    workload = diagnostics.workload
    if workload is None:
        found.append(("workload", _reason(skipped, Skip.DIAGNOSTICS, default="the data holds too little to analyse "
                                                                             "the workload")))
    elif not workload.groups and not any(c.candidate for c in workload.categories):
        found.append(("workload", "the export names no agent, and no category is a candidate for automation"))
    if diagnostics.accounts is None:
        found.append(("accounts", _reason(skipped, Skip.DIAGNOSTICS, Skip.ACCOUNTS, default="the tickets carry no account")))
    if actions is None:
        found.append(("recommendations", _reason(skipped, Skip.ACTIONS, default="no action could be weighed")))
    elif not actions.recommendations:
        found.append(("recommendations", "no finding is both significant and material enough to act on"))
    elif not any(r.pays_back for r in actions.recommendations):
        weighed = len(actions.recommendations)
        found.append(("recommendations", f"{'the one action' if weighed == 1 else f'none of the {weighed} actions'} "
                                         f"weighed {'does not pay' if weighed == 1 else 'pays'} back within its first year at the costs "
                                         "assumed; "
                                         "the appendix shows what was considered and why"))
    groups: dict[str, list[str]] = {}
    for page, reason in found:
        groups.setdefault(reason, []).append(page)
    order = list(_NAV)
    return [Unanswered(sorted(pages, key=order.index), [_NAV[p] for p in sorted(pages, key=order.index)], reason)
            for reason, pages in sorted(groups.items(), key=lambda item: order.index(item[1][0]))]


def sections_unanswered(escalations) -> list[str]:
    """Sections of board-pack pages the data cannot answer though their page can, as "page#section" (the id of the
    section's heading, pages.py): the board pack prints them in the appendix only, as if declared there.
    ``escalations``: the escalation analysis (None when skipped: its whole page is unanswered)."""
    found = []
    if escalations is not None and escalations.handoffs.bottleneck is None:
        found.append("escalations#handoffs")    # no handoff is seen often enough to be ranked: no slowest one to name
    return found
