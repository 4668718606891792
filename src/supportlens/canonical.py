"""The canonical tables every analysis reads (see METRICS.md).

Importers and the sample simulator produce these columns; nothing downstream
reads a raw export. Timestamps are timezone-aware UTC. Columns marked
optional may be absent; an analysis that needs one is skipped with a reason.
"""

from __future__ import annotations

PRIORITIES = ("critical", "high", "normal", "low")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
SOLVED_STATUSES = ("solved", "closed")

# column -> (kind, required, meaning)
TICKET_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "ticket_id": ("string", True, "unique ticket id"),
    "created_at": ("timestamp", True, "when the customer's request was received (UTC)"),
    "first_response_at": ("timestamp", False, "first public reply by a human agent (UTC)"),
    "first_solved_at": ("timestamp", False, "first time the ticket was set solved (UTC)"),
    "solved_at": ("timestamp", False, "last time the ticket was set solved (UTC)"),
    "closed_at": ("timestamp", False, "when the ticket was closed (UTC)"),
    "status": ("category", True, "new, open, pending, on_hold, solved, closed"),
    "priority": ("category", False, "critical, high, normal, low; without it SLA targets come from due_at or "
                 "sla.targets.default, else no SLA verdict"),
    "channel": ("category", False, "email, phone, chat, web, ..."),
    "category": ("category", False, "the issue type"),
    "account_id": ("string", False, "the customer organisation"),
    "requester_id": ("string", False, "the person who asked"),
    "agent_id": ("string", False, "the agent who worked the ticket"),
    "group": ("category", False, "the team that worked the ticket"),
    "tier_max": ("integer", False, "highest support tier reached (1, 2, 3)"),
    "escalated": ("boolean", False, "tier_max > 1 or an explicit escalation flag"),
    "reopens": ("integer", False, "times the ticket went from solved back to open"),
    "replies": ("integer", False, "public agent replies"),
    "csat": ("number", False, "satisfaction 1-5; missing when not rated"),
    "due_at": ("timestamp", False, "per-ticket SLA resolution due time from the source"),
    "source_first_response_met": ("boolean", False, "the source system's own first-response SLA verdict"),
    "source_resolution_met": ("boolean", False, "the source system's own resolution SLA verdict"),
}

# Ticket columns only a help desk's own export provides (the simulator writes none of them).
SOURCE_ONLY_COLUMNS = ("due_at", "source_first_response_met", "source_resolution_met")

EVENT_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "ticket_id": ("string", True, "the ticket the event belongs to"),
    "event_at": ("timestamp", True, "when it happened (UTC)"),
    "event_type": ("category", True, "created, public_reply, internal_note, status_change, "
                   "escalated, customer_reply, solved, reopened, closed"),
    "actor_id": ("string", False, "who acted (agent id, requester id or 'system')"),
    "actor_role": ("category", False, "customer, tier1, tier2, tier3, system"),
    "tier": ("integer", False, "the ticket's support tier after the event"),
    "status": ("category", False, "the ticket's status after the event"),
    "activity": ("string", False, "the source system's activity label; the sample uses event_type"),
}

ACCOUNT_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "account_id": ("string", True, "unique account id"),
    "account_name": ("string", False, "organisation name (personal data: not published by default)"),
    "industry": ("category", False, "industry of the account"),
    "country": ("category", False, "country code"),
    "account_tier": ("category", False, "enterprise, business, starter"),
    "customer_since": ("timestamp", False, "start of the customer relationship (UTC)"),
}

AGENT_COLUMNS: dict[str, tuple[str, bool, str]] = {
    "agent_id": ("string", True, "unique agent id"),
    "agent_name": ("string", False, "display name (personal data: not published by default)"),
    "group": ("category", False, "team"),
    "tier": ("integer", False, "support tier the agent works in"),
    "shift_start_hour": ("integer", False, "shift start, hour of day UTC (0-23)"),
    "shift_end_hour": ("integer", False, "shift end, hour of day UTC (1-24; < start wraps past midnight)"),
    "works_weekends": ("boolean", False, "whether the agent also works Saturday and Sunday"),
}

TABLES = {
    "tickets": TICKET_COLUMNS,
    "events": EVENT_COLUMNS,
    "accounts": ACCOUNT_COLUMNS,
    "agents": AGENT_COLUMNS,
}
