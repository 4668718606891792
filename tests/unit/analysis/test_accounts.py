"""Accounts: concentration by hand, dominant accounts, names only when allowed, the tenure test."""

from __future__ import annotations

import pandas as pd
import pytest

from diagnostics_helpers import clocks
from supportlens.analysis.core.missing import MissingData
from supportlens.analysis.accounts import account_report

END = pd.Timestamp("2026-06-30", tz="UTC")
QUARTER = 91.3125   # days: a quarter of 365.25, so tickets a year = 4 x tickets


def table(counts: dict[str, int]) -> pd.DataFrame:
    return clocks([{"n": n, "account_id": a} for a, n in counts.items() if n])


def test_concentration_worked_by_hand():
    # 10 accounts: one raises 50 tickets, four raise 5, five raise none (known from the accounts table).
    counts = {"A": 50, "B": 5, "C": 5, "D": 5, "E": 5, **{f"Z{i}": 0 for i in range(5)}}
    accounts = pd.DataFrame({"account_id": list(counts), "account_name": [f"Name {a}" for a in counts]})
    report = account_report(table(counts), accounts, None, END, top_n=3, dominant_share=0.3, allow_names=False,
                            window_days=QUARTER)
    c = report.concentration
    assert (c.accounts, c.accounts_with_tickets, c.tickets) == (10, 5, 70)
    # top 20% = 2 accounts: (50 + 5) / 70
    assert c.top_20pct_accounts == 2 and c.top_20pct_share == pytest.approx(55 / 70)
    # Gini of [0,0,0,0,0,5,5,5,5,50]: 2 * sum(i x_i) / (n sum x) - (n + 1) / n
    x = [0, 0, 0, 0, 0, 5, 5, 5, 5, 50]
    assert c.gini == pytest.approx(2 * sum((i + 1) * v for i, v in enumerate(x)) / (10 * 70) - 11 / 10)
    # 50 / 70 = 71%, Wilson lower bound 60% > 30%: dominant, and shown by id (names not allowed)
    assert [(d["account"], d["account_id"], d["tickets"]) for d in c.dominant] == [("A", "A", 50)]
    assert c.dominant[0]["tickets_per_year"] == pytest.approx(200)
    assert c.largest_dominant == 0     # the one dominant account is the one the chart's sentence names
    assert [r.account for r in report.top_accounts] == ["A", "B", "C"]
    assert c.lorenz_tickets[0] == 0 and c.lorenz_tickets[-1] == pytest.approx(1)


def test_names_only_when_allowed():
    accounts = pd.DataFrame({"account_id": ["A", "B"], "account_name": ["Acme <b>Corp</b>", "Beta"]})
    report = account_report(table({"A": 30, "B": 10}), accounts, None, END, 5, 0.5, allow_names=True, window_days=QUARTER)
    assert report.names_published and report.top_accounts[0].account == "Acme <b>Corp</b>"
    hidden = account_report(table({"A": 30, "B": 10}), accounts, None, END, 5, 0.5, allow_names=False, window_days=QUARTER)
    assert not hidden.names_published and hidden.top_accounts[0].account == "A"


def test_no_dominant_account_when_shares_are_even():
    report = account_report(table({k: 20 for k in "ABCDEFGHIJ"}), None, None, END, 5, 0.15, False, QUARTER)
    assert report.concentration.dominant == []
    assert not report.concentration.base_includes_silent
    assert report.concentration.gini == pytest.approx(0.0)


def test_needs_an_account_on_the_tickets():
    with pytest.raises(MissingData, match="the account of each ticket"):
        account_report(clocks([{"n": 5}]), None, None, END, 5, 0.1, False, QUARTER)
