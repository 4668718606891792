"""Salesforce Service Cloud: a Case report exported as CSV or XLSX ("Export > Details Only").

Headers are the report's column labels: Case Number, Date/Time Opened, Date/Time Closed,
Priority, Status, Case Origin, Type, Account Name, Case Owner, Escalated. US-locale dates
(3/14/2025 9:22 AM) are month-first.
"""

from __future__ import annotations

from .base import Importer

SALESFORCE = Importer(
    name="salesforce",
    title="Salesforce Case report export",
    columns={
        "ticket_id": ("Case Number", "CaseNumber"),
        "created_at": ("Date/Time Opened", "Opened Date", "CreatedDate"),
        "solved_at": ("Date/Time Closed", "Closed Date", "ClosedDate"),
        "closed_at": ("Date/Time Closed", "Closed Date", "ClosedDate"),
        "status": ("Status",),
        "priority": ("Priority",),
        "channel": ("Case Origin", "Origin"),
        "category": ("Type", "Case Type"),
        "account_id": ("Account Name",),
        "agent_id": ("Case Owner",),
        "escalated": ("Escalated", "IsEscalated"),
    },
    values={
        "status": {"working": "open", "escalated": "open", "waiting on customer": "pending"},
    },
    signatures=(("Case Number", "Date/Time Opened", "Case Origin"),),
    personal=("account_id", "agent_id"),
    dayfirst=False,
    notes=("A case report has no separate resolution time: the close time is the solve time.",
           "There is no first-response time in a Case report: first-response SLAs cannot be computed.",
           "Account Name and Case Owner are names: pseudonymised unless the set-up allows personal data."),
    fixture="tests/fixtures/salesforce_cases.csv",
)
