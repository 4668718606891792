"""Charts of the workload page: load per agent and group, congestion episodes, automation candidates."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_int, fmt_num, fmt_pct, fmt_segment, plotly_text, upper_first
from .base import PALETTE, SERIES, Chart, house_layout, label_positions

GROUP_COLOURS = SERIES


def _workload(context: dict) -> dict | None:
    return (context.get("diagnostics") or {}).get("workload")


def agent_load(context: dict) -> Chart | None:
    workload = _workload(context)
    if not workload or not workload["agents"]:
        return None
    # the groups the analysis shows (as the page's table): hundreds of boxes would be unreadable
    groups = [workload["groups"][i] for i in workload["groups_shown"]]
    fig = go.Figure()
    for k, g in enumerate(groups):
        members = [a for a in workload["agents"] if (a["group"] or "(not set)") == g["group"]]
        fig.add_box(y=[a["solved"] for a in members], name=plotly_text(fmt_segment(g["group"], "group")), boxpoints="all",
                    jitter=0.4, pointpos=0, marker=dict(color=GROUP_COLOURS[k % len(GROUP_COLOURS)], size=6),
                    line=dict(color=GROUP_COLOURS[k % len(GROUP_COLOURS)]), fillcolor="rgba(0,0,0,0)",
                    text=[plotly_text(fmt_segment(a["agent"], "agent")) for a in members],
                    hovertemplate="%{text}: %{y:,} solved<extra></extra>", showlegend=False)
    if workload["most_uneven_group"] is not None:
        worst = workload["groups"][workload["most_uneven_group"]]
        takeaway = (f"Load is most uneven in {fmt_segment(worst['group'], 'group')}: solved tickets per agent vary by "
                    f"{fmt_pct(worst['cv'], 0)} of the mean (coefficient of variation), the busiest agent solving "
                    f"{fmt_num(worst['busiest_to_median'])}× the median.")
    else:
        takeaway = "Every group has a single agent: no imbalance within groups to measure."
    if len(workload["groups"]) > len(groups):
        takeaway += f" Shown: the {len(groups)} of {fmt_int(len(workload['groups']))} groups with the most tickets."
    # the window is in the page's subtitle: a short axis title is not wrapped and cut
    house_layout(fig, x_title="Group", y_title="Tickets solved per agent", height=330)
    return Chart("agent_load", "workload", "Tickets solved per agent, by group", takeaway,
                 f"Box plots with every agent as a point: tickets solved per agent in each group. {takeaway}", fig,
                 [{"agent": a["agent"], "group": a["group"], "tickets": a["tickets"], "solved": a["solved"],
                   "resolution_breach_rate": a["resolution_breach"]["value"]} for a in workload["agents"]])


def congestion(context: dict) -> Chart | None:
    workload = _workload(context)
    backlog = context["volume"]["backlog"]
    if not workload:
        return None
    fig = go.Figure(go.Scatter(x=backlog["days"], y=backlog["open_tickets"], mode="lines", name="Open tickets",
                               line=dict(color=PALETTE["blue"], width=1.8),
                               hovertemplate="%{x}: %{y:,} open<extra></extra>"))
    colours = {"volume": "rgba(230,159,0,0.25)", "throughput": "rgba(204,121,167,0.30)"}
    top = max(backlog["open_tickets"] or [1]) * 1.05
    for cause, name in (("volume", "Episode: more tickets arriving"), ("throughput", "Episode: fewer tickets solved")):
        spans = [e for e in workload["episodes"] if e["cause"] == cause]
        if not spans:
            continue
        xs, ys = [], []
        for e in spans:
            xs += [e["start"], e["start"], e["end"], e["end"], None]
            ys += [0, top, top, 0, None]
        fig.add_scatter(x=xs, y=ys, fill="toself", fillcolor=colours[cause], line=dict(width=0), mode="lines",
                        name=name, hoverinfo="skip")
    episodes = workload["episodes"]
    if episodes:
        biggest = episodes[workload["largest_episode"]]
        causes = sum(e["cause"] == "volume" for e in episodes)
        takeaway = (f"{len(episodes)} congestion episode{'s' if len(episodes) != 1 else ''}; the largest, {biggest['start']} to "
                    f"{biggest['end']}, took the backlog from {fmt_int(biggest['backlog_start'])} to {fmt_int(biggest['backlog_end'])} "
                    f"because {'more tickets arrived' if biggest['cause'] == 'volume' else 'fewer were solved'} "
                    f"({causes} of {len(episodes)} episodes were driven by volume).")
    else:
        takeaway = "The backlog never grew for long enough to count as a congestion episode."
    house_layout(fig, x_title="Day", y_title="Open tickets at the end of the day")
    return Chart("congestion", "workload", "Queue congestion: when the backlog kept growing", takeaway,
                 f"Line chart of the daily backlog with congestion episodes shaded by cause. {takeaway}", fig,
                 [{k: e[k] for k in ("start", "end", "days", "backlog_start", "backlog_end", "created_per_day", "solved_per_day",
                                     "baseline_created_per_day", "baseline_solved_per_day", "cause")} for e in episodes]
                 or [{"start": None, "end": None, "days": 0, "backlog_start": None, "backlog_end": None, "cause": None}])


def automation_candidates(context: dict) -> Chart | None:
    workload = _workload(context)
    if not workload or not workload["categories"]:
        return None
    rows = [c for c in workload["categories"] if c["resolution"]["value"] is not None]
    if not rows:
        return None
    # the largest categories and every candidate, as the analysis shows them (and the page's table): hundreds of
    # small ones would pile up; a category without a median resolution has no place on the axis
    plotted = [c for c in (workload["categories"][i] for i in workload["categories_shown"]) if c["resolution"]["value"] is not None]
    named = {workload["categories"][i]["category"] for i in workload["categories_labelled"]}
    fig = go.Figure()
    # labels placed around their points so that neighbours' names do not run into each other
    spots = dict(zip((c["category"] for c in plotted), label_positions(
        [c["tickets_per_year"] for c in plotted], [c["resolution"]["value"] for c in plotted],
        [fmt_segment(c["category"], "category") if c["category"] in named else "" for c in plotted])))
    for candidate, colour, name in ((True, PALETTE["blue"], "Automation candidate"), (False, "#9aa5b1", "Other categories")):
        group = [c for c in plotted if c["candidate"] == candidate]
        if not group:
            continue
        fig.add_scatter(
            x=[c["tickets_per_year"] for c in group], y=[c["resolution"]["value"] for c in group], mode="markers+text",
            name=name, text=[plotly_text(fmt_segment(c["category"], "category")) if c["category"] in named else ""
                             for c in group],
            textposition=[spots[c["category"]] for c in group],
            marker=dict(color=colour, size=[10 + 30 * ((c["one_touch"] or {}).get("value") or 0) for c in group],
                        line=dict(color="#3e4c59", width=1)),
            customdata=[[fmt_pct((c["one_touch"] or {}).get("value")), fmt_pct((c["escalation"] or {}).get("value")),
                         plotly_text(fmt_segment(c["category"], "category"))] for c in group],
            hovertemplate="%{customdata[2]}<br>%{x:,.0f} tickets a year, median %{y:.1f} h<br>one-touch %{customdata[0]}, "
                          "escalated %{customdata[1]}<extra></extra>")
    candidates = [c for c in rows if c["candidate"]]
    if candidates:
        total = workload["candidates_deflectable_per_year"]
        names = upper_first(", ".join(fmt_segment(c["category"], "category") for c in candidates))
        takeaway = (f"{names}: high volume, quick, rarely escalated and mostly one-touch; self-service or auto-routing could "
                    f"take about {fmt_int(total)} tickets a year (assuming {fmt_pct(workload['deflection_rate'], 0)} of their "
                    f"one-touch tickets).")
    else:
        takeaway = "No category meets every automation criterion (volume, short resolution, few escalations, one-touch)."
    if len(workload["categories_shown"]) < len(workload["categories"]):
        takeaway += (f" Shown: the {workload['shown_limit']} largest of {fmt_int(len(workload['categories']))} categories and "
                     "every candidate.")
    # 330 px: the board pack's workload page holds this chart and the load per agent together
    house_layout(fig, x_title="Tickets per year (at the rate of the window)", y_title="Median hours to resolution",
                 height=330)
    return Chart("automation_candidates", "workload", "Automation candidates: frequent, quick, one-touch categories", takeaway,
                 f"Scatter of categories by tickets per year and median resolution time; marker size is the one-touch rate, "
                 f"candidates in blue. {takeaway}", fig,
                 [{"category": c["category"], "tickets_per_year": c["tickets_per_year"],
                   "median_resolution_hours": c["resolution"]["value"],
                   "escalation_rate": (c["escalation"] or {}).get("value"), "one_touch_rate": (c["one_touch"] or {}).get("value"),
                   "candidate": c["candidate"], "deflectable_per_year": c["deflectable_per_year"]} for c in rows])


CHARTS = {
    "agent_load": agent_load,
    "congestion": congestion,
    "automation_candidates": automation_candidates,
}
