"""Charts of the recommendations page: net benefit ranges and the evidence of the rules
that have no chart elsewhere (dominant accounts, automation candidates, handoffs)."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from ..formatting import fmt_money, fmt_num, fmt_pct, recommendation_title
from .base import PALETTE, Chart, house_layout


def _actions(context: dict) -> dict:
    return context.get("actions") or {}


def benefit(context: dict) -> Chart | None:
    recs = _actions(context).get("recommendations")
    if not recs:
        return None
    currency = context["report"]["currency"]
    rows = list(reversed(recs))
    labels = [f"{r['rank']}. {escape(recommendation_title(r))}" for r in rows]
    net = [r["impact"]["net_benefit_per_year"] for r in rows]
    fig = go.Figure()
    fig.add_bar(name="Range (net benefit a year)", y=labels, x=[n["high"] - n["low"] for n in net],
                base=[n["low"] for n in net], orientation="h",
                marker_color=[PALETTE["green"] if n["median"] > 0 else PALETTE["vermillion"] for n in net],
                opacity=0.45, hoverinfo="skip")
    fig.add_scatter(name="Median", y=labels, x=[n["median"] for n in net], mode="markers",
                    marker=dict(color="#1f2933", size=10, symbol="line-ns-open", line=dict(width=3)),
                    customdata=[[fmt_money(n["low"], currency), fmt_money(n["high"], currency)] for n in net],
                    hovertemplate="median %{x:,.0f}<br>range %{customdata[0]} to %{customdata[1]}<extra></extra>")
    fig.add_vline(x=0, line_color="#3e4c59", line_width=1)
    house_layout(fig, x_title=f"Net benefit a year ({currency})", y_title="", height=120 + 48 * len(rows))
    fig.update_layout(margin=dict(l=420), showlegend=False)
    fig.update_yaxes(rangemode=None, automargin=True)
    best = recs[0]
    takeaway = (f"“{recommendation_title(best)}” brings the most: {fmt_money(best['impact']['net_benefit_per_year']['low'], currency)} to "
                f"{fmt_money(best['impact']['net_benefit_per_year']['high'], currency)} a year net of its costs.")
    return Chart("recommendation_benefit", "recommendations", "Net annual benefit of each recommendation (range)", takeaway,
                 f"Horizontal range bars of the net annual benefit of each recommendation with its median. {takeaway}", fig,
                 [{"rank": r["rank"], "recommendation": recommendation_title(r), "net_low": r["impact"]["net_benefit_per_year"]["low"],
                   "net_median": r["impact"]["net_benefit_per_year"]["median"],
                   "net_high": r["impact"]["net_benefit_per_year"]["high"], "cost_per_year": r["impact"]["cost_per_year"],
                   "one_off_cost": r["impact"]["one_off_cost"]} for r in recs])


def accounts(context: dict) -> Chart | None:
    found = _actions(context).get("accounts")
    if not found:
        return None
    threshold = next(r for r in _actions(context)["recommendations"] if r["kind"] == "account_management")["facts"]["threshold"]
    fig = go.Figure(go.Bar(
        x=[escape(a["account_id"]) for a in found], y=[a["share"]["value"] for a in found], marker_color=PALETTE["blue"],
        error_y=dict(type="data", symmetric=False, array=[a["share"]["ci_high"] - a["share"]["value"] for a in found],
                     arrayminus=[a["share"]["value"] - a["share"]["ci_low"] for a in found], color="#3e4c59"),
        hovertemplate="%{x}: %{y:.1%} of all tickets<extra></extra>"))
    fig.add_hline(y=threshold, line_dash="dash", line_color="#3e4c59", annotation_text=f"threshold {fmt_pct(threshold, 0)}",
                  annotation_position="top left")
    house_layout(fig, x_title="Account", y_title="Share of all tickets", y_format=".0%", height=320)
    takeaway = (f"{len(found)} account{'s' if len(found) != 1 else ''} raise{'s' if len(found) == 1 else ''} "
                f"{fmt_pct(sum(a['share']['value'] for a in found))} of all tickets, surely above the {fmt_pct(threshold, 0)} threshold.")
    return Chart("recommendation_accounts", "recommendations", "Dominant accounts: share of all tickets (95% Wilson intervals)",
                 takeaway, f"Bar chart of the ticket share of each dominant account. {takeaway}", fig,
                 [{"account_id": a["account_id"], "tickets": a["tickets"], "share": a["share"]["value"]} for a in found])


def automation(context: dict) -> Chart | None:
    found = _actions(context).get("automation")
    if not found:
        return None
    names = [escape(c["category"].replace("_", " ")) for c in found]
    fig = go.Figure()
    fig.add_bar(name="One-touch resolution", x=names, y=[c["one_touch_rate"] for c in found], marker_color=PALETTE["green"],
                hovertemplate="%{x}: %{y:.0%} one touch<extra></extra>")
    fig.add_bar(name="Escalation rate", x=names, y=[c["escalation_rate"] for c in found], marker_color=PALETTE["orange"],
                hovertemplate="%{x}: %{y:.0%} escalated<extra></extra>")
    fig.update_layout(barmode="group")
    house_layout(fig, x_title="Category", y_title="Share of the category's tickets", y_format=".0%", height=320)
    takeaway = (f"{fmt_pct(sum(c['share'] for c in found))} of tickets fall in categories solved in one touch "
                "and rarely escalated: candidates for self-service and auto-routing.")
    return Chart("recommendation_automation", "recommendations", "Automation candidates: one-touch and escalation rates",
                 takeaway, f"Grouped bars of one-touch and escalation rates of each candidate category. {takeaway}", fig,
                 [{k: v for k, v in c.items()} for c in found])


def handoffs(context: dict) -> Chart | None:
    neck = _actions(context).get("bottleneck")
    if not neck:
        return None
    rows = [neck["fast"], neck["slow"]]
    names = [r["transition"].replace("->", " → ") for r in rows]
    fig = go.Figure(go.Bar(
        x=names, y=[r["median_wait_hours"] for r in rows], marker_color=[PALETTE["blue"], PALETTE["vermillion"]],
        error_y=dict(type="data", symmetric=False, array=[r["quartiles_hours"][1] - r["median_wait_hours"] for r in rows],
                     arrayminus=[r["median_wait_hours"] - r["quartiles_hours"][0] for r in rows], color="#3e4c59"),
        customdata=[r["handoffs"] for r in rows],
        hovertemplate="%{x}: median %{y:.1f} h<br>%{customdata:,} handoffs<extra></extra>"))
    house_layout(fig, x_title="Escalation handoff", y_title="Hours until the next tier acts (median, quartiles)", height=320)
    takeaway = (f"Tickets wait a median of {fmt_num(neck['slow']['median_wait_hours'])} h at {names[1]}, "
                f"{fmt_num(neck['ratio'])}× the {fmt_num(neck['fast']['median_wait_hours'])} h at {names[0]}.")
    return Chart("recommendation_handoffs", "recommendations", "Escalation handoffs: hours until the next tier acts", takeaway,
                 f"Bar chart of the median wait at each escalation handoff with quartiles. {takeaway}", fig, rows)


CHARTS = {"recommendation_benefit": benefit, "recommendation_accounts": accounts,
          "recommendation_automation": automation, "recommendation_handoffs": handoffs}
