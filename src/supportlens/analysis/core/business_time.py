"""Business time: how much of a span falls inside the business calendar.

The calendar (``sla.business_hours``: time zone, weekly opening hours, public
holidays, closed days) is turned into a sorted array of opening intervals in
UTC with the business time accumulated before each. Business time up to an
instant ``t`` is then ``B(t) = cumulative[j] + clip(t - start[j], 0, length[j])``
for the last interval ``j`` starting at or before ``t`` (one ``searchsorted``
for a whole column), and business time between two instants is
``B(end) - B(start)``. All arithmetic is in integer nanoseconds, so a span that
equals its target exactly compares equal to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...config import BusinessHours

NS_PER_MINUTE = 60 * 10**9
_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening intervals [starts, ends) in UTC nanoseconds since the epoch, sorted and disjoint.

    ``cumulative[j]`` is the business time (ns) of all intervals before ``j``.
    ``always_open`` marks the 24/7 calendar, where business time is calendar time.
    """

    starts: np.ndarray
    ends: np.ndarray
    cumulative: np.ndarray
    always_open: bool

    @property
    def lengths(self) -> np.ndarray:
        return self.ends - self.starts


def build_calendar(hours: BusinessHours, first: pd.Timestamp, last: pd.Timestamp) -> BusinessCalendar:
    """The opening intervals of ``hours`` covering [first, last] with a week of margin either side."""
    if hours.always_open:
        empty = np.zeros(0, dtype=np.int64)
        return BusinessCalendar(empty, empty, empty, True)
    tz = hours.timezone
    first_day = (first.tz_convert(tz).normalize().tz_localize(None) - pd.Timedelta(days=7))
    last_day = (last.tz_convert(tz).normalize().tz_localize(None) + pd.Timedelta(days=8))
    days = pd.date_range(first_day, last_day, freq="D")
    closed = _closed_days(hours, days)
    starts, ends = [], []
    for weekday, ranges in enumerate(hours.minutes_by_weekday()):
        open_days = days[(days.day_of_week == weekday) & ~days.normalize().isin(closed)]
        for begin, finish in ranges:
            starts.append(_local_to_utc_ns(open_days + pd.Timedelta(minutes=begin), tz))
            ends.append(_local_to_utc_ns(open_days + pd.Timedelta(minutes=finish), tz))
    if not starts or not sum(len(s) for s in starts):
        raise ValueError("the business calendar has no opening hours at all")
    s = np.concatenate(starts)
    e = np.concatenate(ends)
    order = np.argsort(s, kind="stable")
    s, e = _merge(s[order], e[order])
    lengths = e - s
    cumulative = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return BusinessCalendar(s, e, cumulative, False)


def _closed_days(hours: BusinessHours, days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    closed = [pd.Timestamp(d) for d in hours.closed_days]
    if hours.holidays:
        import holidays as holidays_package

        years = range(days[0].year, days[-1].year + 1)
        public = holidays_package.country_holidays(hours.holidays.upper(), subdiv=hours.subdivision, years=years)
        closed.extend(pd.Timestamp(d) for d in public)
    return pd.DatetimeIndex(closed)


def _local_to_utc_ns(local: pd.DatetimeIndex, tz: str) -> np.ndarray:
    """Local wall-clock times -> UTC ns. A time skipped by a DST change moves forward; a repeated one
    takes its first (daylight) occurrence."""
    aware = local.tz_localize(tz, ambiguous=np.ones(len(local), dtype=bool), nonexistent="shift_forward")
    return aware.tz_convert("UTC").as_unit("ns").asi8.astype(np.int64)


def _merge(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Join touching or overlapping intervals (e.g. 24:00 of one day and 00:00 of the next)."""
    keep_s, keep_e = [int(starts[0])], [int(ends[0])]
    for s, e in zip(starts[1:].tolist(), ends[1:].tolist()):
        if s <= keep_e[-1]:
            keep_e[-1] = max(keep_e[-1], e)
        else:
            keep_s.append(s)
            keep_e.append(e)
    return np.array(keep_s, dtype=np.int64), np.array(keep_e, dtype=np.int64)


def business_ns_until(calendar: BusinessCalendar, t: np.ndarray) -> np.ndarray:
    """B(t): business ns from the calendar's origin to each instant ``t`` (int64 ns)."""
    if calendar.always_open:
        return t
    j = np.searchsorted(calendar.starts, t, side="right") - 1
    inside = j >= 0
    jj = np.where(inside, j, 0)
    within = np.clip(t - calendar.starts[jj], 0, calendar.lengths[jj])
    return np.where(inside, calendar.cumulative[jj] + within, 0)


def add_business_ns(calendar: BusinessCalendar, t: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """The earliest instant at which ``duration`` business ns have passed since ``t``."""
    if calendar.always_open:
        return t + duration
    target = business_ns_until(calendar, t) + duration
    ends_cumulative = calendar.cumulative + calendar.lengths
    j = np.searchsorted(ends_cumulative, target, side="left")
    j = np.minimum(j, len(calendar.starts) - 1)
    return calendar.starts[j] + (target - calendar.cumulative[j])


def to_ns(series: pd.Series) -> np.ndarray:
    """A UTC timestamp column as int64 ns; NaT becomes the int64 minimum (mask it with ``isna``). A column held in ns
    is read in place (no copy of every timestamp: read it, never write into it)."""
    return series.dt.tz_convert("UTC").astype("datetime64[ns, UTC]").array.asi8.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Clock:
    """Elapsed time between instants on one calendar, in ns (NaN-free ints with a validity mask)."""

    calendar: BusinessCalendar

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return business_ns_until(self.calendar, end) - business_ns_until(self.calendar, start)


def calendar_clock() -> Clock:
    empty = np.zeros(0, dtype=np.int64)
    return Clock(BusinessCalendar(empty, empty, empty, True))


def business_minutes(calendar: BusinessCalendar, start: pd.Series, end: pd.Series) -> pd.Series:
    """Business minutes from ``start`` to ``end`` per row; NaN where either is missing."""
    valid = (start.notna() & end.notna()).to_numpy()
    out = np.full(len(start), np.nan)
    if valid.any():
        a, b = to_ns(start)[valid], to_ns(end)[valid]
        out[valid] = (business_ns_until(calendar, b) - business_ns_until(calendar, a)) / NS_PER_MINUTE
    return pd.Series(out, index=start.index)
