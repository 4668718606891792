from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportlens.analysis.core.period import reporting_period, rows_where
from supportlens.config import Period


def tickets_between(first: str, last: str, per_day: int = 4) -> pd.DataFrame:
    """``per_day`` tickets a day (every 24/per_day hours from midnight), from ``first`` to ``last`` (inclusive)."""
    days = pd.date_range(first, last, freq="D", tz="UTC")
    created = [day + pd.Timedelta(hours=24 * i / per_day) for day in days for i in range(per_day)]
    return pd.DataFrame({"created_at": pd.DatetimeIndex(created).as_unit("ns")})


@pytest.mark.parametrize("as_of, label, previous", [
    ("2026-09-30T23:58:00Z", "Q3 2026", "Q2 2026"),   # data reaches the last hour of Q3: Q3 is complete
    ("2026-09-30T12:00:00Z", "Q2 2026", "Q1 2026"),   # half a day of Q3 missing: the last full quarter is Q2
    ("2026-10-01T00:00:00Z", "Q3 2026", "Q2 2026"),
])
def test_last_full_quarter(as_of, label, previous):
    period = reporting_period(tickets_between("2025-10-01", "2026-09-30"), Period(as_of=as_of))
    assert (period.label, period.previous_label) == (label, previous)
    assert period.end - period.start >= pd.Timedelta(days=90)


def test_previous_period_is_partial_when_the_data_starts_inside_it():
    period = reporting_period(tickets_between("2026-05-15", "2026-09-30"), Period(as_of="2026-10-01T00:00:00Z"))
    assert period.label == "Q3 2026" and period.previous_label == "Q2 2026" and period.previous_partial


def test_whole_span_when_no_full_quarter():
    period = reporting_period(tickets_between("2026-08-01", "2026-09-10"), Period(as_of="2026-09-10T00:00:00Z"))
    assert period.kind == "all" and period.partial and period.previous_label is None


def test_month_periods():
    period = reporting_period(tickets_between("2026-01-01", "2026-03-20"), Period(as_of="2026-03-20T00:00:00Z", length="month"))
    assert (period.label, period.previous_label) == ("February 2026", "January 2026")


# --- issue 14: boundaries of real exports -------------------------------------------------------

def test_whole_span_includes_the_as_of_instant():
    tickets = tickets_between("2021-01-01", "2021-03-30", per_day=1)
    tickets.loc[len(tickets)] = [pd.Timestamp("2021-03-31 15:00", tz="UTC")]        # the latest ticket is the as-of
    period = reporting_period(tickets, Period(length="all"))
    assert period.as_of == pd.Timestamp("2021-03-31 15:00", tz="UTC")
    assert period.mask(tickets["created_at"]).sum() == 90                            # 89 days + the last ticket


def test_date_only_data_runs_to_the_end_of_its_last_day():
    # dates only, 1 Jan - 31 Mar 2021: the as-of time is the end of 31 March, so its tickets count
    tickets = tickets_between("2021-01-01", "2021-03-31", per_day=1)
    period = reporting_period(tickets, Period(length="all"), date_only=frozenset({"created_at"}))
    assert period.as_of == pd.Timestamp("2021-03-31 23:59:59", tz="UTC")
    assert period.mask(tickets["created_at"]).sum() == 90 == len(tickets)
    # and the quarter its last day completes is a full quarter (2 a day: 180 tickets, all in Q1 2021)
    twice = tickets_between("2021-01-01", "2021-03-31", per_day=2).assign(
        created_at=lambda t: t["created_at"].dt.floor("D"))
    quarter = reporting_period(twice, Period(), date_only=frozenset({"created_at"}))
    assert (quarter.label, quarter.fallback, int(quarter.mask(twice["created_at"]).sum())) == ("Q1 2021", None, 180)
    # without the date-only rule the as-of is 31 March 00:00: Q1 is not complete and its last day is lost
    assert reporting_period(twice, Period()).fallback == "no_full_period"


def test_a_quarter_with_too_small_a_share_is_not_the_period():
    # 10 a day through 2025, then the export thins out: 2 a day in Q1 2026 (180 of 3,830 = 4.7%)
    busy = tickets_between("2025-01-01", "2025-12-31", per_day=10)
    thin = tickets_between("2026-01-01", "2026-03-31", per_day=2)
    tickets = pd.concat([busy, thin], ignore_index=True)
    period = reporting_period(tickets, Period(as_of="2026-03-31T23:59:00Z"))
    assert period.kind == "all" and period.fallback == "too_few_tickets"
    assert (period.declined_label, period.declined_tickets, period.dated_tickets) == ("Q1 2026", 180, 3830)
    assert period.mask(tickets["created_at"]).all()


