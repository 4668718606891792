"""Findings and recommendations are written by one partial per kind, selected by kind; the escalation
bottleneck sentence is written once; pages join skip reasons by their code, never by their words."""

from __future__ import annotations

from supportlens.analysis import analyse
from supportlens.analysis.actions.recommendations import RecommendationKind
from supportlens.analysis.core import missing
from supportlens.analysis.core.missing import Skip
from supportlens.analysis.findings import FindingKind
from supportlens.charts import build_charts
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from supportlens.render.pages import environment, render_pages
from support import ROOT

TEMPLATES = ROOT / "src" / "supportlens" / "templates"


def test_one_partial_per_finding_kind_and_per_recommendation_kind():
    assert {p.stem for p in (TEMPLATES / "partials" / "findings").glob("*.j2")} == set(FindingKind)
    assert {p.stem for p in (TEMPLATES / "partials" / "recommendations").glob("*.j2")} == set(RecommendationKind)


def test_the_bottleneck_sentence_is_written_once():
    says = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.j2") if "the ticket waits a median" in p.read_text()]
    assert says == ["partials/handoff_wait.j2"]


def test_a_finding_sentence_is_its_kinds_partial():
    env = environment(ROOT)
    sentence = env.from_string('{% from "partials/macros.j2" import finding_sentence %}{{ finding_sentence(f) }}')
    facts = {"tickets": 12, "open_tickets": 40, "median_overdue_hours": 5.0, "critical_or_high": 3}
    text = sentence.render(f={"kind": "open_breached", "page": "sla", "chart": None, "facts": facts})
    assert text.startswith("**12 open tickets are already past their resolution target** (3 of them critical or high priority)")


def test_pages_pick_skip_reasons_by_code_not_by_wording(tiny_config, monkeypatch):
    """Six tickets: segment diagnostics, accounts and the forecast are skipped. Reword what the report calls
    them: the pages still show each reason where it belongs."""
    monkeypatch.setitem(missing.LABELS, Skip.SEGMENTS, "comparisons of segments (renamed)")
    monkeypatch.setitem(missing.LABELS, Skip.ACCOUNTS, "the accounts page (renamed)")
    monkeypatch.setitem(missing.LABELS, Skip.FORECAST, "the forecast (renamed)")
    dataset = load_dataset(tiny_config)
    analysis = analyse(dataset, tiny_config)
    segments = next(s for s in analysis.skipped if s.code == Skip.SEGMENTS)
    assert segments.analysis == "comparisons of segments (renamed)"
    context = build_context(dataset, analysis, tiny_config)
    pages = render_pages(context, build_charts(context), ROOT, flavour="site")
    assert f"{segments.reason.split(';')[0]}" in pages["drivers"]
    assert "The data holds too few tickets to compare segments." not in pages["drivers"]   # the generic text
    assert "The tickets carry no account." not in pages["accounts"]
    assert "the account of each ticket" in pages["accounts"]
    assert "No forecast: it needs" in pages["trends"]


def test_the_verdict_is_one_sentence_from_the_verdict_section():
    """Issue 13: targets met, the KPI missed by most, and only the changes that are significant."""
    env = environment(ROOT)
    env.filters["stats"] = lambda text: text
    kpis = [{"id": "resolution_breach_rate", "label": "Resolution SLA breaches", "unit": "share", "better": "lower",
             "value": 0.184, "target": 0.10},
            {"id": "csat_mean", "label": "CSAT", "unit": "score", "better": "higher", "value": 4.1, "target": 4.0},
            {"id": "reopen_rate", "label": "Reopen rate", "unit": "share", "better": "lower", "value": 0.06, "target": None}]
    period = {"label": "Q3 2026", "previous_label": "Q2 2026"}
    verdict = {"targets": 2, "met": 1, "furthest_off": "resolution_breach_rate", "off_by": 1.84,
               "improved": [], "worsened": ["reopen_rate"]}
    text = env.get_template("partials/verdict.j2").render(verdict=verdict, kpis=kpis, period=period).strip()
    assert text == ("**Q3 2026: 1 of 2 service targets met; the furthest off is resolution SLA breaches, at 18.4% against a "
                    "target of 10.0%, 1.8× the target; since Q2 2026 reopen rate worsened.**")
    quiet = dict(verdict, targets=1, met=1, furthest_off=None, off_by=None, worsened=[])
    text = env.get_template("partials/verdict.j2").render(verdict=quiet, kpis=kpis, period=period).strip()
    assert text == "**Q3 2026: 1 of 1 service target met; no headline measure changed clearly since Q2 2026.**"
