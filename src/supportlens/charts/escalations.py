"""Charts of the escalations page: time by role and stage, handoffs, process map, paths, swimlanes.

Every function returns None when the report has no escalation analysis (no event log).
User-supplied labels (activities, roles, stages) are HTML-escaped before they reach a figure:
plotly would otherwise render tags such as <b> or <a> in them.
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go

from ..formatting import fmt_activity, fmt_hours, fmt_int, fmt_pct
from .base import PALETTE, Chart, house_layout

KIND_COLOURS = {"work": PALETTE["blue"], "wait": PALETTE["orange"], "done": PALETTE["grey"]}
KIND_NAMES = {"work": "Being worked", "wait": "Waiting", "done": "Resolved"}


def safe(text: object) -> str:
    """A user-supplied label as plotly text: entities, so that it shows as typed."""
    return escape(str(text), quote=False)


def _esc(context: dict) -> dict | None:
    return context.get("escalations")


def _ordered_roles(context: dict) -> list[dict]:
    """Roles found, in the analysis' display order (the customer first, then up the escalation ladder, then the rest)."""
    reading = context["escalations"]["reading"]
    by_id = {r["role"]: r for r in reading["roles"]}
    return [by_id[role] for role in reading["display_order"]]


def time_by_role(context: dict) -> Chart | None:
    esc = _esc(context)
    if not esc or not esc["role_time"]:
        return None
    rows = esc["role_time"]
    fig = go.Figure()
    for kind, key in (("work", "worked_hours"), ("wait", "waiting_hours")):
        fig.add_bar(name=KIND_NAMES[kind], orientation="h", y=[safe(r["label"]) for r in rows], x=[r[key] for r in rows],
                    marker_color=KIND_COLOURS[kind], hovertemplate="%{y}: %{x:.1f} h per escalated ticket<extra>"
                    + KIND_NAMES[kind] + "</extra>")
    fig.update_layout(barmode="stack")
    house_layout(fig, x_title="Hours per escalated ticket (mean)", y_title="", height=120 + 48 * len(rows))
    fig.update_yaxes(autorange="reversed", rangemode=None)
    top = rows[esc["longest_wait_role"]]
    takeaway = (f"Escalated tickets wait longest for {top['label']}: {fmt_hours(top['waiting_hours'])} per ticket on average, "
                f"{fmt_pct(top['waiting_share'])} of all their process time.")
    return Chart("escalation_time_by_role", "escalations", "Where escalated tickets spend their time, by role", takeaway,
                 f"Stacked horizontal bars of hours being worked and hours waiting per escalated ticket for each role. {takeaway}",
                 fig, [{k: r[k] for k in ("role", "worked_hours", "waiting_hours", "worked_share", "waiting_share", "tickets")}
                       for r in rows])


def stage_time(context: dict) -> Chart | None:
    esc = _esc(context)
    if not esc:
        return None
    rows = [s for s in esc["stages"] if s["kind"] != "done" and s["tickets"] > 0]
    if not rows:
        return None
    fig = go.Figure(go.Bar(
        orientation="h", y=[safe(s["label"]) for s in rows], x=[s["mean_hours"] for s in rows],
        marker_color=[KIND_COLOURS[s["kind"]] for s in rows],
        customdata=[[fmt_pct(s["share_of_tickets"]), fmt_hours(s["median_hours"]), KIND_NAMES[s["kind"]]] for s in rows],
        hovertemplate="%{y} (%{customdata[2]})<br>%{x:.1f} h per escalated ticket<br>in %{customdata[0]} of them, "
                      "median %{customdata[1]} when in it<extra></extra>"))
    house_layout(fig, x_title="Hours per escalated ticket (mean; blue = worked, orange = waiting)", y_title="",
                 height=120 + 34 * len(rows))
    fig.update_yaxes(autorange="reversed", rangemode=None)
    top = esc["stages"][esc["top_stage"]]
    takeaway = (f"'{top['label']}' takes the most time of escalated tickets: {fmt_hours(top['mean_hours'])} per ticket, "
                f"{fmt_pct(top['share_of_time'])} of their process time.")
    return Chart("escalation_stage_time", "escalations", "Time in each stage, escalated tickets", takeaway,
                 f"Horizontal bars of mean hours per escalated ticket in each process stage. {takeaway}", fig,
                 [{k: s[k] for k in ("stage", "label", "kind", "tickets", "share_of_tickets", "median_hours", "ci_low",
                                     "ci_high", "mean_hours", "share_of_time", "median_hours_all", "tickets_all")}
                  for s in esc["stages"]])


