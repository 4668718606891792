"""The data-quality report: every problem found in the exports, in a fixed taxonomy, and what was done.

Ingest logs each finding as a ``QualityIssue`` while it reads; this module gives each one its
place in the taxonomy (title, meaning, severity), adds how complete each canonical column is,
and says what the data cannot support. Like ydata-profiling's alerts: a fixed set of checks,
each with a reason a reader understands.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from ..canonical import TABLES
from ..dataset import Check, Dataset
from .core.missing import Skipped


class Severity(StrEnum):
    WARNING = "warning"    # rows changed, dropped or analyses limited
    INFO = "info"          # a documented assumption or derivation


# check -> (title, what it means, severity)
CHECKS: dict[Check, tuple[str, str, Severity]] = {
    Check.MISSING_COLUMN: ("Missing column", "The export has no column for this; what needs it is skipped or assumed.", Severity.WARNING),
    Check.MISSING_VALUES: ("Missing values", "Cells without a value (or with a marker such as '?').", Severity.WARNING),
    Check.DUPLICATE_ID: ("Duplicate ids", "Several rows share one ticket, account or agent id.", Severity.WARNING),
    Check.BEFORE_CREATED: ("Time before creation", "A first response, solve or close earlier than the ticket's creation.", Severity.WARNING),
    Check.SOLVED_BEFORE_FIRST_RESPONSE: ("Solved before first response", "The solve time precedes the first response.", Severity.WARNING),
    Check.FUTURE_TIMESTAMP: ("Timestamp in the future", "Later than the time of the build, or than the as-of time, or a year beyond the rest of the data; or an as-of time later than the build.", Severity.WARNING),
    Check.UNPARSEABLE_TIMESTAMP: ("Unreadable timestamp", "A value in a date column that is not a date.", Severity.WARNING),
    Check.NOT_A_NUMBER: ("Not a number", "A value in a numeric column that is not a number.", Severity.WARNING),
    Check.OUT_OF_RANGE: ("Out of range", "A number outside its valid range (CSAT 1-5; counts of replies and reopens not negative).", Severity.WARNING),
    Check.UNKNOWN_VALUE: ("Unknown category value", "A value the vocabulary does not know: mapped to a default or kept as is.", Severity.WARNING),
    Check.UNKNOWN_STATUS: ("Unknown status", "A status that maps to none of new, open, pending, on hold, solved, closed.", Severity.WARNING),
    Check.MAPPED_TO_MISSING: ("Value that means 'none'", "A value the vocabulary reads as missing (e.g. 'offered' for CSAT).", Severity.INFO),
    Check.SPELLING_VARIANTS: ("Spelling variants merged", "Values that differ only in case, spaces or punctuation.", Severity.INFO),
    Check.DATE_ONLY: ("Date without time", "A timestamp column that holds dates only.", Severity.WARNING),
    Check.TIMEZONE_ASSUMED: ("Time zone assumed", "Timestamps without a UTC offset, read in the configured zone.", Severity.INFO),
    Check.DERIVED: ("Derived by a rule", "A column computed from others by a documented rule.", Severity.INFO),
    Check.AUDIT_ROWS: ("Audit rows collapsed", "Several rows per ticket (one per update) turned into one ticket and its events.", Severity.INFO),
    Check.ORPHAN_EVENTS: ("Events of unknown tickets", "Events whose ticket is not in the tickets table.", Severity.WARNING),
    Check.PERSONAL_DATA: ("Personal data", "Names, e-mails or free text: not read, or replaced by pseudonyms.", Severity.INFO),
    Check.TABLE_ABSENT: ("Table absent", "An optional export that is not there.", Severity.INFO),
    Check.TABLE_IGNORED: ("Table not read", "An export that the importer replaces with its own.", Severity.INFO),
    Check.READ_AS: ("Text encoding or delimiter", "A text export not in UTF-8 or not separated by commas: the encoding and delimiter it was read with.", Severity.INFO),
    Check.EPOCH_TIMESTAMP: ("Timestamps as numbers", "A date column holding seconds or milliseconds since 1970-01-01 UTC.", Severity.INFO),
    Check.DST_TIME: ("Clock change", "A local time that a daylight-saving change skips (moved forward) or repeats (kept as missing).", Severity.WARNING),
    Check.EXTRA_DIMENSION_ABSENT: ("Configured column absent", "A column the configuration asks to segment by is not in the export.", Severity.WARNING),
    Check.DATE_ORDER: ("Date order assumed", "Dates such as 03/04 whose day-month order the column does not settle, "
                       "or that contradict the order the rest of the column uses.", Severity.WARNING),
}


@dataclass(frozen=True)
class Issue:
    table: str
    check: Check
    title: str
    meaning: str
    severity: Severity
    column: str | None
    rows: int
    share: float | None      # rows / of_rows (0-1), when the denominator is known; never above 1: of_rows is
                             # the rows the check can apply to (tickets with a value, with both times ...)
    action: str
    example: str | None
    of_rows: int | None = None       # the share's denominator
    of_what: str | None = None       # what it counts: "tickets", "export rows", "events", ... and which of them
                                     # the check applies to: "tickets with a value", "tickets solved or closed"
    column_label: str | None = None  # the column as a reader names it (a standard column's label, else the export's)


# Each standard column as a reader names it: the report never prints an internal column name.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "tickets": {"ticket_id": "Ticket", "created_at": "Created", "first_response_at": "First response",
                "first_solved_at": "First solved", "solved_at": "Solved (last time)", "closed_at": "Closed",
                "status": "Status", "priority": "Priority", "channel": "Channel", "category": "Category",
                "account_id": "Account", "requester_id": "Requester", "agent_id": "Agent", "group": "Group (team)",
                "tier_max": "Highest tier reached", "escalated": "Escalated", "reopens": "Reopens",
                "replies": "Public replies", "csat": "CSAT", "due_at": "Due date",
                "source_first_response_met": "Help desk's first-response verdict",
                "source_resolution_met": "Help desk's resolution verdict"},
    "events": {"ticket_id": "Ticket", "event_at": "Time of the event", "event_type": "Kind of event",
               "actor_id": "Who acted", "actor_role": "Role of who acted", "tier": "Tier after the event",
               "status": "Status after the event", "activity": "Activity"},
    "accounts": {"account_id": "Account", "account_name": "Name", "industry": "Industry", "country": "Country",
                 "account_tier": "Account tier", "customer_since": "Customer since"},
    "agents": {"agent_id": "Agent", "agent_name": "Name", "group": "Group (team)", "tier": "Tier",
               "shift_start_hour": "Shift start", "shift_end_hour": "Shift end", "works_weekends": "Works weekends"},
}


def column_label(table: str, column: str | None) -> str | None:
    """A column as the report names it: a standard column's label; any other name is the export's own, kept."""
    if column is None:
        return None
    return COLUMN_LABELS.get(table, {}).get(column) or next(
        (labels[column] for labels in COLUMN_LABELS.values() if column in labels), column)


@dataclass(frozen=True)
class Completeness:
    table: str
    column: str
    label: str               # the column as a reader names it (column_label)
    present: int             # rows with a value
    missing: int
    share_missing: float     # 0-1


@dataclass(frozen=True)
class ColumnSource:
    canonical: str
    source: str              # the export column that fed it
    label: str               # the standard column as a reader names it (column_label)


@dataclass(frozen=True)
class CheckStatus:
    check: Check
    title: str
    meaning: str
    found: bool              # whether this export has an issue of this check


@dataclass(frozen=True)
class QualityReport:
    importer: str
    importer_title: str
    notes: list[str]                 # what the importer decided where the export is ambiguous
    mapping: list[ColumnSource]      # which export column fed each canonical one
    issues: list[Issue]
    warnings: int
    completeness: list[Completeness]   # the columns with a missing value, by table
    complete_columns: int              # the columns of the tables read with a value in every row (not listed)
    checks: list[CheckStatus]        # the taxonomy, and which checks this export tripped
    cannot: list[Skipped]            # analyses the data cannot support


def quality_report(dataset: Dataset, skipped: list[Skipped]) -> QualityReport:
    sizes = {table: len(frame) for table in TABLES if (frame := getattr(dataset, table)) is not None}
    raw_rows = {s.table: s.rows for s in dataset.sources}
    issues = []
    shape = (dataset.source_info or {}).get("shape", "tickets")
    for q in dataset.quality:
        title, meaning, severity = CHECKS[q.check]
        # rows of the export as read when the issue counts those (an audit export: several rows per ticket);
        # else the export's rows when one row is one item (dropped rows count), else the canonical table's
        one_row_per_item = q.table != "tickets" or shape == "tickets"
        if q.counted_in == "export_rows" and raw_rows.get(q.table):
            base, what = raw_rows[q.table], ("export rows" if not one_row_per_item else q.table)
        else:
            base, what = (raw_rows.get(q.table) if one_row_per_item else None) or sizes.get(q.table), q.table
        if q.applies_to:   # the rows the check can apply to (a value check: those holding a value)
            base, what = q.applies_to, f"{what} {q.applies_what}" if q.applies_what else what
        share = (q.rows / base) if base and q.rows <= base else None     # a share is never above 100%
        issues.append(Issue(q.table, q.check, title, meaning, severity, q.column, q.rows, share, q.action, q.example,
                            base if share is not None else None, what if share is not None else None,
                            column_label(q.table, q.column)))
    issues.sort(key=lambda i: (list(TABLES).index(i.table) if i.table in TABLES else 9,
                               i.severity != Severity.WARNING, -i.rows))
    found = {q.check for q in dataset.quality}
    info = dataset.source_info or {}
    columns = _completeness(dataset)
    return QualityReport(
        importer=info.get("importer", "generic"),
        importer_title=info.get("title", ""),
        notes=list(info.get("notes", [])),
        mapping=[ColumnSource(k, v, column_label("tickets", k) or k)   # an identity row says nothing
                 for k, v in (info.get("mapping") or {}).items() if k != v],
        issues=issues,
        warnings=sum(1 for i in issues if i.severity == Severity.WARNING),
        completeness=[c for c in columns if c.missing],
        complete_columns=sum(1 for c in columns if not c.missing),
        checks=[CheckStatus(c, t, m, c in found) for c, (t, m, _) in CHECKS.items()],
        cannot=list(skipped),
    )


def _completeness(dataset: Dataset) -> list[Completeness]:
    out = []
    for table, columns in TABLES.items():
        frame: pd.DataFrame | None = getattr(dataset, table)
        if frame is None or not len(frame):
            continue
        for column in columns:
            if column not in frame:
                continue
            present = int(frame[column].notna().sum())
            out.append(Completeness(table, column, column_label(table, column) or column, present, len(frame) - present,
                                    (len(frame) - present) / len(frame)))
    return out
