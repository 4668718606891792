"""The built site in a real browser (Playwright driving the system Chromium, no browser download).

The site is served from a sub-path (/repo/), as GitHub Pages serves a project site.
Screenshots of every page are written to test-artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from supportlens.pages import PAGES

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture(scope="module")
def base_url(project, tmp_path_factory):
    """Serve <tmp>/repo -> the built _site on localhost; yield http://127.0.0.1:PORT/repo/"""
    served = tmp_path_factory.mktemp("served")
    shutil.copytree(project / "_site", served / "repo")
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/repo/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    tab.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
           if response.status >= 400 else None)
    tab.problems = problems
    yield tab
    context.close()


@pytest.mark.parametrize("page_id", [p.id for p in PAGES])
def test_page_loads_cleanly_and_every_chart_draws(page, base_url, page_id):
    page.goto(urljoin(base_url, f"{page_id}.html"), wait_until="load")
    charts = page.locator(".plotly-chart")
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached", timeout=10_000)
        assert charts.nth(i).locator(".main-svg").count() > 0, f"chart {i} on {page_id} did not draw"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{page_id}.png"), full_page=True)
    assert page.problems == []


DRAW_ORDER = """
window.__drawOrder = [];
// what charts.js sees when it draws its first chart: the charts in view at that moment (the layout may still
// settle between the test's scroll and the deferred scripts running)
(function () {
  var real;
  Object.defineProperty(window, 'Plotly', {configurable: true, get: function () { return real; }, set: function (p) {
    real = p;
    scrollToLast();   // plotly.min.js has just run: charts.js, the next deferred script, has not
    var newPlot = p.newPlot;
    p.newPlot = function () {
      if (!window.__inViewAtFirstDraw) window.__inViewAtFirstDraw = inView(0);
      return newPlot.apply(this, arguments);
    };
  }});
})();
new MutationObserver(function () {
  document.querySelectorAll('.plotly-chart').forEach(function (chart) {
    if (chart.querySelector('.main-svg') && window.__drawOrder.indexOf(chart.id) < 0) {
      window.__drawOrder.push(chart.id);
    }
  });
}).observe(document, {childList: true, subtree: true});
// scroll to the last chart when plotly.min.js defines Plotly: the document is parsed and its stylesheets applied
// (a deferred script waits for them), and charts.js, the deferred script after it, has not run yet, so no chart
// can have been drawn (a scroll at the document's 'interactive' state or its stylesheet's load event could come
// after charts.js on a loaded machine)
function scrollToLast() {
  var charts = document.querySelectorAll('.plotly-chart');
  charts[charts.length - 1].scrollIntoView();
  window.__inView = inView(0);
  window.__drawnBeforeScroll = window.__drawOrder.length;
}
function inView(margin) {
  return Array.prototype.slice.call(document.querySelectorAll('.plotly-chart')).filter(function (chart) {
    var box = chart.getBoundingClientRect();
    return box.bottom > -margin && box.top < window.innerHeight + margin;
  }).map(function (chart) { return chart.id; });
}
"""


def test_the_chart_in_view_is_drawn_first_and_the_others_without_scrolling(page, base_url):
    page.add_init_script(DRAW_ORDER)
    page.goto(urljoin(base_url, "escalations.html"))
    ids = page.eval_on_selector_all(".plotly-chart", "charts => charts.map(c => c.id)")
    assert len(ids) >= 4
    page.wait_for_function(f"window.__drawOrder.length === {len(ids)}", timeout=20_000)
    order, in_view = page.evaluate("window.__drawOrder"), page.evaluate("window.__inViewAtFirstDraw")
    assert page.evaluate("window.__drawnBeforeScroll") == 0
    assert ids[0] not in in_view   # the scroll took the page away from its first chart
    assert order[0] in in_view                  # a chart in view is drawn first, though it is among the last of the page
    assert [i for i in order if i not in in_view] == [i for i in ids if i not in in_view]   # then the rest in page order
    assert page.problems == []


def test_the_bundle_registers_exactly_the_traces_its_manifest_lists(page, base_url):
    from supportlens.render.site import plotly_bundle_manifest

    page.goto(urljoin(base_url, "index.html"))
    registered = page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()")
    manifest = plotly_bundle_manifest()
    assert registered == manifest["traces"]
    assert page.evaluate("Plotly.version") == manifest["plotly.js"]


