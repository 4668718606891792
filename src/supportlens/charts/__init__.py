"""The one place charts are made: chart id -> function(context) -> Chart.

Each page's charts live in a module of this package with a ``CHARTS`` dict (id -> function);
the modules are found here without a list to keep. ``REGISTRY`` holds the charts the pages
declare (``supportlens/pages.py``, ``Page.charts``), in page order. Every chart has a title,
axis titles with units, a one-line takeaway, alt text and the data table behind it (for the
downloads). The site embeds the figure interactively; the PDF gets a static SVG of it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from ..pages import PAGES
from .base import PALETTE, Chart, cap_share_axes

ChartFunction = Callable[[dict], "Chart | None"]


def chart_functions() -> dict[str, ChartFunction]:
    """Every chart function of the chart modules (``charts/<name>.py:CHARTS``), by chart id."""
    found: dict[str, ChartFunction] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for chart_id, function in getattr(module, "CHARTS", {}).items():
            if chart_id in found:
                raise RuntimeError(f"chart id {chart_id!r} is defined twice (charts/{module_info.name}.py and another module)")
            found[chart_id] = function
    return found


def _registry() -> dict[str, ChartFunction]:
    functions = chart_functions()
    missing = [(page.id, chart_id) for page in PAGES for chart_id in page.charts if chart_id not in functions]
    if missing:
        raise RuntimeError("pages.py declares charts no module of charts/ defines: "
                           + ", ".join(f"{chart_id} (page {page})" for page, chart_id in missing))
    return {chart_id: functions[chart_id] for page in PAGES for chart_id in page.charts}


REGISTRY: dict[str, ChartFunction] = _registry()


def build_charts(context: dict) -> dict[str, Chart]:
    """Every chart the context has data for (a chart function returns None when its analysis was skipped)."""
    charts = {chart_id: make(context) for chart_id, make in REGISTRY.items()}
    for chart in charts.values():
        if chart is not None:
            for figure in (chart.figure, *chart.print_parts):
                cap_share_axes(figure)   # no rate axis past 100%
    return {chart_id: chart for chart_id, chart in charts.items() if chart is not None}


__all__ = ["PALETTE", "REGISTRY", "Chart", "build_charts", "chart_functions"]
