"""The explorer's two charts, drawn for all tickets; the page's script redraws them for a filter."""

from __future__ import annotations

import plotly.graph_objects as go

from .base import PALETTE, Chart, house_layout


def _weekly(context: dict) -> tuple[list[str], dict[str, list[int]]]:
    cube = context["explorer"]
    offset = 4  # cells are [week, priority, channel, category, *measures]
    totals = {m: [0] * len(cube["weeks"]) for m in cube["measures"]}
    for cell in cube["cells"]:
        for i, measure in enumerate(cube["measures"]):
            totals[measure][cell[0]] += cell[offset + i]
    return cube["weeks"], totals


def explorer_volume(context: dict) -> Chart | None:
    if context["explorer"] is None:
        return None
    weeks, totals = _weekly(context)
    fig = go.Figure(go.Bar(x=weeks, y=totals["tickets"], marker_color=PALETTE["blue"], name="Tickets",
                           hovertemplate="week of %{x}<br>%{y:,} tickets<extra></extra>"))
    takeaway = "Tickets created per week for the tickets the filters select."
    return Chart("explorer_volume", "explorer", "Tickets created per week", takeaway,
                 "Bar chart of tickets created per week; it changes with the filters above it.",
                 house_layout(fig, x_title="Week (starting Monday)", y_title="Tickets per week", height=320),
                 [{"week": w, "tickets": n} for w, n in zip(weeks, totals["tickets"])], keep_when_blank=True)


def explorer_breach(context: dict) -> Chart | None:
    if context["explorer"] is None:
        return None
    weeks, totals = _weekly(context)

    def rate(breached: list[int], completed: list[int]) -> list[float | None]:
        return [b / c if c else None for b, c in zip(breached, completed)]

    fig = go.Figure()
    fig.add_scatter(x=weeks, y=rate(totals["first_response_breached"], totals["first_response_completed"]),
                    name="First response", mode="lines", line=dict(color=PALETTE["sky"], width=2),
                    hovertemplate="week of %{x}: %{y:.1%}<extra>First response</extra>")
    fig.add_scatter(x=weeks, y=rate(totals["resolution_breached"], totals["resolution_completed"]),
                    name="Resolution", mode="lines", line=dict(color=PALETTE["orange"], width=2),
                    hovertemplate="week of %{x}: %{y:.1%}<extra>Resolution</extra>")
    takeaway = "SLA breach rates per week for the tickets the filters select."
    return Chart("explorer_breach", "explorer", "SLA breach rate per week", takeaway,
                 "Line chart of first-response and resolution breach rates per week; it changes with the filters.",
                 house_layout(fig, x_title="Week (starting Monday)", y_title="Breached share of completed SLAs",
                              y_format=".0%", height=320),
                 [{"week": w, **{m: totals[m][i] for m in totals}} for i, w in enumerate(weeks)], keep_when_blank=True)


CHARTS = {"explorer_volume": explorer_volume, "explorer_breach": explorer_breach}
