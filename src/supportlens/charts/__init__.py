"""The one place charts are made: chart id -> function(context) -> Chart.

Each page's charts live in a module of this package with a ``CHARTS`` dict;
``REGISTRY`` joins them. Every chart has a title, axis titles with units, a
one-line takeaway, alt text and the data table behind it (for the downloads).
The site embeds the figure interactively; the PDF gets a static SVG of it.
"""

from __future__ import annotations

from collections.abc import Callable

from . import (accounts, communication, drivers, escalations, explorer, recommendations, risk, sla, staffing, summary, trends, workload)
from .base import PALETTE, Chart

REGISTRY: dict[str, Callable[[dict], Chart | None]] = {
    **summary.CHARTS, **sla.CHARTS, **drivers.CHARTS, **trends.CHARTS, **accounts.CHARTS, **workload.CHARTS,
    **staffing.CHARTS, **risk.CHARTS, **recommendations.CHARTS, **escalations.CHARTS, **communication.CHARTS,
    **explorer.CHARTS,
}


def build_charts(context: dict) -> dict[str, Chart]:
    """Every chart the context has data for (a chart function returns None when its analysis was skipped)."""
    charts = {chart_id: make(context) for chart_id, make in REGISTRY.items()}
    return {chart_id: chart for chart_id, chart in charts.items() if chart is not None}


__all__ = ["PALETTE", "REGISTRY", "Chart", "build_charts"]
