"""The engine's set-based steps (engine.py and the SQL steps that run on it) against tiny hand-made tables
whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from supportlens.analysis.core.clocks import event_times
from supportlens.config import SlaPolicy
from supportlens.dataset import Check
from supportlens.engine import arrow, per_value, query, text_column, text_objects

H = 3_600_000_000_000            # ns per hour
T0 = pd.Timestamp("2025-03-03 09:00", tz="UTC")


def at(hours: float) -> pd.Timestamp:
    return T0 + pd.Timedelta(hours=hours)


def log(*rows: tuple[str, float | None, str, str | None]) -> pd.DataFrame:
    frame = pd.DataFrame([(t, at(h) if h is not None else pd.NaT, e, s) for t, h, e, s in rows],
                         columns=["ticket_id", "event_at", "event_type", "status"])
    frame["event_at"] = frame["event_at"].astype("datetime64[ns, UTC]")
    return frame


def ns(hours: float) -> int:
    return int(at(hours).value)


def test_query_runs_sql_on_arrow_tables():
    counted = query("SELECT k, sum(v) AS s FROM t GROUP BY k ORDER BY k",
                    t=arrow({"k": np.array(["a", "b", "a"]), "v": np.array([1, 2, 3])}))
    assert counted.to_pydict() == {"k": ["a", "b"], "s": [4, 2]}


def test_pauses_reopens_and_solves_of_a_three_ticket_log():
    ids = pd.Series(["A", "B", "C"], dtype="string")
    events = log(
        # A: pending from 2 h to 5 h (open again at 5 h), on hold from 7 h, still on hold at as-of (20 h)
        ("A", 0, "created", "new"), ("A", 2, "status_change", "pending"), ("A", 3, "status_change", "pending"),
        ("A", 5, "public_reply", "open"), ("A", 7, "status_change", "on_hold"),
        # B: solved at 4 h, reopened at 6 h, solved again at 9 h; its events are logged out of time order
        ("B", 9, "solved", "solved"), ("B", 0, "created", "new"), ("B", 4, "solved", "solved"),
        ("B", 6, "reopened", "open"),
        # C: pending at 1 h, an event without a status at 2 h (does not end the pause), open at 4 h
        ("C", 1, "status_change", "pending"), ("C", 2, "internal_note", None), ("C", 4, "status_change", "open"),
        # an event of a ticket not in the tickets table: left out
        ("X", 1, "status_change", "pending"),
    )
    policy = SlaPolicy(pause_statuses=["pending", "on_hold"])
    times = event_times(events, policy, ids, np.int64(ns(20)))
    pauses = sorted(map(tuple, times.pauses[["row", "pause_start", "pause_end"]].to_numpy().tolist()))
    assert pauses == [(0, ns(2), ns(5)), (0, ns(7), ns(20)), (2, ns(1), ns(4))]
    assert times.reopens.to_numpy().tolist() == [[1, ns(6)]]
    assert sorted(times.solves.to_numpy().tolist()) == [[1, ns(4)], [1, ns(9)]]


def test_a_repeated_ticket_id_belongs_to_its_last_row_and_no_pause_statuses_mean_no_pauses():
    ids = pd.Series(["A", "B", "A"], dtype="string")
    events = log(("A", 0, "created", "new"), ("A", 1, "status_change", "pending"), ("A", 2, "solved", "solved"))
    times = event_times(events, SlaPolicy(), ids, np.int64(ns(5)))
    assert times.pauses is None
    assert times.reopens is None
    assert times.solves.to_numpy().tolist() == [[2, ns(2)]]
    paused = event_times(events, SlaPolicy(pause_statuses=["pending"]), ids, np.int64(ns(5)))
    assert paused.pauses.to_numpy().tolist() == [[2, ns(1), ns(2)]]


def test_an_event_without_a_time_sorts_last_in_its_ticket():
    # B's pending event has no time: it comes after the open event at 3 h, so the pause starts there (at NaT)
    ids = pd.Series(["B"], dtype="string")
    events = log(("B", None, "status_change", "pending"), ("B", 1, "status_change", "open"),
                 ("B", 3, "status_change", "open"))
    times = event_times(events, SlaPolicy(pause_statuses=["pending"]), ids, np.int64(ns(10)))
    assert times.pauses.to_numpy().tolist() == [[0, np.iinfo(np.int64).min, ns(10)]]


def test_check_events_drops_late_and_orphan_events_and_sorts_by_ticket_and_time():
    from supportlens.dataset import Check
    from supportlens.ingest.checks import check_events

    now = at(10)
    tickets = pd.DataFrame({"ticket_id": pd.array(["B", "A"], dtype="string")})
    events = log(("B", 3, "public_reply", None), ("A", 12, "solved", "solved"), ("X", 1, "created", "new"),
                 ("A", 1, "created", "new"), ("B", 0, "created", "new"), ("A", None, "internal_note", None),
                 ("A", 1, "public_reply", None), ("X", 2, "public_reply", None), ("A", 11, "closed", "closed"))
    quality = []
    kept = check_events(events, tickets, quality, now=now)
    # late: A at 12 h and 11 h (first in the log: A); orphans: the two X events; kept sorted by ticket, then time
    # (A's event without a time last of A's), ties in the log's order
    assert [(q.check, q.rows, q.example) for q in quality] == [(Check.FUTURE_TIMESTAMP, 2, "A"),
                                                                (Check.ORPHAN_EVENTS, 2, "X")]
    assert kept["ticket_id"].tolist() == ["A", "A", "A", "B", "B"]
    assert kept["event_type"].tolist() == ["created", "public_reply", "internal_note", "created", "public_reply"]
    assert kept.index.tolist() == [0, 1, 2, 3, 4]


def test_a_log_already_in_order_is_checked_without_the_engine_and_gives_what_the_engine_gives():
    from supportlens.ingest.checks import _in_order, check_events

    tickets = pd.DataFrame({"ticket_id": pd.array(["A", "B", "C"], dtype="string")})
    # in order: by ticket id, then time (a tie kept in the log's order); a late event (A at 12 h) and an orphan (X)
    ordered = log(("A", 1, "created", "new"), ("A", 1, "public_reply", None), ("A", 12, "solved", "solved"),
                  ("B", 0, "created", "new"), ("B", 3, "public_reply", None), ("X", 2, "created", "new"))
    shuffled = ordered.iloc[[4, 2, 0, 5, 3, 1]].reset_index(drop=True)

    def in_order(events):     # each event's id by its code among the ids in order of first appearance
        codes, distinct = pd.factorize(events["ticket_id"])
        return _in_order(codes, text_column(pd.Series(distinct)), events["event_at"].array.asi8)

    assert in_order(ordered)
    assert not in_order(shuffled)
    # ids back again after another's (A, B, A) are not in order, though each id's times are
    assert not in_order(log(("A", 1, "created", "new"), ("B", 2, "created", "new"), ("A", 3, "solved", "solved")))
    found = []
    for events in (ordered, shuffled):
        quality = []
        found.append((check_events(events, tickets, quality, now=at(10)), quality))
    pd.testing.assert_frame_equal(found[0][0], found[1][0])
    assert found[0][0]["event_type"].tolist() == ["created", "public_reply", "created", "public_reply"]
    assert [(q.check, q.rows, q.example) for q in found[0][1]] == [(Check.FUTURE_TIMESTAMP, 1, "A"),
                                                                  (Check.ORPHAN_EVENTS, 1, "X")]
    assert [(q.check, q.rows) for q in found[1][1]] == [(q.check, q.rows) for q in found[0][1]]


def test_an_event_without_a_ticket_id_is_kept_only_when_a_ticket_has_none():
    from supportlens.ingest.checks import check_events

    events = log(("A", 1, "created", "new"), (None, 2, "public_reply", None))
    events["ticket_id"] = events["ticket_id"].astype("string")
    for ids, kept_rows in ((["A"], 1), (["A", None], 2)):
        quality = []
        kept = check_events(events, pd.DataFrame({"ticket_id": pd.array(ids, dtype="string")}), quality, now=at(10))
        assert len(kept) == kept_rows
        assert sum(q.rows for q in quality) == 2 - kept_rows


def test_the_numeric_dates_of_a_column_and_their_fields_are_found_in_one_engine_pass():
    from supportlens.ingest.normalise import _numeric_dates, _share_matching, _NOT_A_NUMBER_RE2

    values = pd.Series(["2025-03-01T09:30:00Z", "13/04/2025 10:00", " 3.4.25", "1/2/2025x", "12/31/2025", "123/4/2025",
                        "٣/٤/2025", None], dtype="string")
    found = _numeric_dates(values)
    # by hand: row 1 (13, 4), row 2 (3, 4; a 2-digit year), row 3 (1, 2: the year is followed by a non-digit),
    # row 4 (12, 31), row 6 (Arabic-Indic digits, the shape Python's \d matches, whose fields pandas reads as no
    # number, as before); not the ISO date, not '123/4/2025' (three leading digits) nor the missing value
    assert found["pos"].tolist() == [1, 2, 3, 4, 6]
    assert found["first"].tolist()[:4] == [13, 3, 1, 12] and np.isnan(found["first"].iloc[4])
    assert found["second"].tolist()[:4] == [4, 4, 2, 31] and np.isnan(found["second"].iloc[4])
    # a character no number has: ':' and 'T' in an ISO time, '/' in a date; '1e9', ' -5 ' and 'nan' are numbers
    numbers = pd.Series(["1700000000", "1e9", " -5 ", "nan", "2025-03-01T09:30", "1/2/2025", "12-3"], dtype="string")
    assert _share_matching(numbers, _NOT_A_NUMBER_RE2) == 3 / 7


def test_the_compact_log_holds_the_same_values_and_its_ticket_codes_are_the_tickets_rows():
    from supportlens.engine import ticket_rows
    from supportlens.ingest.checks import compact_events

    tickets = pd.DataFrame({"ticket_id": pd.array(["B", "A", "C"], dtype="string")})
    events = log(("A", 1, "created", "new"), ("A", 2, "public_reply", None), ("B", 0, "created", "new"),
                 ("C", 5, "solved", "solved"))
    events["ticket_id"] = events["ticket_id"].astype("string")
    events["status"] = events["status"].astype("string")
    compact = compact_events(events, tickets)
    for column in events:
        assert compact[column].astype(object).where(compact[column].notna(), None).tolist() == \
            events[column].astype(object).where(events[column].notna(), None).tolist()
    assert isinstance(compact["event_type"].dtype, pd.CategoricalDtype)
    # A is row 1 of the tickets table, B row 0, C row 2
    assert ticket_rows(compact["ticket_id"], tickets["ticket_id"]).tolist() == [1, 1, 0, 2]
    # another tickets table (another order, a subset): no codes to read, the caller matches the ids
    assert ticket_rows(compact["ticket_id"], tickets["ticket_id"].iloc[::-1].reset_index(drop=True)) is None
    assert ticket_rows(events["ticket_id"], tickets["ticket_id"]) is None
    # a tickets table with a repeated id keeps the ids as text
    assert not isinstance(compact_events(events, pd.concat([tickets, tickets]))["ticket_id"].dtype,
                          pd.CategoricalDtype)


def test_the_event_times_of_a_log_in_order_and_of_the_same_log_shuffled_are_the_same():
    ids = pd.Series(["A", "B"], dtype="string")
    ordered = log(("A", 0, "created", "new"), ("A", 2, "status_change", "pending"), ("A", 4, "solved", "solved"),
                  ("A", 5, "reopened", "open"), ("A", 6, "status_change", "pending"), ("A", None, "internal_note", None),
                  ("B", 1, "created", "new"), ("B", 2, "status_change", "on_hold"), ("B", 3, "solved", "solved"))
    policy = SlaPolicy(pause_statuses=["pending", "on_hold"])
    found = [event_times(frame, policy, ids, np.int64(ns(10)))
             for frame in (ordered, ordered.iloc[[8, 3, 0, 5, 7, 1, 6, 4, 2]].reset_index(drop=True))]
    for name in ("pauses", "reopens", "solves"):
        pd.testing.assert_frame_equal(getattr(found[0], name), getattr(found[1], name))
    # by hand: A pending 2-4 h (the solve has a status outside the pauses), pending again from 6 h to as-of;
    # B on hold from 2 h to 3 h
    assert found[0].pauses.to_numpy().tolist() == [[0, ns(2), ns(4)], [0, ns(6), ns(10)], [1, ns(2), ns(3)]]
    assert found[0].reopens.to_numpy().tolist() == [[0, ns(5)]]
    assert found[0].solves.to_numpy().tolist() == [[0, ns(4)], [1, ns(3)]]


@pytest.mark.parametrize("values, dtype", [([1, 2, None, 3], "Int8"), ([None, None], "Int8"), ([-129, 5], "Int16"),
                                           ([0, 40_000, None], "Int32"), ([2**40, None, -1], "Int64")])
def test_the_compact_log_holds_its_integers_in_the_narrowest_type_that_fits_them(values, dtype):
    from supportlens.ingest import checks
    from supportlens.ingest.checks import compact_events

    tickets = pd.DataFrame({"ticket_id": pd.array(["A"], dtype="string")})
    events = log(*[("A", float(k), "status_change", None) for k in range(len(values))])
    events["ticket_id"] = events["ticket_id"].astype("string")
    events["tier"] = pd.array(values, dtype="Int64")
    compact = compact_events(events, tickets)
    assert str(compact["tier"].dtype) == dtype
    assert compact["tier"].astype("Int64").tolist() == events["tier"].tolist()
    # read in pieces: the extremes of every piece count
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "_CHUNK", 1)
        assert str(compact_events(events, tickets)["tier"].dtype) == dtype


@pytest.mark.parametrize("values", [
    pd.Series(["high", None, "low", "high", "urgent", None], dtype="category"),
    pd.Series(["high", None, "low", "high", ""], dtype="string[pyarrow]"),
    pd.Series(["high", None, "low", "high"], dtype="string[python]"),
    pd.Series(pd.Categorical([3, 1, None, 3], categories=[1, 2, 3])),   # ("3.0": its text depends on the NaN)
    pd.Series([1, 1.0, True, None, "1"], dtype=object),     # equal values that differ as text: row by row
    pd.Series([1.5, np.nan, 2.0]),
    pd.Series([], dtype="category"),
])
def test_text_objects_are_the_row_by_row_conversion_with_one_string_per_distinct_value(values):
    expected = values.astype("string").fillna("none").to_numpy(dtype=object)
    got = text_objects(values, "none")
    assert got.dtype == object
    assert got.tolist() == expected.tolist()
    if isinstance(values.dtype, pd.StringDtype) or (isinstance(values.dtype, pd.CategoricalDtype)
                                                    and pd.api.types.is_string_dtype(values.cat.categories)):
        assert len({id(text) for text in got}) == len(set(got.tolist()))   # one object per distinct text


@pytest.mark.parametrize("values", [
    pd.Series(["high", None, "low", "high", "urgent"], dtype="category"),
    pd.Series(["high", None, "low", "high", "urgent"], dtype="string[pyarrow]"),
    pd.Series(["high", None, "low", "high", "urgent"], dtype=object),
    pd.Series([], dtype="category"),
])
def test_per_value_is_map_as_floats_with_nan_where_the_mapping_has_no_value(values):
    mapping = {"high": 4.0, "low": 24.0}
    got = per_value(values, mapping)
    pd.testing.assert_series_equal(got, values.map(mapping).astype(float))
    expected = [4.0, np.nan, 24.0, 4.0, np.nan] if len(values) else []     # missing and unmapped values: NaN
    np.testing.assert_array_equal(got.to_numpy(), np.array(expected, dtype=float))
