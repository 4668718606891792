"""Charts of the accounts page: concentration, the top accounts, resolution time by industry, country and tenure."""

from __future__ import annotations

import plotly.graph_objects as go

from ..formatting import plotly_text, fmt_hours, fmt_int, fmt_num, fmt_p, fmt_pct, fmt_segment, upper_first
from .base import PALETTE, STATUS, Chart, colour_key, house_layout

GREY = "#b8c2cc"


def _accounts(context: dict) -> dict | None:
    return (context.get("diagnostics") or {}).get("accounts")


def lorenz_curve(context: dict) -> Chart | None:
    accounts = _accounts(context)
    if not accounts or not accounts["concentration"]["lorenz_accounts"]:
        return None
    c = accounts["concentration"]
    fig = go.Figure([
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="Every account raises the same number",
                   line=dict(color="#7b8794", dash="dash"), hoverinfo="skip"),
        go.Scatter(x=c["lorenz_accounts"], y=c["lorenz_tickets"], mode="lines", name="Actual", fill="tonexty",
                   fillcolor="rgba(0,114,178,0.10)", line=dict(color=PALETTE["blue"], width=2),
                   hovertemplate="the %{x:.0%} of accounts with fewest tickets raise %{y:.0%} of them<extra></extra>"),
    ])
    takeaway = (f"The busiest 20% of accounts ({fmt_int(c['top_20pct_accounts'])} of {fmt_int(c['accounts'])}) raise "
                f"{fmt_pct(c['top_20pct_share'], 0)} of tickets; Gini {fmt_num(c['gini'], 2)} (0 = even, 1 = one account raises all).")
    house_layout(fig, x_title="Share of accounts, fewest tickets first", y_title="Share of tickets", y_format=".0%")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return Chart("lorenz_curve", "accounts", "How concentrated the tickets are (Lorenz curve)", takeaway,
                 f"Lorenz curve of tickets over accounts against the line of equality. {takeaway}", fig,
                 [{"share_of_accounts": a, "share_of_tickets": t} for a, t in zip(c["lorenz_accounts"], c["lorenz_tickets"])])


def top_accounts(context: dict) -> Chart | None:
    accounts = _accounts(context)
    if not accounts or not accounts["top_accounts"]:
        return None
    rows = accounts["top_accounts"]
    dominant = {d["account"] for d in accounts["concentration"]["dominant"]}
    threshold = accounts["concentration"]["dominant_threshold"]
    fig = go.Figure(go.Bar(
        x=[r["share"]["value"] for r in rows], y=[plotly_text(fmt_segment(r["account"], "account")) for r in rows], orientation="h",
        marker_color=[STATUS["bad"] if r["account"] in dominant else PALETTE["blue"] for r in rows],
        error_x=dict(type="data", symmetric=False, color="#3e4c59", thickness=1,
                     array=[r["share"]["ci_high"] - r["share"]["value"] for r in rows],
                     arrayminus=[r["share"]["value"] - r["share"]["ci_low"] for r in rows]),
        customdata=[[r["tickets"]] for r in rows],
        hovertemplate="%{y}: %{x:.1%} of tickets (%{customdata[0]:,})<extra></extra>"))
    # the threshold's label stands above the plot, clear of the bars
    fig.add_vline(x=threshold, line_dash="dash", line_color="#3e4c59", annotation_text=f"dominant above {fmt_pct(threshold, 0)}",
                  annotation=dict(yref="paper", y=1.0, yanchor="bottom", xanchor="left", showarrow=False))
    house_layout(fig, x_title="Share of the window's tickets (95% Wilson interval)", y_title="",
                 height=max(300, 28 * len(rows) + 100), y_format=None)
    fig.update_xaxes(tickformat=".1%")
    fig.update_yaxes(autorange="reversed", rangemode=None)
    fig.update_layout(margin=dict(l=140, t=40))
    shown = {r["account"] in dominant for r in rows}   # a key entry only for a colour the bars use
    colour_key(fig, tuple(entry for flag, entry in ((True, (STATUS["bad"], f"Dominant: clearly above {fmt_pct(threshold, 0)}")),
                                                    (False, (PALETTE["blue"], "Not dominant"))) if flag in shown))
    if dominant:
        top = accounts["concentration"]["dominant"][accounts["concentration"]["largest_dominant"]]
        takeaway = (f"{upper_first(fmt_segment(top['account'], 'account'))} alone raises {fmt_pct(top['share'])} of tickets (95% CI {fmt_pct(top['ci_low'])}–"
                    f"{fmt_pct(top['ci_high'])}), significantly above the {fmt_pct(threshold, 0)} that marks a dominant account.")
    else:
        takeaway = f"No account raises significantly more than {fmt_pct(threshold, 0)} of tickets."
    return Chart("top_accounts", "accounts", "The accounts that raise the most tickets", takeaway,
                 f"Horizontal bar chart of each top account's share of tickets with 95% intervals. {takeaway}", fig,
                 [{"account": r["account"], "tickets": r["tickets"], "share": r["share"]["value"],
                   "resolution_breach_rate": r["resolution_breach"]["value"], "median_resolution_hours": r["resolution"]["value"]}
                  for r in rows])


