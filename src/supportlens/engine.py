"""The columnar engine of the heavy tables: DuckDB, embedded, out of core.

The per-event and per-ticket work over the event log is set-based, never row by row in Python: SQL run here
on Arrow views of the canonical tables (the sort of an event log that is not in ticket and time order, the
timestamp evidence of a text column), or whole-column numpy where the log's order makes a step one pass
(the SLA clocks' pauses, reopens and solves, analysis/core/clocks.py; the escalation process, read per event
code). What comes back is small (one row per pause, reopen or ticket) and goes on in pandas and numpy, where the
statistics stay. The same SQL can run on a warehouse engine behind a query layer (e.g. ibis) when the tables
outgrow one machine.

The checked event log is compact (ingest.checks.compact_events): its text columns are categories and its
ticket ids categories that are the tickets table's ids, so an event's ticket row is its code (``ticket_rows``).
Tables are handed over as Arrow (zero-copy for Arrow-backed text and numeric columns; a categorical as Arrow's
dictionary); timestamps go as int64 nanoseconds since 1970 UTC (``to_ns``), so no time-zone conversion happens
in the engine.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pyarrow as pa

# the engine may spill to disk past this share of the machine's memory (out of core), never hold more
MEMORY_SHARE = 0.5


def _memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(int(total * MEMORY_SHARE / 2**20), 256)}MB"


@contextmanager
def connect() -> Iterator:
    """An in-memory DuckDB connection with a memory limit and a spill folder of its own."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="supportlens-engine-") as spill:
        con = duckdb.connect(config={"memory_limit": _memory_limit(), "temp_directory": spill,
                                     "preserve_insertion_order": True})
        try:
            yield con
        finally:
            con.close()


def arrow(frame: pd.DataFrame | Mapping[str, object]) -> pa.Table:
    """An Arrow table of ``frame``'s columns (numpy arrays or Series), without the index."""
    if isinstance(frame, pd.DataFrame):
        return pa.Table.from_pandas(frame, preserve_index=False)
    return pa.table({name: (values if isinstance(values, (np.ndarray, pa.Array, pa.ChunkedArray))
                            else pa.Array.from_pandas(values)) for name, values in frame.items()})


def text_column(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column for the engine without a Python string per cell: Arrow-backed text as it is, a categorical
    of text as Arrow's dictionary (its codes, not one string per row), anything else converted to text."""
    if isinstance(values.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(values.cat.categories):
        return pa.DictionaryArray.from_arrays(pa.array(values.cat.codes.to_numpy(), mask=values.isna().to_numpy()),
                                              pa.array(values.cat.categories.astype("string[pyarrow]").array))
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        values = values.astype("string[pyarrow]")
    return pa.array(values.array)


def per_value(values: pd.Series, mapping: Mapping[object, float]) -> pd.Series:
    """``values.map(mapping).astype(float)`` (NaN for a value, or a missing value, not in ``mapping``), looked up once
    per distinct value: no Python object per row for text."""
    codes, distinct = pd.factorize(values)
    looked_up = np.array([mapping.get(v, np.nan) for v in distinct] + [np.nan], dtype=float)
    return pd.Series(looked_up[codes], index=values.index, name=values.name)


def text_objects(values: pd.Series, missing: str) -> np.ndarray:
    """``values.astype("string").fillna(missing).to_numpy(dtype=object)``, each distinct value converted once: the
    rows of text or of a categorical of text point at their value's one Python string (ten million tickets of a few
    priorities: 80 MB of pointers, not a string object a ticket, over 600 MB). Other columns (numbers, categories
    of numbers, mixed objects: their text can depend on the other rows) are converted row by row, as before."""
    text = isinstance(values.dtype, pd.StringDtype) or (isinstance(values.dtype, pd.CategoricalDtype)
                                                         and pd.api.types.is_string_dtype(values.cat.categories))
    if not text:
        return values.astype("string").fillna(missing).to_numpy(dtype=object)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    texts = pd.Series(distinct).astype("string").fillna(missing).to_numpy(dtype=object)
    return np.append(texts, np.array([missing], dtype=object))[codes]


def query(sql: str, params: Mapping[str, object] | None = None, **tables: pa.Table) -> pa.Table:
    """Run ``sql`` on the named Arrow ``tables`` (referenced by their keyword names) and return Arrow."""
    with connect() as con:
        for name, table in tables.items():
            con.register(name, table)
        relation = con.sql(sql, params=dict(params or {}))
        # DuckDB 1.x names it arrow(), 2.x to_arrow_table()
        return (getattr(relation, "to_arrow_table", None) or relation.arrow)()


def ticket_rows(event_ticket_ids: pd.Series, ticket_ids: pd.Series) -> np.ndarray | None:
    """Each event's row of the tickets table read from the compact log's codes (``compact_events``), when its
    categories are exactly ``ticket_ids`` in order; None otherwise (the caller then matches the ids)."""
    if not isinstance(event_ticket_ids.dtype, pd.CategoricalDtype):
        return None
    categories = event_ticket_ids.cat.categories
    if len(categories) != len(ticket_ids) or not _same_text(categories, ticket_ids):
        return None
    return event_ticket_ids.cat.codes.to_numpy().astype(np.int64)


def _same_text(categories: pd.Index, values: pd.Series) -> bool:
    """Whether ``categories`` hold ``values`` in order: compared as Arrow text (a memory compare) when both are
    Arrow-backed text, else by pandas."""
    if all(isinstance(v.dtype, pd.StringDtype) and v.dtype.storage == "pyarrow" for v in (categories, values)):
        texts = [pa.array(v.array) for v in (categories, values)]
        texts = [(t if isinstance(t, pa.ChunkedArray) else pa.chunked_array([t])).cast(pa.large_string())
                 for t in texts]
        return texts[0].equals(texts[1])
    return categories.equals(pd.Index(values.array))


def release_memory() -> None:
    """Give the memory freed by a heavy step back to the system: Arrow's allocator keeps freed pages for reuse
    (at 1M tickets, most of a gigabyte after ingest), and so, less, does the C allocator; kept, they would
    count in every later step's peak. Costs milliseconds."""
    pa.default_memory_pool().release_unused()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc (macOS, Windows, musl): the Arrow pool's release is what counts
        pass
