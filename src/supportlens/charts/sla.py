"""Charts of the SLA page."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_int, fmt_pct, fmt_plural
from .base import PALETTE, PRIORITY_COLOURS, STATUS, Chart, aligned_ticks, house_layout, kpi_target


def breach_by_priority(context: dict) -> Chart | None:
    rows = context["sla"]["period"]["by_priority"]
    if not any(r["resolution"]["value"] is not None for r in rows):
        return None
    fig = go.Figure()
    for name, key, colour in (("First response", "first_response", PALETTE["sky"]),
                              ("Resolution", "resolution", PALETTE["orange"])):
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
    worst = next((r for r in rows if r["priority"] == context["sla"]["period"]["worst_priority"]), None)
    if worst is None:   # no priority completed enough SLAs for its rate to be named the worst (analysis/core/extremes.py)
        takeaway = (f"No priority completed enough SLAs {context['report']['scopes']['period']} to name the one "
                    "that breaches most often.")
    else:
        takeaway = (f"{worst['priority'].title()}-priority tickets breach their resolution target most often: "
                    f"{fmt_pct(worst['resolution']['value'])} of {fmt_plural(worst['resolution']['n'], 'completed SLA')} "
                    f"{context['report']['scopes']['period']}.")
    return Chart("breach_by_priority", "sla", "SLA breach rate by priority (95% Wilson intervals)", takeaway,
                 f"Grouped bar chart of first-response and resolution breach rates for each priority, with error bars. {takeaway}",
                 house_layout(fig, x_title="Priority", y_title="Breached share of completed SLAs", y_format=".0%"),
                 [{"priority": r["priority"], "first_response_breached": r["first_response"]["events"],
                   "first_response_completed": r["first_response"]["n"], "first_response_rate": r["first_response"]["value"],
                   "resolution_breached": r["resolution"]["events"], "resolution_completed": r["resolution"]["n"],
                   "resolution_rate": r["resolution"]["value"], "open_breached": r["open_breached"]} for r in rows])


def first_response_by_hour(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    hours = context["sla"]["first_response_by_hour"]
    if not any(h["first_response"]["n"] for h in hours):
        return None
    gap = next((f for f in context["findings"] if f["kind"] == "coverage_gap"), None)
    flagged = set(gap["facts"]["hours"]) if gap else set()
    colours = [STATUS["bad"] if h["hour"] in flagged else PALETTE["blue"] for h in hours]
    fig = go.Figure()
    # the rate is drawn on the overlaying axis so that it sits above the volume bars
    fig.add_bar(name="Tickets created", x=[h["hour"] for h in hours], y=[h["tickets"] for h in hours],
                marker_color="#d9dee4", hovertemplate=f"%{{x}}:00 {zone}<br>%{{y:,}} tickets<extra></extra>")
    fig.add_scatter(name="First-response breach rate", x=[h["hour"] for h in hours],
                    y=[h["first_response"]["value"] for h in hours], mode="lines+markers", yaxis="y2",
                    marker=dict(color=colours, size=9), line=dict(color=PALETTE["blue"], width=2),
                    error_y=dict(type="data", symmetric=False, color="#7b8794", thickness=1,
                                 array=[(h["first_response"]["ci_high"] or 0) - (h["first_response"]["value"] or 0) for h in hours],
                                 arrayminus=[(h["first_response"]["value"] or 0) - (h["first_response"]["ci_low"] or 0) for h in hours]),
                    hovertemplate=f"%{{x}}:00 {zone}<br>breach rate %{{y:.1%}}<extra></extra>")
    house_layout(fig, x_title=f"Hour the ticket was created ({zone})", y_title="Tickets created")
    # round ticks on both axes, their grid lines on the same heights
    volume_axis, rate_axis = aligned_ticks([h["tickets"] for h in hours], [h["first_response"]["ci_high"] for h in hours])
    fig.update_layout(
        yaxis=dict(side="right", showgrid=False, **volume_axis),
        yaxis2=dict(overlaying="y", side="left", title="First-response breach rate", tickformat=".1~%",
                    gridcolor="#e4e7eb", **rate_axis),
        margin=dict(l=72, r=72))
    fig.update_xaxes(tickmode="linear", dtick=2, range=[-0.6, 23.6])
    if gap:
        facts = gap["facts"]
        takeaway = (f"Tickets created {', '.join(facts['hour_ranges'])} {zone} {context['report']['scopes']['period']} breach the first-response target "
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


def monthly_breach(context: dict) -> Chart | None:
    months = context["sla"]["monthly"]
    if not months:
        return None
    fig = go.Figure()
    for name, key, colour in (("First response", "first_response", PALETTE["sky"]),
                              ("Resolution", "resolution", PALETTE["orange"])):
        fig.add_scatter(name=name, x=[m["month"] for m in months], y=[m[f"{key}_rate"] for m in months],
                        mode="lines+markers", line=dict(color=colour, width=2),
                        hovertemplate="%{x}: %{y:.1%}<extra>" + name + "</extra>")
    target = kpi_target(context, "resolution_breach_rate")
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color="#3e4c59",
                      annotation_text=f"target {fmt_pct(target, 0)}", annotation_position="top left")
    best, worst = context["sla"]["monthly_best"], context["sla"]["monthly_worst"]
    if worst is None:
        takeaway = "No resolution SLA was completed yet."
    else:
        low, high = months[best]["resolution_rate"], months[worst]["resolution_rate"]
        span = (f"near {fmt_pct(low, 0)}" if fmt_pct(low, 0) == fmt_pct(high, 0)
                else f"between {fmt_pct(low)} and {fmt_pct(high)}")
        takeaway = f"Resolution breaches stayed {span} a month"
        if target is not None:
            rated = [m["resolution_rate"] for m in months if m["resolution_rate"] is not None]
            above = sum(rate > target for rate in rated)
            takeaway += (f", above the {fmt_pct(target, 0)} target every month" if above == len(rated) else
                         f", within the {fmt_pct(target, 0)} target every month" if above == 0 else
                         f", above the {fmt_pct(target, 0)} target in {above} of {len(rated)} months")
        takeaway += "."
    return Chart("monthly_breach", "sla", "SLA breach rate by month of creation", takeaway,
                 f"Line chart of first-response and resolution breach rates per month. {takeaway}",
                 house_layout(fig, x_title="Month the ticket was created", y_title="Breached share of completed SLAs", y_format=".0%"),
                 months)


def open_breached_by_priority(context: dict) -> Chart | None:
    rows = context["sla"]["all"]["by_priority"]
    if not sum(context["sla"]["all"]["states"].values()):
        return None
    fig = go.Figure(go.Bar(x=[r["priority"].title() for r in rows], y=[r["open_breached"] for r in rows],
                           marker_color=[PRIORITY_COLOURS[r["priority"]] for r in rows],
                           hovertemplate="%{x}: %{y:,} open past target<extra></extra>"))
    total = context["sla"]["all"]["open_breached"]
    takeaway = (f"{fmt_int(total)} open tickets are already past their resolution target"
                + (f", {fmt_int(context['sla']['all']['open_breached_critical_or_high'])} of them critical or high." if total
                   else "."))
    return Chart("open_breached_by_priority", "sla", "Open tickets already past their resolution target", takeaway,
                 f"Bar chart of open tickets past their resolution target by priority. {takeaway}",
                 house_layout(fig, x_title="Priority", y_title="Open tickets past target", height=320),
                 [{"priority": r["priority"], "open_breached": r["open_breached"]} for r in rows])


CHARTS = {
    "breach_by_priority": breach_by_priority,
    "first_response_by_hour": first_response_by_hour,
    "monthly_breach": monthly_breach,
    "open_breached_by_priority": open_breached_by_priority,
}
