"""Presets for the two seed files in ../shared/data/ (see its README for their quirks)."""

from __future__ import annotations

from .base import Derived, Duration, Importer

KAGGLE = Importer(
    name="kaggle_support_tickets",
    title="Kaggle 'Customer Support Ticket Dataset' (seed projects 001/002)",
    columns={
        "ticket_id": ("Ticket ID",),
        "first_response_at": ("First Response Time",),
        "solved_at": ("Time to Resolution",),
        "status": ("Ticket Status",),
        "priority": ("Ticket Priority",),
        "channel": ("Ticket Channel",),
        "category": ("Ticket Type",),
        "csat": ("Customer Satisfaction Rating",),
    },
    values={"status": {"pending customer response": "pending"}, "channel": {"social media": "social"}},
    absent=("created_at",),
    signatures=(("Ticket ID", "Customer Email", "Ticket Status", "First Response Time", "Time to Resolution"),),
    notes=("The file has no ticket-creation time ('Date of Purchase' is a purchase date years earlier): first "
           "response and resolution times and every SLA state cannot be computed, volume and backlog over time "
           "neither; counts, rates and CSAT use every ticket.",
           "'Time to Resolution' and 'First Response Time' are timestamps despite their names.",
           "Customer names, e-mails, ages and the free-text description are never read."),
)

ESHOKHAT = Importer(
    name="eshokhat_50k",
    title="Seed 003's 50,000 synthetic tickets (eshokhat/customer-support-project)",
    columns={
        "ticket_id": ("ticket_id",),
        "created_at": ("date_opened",),
        "status": ("status",),
        "channel": ("channel",),
        "category": ("issue_type",),
    },
    durations={"solved_at": Duration(("time_to_resolution",), "minutes")},
    derived={"escalated": Derived("status", {"escalated": True}, False),
             "reopens": Derived("status", {"reopened": 1}, 0)},
    values={"status": {"escalated": "solved", "reopened": "solved", "resolved": "solved"},
            "channel": {"website": "web"}},
    absent=("priority",),
    signatures=(("ticket_id", "date_opened", "issue_type", "time_to_resolution"),),
    notes=("Every ticket carries a resolution time, so every ticket is solved; 'Escalated' and 'Reopened' are "
           "outcomes, read as escalated = true and reopens = 1 (as seed 003 does).",
           "time_to_resolution is read as minutes (as seed 003 does); date_opened is a date, so tickets open at "
           "00:00 and hour-of-day analyses say nothing.",
           "There is no priority: every ticket is measured against the normal targets."),
)
