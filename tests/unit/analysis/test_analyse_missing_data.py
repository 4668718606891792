"""With too little data, or without accounts, agents or categories, the diagnostics say what they would
need and the pages still render: nothing crashes, nothing is dropped silently."""

from __future__ import annotations


from supportlens.analysis import analyse
from supportlens.charts import build_charts
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from supportlens.render.pages import render_pages
from support import ROOT



def test_six_tickets_skip_with_reasons_and_pages_render(tiny_config):
    dataset = load_dataset(tiny_config)
    analysis = analyse(dataset, tiny_config)
    reasons = {s.analysis: s.reason for s in analysis.skipped}
    assert "needs at least 60 tickets" in reasons["segment diagnostics"]
    assert "the account of each ticket" in reasons["accounts"]
    assert "the agent of each ticket" in reasons["load per agent and group"]
    assert "full weeks" in reasons["volume forecast"]
    d = analysis.diagnostics
    assert d.segments is None and d.accounts is None and d.trends.forecast is None
    assert [c.priority for c in d.survival.curves] == ["critical", "high", "normal", "low"]
    context = build_context(dataset, analysis, tiny_config)      # validates against the schema
    pages = render_pages(context, build_charts(context), ROOT, flavour="site")
    assert "Segment diagnostics not available" in pages["drivers"]
    assert "needs at least 60 tickets" in pages["drivers"]
    assert "Account analysis not available" in pages["accounts"]
    assert "No forecast" in pages["trends"]
    assert "needs the agent of each ticket" in pages["workload"]


def test_without_creation_times_the_diagnostics_are_skipped_whole(tiny_config):
    import pandas as pd

    from supportlens.analysis import run_diagnostics
    from supportlens.analysis.core.period import reporting_period
    from supportlens.analysis.sla.summary import ticket_clocks

    dataset = load_dataset(tiny_config)
    period = reporting_period(dataset.tickets, tiny_config.period)
    clocks = ticket_clocks(dataset.tickets, tiny_config.sla, period.as_of).assign(created_at=pd.NaT)
    from supportlens.analysis import Skip, Skipped

    skipped: list[Skipped] = []
    result = run_diagnostics(dataset, tiny_config, clocks, period, None, skipped)
    assert result.segments is None and result.trends is None and result.workload is None
    assert skipped == [Skipped(Skip.DIAGNOSTICS, "why we breach, trends, accounts and workload",
                               "needs the tickets' creation time, which the export does not have")]
