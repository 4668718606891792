"""Workload: imbalance, congestion episodes and automation candidates on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnostics_helpers import clocks
from supportlens.analysis.core.volume import Backlog
from supportlens.analysis.workload import agent_loads, automation, congestion
from supportlens.config import Workload


def test_imbalance_within_groups():
    frame = clocks([{"n": 10, "agent_id": "a1", "group": "g1"}, {"n": 30, "agent_id": "a2", "group": "g1"},
                    {"n": 20, "agent_id": "b1", "group": "g2"}, {"n": 20, "agent_id": "b2", "group": "g2"}])
    agents, groups, overall, named = agent_loads(frame, None, allow_names=False)
    g1 = next(g for g in groups if g.group == "g1")
    # solved 10 and 30: mean 20, population sd 10 -> CV 0.5; Gini = 2*(10 + 60)/(2*40) - 3/2 = 0.25
    assert g1.cv == pytest.approx(0.5) and g1.gini == pytest.approx(0.25) and g1.busiest_to_median == pytest.approx(1.5)
    g2 = next(g for g in groups if g.group == "g2")
    assert g2.cv == pytest.approx(0.0)
    assert [a.agent for a in agents][:1] == ["a2"] and not named


def daily(created: list[int], solved: list[int]) -> tuple[pd.DataFrame, Backlog]:
    days = pd.date_range("2026-01-01", periods=len(created), freq="D", tz="UTC")
    rows = []
    for day, c in zip(days, created):
        rows += [{"created_at": day + pd.Timedelta(hours=9)}] * c
    frame = pd.DataFrame(rows)
    solved_at = []
    for day, s in zip(days, solved):
        solved_at += [day + pd.Timedelta(hours=17)] * s
    frame["solved_at"] = pd.Series(solved_at + [pd.NaT] * (len(frame) - len(solved_at)), dtype="datetime64[ns, UTC]")
    frame["resolution_minutes"] = np.where(frame["solved_at"].notna(), 60.0, np.nan)
    level = np.cumsum(np.array(created) - np.array(solved))
    return frame, Backlog([d.strftime("%Y-%m-%d") for d in days], level.tolist(), int(level[-1]), [])


def test_congestion_episode_from_a_volume_surge():
    # 40 days of 50 in / 50 out, then 12 days of 80 in / 55 out, then 20 days 50 / 75 back down
    created = [50] * 40 + [80] * 12 + [50] * 20
    solved = [50] * 40 + [55] * 12 + [75] * 20
    frame, level = daily(created, solved)
    episodes, _ = congestion(frame, level, Workload(congestion_min_days=7, congestion_min_growth=0.5))
    assert len(episodes) == 1
    e = episodes[0]
    # net inflow +25 a day from day 40; the trailing 7-day mean stays positive until 3 days into the recovery
    # (day 54: 4 * 25 - 3 * 25 > 0; day 55: 3 * 25 - 4 * 25 < 0): days 40-54, backlog 0 -> 12 * 25 - 3 * 25 = 225
    assert (e.start, e.end, e.days) == ("2026-02-10", "2026-02-24", 15)
    assert (e.backlog_start, e.backlog_end) == (0, 225)
    # created (12 * 80 + 3 * 50) / 15 = 74 a day against 50 before; solved 59 against 50: volume
    assert e.created_per_day == pytest.approx(74) and e.solved_per_day == pytest.approx(59)
    assert e.baseline_created_per_day == pytest.approx(50) and e.cause == "volume"


def test_congestion_episode_from_a_throughput_drop():
    created = [50] * 40 + [50] * 10 + [50] * 20
    solved = [50] * 40 + [30] * 10 + [70] * 20
    frame, level = daily(created, solved)
    episodes, _ = congestion(frame, level, Workload(congestion_min_days=7, congestion_min_growth=0.5))
    # solved falls to 30 a day for 10 days, created stays at 50: days 40-52, cause throughput
    assert [(e.start, e.days, e.backlog_end, e.cause) for e in episodes] == [("2026-02-10", 13, 140, "throughput")]


def test_no_episode_in_a_steady_queue():
    frame, level = daily([50] * 60, [50] * 60)
    assert congestion(frame, level, Workload())[0] == []


def test_automation_candidates_meet_every_criterion():
    frame = clocks([
        {"n": 45, "category": "how_to", "resolution_hours": 1.0, "replies": 1, "reopens": 0, "escalated": False},
        {"n": 55, "category": "bug", "resolution_hours": 30.0, "replies": 4, "reopens": 0, "escalated": True},
        {"n": 3, "category": "rare", "resolution_hours": 1.0, "replies": 1, "reopens": 0, "escalated": False},
    ])
    rows = {c.category: c for c in automation(frame, window_days=91.3125, settings=Workload())}
    how_to = rows["how_to"]
    assert how_to.candidate and how_to.reasons == []
    # 91.3125 days = a quarter of 365.25: 45 tickets -> 180 a year; all one-touch; 30% of them
    assert how_to.tickets_per_year == pytest.approx(45 * 4)
    assert how_to.deflectable_per_year == pytest.approx(45 * 4 * 1.0 * 0.3)
    assert set(rows["bug"].reasons) == {"slower than the median", "escalates often", "few one-touch"}
    assert rows["rare"].reasons == ["small share", "under 30 solved"]   # 3 of 103 tickets


def test_automation_candidate_needs_thirty_solved_tickets():
    # a small window: how_to holds half the tickets and meets every rate, but 29 solved tickets are too few to judge
    frame = clocks([
        {"n": 29, "category": "how_to", "resolution_hours": 1.0, "replies": 1, "reopens": 0, "escalated": False},
        {"n": 31, "category": "bug", "resolution_hours": 30.0, "replies": 4, "reopens": 0, "escalated": True},
    ])
    rows = {c.category: c for c in automation(frame, window_days=91.3125, settings=Workload())}
    assert rows["how_to"].reasons == ["under 30 solved"] and not rows["how_to"].candidate
    assert rows["how_to"].deflectable_per_year is None


def test_charts_of_hundreds_of_groups_and_categories_show_the_largest():
    """A real export (BPIC 2013) has 379 groups and 704 products: the analysis decides which the page shows (the 15
    largest and every candidate), and the chart draws exactly those."""
    from types import SimpleNamespace

    from supportlens.analysis.workload import shown
    from supportlens.charts.workload import agent_load, automation_candidates

    def category(i, candidate=False):
        rate = {"value": 0.1, "ci_low": 0.05, "ci_high": 0.2, "n": 50}
        return {"category": f"c{i}", "tickets_per_year": 1000 - i, "resolution": {"value": 5.0, "ci_low": 4.0, "ci_high": 6.0},
                "escalation": rate, "one_touch": rate, "candidate": candidate, "deflectable_per_year": 3 if candidate else None}

    groups = [{"group": f"g{i}", "agents": 2, "tickets": 10 + i, "cv": 0.1 + (0.5 if i == 30 else 0),
               "busiest_to_median": 1.1} for i in range(40)]
    agents = [{"agent": f"a{i}", "group": f"g{i // 2}", "tickets": 5, "solved": 5,
               "resolution_breach": {"value": 0.1}} for i in range(80)]
    categories = [category(i, candidate=(i == 30)) for i in range(40)]
    decided = shown([SimpleNamespace(**g) for g in groups], [], [SimpleNamespace(**c) for c in categories], len(agents), 15)
    assert decided["groups_shown"] == list(range(39, 24, -1))          # most tickets first
    assert decided["categories_shown"] == list(range(15)) + [30]       # the largest and every candidate
    assert decided["most_uneven_group"] == 30 and decided["candidates_deflectable_per_year"] == 3
    context = {"diagnostics": {"workload": {"groups": groups, "agents": agents, "categories": categories, "window": "Q1",
                                            "deflection_rate": 0.3, **decided}}}
    chart = agent_load(context)
    assert [b.name.lower() for b in chart.figure.data] == [f"g{i}" for i in range(39, 24, -1)]
    assert "most uneven in G30" in chart.takeaway and "the 15 of 40 groups" in chart.takeaway
    chart = automation_candidates(context)
    plotted = {d[2].lower() for trace in chart.figure.data for d in trace.customdata}
    assert plotted == {f"c{i}" for i in range(15)} | {"c30"}
    # named on the chart: the few largest and every candidate (issue 13: sixteen names piled up on a real export)
    assert decided["categories_labelled"] == list(range(5)) + [30]
    named = {t.lower() for trace in chart.figure.data for t in trace.text if t}
    assert named == {f"c{i}" for i in range(5)} | {"c30"}
    assert "15 largest of 40 categories" in chart.takeaway
