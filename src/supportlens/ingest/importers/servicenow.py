"""ServiceNow incidents: a list export (one row per incident) or an audit-style export (one row per
update, with sys_updated_at and sys_mod_count: the latest row gives the attributes, every row an event).

Headers are field names: number, opened_at, resolved_at, closed_at, priority ("1 - Critical"),
state or incident_state (or their stored codes 1-8 in a REST export), contact_type, category, assignment_group, assigned_to, caller_id,
reassignment_count, reopen_count, made_sla, sys_updated_at, sys_mod_count. Real exports write
dates day-first (29/2/2016 01:16) and "?" for a missing value.
"""

from __future__ import annotations

from .base import Importer

SERVICENOW = Importer(
    name="servicenow",
    title="ServiceNow incident export (one row per incident, or audit rows per update)",
    columns={
        "ticket_id": ("number",),
        "created_at": ("opened_at", "sys_created_at"),
        "solved_at": ("resolved_at",),
        "closed_at": ("closed_at",),
        "status": ("incident_state", "state"),
        "priority": ("priority",),
        "channel": ("contact_type",),
        "category": ("category",),
        "group": ("assignment_group",),
        "agent_id": ("assigned_to",),
        "requester_id": ("caller_id",),
        "reopens": ("reopen_count",),
        "source_resolution_met": ("made_sla",),
    },
    values={
        "status": {"in progress": "open", "active": "open", "awaiting user info": "pending",
                   "awaiting caller": "pending", "awaiting evidence": "pending", "awaiting problem": "on_hold",
                   "awaiting vendor": "on_hold", "awaiting change": "on_hold", "-100": None,
                   # the stored codes of a REST or XML export (state / incident_state):
                   # 1 New, 2 In Progress, 3 On Hold (older: Awaiting Problem), 4 Awaiting User Info,
                   # 5 Awaiting Evidence, 6 Resolved, 7 Closed, 8 Canceled
                   "1": "new", "2": "open", "3": "on_hold", "4": "pending", "5": "pending", "6": "solved",
                   "7": "closed", "8": "closed"},
        # stored priority codes 1 Critical, 2 High, 3 Moderate, 4 Low, 5 Planning
        "priority": {"1": "critical", "2": "high", "3": "normal", "4": "low", "5": "low"},
        "channel": {"self-service": "self_service", "walk-in": "walk_in", "direct opening": "web",
                    "virtual agent": "chat"},
    },
    signatures=(("number", "opened_at", "priority", "assignment_group"),
                ("number", "incident_state", "sys_mod_count")),
    shape="audit",
    audit_order=("sys_mod_count", "sys_updated_at"),
    audit_time="sys_updated_at",
    missing_markers=("?",),
    dayfirst=True,
    personal=("agent_id", "requester_id"),
    notes=("Each date column is read in one order decided from the whole column (a day above 12 settles it); a column "
           "that does not settle it is read day-first (29/2/2016), as ServiceNow writes dates outside the US; "
           "month-first exports need the day-first setting switched off.",
           "'?' means missing.",
           "An audit export (several rows per number) becomes one ticket from its latest row (highest sys_mod_count) "
           "and one status event per row; 'Awaiting User Info' is pending and 'Awaiting Vendor' on hold, so "
           "sla.pause_statuses can stop the clock while the incident waits.",
           "made_sla, ServiceNow's own verdict, is kept for comparison."),
    fixture="tests/fixtures/servicenow_incidents.csv, tests/fixtures/servicenow_audit.csv",
)
