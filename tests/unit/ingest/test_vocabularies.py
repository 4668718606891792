"""Vocabularies of real exports (issue 14): ServiceNow's stored codes, bare ITIL priorities 1-5,
postal mail and self-service as channels of their own, blank workbook cells as missing values.
Expected values worked out by hand from the fixtures (tests/fixtures/README.md)."""

from __future__ import annotations

import pandas as pd

from supportlens.config import Config
from supportlens.ingest import load_dataset

from support import FIXTURES


def load(name: str, **data) -> pd.DataFrame:
    config = Config.model_validate({"data": {"tickets": str(FIXTURES / name) if "/" not in name else name,
                                             "events": None, "accounts": None, "agents": None, **data}})
    return load_dataset(config)


def test_servicenow_stored_codes():
    dataset = load("servicenow_rest_codes.csv", source="servicenow")
    t = dataset.tickets.set_index("ticket_id")
    # state 7 Closed, 2 In Progress, 6 Resolved, 3 On Hold, 1 New, 4 Awaiting User Info, 8 Canceled
    assert t["status"].tolist() == ["closed", "open", "solved", "on_hold", "new", "pending", "closed"]
    # priority 1 Critical, 3 Moderate, 4 Low, 5 Planning, 2 High, 3, 5
    assert t["priority"].tolist() == ["critical", "normal", "low", "low", "high", "normal", "low"]
    assert t.loc["INC0020002", "channel"] == "self_service"
    assert not [q for q in dataset.quality if q.check in ("UNKNOWN_VALUE", "UNKNOWN_STATUS")]


def test_bare_itil_priorities_and_channels_of_their_own():
    mapping = {"tickets": {"ticket_id": "Incident ID", "created_at": "Open Time", "solved_at": "Close Time",
                           "status": "Status", "priority": "Priority", "channel": "Channel"}}
    dataset = load("itil_incident_log.csv", mapping=mapping, values={"status": {"work in progress": "open"}})
    t = dataset.tickets.set_index("ticket_id")
    assert t["priority"].tolist() == ["critical", "high", "normal", "low", "low"]
    assert t["channel"].tolist() == ["phone", "email", "self_service", "email", "postal"]


def test_postal_mail_is_not_email():
    mapping = {"tickets": {"ticket_id": "Complaint ID", "created_at": "Date Received", "solved_at": "Date Resolved",
                           "status": "Status", "priority": "Priority", "channel": "Channel"}}
    t = load("complaints_dayfirst.csv", mapping=mapping).tickets.set_index("ticket_id")
    assert t["channel"].tolist() == ["postal", "phone", "self_service", "web", "email"]


def test_blank_workbook_number_cells_are_missing(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ticket_id", "created_at", "status", "priority", "category", "csat"])
    sheet.append(["W1", "2025-01-06 09:00", "solved", 1, 7, 5])
    sheet.append(["W2", "2025-01-06 10:00", "open", None, None, None])        # blank number cells
    sheet.append(["W3", "2025-01-06 11:00", "open", 3, 12, 4])
    path = tmp_path / "tickets.xlsx"
    book.save(path)
    dataset = load(path.as_posix())
    t = dataset.tickets.set_index("ticket_id")
    assert t["priority"].tolist() == ["critical", "normal", "normal"]          # blank: the documented fallback
    assert t["category"].tolist()[0] == "7" and pd.isna(t.loc["W2", "category"]) and t.loc["W3", "category"] == "12"
    assert pd.isna(t.loc["W2", "csat"]) and t["csat"].tolist()[::2] == [5.0, 4.0]
