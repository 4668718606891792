"""Times that have not come yet: a ticket or event time after the moment of the build (the machine's clock,
passed in here as `now`), or an as-of after it, is a data-quality finding with its count and an example; data
without such times gives the same findings whatever the clock says."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from supportlens.dataset import Check
from supportlens.ingest.checks import check_events, check_tickets
from support import TINY_TICKETS

TIMES = ("created_at", "first_response_at", "first_solved_at", "solved_at", "closed_at")
NOW = pd.Timestamp("2026-04-15T12:00:00Z")   # the moment of the build, in these tests


def tickets(**changes) -> pd.DataFrame:
    """The six hand-worked tickets (created 2026-02-02 .. 2026-03-31) as canonical columns, with changes
    {column: {row: value}}."""
    frame = pd.read_csv(io.StringIO(TINY_TICKETS), dtype=str)
    for column, rows in changes.items():
        for row, value in rows.items():
            frame.loc[row, column] = value
    for column in TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    for column in ("tier_max", "reopens", "replies", "csat"):
        frame[column] = pd.to_numeric(frame[column])
    frame["status"] = frame["status"].str.lower()
    return frame


def future(quality) -> list:
    return [q for q in quality if q.check == Check.FUTURE_TIMESTAMP]


def test_times_after_the_build_are_kept_as_missing_and_said_with_count_and_example():
    quality: list = []
    checked = check_tickets(tickets(solved_at={1: "2026-05-01T10:00:00Z", 5: "2026-06-01T00:00:00Z"},
                                    closed_at={1: "2026-05-02T10:00:00Z"}), quality, now=NOW)
    found = {q.column: q for q in future(quality)}
    assert set(found) == {"solved_at", "closed_at"}
    assert (found["solved_at"].rows, found["solved_at"].example) == (2, "T2")
    assert (found["closed_at"].rows, found["closed_at"].example) == (1, "T2")
    assert "after the time of the build, 2026-04-15 12:00 UTC" in found["solved_at"].action
    assert "kept as missing" in found["solved_at"].action
    assert checked["solved_at"].isna().tolist() == [False, True, False, True, True, True]   # T4, T5 were open
    assert checked.loc[0, "solved_at"] == pd.Timestamp("2026-02-02T17:00:00Z")   # the rest untouched


def test_a_time_a_day_after_the_build_is_caught_though_it_is_within_a_year_of_the_data():
    """The case issue 16 left open: without an as-of, only a year beyond 99% of the data was caught."""
    quality: list = []
    check_tickets(tickets(created_at={4: "2026-04-16T12:00:00Z"}), quality, now=NOW)
    [finding] = future(quality)
    assert (finding.column, finding.rows, finding.example) == ("created_at", 1, "T5")
    quality_later: list = []   # the same export built a month later: the time has come, nothing to say
    check_tickets(tickets(created_at={4: "2026-04-16T12:00:00Z"}), quality_later, now=NOW + pd.Timedelta(days=30))
    assert future(quality_later) == []


def test_data_without_future_times_gives_the_same_findings_on_any_day():
    runs = []
    for now in (pd.Timestamp("2026-04-01T00:00:00Z"), NOW, pd.Timestamp("2031-01-01T00:00:00Z")):
        quality: list = []
        checked = check_tickets(tickets(), quality, as_of="2026-03-31T12:00:00Z", now=now)
        runs.append((quality, checked))
    assert all(quality == runs[0][0] for quality, _ in runs) and future(runs[0][0]) == []
    assert all(checked.equals(runs[0][1]) for _, checked in runs)


def test_an_as_of_after_the_build_is_a_finding_counting_the_open_tickets():
    quality: list = []
    check_tickets(tickets(), quality, as_of="2026-06-30T00:00:00Z", now=NOW)
    [finding] = future(quality)
    assert finding.column is None and finding.example == "2026-06-30T00:00:00Z"
    assert finding.rows == 2   # T4 (open) and T5 (new); the other four are solved or closed
    assert "as-of time 2026-06-30 00:00 UTC is after the time of the build, 2026-04-15 12:00 UTC" in finding.action
    quality_past: list = []    # the same as-of once it has come
    check_tickets(tickets(), quality_past, as_of="2026-06-30T00:00:00Z", now=pd.Timestamp("2026-07-01T00:00:00Z"))
    assert future(quality_past) == []


def test_each_time_is_said_once_under_the_first_rule_it_breaks():
    """After the build (and so after an earlier as-of too): said as after the build; between the as-of and the
    build: after the as-of."""
    quality: list = []
    check_tickets(tickets(closed_at={0: "2026-04-10T00:00:00Z", 1: "2026-05-10T00:00:00Z"}), quality,
                  as_of="2026-03-31T12:00:00Z", now=NOW)
    said = sorted((q.example, q.action.split("(")[1].split(",")[0]) for q in future(quality))
    assert said == [("T1", "after the report's as-of time 2026-03-31 12:00 UTC)"), ("T2", "after the time of the build")]


def test_a_due_time_ahead_is_no_finding():
    quality: list = []
    frame = tickets().assign(due_at=pd.to_datetime(["2026-02-03T09:00:00Z"] * 5 + ["2026-05-01T00:00:00Z"], utc=True))
    checked = check_tickets(frame, quality, now=NOW)
    assert future(quality) == [] and checked["due_at"].notna().all()


def test_events_after_the_build_are_dropped_and_said():
    frame = tickets()
    events = pd.DataFrame({"ticket_id": ["T1", "T1", "T2"], "event_type": ["created", "solved", "created"],
                           "event_at": pd.to_datetime(["2026-02-02T09:00:00Z", "2026-04-20T00:00:00Z",
                                                       "2026-02-03T10:00:00Z"], utc=True)})
    quality: list = []
    kept = check_events(events, frame, quality, now=NOW)
    [finding] = future(quality)
    assert (finding.table, finding.column, finding.rows, finding.example) == ("events", "event_at", 1, "T1")
    assert finding.action.startswith("dropped (after the time of the build")
    assert kept["event_type"].tolist() == ["created", "created"]


@pytest.mark.parametrize("now", [pd.Timestamp("2026-04-15T14:00:00+02:00"), pd.Timestamp("2026-04-15T12:00:00")])
def test_the_clock_is_read_in_utc(now):
    """A clock given with an offset, or naive (read as UTC), is the same moment."""
    quality: list = []
    check_tickets(tickets(created_at={4: "2026-04-15T12:30:00Z"}), quality, now=now)
    assert [q.example for q in future(quality)] == ["T5"]
