"""The daily backlog: created so far minus solved so far, and a ticket solved at an unknown time is never open."""

from __future__ import annotations

import pandas as pd

from supportlens.analysis.core.volume import backlog


def clocks(rows):
    frame = pd.DataFrame(rows, columns=["created_at", "solved_at", "status", "resolution_minutes", "open_minutes"])
    for column in ("created_at", "solved_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def test_a_ticket_solved_at_an_unknown_time_is_left_out_not_open_for_ever():
    frame = clocks([
        ("2026-01-01 09:00", "2026-01-02 10:00", "solved", 1500.0, None),   # open on day 1, solved on day 2
        ("2026-01-01 10:00", None, "open", None, 2 * 1440.0),              # still open
        ("2026-01-02 11:00", None, "closed", None, None),                  # closed, solve time unknown
    ])
    result = backlog(frame, pd.Timestamp("2026-01-03 12:00", tz="UTC"))
    assert result.days == ["2026-01-01", "2026-01-02", "2026-01-03"]
    # day 1: two created, none solved; day 2: the first solved, the closed one not counted; day 3: one open
    assert result.open_tickets == [2, 1, 1]


def test_without_a_solve_time_column_solved_tickets_are_left_out():
    frame = clocks([("2026-01-01 09:00", None, "solved", None, None), ("2026-01-01 10:00", None, "open", None, 60.0)])
    result = backlog(frame.drop(columns="solved_at"), pd.Timestamp("2026-01-01 12:00", tz="UTC"))
    assert result.open_tickets == [1]
