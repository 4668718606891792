"""Charts of the executive summary: volume and backlog."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_int
from .base import PALETTE, Chart, house_layout


def monthly_volume(context: dict) -> Chart | None:
    months = context["volume"]["monthly"]
    if not months:
        return None
    labels = [m["month"] + (" (partial)" if m["partial"] else "") for m in months]
    fig = go.Figure([
        go.Bar(name="Created", x=labels, y=[m["created"] for m in months], marker_color=PALETTE["blue"],
               hovertemplate="%{x}<br>Created: %{y:,}<extra></extra>"),
        go.Bar(name="Solved", x=labels, y=[m["solved"] for m in months], marker_color=PALETTE["orange"],
               hovertemplate="%{x}<br>Solved: %{y:,}<extra></extra>"),
    ])
    fig.update_layout(barmode="group")
    peak = months[context["volume"]["busiest_month"]]
    takeaway = f"Volume peaked in {peak['month']} at {fmt_int(peak['created'])} tickets."
    if context["volume"]["quietest_month"] is not None:
        low = months[context["volume"]["quietest_month"]]
        # the quietest month is picked among full months with tickets when there are any (core/volume.py); a partial
        # one is said so
        quietest = "the quietest month (partial)" if low["partial"] else "the quietest full month"
        takeaway = (f"Volume peaked in {peak['month']} at {fmt_int(peak['created'])} tickets; {quietest} "
                    f"was {low['month']} with {fmt_int(low['created'])}.")
    return Chart("monthly_volume", "index", "Tickets created and solved per month", takeaway,
                 f"Grouped bar chart of tickets created and solved in each of {len(months)} months. {takeaway}",
                 house_layout(fig, x_title="Month", y_title="Tickets per month"),
                 [{"month": m["month"], "created": m["created"], "solved": m["solved"], "partial": m["partial"]}
                  for m in months])


def backlog(context: dict) -> Chart | None:
    data = context["volume"]["backlog"]
    if not data or not data["days"]:
        return None
    fig = go.Figure(go.Scatter(x=data["days"], y=data["open_tickets"], mode="lines", line=dict(color=PALETTE["blue"], width=2),
                               fill="tozeroy", fillcolor="rgba(0,114,178,0.12)",
                               hovertemplate="%{x}<br>Open: %{y:,}<extra></extra>"))
    peak = data["peak_day"]
    takeaway = (f"{fmt_int(data['at_as_of'])} tickets are open {context['report']['scopes']['now']}; the backlog peaked at "
                f"{fmt_int(data['open_tickets'][peak])} on {data['days'][peak]}.")
    return Chart("backlog", "index", "Open tickets (backlog) at the end of each day", takeaway,
                 f"Area chart of the number of open tickets at the end of each day. {takeaway}",
                 house_layout(fig, x_title="Day", y_title="Open tickets"),
                 [{"day": d, "open_tickets": n} for d, n in zip(data["days"], data["open_tickets"])])


CHARTS = {"monthly_volume": monthly_volume, "backlog": backlog}
