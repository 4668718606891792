"""The partial plotly.js bundle the site ships holds every trace type the charts draw.

A partial bundle draws nothing (a console error, a blank chart) for a trace type it lacks, so a new chart
using, say, a pie must fail here until the bundle is rebuilt with it (CONTRIBUTING.md, `make plotly-bundle`).
The browser test checks that the bundle really registers the traces its manifest lists.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from supportlens.pages import PAGES
from supportlens.render.site import PLOTLY_BUNDLE, plotly_bundle_manifest
from support import ROOT

CHARTS = ROOT / "src" / "supportlens" / "charts"
SPEC = re.compile(r'<script type="application/json" class="chart-spec" data-chart="([^"]+)">(.*?)</script>', re.S)
TRACE_CLASSES = {name: getattr(go, name) for name in go.__all__
                 if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)}
TRACE_TYPES = {cls().type for cls in TRACE_CLASSES.values()}
REBUILD = "add it to TRACES in scripts/plotly-bundle/build.mjs and run `make plotly-bundle`"


def site_trace_types(site: Path) -> dict[str, set[str]]:
    """trace type -> the charts (element ids) of the built site that draw it, read from the shipped specs."""
    used: dict[str, set[str]] = {}
    for page in PAGES:
        for chart_id, payload in SPEC.findall((site / f"{page.id}.html").read_text(encoding="utf-8")):
            for trace in json.loads(payload)["data"]:
                used.setdefault(trace.get("type", "scatter"), set()).add(chart_id)
    return used


def source_trace_types(source: str) -> set[str]:
    """Trace types a charts module names: ``go.Bar(...)``, ``fig.add_bar(...)`` (not add_hline, add_shape ...)."""
    classes = {TRACE_CLASSES[name]().type for name in re.findall(r"\bgo\.([A-Z]\w*)\(", source) if name in TRACE_CLASSES}
    adders = {name for name in re.findall(r"\.add_([a-z0-9]+)\(", source) if name in TRACE_TYPES}
    return classes | adders


def test_the_bundle_is_the_one_its_manifest_describes():
    manifest = plotly_bundle_manifest()
    bundle = PLOTLY_BUNDLE.read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == manifest["sha256"], "rebuild with `make plotly-bundle`, never edit it"
    assert len(bundle) == manifest["bytes"]
    header = bundle[:600].decode()
    assert f"plotly.js v{manifest['plotly.js']}" in header and "Licensed under the MIT license" in header
    assert ", ".join(manifest["traces"]) in header
    assert (PLOTLY_BUNDLE.parent / "plotly.js-LICENSE.txt").read_text().startswith("MIT License")


def test_the_bundle_is_the_plotly_js_the_python_figures_are_made_for():
    # plotly (Python) validates each figure against the schema of the plotly.js it ships; the site must draw
    # them with that same version. After upgrading plotly, bump plotly.js in scripts/plotly-bundle/package.json.
    assert plotly_bundle_manifest()["plotly.js"] == get_plotlyjs_version()


def test_the_trace_scan_finds_what_a_chart_module_names():
    source = "fig = go.Figure(go.Pie(labels=a)); fig.add_bar(x=1); fig.add_hline(y=0); fig.add_trace(go.Sankey())"
    assert source_trace_types(source) == {"pie", "bar", "sankey"}
    assert source_trace_types("fig.add_vline(x=0); fig.add_shape(type='rect'); go.Figure()") == set()


@pytest.mark.parametrize("module", sorted(CHARTS.glob("*.py")), ids=lambda path: path.name)
def test_every_trace_type_a_chart_module_names_is_in_the_bundle(module):
    missing = source_trace_types(module.read_text(encoding="utf-8")) - set(plotly_bundle_manifest()["traces"])
    assert not missing, f"{module.name} draws {sorted(missing)}, which the site's plotly bundle lacks: {REBUILD}"


@pytest.mark.e2e
def test_every_chart_of_the_built_site_draws_only_bundled_trace_types(project):
    used = site_trace_types(project / "_site")
    assert {"bar", "scatter", "heatmap", "box", "sankey"} <= set(used)   # the sample draws every bundled type
    missing = {trace: sorted(charts) for trace, charts in used.items() if trace not in plotly_bundle_manifest()["traces"]}
    assert not missing, f"charts draw trace types the site's plotly bundle lacks ({missing}): {REBUILD}"


# plotly's random ids in an SVG: clip paths, defs, traces, legends, colour bars and their gradients
# ("clip8403d6xyplot", "cb22b9f4", "g29ed6d-cb...")
_RANDOM_IDS = re.compile(rb"(clip|defs-|topdefs-|trace|legend|cb|\bg(?=[0-9a-f]{6}-))[0-9a-f]{6}")


def _same_form(svg: bytes) -> str:
    """An SVG with plotly's random ids replaced and its attributes in one order (canonical XML): the browser writes
    an element's attributes in the order they were set, which varies from one drawing to the next (``viewBox``
    before or after ``style``) and does not change what is drawn."""
    from xml.etree.ElementTree import canonicalize

    return canonicalize(_RANDOM_IDS.sub(rb"\1ID", svg).decode())


def _svgs(figures: list[go.Figure], **kopts) -> list[bytes]:
    """The figures as SVG from one Kaleido browser (its page reloaded between charts). A chart sent while the
    reloaded page has not yet defined its scripts fails with "kaleido_scopes is not defined" and is sent again,
    as the build's ChartBrowser.draw does (a race of Kaleido's, seen under load)."""
    import asyncio

    import kaleido

    async def one(browser, figure) -> bytes:
        for attempt in range(20):
            try:
                return await browser.calc_fig(figure, opts={"format": "svg", "width": 700, "height": 360})
            except Exception as error:  # noqa: BLE001 -- only the page's loading race is retried
                if "kaleido_scopes" not in str(error) or attempt == 19:
                    raise
                await asyncio.sleep(0.5)
        raise AssertionError("unreachable")

    async def draw() -> list[bytes]:
        async with kaleido.Kaleido(**kopts) as browser:
            return [await one(browser, figure) for figure in figures]

    return [_same_form(svg) for svg in asyncio.run(draw())]


def _figures() -> list[go.Figure]:
    """A figure of every bundled trace type, with a legend and a colour bar."""
    figures = [
        go.Figure([go.Bar(x=["Tier 1", "Tier 2"], y=[3, 5], name="Solved"),
                   go.Scatter(x=["Tier 1", "Tier 2"], y=[4, 2], name="Reopened", mode="lines+markers")],
                  layout={"title": {"text": "Tickets"}, "legend": {"orientation": "h"}}),
        go.Figure(go.Box(y=[1, 2, 2, 3, 9], boxpoints="all", name="Hours")),
        go.Figure(go.Heatmap(z=[[1, 2], [3, 4]], x=["a", "b"], y=["c", "d"], colorbar={"title": {"text": "n"}})),
        go.Figure(go.Sankey(node={"label": ["New", "Tier 2", "Solved"]},
                            link={"source": [0, 0, 1], "target": [1, 2, 2], "value": [2, 3, 2]})),
    ]
    assert {trace.type for figure in figures for trace in figure.data} == set(plotly_bundle_manifest()["traces"])
    return figures


@pytest.mark.e2e
def test_the_pdf_charts_page_draws_the_same_svgs_as_kaleidos_full_plotly():
    # the static charts are drawn on a page with the site's bundle instead of the full plotly.js (render/pdf.py
    # page_scripts): every bundled trace type, with a legend and a colour bar, must come out byte for byte the same
    from supportlens.render.pdf import find_browser, page_scripts

    assert page_scripts()["plotlyjs"] == str(PLOTLY_BUNDLE)
    path = find_browser()
    assert _svgs(_figures(), path=path, **page_scripts()) == _svgs(_figures(), path=path)


@pytest.mark.e2e
def test_the_build_s_browser_draws_on_one_page_the_svgs_of_a_page_reloaded_for_each_chart():
    # the build's browser loads its page once and draws every chart on it (render/pdf.py ChartBrowser); each chart,
    # drawn after the others, must come out as on a fresh page: twice over, so each follows charts of every type
    from supportlens.render.pdf import chart_browser, find_browser, page_scripts

    figures = _figures() * 2
    with chart_browser() as browser:
        drawn = [_same_form(browser.draw(figure, {"format": "svg", "width": 700, "height": 360}))
                 for figure in figures]
    assert drawn == _svgs(figures, path=find_browser(), **page_scripts())
