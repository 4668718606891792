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
        "make_report_nothing_changed": bench_noop_make(),
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
