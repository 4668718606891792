"""Shared pieces of every chart: the Chart record, the palette and the house layout.

Each chart has a title, axis titles with units, a one-line takeaway, alt text
and the data table behind it (for the downloads). The site embeds the figure
interactively; the PDF gets a static SVG of the same figure.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..colours import OKABE_ITO, PRIORITY_COLOURS, SERIES, STATUS  # noqa: F401 -- re-exported for the chart modules


# the one colour system (supportlens/colours.py): status colours for verdicts, the rest of Okabe–Ito for series
PALETTE = OKABE_ITO


@dataclass(frozen=True)
class Chart:
    id: str
    page: str
    title: str
    takeaway: str
    alt: str
    figure: go.Figure
    table: list[dict]     # the data behind the chart, one dict per row
    wide: bool = False    # printed on a landscape page (heatmaps, long axes)
    # printed in place of ``figure`` when it is too tall for one page: consecutive parts of it, each fitting a page
    print_parts: tuple[go.Figure, ...] = ()
    keep_when_blank: bool = False   # drawn even when all zero (the explorer's charts, which the filters redraw)

    @property
    def blank(self) -> bool:
        """True when every number the traces plot is zero or missing: drawn, the chart would look empty
        (an export where nothing breached, nothing is open, no dimension is testable)."""
        return not self.keep_when_blank and not any(_plotted_numbers(self.figure))

    def print_figures(self) -> dict[str, go.Figure]:
        """The static figures the PDF shows for this chart, by SVG file stem: the figure, or its parts (none when blank)."""
        if self.blank:
            return {}
        if not self.print_parts:
            return {self.id: self.figure}
        return {f"{self.id}-{n}": part for n, part in enumerate(self.print_parts, start=1)}


_PLOTTED = ("x", "y", "z", "values", "q1", "median", "q3", "lowerfence", "upperfence")   # box traces carry their statistics


def _numbers(values) -> Iterator[float]:
    """The non-zero real numbers in a (nested) sequence: category labels, dates and gaps are skipped."""
    for v in values:
        if isinstance(v, (list, tuple, np.ndarray)):
            yield from _numbers(v)   # heatmap rows
        elif isinstance(v, numbers.Real) and not isinstance(v, bool) and not math.isnan(v) and v != 0:
            yield v


def _plotted_numbers(figure: go.Figure) -> Iterator[float]:
    """The non-zero numbers a figure's traces plot."""
    for trace in figure.data:
        for key in _PLOTTED:
            values = getattr(trace, key, None) if key in trace else None
            if values is not None:
                yield from _numbers(values if isinstance(values, (list, tuple, np.ndarray)) else [values])
        link = getattr(trace, "link", None) if "link" in trace else None
        if link is not None and link.value is not None:
            yield from _numbers(link.value)


def _use_template(fig: go.Figure, name: str) -> None:
    """``fig.layout.template = name`` as Plotly sets its default template on a new figure: the registered
    template is already validated, so it is not validated again (that validation was most of house_layout)."""
    import plotly.io as pio

    layout = fig.layout
    layout._validate = False
    try:
        layout.template = pio.templates[name]
    finally:
        layout._validate = fig._validate


def house_layout(fig: go.Figure, *, x_title: str, y_title: str, y_format: str | None = None, height: int = 380) -> go.Figure:
    _use_template(fig, "plotly_white")
    fig.update_layout(
        height=height, margin=dict(l=64, r=24, t=24, b=56),
        font=dict(family="Inter, 'Helvetica Neue', Arial, sans-serif", size=13, color="#1f2933"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font_size=12), colorway=SERIES,
    )
    fig.update_xaxes(title_text=x_title, showline=True, linecolor="#9aa5b1")
    fig.update_yaxes(title_text=y_title, rangemode="tozero", gridcolor="#e4e7eb")
    if y_format:
        fig.update_yaxes(tickformat=y_format)
    return fig


def cap_share_axes(fig: go.Figure) -> go.Figure:
    """A share axis (ticks in %) whose values are shares (0–1) ends at 100%: the padding Plotly adds above the
    highest value would otherwise draw a 110% gridline no rate can reach. An axis with a range of its own is kept."""
    for name in [key for key in fig.layout.to_plotly_json() if key.startswith(("xaxis", "yaxis"))]:
        axis = fig.layout[name]
        if "%" not in (axis.tickformat or "") or axis.range is not None or axis.type == "log":
            continue
        letter, ref = name[0], name[0] + name[5:]   # 'yaxis2' -> 'y2'
        values: list[float] = []
        for trace in fig.data:
            if (trace[f"{letter}axis"] if f"{letter}axis" in trace else None) not in (None, ref):
                continue
            plotted = list(_numbers(trace[letter])) if letter in trace and trace[letter] is not None else []
            values += plotted
            error = trace[f"error_{letter}"] if f"error_{letter}" in trace else None
            if plotted and error is not None and error.array is not None:
                ups = list(trace[letter])
                values += [v + e for v, e in zip(ups, error.array)
                           if isinstance(v, numbers.Real) and isinstance(e, numbers.Real)]
        if not values or min(values) < 0 or max(values) > 1 + 1e-9:
            continue
        if max(values) * 1.06 > 1:      # Plotly's padding would pass 100%
            axis.range = [0, 1]
    return fig


COLOUR_KEY = "colour-key"   # the legend group of colour_key's legend-only squares


