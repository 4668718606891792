"""A chart whose every value is zero is replaced by a note with its takeaway, not drawn as empty axes."""

from __future__ import annotations

import plotly.graph_objects as go

from supportlens.charts.base import Chart
from supportlens.render.pages import chart_block


def chart(*traces, **kwargs) -> Chart:
    return Chart("c", "sla", "Open tickets past target", "0 open tickets are past their target.", "alt",
                 go.Figure(list(traces)), [], **kwargs)


def test_all_zero_values_make_a_blank_chart():
    assert chart(go.Bar(x=["critical", "high"], y=[0, 0])).blank
    assert chart(go.Bar(x=[0, None], y=["a", "b"], orientation="h")).blank          # horizontal bars, a gap
    assert chart(go.Heatmap(z=[[0, 0], [0, None]])).blank
    assert chart(go.Scatter(x=["2026-01-05", "2026-01-12"], y=[0.0, 0.0])).blank   # dates are not values


def test_any_value_draws_the_chart():
    assert not chart(go.Bar(x=["critical", "high"], y=[0, 3])).blank
    assert not chart(go.Heatmap(z=[[0, 0], [0, 0.2]])).blank
    assert not chart(go.Box(q1=[1.0], median=[2.0], q3=[3.0], lowerfence=[0.5], upperfence=[4.0], y=["path"])).blank
    assert not chart(go.Sankey(link=dict(source=[0], target=[1], value=[5]))).blank
    assert not chart(go.Bar(y=[0, 0]), keep_when_blank=True).blank   # the explorer redraws its charts


def test_a_blank_chart_is_a_note_with_its_takeaway():
    blank = chart(go.Bar(x=["critical"], y=[0]))
    site, printed = chart_block(blank, "site"), chart_block(blank, "print")
    for block in (site, printed):
        assert "callout-note" in block and "0 open tickets are past their target." in block
        assert "Plotly.newPlot" not in block and "<img" not in block
    assert "downloads/c.csv" in site and "downloads/" not in printed
    assert blank.print_figures() == {}   # no SVG is exported for it
