"""The explorer's cube against cells counted by hand."""

import numpy as np
import pandas as pd

from supportlens.analysis.sla.explorer import MEASURES, explorer_cube


def _clocks(rows: list[tuple]) -> pd.DataFrame:
    columns = ["created_at", "priority", "channel", "category", "escalated", "first_response_state",
               "resolution_state", "csat"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    for column in ("priority", "channel", "category", "first_response_state", "resolution_state"):
        frame[column] = frame[column].astype("string")
    frame["escalated"] = frame["escalated"].astype("boolean")
    return frame


def test_cells_are_the_sums_of_their_tickets():
    clocks = _clocks([
        # Monday 5 Jan 2026 and Sunday 11 Jan are one week (W-SUN); Monday 12 Jan starts the next
        ("2026-01-05 09:00", "high", "email", "billing", True, "breached", "achieved", 4.0),
        ("2026-01-11 23:00", "high", "email", "billing", False, "achieved", "active", np.nan),
        ("2026-01-06 10:00", "low", "email", None, None, "achieved", "breached", 2.4),
        ("2026-01-12 08:00", "high", "chat", "billing", False, None, "active_breached", 5.0),
    ])
    cube = explorer_cube(clocks)
    assert cube.weeks == ["2026-01-05", "2026-01-12"]
    assert cube.dimensions == {"priority": ["high", "low"], "channel": ["chat", "email"],
                               "category": ["billing", "unknown"]}
    assert cube.pooled == {"priority": 0, "channel": 0, "category": 0}
    assert cube.measures == list(MEASURES)
    # week, priority, channel, category; tickets, escalated, first response completed/breached,
    # resolution completed/breached, csat sum (rounded scores), rated
    assert cube.cells == [
        [0, 0, 1, 0, 2, 1, 2, 1, 1, 0, 4, 1],
        [0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 2, 1],
        [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 5, 1],
    ]


def test_beyond_twelve_values_the_least_frequent_are_pooled_as_other():
    # 14 categories with 14, 13, ..., 1 tickets, plus 20 tickets without one ("unknown", the largest)
    names = [f"k{i:02d}" for i in range(14)]
    categories = [name for i, name in enumerate(names) for _ in range(14 - i)] + [None] * 20
    rows = [("2026-03-02 12:00", "normal", "web", c, False, "achieved", "achieved", np.nan) for c in categories]
    cube = explorer_cube(_clocks(rows))
    # kept: unknown and k00..k09 (the 11 largest); k10..k13 (4 + 3 + 2 + 1 tickets) are pooled
    assert cube.pooled["category"] == 4
    assert cube.dimensions["category"] == sorted(names[:10] + ["other", "unknown"])
    by_level = {cube.dimensions["category"][cell[3]]: cell[4] for cell in cube.cells}
    assert by_level["other"] == 4 + 3 + 2 + 1
    assert by_level["unknown"] == 20
    assert by_level["k00"] == 14 and by_level["k09"] == 5
    assert sum(cell[4] for cell in cube.cells) == len(rows)


def test_a_tie_at_the_cut_keeps_the_first_seen():
    # 10 categories of 5 tickets, then two of 3 tickets (b then a, in that order) and one of 1: 13 values, 11 kept
    seen = [f"c{i}" for i in range(10) for _ in range(5)] + ["b", "b", "b", "a", "a", "a", "z"]
    rows = [("2026-03-02 12:00", "normal", "web", c, False, "achieved", "achieved", np.nan) for c in seen]
    cube = explorer_cube(_clocks(rows))
    assert "b" in cube.dimensions["category"] and "a" not in cube.dimensions["category"]
    assert cube.pooled["category"] == 2


def test_no_tickets_give_an_empty_cube():
    cube = explorer_cube(_clocks([]))
    assert cube.cells == [] and cube.weeks == []