def colour_key(fig: go.Figure, entries: tuple[tuple[str, str], ...]) -> go.Figure:
    """A legend for colours that carry meaning in a single trace (a bar red when it differs clearly, grey when not):
    one legend-only square per (colour, meaning), the data traces kept out of the legend. The squares carry no data
    and are marked ``legendgroup=COLOUR_KEY`` so a check of the data traces can tell them apart."""
    for trace in fig.data:
        trace.showlegend = False
    for colour, meaning in entries:
        fig.add_scatter(x=[None], y=[None], mode="markers", name=meaning, hoverinfo="skip", legendgroup=COLOUR_KEY,
                        marker=dict(color=colour, symbol="square", size=11))
    fig.update_layout(showlegend=True)
    return fig


def kpi_target(context: dict, kpi_id: str) -> float | None:
    """The target of a headline KPI, the field its tile shows (a chart never reads the configuration)."""
    return next((k["target"] for k in context["kpis"] if k["id"] == kpi_id), None)


CHAR_WIDTH = 0.58   # the width of an average character of the house font, in font sizes (Helvetica/DejaVu ≈ 0.55–0.6)


def wrap_label(text: str, chars: int) -> str:
    """``text`` broken at spaces into lines of at most ``chars`` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def fit_axis_titles(fig: go.Figure, width: int, height: int) -> go.Figure:
    """Wrap each axis title longer than its axis onto more lines and let the margins grow to hold it, so no
    title is cut at the edge of a static chart of ``width`` × ``height`` px (a copy; the site's figure is kept)."""
    return go.Figure(fit_axis_titles_spec(fig.to_dict(), width, height))


def fit_axis_titles_spec(spec: dict, width: int, height: int) -> dict:
    """``fit_axis_titles`` on a figure given as its JSON (``json.loads(figure.to_json())``, or ``to_dict()``): the
    static charts are drawn from it, without the cost of building a copy of the figure's objects. A copy; only the
    layout's axes are new objects."""
    layout = dict(spec.get("layout") or {})
    margin = layout.get("margin") or {}
    font = layout.get("font") or {}
    base_size = font.get("size") or 12
    # category labels on a y axis push the plot right (automargin) and the centred x title with it
    labels = [len(str(v)) for trace in spec.get("data") or () if isinstance(trace.get("y"), (list, tuple, np.ndarray))
              for v in trace["y"] if isinstance(v, str)]
    left = max(margin["l"] if margin.get("l") is not None else 80, (max(labels) if labels else 0) * base_size * CHAR_WIDTH + 28)
    plot_w = width - left - (margin["r"] if margin.get("r") is not None else 80)
    plot_h = height - (margin["t"] if margin.get("t") is not None else 100) - (margin["b"] if margin.get("b") is not None else 80)
    for name in [key for key in layout if key.startswith(("xaxis", "yaxis"))]:
        axis = layout[name] = dict(layout[name] or {})
        title = axis.get("title") or {}
        text = title.get("text")
        if not text or "<br>" in text:
            continue
        low, high = axis.get("domain") or (0, 1)
        room = (high - low) * (plot_w if name.startswith("x") else plot_h)
        size = (title.get("font") or {}).get("size") or base_size
        chars = max(12, int(room / (size * CHAR_WIDTH)))
        if len(text) > chars:
            axis["title"] = {**title, "text": wrap_label(text, chars)}
        axis["automargin"] = True
    return {**spec, "layout": layout}


def _nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 × 10^k at least ``raw``: a tick step a reader reads at a glance."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def aligned_ticks(left: list[float | None], right: list[float | None]) -> tuple[dict, dict]:
    """Axis settings for a dual-axis chart: round ticks (1, 2 or 5 × 10^k) from zero on both axes, the same
    number of intervals on each so their grid lines coincide; the count (4–6) wastes the least height."""
    tops = [max([v for v in values if v is not None] or [0]) or 1.0 for values in (left, right)]
    best = min(((sum(n * _nice_step(top / n) / top for top in tops), n) for n in (4, 5, 6)))[1]
    steps = [_nice_step(top / best) for top in tops]
    return tuple(dict(tickmode="linear", tick0=0, dtick=step, range=[0, best * step]) for step in steps)


_POSITIONS = (("top center", 0.0, 1.0), ("bottom center", 0.0, -1.0), ("middle right", 1.0, 0.0), ("middle left", -1.0, 0.0),
              ("top right", 1.0, 1.0), ("top left", -1.0, 1.0), ("bottom right", 1.0, -1.0), ("bottom left", -1.0, -1.0))


def label_positions(xs: list[float], ys: list[float], texts: list[str], width: int = 640, height: int = 300,
                    size: int = 13) -> list[str]:
    """A ``textposition`` for each labelled point of a scatter so that no two labels overlap: each label, in the
    order given, takes the first place around its point (above, below, right, left, then the corners) clear of
    the labels placed before it. ``width`` × ``height`` is the plot area in px (the data span fills it)."""
    def span(values):
        present = [v for v in values if v is not None]
        low, high = (min(present), max(present)) if present else (0.0, 1.0)
        return low, (high - low) or 1.0

    (x0, dx), (y0, dy) = span(xs), span(ys)
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    for x, y, text in zip(xs, ys, texts):
        px, py = ((x or 0) - x0) / dx * width, ((y or 0) - y0) / dy * height
        w, h = len(text) * size * CHAR_WIDTH, size * 1.2
        for name, sx, sy in _POSITIONS:
            cx, cy = px + sx * (w / 2 + 8), py + sy * (h / 2 + 8)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        else:
            name, box = "top center", (px - w / 2, py, px + w / 2, py + h)
        placed.append(box)
        chosen.append(name)
    return chosen
