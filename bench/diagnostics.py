"""Time the analyses of the drivers, trends, accounts and workload pages on a cached sample.

Reports wall and CPU seconds per part (CPU time is steadier on a shared machine).
Usage: python bench/diagnostics.py [--tickets 500000]   (simulates into bench/data/<n>/ when missing)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--diagnostics", choices=("period", "all"), default="period")
    args = parser.parse_args()
    data = ROOT / "bench" / "data" / str(args.tickets)
    if not (data / "tickets.csv").exists():
        subprocess.run([sys.executable, "-m", "supportlens.cli", "sample", "--tickets", str(args.tickets), "--seed", "7",
                        "--out", str(data)], cwd=ROOT, check=True)

    import statsmodels.tsa.api  # noqa: F401  (the import itself is not the analyses' cost)
    from supportlens.analysis import run_diagnostics
    from supportlens.analysis.core.period import reporting_period
    from supportlens.analysis.sla.summary import ticket_clocks
    from supportlens.analysis.core.volume import backlog
    from supportlens.config import Config
    from supportlens.ingest import load_dataset

    config = Config.model_validate({"data": {t: str(data / f"{t}.csv") for t in ("tickets", "events", "accounts", "agents")},
                                    "period": {"diagnostics": args.diagnostics}})
    dataset = load_dataset(config)
    period = reporting_period(dataset.tickets, config.period)
    clocks = ticket_clocks(dataset.tickets, config.sla, period.as_of)
    daily = backlog(clocks, period.as_of)
    wall, cpu = time.perf_counter(), time.process_time()
    skipped: list[dict] = []
    diagnostics = run_diagnostics(dataset, config, clocks, period, daily, skipped)
    result = {"tickets": len(dataset.tickets), "window_tickets": diagnostics.tickets, "diagnostics": args.diagnostics,
              "wall_seconds": round(time.perf_counter() - wall, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
              "skipped": skipped}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
