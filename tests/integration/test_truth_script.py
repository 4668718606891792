"""`make truth` end to end on a tiny K: one planted and one null world, scored and written to its JSON."""

from __future__ import annotations

import importlib.util
import json

from support import ROOT

EFFECTS = {"coverage_gap", "worst_breach_priority", "slowest_industry", "high_breach_channel", "concentrated_account",
           "bottleneck_transition"}


def test_the_truth_script_runs_planted_and_null_worlds(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("truth_script", ROOT / "bench" / "truth.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "truth.json"
    result = script.main(["--k", "1", "--tickets", "4000", "--workers", "1", "--out", str(out)])
    written = json.loads(out.read_text())
    assert written["recovery"] == result["recovery"] and set(written["recovery"]) == EFFECTS
    assert all(r["worlds"] == 1 for r in written["recovery"].values())
    assert written["null_with_false_finding"]["of"] == 1
    planted, null = written["worlds"]
    assert (planted["planted"], null["planted"]) == (True, False)
    # the score is the worlds' own: what each world recovered, whether the null world said something false
    assert {e: int(planted["recovered"][e]) for e in EFFECTS} == {e: r["found"] for e, r in written["recovery"].items()}
    assert written["null_with_false_finding"]["worlds"] == int(bool(null["false_findings"]))
    # the coverage gap and the tier 2 -> tier 3 handoff are strong enough to be found even in 4,000 tickets
    assert planted["recovered"]["coverage_gap"] and planted["recovered"]["bottleneck_transition"]
    assert "null reports with a false finding" in capsys.readouterr().out
