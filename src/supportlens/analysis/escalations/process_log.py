"""The event log read as an escalation process: stage, kind and role of every event.

Each event gets a stage from the first matching stage rule, that stage's kind
(work, wait or done) and a stakeholder role from the role map. The time from an
event to the ticket's next event is an *interval*. It belongs to the stage of
the event that opened it and is held by the role working the ticket (the actor,
while the stage is work) or by the role the ticket waits for (the next actor,
while it is wait). This is the usual reading of a log that records when things
happened, not how long they took.

Everything is vectorised over numpy arrays: the stage and role maps are
evaluated once per distinct (activity, role, status), never per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

import numpy as np
import pandas as pd

from ...config.escalations import Escalations
from ...engine import ticket_rows
from ..core.missing import MissingData

KINDS = ("work", "wait", "done")
WORK, WAIT, DONE = range(3)
NS_PER_HOUR = 3_600_000_000_000


@dataclass(frozen=True)
class ProcessLog:
    """Events of tickets known to the tickets table, sorted by ticket and time (stable).

    Per event: ``ticket`` (row of the tickets table), ``hours`` (since ``origin``),
    codes into ``labels``, ``stages`` and ``roles`` (role -1 = unknown), ``kind``
    (0 work, 1 wait, 2 done), ``customer_facing`` and ``escalating`` flags. Per event
    with a successor in the same ticket (``has_next``): ``owner`` (the role holding that interval) and
    ``duration(positions)`` (hours to the next event, worked out when read: no array of every event's). Per ticket
    row: ``escalated`` and ``escalated_at`` (hours since ``origin``, NaN when unknown). Codes are int16 (label, stage,
    role, owner; int32 past 32,767 values) and int8 (kind, held), ticket rows int32 (int64 past 2**31 tickets):
    widen them before multiplying one by a count."""

    ticket: np.ndarray
    hours: np.ndarray
    origin: pd.Timestamp
    label: np.ndarray
    labels: tuple[str, ...]
    stage: np.ndarray
    stages: tuple[str, ...]
    kind: np.ndarray
    role: np.ndarray
    roles: tuple[str, ...]
    customer_facing: np.ndarray
    escalating: np.ndarray
    has_next: np.ndarray
    held: np.ndarray
    owner: np.ndarray
    escalated: np.ndarray
    escalated_at: np.ndarray
    events_without_ticket: int
    tickets_without_events: int

    @property
    def events(self) -> int:
        return int(self.ticket.size)

    def duration(self, at: np.ndarray | int) -> np.ndarray:
        """Hours from the events at positions ``at`` to their ticket's next event; 0 for a ticket's last event."""
        following = np.minimum(np.asarray(at) + 1, self.hours.size - 1)
        return np.where(self.has_next[at], self.hours[following] - self.hours[at], 0.0)

    def role_codes(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        return np.array([self.roles.index(r) for r in names if r in self.roles], dtype=np.int64)

    def stakeholder(self, config: Escalations, events: np.ndarray | None = None) -> np.ndarray:
        """Events by a known role that is not ignored (e.g. not the system); of ``events`` (positions) if given."""
        role = self.role if events is None else self.role[events]
        return (role >= 0) & ~np.isin(role, self.role_codes(config.ignore_roles))

    def ladder_rank(self, config: Escalations) -> np.ndarray:
        """Each role code's rung on the escalation ladder (see ``ladder_ranks``)."""
        return ladder_ranks(self.roles, config.ladder)


# events per slice of the log in the passes that go through it a ticket at a time (``ticket_slices``): their
# arrays are a slice's, never the whole log's
SLICE_EVENTS = 1 << 21


def ticket_slices(ticket: np.ndarray, size: int | None = None) -> list[slice]:
    """The log's positions cut into slices of about ``size`` (SLICE_EVENTS) events that each hold whole tickets
    (``ticket`` is sorted): a pass that reads a ticket's events only gives the same rows, in the same order,
    slice by slice."""
    size = SLICE_EVENTS if size is None else size
    cuts = [0]
    while cuts[-1] < ticket.size:
        end = cuts[-1] + size
        cuts.append(ticket.size if end >= ticket.size else int(np.searchsorted(ticket, ticket[end - 1], side="right")))
    return [slice(a, b) for a, b in zip(cuts[:-1], cuts[1:])] or [slice(0, 0)]


def ladder_ranks(roles: tuple[str, ...] | list[str], ladder: tuple[str, ...]) -> np.ndarray:
    """Rung of each role on the escalation ladder (0 = the first, e.g. tier1), -1 for a role off
    the ladder; indexed by role code, with one more -1 at the end so role -1 (unknown) maps to -1."""
    rung = {role: i for i, role in reversed(list(enumerate(ladder)))}   # the first rung a role is on
    return np.array([rung.get(r, -1) for r in roles] + [-1], dtype=np.int64)


def _narrow(codes: np.ndarray, distinct: int) -> np.ndarray:
    """Codes (-1 and up) into ``distinct`` values as int16, or int32 past 32,767 values: two bytes an event."""
    return codes.astype(np.int16 if distinct < 2**15 else np.int32, copy=False)


def _matches(value: str, patterns: tuple[str, ...] | list[str]) -> bool:
    value = value.lower()
    return any(fnmatchcase(value, p.lower()) for p in patterns)


def _distinct(values: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Integer code per row into the distinct values in order of appearance, missing (None) being one of them;
    a categorical column is read by its codes (each text once), never as a string per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, firsts = pd.factorize(values.cat.codes.to_numpy())
        categories = values.cat.categories
        return codes.astype(np.int64, copy=False), [None if c < 0 else str(categories[c]) for c in firsts]
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), [None if pd.isna(u) else str(u) for u in uniques]


def _recoded(codes: np.ndarray, names: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Codes into ``names`` (None: missing) as codes into its distinct names in order of appearance, -1 missing."""
    merged, uniques = pd.factorize(pd.Series(names, dtype=object))
    # (int32 codes: a code per event of a few distinct values)
    return (np.append(merged, -1).astype(np.int32)[codes] if len(names) else codes.astype(np.int32),
            [str(u) for u in uniques])


def _codes(values: pd.Series, transform=None, fill: str | None = None) -> tuple[np.ndarray, list[str]]:
    """Integer code per row (-1 when missing) and the distinct values, in order of appearance: those of
    ``values``, each read through ``transform`` (e.g. trimmed) and a missing one as ``fill``, once per distinct value."""
    codes, names = _distinct(values)
    if transform is not None:
        names = [None if v is None else transform(v) for v in names]
    if fill is not None:
        names = [fill if v is None else v for v in names]
    return _recoded(codes, names)


def _role_codes(events: pd.DataFrame, source: pd.Series, config: Escalations) -> tuple[np.ndarray, list[str]]:
    """Role code per event (-1 unknown) and the role names: mapped once per distinct value."""
    codes, values = _codes(source, transform=_stripped)
    mapping = {str(k).strip().lower(): v for k, v in config.roles.values.items()}
    # an unmapped actor id is a person, not a role: it is never published as one
    fallback = config.roles.default or ("unmapped_actor" if config.roles.source == "actor_id" else None)
    named = [mapping.get(v.lower(), fallback or v) for v in values]
    roles = list(dict.fromkeys(named))
    role = np.append(np.array([roles.index(n) for n in named], dtype=np.int32), np.int32(-1))[codes]
    if config.roles.actors and "actor_id" in events:
        actor_codes, actors = _codes(events["actor_id"])
        wanted = [config.roles.actors.get(a) for a in actors]
        roles += [r for r in dict.fromkeys(w for w in wanted if w) if r not in roles]
        override = np.append(np.array([roles.index(w) if w else -1 for w in wanted], dtype=np.int32),
                             np.int32(-1))[actor_codes]
        role = np.where(override >= 0, override, role)
    return role, roles


def _stripped(value: str) -> str | None:
    """A value as ``Series.str.strip`` has it (a value of only spaces stays as the empty text)."""
    return value.strip()


def _ticket_rows(ticket_ids: pd.Series, event_ticket_ids: pd.Series) -> np.ndarray:
    """Row of each event's ticket in the tickets table, -1 when it is not there."""
    rows = ticket_rows(event_ticket_ids, ticket_ids)
    if rows is not None:     # the compact log's codes are the rows
        return rows
    if ticket_ids.is_unique:  # one hash pass over both (3x faster than Index.get_indexer on strings)
        both = pd.concat([ticket_ids.astype(str) if ticket_ids.dtype == object else ticket_ids,
                          event_ticket_ids.astype(str) if event_ticket_ids.dtype == object else event_ticket_ids],
                         ignore_index=True)
        codes = pd.factorize(both)[0][len(ticket_ids):]
        return np.where((codes >= 0) & (codes < len(ticket_ids)), codes, -1).astype(np.int64)
    return pd.Index(ticket_ids.astype("string")).get_indexer(event_ticket_ids.astype("string"))


def _by_ticket_and_time(keep: np.ndarray, row: np.ndarray, ns: np.ndarray) -> np.ndarray | None:
    """The kept events' positions by ticket row, then time, ties in the log's order (a stable sort); None when
    every event is kept and the log is already in that order (the checked log usually is), told in one pass."""
    if keep.all() and all(_in_order(row[part], ns[part]) for part in _overlapping(row.size)):
        return None
    idx = np.flatnonzero(keep)
    return idx[np.lexsort((ns[idx], row[idx]))]


def _overlapping(n: int, size: int = SLICE_EVENTS) -> list[slice]:
    """Slices of ``size`` positions that cover 0..n, each sharing its first position with the previous one's last
    (so that every pair of neighbours is inside one slice)."""
    return [slice(max(a - 1, 0), min(a + size, n)) for a in range(0, max(n, 1), size)]


def _in_order(row: np.ndarray, ns: np.ndarray) -> bool:
    step = np.diff(row)
    return bool(((step > 0) | ((step == 0) & (np.diff(ns) >= 0))).all())


def _labels(events: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each event's label (its activity, else its event type, else 'unknown') as a code, and the labels in
    order of appearance; read per distinct (activity, event type)."""
    codes, names = _distinct(events["event_type"])
    if "activity" in events and events["activity"].notna().any():
        activity, activities = _distinct(events["activity"])
        pairs, firsts = pd.factorize(activity * len(names) + codes)
        names = [activities[p // len(names)] if activities[p // len(names)] is not None else names[p % len(names)]
                 for p in firsts]
        codes = pairs.astype(np.int64)
    return _recoded(codes, ["unknown" if v is None else v for v in names])


def read_log(events: pd.DataFrame | None, tickets: pd.DataFrame, config: Escalations) -> ProcessLog:
    """Map the events onto stages and roles; raise MissingData when the log cannot be read so."""
    if events is None or events.empty:
        raise MissingData("needs an event log: one row per activity or status change of a ticket, "
                          "with the ticket, the time, the activity and who acted")
    source = config.roles.source
    role_values = (events["activity"] if source == "activity" and "activity" in events else events.get(source))
    if role_values is None or not role_values.notna().any():
        raise MissingData(f"needs who acted on each event: the events have no '{source}' values "
                          "(the methodology page says how to name the column that has them)")

    row = _ticket_rows(tickets["ticket_id"], events["ticket_id"])
    ns = pd.DatetimeIndex(events["event_at"]).as_unit("ns").asi8
    timed = ~pd.isna(events["event_at"]).to_numpy()
    keep = (row >= 0) & timed
    without_ticket = int(((row < 0) & timed).sum())
    order = _by_ticket_and_time(keep, row, ns)
    ordered = (lambda values: values) if order is None else (lambda values: values[order])   # noqa: E731
    del keep
    ticket = ordered(row).astype(np.int32 if len(tickets) < 2**31 else np.int64)
    if ticket.size == 0:
        raise MissingData("needs events of the tickets in the tickets table: no event's ticket_id matched a ticket")
    at = ordered(ns)
    origin_ns = int(at.min())
    # (at - origin) / NS_PER_HOUR, the difference written as float64 in place: no second array of every event
    hours = np.subtract(at, origin_ns, out=np.empty(at.size, dtype=np.float64), casting="unsafe")
    hours /= NS_PER_HOUR
    del at, row

    # codes as narrow integers from here on (a code per event, of a few labels, stages, roles and kinds): the
    # log's memory
    kinds = lambda a: a.astype(np.int8, copy=False)   # noqa: E731
    label, labels = _labels(events)
    label = _narrow(ordered(label), len(labels))
    role, roles = _role_codes(events, role_values, config)
    # roles that only ever wait (a stage's waits_for, e.g. a third party) get a code too
    roles = roles + sorted({st.waits_for for st in config.stages.values() if st.waits_for} - set(roles))
    role = _narrow(ordered(role), len(roles))
    if "status" in events:
        status, statuses = _codes(events["status"])
        status = _narrow(ordered(status), len(statuses))
    else:
        status, statuses = np.full(ticket.size, -1, dtype=np.int8), []
    stage_ids = tuple(config.stages)
    stage, kind = _stages(label, list(labels), role, list(roles), status, list(statuses), config)
    stage, kind = _narrow(stage, len(stage_ids)), kinds(kind)
    del status
    facing = np.isin(label, [i for i, name in enumerate(labels) if _matches(str(name), config.customer_facing)])
    not_customer = ~np.isin(role, [i for i, r in enumerate(roles) if r in config.customer_roles + config.ignore_roles])
    facing &= not_customer & (role >= 0)

    escalating = (ladder_ranks(roles, config.ladder) >= 1)[role] | np.isin(stage, [stage_ids.index(s) for s in config.escalation_stages
                                                           if s in stage_ids])
    if "tier" in events:
        high_tier = np.zeros(len(events), dtype=bool)
        for part in (slice(a, a + SLICE_EVENTS) for a in range(0, len(events), SLICE_EVENTS)):
            tier = pd.to_numeric(events["tier"].iloc[part], errors="coerce")   # (a missing tier is not 2 or more)
            high_tier[part] = (tier >= 2).fillna(False).to_numpy(dtype=bool)
        escalating |= ordered(high_tier)
        del high_tier

    n = len(tickets)
    escalated_at = np.full(n, np.nan)
    first = np.flatnonzero(escalating)
    np.fmin.at(escalated_at, ticket[first], hours[first])
    escalated = ~np.isnan(escalated_at)
    if "escalated" in tickets:
        escalated |= tickets["escalated"].fillna(False).astype(bool).to_numpy()

    has_next = np.append(ticket[1:] == ticket[:-1], False)
    next_role = np.append(role[1:], np.int32(-1))
    ignored = np.isin(next_role, [i for i, r in enumerate(roles) if r in config.ignore_roles]) | (next_role < 0)
    customer = np.isin(role, [i for i, r in enumerate(roles) if r in config.customer_roles])
    held = np.where(customer & (kind == WORK), WAIT, kind)
    owner = np.where((held == WAIT) & ~ignored, next_role, role)
    for k, st in enumerate(config.stages.values()):
        if st.waits_for:
            owner = np.where((stage == k) & (held == WAIT), roles.index(st.waits_for), owner)
    return ProcessLog(
        ticket=ticket, hours=hours, origin=pd.Timestamp(origin_ns, tz="UTC"), label=label,
        labels=tuple(str(x) for x in labels), stage=stage, stages=stage_ids, kind=kinds(kind), role=role,
        roles=tuple(str(r) for r in roles), customer_facing=facing, escalating=escalating, has_next=has_next,
        held=kinds(held), owner=_narrow(owner, len(roles)), escalated=escalated, escalated_at=escalated_at,
        events_without_ticket=without_ticket,
        tickets_without_events=int(n - (1 + np.count_nonzero(ticket[1:] != ticket[:-1]))))   # ticket is sorted


def _stages(label: np.ndarray, labels: list, role: np.ndarray, roles: list, status: np.ndarray, statuses: list,
            config: Escalations) -> tuple[np.ndarray, np.ndarray]:
    """Stage and kind code per event, evaluating the rules once per distinct (label, role, status)."""
    kinds = np.array([KINDS.index(s.kind) for s in config.stages.values()])
    n_roles, n_status = len(roles) + 1, len(statuses) + 1
    chosen: dict[int, int] = {}   # (label, role, status) code -> stage code
    stage = np.empty(label.size, dtype=np.int32)
    for part in (slice(a, a + SLICE_EVENTS) for a in range(0, label.size, SLICE_EVENTS)):   # (a slice's codes at a time)
        combo = (label[part].astype(np.int64) * n_roles + (role[part] + 1)) * n_status + (status[part] + 1)
        inverse, uniques = pd.factorize(combo)   # by hashing: no sort of every event
        for code in uniques.tolist():
            if code not in chosen:
                chosen[code] = _stage_of(code, n_roles, n_status, labels, roles, statuses, config)
        stage[part] = np.array([chosen[code] for code in uniques.tolist()], dtype=np.int32)[inverse]
    return stage, kinds.astype(np.int8)[stage]


def _stage_of(code: int, n_roles: int, n_status: int, labels: list, roles: list, statuses: list,
              config: Escalations) -> int:
    """The stage code of one (label, role, status) code: the first stage rule it matches, else the default stage."""
    st, rest = code % n_status - 1, code // n_status
    ro, la = rest % n_roles - 1, rest // n_roles
    name = str(labels[la]).lower()
    role_name = roles[ro] if ro >= 0 else None
    status_name = str(statuses[st]).lower() if st >= 0 else None
    stage = config.default_stage
    for rule in config.stage_rules:
        if (fnmatchcase(name, rule.activity.lower()) and (rule.role is None or rule.role == role_name)
                and (rule.status is None or rule.status.lower() == status_name)):
            stage = rule.stage
            break
    return list(config.stages).index(stage)
