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
    assert "account\\_id" in pages["accounts"]
    assert "No forecast: it needs" in pages["trends"]
