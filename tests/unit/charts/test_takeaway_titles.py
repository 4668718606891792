"""A chart's headline is its takeaway, worked out from its data (issue 13): the same chart says a different thing
when the data says a different thing, and the descriptive title sits beneath it."""

from __future__ import annotations

import plotly.graph_objects as go

from supportlens.charts.base import Chart
from supportlens.charts.sla import monthly_breach
from supportlens.render.markdown import render_markdown
from supportlens.render.pages import chart_block


def context(rates: list[float], target: float | None) -> dict:
    months = [{"month": f"2026-{i + 1:02d}", "first_response_rate": 0.05, "resolution_rate": r} for i, r in enumerate(rates)]
    worst = max(range(len(rates)), key=rates.__getitem__)   # the test's own pick, worked out independently of analysis
    best = min(range(len(rates)), key=rates.__getitem__)
    return {"sla": {"monthly": months, "monthly_best": best, "monthly_worst": worst},
            "kpis": [{"id": "resolution_breach_rate", "target": target}]}


def test_the_monthly_breach_headline_follows_the_data():
    assert monthly_breach(context([0.186, 0.19, 0.191], 0.10)).takeaway == \
        "Resolution breaches stayed near 19% a month, above the 10% target every month."
    assert monthly_breach(context([0.05, 0.12, 0.08], 0.10)).takeaway == \
        "Resolution breaches stayed between 5.0% and 12.0% a month, above the 10% target in 1 of 3 months."
    assert monthly_breach(context([0.05, 0.08], 0.10)).takeaway.endswith("within the 10% target every month.")
    assert monthly_breach(context([0.05, 0.08], None)).takeaway == "Resolution breaches stayed between 5.0% and 8.0% a month."


def test_the_takeaway_heads_the_chart_and_the_title_sits_beneath():
    chart = Chart(id="t", page="sla", title="Breach rate by month", takeaway="Breaches stuck near 19%.", alt="A",
                  figure=go.Figure(go.Bar(y=[1])), table=[])
    for flavour in ("site", "print"):
        html = render_markdown(str(chart_block(chart, flavour))).html
        assert html.index("Breaches stuck near 19%.") < html.index("Breach rate by month") < html.index(
            "<img" if flavour == "print" else "plotly-chart")


def _recommendations(*net_and_pays: tuple[float, bool]) -> dict:
    recs = [{"rank": i + 1, "kind": "account_management", "pays_back": pays,
             "facts": {"accounts": [{"account": "ACC-1"}] * (i + 1)},
             "impact": {"net_benefit_per_year": {"low": net - 1000, "median": net, "high": net + 1000},
                        "cost_per_year": 0, "one_off_cost": 0}}
            for i, (net, pays) in enumerate(net_and_pays)]
    return {"actions": {"recommendations": recs}, "report": {"currency": "USD", "timezone": "UTC"}}


def test_the_benefit_chart_never_says_an_action_that_loses_money_brings_the_most():
    from supportlens.charts.recommendations import benefit

    paying = benefit(_recommendations((50_000, True), (-2_000, False))).takeaway
    assert paying.startswith("Proactive account management for 1 dominant account brings the most: USD 49.0k to USD 51.0k")
    losing = benefit(_recommendations((-14_000, False), (-20_000, False))).takeaway
    assert losing.startswith("No action pays back in its first year at these costs; the closest, proactive account "
                             "management for 1 dominant account, comes to −USD 15.0k to −USD 13.0k")
    assert "brings the most" not in losing


def test_the_benefit_chart_wraps_long_titles_instead_of_a_fixed_margin_wider_than_a_phone():
    from supportlens.charts.recommendations import LABEL_CHARS, benefit

    figure = benefit(_recommendations((50_000, True))).figure
    assert figure.layout.margin.l is None or figure.layout.margin.l < 200
    assert all(len(line) <= LABEL_CHARS for label in figure.data[0].y for line in label.split("<br>"))


def test_the_benefit_chart_keys_only_the_colours_its_bars_use():
    from supportlens.charts.base import COLOUR_KEY
    from supportlens.charts.recommendations import benefit

    def key(*recs):
        return [t.name for t in benefit(_recommendations(*recs)).figure.data if t.legendgroup == COLOUR_KEY]

    assert key((50_000, True)) == ["Pays back"]
    assert key((-14_000, False)) == ["Does not pay back"]
    assert key((50_000, True), (-14_000, False)) == ["Pays back", "Does not pay back"]


def test_the_top_accounts_chart_says_what_its_colours_mean():
    from supportlens.charts.accounts import top_accounts
    from supportlens.charts.base import COLOUR_KEY

    def row(account, share):
        return {"account": account, "tickets": 10, "share": {"value": share, "ci_low": share - 0.01, "ci_high": share + 0.01},
                "resolution_breach": {"value": 0.1}, "resolution": {"value": 5.0}}

    def key(dominant):
        context = {"diagnostics": {"accounts": {"top_accounts": [row("ACC-1", 0.06), row("ACC-2", 0.02)],
                                "concentration": {"dominant": [{"account": a, "share": 0.06, "ci_low": 0.05, "ci_high": 0.07}
                                                               for a in dominant],
                                                  "largest_dominant": 0 if dominant else None, "dominant_threshold": 0.03}}}}
        return [t.name for t in top_accounts(context).figure.data if t.legendgroup == COLOUR_KEY]

    assert key(["ACC-1"]) == ["Dominant: clearly above 3%", "Not dominant"]
    assert key([]) == ["Not dominant"]
