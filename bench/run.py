"""`make bench`: time `supportlens build` (site + PDF) on 50k and 500k simulated tickets.

Wall time and peak memory come from /usr/bin/time -v; the figures are written to
bench/results.json and printed. Sample data is cached in bench/data/ (ignored by git).
Usage: python bench/run.py [--sizes 50000,500000]
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


FIRST_CHART_SCRIPT = """
window.__firstChart = null;
new MutationObserver((_, observer) => {
  if (document.querySelector('.main-svg')) { window.__firstChart = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""


def bench_pages(site: Path) -> list[dict]:
    """Size of each page (without the shared plotly.min.js) and when its first chart is drawn in headless
    Chromium, in ms after navigation start; the median of 5 loads from a local server."""
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
    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for html in sorted(site.glob("*.html")):
            draws, loads = [], []
            for _ in range(5):
                page = browser.new_page()
                page.add_init_script(FIRST_CHART_SCRIPT)
                page.goto(base + html.name, wait_until="load")
                draws.append(page.evaluate("window.__firstChart"))
                loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                page.close()
            drawn = [d for d in draws if d is not None]
            results.append({"page": html.name, "kilobytes": round(html.stat().st_size / 1024, 1),
                            "first_chart_ms": round(statistics.median(drawn)) if drawn else None,
                            "load_event_ms": round(statistics.median(loads))})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,500000")
    args = parser.parse_args()
    results = {
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                    "platform": platform.platform()},
        "builds": [bench_build(int(n)) for n in args.sizes.split(",")],
        "risk_model": [bench_risk_model(int(n)) for n in args.sizes.split(",")],
    }
    smallest = min(int(n) for n in args.sizes.split(","))
    results["pages"] = bench_pages(BENCH / "out" / f"{smallest}" / "_site")
    results["make_report_nothing_changed"] = bench_noop_make()
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
