"""Every ticket's SLA clocks: elapsed calendar and business time, pauses, cycles and states.

The rules (published on the methodology page):

- Durations are measured in calendar minutes and in business minutes of the
  ``sla.business_hours`` calendar. The SLA targets run on ``sla.clock``
  (business by default; the default calendar is open 24/7, so out of the box
  business time equals calendar time).
- The first-response SLA runs from creation to the first public agent reply (or
  to the solve when the ticket was solved without one).
- The resolution SLA runs from creation to the solve. When the event log shows
  a reopen and ``sla.reopen`` is ``new_cycle``, the reopen starts a new cycle
  that runs to the next solve; each cycle is measured against the full target.
  A solved ticket breached when any cycle overran; an open ticket's state is its
  running cycle's.
- While a ticket is in one of ``sla.pause_statuses`` (from the event log) the
  SLA clock stops.
- A per-ticket ``due_at`` from the source overrides the resolution target.
- States: achieved (completed at or before the target), breached (completed
  after it), active (running, not yet past it), active_breached (running and
  past it). A ticket without a creation time has no state (missing).
- A ticket is open only when its status says so. A solved or closed ticket
  without a solve time is solved with an unknown resolution time: no
  resolution duration and no resolution state (the data-quality page counts
  them), never an open or overdue ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from ...canonical import PRIORITIES, SOLVED_STATUSES
from ...config import SlaPolicy
from ...engine import per_value, ticket_rows
from .business_time import NS_PER_MINUTE, BusinessCalendar, build_calendar, business_ns_until, calendar_clock, to_ns

STATES = ("achieved", "breached", "active", "active_breached")
_TIME_COLUMNS = ("created_at", "first_response_at", "first_solved_at", "solved_at", "closed_at", "due_at")


def ticket_clocks(tickets: pd.DataFrame, policy: SlaPolicy, as_of: pd.Timestamp,
                  events: pd.DataFrame | None = None, by_priority: bool = True) -> pd.DataFrame:
    """Per ticket: elapsed minutes and SLA state for first response and resolution.

    Columns added (minutes unless named otherwise):
    first_response_minutes (calendar, tickets with a public agent reply only: a ticket solved without one has
    none, though its first-response SLA completes at the solve), resolution_minutes (calendar, missing while
    not completed), solved_without_reply (solved tickets: no public agent reply; missing for open tickets and
    when the export has no first-response times),
    open_minutes (calendar age at as-of of open tickets), first_response_business_minutes,
    resolution_business_minutes, open_business_minutes (the same on the business calendar),
    first_response_sla_minutes, resolution_sla_minutes (time on the SLA clock, pauses excluded;
    for resolution the longest cycle of a solved ticket or the running cycle of an open one),
    paused_minutes (SLA-clock time paused across the resolution cycles), resolution_cycles (count),
    first_response_target_minutes, resolution_target_minutes (the policy's targets),
    first_response_state, resolution_state (achieved, breached, active, active_breached).

    ``by_priority`` False (the export has no priority): every ticket has the one default target
    (``sla.targets.default``) when configured, else no target: no state, except a resolution
    judged against the ticket's own due date.
    """
    clocks = tickets.copy(deep=False)   # new columns only: the tickets table is never written (copy on write)
    n = len(clocks)
    created = clocks["created_at"]
    nat = pd.Series(pd.NaT, index=clocks.index, dtype="datetime64[ns, UTC]")
    solved = clocks["solved_at"] if "solved_at" in clocks else nat
    # without a first-response column the clock cannot run: no "responded at the solve" stand-in
    knows_response = "first_response_at" in clocks and clocks["first_response_at"].notna().any()
    responded = clocks["first_response_at"].fillna(solved) if knows_response else nat
    # open only when the export says so: a solved or closed ticket without a solve time is solved,
    # with an unknown resolution time (no duration, no resolution state), never open
    is_open = (~clocks["status"].isin(SOLVED_STATUSES).fillna(False)).to_numpy(dtype=bool)
    solve_unknown = ~is_open & solved.isna().to_numpy()
    dated = created.notna().to_numpy()
    resolvable = dated & ~solve_unknown
    as_of_ns = np.int64(pd.Timestamp(as_of).as_unit("ns").value)

    if by_priority:
        first_target = per_value(clocks["priority"], {p: policy.target(p).first_response * 60 for p in PRIORITIES})
        resolution_target = per_value(clocks["priority"], {p: policy.target(p).resolution * 60 for p in PRIORITIES})
    else:
        default = policy.default_target()
        first_target = pd.Series(default.first_response * 60 if default else np.nan, index=clocks.index, dtype=float)
        resolution_target = pd.Series(default.resolution * 60 if default else np.nan, index=clocks.index, dtype=float)
    has_first_target = first_target.notna().to_numpy()
    has_resolution_target = resolution_target.notna().to_numpy()
    clocks["first_response_target_minutes"] = first_target
    clocks["resolution_target_minutes"] = resolution_target

    business = _business_calendar(clocks, policy, as_of)
    sla_calendar = business if policy.clock == "business" else calendar_clock().calendar
    c_ns, r_ns, s_ns = to_ns(created), to_ns(responded), to_ns(solved)
    has_response = dated & responded.notna().to_numpy()
    # durations of the first response are of real replies only; the solve stands in for the SLA clock alone
    has_reply = dated & clocks["first_response_at"].notna().to_numpy() if knows_response else np.zeros(n, dtype=bool)
    has_solve = resolvable & ~is_open

    for name, calendar in (("", None), ("_business", business)):
        if calendar is not None and calendar.always_open:
            # the 24/7 calendar (the default): business time is calendar time, the same values (held once: the
            # columns share them, copy on write keeps each column its own)
            for measure in ("first_response", "resolution", "open"):
                clocks[f"{measure}_business_minutes"] = clocks[f"{measure}_minutes"]
            continue

        def span(end_ns: np.ndarray, valid: np.ndarray) -> np.ndarray:
            out = np.full(n, np.nan)
            if valid.any():
                a, b = c_ns[valid], end_ns[valid]
                if calendar is not None:
                    a, b = business_ns_until(calendar, a), business_ns_until(calendar, b)
                b -= a          # (b is a copy: the valid rows' end, or their business time)
                del a
                out[valid] = b / NS_PER_MINUTE
            return out
        clocks[f"first_response{name}_minutes"] = span(r_ns, has_reply)
        clocks[f"resolution{name}_minutes"] = span(s_ns, has_solve)
        clocks[f"open{name}_minutes"] = span(np.full(n, as_of_ns), dated & is_open)
    del has_solve

    clocks["solved_without_reply"] = (pd.Series(~is_open & clocks["first_response_at"].isna().to_numpy(), index=clocks.index,
                                                dtype="boolean").where(pd.Series(~is_open, index=clocks.index))
                                      if knows_response else pd.Series(pd.NA, index=clocks.index, dtype="boolean"))
    times = event_times(events, policy, clocks["ticket_id"], as_of_ns)
    pauses = times.pauses if times is not None else None

    # first response: one cycle from creation to the reply (or to as-of while waiting)
    # (each per-ticket array is let go once read: at ten million tickets each is 80 MB)
    fr_end = np.where(has_response, r_ns, as_of_ns)
    del responded, r_ns
    fr_elapsed = _elapsed(sla_calendar, np.arange(n), c_ns, fr_end, pauses, dated)
    del fr_end
    first_target_ns = np.round(first_target.fillna(0).to_numpy() * NS_PER_MINUTE).astype(np.int64)
    del first_target
    clocks["first_response_sla_minutes"] = np.where(dated, fr_elapsed / NS_PER_MINUTE, np.nan)
    clocks["first_response_state"] = _states(has_response, fr_elapsed, first_target_ns,
                                             dated & knows_response & has_first_target, clocks.index)
    del fr_elapsed, first_target_ns, has_response
    if not knows_response and "source_first_response_met" in clocks:
        # the export's own verdict (its targets, its calendar) is all there is
        verdict = clocks["source_first_response_met"].map({True: "achieved", False: "breached"}).astype("string")
        clocks["first_response_state"] = clocks["first_response_state"].fillna(verdict.where(pd.Series(dated, index=clocks.index)))

    # resolution: one cycle per reopen
    cycles = _resolution_cycles(times, policy, c_ns, s_ns, is_open, resolvable)
    del times
    rows, running = cycles.pop("row"), cycles.pop("running")
    end = np.where(running, as_of_ns, cycles.pop("end"))
    start = cycles.pop("start")
    cycle_paused = _paused(sla_calendar, rows, start, end, pauses)   # (joined once, for both)
    del pauses
    cycle_elapsed = _elapsed(sla_calendar, rows, start, end, None, np.ones(len(rows), dtype=bool), paused=cycle_paused)
    del start, end
    paused = np.zeros(n, dtype=np.int64)
    np.add.at(paused, rows, cycle_paused)
    del cycle_paused
    clocks["paused_minutes"] = np.where(resolvable, paused / NS_PER_MINUTE, np.nan)
    del paused
    count = np.bincount(rows, minlength=n)
    clocks["resolution_cycles"] = pd.array(np.where(resolvable, count, 0), dtype="Int64")
    del count
    target_ns = np.round(resolution_target.fillna(0).to_numpy() * NS_PER_MINUTE).astype(np.int64)
    del resolution_target
    over = cycle_elapsed > target_ns[rows]
    over &= ~running
    any_over = np.zeros(n, dtype=bool)
    np.logical_or.at(any_over, rows, over)
    del over
    # the longest cycle of a solved ticket, the running one of an open ticket
    sla_ns = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(sla_ns, rows, cycle_elapsed)
    running_elapsed = np.zeros(n, dtype=np.int64)
    running_elapsed[rows[running]] = cycle_elapsed[running]
    del rows, running, cycle_elapsed
    np.copyto(sla_ns, running_elapsed, where=is_open)
    sla_minutes = np.where(resolvable, sla_ns / NS_PER_MINUTE, np.nan)
    del sla_ns
    if "resolution_sla_minutes" in clocks:
        clocks["resolution_sla_minutes"] = sla_minutes
    else:   # in its place before the paused minutes (a new column only, no copy of the others)
        clocks.insert(clocks.columns.get_loc("paused_minutes"), "resolution_sla_minutes", sla_minutes)
    del sla_minutes
    running_over = running_elapsed > target_ns
    del running_elapsed, target_ns
    state = _state_codes(~is_open, any_over, running_over, has_resolution_target)
    del any_over, running_over
    if "due_at" in clocks and clocks["due_at"].notna().any():
        due = clocks["due_at"].notna().to_numpy() & resolvable
        due_ns = to_ns(clocks["due_at"])
        by_due = _state_codes(~is_open, s_ns > due_ns, as_of_ns > due_ns, due)
        state = np.where(due, by_due, state)
    state[~resolvable] = -1
    clocks["resolution_state"] = _state_column(state, clocks.index)
    return clocks


def _business_calendar(clocks: pd.DataFrame, policy: SlaPolicy, as_of: pd.Timestamp) -> BusinessCalendar:
    stamps = [clocks[c].min() for c in _TIME_COLUMNS if c in clocks and clocks[c].notna().any()]
    stamps += [clocks[c].max() for c in _TIME_COLUMNS if c in clocks and clocks[c].notna().any()]
    stamps.append(pd.Timestamp(as_of))
    return build_calendar(policy.business_hours, min(stamps), max(stamps))


def _states(completed: np.ndarray, elapsed: np.ndarray, target: np.ndarray, dated: np.ndarray,
            index: pd.Index) -> pd.Series:
    return _state_column(_state_codes(completed, elapsed > target, elapsed > target, dated), index)


def _state_codes(completed: np.ndarray, completed_over: np.ndarray, running_over: np.ndarray,
                 valid: np.ndarray) -> np.ndarray:
    """Each clock's state as a code into STATES, -1 where not ``valid``: achieved or breached
    (``completed_over``) when completed, else active or active_breached (``running_over``). (Codes, never a
    text per ticket: at ten million tickets each array of texts was most of a gigabyte.)"""
    achieved, breached, active, active_breached = (np.int8(STATES.index(s)) for s in STATES)
    code = np.where(completed, np.where(completed_over, breached, achieved),
                    np.where(running_over, active_breached, active))
    code[~valid] = -1
    return code


def _state_column(code: np.ndarray, index: pd.Index) -> pd.Series:
    """State codes (-1: none) as the clocks' text column of states (missing where none)."""
    return pd.Series(pd.Categorical.from_codes(code, categories=list(STATES)), index=index).astype("string")


def _elapsed(calendar: BusinessCalendar, rows: np.ndarray, start: np.ndarray, end: np.ndarray,
             pauses: pd.DataFrame | None, valid: np.ndarray, paused: np.ndarray | None = None) -> np.ndarray:
    """SLA-clock ns from start to end per window, minus paused time (``paused``: the windows' paused ns when
    every window is valid, already known); 0 where not valid."""
    elapsed = np.zeros(len(start), dtype=np.int64)
    if valid.any():
        a, b = start[valid], np.maximum(end[valid], start[valid])
        elapsed[valid] = business_ns_until(calendar, b) - business_ns_until(calendar, a)
    return elapsed - (_paused(calendar, rows, start, end, pauses, valid) if paused is None else paused)


def _paused(calendar: BusinessCalendar, rows: np.ndarray, start: np.ndarray, end: np.ndarray,
            pauses: pd.DataFrame | None, valid: np.ndarray | None = None) -> np.ndarray:
    """SLA-clock ns of each window [start, end) that fall inside its ticket's pause intervals."""
    paused = np.zeros(len(start), dtype=np.int64)
    if pauses is None or pauses.empty or not len(start):
        return paused
    # each pause against every window of its ticket (an inner join on the row, without a joined table: the windows
    # sorted by row, each pause's windows a range of them)
    window = np.arange(len(start)) if valid is None else np.flatnonzero(valid)
    w_row = rows[window]
    if w_row.size > 1 and not (w_row[1:] >= w_row[:-1]).all():
        by_row = np.argsort(w_row, kind="stable")
        window, w_row = window[by_row], w_row[by_row]
    p_row = pauses["row"].to_numpy()
    lo = np.searchsorted(w_row, p_row, side="left")
    count = np.searchsorted(w_row, p_row, side="right") - lo
    del w_row
    if count.max(initial=0) <= 1:                      # (one window per ticket, as for the first response)
        pause = np.flatnonzero(count)
        at = window[lo[pause]]
    else:
        pause = np.repeat(np.arange(p_row.size), count)
        at = window[lo[pause] + np.arange(pause.size) - (np.cumsum(count) - count)[pause]]
    del lo, count
    lo = np.maximum(start[at], pauses["pause_start"].to_numpy()[pause])
    hi = np.minimum(end[at], pauses["pause_end"].to_numpy()[pause])
    hit = hi > lo
    overlap = business_ns_until(calendar, hi[hit]) - business_ns_until(calendar, lo[hit])
    np.add.at(paused, at[hit], overlap)
    return paused


# The event log's per-ticket times. Each event belongs to its ticket's row in the tickets table (the last row of a
# repeated id; events of other tickets are left out); a ticket's events are read in time order (a missing time
# last), ties in the log's order. Pauses: from the first event of a run of pause statuses to the ticket's next
# event with a status outside them (or to as-of); events without a status neither start nor end one. Reopens
# and solves are the reopened and solved events' times. Vectorised over the log (one pass when it is already in
# that order, as the checked log usually is: ingest.checks sorts it by ticket and time).
@dataclass(frozen=True)
class EventTimes:
    """Per ticket row (ints: rows of the tickets table, ns since 1970 UTC): pause intervals [start, end),
    reopen times and solve times, from the event log."""

    pauses: pd.DataFrame | None     # row, pause_start, pause_end; None without pause statuses in the log
    reopens: pd.DataFrame | None    # row, start; None without reopened events
    solves: pd.DataFrame            # row, end (in the log's order)


def event_times(events: pd.DataFrame | None, policy: SlaPolicy, ticket_ids: pd.Series,
                as_of_ns: np.int64) -> EventTimes | None:
    """The pauses, reopens and solves of each ticket row, in order of ticket row and time."""
    if events is None:
        return None
    row = event_rows(events["ticket_id"], ticket_ids)
    at = to_ns(events["event_at"])
    nat = events["event_at"].isna().to_numpy()
    order = _in_ticket_time_order(row, nat, at)
    # (None: the log is in that order already, every event kept: no copy of its columns)
    ordered = (lambda values: values) if order is None else (lambda values: values[order])   # noqa: E731
    row, at, nat = ordered(row), ordered(at), ordered(nat)
    has_status = "status" in events
    status = events["status"] if has_status else None
    with_status = ordered(status.notna().to_numpy()) if has_status else np.zeros(row.size, dtype=bool)
    # pauses: the runs of pause statuses among a ticket's events with a status
    # (every event has a status, as in most logs: the events themselves, no array of their positions)
    s = None if with_status.all() else np.flatnonzero(with_status)
    picked = (lambda values: values) if s is None else (lambda values: values[s])   # noqa: E731
    del with_status
    in_pause = picked(ordered(_is_in(status, policy.pause_statuses))) if has_status else np.zeros(0, dtype=bool)
    s_row = picked(row)
    first = np.ones(s_row.size, dtype=bool)
    np.not_equal(s_row[1:], s_row[:-1], out=first[1:])
    first[1:] |= in_pause[1:] != in_pause[:-1]
    # a pause run starts at a run's first event in a pause status; it ends at the next run's first event (one
    # whose previous event was in a pause), of the same ticket, else at as-of; the last run may have none
    starts = np.flatnonzero(first & in_pause)
    first[1:] &= in_pause[:-1]
    ends = np.flatnonzero(first[1:]) + 1
    del first
    next_same = np.zeros(starts.size, dtype=bool)
    next_same[:ends.size] = s_row[ends] == s_row[starts[:ends.size]]
    del s_row
    full = (lambda positions: positions) if s is None else (lambda positions: s[positions])   # noqa: E731
    pause, ends = full(starts), full(ends)
    next_at = np.full(starts.size, np.int64(as_of_ns))
    next_at[:ends.size] = np.where(next_same[:ends.size], at[ends], np.int64(as_of_ns))
    del starts, ends, next_same
    event_type = events["event_type"] if "event_type" in events else None
    reopen = np.flatnonzero(ordered(_is_in(event_type, ("reopened",)))) if event_type is not None else np.zeros(0, int)
    solve = np.flatnonzero(ordered(_is_in(event_type, ("solved",)))) if event_type is not None else np.zeros(0, int)
    has_pauses = bool(policy.pause_statuses) and has_status and events["status"].notna().any()
    pauses = (pd.DataFrame({"row": row[pause], "pause_start": at[pause], "pause_end": next_at})
              if has_pauses else None)
    reopens = pd.DataFrame({"row": row[reopen], "start": at[reopen]}) if reopen.size else None
    solves = pd.DataFrame({"row": row[solve], "end": at[solve]})
    if event_type is None:
        reopens = None
    return EventTimes(pauses, reopens, solves)


def event_rows(event_ticket_ids: pd.Series, ticket_ids: pd.Series) -> np.ndarray:
    """Each event's row of the tickets table (the last row of a repeated id), -1 when its id is not there."""
    rows = ticket_rows(event_ticket_ids, ticket_ids)
    if rows is not None:
        return rows
    ids = ticket_ids.astype("string")
    last = ~ids.duplicated(keep="last") & ids.notna()
    index = pd.Index(ids[last].array)
    found = index.get_indexer(pd.Index(event_ticket_ids.astype("string").array))
    return np.where(found >= 0, np.flatnonzero(last.to_numpy())[np.maximum(found, 0)], -1).astype(np.int64)


def _in_ticket_time_order(row: np.ndarray, nat: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """Positions of the events of known tickets by ticket row, then time (a missing time last), then position;
    told in one pass when the log is already in that order: None when that is every event in the log's order."""
    known = row >= 0
    every = bool(known.all())
    kept = np.flatnonzero(known) if not every else None
    r, m, t = (row, nat, at) if every else (row[kept], nat[kept], at[kept])
    if r.size > 1:
        later = (m[1:] > m[:-1]) | ((m[1:] == m[:-1]) & (t[1:] >= t[:-1]))
        if not ((r[1:] > r[:-1]) | ((r[1:] == r[:-1]) & later)).all():
            positions = np.arange(row.size) if every else kept
            return positions[np.lexsort((positions, t, m, r))]
    return kept


def _is_in(values: pd.Series, wanted) -> np.ndarray:
    """Whether each value is one of ``wanted`` (text compared exactly; missing is in nothing), per distinct value
    of a categorical column."""
    wanted = [str(w) for w in wanted]
    if isinstance(values.dtype, pd.CategoricalDtype):
        hit = np.append(np.asarray(values.cat.categories.astype(str).isin(wanted), dtype=bool), False)
        return hit[values.cat.codes.to_numpy()]
    return np.asarray(values.astype("string").isin(wanted).fillna(False), dtype=bool)


def _resolution_cycles(times: EventTimes | None, policy: SlaPolicy, c_ns: np.ndarray,
                       s_ns: np.ndarray, is_open: np.ndarray, dated: np.ndarray) -> dict[str, np.ndarray]:
    """Cycles (row, start ns, end ns, running) of dated tickets; one per ticket unless reopens are logged."""
    dated_rows = np.flatnonzero(dated)
    row, start = dated_rows, c_ns[dated_rows]
    end = np.zeros(len(row), dtype=np.int64)
    has_end = np.zeros(len(row), dtype=bool)
    reopen = times.reopens if times is not None and policy.reopen == "new_cycle" else None
    if reopen is not None and not reopen.empty:
        r_row, r_start = reopen["row"].to_numpy(), reopen["start"].to_numpy()
        keep = dated[r_row] & (r_start > c_ns[r_row])
        starts = pd.DataFrame({"row": np.r_[row, r_row[keep]], "start": np.r_[start, r_start[keep]]})
        solves = times.solves.copy()
        solves["solve"] = np.arange(len(solves))
        joined = pd.merge_asof(starts.sort_values("start", kind="stable"), solves.sort_values("end", kind="stable"),
                               left_on="start", right_on="end", by="row", direction="forward")
        del starts
        # in order of row, then start (a stable sort: the order sort_values(["row", "start"], kind="stable") gives),
        # reading the three columns used, never a sorted copy of the whole join
        row, start = joined["row"].to_numpy(dtype=np.int64), joined["start"].to_numpy(dtype=np.int64)
        order = np.lexsort((start, row))
        row, start = row[order], start[order]
        solve = joined["solve"].to_numpy()[order]
        del joined, order
        found = ~np.isnan(solve)
        end = np.zeros(len(row), dtype=np.int64)
        end[found] = solves["end"].to_numpy()[solve[found].astype(np.int64)]
        has_end = found
    last = np.r_[row[1:] != row[:-1], True] if len(row) else np.zeros(0, dtype=bool)
    closing = last & ~is_open[row]
    end = np.where(closing, s_ns[row], end)                # the tickets table holds the last solve
    has_end = has_end | closing
    running = last & is_open[row]
    # an earlier cycle whose solve is not in the log ends where the next one starts
    nxt = np.r_[start[1:], 0] if len(row) else start
    end = np.where(~has_end & ~running, nxt, end)
    end = np.where(running, 0, np.maximum(end, start))
    return {"row": row, "start": start, "end": end, "running": running}
