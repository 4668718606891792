"""Consistency checks of the canonical tickets table; every fix is logged, nothing is dropped silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..canonical import SOLVED_STATUSES, TICKET_COLUMNS
from ..engine import query, release_memory, text_column
from ..dataset import WITH_A_VALUE, Check, QualityIssue
from ..errors import SupportlensError
from .normalise import _CHUNK, _small_codes, _utc_times, ascending, categorical, code_counts


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
    tickets = tickets.copy(deep=False)    # copy on write: a column is copied only where it is changed

    no_created = tickets["created_at"].isna()
    if no_created.any() and not no_created.all():
        quality.append(QualityIssue("tickets", Check.MISSING_VALUES, "created_at", int(no_created.sum()),
                                    "dropped: a ticket without a creation time cannot be placed in time",
                                    str(tickets.loc[no_created, "ticket_id"].iloc[0])))
        tickets = tickets[~no_created]

    duplicated = None if ascending(tickets["ticket_id"]) else tickets["ticket_id"].duplicated(keep="last")
    if duplicated is not None and duplicated.any():
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
    return compact_tickets(tickets.reset_index(drop=True))


def compact_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """The checked tickets with their labels (status, priority, channel, category, group: a few values each) as
    categories in text order: a small integer code per ticket, each label once; and their counts (tier reached,
    reopens, replies) in the narrowest nullable integer type that holds them. The same values."""
    out = tickets.copy(deep=False)
    for column, (kind, _required, _meaning) in TICKET_COLUMNS.items():
        if kind == "category" and column in out and pd.api.types.is_string_dtype(out[column]):
            out[column] = _as_category(out[column])
        elif kind == "integer" and column in out and isinstance(out[column].dtype, pd.Int64Dtype):
            out[column] = narrow_integers(out[column])
    return out


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
        rules.append((_stacked(tickets, dated).quantile(0.99) + pd.Timedelta(days=366),
                      "more than a year after 99% of the data"))
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


def _stacked(tickets: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The times of ``columns`` that are there, one column after another (as ``pd.concat`` of each column's
    ``dropna()`` gives them), gathered into one array without a copy of each column first (columns of one
    dtype, UTC: the canonical tables')."""
    dtypes = {tickets[column].dtype for column in columns}
    dtype = next(iter(dtypes))
    if len(dtypes) != 1 or not isinstance(dtype, pd.DatetimeTZDtype) or str(dtype.tz) != "UTC":
        return pd.concat([tickets[column].dropna() for column in columns])
    present = [tickets[column].notna().to_numpy() for column in columns]
    times = np.empty(sum(int(mask.sum()) for mask in present), dtype=np.int64)
    start = 0
    for column, mask in zip(columns, present):
        values = tickets[column].array.asi8
        count = int(mask.sum())
        times[start:start + count] = values if count == len(values) else values[mask]
        start += count
    return pd.Series(_utc_times(times, dtype.unit), copy=False)


# The kept events' order: by ticket id (``id_rank``: the rank of the id in text order; a missing id last), time (a
# missing time last) and the log's own order; the dropped events (late or orphan) after them.
_ORDER_EVENTS_SQL = """
SELECT seq FROM events ORDER BY dropped, id_rank NULLS LAST, "at" NULLS LAST, seq
"""


