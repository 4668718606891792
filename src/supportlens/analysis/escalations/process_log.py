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


def _code_type(distinct: int) -> type:
    """The integer type of codes (-1 and up) into ``distinct`` values: int16, or int32 past 32,767 values."""
    return np.int16 if distinct < 2**15 else np.int32


def _narrow(codes: np.ndarray, distinct: int) -> np.ndarray:
    """Codes (-1 and up) into ``distinct`` values as ``_code_type`` has them: two bytes an event."""
    return codes.astype(_code_type(distinct), copy=False)


def _matches(value: str, patterns: tuple[str, ...] | list[str]) -> bool:
    value = value.lower()
    return any(fnmatchcase(value, p.lower()) for p in patterns)


def _parts(n: int) -> list[slice]:
    """Positions 0..n in slices of ``SLICE_EVENTS``: the passes over every event below hold a slice's arrays."""
    return [slice(a, min(a + SLICE_EVENTS, n)) for a in range(0, n, SLICE_EVENTS)]


def _slice_reader(values: pd.Series):
    """A function of a slice of rows: their codes into their distinct values (texts, None missing) in order of
    appearance. A categorical column is read by its codes (each text once), never as a string per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, categories = values.cat.codes.to_numpy(), values.cat.categories

        def read(part: slice) -> tuple[np.ndarray, list[str | None]]:
            inverse, firsts = pd.factorize(codes[part])
            return inverse, [None if c < 0 else str(categories[c]) for c in firsts]
        return read

    def read_values(part: slice) -> tuple[np.ndarray, list[str | None]]:
        inverse, uniques = pd.factorize(values.iloc[part], use_na_sentinel=False)
        return inverse, [None if pd.isna(u) else str(u) for u in uniques]
    return read_values


def _coded(columns: list[pd.Series], name_of, n: int) -> tuple[np.ndarray, list[str]]:
    """Integer code per row (-1 where ``name_of`` gives None) into the distinct names in order of appearance: a
    row's name is ``name_of`` of its values of ``columns`` (texts, None missing), worked out once per distinct
    combination. Read a slice of rows at a time (the arrays are a slice's); the codes are of ``_code_type``."""
    names: dict[str, int] = {}
    codes = np.empty(n, dtype=_code_type(0))
    readers = [_slice_reader(column) for column in columns]
    for part in _parts(n):
        read = [reader(part) for reader in readers]
        if len(read) == 1:
            inverse, combos = read[0][0], [(v,) for v in read[0][1]]
        else:   # one key per combination of the columns' values, factorised
            key = read[0][0]
            for codes_k, distinct in read[1:]:
                key = key * len(distinct) + codes_k
            inverse, firsts = pd.factorize(key)
            combos = []
            for f in firsts.tolist():
                combo = []
                for _, distinct in reversed(read):
                    f, k = divmod(f, len(distinct))
                    combo.append(distinct[k])
                combos.append(tuple(reversed(combo)))
        looked = [name_of(*combo) for combo in combos]
        lut = np.array([-1 if name is None else names.setdefault(name, len(names)) for name in looked],
                       dtype=np.int64)
        codes = _narrow(codes, len(names))   # (widened once past int16's names; else the same array)
        codes[part] = lut[inverse] if lut.size else -1
    return codes, list(names)


def _role_codes(events: pd.DataFrame, source: pd.Series, config: Escalations) -> tuple[np.ndarray, list[str]]:
    """Role code per event (-1 unknown) and the role names in order of appearance: mapped once per distinct value."""
    mapping = {str(k).strip().lower(): v for k, v in config.roles.values.items()}
    # an unmapped actor id is a person, not a role: it is never published as one
    fallback = config.roles.default or ("unmapped_actor" if config.roles.source == "actor_id" else None)

    def role_of(value: str | None) -> str | None:
        if value is None:
            return None
        value = _stripped(value)
        return mapping.get(value.lower(), fallback or value)

    role, roles = _coded([source], role_of, len(events))
    if config.roles.actors and "actor_id" in events:
        override, wanted = _coded([events["actor_id"]], lambda actor: config.roles.actors.get(actor) or None,
                                  len(events))
        roles += [r for r in wanted if r not in roles]
        role = _narrow(role, len(roles))
        if wanted:
            position = np.array([roles.index(w) for w in wanted], dtype=np.int32)
            for part in _parts(role.size):
                chosen = override[part]
                role[part] = np.where(chosen >= 0, position[chosen], role[part])
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


def _nanoseconds(values: pd.Series) -> np.ndarray:
    """Times as int64 nanoseconds since the epoch (NaT: the smallest int64): a column held in nanoseconds is read
    as its own numbers, without a copy."""
    array = values.array
    if isinstance(array, pd.arrays.DatetimeArray) and array.unit == "ns":
        return array.asi8
    return pd.DatetimeIndex(values).as_unit("ns").asi8


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
    if "activity" in events and events["activity"].notna().any():
        return _coded([events["activity"], events["event_type"]],
                      lambda activity, kind: activity if activity is not None else "unknown" if kind is None else kind,
                      len(events))
    return _coded([events["event_type"]], lambda kind: "unknown" if kind is None else kind, len(events))


def _table(flags: list[bool], missing: bool) -> np.ndarray:
    """A yes/no per code, looked up by indexing with the codes; code -1 (the last entry) reads ``missing``."""
    return np.array(list(flags) + [missing], dtype=bool)


def read_log(events: pd.DataFrame | None, tickets: pd.DataFrame, config: Escalations) -> ProcessLog:
    """Map the events onto stages and roles; raise MissingData when the log cannot be read so.

    Memory: the log's arrays are narrow (see ProcessLog) and made one at a time, the passes over every event
    by slices (``_parts``) or through small lookup tables indexed by the codes; no array of every event is
    held longer than it is needed."""
    if events is None or events.empty:
        raise MissingData("needs an event log: one row per activity or status change of a ticket, "
                          "with the ticket, the time, the activity and who acted")
    source = config.roles.source
    role_values = (events["activity"] if source == "activity" and "activity" in events else events.get(source))
    if role_values is None or not role_values.notna().any():
        raise MissingData(f"needs who acted on each event: the events have no '{source}' values "
                          "(the methodology page says how to name the column that has them)")

    row = _ticket_rows(tickets["ticket_id"], events["ticket_id"])
    ns = _nanoseconds(events["event_at"])
    timed = ~pd.isna(events["event_at"]).to_numpy()
    keep = (row >= 0) & timed
    without_ticket = int(((row < 0) & timed).sum())
    order = _by_ticket_and_time(keep, row, ns)
    ordered = (lambda values: values) if order is None else (lambda values: values[order])   # noqa: E731
    del keep, timed
    ticket = ordered(row).astype(np.int32 if len(tickets) < 2**31 else np.int64)
    del row
    if ticket.size == 0:
        raise MissingData("needs events of the tickets in the tickets table: no event's ticket_id matched a ticket")
    at = ordered(ns)
    origin_ns = int(at.min())
    # (at - origin) / NS_PER_HOUR, the difference written as float64 in place: no second array of every event
    hours = np.subtract(at, origin_ns, out=np.empty(at.size, dtype=np.float64), casting="unsafe")
    hours /= NS_PER_HOUR
    del at, ns

    # codes as narrow integers from here on (a code per event, of a few labels, stages, roles and kinds): the
    # log's memory
    label, labels = _labels(events)
    label = _narrow(ordered(label), len(labels))
    role, roles = _role_codes(events, role_values, config)
    # roles that only ever wait (a stage's waits_for, e.g. a third party) get a code too
    roles = roles + sorted({st.waits_for for st in config.stages.values() if st.waits_for} - set(roles))
    role = _narrow(ordered(role), len(roles))
    if "status" in events:
        status, statuses = _coded([events["status"]], lambda value: value, len(events))
        status = _narrow(ordered(status), len(statuses))
    else:
        status, statuses = np.full(ticket.size, -1, dtype=np.int8), []
    stage_ids = tuple(config.stages)
    stage, kind = _stages(label, list(labels), role, list(roles), status, list(statuses), config)
    del status
    facing = _table([_matches(str(name), config.customer_facing) for name in labels], False)[label]
    facing &= _table([r not in config.customer_roles + config.ignore_roles for r in roles], False)[role]

    escalating = (ladder_ranks(roles, config.ladder) >= 1)[role]
    escalating |= _table([s in config.escalation_stages for s in stage_ids], False)[stage]
    if "tier" in events:
        high_tier = np.zeros(len(events), dtype=bool)
        for part in _parts(len(events)):
            tier = pd.to_numeric(events["tier"].iloc[part], errors="coerce")   # (a missing tier is not 2 or more)
            high_tier[part] = (tier >= 2).fillna(False).to_numpy(dtype=bool)
        escalating |= ordered(high_tier)
        del high_tier

    n = len(tickets)
    escalated_at = np.full(n, np.nan)
    for part in _parts(ticket.size):   # (the earliest escalating event's time per ticket: the same in any order)
        first = part.start + np.flatnonzero(escalating[part])
        np.fmin.at(escalated_at, ticket[first], hours[first])
    escalated = ~np.isnan(escalated_at)
    if "escalated" in tickets:
        escalated |= tickets["escalated"].fillna(False).astype(bool).to_numpy()

    has_next = np.zeros(ticket.size, dtype=bool)
    np.equal(ticket[1:], ticket[:-1], out=has_next[:-1])
    held, owner = _holders(role, roles, stage, kind, config)
    return ProcessLog(
        ticket=ticket, hours=hours, origin=pd.Timestamp(origin_ns, tz="UTC"), label=label,
        labels=tuple(str(x) for x in labels), stage=stage, stages=stage_ids, kind=kind, role=role,
        roles=tuple(str(r) for r in roles), customer_facing=facing, escalating=escalating, has_next=has_next,
        held=held, owner=owner, escalated=escalated, escalated_at=escalated_at,
        events_without_ticket=without_ticket,
        tickets_without_events=int(n - (ticket.size - np.count_nonzero(has_next))))   # (ticket is sorted)


def _holders(role: np.ndarray, roles: list[str], stage: np.ndarray, kind: np.ndarray,
             config: Escalations) -> tuple[np.ndarray, np.ndarray]:
    """Per event, how its interval is held (a customer's work is a wait for us) and by whom: the actor while
    work, the next event's actor while wait (unless that one is ignored or unknown), a stage's ``waits_for``
    role while the ticket waits in it. A slice of events at a time (the next event's role: the next position's,
    in the log's order)."""
    ignored = _table([r in config.ignore_roles for r in roles], True)      # (a next role -1: none or unknown)
    customer = _table([r in config.customer_roles for r in roles], False)
    waits_for = [(k, roles.index(st.waits_for)) for k, st in enumerate(config.stages.values()) if st.waits_for]
    held = np.empty(role.size, dtype=np.int8)
    owner = np.empty(role.size, dtype=role.dtype)
    for part in _parts(role.size):
        mine, kinds = role[part], kind[part]
        following = np.empty_like(mine)
        following[:-1] = mine[1:]
        following[-1:] = role[part.stop] if part.stop < role.size else -1
        waiting = np.where(customer[mine] & (kinds == WORK), WAIT, kinds)
        whose = np.where((waiting == WAIT) & ~ignored[following], following, mine)
        for k, code in waits_for:
            whose = np.where((stage[part] == k) & (waiting == WAIT), code, whose)
        held[part], owner[part] = waiting, whose
    return held, owner


def _stages(label: np.ndarray, labels: list, role: np.ndarray, roles: list, status: np.ndarray, statuses: list,
            config: Escalations) -> tuple[np.ndarray, np.ndarray]:
    """Stage and kind code per event, evaluating the rules once per distinct (label, role, status)."""
    kinds = np.array([KINDS.index(s.kind) for s in config.stages.values()], dtype=np.int8)
    n_roles, n_status = len(roles) + 1, len(statuses) + 1
    chosen: dict[int, int] = {}   # (label, role, status) code -> stage code
    stage = np.empty(label.size, dtype=_code_type(len(kinds)))
    for part in _parts(label.size):   # (a slice's codes at a time)
        combo = (label[part].astype(np.int64) * n_roles + (role[part] + 1)) * n_status + (status[part] + 1)
        inverse, uniques = pd.factorize(combo)   # by hashing: no sort of every event
        for code in uniques.tolist():
            if code not in chosen:
                chosen[code] = _stage_of(code, n_roles, n_status, labels, roles, statuses, config)
        stage[part] = np.array([chosen[code] for code in uniques.tolist()], dtype=np.int32)[inverse]
    return stage, kinds[stage]


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