def handoff_matrix(context: dict) -> Chart | None:
    esc = _esc(context)
    if not esc or not esc["handoffs"]["matrix"]:
        return None
    cells = esc["handoffs"]["matrix"]
    order = [r["label"] for r in _ordered_roles(context) if any(r["label"] in (c["from_label"], c["to_label"]) for c in cells)]
    index = {label: i for i, label in enumerate(order)}
    z = [[None] * len(order) for _ in order]
    text = [[""] * len(order) for _ in order]
    for c in cells:
        i, j = index[c["from_label"]], index[c["to_label"]]
        z[i][j] = c["median_wait_hours"]
        text[i][j] = f"{fmt_hours(c['median_wait_hours'])}<br>{fmt_int(c['handoffs'])} handoff{'s' if c['handoffs'] != 1 else ''}"
    fig = go.Figure(go.Heatmap(z=z, x=[safe(r) for r in order], y=[safe(r) for r in order], text=text,
                               texttemplate="%{text}", colorscale="Oranges",
                               # the colour carries the wait: a colour bar says how (issue 13)
                               colorbar=dict(title=dict(text="Median wait (hours)", side="right"), thickness=12),
                               hoverongaps=False, xgap=2, ygap=2,
                               hovertemplate="%{y} → %{x}<br>median wait %{z:.1f} h<extra></extra>"))
    house_layout(fig, x_title="Handed to (the role that acts next); cells: median wait and handoffs", y_title="Handed from",
                 height=140 + 70 * len(order))
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None)
    fig.update_xaxes(side="bottom", showline=False)
    neck = esc["handoffs"]["bottleneck"]
    if neck:
        h = neck["handoff"]
        takeaway = (f"{h['from_label']} → {h['to_label']} is the slowest handoff: the next role acts after a median "
                    f"{fmt_hours(h['median_wait_hours'])}, against {fmt_hours(neck['others_median_wait_hours'])} for the other handoffs.")
    else:
        takeaway = "No handoff has enough observations to be ranked."
    return Chart("handoff_matrix", "escalations", "Handoff matrix: median wait before the next role acts", takeaway,
                 f"Heat map of handoffs between roles; each cell shows the median hours until the receiving role acts and "
                 f"the number of handoffs. {takeaway}", fig,
                 [{k: c[k] for k in ("from_role", "to_role", "handoffs", "tickets", "median_wait_hours", "ci_low",
                                     "ci_high", "p90_wait_hours", "total_wait_hours")} for c in cells])


def _time_colour(hours: float | None) -> str:
    """Link colour by median transition time: fast links pale sky, slow links dark blue (a scale, not a verdict)."""
    bands = ((1, "rgba(86,180,233,0.45)"), (8, "rgba(0,114,178,0.45)"), (24, "rgba(31,58,95,0.6)"))
    for limit, colour in bands:
        if hours is not None and hours < limit:
            return colour
    return "rgba(16,30,50,0.75)"


PROCESS_LABEL_CHARS = 22   # a process-map label wraps at this many characters, onto two lines at most
PROCESS_LINE_PX = 15       # one label line at 12 px type
PROCESS_NODE_X = (0.01, 0.99)   # the two columns, as shares of the plot width; labels stand outside them


def _wrap_label(text: str) -> list[str]:
    """A label on at most two lines of about PROCESS_LABEL_CHARS, broken between words ('…' when cut)."""
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > PROCESS_LABEL_CHARS:
            if len(lines) == 2:
                lines[-1] = lines[-1].rstrip() + "…"
                return lines
            lines.append("")
        lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def _column_centres(values: list[float], scale: float, pad: float) -> list[float]:
    """Centres (px from the top of the plot) of a column's nodes stacked from the top, ``pad`` apart, each
    ``value × scale`` tall: the positions plotly is given, so the labels beside them are known."""
    centres, top = [], 0.0
    for value in values:
        centres.append(top + value * scale / 2)
        top += value * scale + pad
    return centres


