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


def _levels(values: pd.Series, order: tuple[str, ...] = ()) -> tuple[np.ndarray, list[str], int]:
    """Each ticket's index into the dimension's levels, the levels, and how many values were pooled: a value is its
    text ("unknown" when missing); beyond MAX_LEVELS texts, those outside the 11 most frequent (the first seen of a
    tie) are "other"; the levels are ``order``'s present, then the rest sorted. Worked per distinct value (their
    counts), never as a text per ticket."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)     # in order of appearance, missing one of them
    text_code, texts = pd.factorize(pd.Series(distinct).astype("string").fillna("unknown"))   # (values of one text merge)
    per_ticket = text_code[codes]
    counts = pd.Series(np.bincount(per_ticket, minlength=len(texts)), index=list(texts))
    counts = counts.sort_values(ascending=False, kind="stable")      # as value_counts ranks them
    final = list(texts)
    pooled = 0
    if len(counts) > MAX_LEVELS:
        keep = set(counts.index[: MAX_LEVELS - 1])
        pooled = len(counts) - len(keep)
        final = [t if t in keep else "other" for t in final]
    present = set(final)
    levels = [v for v in order if v in present] + sorted(present - set(order))
    position = np.array([levels.index(t) for t in final], dtype=np.int64)
    return position[per_ticket], levels, pooled


def explorer_cube(clocks: pd.DataFrame) -> Cube:
    week = clocks["created_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    weeks = sorted(week.unique())
    # each ticket's cell as one number (week, then each dimension's level): the cells are its distinct values in
    # order, their measures sums over the tickets (counts, no frame of a column per measure)
    cell = pd.Index(weeks).get_indexer(week).astype(np.int64)
    del week
    dimensions, pooled, sizes = {}, {}, []
    for dimension in DIMENSIONS:
        source = clocks[dimension] if dimension in clocks else pd.Series("unknown", index=clocks.index)
        position, levels, n_pooled = _levels(source, PRIORITIES if dimension == "priority" else ())
        dimensions[dimension] = levels
        pooled[dimension] = n_pooled
        cell = cell * len(levels) + position
        sizes.append(len(levels))
    csat = clocks["csat"] if "csat" in clocks else pd.Series(np.nan, index=clocks.index)
    measures = {
        "tickets": None,
        "escalated": (lambda: clocks["escalated"].fillna(False).astype(bool).to_numpy(dtype=bool)
                      if "escalated" in clocks else None),
        "first_response_completed": lambda: completed_mask(clocks["first_response_state"]),
        "first_response_breached": lambda: breached_mask(clocks["first_response_state"]),
        "resolution_completed": lambda: completed_mask(clocks["resolution_state"]),
        "resolution_breached": lambda: breached_mask(clocks["resolution_state"]),
        "csat_sum": lambda: csat.fillna(0).round().astype(int).to_numpy(dtype=np.int64),
        "csat_rated": lambda: csat.notna().to_numpy(dtype=bool),
    }
    space = len(weeks) * int(np.prod(sizes))
    tickets = np.bincount(cell, minlength=space)
    cells = np.flatnonzero(tickets)           # the cells holding a ticket, in order
    columns = []
    for name in MEASURES:
        values = measures[name]() if measures[name] is not None else None
        if name == "tickets":
            columns.append(tickets[cells])
        elif values is None:
            columns.append(np.zeros(len(cells), dtype=np.int64))
        elif values.dtype == bool:
            columns.append(np.bincount(cell[values], minlength=space)[cells])
        else:   # integers: summed as floats, exact (far below 2**53)
            columns.append(np.rint(np.bincount(cell, weights=values, minlength=space)[cells]).astype(np.int64))
    del cell
    # the cell number back to its week and level indices
    index = []
    rest = cells
    for size in reversed(sizes):
        index.append(rest % size)
        rest = rest // size
    table = np.column_stack([rest, *reversed(index), *columns]).astype(np.int64)
    return Cube([pd.Timestamp(w).strftime("%Y-%m-%d") for w in weeks], dimensions, list(MEASURES), table.tolist(),
                pooled)