def check_events(events: pd.DataFrame, tickets: pd.DataFrame, quality: list[QualityIssue],
                 now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Events of tickets that are not in the tickets table cannot be placed, and events after the moment of
    the build (``now``, default the machine's clock) cannot have happened: both dropped and counted. The kept
    events come back sorted by ticket and time (the engine's sort, ``_ORDER_EVENTS_SQL``, when the log is not
    already in that order). An event without a ticket id belongs to a ticket without one, when there is such a
    ticket. The events' ticket ids are read once per distinct id (as codes, e.g. the compact reading's categorical)."""
    now = build_clock() if now is None else now
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    at = events["event_at"].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    ids = events["ticket_id"]
    if isinstance(ids.dtype, pd.CategoricalDtype):    # the compact reading's: its own codes and (distinct) categories
        codes, distinct = ids.array.codes, ids.cat.categories.array
    else:
        codes, distinct = pd.factorize(ids)
    distinct_ids = text_column(pd.Series(distinct))
    # each distinct id's position among the tickets' ids (-1: none); an event's is its id's (or -1 without one)
    rows_of_id = np.append(_positions(distinct_ids, text_column(tickets["ticket_id"])), -1).astype(
        np.int32 if len(tickets) < 2**31 - 1 else np.int64)
    release_memory()      # the engine's hash table of the ids
    at_ns = at.array.asi8
    missing_at = at.isna().to_numpy()
    late = (at_ns > int(now.as_unit("ns").value)) & ~missing_at
    rows = rows_of_id[codes]
    orphan = (rows < 0) & ~late
    if (codes < 0).any() and tickets["ticket_id"].isna().any():
        orphan &= codes >= 0
    in_order = not missing_at.any() and not (codes < 0).any() and _in_order(codes, distinct_ids, at_ns)
    if not in_order:
        dropped = late | orphan
        # an id's rank in text order (ids are compared as text, as Arrow and the engine compare them)
        rank = np.empty(len(distinct_ids), dtype=np.int64)
        rank[pc.array_sort_indices(distinct_ids).to_numpy()] = np.arange(len(distinct_ids))
        table = pa.table({"seq": np.arange(len(events), dtype=np.int64), "dropped": dropped,
                          "id_rank": pa.array(np.append(rank, -1)[codes], mask=codes < 0),
                          "at": pa.array(at_ns, mask=missing_at)})
        seq = query(_ORDER_EVENTS_SQL, events=table).column("seq").to_numpy()
        del table
    for mask, check, what in ((late, Check.FUTURE_TIMESTAMP, f"dropped (after the time of the build, "
                               f"{now:%Y-%m-%d %H:%M} UTC: a time that has not come yet)"),
                              (orphan, Check.ORPHAN_EVENTS, "dropped: their ticket is not in the tickets table")):
        if mask.any():
            first = int(np.flatnonzero(mask)[0])
            quality.append(QualityIssue("events", check, "event_at" if check == Check.FUTURE_TIMESTAMP else "ticket_id",
                                        int(mask.sum()), what, str(events["ticket_id"].iloc[first])))
    dropped = late | orphan
    if in_order:     # already in order: the kept events as they are, without a copy of the log
        kept = (events[~dropped] if dropped.any() else events).reset_index(drop=True)
        rows = rows[~dropped] if dropped.any() else rows
    else:
        order = seq[:len(events) - int(dropped.sum())]
        kept = events.take(order).reset_index(drop=True)
        rows = rows[order]
    return compact_events(kept, tickets, rows if not tickets["ticket_id"].isna().any() else None)


# the event log's text columns held as categories (a small integer code per event, each text once)
_CATEGORY_COLUMNS = ("event_type", "actor_id", "actor_role", "status", "activity")


def compact_events(events: pd.DataFrame, tickets: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """The checked event log in its compact form, the same values: its text columns as categories, and its
    ticket ids as categories that are the tickets table's ids in its order (so an event's code is the row of
    its ticket: ``ticket_rows``), when those ids are unique and every event's id is one of them; else its ids as
    text. ``rows``: each event's row of the tickets table (-1: none) when already known."""
    out = events.copy(deep=False)
    for column in _CATEGORY_COLUMNS:
        if column in out and (pd.api.types.is_string_dtype(out[column])
                              or isinstance(out[column].dtype, pd.CategoricalDtype)):
            out[column] = _as_category(out[column])
    for column in _INTEGER_COLUMNS:
        if column in out and isinstance(out[column].dtype, pd.Int64Dtype):
            out[column] = narrow_integers(out[column])
    ids = tickets["ticket_id"]
    if len(out) and not ids.isna().any() and (ascending(ids) or ids.is_unique) and not out["ticket_id"].isna().any():
        if rows is None:
            rows = _positions(text_column(out["ticket_id"]), text_column(ids))
        if not (rows < 0).any():
            categories = pd.Index(ids.array if isinstance(ids.dtype, pd.StringDtype) else ids.astype("string").array)
            out["ticket_id"] = pd.Series(categorical(rows, _stored(categories)), index=out.index)
            return out
    if isinstance(out["ticket_id"].dtype, pd.CategoricalDtype):    # the compact reading's ids, as text again
        out["ticket_id"] = pd.Series(out["ticket_id"].cat.categories.array.take(
            out["ticket_id"].array.codes, allow_fill=True), index=out.index)
    return out


