"""`make truth`: does the report find what the simulator planted, and nothing where nothing was planted?

Runs K simulated worlds with the planted effects and K null worlds (``--no-effects``), each analysed with the
default settings (analysis only: no site, no PDF), and scores each report against its truth.json
(``supportlens.sample.recovery``): per planted effect, the share of planted worlds whose summary page names
it; the share of null worlds whose report states any false key finding. Writes bench/truth.json and prints a
table. Worlds run in a process pool (one per core).
Usage: python bench/truth.py [--k 20] [--tickets 20000] [--workers 2] [--out bench/truth.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANTED_SEEDS = 1          # planted worlds use seeds 1..K, null worlds 1001..1000+K
NULL_SEEDS = 1001


def run_world(seed: int, planted: bool, tickets: int) -> dict:
    """Simulate one world, read it back through ingest as a user's export would be, analyse, score."""
    from supportlens.analysis import analyse
    from supportlens.config import Config
    from supportlens.ingest import load_dataset
    from supportlens.sample import SimulationSpec, simulate, write_sample
    from supportlens.sample.recovery import false_findings, recovered

    started = time.perf_counter()
    data = simulate(SimulationSpec(tickets=tickets, seed=seed, planted_effects=planted))
    with tempfile.TemporaryDirectory() as folder:
        write_sample(data, Path(folder), fmt="parquet")
        config = Config.model_validate({"data": {t: str(Path(folder) / f"{t}.parquet")
                                                 for t in ("tickets", "events", "accounts", "agents")}})
        analysis = analyse(load_dataset(config), config)
    return {"seed": seed, "planted": planted, "seconds": round(time.perf_counter() - started, 1),
            "recovered": recovered(analysis.findings, data.truth) if planted else None,
            "false_findings": false_findings(analysis.findings, data.truth) if not planted else None,
            "summary": [f.kind.value for f in analysis.findings if f.on_summary]}


def score(worlds: list[dict]) -> dict:
    """Recovery per planted effect over the planted worlds; the share of null worlds with a false key finding."""
    planted = [w for w in worlds if w["planted"]]
    null = [w for w in worlds if not w["planted"]]
    effects = sorted({e for w in planted for e in w["recovered"]})
    recovery = {e: {"found": sum(w["recovered"][e] for w in planted), "worlds": len(planted)} for e in effects}
    wrong = [w for w in null if w["false_findings"]]
    return {"recovery": recovery,
            "null_with_false_finding": {"worlds": len(wrong), "of": len(null),
                                        "kinds": sorted(k for w in wrong for k in w["false_findings"])}}


def table(result: dict) -> str:
    lines = [f"{'planted effect on the summary':<34} {'found':>9}"]
    for effect, r in result["recovery"].items():
        lines.append(f"{effect:<34} {r['found']:>4} / {r['worlds']:<3}")
    n = result["null_with_false_finding"]
    lines.append(f"{'null reports with a false finding':<34} {n['worlds']:>4} / {n['of']:<3}"
                 + (f"  ({', '.join(n['kinds'])})" if n["kinds"] else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=int(os.environ.get("K", 20)), help="worlds of each kind")
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "truth.json")
    args = parser.parse_args(argv)
    jobs = [(PLANTED_SEEDS + i, True) for i in range(args.k)] + [(NULL_SEEDS + i, False) for i in range(args.k)]
    started = time.perf_counter()
    worlds = []

    def done(w: dict) -> None:
        worlds.append(w)
        print(f"{'planted' if w['planted'] else 'null':>7} world seed {w['seed']}: {w['seconds']} s", file=sys.stderr)

    if args.workers == 1:      # in this process (no pool to start, and the functions need not be importable)
        for seed, planted in jobs:
            done(run_world(seed, planted, args.tickets))
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            for future in [pool.submit(run_world, seed, planted, args.tickets) for seed, planted in jobs]:
                done(future.result())
    result = {"k": args.k, "tickets": args.tickets, "settings": "default config (reporting period: the last full "
              "quarter)", "seconds": round(time.perf_counter() - started, 1), **score(worlds), "worlds": worlds}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    return result


if __name__ == "__main__":
    main()
