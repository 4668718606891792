"""Process-mining event logs (one row per event: case id, activity, timestamp, resource).

``eventlog`` takes its columns and activity vocabulary from ``data.eventlog`` in the config; the
presets below declare them for the two real logs in ../shared/data/. Tickets are derived from the
events by ``ingest/eventlog.py``: created = the case's first event, first response = its first
public_reply, solved = its last solved event, tier = the highest support line seen.
"""

from __future__ import annotations

from .base import Importer

EVENTLOG = Importer(
    name="eventlog",
    title="Process-mining event log (columns and activities named in the configuration)",
    shape="eventlog",
    notes=("A case's first event is taken as its creation; its first activity mapped to public_reply as the "
           "first response; its last solved activity as the solve.",),
)

HELPDESK = Importer(
    name="helpdesk_eventlog",
    title="'Helpdesk' event log of an Italian software company (4TU.ResearchData)",
    shape="eventlog",
    eventlog={
        "case_id": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp", "resource": "Resource",
        "activities": {"Insert ticket": "created", "Take in charge ticket": "public_reply",
                       "Require upgrade": "escalated", "Resolve ticket": "solved", "Closed": "closed",
                       "Create SW anomaly": "internal_note", "Resolve SW anomaly": "internal_note",
                       "Schedule intervention": "internal_note"},
        "statuses": {"Insert ticket": "new", "Assign seriousness": "new", "Take in charge ticket": "open",
                     "Wait": "pending", "Require upgrade": "open", "Resolve ticket": "solved", "Closed": "closed"},
        "attributes": {"group": "workgroup", "category": "product", "account_id": "customer"},
    },
    signatures=(("Case ID", "Activity", "Resource", "Complete Timestamp"),),
    absent=("priority",),
    notes=("'Take in charge ticket' is the first response, 'Wait' a pending status, 'Require upgrade' an "
           "escalation, 'Resolve ticket' the solve and 'Closed' the close (as the log's publishers document it).",
           "The log has no usable priority (the 'seriousness' values are anonymised): every ticket is measured "
           "against the normal targets.",
           "Timestamps carry no time zone: read in the configured time zone (UTC unless set)."),
)

BPIC2013 = Importer(
    name="bpic2013",
    title="BPI Challenge 2013: Volvo IT incident management log (support lines L1/L2/L3)",
    shape="eventlog",
    eventlog={
        "case_id": "SR Number", "activity": "Activity", "timestamp": "Change Date+Time", "resource": "Resource",
        "tier": "ST Level",
        "activities": {"Accepted-In Progress": "public_reply", "Completed-Resolved": "solved",
                       "Completed-In Call": "solved", "Completed-Closed": "closed",
                       "Completed-Cancelled": "closed"},
        "statuses": {"Queued-Awaiting Assignment": "open", "Accepted-In Progress": "open", "Accepted-Assigned": "open",
                     "Accepted-Wait - User": "pending", "Accepted-Wait - Customer": "pending",
                     "Accepted-Wait - Vendor": "on_hold", "Accepted-Wait - Implementation": "on_hold",
                     "Accepted-Wait": "on_hold", "Completed-Resolved": "solved", "Completed-In Call": "solved",
                     "Completed-Closed": "closed", "Completed-Cancelled": "closed"},
        "attributes": {"priority": "SR Latest Impact", "group": "Involved ST", "category": "Product"},
    },
    values={"priority": {"major": "critical"}, "tier": {"l1": "1", "l2": "2", "l3": "3", "l2/l3": "3"}},
    signatures=(("SR Number", "Change Date+Time", "ST Level", "SR Latest Impact"),),
    personal=("actor_id", "agent_id"),
    notes=("ST Level is the support line: tier_max is the highest line an incident reached, escalated = tier_max > 1; "
           "'L2/L3' counts as 3.",
           "SR Latest Impact is the priority (Major = critical, High, Medium = normal, Low).",
           "'Accepted-In Progress' is the first response; 'Wait - User'/'Wait - Customer' are pending, the other waits "
           "on hold; 'Completed-Resolved' and 'Completed-In Call' solve, 'Completed-Closed' closes.",
           "Resource holds agents' first names: pseudonymised unless the set-up allows personal data."),
)
