"""A reporting time zone (issue 14, 8) on tests/fixtures/requests_chicago.csv: a city's requests written in local
time (America/Chicago, data.timezone). Worked out by hand: CHI-1..4 were created between 20:00 and 21:00 local
(01:00-03:00 UTC the next day); CHI-4 (Sun 31 Mar 20:00 CDT = Mon 1 Apr 01:00 UTC) belongs to March and to Q1
locally; CHI-6 was created at 01:30 CST on 10 Mar, the night the clocks went forward (07:30 UTC)."""

from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis import analyse
from supportlens.analysis.core.period import reporting_period
from supportlens.config import Config, Period
from supportlens.ingest import load_dataset
from supportlens.render.pages import environment

from support import FIXTURES, ROOT


def config(**extra) -> Config:
    return Config.model_validate({"data": {"tickets": str(FIXTURES / "requests_chicago.csv"), "events": None,
                                           "accounts": None, "agents": None, "timezone": "America/Chicago"},
                                  "period": {"length": "all"}, **extra})


@pytest.fixture(scope="module")
def local():
    cfg = config()
    return analyse(load_dataset(cfg), cfg)


def test_the_zone_defaults_to_business_hours_then_the_datas():
    assert config().reporting_timezone() == "America/Chicago"                     # the data's zone
    assert config(sla={"business_hours": {"timezone": "America/Denver"}}).reporting_timezone() == "America/Denver"
    assert config(report={"timezone": "Europe/Paris"},
                  sla={"business_hours": {"timezone": "America/Denver"}}).reporting_timezone() == "Europe/Paris"
    assert Config().reporting_timezone() == "UTC"


def test_hours_and_weekdays_are_cut_in_the_zone(local):
    created = local.clocks.set_index("ticket_id")["created_at"]
    assert str(created.dt.tz) == "America/Chicago"
    assert created["CHI-1"] == pd.Timestamp("2024-03-05 02:30", tz="UTC")        # the instant is unchanged
    assert created.dt.hour.to_dict() == {"CHI-1": 20, "CHI-2": 20, "CHI-3": 20, "CHI-4": 20, "CHI-5": 10, "CHI-6": 1}
    assert created["CHI-1"].day_name() == "Monday" and created["CHI-4"].day_name() == "Sunday"
    by_hour = {h.hour: h.tickets for h in local.sla.first_response_by_hour if h.tickets}
    assert by_hour == {1: 1, 10: 1, 20: 4}


def test_months_are_cut_in_the_zone(local):
    assert [(m.month, m.created) for m in local.volume.monthly] == [("2024-03", 5), ("2024-04", 1)]


def test_the_quarter_is_cut_in_the_zone():
    # 120 tickets from 1 Jan 2024 09:00 local, 5 h apart, plus CHI-4's Sunday evening: Q1 ends at midnight of 1 April in Chicago
    times = [pd.Timestamp("2024-01-01 09:00", tz="America/Chicago") + pd.Timedelta(hours=5 * i) for i in range(120)]
    times += [pd.Timestamp("2024-03-31 20:00", tz="America/Chicago"), pd.Timestamp("2024-04-02 09:00", tz="America/Chicago")]
    tickets = pd.DataFrame({"created_at": pd.Series(times).dt.tz_convert("UTC")})
    local = reporting_period(tickets, Period(length="quarter"), zone="America/Chicago")
    assert local.label == "Q1 2024" and local.start == pd.Timestamp("2024-01-01", tz="America/Chicago")
    assert local.end == pd.Timestamp("2024-04-01", tz="America/Chicago")
    assert int(local.mask(tickets["created_at"]).sum()) == 121                  # CHI-4's evening is in Q1
    utc = reporting_period(tickets, Period(length="quarter"))
    assert int(utc.mask(tickets["created_at"]).sum()) == 120                    # in UTC it is 1 April


def test_times_are_labelled_with_the_zone():
    env = environment(ROOT)
    template = env.from_string("{{ when | datetime }} · {{ when | date }}")
    assert template.render(when="2024-03-05T02:30:00+00:00", report={"timezone": "America/Chicago"}) == \
        "04 Mar 2024 20:30 America/Chicago · 04 Mar 2024"
    assert template.render(when="2024-03-05T02:30:00+00:00", report={"timezone": "UTC"}) == \
        "05 Mar 2024 02:30 UTC · 05 Mar 2024"
