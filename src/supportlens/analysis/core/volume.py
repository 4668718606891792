"""Ticket volume by month and the backlog over time and at the as-of time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...canonical import SOLVED_STATUSES
from .extremes import full_or_all, highest, lowest
from .period import month_of, wall_time

AGE_BANDS = ((0, 1, "under 1 day"), (1, 3, "1–3 days"), (3, 7, "3–7 days"), (7, 30, "7–30 days"),
             (30, np.inf, "over 30 days"))


@dataclass(frozen=True)
class MonthVolume:
    month: str          # YYYY-MM
    created: int
    solved: int         # tickets whose last solve fell in the month
    partial: bool       # the month is cut by the start of the data, its end (a truncated tail) or the as-of time
    beyond_data: bool = False   # it starts after the data's end (core/period.py: truncated tail)


@dataclass(frozen=True)
class Backlog:
    """Open (not solved or closed) tickets at the end of each day, and the age profile at as-of."""

    days: list[str]
    open_tickets: list[int]
    at_as_of: int
    age_bands: list[dict]    # {"band", "tickets"}
    peak_day: int | None = None   # index into days: the most open tickets (the first such day)


@dataclass(frozen=True)
class MonthExtremes:
    """Indices into the monthly volume: the most and the fewest tickets created, among full months (all months
    when every one is partial); the first month on a tie."""

    busiest: int | None
    quietest: int | None


def month_extremes(months: list[MonthVolume]) -> MonthExtremes:
    """A month with no ticket or after the data's end is never the quietest: an empty month says the export
    has a gap, not that demand was low."""
    among = full_or_all(months, lambda m: m.partial or m.beyond_data)
    quiet = [i for i in among if months[i].created > 0 and not months[i].beyond_data]
    return MonthExtremes(highest(months, lambda m: m.created, among), lowest(months, lambda m: m.created, quiet))


@dataclass(frozen=True)
class VolumeSection:
    """The volume section of the report: tickets by month and the daily backlog."""

    monthly: list[MonthVolume] | None
    backlog: Backlog | None
    busiest_month: int | None               # index into monthly: most tickets created among full months
    quietest_month: int | None              # ... fewest


def volume_section(months: list[MonthVolume] | None, daily: Backlog | None) -> VolumeSection:
    picked = month_extremes(months) if months else MonthExtremes(None, None)
    return VolumeSection(months, daily, picked.busiest, picked.quietest)


def solved_times(clocks: pd.DataFrame) -> pd.Series:
    """The last solve of each solved ticket (UTC); missing while unsolved, and for every ticket when the
    export has no solve time (an optional column: then nothing counts as solved)."""
    if "solved_at" not in clocks:
        return pd.Series(pd.NaT, index=clocks.index, dtype="datetime64[ns, UTC]")
    return clocks["solved_at"].where(clocks["resolution_minutes"].notna())


def monthly_volume(clocks: pd.DataFrame, as_of: pd.Timestamp, data_end: pd.Timestamp | None = None) -> list[MonthVolume]:
    """Tickets created and solved per month; ``data_end`` (a truncated tail's start, core/period.py) cuts the
    month holding it short and puts the later ones outside the data."""
    created = month_of(clocks["created_at"])
    solved = month_of(solved_times(clocks))
    # wall-clock times of the reporting zone the clocks are held in (core/period.py: in_zone)
    as_of_wall = wall_time(as_of, clocks["created_at"])
    end_wall = None if data_end is None else wall_time(data_end, clocks["created_at"])
    months = pd.period_range(created.min(), as_of_wall.to_period("M"), freq="M")
    created_counts = created.value_counts()
    solved_counts = solved.value_counts()
    first_day = clocks["created_at"].min()
    out = []
    for month in months:
        month_end = (month + 1).start_time - pd.Timedelta(seconds=1)
        partial = ((month == months[0] and first_day.day > 1) or (month == months[-1] and as_of_wall < month_end)
                   or (end_wall is not None and end_wall < month_end))
        out.append(MonthVolume(str(month), int(created_counts.get(month, 0)), int(solved_counts.get(month, 0)),
                               bool(partial), bool(end_wall is not None and month.start_time > end_wall)))
    return out


def backlog(clocks: pd.DataFrame, as_of: pd.Timestamp) -> Backlog:
    """Backlog at each day's end = created so far − solved so far (last solve), whatever the creation date.
    A ticket the export marks solved or closed without a solve time left the backlog at an unknown time: it
    is left out of the series (the data-quality page counts such tickets), never counted open for ever."""
    solved_status = (clocks["status"].isin(SOLVED_STATUSES).fillna(False).to_numpy(dtype=bool) if "status" in clocks
                     else np.zeros(len(clocks), dtype=bool))
    no_solve_time = clocks["solved_at"].isna().to_numpy() if "solved_at" in clocks else np.ones(len(clocks), dtype=bool)
    # only the columns read here: a copy of every clock of ten million tickets is gigabytes
    used = [c for c in ("created_at", "solved_at", "resolution_minutes", "open_minutes") if c in clocks]
    left_out = solved_status & no_solve_time
    clocks = clocks.loc[~left_out, used] if left_out.any() else clocks[used]
    # days of the reporting zone (core/period.py: in_zone), as naive local dates
    day_created = clocks["created_at"].dt.tz_localize(None).dt.normalize()
    solved_at = solved_times(clocks)
    day_solved = solved_at.dt.tz_localize(None).dt.normalize()
    days = pd.date_range(day_created.min(), wall_time(as_of, clocks["created_at"]).normalize(), freq="D")
    created_per_day = day_created.value_counts().reindex(days, fill_value=0).cumsum()
    solved_per_day = day_solved.value_counts().reindex(days, fill_value=0).cumsum()
    open_series = (created_per_day - solved_per_day).astype(int)
    age_days = clocks["open_minutes"].dropna() / (60 * 24)
    bands = [{"band": label, "tickets": int(((age_days >= lo) & (age_days < hi)).sum())} for lo, hi, label in AGE_BANDS]
    open_tickets = open_series.tolist()
    return Backlog([d.strftime("%Y-%m-%d") for d in days], open_tickets, int(clocks["open_minutes"].notna().sum()),
                   bands, highest(open_tickets, lambda n: n))