def test_every_link_resolves(page, base_url):
    checked: set[str] = set()
    for page_id in [p.id for p in PAGES] + ["404"]:
        url = urljoin(base_url, f"{page_id}.html")
        page.goto(url)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            assert not href.startswith("/"), f"{page_id}: absolute link {href} breaks under a sub-path"
            target = urljoin(url, href)
            if urlparse(target).netloc != urlparse(base_url).netloc or target in checked:
                continue
            checked.add(target)
            path, _, fragment = target.partition("#")
            response = page.request.get(path)
            assert response.status == 200, f"{page_id}: {href} -> {response.status}"
            if fragment and path.endswith(".html"):
                assert f'id="{fragment}"' in response.text(), f"{page_id}: {href} has no #{fragment}"
    assert len(checked) > 10


def test_explorer_filters_change_the_numbers(page, base_url):
    page.goto(urljoin(base_url, "explorer.html"))
    tickets = page.locator('#explorer-kpis [data-measure="tickets"]')
    # the explorer fills its tiles once assets/charts.js has drawn its two charts
    page.wait_for_function("document.querySelector('#explorer-kpis [data-measure=\"tickets\"]').textContent !== '—'")
    everything = int(tickets.inner_text().replace(",", ""))
    bars_before = page.evaluate("document.getElementById('chart-explorer_volume').data[0].y.reduce((a, b) => a + b, 0)")
    assert bars_before == everything

    page.select_option("#filter-priority", label="critical")
    critical = int(tickets.inner_text().replace(",", ""))
    assert 0 < critical < everything
    bars_after = page.evaluate("document.getElementById('chart-explorer_volume').data[0].y.reduce((a, b) => a + b, 0)")
    assert bars_after == critical

    page.select_option("#filter-from", index=10)
    narrower = int(tickets.inner_text().replace(",", ""))
    assert 0 < narrower < critical
    assert page.problems == []


def test_not_found_page_is_served_for_missing_paths(page, base_url):
    page.goto(urljoin(base_url, "404.html"))
    assert "Page not found" in page.inner_text("h1")


# --- any screen (issue 13, 7): a phone at 390 px, a desktop at 1440 px ------------------------------------------

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1440, "height": 900}


def _open(browser, base_url, page_id, viewport):
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    tab.goto(urljoin(base_url, f"{page_id}.html"), wait_until="load")
    charts = tab.locator(".plotly-chart")
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached", timeout=10_000)
    return context, tab


@pytest.mark.parametrize("page_id", [p.id for p in PAGES])
def test_no_page_scrolls_sideways_on_a_phone(browser, base_url, page_id):
    context, tab = _open(browser, base_url, page_id, PHONE)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{page_id}-390.png"), full_page=True)
        width = tab.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        wider = tab.evaluate("""() => Array.from(document.querySelectorAll('main *')).filter(e => {
            const box = e.getBoundingClientRect(); return box.width > 0 && box.right > window.innerWidth + 1
              && !e.closest('.table-wrap, .chart-table, pre');
          }).slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert width <= PHONE["width"], f"{page_id}: {width} px of content in {PHONE['width']} px ({wider})"
    finally:
        context.close()


def _tiles_in_first_row(tab) -> int:
    tops = tab.eval_on_selector_all(".kpi-grid .kpi-tile", "tiles => tiles.map(t => Math.round(t.getBoundingClientRect().top))")
    return tops.count(tops[0]) if tops else 0


def test_kpi_tiles_stand_two_a_row_on_a_phone_and_five_on_a_desktop(browser, base_url):
    for viewport, expected in ((PHONE, 2), (DESKTOP, 5)):
        context, tab = _open(browser, base_url, "index", viewport)
        try:
            if tab.locator(".kpi-grid .kpi-tile").count() >= expected:
                assert _tiles_in_first_row(tab) == expected, viewport
        finally:
            context.close()


def test_tables_use_the_width_of_a_desktop(browser, base_url):
    context, tab = _open(browser, base_url, "drivers", DESKTOP)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "drivers-1440.png"), full_page=True)
        widths = tab.eval_on_selector_all("main .table-wrap > table", "tables => tables.filter(t => t.offsetParent).map(t => t.getBoundingClientRect().width)")
        # the column beside the page contents, not a strip in the middle of an empty screen (was 67%)
        assert widths and min(widths) >= 0.75 * DESKTOP["width"], widths
    finally:
        context.close()


def test_the_chart_toolbar_shows_only_while_the_pointer_is_on_its_chart(browser, base_url):
    context, tab = _open(browser, base_url, "sla", DESKTOP)
    try:
        chart = tab.locator(".plotly-chart").first
        toolbar = chart.locator(".modebar-container")
        tab.mouse.move(0, 0)
        assert toolbar.evaluate("e => getComputedStyle(e).opacity") == "0"
        chart.hover()
        tab.wait_for_function("el => getComputedStyle(el).opacity === '1'", arg=toolbar.element_handle(), timeout=5_000)
    finally:
        context.close()
