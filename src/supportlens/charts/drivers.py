"""Charts of the drivers page: which segments breach more, adjusted for each other, and resolution as survival."""

from __future__ import annotations

import math
from collections.abc import Callable

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..formatting import lower_first, plotly_text, fmt_hours, fmt_metric, fmt_num, fmt_p, fmt_segment
from .base import PALETTE, PRIORITY_COLOURS, STATUS, Chart, _use_template, colour_key, house_layout

GREY = "#b8c2cc"


def _segments(context: dict) -> dict | None:
    diagnostics = context.get("diagnostics") or {}
    return diagnostics.get("segments")


def _comparison(dimension: dict, metric: str) -> dict:
    return next(c for c in dimension["comparisons"] if c["metric"] == metric)


def _summary(report: dict, metric: str) -> dict:
    return next(s for s in report["summary"] if s["metric"] == metric)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def driver_effects(context: dict) -> Chart | None:
    report = _segments(context)
    if not report:
        return None
    rows = []
    for d in report["dimensions"]:
        c = _comparison(d, "resolution_breach")
        rows.append({"dimension": plotly_text(d["label"]), "cramers_v": c["effect_size"], "adjusted_p": c["adjusted_p"],
                     "significant": c["significant"], "ratio_worst_best": c["ratio"], "worst": c["worst"], "best": c["best"]})
    rows.sort(key=lambda r: r["cramers_v"] or 0)
    fig = go.Figure(go.Bar(
        x=[r["cramers_v"] or 0 for r in rows], y=[r["dimension"] for r in rows], orientation="h",
        marker_color=[STATUS["bad"] if r["significant"] else GREY for r in rows],
        customdata=[[fmt_p(r["adjusted_p"]), "significant" if r["significant"] else "no clear difference"] for r in rows],
        hovertemplate="%{y}: Cramér's V %{x:.3f}<br>adjusted p %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    house_layout(fig, x_title="Strength of the link with resolution breaches (Cramér's V; 0 = none)",
                 y_title="", height=max(300, 34 * len(rows) + 90))
    shown = {bool(r["significant"]) for r in rows}   # a key entry only for a colour the bars use
    colour_key(fig, tuple(entry for flag, entry in ((True, (STATUS["bad"], "Breach rates differ clearly")),
                                                    (False, (GREY, "No clear difference"))) if flag in shown))
    fig.update_yaxes(rangemode=None)
    fig.update_layout(margin=dict(l=170))
    labels = {d["id"]: plotly_text(d["label"]) for d in report["dimensions"]}
    strong = [labels[i] for i in _summary(report, "resolution_breach")["strongest"]]
    quiet = [r["dimension"] for r in rows if not r["significant"]]
    # one label opens the sentence as it is, the others read in lower case; the verb agrees with the count
    takeaway = (f"{_names(strong[:1] + [lower_first(x) for x in strong[1:]])} "
                f"{'separates' if len(strong) == 1 else 'separate'} breaching tickets most" if strong else
                "No dimension separates breaching tickets clearly")
    takeaway += (f"; {_names([lower_first(q) for q in quiet])} {'shows' if len(quiet) == 1 else 'show'} no clear difference."
                 if quiet else ".")
    return Chart("driver_effects", "drivers", "How strongly each dimension is associated with resolution breaches", takeaway,
                 f"Horizontal bar chart of Cramér's V for each dimension; significant ones in red. {takeaway}", fig,
                 [{k: v for k, v in r.items()} for r in rows])


PRINT_PART_HEIGHT = 760  # px: the most a printed part of a split chart may take (about 185 mm at the PDF's scale)


def _facet_layout(dims: list[dict]) -> list[list[dict]]:
    """Rows of panels: two narrow dimensions side by side; a dimension with many segments (hour) on a row of its own."""
    narrow = [d for d in dims if len(d["segments"]) <= 12]
    wide = [d for d in dims if len(d["segments"]) > 12]
    return [narrow[i:i + 2] for i in range(0, len(narrow), 2)] + [[d] for d in wide]


def _row_height(row: list[dict]) -> int:
    return max(max(len(d["segments"]) for d in row), 3)


def _facet_height(rows: list[list[dict]]) -> int:
    return sum(_row_height(row) for row in rows) * 17 + len(rows) * 70 + 60


def _facet_figure(rows: list[list[dict]], metric: str, x_title: str, value_format: str) -> go.Figure:
    """Small multiples of horizontal bars with 95% intervals, one panel per dimension, laid out in ``rows``."""
    cols = 2
    heights = [_row_height(row) for row in rows]
    specs = [[{}, {}] if len(row) == 2 else ([{"colspan": 2}, None] if len(row[0]["segments"]) > 12 else [{}, None])
             for row in rows]
    placed = [(d, r + 1, c + 1) for r, row in enumerate(rows) for c, d in enumerate(row)]
    fig = make_subplots(rows=len(rows), cols=cols, specs=specs, subplot_titles=[plotly_text(d["label"]) for d, _, _ in placed],
                        horizontal_spacing=0.22, vertical_spacing=0.3 / len(rows), row_heights=heights)
    for d, row, col in placed:
        c = _comparison(d, metric)
        flagged = set(c["worse_than_best"])
        segs = d["segments"]
        labels = [plotly_text(fmt_segment(s["label"], d["id"])) for s in segs]
        values = [s[metric]["value"] for s in segs]
        colours = [STATUS["bad"] if s["label"] in flagged else (PALETTE["blue"] if c["significant"] else GREY)
                   for s in segs]
        fig.add_bar(x=values, y=labels, orientation="h", marker_color=colours, showlegend=False,
                    error_x=dict(type="data", symmetric=False, color="#3e4c59", thickness=1,
                                 array=[(s[metric]["ci_high"] - s[metric]["value"]) if s[metric]["ci_high"] is not None
                                        and s[metric]["value"] is not None else 0 for s in segs],
                                 arrayminus=[(s[metric]["value"] - s[metric]["ci_low"]) if s[metric]["ci_low"] is not None
                                             and s[metric]["value"] is not None else 0 for s in segs]),
                    customdata=[[fmt_metric(s[metric]["value"], metric), s[metric]["n"]] for s in segs],
                    hovertemplate="%{y}: %{customdata[0]} (n = %{customdata[1]:,})<extra>" + plotly_text(d["label"]) + "</extra>",
                    row=row, col=col)
    # every y axis is a panel's (a cell without a panel has none): all set at once, not panel by panel (each
    # update by row and column searches the whole grid)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=10))
    _use_template(fig, "plotly_white")
    fig.update_layout(height=_facet_height(rows), margin=dict(l=110, r=24, t=40, b=40),
                      font=dict(family="Inter, 'Helvetica Neue', Arial, sans-serif", size=12, color="#1f2933"))
    fig.update_xaxes(tickformat=value_format, rangemode="tozero", gridcolor="#e4e7eb")
    fig.update_annotations(font_size=13)
    for col in range(1, cols + 1):
        fig.update_xaxes(title_text=x_title, title_font_size=11, row=len(rows), col=col)
    return fig


def _print_parts(rows: list, height: Callable[[list], int]) -> list[list]:
    """``rows`` cut, in order, into consecutive parts no taller than PRINT_PART_HEIGHT (a single taller row stays whole)."""
    parts: list[list] = [[]]
    for row in rows:
        if parts[-1] and height(parts[-1] + [row]) > PRINT_PART_HEIGHT:
            parts.append([])
        parts[-1].append(row)
    return parts


def _small_multiples(context: dict, metric: str, chart_id: str, title: str, x_title: str, value_format: str) -> Chart | None:
    report = _segments(context)
    if not report:
        return None
    dims = report["dimensions"]
    rows = _facet_layout(dims)
    largest = max((s[metric]["value"] or 0 for d in dims for s in d["segments"]), default=0)
    if value_format == ",.0f" and largest < 10:
        value_format = ",.1f"   # sub-hour medians would all read 0
    fig = _facet_figure(rows, metric, x_title, value_format)
    parts = _print_parts(rows, _facet_height)
    print_parts = tuple(_facet_figure(part, metric, x_title, value_format) for part in parts) if len(parts) > 1 else ()
    table = []
    for d in dims:
        flagged = set(_comparison(d, metric)["worse_than_best"])
        for s in d["segments"]:
            table.append({"dimension": d["id"], "segment": s["label"], "value": s[metric]["value"],
                          "ci_low": s[metric]["ci_low"], "ci_high": s[metric]["ci_high"], "n": s[metric]["n"],
                          "significantly_worse_than_best": s["label"] in flagged})
    found = [d for d in dims if _comparison(d, metric)["finding"]]
    summary = _summary(report, metric)
    if summary["largest_gap"] is not None:
        d = next(d for d in dims if d["id"] == summary["largest_gap"])
        c = _comparison(d, metric)
        ratio = f"{fmt_num(c['ratio'])}× " if c["ratio"] else ""
        lead = ("Largest clear gap beyond priority and team" if summary["largest_gap_beyond_priority_and_team"]
                else "Largest clear gap")
        takeaway = (f"{lead}: {fmt_segment(c['worst'], d['id'])} {ratio}against {fmt_segment(c['best'], d['id'])} "
                    f"({lower_first(d['label'])}: {fmt_metric(c['worst_value'], metric)} vs {fmt_metric(c['best_value'], metric)}); "
                    f"{len(found)} of {len(dims)} dimensions differ significantly and materially.")
    else:
        takeaway = "No dimension differs significantly and materially: the differences in these bars are within noise."
    return Chart(chart_id, "drivers", title, takeaway,
                 f"Small multiples of horizontal bars with 95% intervals, one panel per dimension; segments significantly "
                 f"worse than the best in red, families without a clear difference in grey. {takeaway}", fig, table,
                 print_parts=print_parts)


def breach_by_segment(context: dict) -> Chart | None:
    return _small_multiples(context, "resolution_breach", "breach_by_segment",
                            "Resolution breach rate by segment (95% Wilson intervals)", "Breached share", ".0%")


def resolution_by_segment(context: dict) -> Chart | None:
    return _small_multiples(context, "resolution", "resolution_by_segment",
                            "Median time to resolution by segment, hours (Kaplan–Meier, 95% intervals)", "Hours", ",.0f")


def _forest_height(rows: int) -> int:
    return max(320, 19 * rows + 110)


def _forest_range(shown: list[dict]) -> list[float]:
    """The log10 x range that holds every interval, so that the printed parts share one axis."""
    low = min((r["ci_low"] for r in shown if r["ci_low"]), default=1.0)
    high = max((r["ci_high"] for r in shown if r["ci_high"]), default=1.0)
    return [math.log10(min(low, 1) / 1.15), math.log10(max(high, 1) * 1.15)]


def _gap(high: float | None, low: float | None) -> float | None:
    """An error bar's length; none when an end is unknown (a tiny segment's interval may have no end)."""
    return None if high is None or low is None else high - low


def _forest_figure(shown: list[dict], effects: dict, x_range: list[float] | None = None) -> go.Figure:
    """Adjusted odds ratios with 95% intervals, one row per segment, against a dashed line at 1."""
    labels = [plotly_text(f"{effects[r['dimension']]['label']}: {fmt_segment(r['segment'], r['dimension'])} vs "
                          f"{fmt_segment(r['reference'], r['dimension'])}") for r in shown]
    significant = [bool(r["significant"]) for r in shown]
    fig = go.Figure(go.Scatter(
        x=[r["odds_ratio"] for r in shown], y=labels, mode="markers",
        marker=dict(color=[STATUS["bad"] if s else GREY for s in significant], size=8),
        error_x=dict(type="data", symmetric=False, color="#7b8794", thickness=1,
                     array=[_gap(r["ci_high"], r["odds_ratio"]) for r in shown],
                     arrayminus=[_gap(r["odds_ratio"], r["ci_low"]) for r in shown]),
        customdata=[[fmt_num(r["ci_low"], 2), fmt_num(r["ci_high"], 2), fmt_p(r["adjusted_p"])] for r in shown],
        hovertemplate="%{y}<br>odds ratio %{x:.2f} (95% CI %{customdata[0]}–%{customdata[1]}), adjusted p %{customdata[2]}"
                      "<extra></extra>"))
    fig.add_vline(x=1, line_dash="dash", line_color="#3e4c59")
    house_layout(fig, x_title="Odds ratio of breaching, adjusted for every other dimension (log scale)", y_title="",
                 height=_forest_height(len(shown)))
    fig.update_xaxes(type="log", tickvals=[0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100],
                     ticktext=["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50", "100"])
    if x_range:
        fig.update_xaxes(range=x_range)
    fig.update_yaxes(autorange="reversed", rangemode=None, tickfont=dict(size=11))
    fig.update_layout(margin=dict(l=260))
    return fig


def breach_odds_ratios(context: dict) -> Chart | None:
    diagnostics = context.get("diagnostics") or {}
    model = diagnostics.get("model")
    if not model:
        return None
    effects = {e["dimension"]: e for e in model["dimensions"]}
    shown = [model["odds_ratios"][i] for i in model["odds_ratios_shown"]]
    fig = _forest_figure(shown, effects)
    # printed in parts of whole dimensions, each on the same log axis
    groups = [[r for r in shown if r["dimension"] == dimension] for dimension in dict.fromkeys(r["dimension"] for r in shown)]
    parts = _print_parts(groups, lambda part: _forest_height(sum(len(g) for g in part)))
    axis = _forest_range(shown)
    print_parts = tuple(_forest_figure([r for g in part for r in g], effects, axis) for part in parts) if len(parts) > 1 else ()
    kept = [e["label"] for e in model["dimensions"] if e["significant"]]
    lost = [e["label"] for e in model["dimensions"] if not e["significant"]]
    takeaway = (f"Adjusted for each other, {_names([lower_first(x) for x in kept])} {'is' if len(kept) == 1 else 'are'} still associated "
                "with the odds of a breach" if kept else
                "Adjusted for each other, no dimension is clearly associated with the odds of a breach")
    takeaway += f"; {_names([lower_first(x) for x in lost])} {'does' if len(lost) == 1 else 'do'} not." if lost else "."
    return Chart("breach_odds_ratios", "drivers", "What is still associated with breaches when every dimension is considered at once", takeaway,
                 f"Forest plot of adjusted odds ratios with 95% intervals for each segment against its dimension's "
                 f"reference segment. {takeaway}", fig,
                 [{k: r[k] for k in ("dimension", "segment", "reference", "odds_ratio", "ci_low", "ci_high", "p_value",
                                     "adjusted_p")} for r in model["odds_ratios"]], print_parts=print_parts)


def resolution_survival(context: dict) -> Chart | None:
    diagnostics = context.get("diagnostics") or {}
    survival = diagnostics.get("survival")
    if not survival or not survival["curves"]:
        return None
    fig = go.Figure()
    table = []
    for c in survival["curves"]:
        colour = PRIORITY_COLOURS[c["priority"]]
        fig.add_scatter(x=c["hours"], y=c["unresolved"], mode="lines", line=dict(color=colour, width=2, shape="hv"),
                        name=f"{c['priority'].title()} (n = {c['tickets']:,})",
                        hovertemplate="%{x:.1f} h: %{y:.1%} not yet resolved<extra>" + c["priority"].title() + "</extra>")
        fig.add_vline(x=c["target_hours"], line_dash="dot", line_color=colour, opacity=0.6)
        table += [{"priority": c["priority"], "hours": h, "share_unresolved": s} for h, s in zip(c["hours"], c["unresolved"])]
    house_layout(fig, x_title="Hours since the ticket was created (dotted: each priority's resolution target)",
                 y_title="Share not yet resolved", y_format=".0%")
    fig.update_yaxes(range=[0, 1.02])
    if survival["slowest_curve"] is not None and survival["significant"]:
        slowest, fastest = survival["curves"][survival["slowest_curve"]], survival["curves"][survival["fastest_curve"]]
        takeaway = (f"Half of {slowest['priority']}-priority tickets are resolved within {fmt_hours(slowest['median_hours'])}, "
                    f"against {fmt_hours(fastest['median_hours'])} for {fastest['priority']}-priority ones.")
    elif len(survival["curves"]) == 1:
        only = survival["curves"][0]
        takeaway = (f"Half of the tickets are resolved within {fmt_hours(only['median_hours'])}; they share one priority, "
                    "so there are no curves to compare." if only["median_hours"] is not None else
                    "Fewer than half of the tickets are resolved yet; they share one priority, so there are no curves to compare.")
    else:
        takeaway = "The resolution curves of the priorities show no clear difference (log-rank test)."
    return Chart("resolution_survival", "drivers", "Time to resolution by priority (Kaplan–Meier; open tickets censored)",
                 takeaway, f"Step chart of the share of tickets not yet resolved against hours since creation, one line per "
                 f"priority. {takeaway}", fig, table)


CHARTS = {
    "driver_effects": driver_effects,
    "breach_by_segment": breach_by_segment,
    "breach_odds_ratios": breach_odds_ratios,
    "resolution_survival": resolution_survival,
    "resolution_by_segment": resolution_by_segment,
}
