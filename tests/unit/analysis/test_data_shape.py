"""The shape of the data (issue 14, 10) on tests/fixtures/weekly_step_tail.csv, written by rule (see its README row):
30 weeks from Monday 1 Jan 2024; weeks 0-12 hold 14 (even) or 12 (odd) tickets of which 3 or 2 take 30 h against
the 24 h normal target, weeks 13-29 hold 6 or 5 tickets of which 5 or 4 take 30 h; one more ticket, created on
Fri 26 Jul 14:00 (week 29), is closed 24 days later (19 Aug 14:00, the as-of time). Worked out by hand:
- the export stops after 26 Jul 14:00: the weeks of 29 Jul, 5 and 12 Aug are whole and empty, 19 Aug partial
  (4 weeks); week 29 holds the data's end, so it is partial too, and the full weeks are 0-28;
- volume: 170 tickets in weeks 0-12 (13.08 a week), 88 in the full weeks 13-28 (5.5 a week): a step in the week
  of 1 Apr; each half of either side is as far from the other side (13.0 and 13.1 before, 5.5 and 5.5 after);
- breach rate: 33 of 170 (19.4%) before, 72 of 88 (81.8%) from that week."""

from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis import analyse
from supportlens.analysis.findings import FindingKind
from supportlens.config import Config
from supportlens.ingest import load_dataset

from support import FIXTURES


@pytest.fixture(scope="module")
def analysis():
    config = Config.model_validate({"data": {"tickets": str(FIXTURES / "weekly_step_tail.csv"), "events": None,
                                             "accounts": None, "agents": None},
                                    "period": {"length": "all"}, "trends": {"min_training_weeks": 8, "backtest_weeks": 4}})
    return analyse(load_dataset(config), config)


def test_the_truncated_tail_is_found(analysis):
    assert analysis.period.as_of == pd.Timestamp("2024-08-19 14:00", tz="UTC")
    assert analysis.period.data_end == pd.Timestamp("2024-07-26 14:00", tz="UTC")
    assert analysis.period.tail_weeks == 4
    weekly = analysis.diagnostics.trends.weekly
    assert [w.period for w in weekly if w.beyond_data] == ["2024-07-29", "2024-08-05", "2024-08-12", "2024-08-19"]
    assert all(w.partial for w in weekly if w.beyond_data)
    assert not any(w.beyond_data for w in weekly[:30])


def test_no_forecast_is_read_from_the_tail(analysis):
    forecast = analysis.diagnostics.trends.forecast
    # the data ends inside week 29 (22-28 Jul), so it counts as partial; the empty weeks after it are outside the data
    assert forecast.trained_weeks == 29 and forecast.weeks[0] == "2024-07-22"
    assert analysis.diagnostics.trends.weekly[29].partial and not analysis.diagnostics.trends.weekly[29].beyond_data


def test_the_quietest_week_and_month_are_inside_the_data(analysis):
    trends = analysis.diagnostics.trends
    assert not trends.weekly[trends.quietest_week].beyond_data and trends.weekly[trends.quietest_week].created == 5
    months = analysis.volume.monthly
    assert [(m.month, m.partial, m.beyond_data) for m in months[-2:]] == [("2024-07", True, False), ("2024-08", True, True)]
    assert months[analysis.volume.quietest_month].month == "2024-06"      # the quietest full month with tickets


def test_the_steps_are_findings_with_their_week_and_size(analysis):
    steps = {f.facts.series: f.facts for f in analysis.findings if f.kind == FindingKind.STEP_CHANGE}
    volume, rate = steps["volume"], steps["resolution_breach"]
    assert volume.week == "2024-04-01" and volume.fell
    assert (volume.before, volume.after) == pytest.approx((170 / 13, 88 / 16))
    assert volume.per_year == pytest.approx((88 / 16 - 170 / 13) * 365.25 / 7)
    assert (volume.weeks_before, volume.weeks_after) == (13, 16)
    assert rate.week == "2024-04-01" and not rate.fell
    assert (rate.before, rate.after) == pytest.approx((33 / 170, 72 / 88))
