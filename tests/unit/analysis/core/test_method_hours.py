"""The methodology's business calendar in words (issue 13, 4: no sentence built from configuration keys such as
"fri 00:00-24:00; mon 00:00-24:00; ...")."""

from supportlens.analysis.core.method import weekly_hours


def test_weekdays_with_the_same_hours_read_as_one_run_and_closed_days_are_left_out():
    office = {d: "09:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")} | {"sat": None, "sun": None}
    assert weekly_hours(office) == "Mon–Fri 09:00–18:00"
    office["sat"] = "10:00-14:00"
    assert weekly_hours(office) == "Mon–Fri 09:00–18:00; Sat 10:00–14:00"
    office["wed"] = None
    assert weekly_hours(office) == "Mon–Tue 09:00–18:00; Thu–Fri 09:00–18:00; Sat 10:00–14:00"


def test_a_calendar_open_round_the_clock_says_so():
    always = {d: "00:00-24:00" for d in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")}   # any key order
    assert weekly_hours(always) == "every hour of every day"
    assert weekly_hours({}) == "closed every day"
