"""The summary's answer first: how many of the headline targets are met, which one is missed by most, and which
headline KPIs changed significantly since the previous period. The sentence is written by the summary page."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .kpis import Kpi


@dataclass(frozen=True)
class Verdict:
    targets: int                # headline KPIs with a target and a value
    met: int                    # of those, the ones that meet it
    furthest_off: str | None    # id of the KPI missing its target by the largest factor; None when every target is met
    off_by: float | None        # that factor: value ÷ target (lower is better) or target ÷ value (higher is better), > 1
    improved: list[str]         # ids of the KPIs that improved significantly against the previous period
    worsened: list[str]         # ids of the KPIs that worsened significantly


def miss_factor(kpi: Kpi) -> float:
    """How many times worse than its target a KPI is (1 = on target); a zero in the way counts as infinitely far."""
    worse, better = (kpi.value, kpi.target) if kpi.better == "lower" else (kpi.target, kpi.value)
    return worse / better if better else math.inf


def verdict(kpis: list[Kpi]) -> Verdict:
    judged = [k for k in kpis if k.target is not None and k.meets_target is not None]
    missed = [k for k in judged if not k.meets_target]
    worst = max(missed, key=miss_factor, default=None)
    return Verdict(
        targets=len(judged), met=len(judged) - len(missed),
        furthest_off=worst.id if worst else None,
        off_by=(miss_factor(worst) if worst and math.isfinite(miss_factor(worst)) else None),
        improved=[k.id for k in kpis if k.change_status == "improved"],
        worsened=[k.id for k in kpis if k.change_status == "worsened"])