def _resolution_by(context: dict, dimension_id: str, chart_id: str, noun: str) -> Chart | None:
    report = (context.get("diagnostics") or {}).get("segments")
    if not report:
        return None
    dimension = next((d for d in report["dimensions"] if d["id"] == dimension_id), None)
    if dimension is None:
        return None
    c = next(x for x in dimension["comparisons"] if x["metric"] == "resolution")
    flagged = set(c["worse_than_best"])
    segs = dimension["segments"]
    fig = go.Figure(go.Bar(
        x=[plotly_text(fmt_segment(s["label"], dimension_id)) for s in segs], y=[s["resolution"]["value"] for s in segs],
        marker_color=[STATUS["bad"] if s["label"] in flagged else (PALETTE["blue"] if c["significant"] else GREY)
                      for s in segs],
        error_y=dict(type="data", symmetric=False, color="#3e4c59", thickness=1,
                     array=[(s["resolution"]["ci_high"] - s["resolution"]["value"]) if s["resolution"]["ci_high"] is not None
                            and s["resolution"]["value"] is not None else 0 for s in segs],
                     arrayminus=[(s["resolution"]["value"] - s["resolution"]["ci_low"]) if s["resolution"]["ci_low"] is not None
                                 and s["resolution"]["value"] is not None else 0 for s in segs]),
        customdata=[[s["tickets"], s["open_tickets"]] for s in segs],
        hovertemplate="%{x}: median %{y:.1f} h<br>%{customdata[0]:,} tickets, %{customdata[1]:,} still open<extra></extra>"))
    house_layout(fig, x_title=plotly_text(dimension["label"]), y_title="Median hours to resolution (Kaplan–Meier)", height=340)
    colours = {STATUS["bad"] if s["label"] in flagged else (PALETTE["blue"] if c["significant"] else GREY) for s in segs}
    colour_key(fig, tuple((colour, meaning) for colour, meaning in (
        (STATUS["bad"], "Clearly slower than the fastest"), (PALETTE["blue"], "Not clearly slower"),
        (GREY, "No clear difference")) if colour in colours))   # a key entry only for a colour the bars use
    if c["finding"]:
        takeaway = (f"{fmt_segment(c['worst'], dimension_id)} tickets take longest: median {fmt_hours(c['worst_value'])} against "
                    f"{fmt_hours(c['best_value'])} for {fmt_segment(c['best'], dimension_id)} ({fmt_num(c['ratio'])}×; "
                    f"log-rank adjusted p {fmt_p(c['adjusted_p'])}).")
    else:
        takeaway = f"Time to resolution shows no clear difference between {noun} (log-rank adjusted p {fmt_p(c['adjusted_p'])})."
    return Chart(chart_id, "accounts", f"Median time to resolution by {dimension['label'].lower()} (95% intervals)", takeaway,
                 f"Bar chart of the Kaplan–Meier median hours to resolution for each {noun[:-1] if noun.endswith('s') else noun}"
                 f" with 95% intervals; significantly slower than the fastest in red. {takeaway}", fig,
                 [{dimension_id: s["label"], "tickets": s["tickets"], "open_tickets": s["open_tickets"],
                   "median_resolution_hours": s["resolution"]["value"], "ci_low": s["resolution"]["ci_low"],
                   "ci_high": s["resolution"]["ci_high"], "resolution_breach_rate": s["resolution_breach"]["value"],
                   "significantly_slower_than_fastest": s["label"] in flagged} for s in segs])


def industry_resolution(context: dict) -> Chart | None:
    return _resolution_by(context, "industry", "industry_resolution", "industries")


def country_resolution(context: dict) -> Chart | None:
    return _resolution_by(context, "country", "country_resolution", "countries")


def tenure_resolution(context: dict) -> Chart | None:
    return _resolution_by(context, "tenure_band", "tenure_resolution", "tenure bands")


CHARTS = {
    "lorenz_curve": lorenz_curve,
    "top_accounts": top_accounts,
    "industry_resolution": industry_resolution,
    "country_resolution": country_resolution,
    "tenure_resolution": tenure_resolution,
}
