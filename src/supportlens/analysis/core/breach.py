"""The SLA breach rate: breached ÷ completed, the one definition every page uses.

An SLA state (core/clocks.py) is achieved, breached, active, active_breached or missing
(no creation time, or no first-response time in the export). An SLA is *completed* when it
was achieved or breached; the breach rate is breached ÷ completed, with its 95% Wilson
interval. Open SLAs (active, active_breached) and missing states count in neither.

The masks are plain boolean arrays, so a caller can sum them per group (``np.bincount``,
``groupby``) without writing the rule again; ``breach_counts`` does the group-by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .period import month_of
from .stats import Rate, wilson

COMPLETED = ("achieved", "breached")
SLAS = (("first_response", "first_response_state"), ("resolution", "resolution_state"))


def completed_mask(states: pd.Series) -> np.ndarray:
    """True where the SLA completed (achieved or breached); False for open or missing states."""
    return pd.Series(states, dtype="string").isin(COMPLETED).to_numpy(dtype=bool)


def breached_mask(states: pd.Series) -> np.ndarray:
    """True where the SLA completed after its target; False for every other or missing state."""
    return (pd.Series(states, dtype="string") == "breached").fillna(False).to_numpy(dtype=bool)


def breach_rate(states: pd.Series) -> Rate:
    """Breached ÷ completed SLAs with the 95% Wilson interval."""
    return wilson(int(breached_mask(states).sum()), int(completed_mask(states).sum()))


def breach_counts(states: pd.Series, by) -> pd.DataFrame:
    """Breached and completed SLAs per group of ``by`` (a Series or array aligned with ``states``),
    sorted by group; groups whose key is missing are left out."""
    frame = pd.DataFrame({"breached": breached_mask(states), "completed": completed_mask(states)})
    return frame.groupby(pd.Index(by), sort=True)[["breached", "completed"]].sum().astype(np.int64)


@dataclass(frozen=True)
class MonthBreach:
    """Breached and completed SLAs of the tickets created in one month; a rate is None without a completed SLA."""

    month: str                      # YYYY-MM
    first_response_breached: int
    first_response_completed: int
    first_response_rate: float | None
    resolution_breached: int
    resolution_completed: int
    resolution_rate: float | None


def monthly_breach(clocks: pd.DataFrame) -> list[MonthBreach]:
    """First-response and resolution breach rates of completed SLAs by month of creation."""
    month = month_of(clocks["created_at"])
    counts = {name: breach_counts(clocks[column], month) for name, column in SLAS}
    out = []
    for period in counts["resolution"].index:
        row: dict = {"month": str(period)}
        for name, _ in SLAS:
            events, n = (int(v) for v in counts[name].loc[period, ["breached", "completed"]])
            row |= {f"{name}_breached": events, f"{name}_completed": n, f"{name}_rate": events / n if n else None}
        out.append(MonthBreach(**row))
    return out