def process_map(context: dict) -> Chart | None:
    """The directly-follows graph as a two-column Sankey: activity -> next activity (cycles stay readable).
    Nodes stand where this function puts them, and their labels are written beside them outside the links (in the
    margins), at least a label's height apart: a label is never crossed by a link or by another label."""
    esc = _esc(context)
    if not esc or not esc["handoffs"]["transitions"]:
        return None
    limit = context["method"]["escalations"]["process_map_edges"]
    edges = esc["handoffs"]["transitions"][:limit]
    out_flow, in_flow = {}, {}
    for e in edges:
        out_flow[e["source"]] = out_flow.get(e["source"], 0) + e["count"]
        in_flow[e["target"]] = in_flow.get(e["target"], 0) + e["count"]
    sources = sorted(out_flow, key=lambda a: (-out_flow[a], a))
    # each target at the flow-weighted mean position of its sources: fewer links cross
    rank = {a: i for i, a in enumerate(sources)}
    centre_of = {t: sum(rank[e["source"]] * e["count"] for e in edges if e["target"] == t) / in_flow[t] for t in in_flow}
    targets = sorted(in_flow, key=lambda t: (centre_of[t], -in_flow[t], t))
    names = [fmt_activity(a) for a in sources] + [fmt_activity(t) for t in targets]
    wrapped = [_wrap_label(n) for n in names]
    lines = max(len(w) for w in wrapped)
    pad = PROCESS_LINE_PX * lines + 6            # px between two nodes of a column: their labels never touch
    n = max(len(sources), len(targets))
    plot_height = (n - 1) * pad + max(200, 14 * n)
    # d3-sankey's scale, which plotly uses for the nodes' heights: the fuller column fills the plot
    scale = min((plot_height - (len(col) - 1) * pad) / sum(flow[a] for a in col)
                for col, flow in ((sources, out_flow), (targets, in_flow)))
    ys = (_column_centres([out_flow[a] for a in sources], scale, pad)
          + _column_centres([in_flow[t] for t in targets], scale, pad))
    widths = [max(len(line) for line in w) for w in wrapped]
    left = 16 + 7 * max(widths[:len(sources)])
    right = 16 + 7 * max(widths[len(sources):])
    top, bottom = 56, 16
    labels = [dict(x=PROCESS_NODE_X[0] if i < len(sources) else PROCESS_NODE_X[1], y=1 - ys[i] / plot_height,
                   xref="paper", yref="paper", showarrow=False, text="<br>".join(safe(line) for line in wrapped[i]),
                   xanchor="right" if i < len(sources) else "left", xshift=-11 if i < len(sources) else 11,
                   yanchor="middle", align="right" if i < len(sources) else "left", font=dict(size=12, color="#323f4b"))
              for i in range(len(names))]
    fig = go.Figure(go.Sankey(
        arrangement="fixed",
        node=dict(label=[""] * len(names), pad=pad, thickness=14,
                  x=[PROCESS_NODE_X[0]] * len(sources) + [PROCESS_NODE_X[1]] * len(targets),
                  y=[y / plot_height for y in ys], customdata=[safe(n) for n in names],
                  color=[PALETTE["blue"]] * len(sources) + [PALETTE["sky"]] * len(targets),
                  hovertemplate="%{customdata}: %{value:,} transitions<extra></extra>"),
        link=dict(source=[sources.index(e["source"]) for e in edges],
                  target=[len(sources) + targets.index(e["target"]) for e in edges],
                  value=[e["count"] for e in edges],
                  color=[_time_colour(e["median_hours"]) if not e["from_done"] else "rgba(127,127,127,0.3)" for e in edges],
                  customdata=[[safe(fmt_activity(e["source"])), safe(fmt_activity(e["target"])), fmt_hours(e["median_hours"])]
                              for e in edges],
                  hovertemplate="%{customdata[0]} → %{customdata[1]}<br>%{value:,} times, median %{customdata[2]}<extra></extra>")))
    fig.update_layout(template="plotly_white", height=plot_height + top + bottom,
                      margin=dict(l=left, r=right, t=top, b=bottom),
                      font=dict(family="Inter, 'Helvetica Neue', Arial, sans-serif", size=12),
                      annotations=[dict(x=0, y=1.0, yshift=8, xshift=8 - left, xref="paper", yref="paper", yanchor="bottom",
                                        showarrow=False, xanchor="left", align="left",
                                        text="Activity  →  next activity of the same ticket. Link width: how often.<br>"
                                             "Colour: median time (pale blue < 1 h, blue < 8 h, dark blue < 24 h, darkest ≥ 24 h; "
                                             "grey: after resolution)", font=dict(size=11, color="#52606d"))] + labels)
    slow = esc["handoffs"]["slowest_transitions"]
    takeaway = (f"The slowest frequent transition is {fmt_activity(slow[0]['source'])} → {fmt_activity(slow[0]['target'])}: "
                f"median {fmt_hours(slow[0]['median_hours'])} over {fmt_int(slow[0]['count'])} occurrences." if slow
                else "No transition occurs often enough to be ranked by time.")
    return Chart("process_map", "escalations", "Which activity follows which (directly-follows graph)", takeaway,
                 f"Sankey diagram of the {len(edges)} most frequent transitions between consecutive activities. {takeaway}",
                 fig, esc["handoffs"]["transitions"])


