"""Jira Service Management: the issue CSV export ("Export Excel CSV (all fields)").

Headers as Jira writes them: Summary, Issue key, Issue id, Issue Type, Status, Priority, Assignee,
Reporter, Created, Updated, Resolved, Due date, Custom field (Request Type), Custom field
(Organizations), Custom field (Satisfaction rating), Custom field (Time to first response),
Custom field (Time to resolution). Dates look like 13/Mar/25 10:22 AM. The SLA fields hold the
remaining time as Jira shows it ("2h 30m", or "-1h 15m" once breached).
"""

from __future__ import annotations

import re

import pandas as pd

from .base import Importer

SLA_FIELDS = {
    "source_first_response_met": ("Custom field (Time to first response)", "Time to first response"),
    "source_resolution_met": ("Custom field (Time to resolution)", "Time to resolution"),
}
_DURATION = re.compile(r"^\s*-?\s*(\d+\s*(w|d|h|m|min)\s*)+$", re.IGNORECASE)


def sla_verdicts(frame: pd.DataFrame) -> pd.DataFrame:
    """Remaining SLA time -> 'true' (met / not breached) or 'false' (negative: breached)."""
    frame = frame.copy()
    for columns in SLA_FIELDS.values():
        for column in columns:
            if column in frame:
                text = frame[column].astype("string").str.strip()
                valid = text.str.match(_DURATION.pattern, case=False).fillna(False)
                frame[column] = text.where(~valid, (~text.str.startswith("-")).map({True: "true", False: "false"}))
    return frame


JIRA = Importer(
    name="jira",
    title="Jira Service Management issue CSV export",
    columns={
        "ticket_id": ("Issue key",),
        "created_at": ("Created",),
        "solved_at": ("Resolved",),
        "status": ("Status",),
        "priority": ("Priority",),
        "category": ("Custom field (Request Type)", "Request Type", "Issue Type"),
        "agent_id": ("Assignee",),
        "account_id": ("Custom field (Organizations)", "Organizations"),
        "requester_id": ("Reporter",),
        "csat": ("Custom field (Satisfaction rating)", "Satisfaction rating"),
        "due_at": ("Due date", "Due Date"),
        **SLA_FIELDS,
    },
    values={
        "status": {"waiting for support": "open", "waiting for customer": "pending", "escalated": "open",
                   "work in progress": "open", "to do": "new", "declined": "closed", "waiting for approval": "pending"},
        "priority": {"highest": "critical", "lowest": "low", "medium": "normal"},
    },
    signatures=(("Issue key", "Created", "Status", "Priority"),),
    personal=("agent_id", "account_id", "requester_id"),
    prepare=sla_verdicts,
    notes=("The CSV has no time of first response: first-response states are Jira's own SLA verdict "
           "(a negative remaining time = breached), measured on Jira's goals and calendar.",
           "Resolved is the solve time; Jira's own 'Time to resolution' verdict is kept for comparison."),
    fixture="tests/fixtures/jira_issues.csv",
)
