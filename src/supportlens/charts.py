"""The one place charts are made: chart id -> function(context) -> Chart.

Each chart has a title, axis titles with units, a one-line takeaway, alt text
and the data table behind it (for the downloads). The site embeds the figure
interactively; the PDF gets a static SVG of the same figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from .formatting import fmt_hours, fmt_int, fmt_pct

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "grey": "#7f7f7f",
}
PRIORITY_COLOURS = {"critical": "#D55E00", "high": "#E69F00", "normal": "#0072B2", "low": "#56B4E9"}


@dataclass(frozen=True)
class Chart:
    id: str
    page: str
    title: str
    takeaway: str
    alt: str
    figure: go.Figure
    table: list[dict]     # the data behind the chart, one dict per row


def _layout(fig: go.Figure, *, x_title: str, y_title: str, y_format: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, margin=dict(l=64, r=24, t=24, b=56),
        font=dict(family="Inter, 'Helvetica Neue', Arial, sans-serif", size=13, color="#1f2933"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=12), colorway=list(PALETTE.values()),
    )
    fig.update_xaxes(title_text=x_title, showline=True, linecolor="#9aa5b1")
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#e4e7eb")
    if y_format:
        fig.update_yaxes(tickformat=y_format)
    return fig


def monthly_volume(context: dict) -> Chart:
    months = context["volume"]["monthly"]
    labels = [m["month"] + (" (partial)" if m["partial"] else "") for m in months]
    fig = go.Figure([
        go.Bar(name="Created", x=labels, y=[m["created"] for m in months], marker_color=PALETTE["blue"],
               hovertemplate="%{x}<br>Created: %{y:,}<extra></extra>"),
        go.Bar(name="Solved", x=labels, y=[m["solved"] for m in months], marker_color=PALETTE["orange"],
               hovertemplate="%{x}<br>Solved: %{y:,}<extra></extra>"),
    ])
    fig.update_layout(barmode="group")
    full = [m for m in months if not m["partial"]] or months
    peak = max(full, key=lambda m: m["created"])
    low = min(full, key=lambda m: m["created"])
    takeaway = (f"Volume peaked in {peak['month']} at {fmt_int(peak['created'])} tickets; the quietest full month "
                f"was {low['month']} with {fmt_int(low['created'])}.")
    return Chart("monthly_volume", "index", "Tickets created and solved per month", takeaway,
                 f"Grouped bar chart of tickets created and solved in each of {len(months)} months. {takeaway}",
                 _layout(fig, x_title="Month", y_title="Tickets per month"),
                 [{"month": m["month"], "created": m["created"], "solved": m["solved"], "partial": m["partial"]}
                  for m in months])


def backlog(context: dict) -> Chart:
    data = context["volume"]["backlog"]
    fig = go.Figure(go.Scatter(x=data["days"], y=data["open_tickets"], mode="lines", line=dict(color=PALETTE["blue"], width=2),
                               fill="tozeroy", fillcolor="rgba(0,114,178,0.12)",
                               hovertemplate="%{x}<br>Open: %{y:,}<extra></extra>"))
    peak = max(data["open_tickets"])
    takeaway = (f"{fmt_int(data['at_as_of'])} tickets are open at the as-of time; the backlog peaked at "
                f"{fmt_int(peak)} on {data['days'][data['open_tickets'].index(peak)]}.")
    return Chart("backlog", "index", "Open tickets (backlog) at the end of each day", takeaway,
                 f"Area chart of the number of open tickets at the end of each day. {takeaway}",
                 _layout(fig, x_title="Day", y_title="Open tickets"),
                 [{"day": d, "open_tickets": n} for d, n in zip(data["days"], data["open_tickets"])])


def breach_by_priority(context: dict) -> Chart:
    rows = context["sla"]["period"]["by_priority"]
    fig = go.Figure()
    for name, key, colour in (("First response", "first_response", PALETTE["sky"]),
                              ("Resolution", "resolution", PALETTE["vermillion"])):
        values = [r[key]["value"] for r in rows]
        fig.add_bar(
            name=name, x=[r["priority"].title() for r in rows], y=values, marker_color=colour,
            error_y=dict(type="data", symmetric=False, color="#3e4c59",
                         array=[(r[key]["ci_high"] - r[key]["value"]) if r[key]["value"] is not None else None for r in rows],
                         arrayminus=[(r[key]["value"] - r[key]["ci_low"]) if r[key]["value"] is not None else None for r in rows]),
            customdata=[[r[key]["events"], r[key]["n"]] for r in rows],
            hovertemplate="%{x}: %{y:.1%}<br>%{customdata[0]:,} of %{customdata[1]:,} breached<extra>" + name + "</extra>",
        )
    fig.update_layout(barmode="group")
    rated = [r for r in rows if r["resolution"]["value"] is not None]
    worst = max(rated, key=lambda r: r["resolution"]["value"])
    takeaway = (f"{worst['priority'].title()} tickets breach their resolution target most often: "
                f"{fmt_pct(worst['resolution']['value'])} of completed SLAs in {context['report']['period']['label']}.")
    return Chart("breach_by_priority", "sla", "SLA breach rate by priority (95% Wilson intervals)", takeaway,
                 f"Grouped bar chart of first-response and resolution breach rates for each priority, with error bars. {takeaway}",
                 _layout(fig, x_title="Priority", y_title="Breached share of completed SLAs", y_format=".0%"),
                 [{"priority": r["priority"], "first_response_breached": r["first_response"]["events"],
                   "first_response_completed": r["first_response"]["n"], "first_response_rate": r["first_response"]["value"],
                   "resolution_breached": r["resolution"]["events"], "resolution_completed": r["resolution"]["n"],
                   "resolution_rate": r["resolution"]["value"], "open_breached": r["open_breached"]} for r in rows])


def first_response_by_hour(context: dict) -> Chart:
    hours = context["sla"]["first_response_by_hour"]
    gap = next((f for f in context["findings"] if f["kind"] == "coverage_gap"), None)
    flagged = set(gap["facts"]["hours"]) if gap else set()
    colours = [PALETTE["vermillion"] if h["hour"] in flagged else PALETTE["blue"] for h in hours]
    fig = go.Figure()
    # the rate is drawn on the overlaying axis so that it sits above the volume bars
    fig.add_bar(name="Tickets created", x=[h["hour"] for h in hours], y=[h["tickets"] for h in hours],
                marker_color="#d9dee4", hovertemplate="%{x}:00 UTC<br>%{y:,} tickets<extra></extra>")
    fig.add_scatter(name="First-response breach rate", x=[h["hour"] for h in hours],
                    y=[h["first_response"]["value"] for h in hours], mode="lines+markers", yaxis="y2",
                    marker=dict(color=colours, size=9), line=dict(color=PALETTE["blue"], width=2),
                    error_y=dict(type="data", symmetric=False, color="#7b8794", thickness=1,
                                 array=[(h["first_response"]["ci_high"] or 0) - (h["first_response"]["value"] or 0) for h in hours],
                                 arrayminus=[(h["first_response"]["value"] or 0) - (h["first_response"]["ci_low"] or 0) for h in hours]),
                    hovertemplate="%{x}:00 UTC<br>breach rate %{y:.1%}<extra></extra>")
    _layout(fig, x_title="Hour the ticket was created (UTC)", y_title="Tickets created")
    fig.update_layout(
        yaxis=dict(side="right", showgrid=False, nticks=5),
        yaxis2=dict(overlaying="y", side="left", title="First-response breach rate", tickformat=".0%",
                    rangemode="tozero", gridcolor="#e4e7eb"),
        margin=dict(l=72, r=72))
    fig.update_xaxes(tickmode="linear", dtick=2, range=[-0.6, 23.6])
    if gap:
        facts = gap["facts"]
        takeaway = (f"Tickets created {', '.join(facts['hour_ranges'])} UTC breach the first-response target "
                    f"{fmt_pct(facts['breach_rate_in_hours'])} of the time, against {fmt_pct(facts['breach_rate_other_hours'])} "
                    "at other hours.")
    else:
        takeaway = "No hour of the day breaches the first-response target significantly more often than the rest."
    return Chart("first_response_by_hour", "sla", "First-response breaches by hour of creation", takeaway,
                 f"Line chart of first-response breach rate for each hour of the day over bars of ticket volume. {takeaway}",
                 fig,
                 [{"hour_utc": h["hour"], "tickets": h["tickets"], "first_response_breached": h["first_response"]["events"],
                   "first_response_completed": h["first_response"]["n"], "breach_rate": h["first_response"]["value"],
                   "median_first_response_minutes": h["median_first_response_minutes"]} for h in hours])


def monthly_breach(context: dict) -> Chart:
    months = context["sla"]["monthly"]
    targets = context["provenance"]["config"]["targets"]
    fig = go.Figure()
    for name, key, colour in (("First response", "first_response", PALETTE["sky"]),
                              ("Resolution", "resolution", PALETTE["vermillion"])):
        fig.add_scatter(name=name, x=[m["month"] for m in months], y=[m[f"{key}_rate"] for m in months],
                        mode="lines+markers", line=dict(color=colour, width=2),
                        hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>")
    target = targets.get("resolution_breach_rate")
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color="#3e4c59",
                      annotation_text=f"target {fmt_pct(target, 0)}", annotation_position="top left")
    rates = [m["resolution_rate"] for m in months if m["resolution_rate"] is not None]
    takeaway = (f"The monthly resolution breach rate ranged from {fmt_pct(min(rates))} to {fmt_pct(max(rates))}."
                if rates else "No resolution SLA was completed yet.")
    return Chart("monthly_breach", "sla", "SLA breach rate by month of creation", takeaway,
                 f"Line chart of first-response and resolution breach rates per month. {takeaway}",
                 _layout(fig, x_title="Month the ticket was created", y_title="Breached share of completed SLAs", y_format=".0%"),
                 months)


def open_breached_by_priority(context: dict) -> Chart:
    rows = context["sla"]["all"]["by_priority"]
    fig = go.Figure(go.Bar(x=[r["priority"].title() for r in rows], y=[r["open_breached"] for r in rows],
                           marker_color=[PRIORITY_COLOURS[r["priority"]] for r in rows],
                           hovertemplate="%{x}: %{y:,} open past target<extra></extra>"))
    total = sum(r["open_breached"] for r in rows)
    takeaway = (f"{fmt_int(total)} open tickets are already past their resolution target"
                + (f", {fmt_int(rows[0]['open_breached'] + rows[1]['open_breached'])} of them critical or high." if total else "."))
    return Chart("open_breached_by_priority", "sla", "Open tickets already past their resolution target", takeaway,
                 f"Bar chart of open tickets past their resolution target by priority. {takeaway}",
                 _layout(fig, x_title="Priority", y_title="Open tickets past target", height=320),
                 [{"priority": r["priority"], "open_breached": r["open_breached"]} for r in rows])


CHARTS: dict[str, Callable[[dict], Chart]] = {
    "monthly_volume": monthly_volume,
    "backlog": backlog,
    "breach_by_priority": breach_by_priority,
    "first_response_by_hour": first_response_by_hour,
    "monthly_breach": monthly_breach,
    "open_breached_by_priority": open_breached_by_priority,
}


def build_charts(context: dict) -> dict[str, Chart]:
    return {chart_id: make(context) for chart_id, make in CHARTS.items()}
