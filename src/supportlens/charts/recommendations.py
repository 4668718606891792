"""Charts of the recommendations page: the net benefit ranges. The evidence each rule fired
on is charted once, on the page that owns it; a recommendation links there."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from ..formatting import fmt_money, lower_first, recommendation_title
from .base import PALETTE, STATUS, Chart, colour_key, house_layout, wrap_label


LABEL_CHARS = 32   # a recommendation's title per line on the chart's axis


def _actions(context: dict) -> dict:
    return context.get("actions") or {}


def benefit(context: dict) -> Chart | None:
    recs = _actions(context).get("recommendations")
    if not recs:
        return None
    currency = context["report"]["currency"]
    rows = list(reversed(recs))
    # wrapped, so the labels leave the bars room on a phone as on the printed page
    labels = [wrap_label(f"{r['rank']}. {escape(recommendation_title(r, context['report']['timezone']))}", LABEL_CHARS)
              for r in rows]
    lines = max(label.count("<br>") + 1 for label in labels)
    net = [r["impact"]["net_benefit_per_year"] for r in rows]
    fig = go.Figure()
    fig.add_bar(name="Range (net benefit, first year)", y=labels, x=[n["high"] - n["low"] for n in net],
                base=[n["low"] for n in net], orientation="h",
                marker_color=[STATUS["good"] if r["pays_back"] else STATUS["bad"] for r in rows],
                opacity=0.45, hoverinfo="skip")
    fig.add_scatter(name="Median", y=labels, x=[n["median"] for n in net], mode="markers",
                    marker=dict(color="#1f2933", size=10, symbol="line-ns-open", line=dict(width=3)),
                    customdata=[[fmt_money(n["low"], currency), fmt_money(n["high"], currency)] for n in net],
                    hovertemplate="median %{x:,.0f}<br>range %{customdata[0]} to %{customdata[1]}<extra></extra>")
    fig.add_vline(x=0, line_color="#3e4c59", line_width=1)
    house_layout(fig, x_title=f"Net benefit, first year ({currency})", y_title="", height=120 + (10 + 14 * lines) * len(rows))
    colour_key(fig, tuple(entry for shown, entry in ((any(r["pays_back"] for r in rows), (STATUS["good"], "Pays back")),
                                                     (not all(r["pays_back"] for r in rows), (STATUS["bad"], "Does not pay back")))
                          if shown))   # a key entry only for a colour the bars use
    fig.update_yaxes(rangemode=None, automargin=True)
    best = recs[0]
    best_range = (f"{fmt_money(best['impact']['net_benefit_per_year']['low'], currency)} to "
                  f"{fmt_money(best['impact']['net_benefit_per_year']['high'], currency)} in its first year, net of its costs")
    if best["pays_back"]:
        takeaway = f"{recommendation_title(best, context['report']['timezone'])} brings the most: {best_range}."
    else:   # none pays back (they are ranked by net benefit): the first is the least costly, not a gain
        takeaway = (f"No action pays back in its first year at these costs; the closest, "
                    f"{lower_first(recommendation_title(best, context['report']['timezone']))}, comes to {best_range}.")
    return Chart("recommendation_benefit", "recommendations", "First-year net benefit of each recommendation, one-off cost included (range)", takeaway,
                 f"Horizontal range bars of the first-year net benefit of each recommendation with its median. {takeaway}", fig,
                 [{"rank": r["rank"], "recommendation": recommendation_title(r, context['report']['timezone']), "net_low": r["impact"]["net_benefit_per_year"]["low"],
                   "net_median": r["impact"]["net_benefit_per_year"]["median"],
                   "net_high": r["impact"]["net_benefit_per_year"]["high"], "cost_per_year": r["impact"]["cost_per_year"],
                   "one_off_cost": r["impact"]["one_off_cost"]} for r in recs])


CHARTS = {"recommendation_benefit": benefit}
