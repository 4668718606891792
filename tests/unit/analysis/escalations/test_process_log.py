"""The escalation process on a tiny hand-made log, every number worked out by hand.

Three tickets, times in hours after Monday 2026-01-05 00:00 UTC:

E1 (high): created by the customer 0 | tier-1 reply 1 | escalated by tier 1 (tier 2) 3 |
    tier-2 note 5 | tier-2 reply 6 | escalated by tier 2 (tier 3) 8 | tier-3 note 20 |
    tier-3 reply 26 | solved 26 | closed by the system 122
E2 (normal, handed back down): created 10 | tier-1 reply 10.5 | escalated (tier 2) 11 |
    tier-2 note 14 | tier-1 note 15 | tier-1 reply 17 | solved 17
N1 (low, never escalated): created 30 | tier-1 reply 32 | solved 32

Intervals (stage of the opening event, kind, who holds it):
E1: 1 h initial submission (waiting for tier 1), 2 h communication (tier 1 works),
    2 h escalation (waiting for tier 2), 1 h troubleshooting (tier 2), 2 h communication (tier 2),
    12 h escalation (waiting for tier 3), 6 h development (tier 3), 0 h communication (tier 3),
    96 h resolution confirmation (done: not process time).   Process time 26 h.
E2: 0.5 h initial submission (waiting for tier 1), 0.5 h communication (tier 1), 3 h escalation
    (waiting for tier 2), 1 h troubleshooting (tier 2), 2 h review & analysis (tier 1), 0 h.
    Process time 7 h.
Handoffs: customer -> tier 1 waits 1, 0.5 and 2 h (median 1); tier 1 -> tier 2 waits 2 and 3 h
(median 2.5); tier 2 -> tier 3 waits 12 h; tier 2 -> tier 1 (E2's return) waits 0 h, because
tier 2 was working until tier 1 took the ticket back.
Longest silence (public replies between escalation and first solve): E1 window 3-26 with
updates at 6 and 26: gaps 3, 20, 0 -> 20 h; E2 window 11-17 with an update at 17: 6 h.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from supportlens.analysis.core.missing import MissingData
from supportlens.analysis.escalations.communication import silences
from supportlens.analysis.escalations.process import analyse_escalations
from supportlens.analysis.sla.summary import ticket_clocks
from supportlens.analysis.escalations.process_log import read_log
from supportlens.analysis.escalations.handoffs import analyse_handoffs, handoff_waits
from supportlens.analysis.escalations.paths import ticket_paths
from supportlens.analysis.escalations.proactive import estimate_policies
from supportlens.analysis.escalations.stages import role_times, stage_times, ticket_times
from supportlens.config import Config

BASE = pd.Timestamp("2026-01-05", tz="UTC")
LOG = [  # ticket, hours, event_type, actor, role, tier, status
    ("E1", 0, "created", "C1", "customer", 1, "new"),
    ("E1", 1, "public_reply", "A1", "tier1", 1, "open"),
    ("E1", 3, "escalated", "A1", "tier1", 2, "open"),
    ("E1", 5, "internal_note", "B1", "tier2", 2, "open"),
    ("E1", 6, "public_reply", "B1", "tier2", 2, "open"),
    ("E1", 8, "escalated", "B1", "tier2", 3, "open"),
    ("E1", 20, "internal_note", "D1", "tier3", 3, "open"),
    ("E1", 26, "public_reply", "D1", "tier3", 3, "open"),
    ("E1", 26, "solved", "D1", "tier3", 3, "solved"),
    ("E1", 122, "closed", "system", "system", 3, "closed"),
    ("E2", 10, "created", "C2", "customer", 1, "new"),
    ("E2", 10.5, "public_reply", "A1", "tier1", 1, "open"),
    ("E2", 11, "escalated", "A1", "tier1", 2, "open"),
    ("E2", 14, "internal_note", "B1", "tier2", 2, "open"),
    ("E2", 15, "internal_note", "A1", "tier1", 1, "open"),
    ("E2", 17, "public_reply", "A1", "tier1", 1, "open"),
    ("E2", 17, "solved", "A1", "tier1", 1, "solved"),
    ("N1", 30, "created", "C3", "customer", 1, "new"),
    ("N1", 32, "public_reply", "A2", "tier1", 1, "open"),
    ("N1", 32, "solved", "A2", "tier1", 1, "solved"),
]


def events_frame(rows=LOG) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["ticket_id", "hours", "event_type", "actor_id", "actor_role", "tier", "status"])
    frame["event_at"] = BASE + pd.to_timedelta(frame.pop("hours"), unit="h")
    # shuffled: the reader must sort by ticket and time itself, keeping the logged order of ties
    return frame.iloc[[3, 0, 1, 2] + list(range(4, len(frame)))].reset_index(drop=True)


def tickets_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": ["E1", "E2", "N1"],
        "created_at": [BASE, BASE + pd.Timedelta(hours=10), BASE + pd.Timedelta(hours=30)],
        "solved_at": [BASE + pd.Timedelta(hours=26), BASE + pd.Timedelta(hours=17), BASE + pd.Timedelta(hours=32)],
        "status": ["closed", "solved", "solved"],
        "priority": ["high", "normal", "low"],
        "reopens": [0, 0, 0],
    })


@pytest.fixture
def config() -> Config:
    return Config.model_validate({"escalations": {"min_transitions": 1}})


@pytest.fixture
def log(config):
    return read_log(events_frame(), tickets_frame(), config.escalations)


def test_escalated_tickets_and_when(log):
    assert log.escalated.tolist() == [True, True, False]
    assert log.escalated_at[:2].tolist() == [3.0, 11.0]


def test_stage_durations_by_hand(log, config):
    stages = {s.stage: s for s in stage_times(log, config.escalations)}
    # escalation: E1 2 + 12 = 14 h, E2 3 h -> median 8.5 h over the two escalated tickets
    assert stages["escalation"].tickets == 2
    assert stages["escalation"].median_hours == pytest.approx(8.5)
    assert stages["escalation"].mean_hours == pytest.approx(8.5)
    # communication: E1 2 + 2 + 0 = 4 h, E2 0.5 + 0 = 0.5 h
    assert stages["communication"].median_hours == pytest.approx(2.25)
    assert stages["development"].tickets == 1 and stages["development"].median_hours == pytest.approx(6)
    assert stages["review_analysis"].median_hours == pytest.approx(2)
    # shares of the 33 h of process time of the escalated tickets
    assert stages["escalation"].share_of_time == pytest.approx(17 / 33)
    assert stages["initial_submission"].share_of_time == pytest.approx(1.5 / 33)
    # solved -> closed is after the resolution: reported, but not process time
    assert stages["resolution_confirmation"].median_hours == pytest.approx(96)
    assert stages["resolution_confirmation"].share_of_time is None
    # over all tickets the initial submission takes 1, 0.5 and 2 h
    assert stages["initial_submission"].median_hours_all == pytest.approx(1)


def test_waiting_and_worked_by_role(log, config):
    roles = {r.role: r for r in role_times(log, config.escalations)}
    assert set(roles) == {"tier1", "tier2", "tier3"}
    assert roles["tier1"].worked_hours == pytest.approx((2 + 0.5 + 2) / 2)
    assert roles["tier1"].waiting_hours == pytest.approx((1 + 0.5) / 2)
    assert roles["tier2"].worked_hours == pytest.approx((3 + 1) / 2)
    assert roles["tier2"].waiting_hours == pytest.approx((2 + 3) / 2)
    assert roles["tier3"].worked_hours == pytest.approx(6 / 2)
    assert roles["tier3"].waiting_hours == pytest.approx(12 / 2)
    assert roles["tier3"].waiting_share == pytest.approx(12 / 33)


def test_handoff_matrix_by_hand(log, config):
    waits = handoff_waits(log, config.escalations)
    named = {(log.roles[a], log.roles[b]): sorted(g["wait_hours"].tolist())
             for (a, b), g in waits.groupby(["from_role", "to_role"])}
    assert named == {("customer", "tier1"): [0.5, 1.0, 2.0], ("tier1", "tier2"): [2.0, 3.0],
                     ("tier2", "tier3"): [12.0], ("tier2", "tier1"): [0.0]}
    result = analyse_handoffs(log, config.escalations, config.findings)
    cells = {(h.from_role, h.to_role): h for h in result.matrix}
    assert cells[("customer", "tier1")].median_wait_hours == pytest.approx(1.0)
    assert cells[("customer", "tier1")].handoffs == 3 and cells[("customer", "tier1")].tickets == 3
    assert cells[("tier1", "tier2")].median_wait_hours == pytest.approx(2.5)
    assert cells[("tier1", "tier2")].total_wait_hours == pytest.approx(5.0)
    # the bottleneck is tier 2 -> tier 3: 12 h against the other six waits 0, 0.5, 1, 2, 2, 3 h
    # (median 1.5 h): 8 times as long
    neck = result.bottleneck
    assert (neck.handoff.from_role, neck.handoff.to_role) == ("tier2", "tier3")
    assert neck.others_median_wait_hours == pytest.approx(1.5)
    assert neck.ratio == pytest.approx(8.0)
    assert not neck.significant          # one observation cannot be significant
    assert neck.share_of_escalated == pytest.approx(0.5)
    # ping-pong: E2 went back from tier 2 to tier 1; 1 of 2 escalated tickets
    assert result.ping_pong.rate.events == 1 and result.ping_pong.rate.n == 2
    assert result.ping_pong.by_pair == [{"from_role": "tier2", "to_role": "tier1", "returns": 1}]


def test_breaches_the_bottleneck_explains(log, config):
    # E1 waited 12 h at tier 2 -> tier 3, 10.5 h beyond the other handoffs' median (1.5 h): a breach that
    # overran its target by at most 10.5 h is one a handoff as quick as the others could have avoided.
    # E2 breached too but never went through that handoff.
    def clocks(overrun_hours: float) -> pd.DataFrame:
        return pd.DataFrame({"priority": ["high", "normal", "low"],
                             "resolution_minutes": [(8 + overrun_hours) * 60, 30 * 60, 60],
                             "resolution_target_minutes": [8 * 60, 24 * 60, 72 * 60],
                             "resolution_state": pd.array(["breached", "breached", "achieved"], dtype="string")})

    def explained(frame):
        return analyse_handoffs(log, config.escalations, config.findings, frame).bottleneck.breaches_within_extra_wait

    assert explained(clocks(10.5)) == {"high": 1}
    assert explained(clocks(10.6)) == {}
    assert explained(None) is None


def test_directly_follows_graph(log, config):
    result = analyse_handoffs(log, config.escalations, config.findings)
    edges = {(e.source, e.target): e for e in result.transitions}
    created = edges[("created", "public_reply")]
    assert created.count == 3 and created.median_hours == pytest.approx(1.0)
    assert edges[("escalated", "internal_note")].count == 3
    assert edges[("escalated", "internal_note")].median_hours == pytest.approx(3.0)   # 2, 12, 3
    assert edges[("solved", "closed")].from_done
    assert {a["activity"]: a["starts"] for a in result.activities}["created"] == 3


def test_paths(log, config):
    code, labels = ticket_paths(log, config.escalations)
    assert [labels[c] for c in code] == ["Tier 1 → Tier 2 → Tier 3", "Tier 1 → Tier 2 → Tier 1", "Tier 1"]


def test_longest_silence_and_policy(log, config):
    as_of = 200.0
    sil = silences(log, as_of)
    assert sil.longest[:2].tolist() == [20.0, 6.0] and np.isnan(sil.longest[2])
    assert sil.resolved.tolist() == [True, True, False]
    policy = estimate_policies((8.0,), sil)[0]
    assert policy.affected.events == 1 and policy.affected.n == 2
    # a 20 h silence needs ceil(20 / 8) - 1 = 2 updates; 3 h and 6 h need none
    assert policy.extra_updates_per_ticket == pytest.approx(1.0)
    assert policy.csat_change is None       # no CSAT model on three tickets


def test_activity_column_wildcards_and_role_map():
    """A status-change log with its own activity labels and levels in `tier` (like BPIC 2013)."""
    rows = [("T1", 0, "Queued-Awaiting Assignment", "1"), ("T1", 2, "Accepted-In Progress", "1"),
            ("T1", 3, "Queued-Awaiting Assignment", "2"), ("T1", 9, "Accepted-In Progress", "2"),
            ("T1", 10, "Accepted-Wait - User", "2"), ("T1", 20, "Accepted-In Progress", "1"),
            ("T1", 21, "Completed-Resolved", "1")]
    events = pd.DataFrame(rows, columns=["ticket_id", "hours", "activity", "tier"])
    events["event_at"] = BASE + pd.to_timedelta(events.pop("hours"), unit="h")
    events["event_type"] = "status_change"
    events["actor_id"] = ["x", "x", "y", "y", "y", "z", "z"]
    tickets = pd.DataFrame({"ticket_id": ["T1"], "created_at": [BASE], "priority": ["normal"], "status": ["solved"]})
    config = Config.model_validate({"escalations": {
        "stages": {"queued": {"label": "Queued", "kind": "wait"}, "work": {"label": "Work", "kind": "work"},
                   "user": {"label": "Waiting on user", "kind": "wait", "waits_for": "customer"},
                   "done": {"label": "Done", "kind": "done"}, "other": {"label": "Other", "kind": "work"}},
        "stage_rules": [{"activity": "queued-*", "stage": "queued"}, {"activity": "ACCEPTED-WAIT*", "stage": "user"},
                        {"activity": "accepted-*", "stage": "work"}, {"activity": "Completed-*", "stage": "done"}],
        "roles": {"source": "tier", "values": {"1": "tier1", "2": "tier2"}, "actors": {"z": "project_manager"}},
        "escalation_stages": [], "communication_stages": ["user"], "customer_facing": ["Accepted-Wait - User"],
        "min_transitions": 1}}).escalations
    log = read_log(events, tickets, config)
    assert [log.stages[s] for s in log.stage] == ["queued", "work", "queued", "work", "user", "work", "done"]
    assert [log.roles[r] for r in log.role] == ["tier1", "tier1", "tier2", "tier2", "tier2", "project_manager",
                                               "project_manager"]
    assert log.escalated.tolist() == [True] and log.escalated_at[0] == 3.0
    waits = handoff_waits(log, config)
    # tier 1 worked 2-3, then the ticket queued at level 2 from 3 to 9: a 6 h wait for tier 2;
    # tier 2 asked the user at 10 and the project manager acted at 20: 10 h
    assert waits["wait_hours"].tolist() == [6.0, 10.0]
    # the 10 h waiting on the user are charged to the customer, not to the next actor
    times = {r.role: r for r in role_times(log, config)}
    assert times["customer"].waiting_hours == pytest.approx(10.0)
    assert times["tier2"].waiting_hours == pytest.approx(6.0)


def test_no_event_log_is_missing_data(config):
    with pytest.raises(MissingData, match="needs an event log"):
        read_log(None, tickets_frame(), config.escalations)
    events = events_frame().drop(columns=["actor_role"])
    with pytest.raises(MissingData, match="who acted"):
        read_log(events, tickets_frame(), config.escalations)


def test_events_of_unknown_tickets_are_counted_not_silently_dropped(config):
    events = pd.concat([events_frame(), events_frame().assign(ticket_id="ZZ")], ignore_index=True)
    log = read_log(events, tickets_frame(), config.escalations)
    assert log.events == len(LOG) and log.events_without_ticket == len(LOG)


def test_actor_ids_are_never_published_as_roles(config):
    mapped = config.escalations.model_copy(update={"roles": config.escalations.roles.model_copy(
        update={"source": "actor_id", "values": {"A1": "tier1", "B1": "tier2"}, "actors": {"D1": "tier3"}})})
    log = read_log(events_frame(), tickets_frame(), mapped)
    assert set(log.roles) - {"third_party"} == {"tier1", "tier2", "tier3", "unmapped_actor"}
    assert not {"C1", "C2", "A2", "system"} & set(log.roles)


def test_a_log_without_escalations_still_reads(config):
    events = events_frame()
    events = events[events["ticket_id"] == "N1"]
    tickets = tickets_frame()
    as_of = BASE + pd.Timedelta(days=10)
    result = analyse_escalations(events, tickets, ticket_clocks(tickets, config.sla, as_of), as_of, config)
    assert result.escalated.events == 0 and result.reading.tickets_without_events == 2
    assert result.role_time == [] and result.timelines == []
    assert result.handoffs.ping_pong.rate.n == 0 and result.communication.longest_silence.n == 0
    assert result.proactive.headline.affected.n == 0


def test_ladder_ranks_give_each_role_its_rung_and_minus_one_off_the_ladder():
    from supportlens.analysis.escalations.process_log import ladder_ranks

    ranks = ladder_ranks(["customer", "tier2", "tier1", "system", "tier3"], ("tier1", "tier2", "tier3"))
    # one entry per role code, then -1 for role code -1 (unknown)
    assert ranks.tolist() == [-1, 1, 0, -1, 2, -1]
    assert ranks[-1] == -1 and ranks[[1, -1]].tolist() == [1, -1]
    assert ladder_ranks([], ("tier1",)).tolist() == [-1]


def test_what_the_escalations_page_names_is_decided_in_analysis(config):
    events, tickets = events_frame(), tickets_frame()
    as_of = BASE + pd.Timedelta(days=10)
    result = analyse_escalations(events, tickets, ticket_clocks(tickets, config.sla, as_of), as_of, config)
    # waiting per escalated ticket: tier 3 12 / 2 = 6 h, tier 2 (2 + 3) / 2 = 2.5 h, tier 1 (1 + 0.5) / 2 = 0.75 h
    assert result.role_time[result.longest_wait_role].role == "tier3"
    # escalation stage (waiting): E1 2 + 12 h, E2 3 h -> 8.5 h per escalated ticket, more than any other stage
    top = result.stages[result.top_stage]
    assert top.stage == "escalation" and top.mean_hours == pytest.approx(8.5)
    # paths: E1 (tier 1 -> 2 -> 3) resolved after 26 h, E2 (back to tier 1) after 7 h; one ticket a path is too
    # few to call a path the slowest (the page then names none)
    slowest = {b.path: b.median for b in result.paths.boxes}
    assert slowest["Tier 1 → Tier 2 → Tier 3"] > max(v for k, v in slowest.items() if k != "Tier 1 → Tier 2 → Tier 3")
    assert result.paths.slowest_path is None
    # the one pair handed back; the policy row the table marks; the slow transitions the table lists
    assert result.handoffs.ping_pong.most_returns == 0
    assert result.proactive.policies[result.proactive.headline_policy].hours == config.escalations.policy_hours
    assert result.handoffs.slowest_transitions_shown == min(6, len(result.handoffs.slowest_transitions))


def test_the_slowest_path_is_a_named_path_with_enough_solved_tickets():
    """A path of a handful of tickets, or the pooled "Other paths", is never named the slowest (issue 13: "Tickets
    on the path Other paths take longest"): the slowest is the named path of at least 30 solved tickets with the
    longest median."""
    from supportlens.analysis.escalations import paths as module

    rng = np.random.default_rng(3)
    # code 1: 200 tickets ~10 h; code 2: 40 tickets ~50 h; code 3: 5 tickets ~500 h; codes 4..: one each, slowest
    codes = np.concatenate([np.full(200, 1), np.full(40, 2), np.full(5, 3), np.arange(4, 4 + module.TOP_PATHS + 3)])
    hours = np.concatenate([rng.uniform(5, 15, 200), rng.uniform(40, 60, 40), rng.uniform(400, 600, 5),
                            np.full(module.TOP_PATHS + 3, 5000.0)])
    labels = {int(c): f"path {int(c)}" for c in np.unique(codes)}

    class Log:
        escalated = np.ones(len(codes), dtype=bool)

    found = module.path_boxes(codes, labels, Log(), hours)
    assert any(b.path == "Other paths" for b in found.boxes)
    assert found.boxes[found.slowest_path].path == "path 2"


def test_slices_hold_whole_tickets_and_every_event(log):
    from supportlens.analysis.escalations.process_log import ticket_slices

    for size in (1, 3, 7, 100):
        parts = ticket_slices(log.ticket, size)
        assert parts[0].start == 0 and parts[-1].stop == log.events
        assert all(a.stop == b.start for a, b in zip(parts[:-1], parts[1:]))   # contiguous, every event once
        for part in parts:   # a slice never cuts a ticket: the events before and after it are other tickets'
            assert part.start == 0 or log.ticket[part.start - 1] != log.ticket[part.start]
            assert part.stop == log.events or log.ticket[part.stop - 1] != log.ticket[part.stop]
    assert [(p.start, p.stop) for p in ticket_slices(log.ticket, 1)] == [(0, 10), (10, 17), (17, 20)]


@pytest.mark.parametrize("size", [1, 3, 12])
def test_passes_a_slice_at_a_time_give_the_hand_worked_numbers(log, config, monkeypatch, size):
    """Handoff waits, stage, role and ticket times and the directly-follows graph read the log a slice of whole
    tickets at a time (memory at scale); cut into slices of any size, they give what the whole log gives in one
    slice."""
    from supportlens.analysis.escalations import handoffs, process_log

    clocks = ticket_clocks(tickets_frame(), config.sla, BASE + pd.Timedelta(days=10))
    whole = (handoff_waits(log, config.escalations), stage_times(log, config.escalations),
             handoffs.directly_follows(log, config.escalations), role_times(log, config.escalations),
             ticket_times(log, clocks))
    monkeypatch.setattr(process_log, "SLICE_EVENTS", size)
    sliced = (handoff_waits(log, config.escalations), stage_times(log, config.escalations),
              handoffs.directly_follows(log, config.escalations), role_times(log, config.escalations),
              ticket_times(log, clocks))
    pd.testing.assert_frame_equal(sliced[0], whole[0])
    assert sliced[1:] == whole[1:]
    # and they are the hand-worked ones
    stages = {s.stage: s for s in sliced[1]}
    assert stages["escalation"].median_hours == pytest.approx(8.5)
    assert stages["communication"].median_hours == pytest.approx(2.25)
    assert sorted(sliced[0]["wait_hours"].tolist()) == [0.0, 0.5, 1.0, 2.0, 2.0, 3.0, 12.0]


def _varied_log(categorical: bool, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A random log with what real exports hold: events out of order, of unknown tickets, without a time, labels
    and roles missing or padded with spaces, an activity column beside the event type."""
    rng = np.random.default_rng(seed)
    n_tickets, n = 40, 600
    tid = [f"T{i}" for i in range(n_tickets)]
    pick = lambda values: np.array(values, dtype=object)[rng.integers(0, len(values), n)]   # noqa: E731
    events = pd.DataFrame({
        "ticket_id": pick(tid + ["unknown"]),
        "event_at": pd.Series(BASE + pd.to_timedelta(rng.integers(0, 500, n), unit="h")).where(rng.random(n) > 0.03),
        "event_type": pick(["created", "public_reply", "escalated", "internal_note", "solved", None]),
        "activity": pick(["Queued-Awaiting Assignment", "Accepted-In Progress", None, None]),
        "actor_id": pick(["A1", "A2", "B1", "D1", None]),
        "actor_role": pick(["customer", " tier1 ", "tier2", "tier3", "system", "", None]),
        "tier": pick([1, 2, 3, None]),
        "status": pick(["new", "open", "solved", None]),
    })
    if categorical:
        for column in ("ticket_id", "event_type", "activity", "actor_id", "actor_role", "status"):
            events[column] = events[column].astype("category")
    return events, pd.DataFrame({"ticket_id": tid, "escalated": rng.random(n_tickets) < 0.2})


@pytest.mark.parametrize("categorical", [True, False])
@pytest.mark.parametrize("size", [1, 7, 64])
def test_the_log_read_a_slice_at_a_time_is_the_log_read_whole(config, monkeypatch, categorical, size):
    """read_log codes and flags the events a slice at a time (memory at scale): every array of the log, its
    dtype and every name list are those of one slice holding the whole log, whatever the slices' size."""
    from supportlens.analysis.escalations import process_log

    events, tickets = _varied_log(categorical)
    mapped = config.escalations.model_copy(update={"roles": config.escalations.roles.model_copy(
        update={"values": {"tier1": "tier1"}, "actors": {"D1": "tier3", "A2": "vendor"}})})
    whole = read_log(events, tickets, mapped)
    monkeypatch.setattr(process_log, "SLICE_EVENTS", size)
    sliced = read_log(events, tickets, mapped)
    for name, value in vars(whole).items():
        other = getattr(sliced, name)
        if isinstance(value, np.ndarray):
            assert other.dtype == value.dtype and np.array_equal(other, value, equal_nan=value.dtype.kind == "f"), name
        else:
            assert other == value, name
    # and each event has its own label; the labels are named in order of appearance in the log as exported
    assert whole.events_without_ticket == int(((events["ticket_id"] == "unknown") & events["event_at"].notna()).sum())
    kept = events[(events["ticket_id"] != "unknown") & events["event_at"].notna()].copy()
    kept["row"] = kept["ticket_id"].astype(str).str[1:].astype(int)
    kept = kept.sort_values(["row", "event_at"], kind="stable")
    label = lambda frame: [a if isinstance(a, str) else t if isinstance(t, str) else "unknown"   # noqa: E731
                           for a, t in zip(frame["activity"].astype(object), frame["event_type"].astype(object))]
    assert [whole.labels[k] for k in whole.label] == label(kept)
    assert list(whole.labels) == list(dict.fromkeys(label(events)))   # (every event's, in the log's order)


def test_handoff_matrix_is_the_grouping_by_both_roles(log, config):
    """The matrix gathers each pair's waits through one sort (memory at scale): the same handoffs, counts, tickets,
    medians, intervals and totals as pandas' grouping by (from role, to role), on many random waits."""
    from supportlens.analysis.core.stats import median_interval
    from supportlens.analysis.escalations.handoffs import handoff_matrix

    rng = np.random.default_rng(8)
    n = 5000
    waits = pd.DataFrame({"ticket": rng.integers(0, 700, n).astype(np.int32),
                          "from_role": rng.integers(0, len(log.roles), n).astype(np.int16),
                          "to_role": rng.integers(0, len(log.roles), n).astype(np.int16),
                          "wait_hours": np.round(rng.exponential(5, n), 1)})
    matrix = handoff_matrix(waits, log, config.escalations)
    by_pair = {(h.from_role, h.to_role): h for h in matrix}
    groups = waits.groupby(["from_role", "to_role"], sort=True)
    assert len(matrix) == groups.ngroups
    for (a, b), group in groups:
        h = by_pair[(log.roles[a], log.roles[b])]
        values = group["wait_hours"].to_numpy()
        med = median_interval(values)
        assert (h.handoffs, h.tickets) == (len(group), group["ticket"].nunique())
        assert (h.median_wait_hours, h.ci_low, h.ci_high) == (med.value, med.ci_low, med.ci_high)
        assert h.p90_wait_hours == float(np.quantile(values, 0.9)) and h.total_wait_hours == float(values.sum())


def test_transition_median_and_p90_are_pandas_grouped_statistics():
    """The directly-follows graph reads each transition's median and 90th percentile off one partial sort: the very
    floats pandas' grouped median and quantile(0.9) give, on ties, odd and even counts, one value, and with a NaN."""
    from supportlens.analysis.escalations.handoffs import _median_and_p90

    rng = np.random.default_rng(11)
    for trial in range(600):
        n = int(rng.integers(1, 400)) if trial % 5 else int(rng.integers(1, 6))
        values = [rng.exponential(5, n), np.round(rng.exponential(5, n), 1), rng.integers(0, 3, n) * 0.1][trial % 3]
        if trial % 50 == 0:
            values[0] = np.nan
        grouped = pd.Series(values).groupby(np.zeros(n, dtype=np.int64))
        expected = (float(grouped.median().iloc[0]), float(grouped.quantile(0.9).iloc[0]))
        np.testing.assert_array_equal(_median_and_p90(values), expected)   # (bit for bit; NaN where pandas has it)
    assert _median_and_p90(np.array([1.0, 2.0, 3.0, 4.0])) == (2.5, 3.7)   # 0.9 * 3 = 2.7: 3 + 0.7 * (4 - 3)


@pytest.mark.parametrize("held", [1, 2, 5, 1000])
def test_directly_follows_in_batches_of_pairs_is_the_graph_in_one_pass(log, config, monkeypatch, held):
    """Past TRANSITIONS_HELD transitions the graph gathers the hours of a batch of activity pairs at a time (memory at
    scale): whatever the batches, the same edges, counts, medians and percentiles as one pass."""
    from supportlens.analysis.escalations import handoffs

    whole = handoffs.directly_follows(log, config.escalations)
    monkeypatch.setattr(handoffs, "TRANSITIONS_HELD", held)
    assert handoffs.directly_follows(log, config.escalations) == whole
    events, tickets = _varied_log(categorical=True)
    varied = read_log(events, tickets, config.escalations)
    monkeypatch.setattr(handoffs, "TRANSITIONS_HELD", 10**9)
    whole = handoffs.directly_follows(varied, config.escalations)
    monkeypatch.setattr(handoffs, "TRANSITIONS_HELD", held)
    assert handoffs.directly_follows(varied, config.escalations) == whole
