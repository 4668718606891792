"""Real exports (issue 14): one date order per column from the whole column's evidence, and a ticket
is open only when its status says so. Expected values worked out by hand from the fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from supportlens.config import Config
from supportlens.dataset import Check
from supportlens.ingest import load_dataset

from support import FIXTURES

COMPLAINTS = FIXTURES / "complaints_dayfirst.csv"     # a telecom's complaints: day-first dd-mm-yy dates
MAPPING = {"tickets": {"ticket_id": "Complaint ID", "created_at": "Date Received", "solved_at": "Date Resolved",
                       "status": "Status", "priority": "Priority", "channel": "Channel"}}


def load(path: Path, **data):
    config = Config.model_validate({"data": {"tickets": str(path), "events": None, "accounts": None,
                                             "agents": None, "mapping": MAPPING, **data}})
    return load_dataset(config)


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_one_date_order_per_column_settled_by_a_day_above_12():
    dataset = load(COMPLAINTS)
    tickets = dataset.tickets.set_index("ticket_id")
    # '22-04-15' and '13-09-15' settle the column day-first, so '04-08-15' is 4 August, not 8 April
    assert tickets["created_at"].tolist() == [day("2015-04-22"), day("2015-08-04"), day("2015-08-05"),
                                              day("2015-09-13"), day("2015-10-01")]
    # the solve column is settled by its own '24-04-15': '07-08-15' is 7 August
    assert tickets.loc["C-003", "solved_at"] == day("2015-08-07")
    assert tickets.loc["C-005", "solved_at"] == day("2015-10-03")
    assert not [q for q in dataset.quality if q.check == Check.DATE_ORDER]


def _ambiguous(tmp_path: Path) -> Path:
    path = tmp_path / "complaints.csv"
    path.write_text("Complaint ID,Date Received,Date Resolved,Status,Priority,Channel\n"
                    "C-1,03/04/2021,05/04/2021,Closed,High,Phone\n"
                    "C-2,04/05/2021,,Open,Low,Phone\n")
    return path


def test_an_ambiguous_column_is_read_one_way_and_said_so(tmp_path):
    dataset = load(_ambiguous(tmp_path))
    assert dataset.tickets["created_at"].tolist() == [day("2021-03-04"), day("2021-04-05")]   # month-first default
    notes = {q.column: q for q in dataset.quality if q.check == Check.DATE_ORDER}
    assert set(notes) == {"created_at", "solved_at"}
    assert notes["created_at"].rows == 2 and "month-first" in notes["created_at"].action


def test_the_configured_date_order_overrides(tmp_path):
    dataset = load(_ambiguous(tmp_path), dayfirst=True)
    assert dataset.tickets["created_at"].tolist() == [day("2021-04-03"), day("2021-05-04")]
    assert not [q for q in dataset.quality if q.check == Check.DATE_ORDER]


def test_dates_against_the_configured_order_are_counted_not_swapped(tmp_path):
    path = tmp_path / "complaints.csv"
    shutil.copy(COMPLAINTS, path)
    dataset = load(path, dayfirst=False)       # month-first: '22-04-15' and '13-09-15' cannot be dates
    created = dataset.tickets.set_index("ticket_id")["created_at"].dropna()
    assert created.to_dict() == {"C-002": day("2015-04-08"), "C-003": day("2015-05-08"), "C-005": day("2015-01-10")}
    order = next(q for q in dataset.quality if q.check == Check.DATE_ORDER and q.column == "created_at")
    assert order.rows == 2


def test_solved_without_a_time_is_not_open():
    dataset = load(COMPLAINTS)
    solved_no_time = next(q for q in dataset.quality if q.check == Check.MISSING_VALUES and q.column == "solved_at")
    assert solved_no_time.rows == 1 and "unknown resolution time" in solved_no_time.action    # C-002


def test_an_export_without_solve_times_counts_its_solved_tickets():
    mapping = {"tickets": {k: v for k, v in MAPPING["tickets"].items() if k != "solved_at"}}
    config = Config.model_validate({"data": {"tickets": str(COMPLAINTS), "events": None, "accounts": None,
                                             "agents": None, "mapping": mapping}})
    dataset = load_dataset(config)
    missing = next(q for q in dataset.quality if q.check == Check.MISSING_COLUMN and q.column == "solved_at")
    assert missing.rows == 4 and "unknown resolution time" in missing.action     # two Closed, two Solved
