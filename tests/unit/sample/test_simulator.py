"""The sample simulator: determinism, consistency of its tables, and the effects it plants.

Planted effects are checked with computations written here, independent of truth.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from supportlens.canonical import ACCOUNT_COLUMNS, AGENT_COLUMNS, EVENT_COLUMNS, SOURCE_ONLY_COLUMNS, TICKET_COLUMNS
from supportlens.sample import SampleData, SimulationSpec, simulate, write_sample, write_simulated

N = 6000
TARGETS = {"critical": (1, 4), "high": (4, 8), "normal": (8, 24), "low": (24, 72)}  # hours
GAP_HOURS, GAP_DAYS = [18, 19, 20, 21], [0, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def planted() -> SampleData:
    return simulate(SimulationSpec(tickets=N, seed=11))


@pytest.fixture(scope="module")
def null() -> SampleData:
    return simulate(SimulationSpec(tickets=N, seed=11, planted_effects=False))


def hours(delta: pd.Series) -> pd.Series:
    return delta / pd.Timedelta(hours=1)


def fr_breach(t: pd.DataFrame) -> pd.Series:
    target = t["priority"].map({p: v[0] for p, v in TARGETS.items()})
    fr = hours(t["first_response_at"] - t["created_at"])
    return (fr > target)[fr.notna()]


def resolution_breach(t: pd.DataFrame) -> pd.Series:
    target = t["priority"].map({p: v[1] for p, v in TARGETS.items()})
    res = hours(t["solved_at"] - t["created_at"])
    return (res > target)[res.notna()]


def gap_ratio(t: pd.DataFrame) -> float:
    breach = fr_breach(t)
    created = t.loc[breach.index, "created_at"]
    weekday = created.dt.day_of_week < 5
    in_gap = weekday & created.dt.hour.isin(GAP_HOURS)
    return breach[in_gap].mean() / breach[weekday & ~in_gap].mean()


def resolution_by_industry(data: SampleData) -> pd.core.groupby.SeriesGroupBy:
    t = data.tickets
    industry = t["account_id"].map(data.accounts.set_index("account_id")["industry"])
    return hours(t["solved_at"] - t["created_at"]).dropna().groupby(industry)


def industry_medians(data: SampleData) -> pd.Series:
    return resolution_by_industry(data).median()


def kruskal_p(data: SampleData) -> float:
    return float(stats.kruskal(*[g.to_numpy() for _, g in resolution_by_industry(data)]).pvalue)


# ---- files -----------------------------------------------------------------------------

def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    spec = dict(tickets=2000, seed=3)
    first = write_sample(simulate(SimulationSpec(**spec)), tmp_path / "a")
    second = write_sample(simulate(SimulationSpec(**spec)), tmp_path / "b")
    write_sample(simulate(SimulationSpec(tickets=2000, seed=4)), tmp_path / "c")
    assert [p.name for p in first] == ["tickets.csv", "events.csv", "accounts.csv", "agents.csv",
                                       "truth.json"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    for name in ("tickets.csv", "events.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()


@pytest.mark.parametrize("effects", [True, False])
def test_the_chunked_writer_writes_the_same_bytes_as_the_whole_tables(tmp_path: Path, effects: bool) -> None:
    """``supportlens sample`` builds and writes the tables a few tickets at a time (bounded memory at ten million
    tickets), and computes the truth from only the columns it reads: the files are those of the whole tables, for a
    chunk size that does not divide the tickets, one larger than the sample, and with proactive updates."""
    spec = SimulationSpec(tickets=2000, seed=5, planted_effects=effects, proactive_update_hours=6.0 if effects else None)
    whole = write_sample(simulate(spec), tmp_path / "whole")
    for chunk in (333, 5000):
        chunked = write_simulated(spec, tmp_path / f"chunk{chunk}", chunk=chunk)
        assert [p.name for p in chunked] == [p.name for p in whole]
        for a, b in zip(whole, chunked):
            assert a.read_bytes() == b.read_bytes(), (chunk, a.name)


def test_csv_format_and_parquet_round_trip(planted: SampleData, tmp_path: Path) -> None:
    write_sample(planted, tmp_path / "csv")
    head = (tmp_path / "csv" / "tickets.csv").read_text().splitlines()[:2]
    assert head[0].split(",") == [c for c in TICKET_COLUMNS if c not in SOURCE_ONLY_COLUMNS]
    created = head[1].split(",")[1]
    assert len(created) == 25 and created[10] == "T" and created.endswith("+00:00")
    back = pd.read_csv(tmp_path / "csv" / "tickets.csv")
    assert set(back["csat"].dropna().unique()) <= {1, 2, 3, 4, 5}
    truth = json.loads((tmp_path / "csv" / "truth.json").read_text())
    assert truth == json.loads(json.dumps(planted.truth))

    paths = write_sample(planted, tmp_path / "pq", fmt="parquet")
    assert paths[0].suffix == ".parquet"
    events = pd.read_parquet(tmp_path / "pq" / "events.parquet")
    assert str(events["event_at"].dt.tz) == "UTC"
    assert len(events) == len(planted.events)
    with pytest.raises(ValueError):
        write_sample(planted, tmp_path / "x", fmt="xlsx")


def test_columns_are_canonical(planted: SampleData) -> None:
    assert list(planted.tickets.columns) == [c for c in TICKET_COLUMNS if c not in SOURCE_ONLY_COLUMNS]
    assert list(planted.events.columns) == [c for c in EVENT_COLUMNS if c != "activity"]
    assert list(planted.accounts.columns) == list(ACCOUNT_COLUMNS)
    assert list(planted.agents.columns) == list(AGENT_COLUMNS)
    for frame in (planted.tickets, planted.events, planted.accounts):
        for name, col in frame.items():
            if name.endswith("_at") or name == "customer_since":
                assert isinstance(col.dtype, pd.DatetimeTZDtype) and str(col.dt.tz) == "UTC", name
                assert (col.dropna().dt.microsecond == 0).all() and (col.dropna().dt.nanosecond == 0).all()


# ---- consistency -----------------------------------------------------------------------

def test_ticket_table_invariants(planted: SampleData) -> None:
    t = planted.tickets
    assert len(t) == N and t["ticket_id"].is_unique
    assert t["created_at"].is_monotonic_increasing
    spec = SimulationSpec()
    assert t["created_at"].min() >= spec.start_ts and t["created_at"].max() < spec.end_ts
    assert set(t["status"]) <= {"new", "open", "pending", "on_hold", "solved", "closed"}
    assert set(t["priority"]) == {"critical", "high", "normal", "low"}
    solved = t["status"].isin(["solved", "closed"])
    assert t.loc[solved, "solved_at"].notna().all() and t.loc[~solved, "solved_at"].isna().all()
    assert (t["solved_at"] >= t["first_solved_at"]).where(t["solved_at"].notna(), True).all()
    assert (t["first_solved_at"] >= t["created_at"]).where(t["first_solved_at"].notna(), True).all()
    assert (t["first_response_at"] >= t["created_at"]).where(t["first_response_at"].notna(), True).all()
    assert (t["closed_at"].notna() == (t["status"] == "closed")).all()
    assert (t["closed_at"] > t["solved_at"]).where(t["closed_at"].notna(), True).all()
    assert (t["escalated"] == (t["tier_max"] > 1)).all()
    assert t["tier_max"].isin([1, 2, 3]).all()
    assert (t.loc[t["status"] == "new", "replies"] == 0).all()
    csat = t["csat"].dropna()
    assert csat.isin([1.0, 2.0, 3.0, 4.0, 5.0]).all()
    assert t.loc[~solved, "csat"].isna().all()
    assert 0.3 < t.loc[solved, "csat"].notna().mean() < 0.5
    reopened = t["reopens"] > 0
    assert (t.loc[reopened & solved, "first_solved_at"] < t.loc[reopened & solved, "solved_at"]).all()
    assert not (~solved).all() and (~solved).any()  # some tickets still open at the end


def test_events_agree_with_tickets(planted: SampleData) -> None:
    t, e = planted.tickets.set_index("ticket_id"), planted.events
    assert e["ticket_id"].is_monotonic_increasing
    assert (e.groupby("ticket_id", sort=False)["event_at"].diff().dropna() >= pd.Timedelta(0)).all()
    assert set(e["event_type"]) == {"created", "public_reply", "internal_note", "status_change",
                                   "escalated", "customer_reply", "solved", "reopened", "closed"}
    assert set(e["actor_role"]) <= {"customer", "tier1", "tier2", "tier3", "system"}
    g = e.groupby("ticket_id")
    created = e[e["event_type"] == "created"].set_index("ticket_id")["event_at"]
    assert created.reindex(t.index).equals(t["created_at"])
    replies = e[e["event_type"] == "public_reply"].groupby("ticket_id")["event_at"]
    assert replies.min().reindex(t.index).equals(t["first_response_at"])
    assert replies.size().reindex(t.index, fill_value=0).equals(t["replies"])
    solves = e[e["event_type"] == "solved"].groupby("ticket_id")["event_at"]
    assert solves.min().reindex(t.index).equals(t["first_solved_at"])
    is_solved = t["status"].isin(["solved", "closed"])
    assert solves.max().reindex(t.index)[is_solved].equals(t.loc[is_solved, "solved_at"])
    reopened = (e["event_type"] == "reopened").groupby(e["ticket_id"]).sum()
    assert reopened.reindex(t.index).equals(t["reopens"])
    assert g["tier"].max().reindex(t.index).equals(t["tier_max"])
    # the event log's text columns are categoricals (no Python string per event): compared by value
    assert g["status"].last().reindex(t.index).astype(t["status"].dtype).equals(t["status"])
    closed = e[e["event_type"] == "closed"].set_index("ticket_id")["event_at"]
    assert closed.reindex(t.index).equals(t["closed_at"])
    # escalation events carry the new tier and the role of the tier handing off
    esc = e[e["event_type"] == "escalated"]
    assert ((esc["actor_role"] == "tier1") == (esc["tier"] == 2)).all()
    assert ((esc["actor_role"] == "tier2") == (esc["tier"] == 3)).all()
    agent_ids = set(planted.agents["agent_id"])
    agents = e.loc[e["actor_role"].str.startswith("tier"), "actor_id"]
    assert set(agents) <= agent_ids
    assert (e.loc[e["actor_role"] == "customer", "actor_id"].str.startswith("REQ-")).all()
    assert 5 < len(e) / len(t) < 11


def test_realistic_rates(planted: SampleData) -> None:
    t = planted.tickets
    solved = t["status"].isin(["solved", "closed"])
    assert 0.10 <= resolution_breach(t).mean() <= 0.25
    assert 0.04 <= fr_breach(t).mean() <= 0.20
    assert 0.2 <= t["escalated"].mean() <= 0.3
    assert 0.04 <= (t["tier_max"] == 3).mean() <= 0.09
    assert 0.04 <= (t.loc[solved, "reopens"] > 0).mean() <= 0.09
    one_touch = ((t["replies"] == 1) & (t["reopens"] == 0))[solved].mean()
    assert 0.25 <= one_touch <= 0.35
    median_fr = hours(t["first_response_at"] - t["created_at"]).median()
    assert 0.2 <= median_fr <= 4
    shares = t["priority"].value_counts(normalize=True)
    assert 0.03 < shares["critical"] < 0.07 and 0.5 < shares["normal"] < 0.6


# ---- planted effects ---------------------------------------------------------------------

def test_coverage_gap_is_visible(planted: SampleData) -> None:
    assert gap_ratio(planted.tickets) >= 2.0
    assert planted.truth["coverage_gap"] == {"hours": GAP_HOURS, "weekdays": GAP_DAYS}
    # the roster is thin there: tier-1 agents on shift at 19:00 vs 11:00 on a weekday
    a = planted.agents[planted.agents["tier"] == 1]

    def on(hour: int) -> int:
        s, e = a["shift_start_hour"], a["shift_end_hour"]
        return int((((s <= hour) & (hour < e)) | ((s > e) & ((hour >= s) | (hour < e)))).sum())

    assert on(19) * 3 <= on(11)


def test_slowest_industry_channel_priority_account_and_bottleneck(planted: SampleData) -> None:
    truth, t = planted.truth, planted.tickets
    medians = industry_medians(planted)
    assert medians.idxmax() == truth["slowest_industry"] == "Healthcare"
    assert medians.max() >= 1.15 * medians.drop("Healthcare").max()
    assert kruskal_p(planted) < 1e-3

    assert truth["high_breach_channel"] == "email"
    by_channel = fr_breach(t).groupby(t["channel"]).mean()
    assert by_channel.idxmax() == "email"
    assert resolution_breach(t).groupby(t["channel"]).mean().idxmax() == "email"

    by_priority = resolution_breach(t).groupby(t["priority"]).mean().sort_values()
    assert by_priority.index[-1] == truth["worst_breach_priority"]
    assert by_priority.iloc[-1] >= 1.2 * by_priority.iloc[-2]

    shares = t["account_id"].value_counts(normalize=True)
    assert shares.index[0] == truth["concentrated_account"]["account_id"]
    assert 0.04 <= shares.iloc[0] <= 0.06
    assert shares.iloc[0] >= 1.5 * shares.iloc[1]
    assert truth["concentrated_account"]["share"] == pytest.approx(shares.iloc[0], abs=1e-4)

    e = planted.events
    waits = {}
    for k in (2, 3):
        esc = e[(e["event_type"] == "escalated") & (e["tier"] == k)].groupby("ticket_id")["event_at"].first()
        picked = e[e["actor_role"] == f"tier{k}"].groupby("ticket_id")["event_at"].first()
        waits[k] = hours(picked.reindex(esc.index) - esc).median()
    assert truth["bottleneck_transition"]["from"] == "tier2" and truth["bottleneck_transition"]["to"] == "tier3"
    assert waits[3] > 3 * waits[2]
    assert truth["bottleneck_transition"]["median_wait_hours"] == pytest.approx(waits[3], abs=0.01)


def test_volume_is_concentrated_in_few_accounts() -> None:
    # With ~330 accounts (the default 50k sample has ~830) the top fifth raise over half the tickets.
    data = simulate(SimulationSpec(tickets=20_000, seed=5))
    shares = data.tickets["account_id"].value_counts(normalize=True)
    assert len(data.accounts) == 333
    assert shares.iloc[: int(np.ceil(0.2 * len(data.accounts)))].sum() > 0.5
    assert shares.index[0] == data.truth["concentrated_account"]["account_id"]


def test_null_world_has_no_planted_differences(null: SampleData) -> None:
    truth = null.truth
    for key in ("coverage_gap", "worst_breach_priority", "slowest_industry", "high_breach_channel",
                "concentrated_account", "bottleneck_transition", "tenure_effect"):
        assert truth[key] is None, key
    assert 0.67 <= gap_ratio(null.tickets) <= 1.5
    medians = industry_medians(null)
    assert medians.max() / medians.min() < 1.4   # sampling noise only, ~700 tickets each
    assert kruskal_p(null) > 0.01
    t = null.tickets
    by_channel = resolution_breach(t).groupby(t["channel"]).mean()
    assert by_channel.max() - by_channel.min() < 0.05
    waits = truth["measured"]["handoff_median_wait_hours"]
    assert 0.6 < waits["tier2->tier3"] / waits["tier1->tier2"] < 1.6
    assert t["account_id"].value_counts(normalize=True).iloc[0] < 0.035


def test_extra_coverage_shortens_gap_first_responses(planted: SampleData) -> None:
    more = simulate(SimulationSpec(tickets=N, seed=11, extra_coverage={h: 3 for h in GAP_HOURS}))
    assert len(more.agents) == len(planted.agents) + 3
    assert (more.tickets["created_at"] == planted.tickets["created_at"]).all()

    def gap_fr(t: pd.DataFrame) -> float:
        c = t["created_at"]
        in_gap = (c.dt.day_of_week < 5) & c.dt.hour.isin(GAP_HOURS)
        return hours(t.loc[in_gap, "first_response_at"] - c[in_gap]).median()

    assert gap_fr(more.tickets) < 0.6 * gap_fr(planted.tickets)
    assert gap_ratio(more.tickets) < gap_ratio(planted.tickets)
    assert more.truth["what_if"]["extra_coverage"] == {str(h): 3 for h in GAP_HOURS}


def test_coverage_change_moves_exactly_the_hours_asked_for(planted: SampleData) -> None:
    """Hour-of-week changes: two agents moved from Monday 10:00 to Monday 19:00 and one added on Tuesday
    19:00 change who is on shift in exactly those hours, and first responses only from those hours on."""
    from supportlens.sample.population import make_roster
    from supportlens.sample.arrivals import hourly_intensity, per_hour_of_week
    from supportlens.sample.spec import stream

    change = {10: -2, 19: 2, 24 + 19: 1}
    spec = SimulationSpec(tickets=N, seed=11)
    moved = SimulationSpec(tickets=N, seed=11, coverage_change=change)

    def tier1(s: SimulationSpec) -> np.ndarray:
        roster = make_roster(s, stream(s, "agents"), per_hour_of_week(s, hourly_intensity(s)))
        return roster.coverage(1)

    delta = tier1(moved) - tier1(spec)
    expected = np.zeros(168, dtype=int)
    for how, k in change.items():
        expected[how] = k
    assert delta.tolist() == expected.tolist()          # not every day, not at weekends: those three hours

    after = simulate(moved)
    assert (after.tickets["created_at"] == planted.tickets["created_at"]).all()
    c = planted.tickets["created_at"]
    how = c.dt.day_of_week * 24 + c.dt.hour
    # tickets answered before the first changed hour are untouched (the queue only changes from there)
    week = pd.date_range(c.min().normalize(), periods=168, freq="h")
    first_change = min(t for t in week if t.day_of_week * 24 + t.hour in change)
    before = planted.tickets["first_response_at"] < first_change
    pd.testing.assert_series_equal(after.tickets.loc[before, "first_response_at"],
                                   planted.tickets.loc[before, "first_response_at"])
    monday_evening = how.isin([19])
    assert hours(after.tickets.loc[monday_evening, "first_response_at"] - c[monday_evening]).median() \
        < hours(planted.tickets.loc[monday_evening, "first_response_at"] - c[monday_evening]).median()
    assert after.truth["what_if"]["coverage_change"] == {str(k): v for k, v in sorted(change.items())}
    assert "coverage_change" not in planted.truth["what_if"]       # the default truth.json keeps its bytes
    with pytest.raises(ValueError):
        SimulationSpec(coverage_change={168: 1})


def test_proactive_updates_bound_silence_and_lift_csat(planted: SampleData) -> None:
    every = 6.0
    data = simulate(SimulationSpec(tickets=N, seed=11, proactive_update_hours=every))
    t, e = data.tickets, data.events
    assert (t["replies"] >= planted.tickets["replies"]).all()
    assert t["replies"].sum() > planted.tickets["replies"].sum()
    # while escalated and before the first solve, no gap between public replies exceeds X hours
    esc_at = e[e["event_type"] == "escalated"].groupby("ticket_id")["event_at"].min()
    solved_at = e[e["event_type"] == "solved"].groupby("ticket_id")["event_at"].min()
    window = pd.DataFrame({"lo": esc_at, "hi": solved_at.reindex(esc_at.index)}).dropna()
    replies = e[e["event_type"] == "public_reply"].join(window, on="ticket_id", how="inner")
    replies = replies[(replies["event_at"] >= replies["lo"]) & (replies["event_at"] <= replies["hi"])]
    anchors = pd.concat([replies[["ticket_id", "event_at"]],
                         window["lo"].rename("event_at").reset_index(),
                         window["hi"].rename("event_at").reset_index()]).sort_values(["ticket_id", "event_at"])
    gaps = hours(anchors.groupby("ticket_id")["event_at"].diff().dropna())
    assert gaps.max() <= every + 1e-6
    escalated = t["escalated"]
    assert t.loc[escalated, "csat"].mean() > planted.tickets.loc[escalated, "csat"].mean()


def test_tiny_run_and_validation() -> None:
    data = simulate(SimulationSpec(tickets=100, seed=1, days=30))
    assert len(data.tickets) == 100 and len(data.accounts) >= 50
    with pytest.raises(ValueError):
        SimulationSpec(extra_coverage={25: 1})
    with pytest.raises(ValueError):
        SimulationSpec(tickets=0)


def test_the_sample_has_no_time_after_its_window_nor_after_the_build(planted):
    """Every simulated time lies inside the simulated window, and the default window has ended by the moment
    of the build (the clock the data-quality check compares with): the sample gets no future-time finding.
    A machine whose clock is behind the window's end fails here, as its builds of the sample would say."""
    from supportlens.ingest.checks import build_clock

    spec = SimulationSpec(tickets=N, seed=11)
    times = [planted.tickets[c].dropna() for c in ("created_at", "first_response_at", "first_solved_at",
                                                   "solved_at", "closed_at") if c in planted.tickets]
    times.append(planted.events["event_at"].dropna())
    latest = max(t.max() for t in times)
    assert spec.start_ts <= min(t.min() for t in times) and latest < spec.end_ts
    assert SimulationSpec().end_ts == spec.end_ts   # the window is the default one, whatever the size
    assert spec.end_ts <= build_clock(), f"the sample's window ends {spec.end_ts}, after this machine's clock"


def test_the_what_if_log_is_the_simulated_tickets_and_events(planted: SampleData) -> None:
    """A coverage re-run simulates only the tickets and events (no truth): the same tables as the full run."""
    from supportlens.sample.simulator import simulate_log

    tickets, events = simulate_log(SimulationSpec(tickets=N, seed=11))
    pd.testing.assert_frame_equal(tickets, planted.tickets)
    pd.testing.assert_frame_equal(events, planted.events)
    other, _ = simulate_log(SimulationSpec(tickets=N, seed=12))
    assert not other["created_at"].equals(planted.tickets["created_at"])
