"""The report's as-of time, its reporting period and the previous period.

Rules (published on the methodology page):

- Every calendar cut (quarters, months, weeks, days, weekdays and hours of the day) is made in the
  reporting time zone (``Config.reporting_timezone``). ``in_zone`` converts the per-ticket clocks into it
  once, where the analysis builds them; ``month_of``, ``week_of`` and every ``.dt.hour`` after that read
  local wall-clock time, and the period's timestamps carry the zone.

- The as-of time is the configured one, else the latest timestamp in the tickets; a date-only
  column's latest date counts as the end of that day (its tickets happened some time that day).
- The whole span runs from the first creation time up to and including the as-of time.
- The default period, the last full quarter before the as-of time, is used only when it holds at
  least ``MIN_PERIOD_TICKETS`` tickets and ``MIN_PERIOD_SHARE`` of the dated tickets (a month, when
  configured, only the former); otherwise the report covers the whole span and says why.
- The previous period is compared with only when it too holds ``MIN_PERIOD_TICKETS`` tickets.
- The export's truncated tail: when the last weeks before the as-of time (at least one of them whole)
  each hold fewer than ``TAIL_SHARE`` of the median week of the ``TAIL_HISTORY`` weeks before them,
  the export stopped collecting new tickets there (the as-of time then comes from later solve or close
  times). The data ends at the last creation time before that tail (``data_end``); weeks and months
  after it are outside the data, never quiet weeks, and no forecast is fitted to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import pandas as pd

from ...config import Period as PeriodConfig
from ...errors import SupportlensError

COMPLETE_WITHIN = pd.Timedelta(hours=1)
TIME_COLUMNS = ("created_at", "first_response_at", "first_solved_at", "solved_at", "closed_at")
UNDATED_LABEL = "the whole export"   # the period of an export whose tickets have no creation time
MIN_PERIOD_TICKETS = 100      # a reporting period, or a previous period compared with it, holds at least this many
MIN_PERIOD_SHARE = 0.20       # the default last full quarter holds at least this share of the dated tickets
_INCLUSIVE = pd.Timedelta(seconds=1)   # the whole span's end: one second after the as-of time, so it is included
TAIL_SHARE = 0.25             # a week holding under this share of the typical week before it belongs to a cut-off tail
TAIL_HISTORY = 13             # the typical week: the median of this many weeks before the tail


class PeriodFallback(StrEnum):
    """Why the report covers the whole span instead of the configured quarter or month."""

    NO_FULL_PERIOD = "no_full_period"      # the data holds no complete quarter (month) before the as-of time
    TOO_FEW_TICKETS = "too_few_tickets"    # the last full one holds too few tickets to report on alone
    UNDATED = "undated"                    # no ticket has a creation time: every ticket of the export is reported on


@dataclass(frozen=True)
class ReportingPeriod:
    """Half-open windows [start, end), cut and held in the reporting zone; ``previous_*`` is None when the data does
    not reach back or the previous period holds too few tickets to compare with (``previous_dropped`` then holds its
    label)."""

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
    fallback: PeriodFallback | None = None    # why the whole span was chosen instead of the configured length
    declined_label: str | None = None         # the quarter or month that was declined (TOO_FEW_TICKETS)
    declined_tickets: int | None = None       # the tickets created in it
    dated_tickets: int = 0                    # tickets with a creation time (the share's denominator)
    previous_dropped: str | None = None       # a previous period not compared with: too few tickets
    previous_dropped_tickets: int | None = None
    data_end: pd.Timestamp | None = None      # the last creation time before a truncated tail (None: no tail)
    tail_weeks: int = 0                       # weeks from the one after data_end's to the as-of time's

    def mask(self, created: pd.Series) -> pd.Series:
        """Which tickets (by creation time) fall in the period; all of them when the export is undated."""
        if self.undated:
            return pd.Series(True, index=created.index)
        return (created >= self.start) & (created < self.end)


@dataclass(frozen=True)
class Scopes:
    """The words that say which tickets a figure covers. A figure the report repeats names its scope wherever it
    stands, so the quarter's escalation rate and the whole span's are never mistaken for one another."""

    period: str     # "in Q3 2026"; a report on the whole span says so
    span: str       # "over the whole span of the data (01 Oct 2025 – 30 Sep 2026)": escalations, staffing, ...
    now: str        # "at 30 Sep 2026 23:58 UTC", the as-of time: the backlog and open tickets


def scopes(period: ReportingPeriod, zone: str) -> Scopes:
    if period.undated:
        whole = f"over {period.label}"
        return Scopes(whole, whole, f"at {period.as_of:%d %b %Y %H:%M} {zone}")
    whole = f"over the whole span of the data ({period.data_start:%d %b %Y} – {period.as_of:%d %b %Y})"
    return Scopes(whole if period.kind == "all" else f"in {period.label}", whole, f"at {period.as_of:%d %b %Y %H:%M} {zone}")


def in_zone(frame: pd.DataFrame, zone: str) -> pd.DataFrame:
    """``frame`` with every timezone-aware column converted to the reporting zone: the one place local time is
    derived (instants are unchanged, so durations and comparisons are too). The other columns are the frame's own
    (a shallow copy: copy on write keeps ``frame`` unchanged), never a copy of every column."""
    out = frame.copy(deep=False)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert(zone)
    return out


def rows_where(frame: pd.DataFrame, mask) -> pd.DataFrame:
    """``frame[mask]``: the same rows in the same order; when they are one run of consecutive rows (a period of
    tickets held in order of creation, as exports usually are) a slice of ``frame``, no copy of its columns (copy on
    write keeps ``frame`` unchanged)."""
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    if where.size and where[-1] - where[0] + 1 == where.size:
        return frame.iloc[int(where[0]):int(where[-1]) + 1]
    return frame[np.asarray(mask, dtype=bool)]


def wall_time(stamp: pd.Timestamp, like: pd.Series) -> pd.Timestamp:
    """``stamp`` as naive wall-clock time in the zone of the series ``like`` (its local time)."""
    return pd.Timestamp(stamp).tz_convert(like.dt.tz).tz_localize(None)


def _midnight(naive: pd.Timestamp, zone) -> pd.Timestamp:
    """A naive local midnight as an instant of ``zone`` (a midnight skipped by a clock change moves forward)."""
    return naive.tz_localize(zone, ambiguous=False, nonexistent="shift_forward")


def month_of(times: pd.Series) -> pd.Series:
    """The calendar month of each timestamp in its own (the reporting) zone, as a monthly Period; NaT stays NaT."""
    return times.dt.tz_localize(None).dt.to_period("M")


def as_of_time(tickets: pd.DataFrame, configured: str | None, date_only: frozenset[str] = frozenset()) -> pd.Timestamp:
    """The configured as-of time, else the latest timestamp anywhere in the tickets; the latest date of a
    date-only column (``date_only``) is the end of that day, one second before the next midnight."""
    if configured:
        try:
            stamp = pd.Timestamp(configured)
        except ValueError:
            raise SupportlensError(f"period.as_of {configured!r} is not a timestamp",
                                   "write it as ISO 8601, e.g. 2026-09-30T23:59:59Z") from None
        return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    present = [tickets[c].max() + (pd.Timedelta(days=1) - _INCLUSIVE if c in date_only else pd.Timedelta(0))
               for c in TIME_COLUMNS if c in tickets and tickets[c].notna().any()]
    if not present:
        raise SupportlensError("the tickets hold no timestamps at all, so the report has no as-of time",
                               "map the export's date columns (data.mapping), or set period.as_of in supportlens.yml")
    return pd.Timestamp(max(present))


def week_of(times: pd.Series) -> pd.Series:
    """The week (Monday to Sunday) of each timestamp in its own zone, as a weekly Period; NaT stays NaT."""
    return times.dt.tz_localize(None).dt.to_period("W-SUN")


def truncated_tail(created: pd.Series, as_of: pd.Timestamp) -> tuple[pd.Timestamp | None, int]:
    """(data end, tail weeks) of the export's truncated tail (see the module's rules), or (None, 0)."""
    created = created.dropna()
    if created.empty:
        return None, 0
    weeks = week_of(created)
    last = week_of(pd.Series([as_of]).dt.tz_convert(created.dt.tz))[0]
    counts = weeks.value_counts().reindex(pd.period_range(weeks.min(), last, freq=weeks.min().freq), fill_value=0)
    values = counts.to_numpy()
    start = len(values)
    while start - 1 >= TAIL_HISTORY:
        typical = float(np.median(values[start - 1 - TAIL_HISTORY:start - 1]))
        if not values[start - 1] < TAIL_SHARE * typical:
            break
        start -= 1
    whole = [p for p in counts.index[start:]
             if _midnight(p.end_time.normalize() + pd.Timedelta(days=1), created.dt.tz) <= as_of]
    if start == len(values) or not whole:
        return None, 0
    tail_start = _midnight(counts.index[start].start_time, created.dt.tz)
    before = created[created < tail_start]
    return (pd.Timestamp(before.max()), len(values) - start) if len(before) else (None, 0)


def _label(start: pd.Timestamp, kind: str) -> str:
    if kind == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%B %Y")


def reporting_period(tickets: pd.DataFrame, config: PeriodConfig, date_only: frozenset[str] = frozenset(),
                     zone: str = "UTC") -> ReportingPeriod:
    """The reporting period (see the module's rules); ``date_only``: the time columns that hold dates only;
    ``zone``: the reporting time zone its calendar is cut in and its timestamps carry."""
    tickets = in_zone(tickets[[c for c in TIME_COLUMNS if c in tickets]], zone)
    period = _reporting_period(tickets, config, date_only, zone)
    if period.undated:
        return period
    data_end, tail_weeks = truncated_tail(tickets["created_at"], period.as_of)
    return replace(period, data_end=data_end, tail_weeks=tail_weeks)


def _reporting_period(tickets: pd.DataFrame, config: PeriodConfig, date_only: frozenset[str], zone: str) -> ReportingPeriod:
    as_of = as_of_time(tickets, config.as_of, date_only).tz_convert(zone)
    if tickets["created_at"].isna().all():
        stamps = [tickets[c].min() for c in TIME_COLUMNS if c in tickets and tickets[c].notna().any()]
        first = pd.Timestamp(min(stamps)) if stamps else as_of
        # a label that reads as a period wherever one stands ("Reporting period: the whole export", "over the whole
        # export", "The whole export: 2 of 6 service targets met"); the summary says why (PeriodFallback.UNDATED)
        return ReportingPeriod(as_of, first, as_of + _INCLUSIVE, UNDATED_LABEL, "all",
                               True, None, None, None, False, first, undated=True, fallback=PeriodFallback.UNDATED)
    created = tickets["created_at"]
    data_start = pd.Timestamp(created.min())
    dated = int(created.notna().sum())

    def whole(fallback: PeriodFallback | None = None, declined: str | None = None,
              declined_tickets: int | None = None) -> ReportingPeriod:
        return ReportingPeriod(as_of, data_start, as_of + _INCLUSIVE, f"{data_start:%d %b %Y} – {as_of:%d %b %Y}", "all",
                               True, None, None, None, False, data_start, fallback=fallback,
                               declined_label=declined, declined_tickets=declined_tickets, dated_tickets=dated)

    if config.length == "all":
        return whole()
    freq = "QS" if config.length == "quarter" else "MS"
    offset = pd.DateOffset(months=3 if config.length == "quarter" else 1)
    # data that reaches the last hour of a period counts as covering it (exports end at 23:59)
    naive = (as_of + COMPLETE_WITHIN).tz_localize(None)
    end_naive = pd.Timestamp(naive).to_period("Q" if freq == "QS" else "M").start_time
    end, start = _midnight(end_naive, zone), _midnight(end_naive - offset, zone)
    if start < data_start.normalize():
        return whole(PeriodFallback.NO_FULL_PERIOD)
    label = _label(start, config.length)
    held = int(((created >= start) & (created < end)).sum())
    enough_share = config.length != "quarter" or held >= MIN_PERIOD_SHARE * dated
    # a configured as-of whose period holds no ticket at all is a mistake to refuse (analysis.refuse_empty_period),
    # not a reason to report on the whole span instead
    refused = held == 0 and config.as_of is not None
    if (held < MIN_PERIOD_TICKETS or not enough_share) and not refused:
        return whole(PeriodFallback.TOO_FEW_TICKETS, label, held)
    previous_start = _midnight(end_naive - 2 * offset, zone)
    has_previous = data_start < start
    previous_label = _label(previous_start, config.length) if has_previous else None
    previous_held = int(((created >= previous_start) & (created < start)).sum()) if has_previous else 0
    dropped = has_previous and previous_held < MIN_PERIOD_TICKETS
    compare = has_previous and not dropped
    return ReportingPeriod(
        as_of=as_of, start=start, end=end, label=label, kind=config.length, partial=False,
        previous_start=previous_start if compare else None,
        previous_end=start if compare else None,
        previous_label=previous_label if compare else None,
        previous_partial=bool(compare and data_start > previous_start),
        data_start=data_start, dated_tickets=dated,
        previous_dropped=previous_label if dropped else None,
        previous_dropped_tickets=previous_held if dropped else None,
    )
