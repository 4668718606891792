"""`make bench`: CPU seconds, wall time and peak memory of `supportlens build` (site + PDF) on simulated
organisations of 50k, 1M and 10M tickets with their events, beside ydata-profiling's minimal profile of the
same 50k tickets file (a generic profiler, as the yardstick).

Every figure is a whole process measured by /usr/bin/time -v: CPU seconds (user + system, the stable figure on a
shared machine), wall seconds and peak resident memory. Per size: writing the sample (`supportlens sample`), a
cold build (no cache), and for the smallest size also rebuilds after a template-only change (a project template
override, so ingest and analysis come from the build cache): to a page printed in the appendix (that PDF is
written again) and to a page only the site shows (no PDF is written again); and a rebuild with nothing changed,
and a cold build of the site alone (`--no-pdf`); and, for 50k, the PDFs' share of that cold build alone (its
static charts and two PDFs from its finished context: what no faster ingest or analysis can take off it). A size
whose sample or build peak, estimated from the smaller sizes measured (the line through the two largest), would
pass 90% of the memory available when it starts is not attempted, and one that passes that limit while it runs
is stopped (both said in "not_attempted"). The figures go to bench/results.json (merged: sizes not run keep
their last figures) and are printed; BENCH_NO_PAGES=1 skips the page timings in Chromium.
Sample data is kept in bench/data/ and builds in bench/out/ (both ignored by git).

Usage: python bench/run.py [--sizes 50k,1m,10m] [--profiler-python PATH] [--no-profiler]
       python bench/run.py --ratio-runs 5   (only rounds of the 50k build, its PDFs alone and ydata-profiling)
       python bench/run.py --pages [--site PATH]   (only the page timings in Chromium; see bench_pages)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PROFILER_PYTHON = ROOT / ".venv" / "profiler" / "bin" / "python"   # `make bench` installs ydata-profiling there
BUILD = [sys.executable, "-m", "supportlens.cli", "build", "--config", "supportlens.yml"]   # in a project folder
TEMPLATE_CHANGE = "\n\nThis sentence was added by the benchmark's template-only change.\n"


def parse_size(text: str) -> int:
    """'50k' -> 50000, '1m' -> 1000000, '10M' -> 10000000, '2500' -> 2500."""
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


class MemoryLimit(Exception):
    """A benchmarked command stopped because its processes' resident memory passed the limit."""


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants (MB), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            total += int(next(line for line in Path(f"/proc/{current}/status").read_text().splitlines()
                              if line.startswith("VmRSS")).split()[1])
        except (OSError, StopIteration):
            continue
    return total / 1024


