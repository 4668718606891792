"""The SLA clock: business hours, holidays, DST, pauses, reopen cycles, due dates — worked by hand —
and properties of the clock checked with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportlens.analysis.core.business_time import add_business_ns, build_calendar, business_minutes, business_ns_until
from supportlens.analysis.core.clocks import ticket_clocks
from supportlens.config import BusinessHours, SlaPolicy

OFFICE = {"mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-17:00"}
BERLIN = BusinessHours(timezone="Europe/Berlin", weekly=OFFICE, holidays="DE")


def ts(text: str, tz: str = "UTC") -> pd.Timestamp:
    stamp = pd.Timestamp(text)
    return (stamp.tz_localize(tz) if stamp.tzinfo is None else stamp).tz_convert("UTC")


def minutes(hours: BusinessHours, start: str, end: str, tz: str = "Europe/Berlin") -> float:
    a, b = ts(start, tz), ts(end, tz)
    calendar = build_calendar(hours, a, b)
    return float(business_minutes(calendar, pd.Series([a]), pd.Series([b])).iloc[0])


def tickets(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in ("created_at", "first_response_at", "solved_at", "due_at"):
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[ns, UTC]")
    return frame


def events(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ticket_id", "event_at", "event_type", "status"])
    frame["event_at"] = pd.to_datetime(frame["event_at"], utc=True).astype("datetime64[ns, UTC]")
    return frame


# --- business minutes worked by hand ----------------------------------------------------------

def test_friday_evening_to_monday_morning():
    # Fri 3 Jan 2025 16:00 -> Mon 6 Jan 10:00 Berlin: 60 min on Friday + 60 on Monday (6 Jan is no holiday in DE)
    assert minutes(BERLIN, "2025-01-03 16:00", "2025-01-06 10:00") == 120


def test_public_holidays_are_closed():
    # Wed 24 Dec 16:30 -> Mon 29 Dec 09:30: 25 and 26 Dec are holidays, 27/28 a weekend: 30 + 30 min
    assert minutes(BERLIN, "2025-12-24 16:30", "2025-12-29 09:30") == 60
    bavaria = BERLIN.model_copy(update={"subdivision": "BY"})
    # Epiphany (6 Jan) is a holiday in Bavaria only: Fri 16:00 -> Tue 10:00 is 60 + 60 there, 60 + 480 + 60 elsewhere
    assert minutes(bavaria, "2025-01-03 16:00", "2025-01-07 10:00") == 120
    assert minutes(BERLIN, "2025-01-03 16:00", "2025-01-07 10:00") == 600


def test_closed_days_and_split_shifts():
    hours = BusinessHours(timezone="UTC", weekly={"mon": "08:00-12:00, 13:00-17:00"}, closed_days=["2025-03-10"])
    # Mon 3 Mar 11:00 -> Mon 17 Mar 09:00 UTC: 60 + 240 on the 3rd, the 10th closed, 60 on the 17th
    assert minutes(hours, "2025-03-03 11:00", "2025-03-17 09:00", tz="UTC") == 360


def test_daylight_saving_change():
    always = BusinessHours(timezone="Europe/Berlin")
    # the clocks go forward on Sunday 30 March 2025: noon to noon is 23 hours, in business and calendar time
    assert minutes(always, "2025-03-29 12:00", "2025-03-30 12:00") == 23 * 60
    # a 09:00-17:00 day is 8 hours either side of the change
    assert minutes(BERLIN, "2025-03-28 09:00", "2025-03-31 17:00") == 2 * 8 * 60


# --- states -----------------------------------------------------------------------------------

AS_OF = pd.Timestamp("2025-01-31 00:00", tz="UTC")


def test_business_clock_decides_the_state():
    policy = SlaPolicy(business_hours=BusinessHours(timezone="UTC", weekly=OFFICE))
    frame = tickets(
        # high: first response 4 h. Fri 16:00 -> Mon 11:00 UTC = 1 h + 2 h business: achieved (67 h calendar)
        {"ticket_id": "A", "created_at": "2025-01-03 16:00", "first_response_at": "2025-01-06 11:00",
         "solved_at": None, "status": "open", "priority": "high"},
        # same on the calendar clock: breached
    )
    business = ticket_clocks(frame, policy, AS_OF)
    calendar = ticket_clocks(frame, policy.model_copy(update={"clock": "calendar"}), AS_OF)
    assert business["first_response_business_minutes"].item() == 180
    assert business["first_response_minutes"].item() == 67 * 60
    assert business["first_response_state"].item() == "achieved"
    assert calendar["first_response_state"].item() == "breached"
    # open since Fri 3 Jan: 19 business days and one hour by 31 Jan 00:00 -> far past 8 h, active_breached
    assert business["resolution_state"].item() == "active_breached"
    assert business["open_business_minutes"].item() == (1 + 19 * 8) * 60


def test_pause_statuses_stop_the_clock():
    frame = tickets({"ticket_id": "P", "created_at": "2025-01-06 09:00", "first_response_at": "2025-01-06 09:30",
                     "solved_at": "2025-01-06 13:00", "status": "solved", "priority": "critical"})
    log = events(("P", "2025-01-06 09:00", "created", "new"), ("P", "2025-01-06 09:30", "public_reply", "pending"),
                 ("P", "2025-01-06 11:30", "customer_reply", "open"), ("P", "2025-01-06 13:00", "solved", "solved"))
    paused = ticket_clocks(frame, SlaPolicy(pause_statuses=["pending"]), AS_OF, events=log)
    running = ticket_clocks(frame, SlaPolicy(), AS_OF, events=log)
    # critical resolution target 4 h: 4 h elapsed, 2 h pending -> 2 h on the SLA clock
    assert paused["resolution_sla_minutes"].item() == 120 and paused["paused_minutes"].item() == 120
    assert running["resolution_sla_minutes"].item() == 240 and running["paused_minutes"].item() == 0
    assert paused["resolution_state"].item() == running["resolution_state"].item() == "achieved"
    assert paused["resolution_minutes"].item() == 240     # the calendar duration is unchanged by pauses


def test_paused_until_as_of_while_still_pending():
    frame = tickets({"ticket_id": "Q", "created_at": "2025-01-30 19:00", "first_response_at": "2025-01-30 21:00",
                     "solved_at": None, "status": "pending", "priority": "critical"})
    log = events(("Q", "2025-01-30 19:00", "created", "new"), ("Q", "2025-01-30 21:00", "public_reply", "pending"))
    clocks = ticket_clocks(frame, SlaPolicy(pause_statuses=["pending"]), AS_OF, events=log)
    # 5 h since creation, the last 3 pending: 2 h on the clock of a 4 h target; 5 h without the pause
    assert clocks["resolution_sla_minutes"].item() == 120
    assert clocks["resolution_state"].item() == "active"
    assert ticket_clocks(frame, SlaPolicy(), AS_OF, events=log)["resolution_state"].item() == "active_breached"


def test_reopen_starts_a_new_cycle():
    # normal: resolution 24 h. Solved after 1 h, reopened 3 days later, solved again 3 h after that
    frame = tickets({"ticket_id": "R", "created_at": "2025-01-06 09:00", "first_response_at": "2025-01-06 09:30",
                     "solved_at": "2025-01-09 12:00", "status": "solved", "priority": "normal"})
    log = events(("R", "2025-01-06 09:00", "created", "new"), ("R", "2025-01-06 10:00", "solved", "solved"),
                 ("R", "2025-01-09 09:00", "reopened", "open"), ("R", "2025-01-09 12:00", "solved", "solved"))
    cycles = ticket_clocks(frame, SlaPolicy(), AS_OF, events=log)
    assert cycles["resolution_cycles"].item() == 2
    assert cycles["resolution_sla_minutes"].item() == 180          # the longer of 60 and 180 minutes
    assert cycles["resolution_state"].item() == "achieved"
    continuous = ticket_clocks(frame, SlaPolicy(reopen="continue"), AS_OF, events=log)
    assert continuous["resolution_cycles"].item() == 1
    assert continuous["resolution_sla_minutes"].item() == 3 * 1440 + 180
    assert continuous["resolution_state"].item() == "breached"
    # the full resolution time is creation -> last solve either way
    assert cycles["resolution_minutes"].item() == continuous["resolution_minutes"].item() == 3 * 1440 + 180


def test_pauses_of_several_tickets_and_cycles_each_stop_their_own_clock():
    # three tickets, events in ticket and time order. S: pending 1 h in its first cycle (normal, solved after 3 h),
    # reopened, pending 2 h of its 5 h second cycle. T: its last event is pending: paused until as-of (31 Jan 00:00),
    # not until U's event that follows in the log (a pause ends at its own ticket's next event, else at as-of).
    frame = tickets({"ticket_id": "S", "created_at": "2025-01-06 09:00", "first_response_at": "2025-01-06 09:30",
                     "solved_at": "2025-01-08 15:00", "status": "solved", "priority": "normal"},
                    {"ticket_id": "T", "created_at": "2025-01-30 20:00", "first_response_at": "2025-01-30 21:00",
                     "solved_at": None, "status": "pending", "priority": "normal"},
                    {"ticket_id": "U", "created_at": "2025-01-30 18:00", "first_response_at": None,
                     "solved_at": None, "status": "open", "priority": "normal"})
    log = events(("S", "2025-01-06 09:00", "created", "new"), ("S", "2025-01-06 09:30", "public_reply", "pending"),
                 ("S", "2025-01-06 10:30", "customer_reply", "open"), ("S", "2025-01-06 12:00", "solved", "solved"),
                 ("S", "2025-01-08 10:00", "reopened", "open"), ("S", "2025-01-08 11:00", "public_reply", "pending"),
                 ("S", "2025-01-08 13:00", "customer_reply", "open"), ("S", "2025-01-08 15:00", "solved", "solved"),
                 ("T", "2025-01-30 20:00", "created", "new"), ("T", "2025-01-30 21:00", "public_reply", "pending"),
                 ("U", "2025-01-30 18:00", "created", "new"))
    clocks = ticket_clocks(frame, SlaPolicy(pause_statuses=["pending"]), AS_OF, events=log).set_index("ticket_id")
    assert clocks.loc["S", "resolution_cycles"] == 2
    assert clocks.loc["S", "paused_minutes"] == 60 + 120                      # both cycles' pauses
    assert clocks.loc["S", "resolution_sla_minutes"] == 5 * 60 - 120           # the longer cycle: 3 h - 1 h, 5 h - 2 h
    assert clocks.loc["T", "paused_minutes"] == 3 * 60                         # 21:00 -> as-of
    assert clocks.loc["T", "resolution_sla_minutes"] == 60
    assert clocks.loc["T", "first_response_sla_minutes"] == 60
    assert clocks.loc["U", "paused_minutes"] == 0 and clocks.loc["U", "resolution_sla_minutes"] == 6 * 60


def test_open_reopened_ticket_is_judged_on_its_running_cycle():
    frame = tickets({"ticket_id": "O", "created_at": "2025-01-06 09:00", "first_response_at": "2025-01-06 09:30",
                     "solved_at": None, "status": "open", "priority": "normal"})
    log = events(("O", "2025-01-06 09:00", "created", "new"), ("O", "2025-01-06 10:00", "solved", "solved"),
                 ("O", "2025-01-30 12:00", "reopened", "open"))
    clocks = ticket_clocks(frame, SlaPolicy(), AS_OF, events=log)
    assert clocks["resolution_cycles"].item() == 2
    assert clocks["resolution_sla_minutes"].item() == 12 * 60     # 30 Jan 12:00 -> 31 Jan 00:00
    assert clocks["resolution_state"].item() == "active"


def test_due_date_from_the_source_overrides_the_target():
    frame = tickets(
        {"ticket_id": "D1", "created_at": "2025-01-06 09:00", "solved_at": "2025-01-06 10:00", "status": "solved",
         "priority": "low", "due_at": "2025-01-06 09:30"},                  # 1 h of 72 h, but after its due date
        {"ticket_id": "D2", "created_at": "2025-01-06 09:00", "solved_at": "2025-01-10 09:00", "status": "solved",
         "priority": "critical", "due_at": "2025-01-11 09:00"},             # 4 days of 4 h, but before its due date
        {"ticket_id": "D3", "created_at": "2025-01-06 09:00", "solved_at": None, "status": "open",
         "priority": "low", "due_at": "2025-01-20 09:00"},                  # open past its due date
        {"ticket_id": "D4", "created_at": "2025-01-30 09:00", "solved_at": None, "status": "open",
         "priority": "critical", "due_at": None},                           # no due date: the 4 h target applies
    )
    states = ticket_clocks(frame, SlaPolicy(), AS_OF)["resolution_state"].tolist()
    assert states == ["breached", "achieved", "active_breached", "active_breached"]


def test_ticket_without_creation_time_has_no_state():
    frame = tickets({"ticket_id": "U", "created_at": None, "first_response_at": "2025-01-06 09:30",
                     "solved_at": "2025-01-06 10:00", "status": "solved", "priority": "low"})
    clocks = ticket_clocks(frame, SlaPolicy(), AS_OF)
    assert clocks["first_response_state"].isna().all() and clocks["resolution_state"].isna().all()
    assert clocks["resolution_minutes"].isna().all() and clocks["first_response_business_minutes"].isna().all()


def test_solved_without_a_solve_time_is_solved_with_unknown_duration():
    """Open only when the export says so (issue 14): 'Closed' with no time is neither open nor overdue."""
    frame = tickets(
        {"ticket_id": "S1", "created_at": "2025-01-06 09:00", "solved_at": None, "status": "closed",
         "priority": "low"},                                                 # closed, no time: unknown duration
        {"ticket_id": "S2", "created_at": "2025-01-06 09:00", "solved_at": None, "status": "solved",
         "priority": "low", "due_at": "2025-01-07 09:00"},                   # solved, no time, a due date: no verdict
        {"ticket_id": "O1", "created_at": "2025-01-06 09:00", "solved_at": None, "status": "open",
         "priority": "low"},                                                 # open: running past its 72 h
        {"ticket_id": "S3", "created_at": "2025-01-06 09:00", "solved_at": "2025-01-06 10:00", "status": "solved",
         "priority": "low"},                                                 # solved in 1 h of 72 h
    )
    clocks = ticket_clocks(frame, SlaPolicy(), AS_OF)
    assert clocks["resolution_state"].tolist()[:2] == [pd.NA, pd.NA]
    assert clocks["resolution_state"].tolist()[2:] == ["active_breached", "achieved"]
    assert clocks["open_minutes"].notna().tolist() == [False, False, True, False]
    assert clocks["resolution_minutes"].tolist()[3] == 60.0
    assert clocks["resolution_minutes"].iloc[:3].isna().all()


# --- properties -------------------------------------------------------------------------------

START = pd.Timestamp("2024-01-01", tz="UTC").value
YEAR_NS = 366 * 86_400 * 10**9
WEEK_NS = 7 * 86_400 * 10**9
MINUTE_NS = 60 * 10**9


@st.composite
def calendars(draw, timezone=None):
    weekly = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        if draw(st.booleans()):
            a = draw(st.integers(0, 22 * 60))
            b = draw(st.integers(a + 30, 24 * 60))
            weekly[day] = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
    if not weekly:
        weekly["wed"] = "09:00-17:00"
    tz = timezone or draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]))
    holidays = None if timezone else draw(st.sampled_from([None, "DE", "US"]))
    return BusinessHours(timezone=tz, weekly=weekly, holidays=holidays)


spans = st.tuples(st.integers(0, YEAR_NS), st.integers(0, 60 * 86_400 * 10**9))
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _calendar(hours: BusinessHours):
    # wide enough for every window below, shifted by up to 20 weeks either way
    return build_calendar(hours, pd.Timestamp(START, tz="UTC"), pd.Timestamp(START + 2 * YEAR_NS, tz="UTC"))


@SETTINGS
@given(calendars(), st.lists(spans, min_size=1, max_size=20))
def test_business_time_never_exceeds_calendar_time(hours, windows):
    calendar = _calendar(hours)
    a = np.array([START + s for s, _ in windows], dtype=np.int64)
    b = a + np.array([d for _, d in windows], dtype=np.int64)
    business = business_ns_until(calendar, b) - business_ns_until(calendar, a)
    assert (business >= 0).all() and (business <= b - a).all()


@SETTINGS
@given(calendars(timezone="UTC"), st.lists(spans, min_size=1, max_size=20), st.integers(-20, 20))
def test_moving_both_ends_by_whole_weeks_keeps_business_time(hours, windows, weeks):
    calendar = _calendar(hours)
    a = np.array([START + 30 * WEEK_NS + s for s, _ in windows], dtype=np.int64)
    b = a + np.array([d for _, d in windows], dtype=np.int64)
    shift = weeks * WEEK_NS
    before = business_ns_until(calendar, b) - business_ns_until(calendar, a)
    after = business_ns_until(calendar, b + shift) - business_ns_until(calendar, a + shift)
    assert (before == after).all()


@SETTINGS
@given(calendars(), st.integers(0, YEAR_NS // 2), st.integers(1, 30 * 24 * 60), st.lists(
    st.tuples(st.integers(0, 40 * 24 * 60), st.integers(1, 5 * 24 * 60)), max_size=4))
def test_pausing_never_adds_time(hours, offset, open_minutes, pauses):
    created = pd.Timestamp(START + offset, tz="UTC")
    solved = created + pd.Timedelta(minutes=open_minutes)
    frame = tickets({"ticket_id": "T", "created_at": created, "first_response_at": None, "solved_at": solved,
                     "status": "solved", "priority": "normal"})
    rows = [("T", created, "created", "new")]
    for start, length in sorted(pauses):
        rows += [("T", created + pd.Timedelta(minutes=start), "status_change", "pending"),
                 ("T", created + pd.Timedelta(minutes=start + length), "status_change", "open")]
    rows.append(("T", solved, "solved", "solved"))
    log = events(*rows).sort_values("event_at", kind="stable")
    as_of = solved + pd.Timedelta(days=60)
    policy = SlaPolicy(business_hours=hours)
    with_pauses = ticket_clocks(frame, policy.model_copy(update={"pause_statuses": ["pending"]}), as_of, events=log)
    without = ticket_clocks(frame, policy, as_of, events=log)
    assert with_pauses["resolution_sla_minutes"].item() <= without["resolution_sla_minutes"].item()
    assert with_pauses["resolution_sla_minutes"].item() >= 0


@SETTINGS
@given(calendars(), st.integers(0, YEAR_NS // 2), st.sampled_from(["critical", "high", "normal", "low"]))
def test_solved_exactly_at_its_target_is_achieved(hours, offset, priority):
    policy = SlaPolicy(business_hours=hours)
    created = pd.Timestamp(START + offset, tz="UTC")
    calendar = build_calendar(hours, created, created + pd.Timedelta(days=4 * 366))
    target_ns = int(policy.target(priority).resolution * 60 * MINUTE_NS)
    due = pd.Timestamp(int(add_business_ns(calendar, np.array([created.value]), np.array([target_ns]))[0]), tz="UTC")
    frame = tickets({"ticket_id": "T", "created_at": created, "first_response_at": due, "solved_at": due,
                     "status": "solved", "priority": priority})
    clocks = ticket_clocks(frame, policy, due + pd.Timedelta(days=1))
    assert clocks["resolution_business_minutes"].item() == pytest.approx(target_ns / MINUTE_NS)
    assert clocks["resolution_state"].item() == "achieved"
