"""A seeded year of a support organisation: the sample data and its ground truth.

    accounts, roster  ->  arrivals  ->  first-response queue  ->  work and escalation
    ->  events (cut at the end of the window)  ->  ticket table  ->  truth

Same spec, same bytes: only numpy generators seeded from ``spec.seed`` are used,
no wall clock, and every table is sorted deterministically. Each model part has
its own stream, so a what-if re-run (``extra_coverage``, ``proactive_update_hours``)
changes only what the change causes.

What is planted (``planted_effects=True``), all recorded in ``truth.json``:

- coverage gap: weekdays 18-21 UTC the tier-1 late shift is thin, so first
  responses created then wait into the night (weekend evenings are thin too,
  because weekend workers are a subset of the same late team);
- slowest industry (Healthcare): 2x work time and half the one-touch chance;
- high-breach channel (email): queued after other channels within a priority,
  slower reply lag and 1.25x work time;
- worst resolution-SLA priority: high (worked like normal against an 8 h target),
  measured on the output and recorded;
- one dominant account (~5% of tickets) among heavy-tailed account volumes;
- bottleneck handoff tier 2 -> tier 3 (engineering works 9-17 weekdays);
- no tenure effect (``tenure_effect`` is null).

With ``planted_effects=False`` no ticket attribute changes any duration or
probability, staffing follows arrivals and both handoffs behave alike; the
planted keys of the truth are null. The rates in ``truth["measured"]``
use the default SLA targets in calendar hours.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .arrivals import draw_tickets, hourly_intensity, per_hour_of_week
from .lifecycle import build_events, build_timeline
from .population import make_accounts, make_roster
from .queue import first_responses
from .arrivals import Tickets
from .lifecycle import R, T, Events
from .spec import DAY, EVENT_TYPES, ROLES, SampleData, SimulationSpec, stream
from .tables import (_categorical, _timestamps, censor_in_place, csat_scores, events_frame, requester_ids,
                     ticket_fields, ticket_ids, tickets_frame)
from .truth import TRUTH_TICKET_COLUMNS, compute_truth

TABLE_NAMES = ("tickets", "events", "accounts", "agents")
_CHUNK = 250_000            # rows per write
_TICKET_CHUNK = 250_000     # tickets (and their events, about seven each) per table chunk


def _model(spec: SimulationSpec):
    """Every model part once, as numpy codes (no frame, no string): the accounts, the roster, the tickets'
    attributes, the censored events (sorted by ticket, then time), the ticket fields derived from them and
    the CSAT scores. Each model part draws from its own stream over all tickets at once, so the model is
    not cut in chunks (a chunked draw would change the bytes of every sample); the whole model is about
    0.5 KB per ticket, and only the tables built from it are made in chunks (``write_simulated``)."""
    accounts = make_accounts(spec, stream(spec, "accounts"))
    intensity = hourly_intensity(spec)
    roster = make_roster(spec, stream(spec, "agents"), per_hour_of_week(spec, intensity))
    tk = draw_tickets(spec, intensity, accounts, stream(spec, "arrivals"), stream(spec, "attributes"))
    fr, fr_agent = first_responses(spec, tk, roster, stream(spec, "queue"))
    timeline, parts = build_timeline(spec, tk, accounts.industry[tk.account], roster, fr,
                                     stream(spec, "work"))
    events = build_events(spec, timeline, parts, fr_agent, roster, stream(spec, "events"))
    del parts, fr, fr_agent
    events = censor_in_place(events, spec.days * DAY)
    n = tk.created.size
    fields = ticket_fields(events, n)
    csat = csat_scores(fields, timeline, stream(spec, "csat"), spec.csat_response_rate)
    return accounts, roster, tk, events, fields, csat


def _run(spec: SimulationSpec):
    """Every model part once; the tables are built from what this returns."""
    accounts, roster, tk, events, fields, csat = _model(spec)
    n = tk.created.size
    ids = ticket_ids(n)
    req_ids = requester_ids(int(accounts.requesters.sum()))
    tickets = tickets_frame(spec, tk, fields, csat, accounts, roster, ids, req_ids)
    return accounts, roster, tk, events, tickets, ids, req_ids


def _tables(spec: SimulationSpec):
    accounts, roster, tk, events, tickets, ids, req_ids = _run(spec)
    return accounts, roster, tickets, events_frame(spec, events, tk, roster, ids, req_ids)


def simulate(spec: SimulationSpec) -> SampleData:
    """Simulate ``spec.days`` days from ``spec.start``; see SimulationSpec for the knobs."""
    accounts, roster, tickets, events_df = _tables(spec)
    truth = compute_truth(spec, tickets, events_df, accounts, roster)
    return SampleData(tickets=tickets, events=events_df, accounts=accounts.table.copy(),
                      agents=roster.table.copy(), truth=truth)


def simulate_log(spec: SimulationSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Only the tickets and events tables of ``simulate(spec)`` (the coverage what-if's re-runs: no truth)."""
    _, _, tickets, events = _tables(spec)
    return tickets, events


