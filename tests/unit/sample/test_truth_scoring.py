"""Scoring a report against truth.json (sample/recovery.py, `make truth`), on hand-made findings."""

from __future__ import annotations

import importlib.util

from supportlens.sample.recovery import false_findings, recovered
from support import ROOT

TRUTH = {"planted_effects": True, "coverage_gap": {"hours": [18, 19, 20, 21], "weekdays": [0, 1, 2, 3, 4]},
         "worst_breach_priority": "high", "slowest_industry": "Healthcare", "high_breach_channel": "email",
         "concentrated_account": {"account_id": "ACC-00025", "share": 0.05},
         "bottleneck_transition": {"from": "tier2", "to": "tier3", "median_wait_hours": 9.0}}
NULL = {**{k: None for k in TRUTH}, "planted_effects": False}


def f(kind: str, on_summary: bool = True, **facts) -> dict:
    return {"kind": kind, "on_summary": on_summary, "facts": facts}


SUMMARY = [f("coverage_gap", hours=[18, 19]), f("priority_breach", priority="high", inversion=None),
           f("segment_duration", dimension="industry", worst="healthcare"),
           f("segment_breach", dimension="channel", worst="email"),
           f("account_concentration", account="ACC-00025"),
           f("escalation_bottleneck", from_role="tier2", to_role="tier3")]


def test_every_planted_effect_named_on_the_summary_is_recovered():
    assert recovered(SUMMARY, TRUTH) == dict.fromkeys(
        ["coverage_gap", "worst_breach_priority", "slowest_industry", "high_breach_channel", "concentrated_account",
         "bottleneck_transition"], True)


def test_off_the_summary_or_naming_the_wrong_segment_is_not_recovered():
    findings = [dict(x) for x in SUMMARY]
    findings[2] = f("segment_duration", on_summary=False, dimension="industry", worst="healthcare")
    findings[3] = f("segment_breach", dimension="channel", worst="web")
    findings[0] = f("coverage_gap", hours=[7, 8])
    got = recovered(findings, TRUTH)
    assert [k for k, v in got.items() if not v] == ["coverage_gap", "slowest_industry", "high_breach_channel"]


def test_false_findings_in_a_null_world():
    # the priority against its goal and the silence stay true in every world; an inversion would not
    true_anyway = [f("priority_breach", priority="critical", inversion=None), f("customer_silence"), f("open_breached")]
    assert false_findings(true_anyway, NULL) == []
    wrong = true_anyway + [f("segment_breach", on_summary=False, dimension="country", worst="SE"),
                           f("priority_breach", priority="high", inversion={"tighter": "critical"})]
    assert false_findings(wrong, NULL) == ["segment_breach", "priority_inversion"]
    assert false_findings(wrong, TRUTH) == []           # a planted world is scored on recovery


def test_the_truth_script_scores_worlds():
    spec = importlib.util.spec_from_file_location("truth_script", ROOT / "bench" / "truth.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    worlds = [{"planted": True, "recovered": {"coverage_gap": True, "slowest_industry": False}},
              {"planted": True, "recovered": {"coverage_gap": True, "slowest_industry": True}},
              {"planted": False, "false_findings": []}, {"planted": False, "false_findings": ["kpi_change"]},
              {"planted": False, "false_findings": []}]
    result = script.score(worlds)
    assert result["recovery"] == {"coverage_gap": {"found": 2, "worlds": 2}, "slowest_industry": {"found": 1, "worlds": 2}}
    assert result["null_with_false_finding"] == {"worlds": 1, "of": 3, "kinds": ["kpi_change"]}
    assert "null reports with a false finding     1 / 3" in script.table(result)
