"""The months and the day the summary's volume and backlog sentences name, decided in analysis."""

from __future__ import annotations

from supportlens.analysis.core.volume import MonthVolume, month_extremes


def test_busiest_and_quietest_month_among_full_months():
    months = [MonthVolume("2025-01", 900, 800, True),      # partial: the most tickets, but not a whole month
              MonthVolume("2025-02", 400, 390, False),
              MonthVolume("2025-03", 600, 610, False),
              MonthVolume("2025-04", 400, 420, False),     # ties February: February (the first) is named
              MonthVolume("2025-05", 100, 150, True)]      # partial: the fewest, but not a whole month
    picked = month_extremes(months)
    assert (picked.busiest, picked.quietest) == (2, 1)


def test_every_month_partial_names_among_all():
    months = [MonthVolume("2025-01", 30, 10, True), MonthVolume("2025-02", 70, 60, True)]
    picked = month_extremes(months)
    assert (picked.busiest, picked.quietest) == (1, 0)


def test_the_backlog_peak_day_is_decided_in_analysis():
    import pandas as pd

    from supportlens.analysis.core.volume import backlog
    from supportlens.analysis.sla.summary import ticket_clocks
    from supportlens.config import SlaPolicy

    # day-end open tickets: 6 Jan 1 (A), 7 Jan 3 (A, B, C), 8 Jan 1 (C), 9 Jan 1 (C) -> the peak is 7 Jan, 3 open
    t = pd.Timestamp
    frame = pd.DataFrame({
        "ticket_id": ["A", "B", "C"],
        "created_at": [t("2025-01-06T10:00Z"), t("2025-01-07T10:00Z"), t("2025-01-07T11:00Z")],
        "solved_at": [t("2025-01-08T09:00Z"), t("2025-01-08T10:00Z"), pd.NaT],
        "status": ["solved", "solved", "open"], "priority": ["normal"] * 3})
    as_of = t("2025-01-09T12:00Z")
    result = backlog(ticket_clocks(frame, SlaPolicy(), as_of), as_of)
    assert result.open_tickets == [1, 3, 1, 1]
    assert result.peak_day == 1 and result.days[result.peak_day] == "2025-01-07"


def test_an_empty_month_is_never_the_quietest():
    from supportlens.analysis.core.volume import MonthVolume, month_extremes
    months = [MonthVolume("2024-01", 40, 40, False), MonthVolume("2024-02", 0, 0, False),
              MonthVolume("2024-03", 25, 20, False), MonthVolume("2024-04", 3, 1, True)]
    picked = month_extremes(months)
    assert (picked.busiest, picked.quietest) == (0, 2)     # not the empty February, not the partial April