def simulate_tickets(spec: SimulationSpec) -> pd.DataFrame:
    """Only the tickets table of ``simulate(spec)`` (what-if re-runs: no event frame, no truth)."""
    return _run(spec)[4]


def _iso(values: pd.Series) -> np.ndarray:
    """ISO 8601 with offset, whole seconds: 2025-10-01T08:13:00+00:00; empty when missing."""
    naive = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("M8[s]")
    text = np.datetime_as_string(naive, unit="s").astype(object) + "+00:00"
    text[np.isnat(naive)] = ""
    return text


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = _iso(col)
        elif name == "csat":
            out[name] = col.astype("Int64")
        elif pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.map({True: "True", False: "False"}).astype(object)   # as pandas writes them
        else:
            out[name] = col
    return pd.DataFrame(out)


_NEEDS_QUOTES = (",", '"', "\r", "\n")


def _plain_text(frame: pd.DataFrame) -> bool:
    """Whether Arrow's CSV writer, unquoted, writes ``frame`` byte for byte as pandas does: no column is a
    float (whose digits the two write differently) and no name or text value holds a comma, quote or line
    break (which pandas quotes). Checked once per table; a categorical's categories, not its rows."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if any(char in str(name) for name in frame.columns for char in _NEEDS_QUOTES):
        return False
    for _, col in frame.items():
        if pd.api.types.is_float_dtype(col.dtype) and col.name != "csat":
            return False
        if isinstance(col.dtype, pd.CategoricalDtype):
            values = pa.array(col.cat.categories.to_numpy(dtype=object), from_pandas=True)
        elif pd.api.types.is_object_dtype(col.dtype) or pd.api.types.is_string_dtype(col.dtype):
            values = pa.array(col.to_numpy(dtype=object), from_pandas=True)
        else:
            continue
        if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type) and len(values):
            return values.null_count == len(values)   # only missing values; anything else: pandas
        if any(pc.any(pc.match_substring(values, char)).as_py() for char in _NEEDS_QUOTES):
            return False
    return True


def _arrow_chunk(frame: pd.DataFrame):
    """A chunk as the Arrow table of the text pandas would write: timestamps as ISO 8601 with offset (blank
    when missing), booleans as True/False, csat as whole numbers, categoricals as their labels."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = {}
    for name, col in frame.items():
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            seconds = col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("M8[s]")
            columns[name] = pc.strftime(pa.array(seconds, from_pandas=True), format="%Y-%m-%dT%H:%M:%S+00:00")
        elif name == "csat":
            columns[name] = pa.array(col.astype("Int64"))
        elif pd.api.types.is_bool_dtype(col.dtype):
            columns[name] = pc.if_else(pa.array(col, from_pandas=True), "True", "False")
        elif isinstance(col.dtype, pd.CategoricalDtype):
            columns[name] = pa.array(col).cast(pa.string())
        else:
            columns[name] = pa.array(col, from_pandas=True)
    return pa.table(columns)


def _write_csv(frame: pd.DataFrame, handle, header: bool = True) -> None:
    """A table as CSV (comma, minimal quoting, "\\n") in chunks of rows, byte for byte what pandas writes:
    through Arrow's CSV writer when ``_plain_text`` (the simulator's tables are: several times faster, and
    no Python string per cell), else through pandas. ``header=False``: rows only (a later chunk of a table;
    rows do not depend on each other, so a table written chunk by chunk has the same bytes)."""
    import pyarrow.csv as pa_csv

    plain = _plain_text(frame)
    if plain and header:
        handle.write((",".join(map(str, frame.columns)) + "\n").encode("utf-8"))   # Arrow would quote the header
    for at in range(0, max(len(frame), 1), _CHUNK):
        chunk = frame.iloc[at:at + _CHUNK]
        if plain:
            pa_csv.write_csv(_arrow_chunk(chunk), handle,
                             pa_csv.WriteOptions(include_header=False, quoting_style="none"))
        else:
            handle.write(_csv_ready(chunk).to_csv(index=False, header=header and at == 0,
                                                  lineterminator="\n").encode("utf-8"))


