"""Tickets and events from a process-mining event log (one row per event).

Rules (documented on the data page through the importer's notes):
created = the case's first 'created' event, else its first event; first response = its first
public_reply; first solve / solve = its first / last solved event; closed = its last closed event;
status = the status after its last event with a known status; reopens = reopened events, or a
solved status left for an open one; replies = public replies; tier_max = the highest support line;
escalated = tier_max > 1 or an escalated event; agent = the resource of the last solve (else of the
last event); other attributes from the case's latest event that has them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..canonical import EVENT_COLUMNS
from ..config import Config, EventLogColumns
from ..dataset import Check, QualityIssue
from ..errors import SupportlensError
from .importers import Importer
from .normalise import normalise_table
from .tickets import fill_missing_priority, key, pseudonymise, wrong_importer_hint

EVENT_TYPES = ("created", "public_reply", "internal_note", "status_change", "escalated", "customer_reply",
               "solved", "reopened", "closed")


def eventlog_spec(importer: Importer, configured: EventLogColumns) -> EventLogColumns:
    """The importer's declared columns, overridden by whatever data.eventlog sets explicitly."""
    merged = {**importer.eventlog, **{k: getattr(configured, k) for k in configured.model_fields_set}}
    return EventLogColumns.model_validate(merged)


def import_eventlog(raw: pd.DataFrame, importer: Importer, config: Config, path: Path,
                    quality: list[QualityIssue], info: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = eventlog_spec(importer, config.data.eventlog)
    if info is not None:
        info["mapping"] = {"ticket_id": spec.case_id, "event_at": spec.timestamp, "event_type": spec.activity,
                           **({"actor_id": spec.resource} if spec.resource else {}),
                           **({"tier": spec.tier} if spec.tier else {}), **spec.attributes}
    columns = {key(c): c for c in raw.columns}
    needed = {"case_id": spec.case_id, "activity": spec.activity, "timestamp": spec.timestamp}
    optional = {"resource": spec.resource, "tier": spec.tier, **{f"attr:{k}": v for k, v in spec.attributes.items()}}
    for role, name in {**needed, **{k: v for k, v in optional.items() if v}}.items():
        if key(name) not in columns:
            hint = wrong_importer_hint(raw, importer)
            raise SupportlensError(
                f"{path}: the event log has no column {name!r} (data.eventlog.{role.replace('attr:', 'attributes.')}); "
                f"its columns are: {', '.join(map(str, raw.columns[:20]))}",
                hint or f"set data.eventlog.{role.replace('attr:', 'attributes.')} in supportlens.yml to the column that holds it",
            )
    for activity, kind in spec.activities.items():
        if kind not in EVENT_TYPES:
            raise SupportlensError(f"supportlens.yml: data.eventlog.activities.{activity}: unknown event type {kind!r}",
                                   f"use one of {', '.join(EVENT_TYPES)}")
    col = lambda name: raw[columns[key(name)]]  # noqa: E731
    activity = col(spec.activity).astype("string").str.strip()
    frame = pd.DataFrame({
        "ticket_id": col(spec.case_id),
        "event_at": col(spec.timestamp),
        "event_type": activity.map(spec.activities).fillna("status_change"),
        "actor_id": col(spec.resource) if spec.resource else pd.NA,
        "tier": col(spec.tier) if spec.tier else pd.NA,
        "status": activity.map(spec.statuses),
        "activity": activity,
    }, index=raw.index)
    vocabularies = {**importer.values}
    for column, words in config.data.values.items():
        vocabularies[column] = {**vocabularies.get(column, {}), **words}
    events = normalise_table(frame, "events", path=path, timezone=config.data.timezone, dayfirst=config.data.dayfirst,
                             default_dayfirst=bool(importer.dayfirst),
                             quality=quality, vocabularies=vocabularies)
    unmapped = activity[~activity.isin(list(spec.activities) + list(spec.statuses))]
    if len(unmapped):
        quality.append(QualityIssue("events", Check.UNKNOWN_VALUE, "event_type", len(unmapped),
                                    "activities the configuration does not map kept as status changes",
                                    ", ".join(sorted(unmapped.dropna().unique().tolist())[:5])))
    no_time = events["event_at"].isna()
    if no_time.any():
        quality.append(QualityIssue("events", Check.MISSING_VALUES, "event_at", int(no_time.sum()),
                                    "events without a timestamp dropped", str(events.loc[no_time, "ticket_id"].iloc[0])))
    events = events[~no_time]
    attributes = pd.DataFrame({k: col(v) for k, v in spec.attributes.items()}, index=raw.index).loc[events.index]
    order = np.lexsort((np.arange(len(events)), events["event_at"].to_numpy(), events["ticket_id"].to_numpy()))
    events, attributes = events.iloc[order].reset_index(drop=True), attributes.iloc[order].reset_index(drop=True)
    events = _reopens_from_status(events)
    tickets = _tickets(events, attributes, config, path, quality, vocabularies)
    events = pseudonymise(events, tuple(c for c in importer.personal if c in events), config, quality, "events")
    tickets = pseudonymise(tickets, tuple(c for c in importer.personal if c in tickets), config, quality, "tickets")
    quality.append(QualityIssue("tickets", Check.DERIVED, None, len(tickets),
                                f"{len(tickets):,} tickets built from {len(events):,} events: created = first event, "
                                "first response = first public reply, solved = last solve", None))
    return tickets, events[[c for c in EVENT_COLUMNS if c in events]]


def _reopens_from_status(events: pd.DataFrame) -> pd.DataFrame:
    """Mark the event that takes a solved case back to work as 'reopened' (unless the log says so itself)."""
    if (events["event_type"] == "reopened").any():
        return events
    status = events["status"].astype("string").groupby(events["ticket_id"]).ffill()
    previous = status.groupby(events["ticket_id"]).shift()
    back = previous.eq("solved").fillna(False) & ~status.isin(["solved", "closed"]).fillna(True)
    back &= ~events["event_type"].isin(["solved", "closed"])
    events = events.copy()
    events.loc[back.to_numpy(), "event_type"] = "reopened"
    events["status"] = status
    return events


def _tickets(events: pd.DataFrame, attributes: pd.DataFrame, config: Config, path: Path,
             quality: list[QualityIssue], vocabularies: dict) -> pd.DataFrame:
    by = events.groupby("ticket_id", sort=True)
    kind = events["event_type"]

    def first(mask: pd.Series) -> pd.Series:
        return events.loc[mask].groupby("ticket_id")["event_at"].min()

    def last(mask: pd.Series) -> pd.Series:
        return events.loc[mask].groupby("ticket_id")["event_at"].max()

    ids = pd.Index(by.size().index, name="ticket_id")
    created = first(kind == "created").reindex(ids).fillna(by["event_at"].min())
    solved_events = kind == "solved"
    status = events["status"].astype("string").groupby(events["ticket_id"]).last().reindex(ids)
    tickets = pd.DataFrame({
        "ticket_id": ids.astype("string"),
        "created_at": created,
        "first_response_at": first(kind == "public_reply").reindex(ids),
        "first_solved_at": first(solved_events).reindex(ids),
        "solved_at": last(solved_events).reindex(ids),
        "closed_at": last(kind == "closed").reindex(ids),
        "status": status.fillna("open"),
        "reopens": (kind == "reopened").groupby(events["ticket_id"]).sum().reindex(ids).astype("Int64"),
        "replies": (kind == "public_reply").groupby(events["ticket_id"]).sum().reindex(ids).astype("Int64"),
    }, index=ids)
    # a case still solved or closed at its end, whose last solve preceded a reopen, is solved at that last solve
    reopened_after = last(kind == "reopened").reindex(ids)
    still_open = tickets["solved_at"].notna() & reopened_after.notna() & (reopened_after > tickets["solved_at"])
    tickets.loc[still_open & ~tickets["status"].isin(["solved", "closed"]), "solved_at"] = pd.NaT
    if events["tier"].notna().any():
        tickets["tier_max"] = events.groupby("ticket_id")["tier"].max().reindex(ids).astype("Int64")
        tickets["escalated"] = (tickets["tier_max"].fillna(1) > 1) | (kind == "escalated").groupby(
            events["ticket_id"]).any().reindex(ids)
    elif (kind == "escalated").any():
        tickets["escalated"] = (kind == "escalated").groupby(events["ticket_id"]).any().reindex(ids)
    if events["actor_id"].notna().any():
        solver = events.loc[solved_events & events["actor_id"].notna()].groupby("ticket_id")["actor_id"].last()
        tickets["agent_id"] = solver.reindex(ids).fillna(events.groupby("ticket_id")["actor_id"].last().reindex(ids))
    if len(attributes.columns):
        attributes = attributes.assign(ticket_id=events["ticket_id"].to_numpy())
        latest = attributes.groupby("ticket_id").last().reindex(ids)
        normalised = normalise_table(latest.reset_index(drop=True), "tickets", path=path,
                                     timezone=config.data.timezone, dayfirst=config.data.dayfirst, quality=quality,
                                     vocabularies=vocabularies)
        for column in normalised:
            tickets[column] = normalised[column].to_numpy()
    tickets = fill_missing_priority(tickets, config, quality, "log")
    tickets["priority"] = tickets["priority"].astype("string")
    tickets["escalated"] = tickets["escalated"].astype("boolean") if "escalated" in tickets else pd.NA
    if tickets["escalated"].isna().all():
        tickets = tickets.drop(columns="escalated")
    return tickets.reset_index(drop=True)