def test_a_quarter_with_too_few_tickets_is_not_the_period():
    # 67 tickets over six months, one in the last quarter
    tickets = tickets_between("2025-07-01", "2025-09-06", per_day=1)
    tickets.loc[len(tickets)] = [pd.Timestamp("2025-10-02 09:00", tz="UTC")]
    period = reporting_period(tickets, Period(as_of="2025-12-31T23:59:00Z"))
    assert (period.kind, period.fallback, period.declined_label, period.declined_tickets) == (
        "all", "too_few_tickets", "Q4 2025", 1)


def test_a_previous_period_too_small_is_not_compared_with():
    # Q2 2026 holds 16 days x 4 = 64 tickets (< 100), Q3 2026 368: Q3 is reported, without a comparison
    period = reporting_period(tickets_between("2026-06-15", "2026-09-30"), Period(as_of="2026-10-01T00:00:00Z"))
    assert period.label == "Q3 2026" and period.previous_label is None and period.previous_start is None
    assert (period.previous_dropped, period.previous_dropped_tickets) == ("Q2 2026", 64)


def test_a_truncated_tail_needs_one_whole_empty_week():
    from supportlens.analysis.core.period import truncated_tail
    # 20 weeks of 10 tickets from Monday 6 Jan 2025 (the last on Fri 23 May 18:00), then nothing
    created = pd.Series([pd.Timestamp("2025-01-06 09:00", tz="UTC") + pd.Timedelta(days=7 * w + d % 5, hours=d)
                         for w in range(20) for d in range(10)])
    assert created.max() == pd.Timestamp("2025-05-23 18:00", tz="UTC")
    # as of Fri 20 Jun: the weeks of 26 May, 2 and 9 Jun are whole and empty, 16 Jun partial
    assert truncated_tail(created, pd.Timestamp("2025-06-20 12:00", tz="UTC")) == (created.max(), 4)
    # as of Sun 1 Jun 12:00 the empty week of 26 May is not whole yet: a partial last week is no tail
    assert truncated_tail(created, pd.Timestamp("2025-06-01 12:00", tz="UTC")) == (None, 0)
    assert truncated_tail(created, pd.Timestamp("2025-06-02 00:00", tz="UTC")) == (created.max(), 2)
    assert truncated_tail(created, created.max()) == (None, 0)


def test_an_export_without_creation_times_is_reported_whole_in_words_a_reader_can_read():
    # the Kaggle export: no creation time at all. Its label stands where a period stands ("Reporting period: …",
    # "over …", "… : 2 of 6 service targets met"), and the summary says why from the fallback.
    tickets = pd.DataFrame({"created_at": pd.to_datetime(pd.Series([None, None]), utc=True),
                            "solved_at": pd.to_datetime(["2023-05-01T10:00:00Z", "2023-06-01T00:55:00Z"], utc=True)})
    period = reporting_period(tickets, Period(length="all"))
    assert period.undated and period.fallback == "undated"
    assert period.label == "the whole export"
    assert "(" not in period.label and "no creation" not in period.label


def test_rows_where_gives_the_masked_rows_and_shares_a_run_of_consecutive_rows():
    frame = pd.DataFrame({"minutes": np.arange(6, dtype=float), "team": list("abcdef")}, index=range(10, 16))
    for mask in ([False, True, True, True, False, False], [True, False, True, False, False, True], [False] * 6,
                 [True] * 6, [False, False, False, False, False, True]):
        picked = rows_where(frame, np.array(mask))
        pd.testing.assert_frame_equal(picked, frame[np.array(mask)], check_index_type=False)
    run = rows_where(frame, np.array([False, True, True, True, False, False]))
    assert list(run.index) == [11, 12, 13]
    assert np.shares_memory(run["minutes"].to_numpy(), frame["minutes"].to_numpy())   # a slice, not a copy
    run.loc[11, "minutes"] = -1.0                                                     # copy on write: frame unchanged
    assert frame.loc[11, "minutes"] == 1.0
