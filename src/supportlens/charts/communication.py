"""Charts of the escalations page: customer updates, the proactive policy, and before/after a change."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import fmt_change, fmt_hours, fmt_num
from .base import PALETTE, Chart, house_layout


# the words of a relation's verdict (communication.relations[].verdict, decided in analysis)
VERDICTS = {"clear": "a clear relation", "not_material": "significant but below the materiality threshold",
            "none": "no clear relation", "association_only": "an association only"}


def _err(values: list, lows: list, highs: list) -> dict:
    return dict(type="data", symmetric=False, color="#3e4c59", thickness=1.2,
                array=[(h - v) if None not in (h, v) else None for v, h in zip(values, highs)],
                arrayminus=[(v - lo) if None not in (lo, v) else None for v, lo in zip(values, lows)])


def csat_by_silence(context: dict) -> Chart | None:
    esc = context.get("escalations")
    if not esc:
        return None
    buckets = [b for b in esc["communication"]["buckets"] if b["csat"]["value"] is not None]
    if len(buckets) < 2:
        return None
    values = [b["csat"]["value"] for b in buckets]
    fig = go.Figure(go.Scatter(
        x=[b["bucket"] for b in buckets], y=values, mode="lines+markers", name="Mean CSAT",
        line=dict(color=PALETTE["blue"], width=2), marker=dict(size=9),
        error_y=_err(values, [b["csat"]["ci_low"] for b in buckets], [b["csat"]["ci_high"] for b in buckets]),
        customdata=[b["csat"]["n"] for b in buckets],
        hovertemplate="Longest silence %{x}<br>mean CSAT %{y:.2f} (%{customdata:,} rated)<extra></extra>"))
    house_layout(fig, x_title="Longest stretch without a customer-facing update while escalated", y_title="Mean CSAT (1–5)")
    fig.update_yaxes(rangemode="normal")
    rel = next((r for r in esc["communication"]["relations"] if r["outcome"] == "csat"), None)
    if rel and rel["effect"] is not None:
        verdict = VERDICTS[rel["verdict"]]
        takeaway = (f"Mean CSAT falls from {fmt_num(values[0], 2)} to {fmt_num(values[-1], 2)} as the longest silence grows; "
                    f"adjusted for priority and time escalated, each doubling goes with {fmt_num(rel['effect'], 2)} points "
                    f"({verdict}).")
    else:
        every = esc["communication"]["buckets"]
        low, high = every[esc["communication"]["csat_lowest_bucket"]], every[esc["communication"]["csat_highest_bucket"]]
        takeaway = (f"Mean CSAT ranges from {fmt_num(low['csat']['value'], 2)} to {fmt_num(high['csat']['value'], 2)} "
                    "across silence lengths.")
    return Chart("csat_by_silence", "escalations", "CSAT by the longest silence during the escalation (95% bootstrap intervals)",
                 takeaway, f"Line chart of mean CSAT for five bands of the longest gap without a customer update. {takeaway}",
                 fig, [{"longest_silence": b["bucket"], "tickets": b["tickets"], "rated": b["csat"]["n"],
                        "mean_csat": b["csat"]["value"], "csat_ci_low": b["csat"]["ci_low"], "csat_ci_high": b["csat"]["ci_high"],
                        "reopen_rate": b["reopened"]["value"], "median_resolution_hours": b["resolution_hours"]["value"]}
                       for b in esc["communication"]["buckets"]])


def policy_estimate(context: dict) -> Chart | None:
    esc = context.get("escalations")
    if not esc:
        return None
    policies = [p for p in esc["proactive"]["policies"] if p["csat_change"] is not None]
    if not policies:
        return None
    labels = [f"every {fmt_hours(p['hours'])}" for p in policies]
    values = [p["csat_change"] for p in policies]
    fig = go.Figure(go.Scatter(
        x=labels, y=values, mode="markers", name="Observed relation (association)",
        marker=dict(color=PALETTE["blue"], size=11),
        error_y=_err(values, [p["csat_ci_low"] for p in policies], [p["csat_ci_high"] for p in policies]),
        customdata=[p["extra_updates_per_ticket"] for p in policies],
        hovertemplate="Updated %{x}<br>CSAT %{y:+.2f} points (association)<br>%{customdata:.1f} extra updates per escalated ticket<extra></extra>"))
    sim = esc["proactive"]["simulated"]
    if sim and sim["csat_change"] is not None:
        label = f"every {fmt_hours(sim['hours'])}"
        if label in labels:
            fig.add_scatter(x=[label], y=[sim["csat_change"]], mode="markers", name="Simulator re-run with the policy",
                            marker=dict(color=PALETTE["orange"], size=13, symbol="diamond"),
                            error_y=_err([sim["csat_change"]], [sim["csat_ci_low"]], [sim["csat_ci_high"]]),
                            hovertemplate="Simulated effect: CSAT %{y:+.2f} points<extra></extra>")
    house_layout(fig, x_title="Customer updated at least …", y_title="Difference in mean CSAT (points)")
    fig.update_yaxes(rangemode="tozero", zeroline=True, zerolinecolor="#9aa5b1")
    head = esc["proactive"]["headline"]
    takeaway = (f"By the observed relation, escalated tickets updated at least every {fmt_hours(head['hours'])} had a mean "
                f"CSAT {fmt_change(head['csat_change'], 'score')} points against escalated tickets as they were (95% CI "
                f"{fmt_change(head['csat_ci_low'], 'score')} to {fmt_change(head['csat_ci_high'], 'score')}), at "
                f"{fmt_num(head['extra_updates_per_ticket'], 1)} extra updates per ticket: an association, not a tested effect."
                if head["csat_change"] is not None else "The relation of CSAT to regular updates could not be estimated.")
    return Chart("policy_estimate", "escalations", "Mean CSAT of escalated tickets updated at least every X hours, by the observed relation",
                 takeaway,
                 f"Dot plot with 95% intervals of the difference in mean CSAT for each update interval. {takeaway}", fig,
                 [{k: p[k] for k in ("hours", "extra_updates_per_ticket", "csat_change", "csat_ci_low", "csat_ci_high",
                                     "reopen_change", "reopen_ci_low", "reopen_ci_high")}
                  | {"affected_share": p["affected"]["value"]} for p in esc["proactive"]["policies"]])


def _its(context: dict, measure: str) -> Chart | None:
    its = context.get("interrupted_series")
    if not its or (measure == "breach" and its["breach"] is None):
        return None
    key, fitted, counter, unit = (("median_resolution_hours", "fitted_resolution_hours", "counterfactual_resolution_hours", "hours")
                                  if measure == "resolution" else
                                  ("breach_rate", "fitted_breach_rate", "counterfactual_breach_rate", "share"))
    weeks = its["weekly"]
    x = [w["week"] for w in weeks]
    fig = go.Figure()
    fig.add_scatter(x=x, y=[w[key] for w in weeks], mode="markers", name="Weekly value", marker=dict(color=PALETTE["grey"], size=7))
    for after, name in ((False, "Fitted before"), (True, "Fitted after")):
        part = [w for w in weeks if w["after"] == after]
        fig.add_scatter(x=[w["week"] for w in part], y=[w[fitted] for w in part], mode="lines", name=name,
                        line=dict(color=PALETTE["orange"] if after else PALETTE["blue"], width=3))
    part = [w for w in weeks if w["after"]]
    fig.add_scatter(x=[w["week"] for w in part], y=[w[counter] for w in part], mode="lines", name="Without the change (trend continued)",
                    line=dict(color=PALETTE["blue"], width=2, dash="dash"))
    fig.add_vline(x=its["change_date"], line_color="#3e4c59", line_dash="dot")
    change = its[measure]

    def signed(v: float) -> str:
        text = f"{v:+.1f} h" if unit == "hours" else f"{v * 100:+.1f} pp"
        return text.replace("-", "−")

    what = "median resolution time" if unit == "hours" else "breach rate"
    takeaway = (f"At {its['label']} ({its['change_date']}) the weekly {what} of {its['population']} changed by "
                f"{signed(change['level_change'])} (95% CI {signed(change['level_ci_low'])} to {signed(change['level_ci_high'])})"
                + ("." if change["level_ci_excludes_zero"] else ": the interval includes no change."))
    title = "Weekly median resolution time" if unit == "hours" else "Weekly resolution breach rate"
    house_layout(fig, x_title="Week the tickets were created", y_title="Median hours to resolution" if unit == "hours"
                 else "Breached share of completed SLAs", y_format=None if unit == "hours" else ".0%")
    return Chart(f"its_{measure}", "escalations", f"{title} before and after {its['label']}", takeaway,
                 f"Interrupted time series: weekly values with the segmented regression fitted before and after the change "
                 f"and the pre-change trend continued. {takeaway}", fig, weeks)


def its_resolution(context: dict) -> Chart | None:
    return _its(context, "resolution")


def its_breach(context: dict) -> Chart | None:
    return _its(context, "breach")


CHARTS = {
    "csat_by_silence": csat_by_silence,
    "policy_estimate": policy_estimate,
    "its_resolution": its_resolution,
    "its_breach": its_breach,
}

