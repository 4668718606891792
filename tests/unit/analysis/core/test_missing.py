"""Missing data and not enough history: both are skipped with their reason, never a crash."""

from __future__ import annotations

import pytest

from supportlens.analysis.core.missing import MissingData, NotEnoughHistory, Skip, Skipped, optional


def needs_weeks(weeks: int) -> str:
    if weeks < 4:
        raise NotEnoughHistory(f"needs at least 4 full weeks; the data holds {weeks}")
    return "forecast"


def test_not_enough_history_is_skipped_with_its_reason():
    skipped: list[Skipped] = []
    assert optional(Skip.FORECAST, skipped, needs_weeks, 3) is None
    assert skipped == [Skipped(Skip.FORECAST, "volume forecast", "needs at least 4 full weeks; the data holds 3")]
    assert optional(Skip.FORECAST, skipped, needs_weeks, 4) == "forecast"
    assert len(skipped) == 1


def test_not_enough_history_is_missing_data_and_other_errors_still_raise():
    assert issubclass(NotEnoughHistory, MissingData)

    def broken():
        raise ValueError("a bug, not missing data")

    with pytest.raises(ValueError):
        optional(Skip.FORECAST, [], broken)
