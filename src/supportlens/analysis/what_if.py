"""Check the staffing recommendation on the simulated sample: re-run the simulator with the
recommended extra coverage and compare the breaches it avoids with the prediction.

Runs only when the tickets file has the simulator's ``truth.json`` beside it and the data
still matches it (ticket count and resolution breach rate), so the re-run reproduces the
same organisation and differs only in staffing. Counts are breached SLAs (first response
and resolution) of tickets created in the gap slots, per year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..canonical import PRIORITIES
from ..config import Config
from ..dataset import Dataset
from .roi import Range
from .sla import ticket_clocks


@dataclass(frozen=True)
class SimulatedCheck:
    extra_coverage: dict[str, int]          # hour of day (UTC) -> agents added every day
    days: int
    avoided_in_gap_per_year: float           # simulated breached SLAs avoided in the gap slots
    avoided_elsewhere_per_year: float        # ... in all other slots (the backlog spills over)
    value_in_gap_per_year: float             # their breach cost
    predicted_avoided: Range                 # the recommendation's prediction for the gap slots
    within_predicted_range: bool


def sample_spec(dataset: Dataset):
    """The SimulationSpec that produced the data, or None when the data is not the untouched sample."""
    from ..sample import SimulationSpec
    from ..sample.truth import breaches

    source = next((s for s in dataset.sources if s.table == "tickets"), None)
    if source is None:
        return None
    truth_path = Path(source.path).parent / "truth.json"
    if not truth_path.exists():
        return None
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth["what_if"]["extra_coverage"] or int(truth["tickets"]) != len(dataset.tickets):
            return None
        resolution, _ = breaches(dataset.tickets)
        if round(float(resolution.mean()), 4) != truth["measured"]["resolution_breach_rate"]:
            return None
        return SimulationSpec(tickets=int(truth["tickets"]), seed=int(truth["seed"]), start=truth["start"],
                              days=int(truth["days"]), planted_effects=bool(truth["planted_effects"]))
    except (KeyError, TypeError, ValueError):
        return None


def _breached(clocks: pd.DataFrame) -> np.ndarray:
    late = ("breached", "active_breached")
    return (clocks["first_response_state"].isin(late).fillna(False).to_numpy(dtype=int)
            + clocks["resolution_state"].isin(late).fillna(False).to_numpy(dtype=int))


def coverage_what_if(spec, extra_by_hour: dict[str, int], clocks: pd.DataFrame, gap_slots: list[list[int]],
                     predicted: Range, as_of: pd.Timestamp, config: Config) -> SimulatedCheck:
    from ..sample import simulate_tickets

    what_if = simulate_tickets(replace(spec, extra_coverage={int(h): int(k) for h, k in extra_by_hour.items()}))
    after = ticket_clocks(what_if, config.sla, as_of).set_index("ticket_id")
    before = clocks.set_index(clocks["ticket_id"].astype(str))
    after = after.reindex(before.index)
    avoided = _breached(before) - _breached(after)
    slot = (before["created_at"].dt.day_of_week * 24 + before["created_at"].dt.hour).to_numpy()
    in_gap = np.isin(slot, [d * 24 + h for d, h in gap_slots])
    per_year = 365.25 / spec.days
    cost = before["priority"].map({p: config.costs.breach[p] for p in PRIORITIES}).fillna(0).to_numpy(dtype=float)
    in_gap_count = float(avoided[in_gap].sum() * per_year)
    return SimulatedCheck(
        extra_coverage={str(h): int(k) for h, k in sorted(extra_by_hour.items(), key=lambda kv: int(kv[0]))},
        days=int(spec.days), avoided_in_gap_per_year=in_gap_count,
        avoided_elsewhere_per_year=float(avoided[~in_gap].sum() * per_year),
        value_in_gap_per_year=float((avoided * cost)[in_gap].sum() * per_year),
        predicted_avoided=predicted,
        within_predicted_range=bool(predicted.low <= in_gap_count <= predicted.high))
