"""Charts of the staffing page: hour × weekday heatmaps and required vs scheduled agents."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_minutes, fmt_num, fmt_pct, fmt_plural
from .base import PALETTE, STATUS, Chart, house_layout

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _plan(context: dict) -> dict | None:
    return (context.get("actions") or {}).get("staffing")


def _grid(slots: list[dict], value) -> list[list[float | None]]:
    return [[value(slots[d * 24 + h]) for h in range(24)] for d in range(7)]


def _heatmap(context: dict, chart_id: str, title: str, value, peak_field: str, colour_title: str, fmt, takeaway,
             colorscale: str, tickformat: str | None = None, no_peak: str | None = None) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    """A weekday × hour heatmap of ``value`` per slot of the staffing plan; ``takeaway(peak, when)`` describes the
    slot the plan names in ``peak_field`` (the highest value). None without a plan, or when no slot has a value
    (e.g. no first responses). ``no_peak``: the sentence when slots have values but the plan names no peak (none
    rests on enough tickets, analysis/core/extremes.py)."""
    plan = _plan(context)
    if not plan:
        return None
    slots = plan["slots"]
    if plan[peak_field] is None:
        if no_peak is None or all(value(s) is None for s in slots):
            return None
        sentence = no_peak
    else:
        peak = slots[plan[peak_field]]
        sentence = takeaway(peak, f"{DAYS[peak['weekday']]} {peak['hour']:02d}:00 ({zone})")
    z = _grid(slots, value)
    text = [[fmt(v) for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(24)), y=list(DAYS), colorscale=colorscale, text=text, xgap=1, ygap=1,
        colorbar=dict(title=dict(text=colour_title, side="right"), tickformat=tickformat),
        hovertemplate=f"%{{y}} %{{x}}:00 {zone}<br>%{{text}}<extra></extra>"))
    house_layout(fig, x_title=f"Hour the ticket was created ({zone})", y_title="Weekday", height=330)
    fig.update_yaxes(autorange="reversed", rangemode=None, showgrid=False)
    fig.update_xaxes(tickmode="linear", dtick=2, showgrid=False)
    table = [{"weekday": DAYS[s["weekday"]], "hour_utc": s["hour"], colour_title: value(s)} for s in slots]
    return Chart(chart_id, "staffing", title, sentence, f"Heatmap of {colour_title.lower()} by weekday and hour. {sentence}",
                 fig, table)


def volume_heatmap(context: dict) -> Chart | None:
    return _heatmap(context, "staffing_volume", "Tickets created per hour, by weekday and hour",
                    lambda s: s["arrivals_per_hour"], "busiest_slot", "Tickets per hour", lambda v: f"{fmt_num(v)} tickets/h",
                    lambda peak, when: f"Demand peaks {when} at {fmt_num(peak['arrivals_per_hour'])} tickets an hour.",
                    "Blues")


def first_response_heatmap(context: dict) -> Chart | None:
    return _heatmap(context, "staffing_first_response", "Median first response, by weekday and hour of creation",
                    lambda s: s["median_first_response_minutes"], "slowest_first_response_slot",
                    "Median first response (minutes)", fmt_minutes,
                    lambda peak, when: (f"The slowest first responses are for tickets created {when}: "
                                        f"a median of {fmt_minutes(peak['median_first_response_minutes'])}."),
                    "Oranges")


def breach_heatmap(context: dict) -> Chart | None:
    return _heatmap(context, "staffing_breach", "First-response breach rate, by weekday and hour of creation",
                    lambda s: s["first_response"]["value"], "worst_breach_slot", "First-response breach rate", fmt_pct,
                    lambda peak, when: (f"First-response breaches peak for tickets created {when}: "
                                        f"{fmt_pct(peak['first_response']['value'])} of "
                                        f"{fmt_plural(peak['first_response']['n'], 'completed SLA')}."),
                    "Reds", ".0%", no_peak="No hour of the week completed enough first-response SLAs to name the peak.")


def gap_chart(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    plan = _plan(context)
    if not plan or plan["scheduled_agent_hours_per_week"] is None:
        return None
    slots = plan["slots"]
    x = list(range(168))
    fig = go.Figure()
    gaps = [s for s in slots if s["gap"]]
    if gaps:
        fig.add_bar(name="Coverage gap", x=[s["weekday"] * 24 + s["hour"] for s in gaps],
                    y=[s["required"] for s in gaps], marker=dict(color=STATUS["bad"], opacity=0.22), width=1.0,
                    hovertemplate="gap slot<extra></extra>")
    fig.add_scatter(name="Required (Erlang C, rostered)", x=x, y=[s["required"] for s in slots], mode="lines",
                    line=dict(color=PALETTE["orange"], width=2, shape="hv"),
                    hovertemplate="%{y} agents required<extra></extra>")
    fig.add_scatter(name="Scheduled (on shift)", x=x, y=[s["scheduled"] for s in slots], mode="lines",
                    line=dict(color=PALETTE["blue"], width=2, shape="hv"),
                    hovertemplate="%{y} agents scheduled<extra></extra>")
    house_layout(fig, x_title=f"Hour of the week ({zone})", y_title="Tier-1 agents")
    fig.update_xaxes(tickmode="array", tickvals=[d * 24 for d in range(7)] + [d * 24 + 12 for d in range(7)],
                     ticktext=[f"{day} 00" for day in DAYS] + ["12"] * 7, range=[-0.5, 167.5])
    fig.update_layout(bargap=0)
    gap = plan["gap"]
    if gap:
        blocks = "; ".join(f"{b['days_label']} {', '.join(b['hour_ranges'])}" for b in gap["blocks"])
        takeaway = (f"Too few agents where first responses breach {fmt_num(gap['ratio'])}× as often as in "
                    f"adequately staffed hours: {blocks} {zone}.")
    else:
        takeaway = ("No hour combines a shortfall of agents with a significantly worse first response: "
                    "no coverage gap.")
    return Chart("staffing_gap", "staffing", "Agents required (Erlang C) and scheduled, hour by hour of the week",
                 takeaway, f"Step lines of required and scheduled tier-1 agents for each of the 168 hours of the week. {takeaway}",
                 fig, [{"weekday": DAYS[s["weekday"]], "hour_utc": s["hour"], "arrivals_per_hour": s["arrivals_per_hour"],
                        "traffic_erlangs": s["traffic_erlangs"], "required_on_queue": s["required_on_queue"],
                        "required_rostered": s["required"], "scheduled": s["scheduled"], "shortfall": s["shortfall"],
                        "gap": s["gap"], "first_response_breach_rate": s["first_response"]["value"]} for s in slots],
                 wide=True)   # 168 hours: printed on a landscape page


CHARTS = {
    "staffing_volume": volume_heatmap,
    "staffing_first_response": first_response_heatmap,
    "staffing_breach": breach_heatmap,
    "staffing_gap": gap_chart,
}


