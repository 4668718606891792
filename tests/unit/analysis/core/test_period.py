from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis.core.period import reporting_period
from supportlens.config import Period


def tickets_between(first: str, last: str) -> pd.DataFrame:
    return pd.DataFrame({"created_at": pd.to_datetime([first, last], utc=True)})


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
