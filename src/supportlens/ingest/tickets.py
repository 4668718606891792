"""Read a tickets export through its importer: resolve columns, translate values, derive what the
format gives indirectly (durations, outcome flags), collapse audit rows, protect personal data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ..canonical import EVENT_COLUMNS, TICKET_COLUMNS
from ..config import Config
from ..dataset import Check, QualityIssue
from ..errors import SupportlensError
from .importers import REGISTRY, Importer, detect
from .normalise import IsoReading, frame_of, normalise_table

REQUIRED = [c for c, (_, required, _) in TICKET_COLUMNS.items() if required]
_UNITS = {"seconds": "s", "minutes": "min", "hours": "h"}
# columns of an export that hold personal data by their name; never read unless mapped
_PERSONAL_WORDS = ("email", "e-mail", "name", "phone", "description", "address", "comment")


def key(column: object) -> str:
    return " ".join(str(column).strip().lower().split())


def blank_missing(raw: pd.DataFrame, markers: tuple[str, ...], table: str, quality: list[QualityIssue]) -> pd.DataFrame:
    """Values such as '?' that the export writes for 'missing' become missing (and are counted)."""
    if not markers:
        return raw
    text = raw.astype("string").apply(lambda c: c.str.strip())
    hits = text.isin(list(markers))
    cells = int(hits.to_numpy().sum())
    if cells:
        column = str(hits.sum().idxmax())
        quality.append(QualityIssue(table, Check.MISSING_VALUES, None, int(hits.any(axis=1).sum()),
                                    f"{cells:,} cells holding {' / '.join(repr(m) for m in markers)} read as missing "
                                    f"(most in '{column}')", None, counted_in="export_rows"))
    return raw.mask(hits)


def resolve_columns(raw: pd.DataFrame, importer: Importer, mapping: dict[str, str], path: Path) -> dict[str, str]:
    """canonical column -> export column: the config's mapping first, then the importer's candidates."""
    by_key = {}
    for column in raw.columns:
        by_key.setdefault(key(column), column)
    resolved: dict[str, str] = {}
    for canonical, source in mapping.items():
        if key(source) not in by_key:
            raise SupportlensError(
                f"{path}: column '{source}' (mapped to tickets.{canonical} in supportlens.yml) is not in the file; "
                f"its columns are: {', '.join(map(str, raw.columns[:20]))}",
                f"fix data.mapping.tickets.{canonical} in supportlens.yml to name one of the file's columns",
            )
        resolved[canonical] = by_key[key(source)]
    for canonical in TICKET_COLUMNS:
        if canonical in resolved:
            continue
        for candidate in importer.candidates(canonical):
            if key(candidate) in by_key:
                resolved[canonical] = by_key[key(candidate)]
                break
    return resolved


def wrong_importer_hint(raw: pd.DataFrame, importer: Importer) -> str:
    others = [name for name in detect(list(raw.columns)) if name != importer.name]
    if others:
        return f"this file looks like a {REGISTRY[others[0]].title}: set data.source: {others[0]} in supportlens.yml"
    return ""


def check_required(raw: pd.DataFrame, resolved: dict[str, str], importer: Importer, path: Path,
                   derivable: set[str]) -> None:
    for canonical in REQUIRED:
        if canonical in resolved or canonical in importer.absent or canonical in derivable:
            continue
        hint = wrong_importer_hint(raw, importer)
        wanted = ", ".join(f"'{c}'" for c in importer.candidates(canonical)) or f"'{canonical}'"
        raise SupportlensError(
            f"{path}: required column {canonical!r} is missing from the tickets file "
            f"(the {importer.name} importer looks for {wanted}); its columns are: {', '.join(map(str, raw.columns[:20]))}",
            hint or f"add data.mapping.tickets.{canonical}: <your column name> to supportlens.yml, "
                    f"or rename the column in the export to '{canonical}'",
        )


def import_tickets(raw: pd.DataFrame, importer: Importer, config: Config, path: Path,
                   quality: list[QualityIssue], info: dict | None = None, *, header: pd.DataFrame | None = None,
                   prepared: dict[str, IsoReading] | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The canonical tickets (and, for audit exports, events) of one tickets export.

    ``info`` receives the mapping used (canonical column -> export column). A streamed export (ingest.stream)
    comes as the columns read (``raw``: the columns the tickets are made of, some as categoricals of their
    text), the export's ``header`` (its columns, no rows) and its timestamp columns already read
    (``prepared``, by canonical column)."""
    data = config.data
    raw = blank_missing(raw, importer.missing_markers, "tickets", quality)
    if importer.prepare is not None:
        raw = importer.prepare(raw)
    header = raw if header is None else header
    prepared = prepared or {}
    resolved = resolve_columns(header, importer, data.mapping.get("tickets", {}), path)
    derivable = {c for c, d in importer.durations.items() if any(key(x) in map(key, header.columns) for x in d.columns)}
    check_required(header, resolved, importer, path, derivable)
    if info is not None:
        info["mapping"] = dict(resolved)
        for canonical, duration in importer.durations.items():
            if canonical in derivable and canonical not in resolved:
                source = next(c for c in duration.columns if key(c) in map(key, header.columns))
                info["mapping"][canonical] = f"{duration.since} + {source} ({duration.unit})"
        for canonical, rule in importer.derived.items():
            info["mapping"].setdefault(canonical, f"from {rule.column}")
    dayfirst = (data.dayfirst, bool(importer.dayfirst))     # the configured order, the importer's convention
    vocabularies = {**importer.values}
    for column, words in data.values.items():
        vocabularies[column] = {**vocabularies.get(column, {}), **words}

    events = None
    if importer.shape == "audit":
        raw, events = collapse_audit(raw, importer, resolved, config, path, quality, vocabularies, dayfirst)
        if events is None and info is not None:
            info["shape"] = "tickets"          # an audit-capable format exported one row per ticket

    frame = frame_of({canonical: raw[source] for canonical, source in resolved.items() if canonical not in prepared},
                     raw.index)
    tickets = normalise_table(frame, "tickets", path=path, timezone=data.timezone, dayfirst=dayfirst[0],
                              default_dayfirst=dayfirst[1], quality=quality, vocabularies=vocabularies,
                              consume=True, prepared=prepared)
    del frame
    tickets = derive(tickets, raw, importer, config, path, quality, list(header.columns))
    _log_unread(list(header.columns), len(raw), resolved, quality)
    tickets = pseudonymise(tickets, importer.personal, config, quality, "tickets")
    if events is not None:
        events = pseudonymise(events, tuple(c for c in importer.personal if c in events), config, quality, "events")
    return tickets, events


