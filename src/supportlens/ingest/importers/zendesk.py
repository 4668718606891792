"""Zendesk Support: the ticket CSV export (Reporting > Export) and the JSON of the Tickets API.

CSV headers as Zendesk writes them: Id, Requester, Requester id, Assignee, Group, Subject, Status,
Priority, Via, Ticket type, Created at, Updated at, Organization, Due date, Solved at,
Satisfaction Score, Reopens, Replies, First reply time in minutes, First reply time in minutes
within business hours, First resolution time in minutes, Full resolution time in minutes ...
API JSON: {"tickets": [...]} with side-loaded ``metric_set`` (``include=metric_sets``) or a
separate ``ticket_metrics`` list (ticket_id, reply_time_in_minutes {calendar, business},
full_resolution_time_in_minutes, reopens, replies, solved_at).
"""

from __future__ import annotations

from .base import Duration, Importer

_SOURCE_METRICS = "metric_set."


def api_records(payload: object) -> list[dict]:
    """Tickets of an API payload, each with its ticket metrics under ``metric_set``."""
    if not isinstance(payload, dict) or not isinstance(payload.get("tickets"), list):
        return payload if isinstance(payload, list) else []
    metrics = {m.get("ticket_id"): m for m in payload.get("ticket_metrics") or [] if isinstance(m, dict)}
    records = []
    for ticket in payload["tickets"]:
        if isinstance(ticket, dict) and "metric_set" not in ticket and ticket.get("id") in metrics:
            ticket = {**ticket, "metric_set": metrics[ticket["id"]]}
        records.append(ticket)
    return records


ZENDESK = Importer(
    name="zendesk",
    title="Zendesk ticket export (CSV) or Tickets API JSON with ticket metrics",
    columns={
        "ticket_id": ("Id", "id"),
        "created_at": ("Created at", "created_at"),
        "solved_at": ("Solved at", "metric_set.solved_at"),
        "status": ("Status", "status"),
        "priority": ("Priority", "priority"),
        "channel": ("Via", "via.channel"),
        "category": ("Ticket type", "type"),
        "group": ("Group", "group_id"),
        "agent_id": ("Assignee", "assignee_id"),
        "account_id": ("Organization", "organization_id"),
        "requester_id": ("Requester id", "requester_id"),
        "due_at": ("Due date", "due_at"),
        "csat": ("Satisfaction Score", "satisfaction_rating.score"),
        "reopens": ("Reopens", "metric_set.reopens"),
        "replies": ("Replies", "metric_set.replies"),
    },
    durations={
        "first_response_at": Duration(("First reply time in minutes", "metric_set.reply_time_in_minutes.calendar"),
                                      "minutes"),
        "first_solved_at": Duration(("First resolution time in minutes",
                                     "metric_set.first_resolution_time_in_minutes.calendar"), "minutes"),
        "solved_at": Duration(("Full resolution time in minutes",
                               "metric_set.full_resolution_time_in_minutes.calendar"), "minutes"),
    },
    values={
        "csat": {"good": "5", "bad": "1", "offered": None, "unoffered": None},
        "channel": {"mail": "email", "web form": "web", "web_form": "web", "web_widget": "web", "api": "api",
                    "phone call (incoming)": "phone", "phone call (outgoing)": "phone", "voice": "phone",
                    "native_messaging": "chat", "twitter": "social", "facebook": "social"},
        "status": {"hold": "on_hold", "deleted": "closed"},
    },
    signatures=(("Id", "Requester", "Via", "Satisfaction Score"), ("id", "via.channel", "created_at", "status")),
    personal=("agent_id", "account_id"),
    json_records=api_records,
    notes=("First reply time comes from the export's calendar-minute metric (created + minutes); supportlens "
           "recomputes business minutes on its own calendar.",
           "Satisfaction 'good' counts as 5 and 'bad' as 1; 'offered' and 'unoffered' are not ratings.",
           "Assignee and Organization hold names: they are pseudonymised unless the set-up allows personal data."),
    fixture="tests/fixtures/zendesk_tickets.csv, tests/fixtures/zendesk_api.json",
)
