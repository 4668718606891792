"""A text export read in batches (``readers.csv_batches``) and held compact as it is read, so the whole export is
never held as text: a text column whose values repeat as a categorical (each distinct value once, a small integer
code per row; categories in order of first appearance, the same values as the text), any other text column as
text, and a timestamp column read batch by batch as times (``normalise.IsoReading``). A timestamp column that
is not one ISO 8601 column is read again, alone, as text, for the general rules. What comes out is what reading
the export whole gives, value for value: the same canonical table and the same notes (normalise_table reads the
categoricals once per distinct value)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..canonical import TABLES
from ..engine import release_memory
from .normalise import IsoReading, _small_codes, apply_mapping, categorical
from .readers import csv_batches, no_rows

# a text column whose first batch has at most this share of distinct values among its values is held as codes
REPEATS = 0.5
_STR = pd.StringDtype("pyarrow", na_value=float("nan"))   # the text dtype of a read export's columns


@dataclass
class StreamedTable:
    """An export read in batches: its columns by export name (text or a categorical of text), the timestamp
    columns already read (by export name), its rows and how it was read."""

    columns: dict[str, pd.Series]
    times: dict[str, IsoReading]
    rows: int
    read_as: str


class _Text:
    """One text column, batch by batch: as codes when its values repeat (told from its first batch), else as
    text. The codes of a column of few distinct values are made as each batch is read, in the narrowest integer
    type (one byte a row for a few hundred values); past ``_FEW`` distinct values each batch keeps its own
    dictionary and its codes into it (in the narrowest type for it), and the dictionaries are unified once read."""

    def __init__(self, codes: bool | None = None) -> None:
        self.parts: list = []                       # text; or codes (numpy), each with its dictionary's number
        self.dictionaries: list[pa.Array] = []
        self.codes = codes
        # the values so far, in order of first appearance (a value's code is its position), while they are few
        self.known: pa.Array | None = pa.array([], pa.large_string())

    def add(self, text: pa.Array) -> None:
        if self.codes is None:
            present = len(text) - text.null_count
            self.codes = pc.count_distinct(text).as_py() <= REPEATS * present
        if not self.codes:
            self.parts.append(text)
            return
        encoded = pc.dictionary_encode(text)
        if self.known is not None and len(self.known) + len(encoded.dictionary) > _FEW:
            self._to_dictionaries()
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        if self.known is None:
            self.dictionaries.append(encoded.dictionary)
            self.parts.append((indices.astype(_small_codes(len(encoded.dictionary))), len(self.dictionaries) - 1))
            return
        # each value of the batch's dictionary: its code among the values so far, or a new one after them
        found = pc.index_in(encoded.dictionary, value_set=self.known)
        new = found.is_null().to_numpy(zero_copy_only=False)
        to_code = np.append(found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
        to_code[np.flatnonzero(new)] = len(self.known) + np.arange(int(new.sum()))
        if new.any():
            self.known = pa.concat_arrays([self.known, encoded.dictionary.filter(pa.array(new))])
        self.parts.append(to_code[indices].astype(_small_codes(len(self.known))))

    def _to_dictionaries(self) -> None:
        """From codes made batch by batch to codes into each batch's dictionary (too many values to look up)."""
        self.dictionaries = [self.known]
        self.parts = [(part, 0) for part in self.parts]
        self.known = None

    def series(self) -> pd.Series:
        if not self.codes:
            return _text_series(pa.chunked_array(self.parts, pa.large_string()))
        if self.known is not None:
            dictionary, recode = self.known, None
        else:
            # each batch dictionary's codes among all values (in order of first appearance): Arrow's unification of
            # the dictionaries, each given as itself (codes 0, 1, ...), whose new codes are then that mapping
            unified = pa.chunked_array(
                [pa.DictionaryArray.from_arrays(pa.array(np.arange(len(d), dtype=np.int32)), d)
                 for d in self.dictionaries], pa.dictionary(pa.int32(), pa.large_string())).unify_dictionaries()
            self.dictionaries = []
            dictionary = unified.chunk(0).dictionary if unified.num_chunks else pa.array([], pa.large_string())
            recode = [np.append(chunk.indices.to_numpy(), -1) for chunk in unified.chunks]   # the last: -1, missing
            del unified
        kind = _small_codes(len(dictionary))
        parts, self.parts = self.parts, []
        parts.reverse()
        codes = np.empty(sum(len(part if recode is None else part[0]) for part in parts), dtype=kind)
        start = 0
        while parts:       # each batch's codes freed once copied
            part = parts.pop()
            if recode is not None:
                part = recode[part[1]][part[0]]
            codes[start:start + len(part)] = part
            start += len(part)
        categories = pd.Index(_text_series(dictionary).array)
        return pd.Series(categorical(codes, categories), copy=False)


_FEW = 2**15 - 1     # distinct values a column's codes are looked up for batch by batch (two bytes a row)


def _text_series(text: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow text as the text column ``read_table`` gives (Arrow-backed, sharing the buffers)."""
    return pa.table({"v": text}).to_pandas(types_mapper=lambda kind: _STR if kind in (pa.string(), pa.large_string())
                                           else None)["v"]


def read_streamed(path: Path, table: str, wanted: list[str], times: list[str], *, encoding: str | None,
                  delimiter: str | None, as_text: set[str] = frozenset()) -> StreamedTable | None:
    """The ``wanted`` columns of a text export, read batch by batch; ``times``: those read as timestamps;
    ``as_text``: those held as text whether or not their values repeat. None when the file is not one Arrow reads
    as ``read_table`` would (the caller reads it whole)."""
    found = csv_batches(path, table, encoding, delimiter)
    if found is None:
        return None
    names, read_as, open_batches = found
    columns = [name for name in names if name in wanted]
    texts = {name: _Text(False if name in as_text else None) for name in columns if name not in times}
    readings = {name: IsoReading() for name in columns if name in times}
    rows = 0
    try:
        for batch in open_batches(columns):
            rows += batch.num_rows
            for name, text in texts.items():
                text.add(batch.column(name))
            for name, reading in readings.items():
                reading.add(batch.column(name))
            del batch
    except (pa.ArrowException, OSError, ValueError):
        return None
    if not rows:
        no_rows(path, table)
    again = [name for name, reading in readings.items() if reading.failed]
    out = {}
    for name, text in texts.items():
        out[name] = text.series()
        release_memory()      # what making its codes freed, before the next column's
    if again:      # not one ISO 8601 column: read again, alone, as text, for the general rules
        parts: dict[str, list[pa.Array]] = {name: [] for name in again}
        for batch in open_batches(again):
            for name in again:
                parts[name].append(batch.column(name))
        for name in again:
            out[name] = _text_series(pa.chunked_array(parts.pop(name), pa.large_string()))
    return StreamedTable(out, {name: r for name, r in readings.items() if not r.failed}, rows, read_as)


def canonical_columns(names: list[str], table: str, mapping: dict[str, str], path: Path) -> dict[str, str] | None:
    """Export column -> canonical column, as ``apply_mapping`` renames and selects them (its errors when a mapped or
    required column is missing); None when two export columns would give one canonical column."""
    apply_mapping(pd.DataFrame(columns=names), table, mapping, path)
    rename = {source: canonical for canonical, source in mapping.items()}
    selected = {name: rename.get(name, name) for name in names if rename.get(name, name) in TABLES[table]}
    return selected if len(set(selected.values())) == len(selected) else None
