"""The explorer's cube: counts pre-aggregated by week × priority × channel × category.

The explorer page filters and sums these cells in the browser (no server), so
every measure is additive: counts and sums, from which rates and means follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...canonical import PRIORITIES
from ..core.breach import breached_mask, completed_mask

DIMENSIONS = ("priority", "channel", "category")
MEASURES = ("tickets", "escalated", "first_response_completed", "first_response_breached",
            "resolution_completed", "resolution_breached", "csat_sum", "csat_rated")
MAX_LEVELS = 12  # categories beyond the 11 largest are pooled as "other" to keep the page small


@dataclass(frozen=True)
class Cube:
    weeks: list[str]                   # Monday of each week (UTC), YYYY-MM-DD
    dimensions: dict[str, list[str]]   # dimension -> its values; a cell stores value indices
    measures: list[str]
    cells: list[list[int]]             # [week, priority, channel, category, *measures]
    pooled: dict[str, int]             # dimension -> number of values pooled into "other"


def _levels(values: pd.Series, order: tuple[str, ...] = ()) -> tuple[pd.Series, list[str], int]:
    values = values.astype("string").fillna("unknown")
    counts = values.value_counts()
    if len(counts) > MAX_LEVELS:
        keep = set(counts.index[: MAX_LEVELS - 1])
        pooled = len(counts) - len(keep)
        values = values.where(values.isin(keep), "other")
    else:
        pooled = 0
    present = set(values.unique().tolist())
    levels = [v for v in order if v in present] + sorted(present - set(order))
    return values, levels, pooled


def explorer_cube(clocks: pd.DataFrame) -> Cube:
    week = clocks["created_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    weeks = sorted(week.unique())
    frame = pd.DataFrame({"week": week.map({w: i for i, w in enumerate(weeks)})})
    dimensions, pooled = {}, {}
    for dimension in DIMENSIONS:
        source = clocks[dimension] if dimension in clocks else pd.Series("unknown", index=clocks.index)
        values, levels, n_pooled = _levels(source, PRIORITIES if dimension == "priority" else ())
        dimensions[dimension] = levels
        pooled[dimension] = n_pooled
        frame[dimension] = values.map({v: i for i, v in enumerate(levels)}).astype(int)
    escalated = clocks["escalated"].fillna(False).astype(bool) if "escalated" in clocks else False
    csat = clocks["csat"] if "csat" in clocks else pd.Series(np.nan, index=clocks.index)
    frame["tickets"] = 1
    frame["escalated"] = np.asarray(escalated, dtype=int) if not isinstance(escalated, bool) else 0
    for name in ("first_response", "resolution"):
        state = clocks[f"{name}_state"]
        frame[f"{name}_completed"] = completed_mask(state).astype(int)
        frame[f"{name}_breached"] = breached_mask(state).astype(int)
    frame["csat_sum"] = csat.fillna(0).round().astype(int)
    frame["csat_rated"] = csat.notna().astype(int)
    grouped = frame.groupby(["week", *DIMENSIONS], sort=True)[list(MEASURES)].sum().reset_index()
    cells = grouped[["week", *DIMENSIONS, *MEASURES]].to_numpy(dtype=np.int64).tolist()
    return Cube([pd.Timestamp(w).strftime("%Y-%m-%d") for w in weeks], dimensions, list(MEASURES), cells, pooled)