def resolution_by_path(context: dict) -> Chart | None:
    esc = _esc(context)
    if not esc:
        return None
    boxes = [b for b in esc["paths"]["boxes"] if b["solved"] > 0]
    if not boxes:
        return None
    names = [safe(f"{b['path']} ({fmt_int(b['tickets'])})") for b in boxes]
    fig = go.Figure(go.Box(
        orientation="h", y=names, q1=[b["q1"] for b in boxes], median=[b["median"] for b in boxes],
        q3=[b["q3"] for b in boxes], lowerfence=[b["whisker_low"] for b in boxes],
        upperfence=[b["whisker_high"] for b in boxes], marker_color=PALETTE["blue"], fillcolor="rgba(0,114,178,0.25)",
        line=dict(color=PALETTE["blue"]), boxpoints=False, name="Resolution time"))
    house_layout(fig, x_title="Hours from creation to resolution (solved tickets, log scale)", y_title="",
                 height=120 + 52 * len(boxes))
    fig.update_xaxes(type="log", dtick=1)
    fig.update_yaxes(autorange="reversed", rangemode=None)
    fig.update_layout(showlegend=False, margin=dict(l=24))
    if esc["paths"]["slowest_path"] is None:
        takeaway = "No escalation path has enough solved tickets to name the slowest."
    else:
        slowest = esc["paths"]["boxes"][esc["paths"]["slowest_path"]]
        takeaway = (f"Tickets on the path {slowest['path']} take longest: median {fmt_hours(slowest['median'])} "
                    "to resolution.")
    return Chart("resolution_by_path", "escalations", "Resolution time by escalation path", takeaway,
                 f"Horizontal box plots of hours to resolution for the most common escalation paths. {takeaway}", fig,
                 esc["paths"]["boxes"])


def _swimlane(context: dict, which: str) -> Chart | None:
    esc = _esc(context)
    line = next((t for t in (esc or {}).get("timelines", []) if t["which"] == which), None)
    if line is None:
        return None
    lanes = [r["label"] for r in _ordered_roles(context)
             if any(r["label"] == e["role"] for e in line["events"]) or any(r["label"] == i["role"] for i in line["intervals"])]
    scale, unit = (24.0, "days") if line["resolution_hours"] > 96 else (1.0, "hours")
    fig = go.Figure()
    for kind in ("work", "wait"):
        xs, ys = [], []
        for iv in line["intervals"]:
            if iv["kind"] == kind:
                xs += [iv["start"] / scale, iv["end"] / scale, None]
                ys += [safe(iv["role"]), safe(iv["role"]), None]
        if xs:
            fig.add_scatter(x=xs, y=ys, mode="lines", name=KIND_NAMES[kind] + (" (with the role)" if kind == "work" else " (for the role)"),
                            line=dict(color=KIND_COLOURS[kind], width=14), opacity=0.55, hoverinfo="skip")
    events = line["events"]
    fig.add_scatter(x=[e["hours"] / scale for e in events], y=[safe(e["role"]) for e in events], mode="markers", name="Event",
                    marker=dict(color="#1f2933", size=8, symbol="diamond"),
                    customdata=[[safe(e["stage"]), safe(fmt_activity(e["activity"]))] for e in events],
                    hovertemplate="%{x:.1f} " + unit + ": %{customdata[1]}<br>%{y} · %{customdata[0]}<extra></extra>")
    house_layout(fig, x_title=f"{unit.capitalize()} since the ticket was created", y_title="",
                 height=150 + 55 * max(2, len(lanes)))
    fig.update_yaxes(categoryorder="array", categoryarray=[safe(lane) for lane in lanes[::-1]], rangemode=None)
    span = max([e["hours"] for e in events] + [i["end"] for i in line["intervals"]] + [1e-9]) / scale
    fig.update_xaxes(range=[-0.02 * span, 1.03 * span])
    what = "A representative escalated ticket" if which == "representative" else "The slowest escalated ticket"
    takeaway = (f"{what} ({line['ticket_id']}, path {line['path']}) was resolved after {fmt_hours(line['resolution_hours'])}"
                f"{' (events beyond the first 200 not shown)' if line['truncated'] else ''}.")
    return Chart(f"swimlane_{which}", "escalations", f"{what}: who held it when", takeaway,
                 f"Swimlane chart with one lane per role: bars show when the ticket was being worked by or waiting for "
                 f"that role, diamonds its events. {takeaway}", fig,
                 [{"hours": e["hours"], "role": e["role"], "stage": e["stage"], "activity": e["activity"], "kind": e["kind"]}
                  for e in events])


def swimlane_representative(context: dict) -> Chart | None:
    return _swimlane(context, "representative")


def swimlane_slowest(context: dict) -> Chart | None:
    return _swimlane(context, "slowest")


CHARTS = {
    "escalation_time_by_role": time_by_role,
    "escalation_stage_time": stage_time,
    "handoff_matrix": handoff_matrix,
    "process_map": process_map,
    "resolution_by_path": resolution_by_path,
    "swimlane_representative": swimlane_representative,
    "swimlane_slowest": swimlane_slowest,
}