def write_sample(data: SampleData, out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write the four tables (csv or parquet) and truth.json; return the paths written."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TABLE_NAMES:
        frame: pd.DataFrame = getattr(data, name)
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            # In chunks: formatted timestamps are strings, a whole events table at once is heavy.
            with open(path, "wb") as handle:
                _write_csv(frame, handle)
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    truth_path = out_dir / "truth.json"
    truth_path.write_text(json.dumps(data.truth, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    paths.append(truth_path)
    return paths


def _ticket_slice(tk: Tickets, lo: int, hi: int) -> Tickets:
    return Tickets(*(getattr(tk, f)[lo:hi] for f in ("created", "priority", "channel", "category", "account",
                                                      "requester")))


def _handoff_events(spec: SimulationSpec, events: Events) -> pd.DataFrame:
    """The rows of the events table the truth's handoff waits read (escalations to tier 2 or 3, tier-2 and
    tier-3 agents' actions), in table order; the ticket as its number (the same grouping as its id)."""
    rows = np.flatnonzero(((events.etype == T["escalated"]) & (events.tier >= 2))
                          | (events.role == R["tier2"]) | (events.role == R["tier3"]))
    return pd.DataFrame({
        "ticket_id": events.ticket[rows].astype(np.int64),
        "event_at": _timestamps(spec, events.t[rows]),
        "event_type": _categorical(events.etype[rows], EVENT_TYPES),
        "actor_role": _categorical(events.role[rows], ROLES),
        "tier": events.tier[rows].astype(np.int64),
    })


def write_simulated(spec: SimulationSpec, out_dir: Path, fmt: str = "csv",
                    chunk: int = _TICKET_CHUNK) -> list[Path]:
    """``write_sample(simulate(spec), out_dir, fmt)`` with the same bytes, in bounded memory: the model once as
    numpy codes, then the tickets and events tables built and written ``chunk`` tickets at a time (events
    are sorted by ticket), and the truth from the columns it reads. Parquet files are written whole (one
    row group per table, as before)."""
    if fmt != "csv":
        return write_sample(simulate(spec), out_dir, fmt)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    accounts, roster, tk, events, fields, csat = _model(spec)
    n = tk.created.size
    req_ids = requester_ids(int(accounts.requesters.sum()))
    bounds = list(range(0, n, chunk)) + [n]
    ev_bounds = np.searchsorted(events.ticket, bounds)
    for_truth = []
    paths = [out_dir / f"{name}.{fmt}" for name in TABLE_NAMES]
    with open(paths[0], "wb") as tickets_out, open(paths[1], "wb") as events_out:
        for k, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])):
            part = _ticket_slice(tk, lo, hi)
            ids = ticket_ids(n, lo, hi)
            tickets = tickets_frame(spec, part, {f: v[lo:hi] for f, v in fields.items()}, csat[lo:hi],
                                    accounts, roster, ids, req_ids)
            _write_csv(tickets, tickets_out, header=k == 0)
            for_truth.append(tickets[list(TRUTH_TICKET_COLUMNS)])
            del tickets
            a, b = ev_bounds[k], ev_bounds[k + 1]
            ev = Events(*(getattr(events, f)[a:b] for f in ("ticket", "t", "etype", "actor", "role", "tier",
                                                              "status")))
            ev.ticket = ev.ticket - lo
            _write_csv(events_frame(spec, ev, part, roster, ids, req_ids, used_actors=True), events_out,
                       header=k == 0)
        if n == 0:
            empty = tickets_frame(spec, tk, fields, csat, accounts, roster, ticket_ids(0), req_ids)
            _write_csv(empty, tickets_out)
            _write_csv(events_frame(spec, events, tk, roster, ticket_ids(0), req_ids), events_out)
            for_truth.append(empty[list(TRUTH_TICKET_COLUMNS)])
    n_events = int(events.t.size)
    handoffs = _handoff_events(spec, events)
    del events, fields, csat, tk
    tickets = pd.concat(for_truth, ignore_index=True)
    del for_truth
    truth = compute_truth(spec, tickets, handoffs, accounts, roster, n_events=n_events)
    for path, table in ((paths[2], accounts.table), (paths[3], roster.table)):
        with open(path, "wb") as handle:
            _write_csv(table, handle)
    truth_path = out_dir / "truth.json"
    truth_path.write_text(json.dumps(truth, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    return paths + [truth_path]
