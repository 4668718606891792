"""The breach rate rule (breached ÷ completed) against hand-counted tiny tables."""

from __future__ import annotations

import pandas as pd

from supportlens.analysis.core.breach import (breach_counts, breach_rate, breached_mask, completed_mask,
                                              monthly_breach, MonthBreach)

STATES = pd.Series(["achieved", "breached", "active", "breached", None, "active_breached"], dtype="string")


def test_completed_is_achieved_or_breached_and_missing_counts_in_neither():
    assert completed_mask(STATES).tolist() == [True, True, False, True, False, False]
    assert breached_mask(STATES).tolist() == [False, True, False, True, False, False]
    assert completed_mask(STATES).dtype == bool and breached_mask(STATES).dtype == bool


def test_breach_rate_is_two_of_three_completed_with_the_wilson_interval():
    rate = breach_rate(STATES)
    assert (rate.events, rate.n) == (2, 3)
    assert rate.value == 2 / 3
    # Wilson 95% of 2/3, worked out by hand: centre (p + z²/2n)/(1 + z²/n) = 0.57308,
    # half-width z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n) = 0.36543 -> 0.20766 to 0.93851
    assert round(rate.ci_low, 4) == 0.2077 and round(rate.ci_high, 4) == 0.9385


def test_object_states_with_none_and_no_completed_sla():
    assert breach_rate(pd.Series(["active", None, "active_breached"], dtype=object)).value is None
    assert breach_rate(pd.Series([], dtype="string")).n == 0


def test_breach_counts_per_group_sorted_and_missing_keys_left_out():
    by = pd.Series(["b", "a", "a", "b", "a", None], index=[10, 11, 12, 13, 14, 15])   # index unlike the states'
    counts = breach_counts(STATES, by)
    assert counts.index.tolist() == ["a", "b"]
    # a: breached, active, None -> 1 of 1 completed; b: achieved, breached -> 1 of 2
    assert counts.loc["a"].tolist() == [1, 1]
    assert counts.loc["b"].tolist() == [1, 2]


def test_monthly_breach_counts_each_sla_by_month_of_creation():
    created = pd.to_datetime(["2025-01-31 23:59", "2025-02-01 00:00", "2025-01-15 08:00", "2025-02-10 09:30", None, "2025-02-20 17:00"],
                             utc=True)
    clocks = pd.DataFrame({
        "created_at": created,
        "first_response_state": pd.Series(["breached", "achieved", "achieved", None, "breached", "active"], dtype="string"),
        "resolution_state": STATES,
    })
    rows = monthly_breach(clocks)
    assert [r.month for r in rows] == ["2025-01", "2025-02"]   # the undated ticket has no month
    jan, feb = rows
    # January: tickets 0 and 2. First response breached, achieved -> 1/2; resolution achieved, active -> 0/1
    assert (jan.first_response_breached, jan.first_response_completed, jan.first_response_rate) == (1, 2, 0.5)
    assert (jan.resolution_breached, jan.resolution_completed, jan.resolution_rate) == (0, 1, 0.0)
    # February: tickets 1, 3, 5. First response achieved, None, active -> 0/1; resolution breached, breached,
    # active_breached -> 2/2
    assert (feb.first_response_breached, feb.first_response_completed, feb.first_response_rate) == (0, 1, 0.0)
    assert (feb.resolution_breached, feb.resolution_completed, feb.resolution_rate) == (2, 2, 1.0)


def test_monthly_breach_rate_is_none_for_a_month_without_a_completed_sla():
    clocks = pd.DataFrame({"created_at": pd.to_datetime(["2025-03-02"], utc=True),
                           "first_response_state": pd.Series(["active"], dtype="string"),
                           "resolution_state": pd.Series(["active_breached"], dtype="string")})
    [row] = monthly_breach(clocks)
    assert row == MonthBreach("2025-03", 0, 0, None, 0, 0, None)