def available_mb() -> float:
    """Memory available now (MemAvailable): on a shared machine, less than the machine has."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20


def timed(command: list[str], cwd: Path, env: dict | None = None, limit_mb: float | None = None) -> dict:
    """CPU seconds (user + system), wall seconds and peak RSS of ``command`` from /usr/bin/time -v. With
    ``limit_mb``, the command and its children are stopped (``MemoryLimit``) when their resident memory passes it
    (polled every second): a size too large for the machine fails alone instead of taking the machine down."""
    # the repository's own code, whatever the folder the command runs in
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(["/usr/bin/time", "-v", *command], cwd=cwd, stdout=out, stderr=err, text=True,
                                   env={**os.environ, "PYTHONPATH": path, **(env or {})}, start_new_session=True)
        highest = 0.0
        while process.poll() is None:
            if limit_mb is not None:
                highest = max(highest, _tree_rss_mb(process.pid))
                if highest > limit_mb:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    raise MemoryLimit(f"stopped at {highest / 1024:.1f} GB resident, over the limit of "
                                      f"{limit_mb / 1024:.1f} GB")
            time.sleep(1.0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode != 0:
        sys.stderr.write(stdout[-3000:] + stderr[-3000:])
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    field = lambda name: re.search(rf"{re.escape(name)}: (\S+)", stderr).group(1)  # noqa: E731
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.split(":"))))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    return {"cpu_seconds": round(cpu, 2), "wall_seconds": round(seconds, 2),
            "peak_memory_mb": round(int(field("Maximum resident set size (kbytes)")) / 1024, 1)}


def estimated_peak_mb(builds: dict, tickets: int, step: str) -> tuple[float, str] | None:
    """The peak of ``step`` ("build" or "sample") at ``tickets``, from the measured smaller sizes: a straight line
    through the two largest (a fixed part, e.g. the PDF's browser, plus a part per ticket), or in proportion to
    the largest when only one was measured. None when no smaller size has that step measured."""
    sizes = sorted(n for n in builds if n < tickets and step in builds[n])
    if not sizes:
        return None
    (n2, p2) = sizes[-1], builds[sizes[-1]][step]["peak_memory_mb"]
    if len(sizes) == 1:
        return p2 * tickets / n2, f"in proportion to the {n2:,}-ticket peak"
    n1, p1 = sizes[-2], builds[sizes[-2]][step]["peak_memory_mb"]
    per_ticket = max((p2 - p1) / (n2 - n1), 0.0)
    return (p2 + per_ticket * (tickets - n2),
            f"on the line through the {n1:,}- and {n2:,}-ticket peaks")


def sample_data(tickets: int, limit_mb: float | None = None) -> tuple[Path, dict | None]:
    """bench/data/<tickets>/ (written once, timed when written)."""
    data = BENCH / "data" / f"{tickets}"
    if (data / "tickets.csv").exists() and (data / "truth.json").exists():
        return data, None
    print(f"simulating {tickets:,} tickets …", flush=True)
    figures = timed([sys.executable, "-m", "supportlens.cli", "sample", "--tickets", str(tickets), "--seed", "7",
                     "--out", str(data)], ROOT, limit_mb=limit_mb)
    return data, figures


def project(tickets: int, data: Path, name: str = "") -> Path:
    """A project folder of its own per size (config, template overrides, build cache), outputs inside it
    (``name``: a second folder for the size, ``out/<tickets><name>``)."""
    folder = BENCH / "out" / f"{tickets}{name}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "supportlens.yml").write_text(json.dumps({
        "data": {t: str(data / f"{t}.csv") for t in ("tickets", "events", "accounts", "agents")},
        "render": {"engine": "builtin"},
    }))
    return folder


def bench_build(tickets: int, rebuilds: bool, limit_mb: float | None = None) -> dict:
    data, sampled = sample_data(tickets, limit_mb)
    folder = project(tickets, data)
    shutil.rmtree(folder / ".supportlens-cache", ignore_errors=True)
    shutil.rmtree(folder / "templates", ignore_errors=True)
    build = BUILD
    print(f"building the report from {tickets:,} tickets (cold) …", flush=True)
    result = {"tickets": tickets, "events": _rows(data / "events.csv"),
              "input_megabytes": round(sum(p.stat().st_size for p in data.glob("*.csv")) / 2**20, 1),
              "build": timed(build, folder, limit_mb=limit_mb)}
    if sampled:
        result["sample"] = sampled
    if rebuilds:
        result["build_site_only"] = bench_site_only(tickets, data)
        # a template-only change to a page printed in appendix.pdf (methodology: the site and that PDF are
        # written again, ingest, analysis, the static charts and report.pdf come from the build cache), then
        # one to a page only the site shows (downloads: no PDF is written again), then nothing changed
        for key, page, message in (("rebuild_template_change", "methodology", "a printed page's template"),
                                   ("rebuild_site_template_change", "downloads", "a site-only page's template")):
            override = folder / "templates" / "pages" / f"{page}.qmd.j2"
            override.parent.mkdir(parents=True, exist_ok=True)
            shipped = ROOT / "src" / "supportlens" / "templates" / "pages" / f"{page}.qmd.j2"
            override.write_text(shipped.read_text(encoding="utf-8") + TEMPLATE_CHANGE, encoding="utf-8")
            print(f"rebuilding after a change to {message} …", flush=True)
            result[key] = {"template": f"pages/{page}.qmd.j2", **timed(build, folder)}
        print("rebuilding with nothing changed …", flush=True)
        result["rebuild_nothing_changed"] = timed(build, folder)
        shutil.rmtree(folder / "templates", ignore_errors=True)
    return result


def bench_site_only(tickets: int, data: Path) -> dict:
    """A cold build of the site alone (`--no-pdf`: no browser, no WeasyPrint) in a folder of its own: an HTML
    report of the same data, as the generic profiler writes one."""
    folder = project(tickets, data, "-site")
    shutil.rmtree(folder / ".supportlens-cache", ignore_errors=True)
    print(f"building the site alone from {tickets:,} tickets (cold, --no-pdf) …", flush=True)
    return timed(BUILD + ["--no-pdf"], folder)


def targets(build: dict | None, profiler: dict | None, pdfs: dict | None = None) -> dict | None:
    """Issue 17's targets for the 50k build, each with the figure measured (CPU seconds) and whether it is met;
    beside the build's ratio to the generic profiler, the ratio its PDFs' share alone has (``pdfs``: what no
    faster ingest or analysis can take off the build)."""
    if build is None:
        return None
    found = {}
    if profiler is not None and profiler.get("tickets") == build["tickets"]:
        ratio = round(build["build"]["cpu_seconds"] / profiler["cpu_seconds"], 2)
        found["cpu_ratio_to_ydata_profiling"] = {"limit": 1.0, "measured": ratio, "met": ratio <= 1.0}
        if pdfs is not None and pdfs.get("tickets") == build["tickets"]:
            found["cpu_ratio_to_ydata_profiling"]["pdfs_alone"] = round(pdfs["cpu_seconds"] / profiler["cpu_seconds"], 2)
        if "build_site_only" in build:
            found["cpu_ratio_to_ydata_profiling"]["site_only_build"] = round(
                build["build_site_only"]["cpu_seconds"] / profiler["cpu_seconds"], 2)
    peak = build["build"]["peak_memory_mb"]
    found["peak_memory_mb"] = {"limit": 1024, "measured": peak, "met": peak <= 1024}
    for key, limit in (("rebuild_template_change", 5.0), ("rebuild_site_template_change", 5.0),
                       ("rebuild_nothing_changed", 2.0)):
        if key in build:
            cpu = build[key]["cpu_seconds"]
            found[f"{key}_cpu_seconds"] = {"limit": limit, "measured": cpu, "met": cpu <= limit}
    return found


def _rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b"")) - 1


PROFILE_SCRIPT = """
import sys
import pandas as pd
from ydata_profiling import ProfileReport
frame = pd.read_csv(sys.argv[1])
ProfileReport(frame, minimal=True, progress_bar=False).to_file(sys.argv[2])
"""


def bench_profiler(tickets: int, python: Path) -> dict | None:
    """ydata-profiling's minimal profile (HTML report) of the same tickets.csv, as one whole process."""
    if not python.exists():
        print(f"no ydata-profiling at {python} (make bench installs it): the ratio is not measured", file=sys.stderr)
        return None
    data = BENCH / "data" / f"{tickets}"
    out = BENCH / "out" / f"{tickets}" / "ydata-profile.html"
    version = subprocess.run([str(python), "-c", "import ydata_profiling; print(ydata_profiling.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    print(f"ydata-profiling {version}: minimal profile of {tickets:,} tickets …", flush=True)
    figures = timed([str(python), "-c", PROFILE_SCRIPT, str(data / "tickets.csv"), str(out)], ROOT)
    return {"tool": f"ydata-profiling {version}", "tickets": tickets, **figures}


# The PDFs' share of a build, alone: from the analysis' finished context (the build cache's copy, as the build
# had it), the charts the PDFs print drawn in Chromium and the two PDFs laid out by WeasyPrint, each as the
# build does it, and nothing else: no ingest, no analysis, no site.
PDFS_FROM_CONTEXT_SCRIPT = """
import json, sys
from pathlib import Path
from supportlens.build import fewer_collections, older_objects_left_alone
from supportlens.charts import build_charts
from supportlens.pages import PRINTED
from supportlens.render.pages import render_pages
from supportlens.render.pdf import DOCUMENTS, chart_browser, charts_by_document, export_svgs, print_html, write_pdf
context = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
root = Path.cwd()
with fewer_collections():
    charts = build_charts(context)
    pages = render_pages(context, charts, root, flavour="print", pages=PRINTED)
    documents = {document: print_html(context, pages, root, document) for document in DOCUMENTS}
    with chart_browser() as browser:
        for batch in charts_by_document(documents, charts).values():
            export_svgs(batch, root / "report" / "figures", browser=browser)
    with older_objects_left_alone():
        for document, html in documents.items():
            write_pdf(html, root / "report", root / DOCUMENTS[document]["file"])
"""


def bench_pdfs_from_context(tickets: int) -> dict | None:
    """The CPU seconds, wall and peak of the PDFs' share of the cold build of ``tickets`` (its static charts and
    the two PDFs, from its finished context): what a build of that context costs however fast its ingest and
    analysis, set beside the generic profiler's whole run. None when that build left no context in its cache."""
    cached = sorted((BENCH / "out" / f"{tickets}" / ".supportlens-cache" / "context").glob("*.json"),
                    key=lambda path: path.stat().st_mtime)
    if not cached:
        return None
    print(f"the PDFs alone, from the finished context of {tickets:,} tickets …", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        figures = timed([sys.executable, "-c", PDFS_FROM_CONTEXT_SCRIPT, str(cached[-1])], Path(folder))
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


def bench_noop_make() -> dict:
    """`make report` with nothing changed: Make's dependency check only."""
    subprocess.run(["make", "report"], cwd=ROOT, check=True, capture_output=True)
    started = time.perf_counter()
    result = subprocess.run(["make", "report"], cwd=ROOT, check=True, capture_output=True, text=True)
    return {"wall_seconds": round(time.perf_counter() - started, 2), "output": result.stdout.strip()}


def ratio_runs(rounds: int, python: Path) -> None:
    """``rounds`` rounds, one after the other, of the 50k cold build, its PDFs alone, a cold build of the site alone
    and ydata-profiling's minimal profile: how much the ratios move from run to run on this machine.
    Only the ``ratio_runs`` entry of bench/results.json is updated: every round's figures and each one's median."""
    import statistics

    if not python.exists():
        raise SystemExit(f"no ydata-profiling at {python}: `make bench` installs it (or name one: --profiler-python)")
    runs = []
    for done in range(rounds):
        print(f"round {done + 1} of {rounds}", flush=True)
        build = bench_build(50_000, rebuilds=False)["build"]["cpu_seconds"]
        pdfs = bench_pdfs_from_context(50_000)["cpu_seconds"]
        site = bench_site_only(50_000, BENCH / "data" / "50000")["cpu_seconds"]
        profiler = bench_profiler(50_000, python)["cpu_seconds"]
        runs.append({"build_cpu_seconds": build, "pdfs_alone_cpu_seconds": pdfs, "site_only_cpu_seconds": site,
                     "profiler_cpu_seconds": profiler, "build_ratio": round(build / profiler, 2),
                     "pdfs_alone_ratio": round(pdfs / profiler, 2), "site_only_ratio": round(site / profiler, 2)})
    medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    entry = {"tickets": 50_000, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
             "runs": runs, "median": medians}
    path = BENCH / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["ratio_runs"] = entry
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(entry, indent=2))


def pages_only(site: Path | None) -> None:
    """Time the pages of ``site`` (default: the 50k bench build, built first when absent) and update only the
    ``pages`` entry of bench/results.json when the bench build was measured."""
    measured = site or BENCH / "out" / "50000" / "_site"
    if site is None and not (measured / "index.html").exists():
        bench_build(50000, rebuilds=False)
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
    parser.add_argument("--sizes", default="50k,1m,10m", help="comma-separated ticket counts: 50k,1m,10m or 2500")
    parser.add_argument("--profiler-python", type=Path, default=PROFILER_PYTHON,
                        help="a Python with ydata-profiling (kept out of the project's environment: it needs pandas < 3)")
    parser.add_argument("--no-profiler", action="store_true", help="skip the ydata-profiling yardstick")
    parser.add_argument("--make-noop", action="store_true",
                        help="also time `make report` with nothing changed in the repository (builds its sample first)")
    parser.add_argument("--ratio-runs", type=int, metavar="N",
                        help="only N rounds of the 50k cold build, its PDFs alone and ydata-profiling, one after the "
                             "other (how much their ratio moves from run to run)")
    parser.add_argument("--pages", action="store_true",
                        help="only time the pages in the browser (of the 50k bench build, built when absent)")
    parser.add_argument("--site", type=Path, help="with --pages: time this built _site folder instead")
    args = parser.parse_args()
    if args.pages:
        pages_only(args.site)
        return
    if args.ratio_runs:
        ratio_runs(args.ratio_runs, args.profiler_python)
        return
    sizes = sorted(parse_size(size) for size in args.sizes.split(",") if size.strip())
    path = BENCH / "results.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    memory_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20
    results = {**previous, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                       "platform": platform.platform(), "memory_gb": round(memory_mb / 1024, 1)}}
    builds = {entry["tickets"]: entry for entry in previous.get("builds", []) if "build" in entry}
    skipped = {}
    for tickets in sizes:
        # A size is not attempted when the peak of its sample or its build, estimated from the measured smaller
        # sizes, would not fit in the memory available now (other processes share the machine) with a tenth to
        # spare; one that is attempted is stopped if it passes that limit anyway, and said so.
        limit = 0.9 * min(memory_mb, available_mb())
        estimates = [(step, *found) for step in ("sample", "build")
                     if (found := estimated_peak_mb(builds, tickets, step)) is not None]
        over = [(step, peak, how) for step, peak, how in estimates if peak > limit]
        if over:
            step, peak, how = over[0]
            skipped[tickets] = (f"not attempted: its {step}'s peak is estimated at {peak / 1024:.1f} GB ({how}), "
                                f"more than 90% of the {min(memory_mb, available_mb()) / 1024:.1f} GB available")
            print(f"{tickets:,} tickets {skipped[tickets]}", flush=True)
            continue
        try:
            measured = bench_build(tickets, rebuilds=tickets == sizes[0], limit_mb=limit)
            # a sample written before and read again keeps the figures of its writing (the same files)
            if "sample" not in measured and "sample" in builds.get(tickets, {}):
                measured["sample"] = builds[tickets]["sample"]
            builds[tickets] = measured
        except MemoryLimit as stopped:
            skipped[tickets] = f"failed: {stopped}"
            print(f"{tickets:,} tickets {skipped[tickets]}", flush=True)
            continue
        builds[tickets]["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    results["not_attempted"] = {str(n): why for n, why in skipped.items()} or previous.get("not_attempted")
    results["builds"] = [builds[n] for n in sorted(builds)]
    smallest = sizes[0]
    results["profiler"] = previous.get("profiler")
    if not args.no_profiler and smallest not in skipped:
        profile = bench_profiler(smallest, args.profiler_python)
        if profile is not None:
            results["profiler"] = {**profile, "supportlens_cpu_ratio": round(
                builds[smallest]["build"]["cpu_seconds"] / profile["cpu_seconds"], 2)}
    results["pdfs_from_context"] = (bench_pdfs_from_context(50_000) if 50_000 in sizes and 50_000 not in skipped
                                    else previous.get("pdfs_from_context"))
    results["targets_50k"] = targets(builds.get(50_000), results.get("profiler"), results.get("pdfs_from_context"))
    site = BENCH / "out" / f"{smallest}" / "_site"
    built = (site / "index.html").exists() and smallest not in skipped
    results["pages"] = (bench_pages(site) if built and not os.environ.get("BENCH_NO_PAGES")
                        else previous.get("pages"))
    results["plotly_js_kilobytes"] = (round((site / "plotly.min.js").stat().st_size / 1024, 1) if built
                                      else previous.get("plotly_js_kilobytes"))
    results["make_report_nothing_changed"] = (bench_noop_make() if args.make_noop
                                              else previous.get("make_report_nothing_changed"))
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({key: value for key, value in results.items() if key != "pages"}, indent=2))


if __name__ == "__main__":
    main()
