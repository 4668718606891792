"""A text export read in batches and made compact as it is read (ingest/stream.py) gives what reading it whole
gives: the same canonical tables, value for value and dtype for dtype, and the same data-quality notes (counts,
examples, order). The reference is the whole read (the reader the streamed one falls back to), made here by
turning the streamed reading off; tiny blocks make many batches, and a low limit of "few" values makes columns
change from codes looked up batch by batch to each batch's own dictionary midway."""

from __future__ import annotations

import functools

import pandas as pd
import pytest

import supportlens.ingest as ingest
import supportlens.ingest.stream as stream
from supportlens.config import Config
from supportlens.ingest import load_dataset
from supportlens.ingest.readers import csv_batches

TICKETS = """ticket_id,created_at,first_response_at,solved_at,status,priority,channel,category,account_id,agent_id,tier_max,csat,reopens
{rows}"""
EVENTS = "ticket_id,event_at,event_type,actor_id,actor_role,tier,status\n{rows}"


def tickets_csv(created: str = "2026-02-{day:02d}T{hour:02d}:15:00+00:00") -> str:
    statuses = ["Solved", "open", " Pending", "closed", "solved", "Waiting on customer", "weird"]
    priorities = ["High", "P1", "normal", "Low", "", "urgent", "3"]
    channels = ["Email", "e-mail", "Web Form", "chat", "CHAT", "Phone", "carrier pigeon"]
    rows = []
    for i in range(60):
        day, hour = 1 + i % 27, i % 24
        made = created.format(day=day, hour=hour)
        response = "" if i % 5 == 0 else f"2026-02-{day:02d}T{hour:02d}:45:00+00:00"
        solved = "" if i % 3 == 0 else f"2026-03-{day:02d}T{hour:02d}:00:00+00:00"
        csat = ["5", "", "3", "9", "x", "1"][i % 6]
        rows.append(f"T{i:03d},{made},{response},{solved},{statuses[i % 7]},{priorities[i % 7]},"
                    f"{channels[i % 7]},cat {i % 4},ACC-{i % 9},AG-{i % 11} ,{1 + i % 3},{csat},{i % 2}")
    rows.append(f"T005,{created.format(day=27, hour=10)},,,open,high,web,cat 1,ACC-1,AG-1,1,,0")   # a repeated id
    rows.append("T900,,,,open,high,web,cat 1,ACC-1,AG-1,1,,0")                             # no creation time
    return TICKETS.format(rows="\n".join(rows)) + "\n"


def events_csv(shuffle: bool) -> str:
    rows = []
    for i in range(60):
        for k, kind in enumerate(("created", "public_reply", "Solved", "closed")):
            actor = "system" if k == 3 else f"REQ-{i:03d}" if k == 0 else f"AG-{i % 11}"
            rows.append(f" T{i:03d},2026-02-{1 + i % 27:02d}T{k:02d}:30:00+00:00,{kind},{actor},"
                        f"{['customer', 'tier1', 'Tier1', 'system'][k]},{1 + k % 3},{['new', 'open', 'solved', 'closed'][k]}")
    rows.append("T777,2026-02-03T10:00:00+00:00,created,REQ-1,customer,1,new")     # an orphan
    rows.append(",2026-02-03T11:00:00+00:00,created,REQ-1,customer,1,new")         # without a ticket id
    if shuffle:
        rows = rows[1::2] + rows[::2]
    return EVENTS.format(rows="\n".join(rows)) + "\n"


def read_both(tmp_path, monkeypatch, tickets: str, events: str, **data):
    (tmp_path / "tickets.csv").write_text(tickets)
    (tmp_path / "events.csv").write_text(events)
    config = Config.model_validate({"data": {"tickets": str(tmp_path / "tickets.csv"),
                                             "events": str(tmp_path / "events.csv"),
                                             "accounts": None, "agents": None, **data}})
    with monkeypatch.context() as patch:        # the whole read: no streamed reading
        patch.setattr(ingest, "csv_batches", lambda *args, **kwargs: None)
        whole = load_dataset(config)
    with monkeypatch.context() as patch:        # tiny blocks (many batches), few values "few"
        patch.setattr(stream, "csv_batches", functools.partial(csv_batches, block_size=512))
        patch.setattr(stream, "_FEW", 5)
        streamed = load_dataset(config)
    return whole, streamed


def assert_same(whole, streamed):
    for table in ("tickets", "events"):
        pd.testing.assert_frame_equal(getattr(streamed, table), getattr(whole, table))
    assert streamed.quality == whole.quality
    assert streamed.sources == whole.sources


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_streamed_export_gives_the_tables_and_notes_of_the_whole_read(tmp_path, monkeypatch, shuffle):
    whole, streamed = read_both(tmp_path, monkeypatch, tickets_csv(), events_csv(shuffle))
    assert_same(whole, streamed)
    checks = {q.check for q in whole.quality}
    # the notes this export is built to give are there (so the comparison compares them)
    assert {"DUPLICATE_ID", "UNKNOWN_VALUE", "OUT_OF_RANGE", "NOT_A_NUMBER", "ORPHAN_EVENTS",
            "SPELLING_VARIANTS", "MISSING_VALUES"} <= {str(c) for c in checks}
    assert isinstance(streamed.events["event_type"].dtype, pd.CategoricalDtype)


def test_timestamps_the_iso_reading_does_not_take_are_read_again_by_the_general_rules(tmp_path, monkeypatch):
    # day/month dates without a zone in the tickets, one event time not in ISO 8601 (and not in the first batch)
    tickets = tickets_csv(created="{day:02d}/02/2026 {hour:02d}:15")
    events = events_csv(False).replace("2026-02-05T02:30:00+00:00", "Feb 5 2026 02:30 +0000")
    whole, streamed = read_both(tmp_path, monkeypatch, tickets, events, timezone="Europe/Berlin")
    assert_same(whole, streamed)
    assert {"TIMEZONE_ASSUMED"} <= {str(q.check) for q in whole.quality}


def test_timestamps_without_a_zone_are_localised_as_the_whole_read_localises_them(tmp_path, monkeypatch):
    tickets = tickets_csv(created="2026-03-{day:02d}T{hour:02d}:15:00")
    tickets += "T950,2026-03-29T02:30:00,,,open,high,web,cat 1,ACC-1,AG-1,1,,0\n"   # in the spring change's gap
    whole, streamed = read_both(tmp_path, monkeypatch, tickets, events_csv(False), timezone="Europe/Berlin")
    assert_same(whole, streamed)
    assert "DST_TIME" in {str(q.check) for q in whole.quality}