def derive(tickets: pd.DataFrame, raw: pd.DataFrame, importer: Importer, config: Config, path: Path,
           quality: list[QualityIssue], names: list[str] | None = None) -> pd.DataFrame:
    """Durations -> timestamps, outcome flags, and the columns the format never has. ``names``: the export's
    columns (default: ``raw``'s)."""
    columns = {key(c): c for c in (raw.columns if names is None else names)}
    for canonical, duration in importer.durations.items():
        source = next((columns[key(c)] for c in duration.columns if key(c) in columns), None)
        if source is None or duration.since not in tickets:
            continue
        amount = pd.to_numeric(raw[source], errors="coerce")
        computed = tickets[duration.since] + pd.to_timedelta(amount, unit=_UNITS[duration.unit])
        before = tickets[canonical].notna() if canonical in tickets else pd.Series(False, index=tickets.index)
        tickets[canonical] = (tickets[canonical].where(before, computed) if canonical in tickets else computed)
        filled = int((~before & computed.notna()).sum())
        if filled:
            quality.append(QualityIssue("tickets", Check.DERIVED, canonical, filled,
                                        f"computed as {duration.since} + '{source}' ({duration.unit})", None))
    for canonical, rule in importer.derived.items():
        source = columns.get(key(rule.column))
        if source is None:
            continue
        values = raw[source].astype("string").str.strip().str.lower().map(rule.values)
        kind = TICKET_COLUMNS[canonical][0]
        filled = values.fillna(rule.default)
        tickets[canonical] = filled.astype("boolean" if kind == "boolean" else "Int64" if kind == "integer" else object)
        quality.append(QualityIssue("tickets", Check.DERIVED, canonical, len(tickets),
                                    f"derived from '{source}': " + ", ".join(f"{k} → {v}" for k, v in rule.values.items())
                                    + f", otherwise {rule.default}", None))
    for canonical in importer.absent:
        if canonical in tickets and tickets[canonical].notna().any():
            continue
        if canonical == "created_at":
            tickets["created_at"] = pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[ns, UTC]")
            action = ("the export has no creation time: first response and resolution times cannot be computed, "
                      "SLA states, volume over time and backlog are skipped; every other KPI uses all tickets")
        elif canonical == "priority":
            continue                                   # fill_missing_priority below
        else:
            action = "not in this export: analyses that need it are skipped"
        quality.append(QualityIssue("tickets", Check.MISSING_COLUMN, canonical, len(tickets), action, None))
    if "escalated" not in tickets and "tier_max" in tickets:
        tickets["escalated"] = (tickets["tier_max"].fillna(1) > 1).astype("boolean")
    return fill_missing_priority(tickets, config, quality, "export")


def fill_missing_priority(tickets: pd.DataFrame, config: Config, quality: list[QualityIssue],
                          what: str) -> pd.DataFrame:
    """An export without priorities: every ticket gets one placeholder priority (so segment tables stay
    whole) and the SLA targets come from the one default target, else each ticket's due date, else none
    (analysis reads the MISSING_COLUMN record of 'priority' and gives no SLA verdict it cannot support)."""
    if "priority" in tickets and tickets["priority"].notna().any():
        return tickets
    tickets["priority"] = pd.Series("normal", index=tickets.index, dtype="string")
    due = "due_at" in tickets and tickets["due_at"].notna().any()
    if config.sla.default_target() is not None:
        action = f"the {what} has no priority: every ticket is measured against the one default SLA target"
    elif due:
        action = (f"the {what} has no priority: each ticket's resolution is judged against its own due date; "
                  "first responses and tickets without a due date get no SLA verdict")
    else:
        action = (f"the {what} has no priority and no SLA target: times are measured, but no SLA verdict "
                  "(breached or achieved) is given")
    quality.append(QualityIssue("tickets", Check.MISSING_COLUMN, "priority", len(tickets), action, None))
    return tickets


