"""Consistency checks of the canonical tickets table; every fix is logged, nothing is dropped silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..canonical import SOLVED_STATUSES
from ..engine import query, text_column
from ..dataset import WITH_A_VALUE, Check, QualityIssue
from ..errors import SupportlensError


TIME_COLUMNS = ("created_at", "first_response_at", "first_solved_at", "solved_at", "closed_at", "due_at")


def build_clock() -> pd.Timestamp:
    """The moment of the build (the machine's clock, UTC): no ticket time can be later."""
    return pd.Timestamp.now(tz="UTC")


def check_tickets(tickets: pd.DataFrame, quality: list[QualityIssue], as_of: str | None = None,
                  now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Repair what can be repaired and log it; drop only rows that cannot be analysed (and log them).

    A table whose creation time is missing altogether (an export without one) keeps its rows:
    the analyses that need the time say so in the report. ``now`` is the moment of the build
    (default: the machine's clock); only data with times after it, or an as-of after it, depends on it.
    """
    tickets = tickets.copy()

    no_created = tickets["created_at"].isna()
    if no_created.any() and not no_created.all():
        quality.append(QualityIssue("tickets", Check.MISSING_VALUES, "created_at", int(no_created.sum()),
                                    "dropped: a ticket without a creation time cannot be placed in time",
                                    str(tickets.loc[no_created, "ticket_id"].iloc[0])))
        tickets = tickets[~no_created]

    duplicated = tickets["ticket_id"].duplicated(keep="last")
    if duplicated.any():
        quality.append(QualityIssue("tickets", Check.DUPLICATE_ID, "ticket_id", int(duplicated.sum()),
                                    "kept the last row of each id", str(tickets.loc[duplicated, "ticket_id"].iloc[0])))
        tickets = tickets[~duplicated]

    _future(tickets, quality, as_of, build_clock() if now is None else now)
    for column in ("first_response_at", "first_solved_at", "solved_at", "closed_at"):
        if column not in tickets:
            continue
        before = tickets[column] < tickets["created_at"]
        if before.any():
            both = int((tickets[column].notna() & tickets["created_at"].notna()).sum())
            quality.append(QualityIssue("tickets", Check.BEFORE_CREATED, column, int(before.sum()),
                                        "kept as missing", str(tickets.loc[before, "ticket_id"].iloc[0]),
                                        applies_to=both, applies_what=WITH_A_VALUE))
            tickets.loc[before, column] = pd.NaT
    if "first_response_at" in tickets and "solved_at" in tickets:
        early = tickets["solved_at"] < tickets["first_response_at"]
        if early.any():
            both = int((tickets["solved_at"].notna() & tickets["first_response_at"].notna()).sum())
            quality.append(QualityIssue("tickets", Check.SOLVED_BEFORE_FIRST_RESPONSE, "solved_at", int(early.sum()),
                                        "kept as exported: each time is measured from creation on its own",
                                        str(tickets.loc[early, "ticket_id"].iloc[0]),
                                        applies_to=both, applies_what="with a first response and a solve time"))

    if "status" in tickets:
        unknown = tickets["status"].isna()
        if unknown.any():
            solved = "solved_at" in tickets
            tickets.loc[unknown, "status"] = (tickets.loc[unknown, "solved_at"].notna().map({True: "solved", False: "open"})
                                              if solved else "open")
            quality.append(QualityIssue("tickets", Check.UNKNOWN_STATUS, "status", int(unknown.sum()),
                                        "inferred from solved_at (solved if set, else open)", None))
        # a solve time is missing only where the ticket is solved or closed: the share is of those tickets
        finished = int(tickets["status"].isin(["solved", "closed"]).sum())
        if "solved_at" in tickets:
            solved_no_time = tickets["status"].isin(["solved", "closed"]) & tickets["solved_at"].isna()
            if solved_no_time.any() and "closed_at" in tickets:
                fill = solved_no_time & tickets["closed_at"].notna()
                tickets.loc[fill, "solved_at"] = tickets.loc[fill, "closed_at"]
                if fill.any():
                    quality.append(QualityIssue("tickets", Check.MISSING_VALUES, "solved_at", int(fill.sum()),
                                                "taken from closed_at", None,
                                                applies_to=finished, applies_what="solved or closed"))
                solved_no_time &= ~fill
            if solved_no_time.any():
                quality.append(QualityIssue("tickets", Check.MISSING_VALUES, "solved_at", int(solved_no_time.sum()),
                                            "solved or closed without a solve time: counted as solved with an unknown resolution time (not open, no resolution SLA state)", None,
                                            applies_to=finished, applies_what="solved or closed"))
        else:
            solved_no_time = tickets["status"].isin(["solved", "closed"])
            if solved_no_time.any():
                quality.append(QualityIssue("tickets", Check.MISSING_COLUMN, "solved_at", int(solved_no_time.sum()),
                                            "the export has no solve time: its solved or closed tickets count as solved "
                                            "with an unknown resolution time (not open, no resolution SLA state)", None,
                                            applies_to=finished, applies_what="solved or closed"))

    if "csat" in tickets:
        out_of_range = tickets["csat"].notna() & ~tickets["csat"].between(1, 5)
        if out_of_range.any():
            quality.append(QualityIssue("tickets", Check.OUT_OF_RANGE, "csat", int(out_of_range.sum()),
                                        "kept as missing (expected 1-5)", str(tickets.loc[out_of_range, "csat"].iloc[0]),
                                        applies_to=int(tickets["csat"].notna().sum()), applies_what=WITH_A_VALUE))
            tickets.loc[out_of_range, "csat"] = float("nan")

    for column in ("reopens", "replies"):
        if column in tickets:
            negative = tickets[column].notna() & (tickets[column] < 0)
            if negative.any():
                quality.append(QualityIssue("tickets", Check.OUT_OF_RANGE, column, int(negative.sum()),
                                            "kept as missing (a count cannot be negative)",
                                            str(tickets.loc[negative, column].iloc[0]),
                                            applies_to=int(tickets[column].notna().sum()), applies_what=WITH_A_VALUE))
                tickets[column] = tickets[column].mask(negative)

    if "escalated" not in tickets and "tier_max" in tickets:
        tickets["escalated"] = (tickets["tier_max"].fillna(1) > 1).astype("boolean")
    return tickets.reset_index(drop=True)


def _future(tickets: pd.DataFrame, quality: list[QualityIssue], as_of: str | None, now: pd.Timestamp) -> None:
    """Timestamps after the moment of the build (``now``), after the configured as-of time, or years beyond
    the rest of the data (a typo'd year), each kept as missing with its own finding; an as-of after the
    moment of the build is a finding too. Data without such times gives the same findings on any day."""
    dated = [c for c in TIME_COLUMNS if c in tickets and tickets[c].notna().any()]
    if not dated:
        return
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    rules = [(now, f"after the time of the build, {now:%Y-%m-%d %H:%M} UTC: a time that has not come yet")]
    if as_of:
        limit = pd.Timestamp(as_of)
        limit = limit.tz_localize("UTC") if limit.tzinfo is None else limit.tz_convert("UTC")
        created = tickets["created_at"].dropna() if "created_at" in dated else None
        if created is not None and (created > limit).all():
            first, last = created.min(), created.max()
            raise SupportlensError(
                f"the as-of time {as_of!r} ({limit:%Y-%m-%d %H:%M} UTC) is before the first ticket, created "
                f"{first:%Y-%m-%d %H:%M} UTC: the report would hold no tickets",
                f"set period.as_of in supportlens.yml to a time within the data ({first:%Y-%m-%d} to "
                f"{last:%Y-%m-%d}), or remove it to report as of the latest time in the data")
        if limit > now:
            status = tickets["status"] if "status" in tickets else pd.Series("open", index=tickets.index)
            still_open = ~status.isin(SOLVED_STATUSES)
            quality.append(QualityIssue(
                "tickets", Check.FUTURE_TIMESTAMP, None, int(still_open.sum()),
                f"the report's as-of time {limit:%Y-%m-%d %H:%M} UTC is after the time of the build, "
                f"{now:%Y-%m-%d %H:%M} UTC: these open tickets are aged, and their SLA clocks run, to a time that "
                "has not come yet", str(as_of)))
        rules.append((limit, f"after the report's as-of time {limit:%Y-%m-%d %H:%M} UTC"))
    else:
        stacked = pd.concat([tickets[c].dropna() for c in dated])
        rules.append((stacked.quantile(0.99) + pd.Timedelta(days=366), "more than a year after 99% of the data"))
    for limit, reason in rules:   # the build's clock first: a time that has not come is said as such
        for column in dated:
            if column == "due_at":   # a due time may lie ahead
                continue
            late = tickets[column] > limit
            if late.any():
                quality.append(QualityIssue("tickets", Check.FUTURE_TIMESTAMP, column, int(late.sum()),
                                            f"kept as missing ({reason})", str(tickets.loc[late, "ticket_id"].iloc[0]),
                                            applies_to=int(tickets[column].notna().sum()),
                                            applies_what=WITH_A_VALUE))
                tickets.loc[late, column] = pd.NaT


# Per event: late (after the build's clock), orphan (its ticket not in the tickets table); the kept events' order
# by ticket, time (a missing id or time last) and the log's own order. An event without a ticket id belongs to
# a ticket without one, when there is such a ticket.
_CHECK_EVENTS_SQL = """
WITH ids AS (SELECT DISTINCT ticket_id FROM tickets WHERE ticket_id IS NOT NULL),
marked AS (
    SELECT e.seq, e.ticket_id, e."at", coalesce(e."at" > $now, false) AS late,
           CASE WHEN e.ticket_id IS NULL THEN NOT $tickets_without_id ELSE i.ticket_id IS NULL END AS orphan
    FROM events e LEFT JOIN ids i ON e.ticket_id = i.ticket_id)
SELECT seq, late, orphan AND NOT late AS orphan FROM marked
ORDER BY late OR orphan, ticket_id NULLS LAST, "at" NULLS LAST, seq
"""


def check_events(events: pd.DataFrame, tickets: pd.DataFrame, quality: list[QualityIssue],
                 now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Events of tickets that are not in the tickets table cannot be placed, and events after the moment of
    the build (``now``, default the machine's clock) cannot have happened: both dropped and counted. The kept
    events come back sorted by ticket and time (the engine's work: ``_CHECK_EVENTS_SQL``)."""
    now = build_clock() if now is None else now
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    at = events["event_at"].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    event_ids, ticket_ids = text_column(events["ticket_id"]), text_column(tickets["ticket_id"])
    at_ns = pa.array(at.array.asi8, mask=at.isna().to_numpy())
    in_order = _in_order(event_ids, at_ns)
    rows = None          # each event's position among the tickets' ids (-1: none), when the fast path found it
    if in_order is not None:
        seq, late, orphan, rows = in_order, *_late_or_orphan(event_ids, at_ns, ticket_ids, now)
    else:
        table = pa.table({"seq": np.arange(len(events), dtype=np.int64), "ticket_id": event_ids, "at": at_ns})
        found = query(_CHECK_EVENTS_SQL, {"now": int(now.as_unit("ns").value),
                                           "tickets_without_id": bool(tickets["ticket_id"].isna().any())},
                      events=table, tickets=pa.table({"ticket_id": ticket_ids}))
        seq = found.column("seq").to_numpy()
        late, orphan = found.column("late").to_numpy(), found.column("orphan").to_numpy()
    for mask, check, what in ((late, Check.FUTURE_TIMESTAMP, f"dropped (after the time of the build, "
                               f"{now:%Y-%m-%d %H:%M} UTC: a time that has not come yet)"),
                              (orphan, Check.ORPHAN_EVENTS, "dropped: their ticket is not in the tickets table")):
        if mask.any():
            first = int(seq[mask].min())
            quality.append(QualityIssue("events", check, "event_at" if check == Check.FUTURE_TIMESTAMP else "ticket_id",
                                        int(mask.sum()), what, str(events["ticket_id"].iloc[first])))
    dropped = late | orphan
    if in_order is not None:     # already in order: the kept events as they are, without a copy of the log
        kept = (events[~dropped] if dropped.any() else events).reset_index(drop=True)
        rows = rows[~dropped] if dropped.any() else rows
    else:
        kept = events.take(seq[~dropped]).reset_index(drop=True)
    return compact_events(kept, tickets, rows if not tickets["ticket_id"].isna().any() else None)


# the event log's text columns held as categories (a small integer code per event, each text once)
_CATEGORY_COLUMNS = ("event_type", "actor_id", "actor_role", "status", "activity")


def compact_events(events: pd.DataFrame, tickets: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The checked event log in its compact form, the same values: its text columns as categories, and its
    ticket ids as categories that are the tickets table's ids in its order (so an event's code is the row of
    its ticket: ``ticket_rows``), when those ids are unique and every event's id is one of them. ``rows``: each
    event's row of the tickets table (-1: none) when already known."""
    out = events.copy(deep=False)
    for column in _CATEGORY_COLUMNS:
        if column in out and pd.api.types.is_string_dtype(out[column]) \
                and not isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = _as_category(out[column])
    ids = tickets["ticket_id"]
    if len(out) and not ids.isna().any() and ids.is_unique and not out["ticket_id"].isna().any():
        if rows is None:
            rows = _positions(text_column(out["ticket_id"]), text_column(ids))
        if not (rows < 0).any():
            categories = pd.Index(ids.array if isinstance(ids.dtype, pd.StringDtype) else ids.astype("string").array)
            out["ticket_id"] = _categories_as_stored(pd.Series(pd.Categorical.from_codes(
                rows.astype(np.int32), categories=categories), index=out.index))
    return out


def _as_category(values: pd.Series) -> pd.Series:
    """``values.astype("category")`` (categories in text order) by Arrow's dictionary encoding, for Arrow-backed text."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return _categories_as_stored(values.astype("category"))
    text = _plain(pa.array(values.array))
    encoded = pc.dictionary_encode(text)
    dictionary = encoded.dictionary
    by_text = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(len(dictionary) + 1, dtype=np.int64)
    rank[by_text] = np.arange(len(dictionary))
    rank[-1] = -1                       # a missing value
    codes = rank[encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)]
    categories = pd.Index(pd.array(dictionary.take(pa.array(by_text)), dtype=values.dtype))
    return _categories_as_stored(pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=values.index))


def _categories_as_stored(values: pd.Series) -> pd.Series:
    """A categorical column whose categories are the text dtype a Parquet round trip gives them (the build
    cache's tables equal the ingested ones)."""
    return values.cat.set_categories(values.cat.categories.astype("str"), rename=True)


def _plain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _in_order(ticket_ids: pa.Array | pa.ChunkedArray, at: pa.Array) -> np.ndarray | None:
    """The events' positions when the log is already in the order _CHECK_EVENTS_SQL gives (by ticket id, then
    time, every event with an id and a time: the usual export), told in one columnar pass; else None."""
    n = len(ticket_ids)
    if ticket_ids.null_count or at.null_count:
        return None
    if n > 1:
        ids_a, ids_b, at_a, at_b = ticket_ids[:-1], ticket_ids[1:], at[:-1], at[1:]
        try:
            later_id = pc.less(ids_a, ids_b)
            same_id_in_time = pc.and_(pc.equal(ids_a, ids_b), pc.less_equal(at_a, at_b))
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):   # ids Arrow does not compare: the engine sorts
            return None
        if not pc.all(pc.or_(later_id, same_id_in_time)).as_py():
            return None
    return np.arange(n, dtype=np.int64)


def _late_or_orphan(ticket_ids: pa.Array | pa.ChunkedArray, at: pa.Array, known: pa.Array | pa.ChunkedArray,
                    now: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Per event (each with a ticket id and a time): after ``now``; else of a ticket not in ``known``; and its
    position among the known ids (-1: none)."""
    late = pc.greater(at, pa.scalar(int(now.as_unit("ns").value), pa.int64())).to_numpy(zero_copy_only=False)
    rows = _positions(ticket_ids, known)
    return late, (rows < 0) & ~late, rows


def _positions(values: pa.Array | pa.ChunkedArray, known: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's position among the non-missing ``known`` values (the first, when repeated), -1 when not one."""
    found = pc.index_in(values, value_set=_plain(known).drop_null())
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
