"""`make bench`: time `supportlens build` (site + PDF) on 50k and 500k simulated tickets.

Wall time and peak memory come from /usr/bin/time -v; the figures are written to
bench/results.json and printed. Sample data is cached in bench/data/ (ignored by git).
Usage: python bench/run.py [--sizes 50000,500000]
       python bench/run.py --pages [--site PATH]   (only the page timings in Chromium; see bench_pages)
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def timed(command: list[str], cwd: Path) -> dict:
    result = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr).group(1)
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {"wall_seconds": round(seconds, 2), "peak_memory_mb": round(peak_kb / 1024, 1)}


def bench_build(tickets: int) -> dict:
    data = BENCH / "data" / f"{tickets}"
    if not (data / "tickets.csv").exists():
        print(f"simulating {tickets:,} tickets …", flush=True)
        subprocess.run([sys.executable, "-m", "supportlens.cli", "sample", "--tickets", str(tickets),
                        "--seed", "7", "--out", str(data)], cwd=ROOT, check=True)
    config = BENCH / "data" / f"config-{tickets}.yml"
    config.write_text(json.dumps({
        "data": {t: str(data / f"{t}.csv") for t in ("tickets", "events", "accounts", "agents")},
        "render": {"engine": "builtin", "site_dir": str(BENCH / "out" / f"{tickets}" / "_site"),
                   "report_dir": str(BENCH / "out" / f"{tickets}" / "report")},
    }))
    print(f"building the report from {tickets:,} tickets …", flush=True)
    figures = timed([sys.executable, "-m", "supportlens.cli", "build", "--config", str(config)], ROOT)
    return {"tickets": tickets, **figures}


PAGE_TIMING_SCRIPT = """
window.__timing = {plotlyReady: null, firstChart: null, firstChartPainted: null, allCharts: null};
(function () {
  var plotly;   // the moment plotly.min.js has been evaluated is the moment it assigns the global Plotly
  Object.defineProperty(window, 'Plotly', {configurable: true, get: function () { return plotly; },
    set: function (value) { if (window.__timing.plotlyReady === null) window.__timing.plotlyReady = performance.now(); plotly = value; }});
  new MutationObserver(function (_, observer) {
    var charts = document.querySelectorAll('.plotly-chart');
    var drawn = document.querySelectorAll('.plotly-chart .main-svg');
    if (drawn.length && window.__timing.firstChart === null) {
      window.__timing.firstChart = performance.now();
      // the next animation frame is the one that paints the chart: its callbacks run in the same rendering
      // step, right before the paint (a timeout would also wait for any task queued before it)
      requestAnimationFrame(function () { window.__timing.firstChartPainted = performance.now(); });
    }
    var complete = Array.prototype.every.call(charts, function (chart) { return chart.querySelector('.main-svg'); });
    if (charts.length && complete) { window.__timing.allCharts = performance.now(); observer.disconnect(); }
  }).observe(document, {childList: true, subtree: true});
})();
"""


def bench_pages(site: Path, loads: int = 5) -> list[dict]:
    """Each page in headless Chromium, cold (a fresh browser context per load), served from a local server;
    the median of ``loads`` loads, in ms after navigation start:

    plotly_ready_ms      plotly.min.js fetched, parsed and evaluated (``Plotly`` defined)
    first_chart_ms       the first chart's SVG is in the page (the end of its ``Plotly.newPlot``)
    first_chart_painted_ms  the frame that paints it (its requestAnimationFrame callbacks, just before the paint)
    all_charts_ms        every chart of the page has its SVG
    load_event_ms        the load event has finished
    and ``kilobytes``, the size of the HTML page (plotly.min.js and assets/ are shared by all pages)."""
    import functools
    import http.server
    import shutil
    import statistics
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    keys = ("plotly_ready_ms", "first_chart_ms", "first_chart_painted_ms", "all_charts_ms", "load_event_ms")
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for html in sorted(site.glob("*.html")):
            samples: dict[str, list[float]] = {key: [] for key in keys}
            for _ in range(loads):
                page = browser.new_page(viewport={"width": 1366, "height": 900})
                page.add_init_script(PAGE_TIMING_SCRIPT)
                page.goto(base + html.name, wait_until="load")
                if page.locator(".plotly-chart").count():
                    page.wait_for_function("window.__timing.allCharts !== null && window.__timing.firstChartPainted !== null",
                                           timeout=60_000)
                timing = page.evaluate("window.__timing")
                timing["loadEvent"] = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                for key, name in zip(keys, ("plotlyReady", "firstChart", "firstChartPainted", "allCharts", "loadEvent")):
                    if timing[name] is not None:
                        samples[key].append(timing[name])
                page.close()
            results.append({"page": html.name, "kilobytes": round(html.stat().st_size / 1024, 1),
                            **{key: round(statistics.median(values)) if values else None for key, values in samples.items()}})
        browser.close()
    server.shutdown()
    return results


def bench_risk_model(tickets: int) -> dict:
    """Wall time of the breach-risk model alone (features, three models, bootstrap, importance)."""
    data = BENCH / "data" / f"{tickets}"
    script = (
        "import time, json\n"
        "from supportlens.config import Config\n"
        "from supportlens.ingest import load_dataset\n"
        "from supportlens.analysis.period import reporting_period\n"
        "from supportlens.analysis.sla import ticket_clocks\n"
        "from supportlens.analysis.staffing import agents_on_shift\n"
        "from supportlens.analysis.risk import risk_model\n"
        f"config = Config.model_validate({{'data': {{t: '{data}/' + t + '.csv' for t in ('tickets', 'events', 'accounts', 'agents')}}}})\n"
        "dataset = load_dataset(config)\n"
        "period = reporting_period(dataset.tickets, config.period)\n"
        "clocks = ticket_clocks(dataset.tickets, config.sla, period.as_of)\n"
        "schedule, _ = agents_on_shift(dataset, None)\n"
        "started = time.perf_counter()\n"
        "model = risk_model(clocks, dataset.accounts, schedule, period.as_of, config)\n"
        "print(json.dumps({'risk_model_seconds': round(time.perf_counter() - started, 2),\n"
        "                  'training_tickets': model.training_tickets}))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    return {"tickets": tickets, **json.loads(result.stdout.strip().splitlines()[-1])}


def bench_noop_make() -> dict:
    """`make report` with nothing changed: Make's dependency check only."""
    subprocess.run(["make", "report"], cwd=ROOT, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run(["make", "report"], cwd=ROOT, check=True, capture_output=True, text=True)
    return {"wall_seconds": round(time.perf_counter() - started, 2), "output": result.stdout.strip()}


def pages_only(site: Path | None) -> None:
    """Time the pages of ``site`` (default: the 50k bench build, built first when absent) and update only the
    ``pages`` entry of bench/results.json when the bench build was measured."""
    measured = site or BENCH / "out" / "50000" / "_site"
    if site is None and not (measured / "index.html").exists():
        bench_build(50000)
    pages = bench_pages(measured)
    bundle = measured / "plotly.min.js"
    summary = {"site": str(measured), "plotly_js_kilobytes": round(bundle.stat().st_size / 1024, 1), "pages": pages}
    if site is None and (BENCH / "results.json").exists():
        results = json.loads((BENCH / "results.json").read_text())
        results["pages"], results["plotly_js_kilobytes"] = pages, summary["plotly_js_kilobytes"]
        (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,500000")
    parser.add_argument("--pages", action="store_true",
                        help="only time the pages in the browser (of the 50k bench build, built when absent)")
    parser.add_argument("--site", type=Path, help="with --pages: time this built _site folder instead")
    args = parser.parse_args()
    if args.pages:
        pages_only(args.site)
        return
    results = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "platform": platform.platform()},
        "builds": [bench_build(int(n)) for n in args.sizes.split(",")],
        "risk_model": [bench_risk_model(int(n)) for n in args.sizes.split(",")],
    }
    smallest = min(int(n) for n in args.sizes.split(","))
    results["pages"] = bench_pages(BENCH / "out" / f"{smallest}" / "_site")
    results["plotly_js_kilobytes"] = round((BENCH / "out" / f"{smallest}" / "_site" / "plotly.min.js").stat().st_size / 1024, 1)
    results["make_report_nothing_changed"] = bench_noop_make()
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
