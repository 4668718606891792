"""Charts of the trends page: weekly volume with its forecast, breach rate, backlog and the weekly rhythm."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_int, fmt_num, fmt_pct, fmt_plural
from .base import PALETTE, Chart, house_layout, kpi_target


def _trends(context: dict) -> dict | None:
    return (context.get("diagnostics") or {}).get("trends")


def weekly_volume_forecast(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    trends = _trends(context)
    if not trends or not trends["weekly"]:
        return None
    weeks = trends["weekly"]
    forecast = trends["forecast"]
    fig = go.Figure()
    if forecast:
        for low, high, fill, name in (("low_95", "high_95", "rgba(0,114,178,0.12)", "95% prediction interval"),
                                      ("low_80", "high_80", "rgba(0,114,178,0.25)", "80% prediction interval")):
            fig.add_scatter(x=forecast["weeks"] + forecast["weeks"][::-1], y=forecast[high] + forecast[low][::-1],
                            fill="toself", fillcolor=fill, line=dict(width=0), name=name, hoverinfo="skip")
    fig.add_scatter(x=[w["period"] for w in weeks], y=[w["created"] for w in weeks], mode="lines+markers",
                    name="Created", line=dict(color=PALETTE["blue"], width=2),
                    marker=dict(size=[4 if not w["partial"] else 8 for w in weeks],
                                symbol=["circle" if not w["partial"] else "circle-open" for w in weeks]),
                    hovertemplate="week of %{x}: %{y:,} created<extra></extra>")
    fig.add_scatter(x=[w["period"] for w in weeks], y=[w["solved"] for w in weeks], mode="lines", name="Solved",
                    line=dict(color=PALETTE["orange"], width=1.5), hovertemplate="week of %{x}: %{y:,} solved<extra></extra>")
    table = [{"week": w["period"], "created": w["created"], "solved": w["solved"], "partial": w["partial"],
              "forecast": None, "low_80": None, "high_80": None, "low_95": None, "high_95": None} for w in weeks]
    if forecast:
        fig.add_scatter(x=forecast["weeks"], y=forecast["mean"], mode="lines", name=f"Forecast ({forecast['model']})",
                        line=dict(color=PALETTE["blue"], dash="dash", width=2),
                        hovertemplate="week of %{x}: %{y:,.0f} expected<extra></extra>")
        back = forecast["backtest"]
        held = [w["period"] for w in weeks if not w["partial"]][-back["weeks"]:] if back["weeks"] else []
        fig.add_scatter(x=held, y=back["predicted"][-len(held):], mode="lines", name="Backtest forecast (held-out weeks)",
                        line=dict(color=PALETTE["purple"], dash="dot", width=2),
                        hovertemplate="week of %{x}: %{y:,.0f} forecast from earlier weeks<extra></extra>")
        table += [{"week": wk, "created": None, "solved": None, "partial": None, "forecast": m, "low_80": l8, "high_80": h8,
                   "low_95": l9, "high_95": h9} for wk, m, l8, h8, l9, h9 in zip(forecast["weeks"], forecast["mean"],
                   forecast["low_80"], forecast["high_80"], forecast["low_95"], forecast["high_95"])]
        total = sum(forecast["mean"])
        takeaway = (f"About {fmt_plural(total / len(forecast['mean']), 'ticket')} a week expected over the next "
                    f"{len(forecast['weeks'])} weeks (95% interval for the last week {fmt_int(forecast['low_95'][-1])}–"
                    f"{fmt_int(forecast['high_95'][-1])}); on {back['weeks']} held-out weeks the forecast was off by "
                    f"{fmt_pct(back['mape'])} on average.")
    else:
        takeaway = (f"Weekly volume ranged from {fmt_int(weeks[trends['quietest_week']]['created'])} to "
                    f"{fmt_int(weeks[trends['busiest_week']]['created'])} tickets a week; no forecast is drawn.")
    house_layout(fig, x_title=f"Week (Monday, {zone}); open markers: partial weeks", y_title="Tickets per week")
    return Chart("weekly_volume_forecast", "trends", "Tickets per week and the volume forecast", takeaway,
                 f"Line chart of tickets created and solved per week, with a dashed forecast and shaded 80% and 95% "
                 f"prediction intervals. {takeaway}", fig, table)


def weekly_breach(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    trends = _trends(context)
    if not trends or not trends["weekly"]:
        return None
    weeks = [w for w in trends["weekly"] if w["resolution_breach"]["value"] is not None]
    if not weeks:
        return None
    x = [w["period"] for w in weeks]
    rate = [w["resolution_breach"] for w in weeks]
    fig = go.Figure([
        go.Scatter(x=x + x[::-1], y=[r["ci_high"] for r in rate] + [r["ci_low"] for r in rate][::-1], fill="toself",
                   fillcolor="rgba(230,159,0,0.18)", line=dict(width=0), name="95% Wilson interval", hoverinfo="skip"),
        go.Scatter(x=x, y=[r["value"] for r in rate], mode="lines+markers", name="Resolution breach rate",
                   line=dict(color=PALETTE["orange"], width=2), marker=dict(size=4),
                   customdata=[[r["events"], r["n"]] for r in rate],
                   hovertemplate="week of %{x}: %{y:.1%}<br>%{customdata[0]:,} of %{customdata[1]:,}<extra></extra>"),
    ])
    target = kpi_target(context, "resolution_breach_rate")
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color="#3e4c59", annotation_text=f"target {fmt_pct(target, 0)}",
                      annotation_position="top left")
    worst = trends["weekly"][trends["worst_week"]]
    best = trends["weekly"][trends["best_week"]]
    takeaway = (f"The weekly resolution breach rate ranged from {fmt_pct(best['resolution_breach']['value'])} (week of "
                f"{best['period']}) to {fmt_pct(worst['resolution_breach']['value'])} (week of {worst['period']}).")
    house_layout(fig, x_title=f"Week the tickets were created (Monday, {zone})", y_title="Breached share of completed SLAs",
                 y_format=".0%")
    return Chart("weekly_breach", "trends", "Resolution SLA breach rate per week of creation", takeaway,
                 f"Line chart of the weekly resolution breach rate with a shaded 95% interval. {takeaway}", fig,
                 [{"week": w["period"], "breached": w["resolution_breach"]["events"], "completed": w["resolution_breach"]["n"],
                   "rate": w["resolution_breach"]["value"], "ci_low": w["resolution_breach"]["ci_low"],
                   "ci_high": w["resolution_breach"]["ci_high"], "partial": w["partial"]} for w in weeks])


def weekly_backlog(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    trends = _trends(context)
    if not trends or not trends["weekly"]:
        return None
    weeks = trends["weekly"]
    fig = go.Figure(go.Scatter(x=[w["period"] for w in weeks], y=[w["backlog_end"] for w in weeks], mode="lines+markers",
                               line=dict(color=PALETTE["blue"], width=2), marker=dict(size=4), fill="tozeroy",
                               fillcolor="rgba(0,114,178,0.10)", hovertemplate="week of %{x}: %{y:,} open at week end<extra></extra>"))
    peak = weeks[trends["backlog_peak_week"]]
    takeaway = (f"The backlog at week end peaked at {fmt_int(peak['backlog_end'])} open tickets (week of {peak['period']}) "
                f"and stands at {fmt_int(weeks[-1]['backlog_end'])} open tickets {context['report']['scopes']['now']}.")
    house_layout(fig, x_title=f"Week (Monday, {zone})", y_title="Open tickets at the end of the week")
    return Chart("weekly_backlog", "trends", "Backlog at the end of each week", takeaway,
                 f"Area chart of open tickets at the end of each week. {takeaway}", fig,
                 [{"week": w["period"], "backlog_end": w["backlog_end"]} for w in weeks])


def weekday_pattern(context: dict) -> Chart | None:
    zone = context["report"]["timezone"]   # the zone hours, weekdays and weeks are cut in
    trends = _trends(context)
    season = trends.get("seasonality") if trends else None
    if not season:
        return None
    effects = season["weekday_effect"]
    values = [e["tickets_per_day"] for e in effects]
    fig = go.Figure(go.Bar(x=[e["weekday"] for e in effects], y=values,
                           marker_color=[PALETTE["orange"] if v > 0 else PALETTE["sky"] for v in values],
                           hovertemplate="%{x}: %{y:+.1f} tickets vs the trend<extra></extra>"))
    high = effects[season["peak_weekday"]]
    low = effects[season["low_weekday"]]
    takeaway = (f"The weekly rhythm explains {fmt_pct(season['strength'], 0)} of the day-to-day variation around the trend "
                f"(STL seasonal strength): {high['weekday']} brings {fmt_num(high['tickets_per_day'])} tickets more than an "
                f"average day at the same trend, {low['weekday']} {fmt_num(-low['tickets_per_day'])} fewer "
                f"(mean {fmt_num(season['mean_per_day'])} a day).")
    house_layout(fig, x_title=f"Weekday created ({zone})", y_title="Tickets per day above or below the trend", height=320)
    fig.update_yaxes(rangemode=None, zeroline=True, zerolinecolor="#3e4c59")
    return Chart("weekday_pattern", "trends", "The weekly rhythm of arrivals (STL seasonal component)", takeaway,
                 f"Bar chart of the average seasonal component of daily volume for each weekday. {takeaway}", fig,
                 [{"weekday": e["weekday"], "tickets_per_day_vs_trend": e["tickets_per_day"]} for e in effects])


CHARTS = {
    "weekly_volume_forecast": weekly_volume_forecast,
    "weekly_breach": weekly_breach,
    "weekly_backlog": weekly_backlog,
    "weekday_pattern": weekday_pattern,
}
