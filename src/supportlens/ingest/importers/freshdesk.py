"""Freshdesk: the ticket export (Tickets > Export, CSV or XLSX).

Headers as Freshdesk writes them: Ticket ID, Subject, Status, Priority, Source, Type, Agent, Group,
Created time, Due by Time, Resolved time, Closed time, Initial response time, First response time
(in hrs), Resolution time (in hrs), Agent interactions, Customer interactions, Resolution status,
First response status, Company Name, Satisfaction survey.
"""

from __future__ import annotations

from .base import Duration, Importer

FRESHDESK = Importer(
    name="freshdesk",
    title="Freshdesk ticket export",
    columns={
        "ticket_id": ("Ticket ID", "Ticket Id"),
        "created_at": ("Created time",),
        "first_response_at": ("Initial response time",),
        "solved_at": ("Resolved time",),
        "closed_at": ("Closed time",),
        "due_at": ("Due by Time",),
        "status": ("Status",),
        "priority": ("Priority",),
        "channel": ("Source",),
        "category": ("Type",),
        "group": ("Group",),
        "agent_id": ("Agent",),
        "account_id": ("Company Name", "Company"),
        "csat": ("Satisfaction survey", "Satisfaction Survey", "Survey results"),
        "replies": ("Agent interactions",),
        "source_first_response_met": ("First response status",),
        "source_resolution_met": ("Resolution status",),
    },
    durations={"first_response_at": Duration(("First response time (in hrs)",), "hours")},
    values={
        "status": {"waiting on customer": "pending", "waiting on third party": "on_hold"},
        "channel": {"portal": "web", "feedback widget": "web", "outbound email": "email", "mobihelp": "app",
                    "forum": "social", "twitter": "social", "facebook": "social", "whatsapp": "chat"},
        "csat": {"awesome": "5", "just okay": "3", "not good": "1", "extremely happy": "5", "very happy": "5",
                 "happy": "4", "neutral": "3", "unhappy": "2", "very unhappy": "1", "extremely unhappy": "1"},
        "source_first_response_met": {"within sla": "true", "sla violated": "false"},
        "source_resolution_met": {"within sla": "true", "sla violated": "false"},
    },
    signatures=(("Ticket ID", "Created time", "Source", "Due by Time"),),
    personal=("agent_id", "account_id"),
    notes=("'Due by Time' is the ticket's own resolution due date: it overrides the priority target.",
           "Satisfaction answers map to 1-5 (Awesome 5, Just Okay 3, Not Good 1; the 7-point scale likewise).",
           "When only 'First response time (in hrs)' is given, first response = created + those hours."),
    fixture="tests/fixtures/freshdesk_tickets.csv",
)