def _log_unread(columns: list[str], rows: int, resolved: dict[str, str], quality: list[QualityIssue]) -> None:
    used = set(resolved.values())
    personal = [str(c) for c in columns
                if c not in used and any(word in str(c).lower() for word in _PERSONAL_WORDS)]
    if personal:
        quality.append(QualityIssue("tickets", Check.PERSONAL_DATA, None, rows,
                                    "columns not read (personal data or free text): " + ", ".join(personal[:8]), None))


def pseudonymise(frame: pd.DataFrame, columns: tuple[str, ...], config: Config, quality: list[QualityIssue],
                 table: str) -> pd.DataFrame:
    """Replace names by stable pseudonyms (same name -> same pseudonym) unless personal data may be published."""
    if config.publish.allow_personal_data:
        return frame
    salt = str(config.seed).encode()
    for column in columns:
        if column not in frame or frame[column].isna().all():
            continue
        unique = frame[column].dropna().unique()
        prefix = {"account_id": "account", "requester_id": "requester"}.get(column, "agent")
        codes = {v: f"{prefix}-{hashlib.blake2b(str(v).encode(), key=salt, digest_size=4).hexdigest()}" for v in unique}
        frame[column] = frame[column].map(codes).astype("string")
        quality.append(QualityIssue(table, Check.PERSONAL_DATA, column, int(frame[column].notna().sum()),
                                    f"names replaced by stable pseudonyms ({len(unique):,} people or organisations); "
                                    "the set-up can allow personal data to keep them", None))
    return frame


def collapse_audit(raw: pd.DataFrame, importer: Importer, resolved: dict[str, str], config: Config, path: Path,
                   quality: list[QualityIssue], vocabularies: dict,
                   dayfirst: tuple[bool | None, bool]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Audit rows (several per ticket): the latest row gives the ticket, every row a status event."""
    columns = {key(c): c for c in raw.columns}
    time_column = columns.get(key(importer.audit_time or ""))
    id_column = resolved["ticket_id"]
    if time_column is None or not raw[id_column].duplicated().any():
        return raw, None
    order = [columns[key(c)] for c in importer.audit_order if key(c) in columns]
    ordered = raw.copy()
    sort_keys = []
    for column in order:
        if column == time_column:
            continue
        ordered[f"__{column}"] = pd.to_numeric(ordered[column], errors="coerce")
        sort_keys.append(f"__{column}")
    status_events = pd.DataFrame({"ticket_id": ordered[id_column], "event_at": ordered[time_column],
                                  "status": ordered[resolved["status"]] if "status" in resolved else pd.NA})
    events = normalise_table(status_events, "events", path=path, timezone=config.data.timezone, dayfirst=dayfirst[0],
                             default_dayfirst=dayfirst[1],
                             quality=quality, vocabularies=vocabularies)
    ordered["__time"] = events["event_at"]
    ordered = ordered.sort_values([id_column, *sort_keys, "__time"], kind="stable")
    latest = ordered.drop_duplicates(id_column, keep="last").drop(columns=[c for c in ordered if c.startswith("__")])
    events = events.loc[ordered.index]
    events = status_transitions(events)
    quality.append(QualityIssue("tickets", Check.AUDIT_ROWS, "ticket_id", len(raw) - len(latest),
                                f"{len(raw):,} audit rows of {len(latest):,} tickets: each ticket's latest row "
                                f"(by {', '.join(order) or time_column}) gives its attributes; every row became a "
                                "status event", None, counted_in="export_rows"))
    return latest.reset_index(drop=True), events


def status_transitions(events: pd.DataFrame) -> pd.DataFrame:
    """Event types from the status sequence of each ticket: its first row 'created', entering solved
    'solved', leaving solved for an open status 'reopened', entering closed 'closed', else 'status_change'."""
    events = events.sort_values(["ticket_id", "event_at"], kind="stable").reset_index(drop=True)
    status = events["status"].astype("string")
    ids = events["ticket_id"].astype("string")
    same = ids.eq(ids.shift()).fillna(False).to_numpy(dtype=bool)
    previous = status.groupby(ids).shift()

    def flag(series: pd.Series) -> np.ndarray:
        return series.fillna(False).to_numpy(dtype=bool)

    kind = np.where(~same, "created", "status_change")
    kind = np.where(same & flag(status.eq("solved")) & ~flag(previous.eq("solved")), "solved", kind)
    kind = np.where(same & flag(status.eq("closed")) & ~flag(previous.eq("closed")), "closed", kind)
    reopened = same & flag(previous.isin(["solved", "closed"])) & flag(status.isin(["new", "open", "pending", "on_hold"]))
    kind = np.where(reopened, "reopened", kind)
    events["event_type"] = pd.Series(kind, index=events.index, dtype="string")
    return events[[c for c in EVENT_COLUMNS if c in events]]
