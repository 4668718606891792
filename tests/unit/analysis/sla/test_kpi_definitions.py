"""The definitions METRICS.md promises (issue 12, 7), on thirteen tickets worked by hand.

Ten replied tickets R1-R10 (created 09:00 UTC on the weekdays of 2-13 Feb 2026): first public reply after
10, 20, 30, 40, 50, 60, 70, 80, 90 and 600 minutes, solved after 1, 2, ..., 10 hours; CSAT 5, 5, 4, 4, 3, 2, 1, 5
on R1-R8. N1, N2 solved without any reply after 1 and 2 minutes. O1 created 4.5 hours before the as-of time,
still new, no reply.

- median first response over the ten replied tickets: (50 + 60) / 2 = 55 min. Filling a missing reply with the
  solve time (N1 1 min, N2 2 min) would give the median of twelve values, (40 + 50) / 2 = 45 min.
- 90th percentile, linear interpolation: position 0.9 x 9 = 8.1 of the sorted ten -> 90 + 0.1 x (600 - 90) = 141 min.
- solved without a reply: N1, N2 of the twelve solved = 1/6.
- Kaplan-Meier resolution hours: events at 1/60, 2/60, 1, 2, 3, 4 h leave S = 7/13; O1 is censored at 4.5 h,
  leaving six at risk; at 5 h S = 7/13 x 5/6 = 0.449 (median 5 h); 6 h 0.359, 7 h 0.269, 8 h 0.179,
  9 h 7/13 x 1/6 = 0.090 <= 0.1 -> 90th percentile 9 h.
- satisfied (4-5): 5, 5, 4, 4, 5 of eight rated = 0.625; mean 29 / 8 = 3.625.
"""

from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis import analyse
from supportlens.config import Config
from supportlens.ingest import load_dataset

AS_OF = pd.Timestamp("2026-03-31T12:00:00Z")
REPLY_MINUTES = [10, 20, 30, 40, 50, 60, 70, 80, 90, 600]
SOLVE_HOURS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
CSAT = [5, 5, 4, 4, 3, 2, 1, 5, None, None]


def _table() -> str:
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    days = pd.bdate_range("2026-02-02", periods=12, tz="UTC") + pd.Timedelta(hours=9)
    rows = ["ticket_id,created_at,first_response_at,solved_at,status,priority,csat"]
    for i, (reply, solve, score) in enumerate(zip(REPLY_MINUTES, SOLVE_HOURS, CSAT)):
        created = days[i]
        rows.append(f"R{i + 1},{stamp(created)},{stamp(created + pd.Timedelta(minutes=reply))},"
                    f"{stamp(created + pd.Timedelta(hours=solve))},solved,normal,{'' if score is None else score}")
    for j, minutes in enumerate((1, 2)):
        created = days[10 + j]
        rows.append(f"N{j + 1},{stamp(created)},,{stamp(created + pd.Timedelta(minutes=minutes))},solved,normal,")
    rows.append(f"O1,{stamp(AS_OF - pd.Timedelta(hours=4.5))},,,new,normal,")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    path = tmp_path_factory.mktemp("definitions") / "tickets.csv"
    path.write_text(_table())
    config = Config.model_validate({"data": {"tickets": str(path), "events": None, "accounts": None, "agents": None},
                                    "period": {"as_of": "2026-03-31T12:00:00Z", "length": "all"}})
    analysis = analyse(load_dataset(config), config)
    return {k.id: k for k in analysis.kpis}, analysis


def test_first_response_median_is_over_replied_tickets_only(analysed):
    kpis, analysis = analysed
    median = kpis["first_response_median_minutes"]
    assert (median.value, median.n) == (pytest.approx(55), 10)
    first = next(d for d in analysis.sla.period.durations if d.measure == "first_response")
    assert (first.tickets, first.median_minutes) == (10, pytest.approx(55))


def test_solved_without_a_reply_is_a_share_of_solved_tickets(analysed):
    kpis, analysis = analysed
    share = kpis["solved_without_reply_rate"]
    assert (share.value, share.n) == (pytest.approx(1 / 6), 12)
    # their first-response SLA still completes, at the solve: twelve completed, O1 still running
    assert analysis.sla.period.first_response.n == 12


def test_ninetieth_percentiles(analysed):
    kpis, _ = analysed
    assert kpis["first_response_p90_minutes"].value == pytest.approx(141)
    assert kpis["resolution_median_hours"].value == pytest.approx(5)
    assert kpis["resolution_p90_hours"].value == pytest.approx(9)


def test_share_satisfied_is_of_rated_tickets(analysed):
    kpis, _ = analysed
    assert (kpis["csat_satisfied_rate"].value, kpis["csat_satisfied_rate"].n) == (pytest.approx(0.625), 8)
    assert kpis["csat_mean"].value == pytest.approx(3.625)