# the event log's integer columns held in the narrowest nullable integer type their values fit (a tier: a byte per
# event and its missing flag, not nine)
_INTEGER_COLUMNS = ("tier",)


def narrow_integers(values: pd.Series) -> pd.Series:
    """Nullable integers (Int64) as the narrowest of Int8, Int16, Int32 and Int64 that holds every one of them: the
    same values and missing values."""
    low = high = 0
    for start in range(0, len(values), _CHUNK):      # in pieces: no column-long temporaries
        piece = values.array[start:start + _CHUNK]
        if piece.isna().all():
            continue
        low, high = min(low, int(piece.min())), max(high, int(piece.max()))
    for dtype in (pd.Int8Dtype(), pd.Int16Dtype(), pd.Int32Dtype()):
        limits = np.iinfo(dtype.numpy_dtype)
        if limits.min <= low and high <= limits.max:
            return values.astype(dtype)
    return values


def _as_category(values: pd.Series) -> pd.Series:
    """``values.astype("category")`` (categories in text order) by Arrow's dictionary encoding, for Arrow-backed text;
    a categorical of text (the compact reading's) with its used categories in text order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.array.codes
        used = code_counts(codes, len(values.cat.categories)) > 0
        categories = values.cat.categories[used]
        by_text = pc.array_sort_indices(_plain(pa.array(categories.astype("string[pyarrow]").array))).to_numpy()
        if used.all() and (by_text == np.arange(len(by_text))).all() and categories.dtype == "str":
            return values       # already so (normalise's compact columns): the same codes, no copy
        position = np.empty(len(categories), dtype=np.int64)
        position[by_text] = np.arange(len(categories))
        recode = np.full(len(used) + 1, -1, dtype=_small_codes(len(categories)))   # the last: code -1, missing
        recode[np.flatnonzero(used)] = position
        return pd.Series(categorical(recode[codes], _stored(categories[by_text])), index=values.index)
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
    return pd.Series(categorical(codes, _stored(categories)), index=values.index)


def _stored(categories: pd.Index) -> pd.Index:
    """Categories in the text dtype a Parquet round trip gives them (the build cache's tables equal the ingested
    ones); Arrow-backed text keeps its buffers (no copy of ten million ids)."""
    if isinstance(categories.dtype, pd.StringDtype) and categories.dtype.storage == "pyarrow":
        return pd.Index(pa.table({"v": pa.array(categories.array)}).to_pandas(
            types_mapper=lambda kind: pd.StringDtype("pyarrow", na_value=float("nan"))
            if kind in (pa.string(), pa.large_string()) else None)["v"].array)
    return categories.astype("str")


def _categories_as_stored(values: pd.Series) -> pd.Series:
    """A categorical column whose categories are the text dtype a Parquet round trip gives them (the build
    cache's tables equal the ingested ones)."""
    return values.cat.set_categories(values.cat.categories.astype("str"), rename=True)


def _plain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _in_order(codes: np.ndarray, distinct_ids: pa.Array | pa.ChunkedArray, at: np.ndarray) -> bool:
    """Whether the log (every event with an id and a time; ``codes``: each event's id among ``distinct_ids``, in
    order of first appearance) is already in the order _ORDER_EVENTS_SQL gives (by ticket id, then time: the usual
    export), told in one columnar pass: its ids first appear in text order and never come back, and each
    ticket's times do not go back."""
    n = len(distinct_ids)
    if n > 1:
        try:
            rising = pc.all(pc.less(distinct_ids[:-1], distinct_ids[1:])).as_py()
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):   # ids Arrow does not compare: the engine sorts
            return False
        if not rising:
            return False
    for start in range(0, max(len(codes) - 1, 0), _CHUNK):     # in pieces: no column-long temporaries
        step = np.diff(codes[start:start + _CHUNK + 1].astype(np.int64))
        if (step < 0).any() or (np.diff(at[start:start + _CHUNK + 1])[step == 0] < 0).any():
            return False
    return True




def _positions(values: pa.Array | pa.ChunkedArray, known: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's position among the non-missing ``known`` values (the first, when repeated), -1 when not one."""
    found = pc.index_in(values, value_set=_plain(known).drop_null())
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)
