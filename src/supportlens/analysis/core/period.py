"""The report's as-of time, its reporting period and the previous period."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...config import Period as PeriodConfig
from ...errors import SupportlensError

COMPLETE_WITHIN = pd.Timedelta(hours=1)
TIME_COLUMNS = ("created_at", "first_response_at", "first_solved_at", "solved_at", "closed_at")


@dataclass(frozen=True)
class ReportingPeriod:
    """Half-open windows [start, end) in UTC; ``previous_*`` is None when the data does not reach back."""

    as_of: pd.Timestamp
    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    kind: str                      # quarter, month or all
    partial: bool                  # the period is cut short by the data (whole span, or as-of inside it)
    previous_start: pd.Timestamp | None
    previous_end: pd.Timestamp | None
    previous_label: str | None
    previous_partial: bool
    data_start: pd.Timestamp
    undated: bool = False          # the tickets have no creation time: every ticket is in the period

    def mask(self, created: pd.Series) -> pd.Series:
        """Which tickets (by creation time) fall in the period; all of them when the export is undated."""
        if self.undated:
            return pd.Series(True, index=created.index)
        return (created >= self.start) & (created < self.end)


def month_of(times: pd.Series) -> pd.Series:
    """The calendar month (UTC) of each timestamp, as a monthly Period; NaT stays NaT."""
    return times.dt.tz_localize(None).dt.to_period("M")


def as_of_time(tickets: pd.DataFrame, configured: str | None) -> pd.Timestamp:
    """The configured as-of time, else the latest timestamp anywhere in the tickets."""
    if configured:
        try:
            stamp = pd.Timestamp(configured)
        except ValueError:
            raise SupportlensError(f"period.as_of {configured!r} is not a timestamp",
                                   "write it as ISO 8601, e.g. 2026-09-30T23:59:59Z") from None
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    present = [tickets[c].max() for c in TIME_COLUMNS if c in tickets and tickets[c].notna().any()]
    if not present:
        raise SupportlensError("the tickets hold no timestamps at all, so the report has no as-of time",
                               "map the export's date columns (data.mapping), or set period.as_of in supportlens.yml")
    return pd.Timestamp(max(present))


def _label(start: pd.Timestamp, kind: str) -> str:
    if kind == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%B %Y")


def reporting_period(tickets: pd.DataFrame, config: PeriodConfig) -> ReportingPeriod:
    as_of = as_of_time(tickets, config.as_of)
    if tickets["created_at"].isna().all():
        stamps = [tickets[c].min() for c in TIME_COLUMNS if c in tickets and tickets[c].notna().any()]
        first = pd.Timestamp(min(stamps)) if stamps else as_of
        return ReportingPeriod(as_of, first, as_of + pd.Timedelta(seconds=1), "all tickets (no creation times)", "all",
                               True, None, None, None, False, first, undated=True)
    data_start = pd.Timestamp(tickets["created_at"].min())
    whole = ReportingPeriod(as_of, data_start, as_of, f"{data_start:%d %b %Y} – {as_of:%d %b %Y}", "all",
                            True, None, None, None, False, data_start)
    if config.length == "all":
        return whole
    freq = "QS" if config.length == "quarter" else "MS"
    offset = pd.DateOffset(months=3 if config.length == "quarter" else 1)
    # data that reaches the last hour of a period counts as covering it (exports end at 23:59)
    naive = (as_of + COMPLETE_WITHIN).tz_convert("UTC").tz_localize(None)
    end = pd.Timestamp(naive).to_period("Q" if freq == "QS" else "M").start_time.tz_localize("UTC")
    start = end - offset
    if start < data_start.floor("D"):
        return whole
    previous_start = start - offset
    has_previous = data_start < start
    return ReportingPeriod(
        as_of=as_of, start=start, end=end, label=_label(start, config.length), kind=config.length, partial=False,
        previous_start=previous_start if has_previous else None,
        previous_end=start if has_previous else None,
        previous_label=_label(previous_start, config.length) if has_previous else None,
        previous_partial=bool(has_previous and data_start > previous_start),
        data_start=data_start,
    )
