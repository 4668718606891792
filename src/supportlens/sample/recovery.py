"""Scoring a report against the simulator's ground truth (truth.json): what `make truth` counts.

In a world with planted effects, each effect is *recovered* when the summary page names it among its headline
findings (``Finding.on_summary``). In a null world (``truth["planted_effects"]`` false) a *false key finding* is any
finding that claims a difference, a gap, a change, a concentration or a bottleneck: nothing was planted, so
none is true. Two findings stay true in every world and are not counted: the priority furthest above the
breach-rate goal (the targets differ by priority, the work does not, so the tightest target is missed most,
by construction; only a claimed inversion would be false) and the silence towards escalated customers (the
simulator lowers CSAT with silence in every world). Open breached tickets are a count, not a claim.
"""

from __future__ import annotations

PLANTED = ("coverage_gap", "worst_breach_priority", "slowest_industry", "high_breach_channel",
           "concentrated_account", "bottleneck_transition")
CLAIMS = ("coverage_gap", "segment_breach", "segment_duration", "kpi_change", "account_concentration",
          "escalation_bottleneck", "step_change")


def _get(finding, name: str):
    facts = finding["facts"] if isinstance(finding, dict) else finding.facts
    return facts.get(name) if isinstance(facts, dict) else getattr(facts, name, None)


def _kind(finding) -> str:
    return str(finding["kind"] if isinstance(finding, dict) else finding.kind)


def _on_summary(finding) -> bool:
    return bool(finding["on_summary"] if isinstance(finding, dict) else finding.on_summary)


def _names(finding, dimension: str, segment: str) -> bool:
    return (_kind(finding) in ("segment_breach", "segment_duration") and _get(finding, "dimension") == dimension
            and str(_get(finding, "worst")).lower() == segment.lower())


def recovered(findings: list, truth: dict) -> dict[str, bool]:
    """For each planted effect: is it among the summary's headline findings? (``findings``: Finding objects
    or the context's dicts, ranked.)"""
    summary = [f for f in findings if _on_summary(f)]
    gap_hours = set((truth.get("coverage_gap") or {}).get("hours", []))
    account = (truth.get("concentrated_account") or {}).get("account_id")
    neck = truth.get("bottleneck_transition") or {}
    checks = {
        "coverage_gap": lambda f: _kind(f) == "coverage_gap" and bool(set(_get(f, "hours") or []) & gap_hours),
        "worst_breach_priority": lambda f: _kind(f) == "priority_breach"
        and _get(f, "priority") == truth.get("worst_breach_priority"),
        "slowest_industry": lambda f: _names(f, "industry", truth.get("slowest_industry") or ""),
        "high_breach_channel": lambda f: _names(f, "channel", truth.get("high_breach_channel") or ""),
        "concentrated_account": lambda f: _kind(f) == "account_concentration" and account is not None
        and account in (_get(f, "account"), _get(f, "account_id")),
        "bottleneck_transition": lambda f: _kind(f) == "escalation_bottleneck"
        and (_get(f, "from_role"), _get(f, "to_role")) == (neck.get("from"), neck.get("to")),
    }
    return {effect: bool(truth.get(effect)) and any(check(f) for f in summary) for effect, check in checks.items()}


def false_findings(findings: list, truth: dict) -> list[str]:
    """The kinds of the findings a null world's report states that claim a difference (empty: none), whether or
    not the summary shows them. A planted world has none by definition (its effects are scored by ``recovered``)."""
    if truth.get("planted_effects"):
        return []
    out = []
    for f in findings:
        kind = _kind(f)
        if kind in CLAIMS or (kind == "priority_breach" and _get(f, "inversion")):
            out.append(kind if kind != "priority_breach" else "priority_inversion")
    return out
