"""Turn a raw export frame into a canonical table, logging every fix.

Mapping renames export columns to canonical names; then each column is coerced
to its kind (timestamp, category, integer, ...). Problems that can be repaired
are repaired and logged as QualityIssue; problems that make the table unusable
raise SupportlensError naming the file, the column, an example row and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..canonical import PRIORITIES, STATUSES, TABLES
from ..formatting import fmt_segment
from ..dataset import WITH_A_VALUE, Check, QualityIssue
from ..engine import query, release_memory, text_column
from ..errors import SupportlensError

PRIORITY_WORDS = {
    "critical": "critical", "urgent": "critical", "p1": "critical", "1": "critical", "highest": "critical",
    "1 - critical": "critical", "blocker": "critical", "emergency": "critical",
    "high": "high", "p2": "high", "2": "high", "2 - high": "high", "major": "high",
    "normal": "normal", "medium": "normal", "p3": "normal", "3": "normal", "3 - moderate": "normal",
    "moderate": "normal",
    "low": "low", "p4": "low", "4": "low", "4 - low": "low", "lowest": "low", "minor": "low",
    "5 - planning": "low", "planning": "low", "trivial": "low",
    "5": "low", "p5": "low",     # bare ITIL priorities 1-5 (1 critical, 2 high, 3 normal, 4 and 5 low)
}
STATUS_WORDS = {
    "new": "new", "open": "open", "in progress": "open", "in_progress": "open", "active": "open",
    "assigned": "open", "pending": "pending", "waiting on customer": "pending",
    "awaiting user info": "pending", "on_hold": "on_hold", "on hold": "on_hold", "hold": "on_hold",
    "awaiting vendor": "on_hold", "solved": "solved", "resolved": "solved", "closed": "closed",
    "done": "solved", "cancelled": "closed", "canceled": "closed",
}
CHANNEL_WORDS = {
    "email": "email", "e-mail": "email", "web": "web", "web form": "web", "webform": "web",
    "portal": "web", "website": "web", "chat": "chat", "live chat": "chat",
    # postal mail and self-service are channels of their own (a letter is not an e-mail)
    "mail": "postal", "postal": "postal", "postal mail": "postal", "post": "postal", "letter": "postal",
    "self-service": "self_service", "self service": "self_service", "selfservice": "self_service",
    "messaging": "chat", "phone": "phone", "telephone": "phone", "voice": "phone", "call": "phone",
    "app": "app", "mobile": "app", "mobile app": "app", "social": "social", "social media": "social",
    "twitter": "social", "facebook": "social", "api": "api",
}
DEFAULT_VOCABULARIES = {"priority": PRIORITY_WORDS, "status": STATUS_WORDS, "channel": CHANNEL_WORDS}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")
# something with a year, month and day: 2025-03-01, 01/03/2025, 1.3.25, 20250301, "Mar 1 2025"
_DATE_LIKE = re.compile(r"\d{1,4}[-/.]\d{1,2}|\d{8}|[A-Za-z]{3,}\.? *\d{1,2}|\d{1,2} *[A-Za-z]{3,}")
# day/month/year or month/day/year with 1-2 digit fields first, then the rest (a time of day ...)
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?!\d)"
_NUMERIC_DATE_REST = _NUMERIC_DATE + r"(.*)$"
# The engine's regular expressions (RE2: no look-ahead; its \d and \s are ASCII, so Python's Unicode digit and
# space classes are spelled out: Nd digits, whitespace as str.isspace() has it).
_SPACE = r"\t\n\v\f\r \x{1c}-\x{1f}\x{85}\pZ"
# the day/month/year shape of _NUMERIC_DATE (its two leading fields captured)
_NUMERIC_DATE_RE2 = (r"^[" + _SPACE + r"]*(\p{Nd}{1,2})[/.\-](\p{Nd}{1,2})[/.\-](?:\p{Nd}{2}|\p{Nd}{4})"
                     r"(?:\P{Nd}|$)")
# a character that no number pandas reads has (digits, sign, point, exponent, inf/nan/infinity, spaces)
_NOT_A_NUMBER_RE2 = r"[^0-9eE+\-." + _SPACE + r"infatyINFATY]|\p{Nd}[+\-]"


def frame_of(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """A frame of ``columns`` (Series on ``index``) that shares their memory (the DataFrame constructor copies the
    Series of a dict: a second copy of a whole table)."""
    out = pd.DataFrame(index=index)
    for name, values in columns.items():
        out[name] = values
    return out


def apply_mapping(frame: pd.DataFrame, table: str, mapping: dict[str, str], path: Path) -> pd.DataFrame:
    """Rename export columns to canonical names and check the required ones are there."""
    missing_sources = {canon: src for canon, src in mapping.items() if src not in frame.columns}
    if missing_sources:
        canon, src = next(iter(missing_sources.items()))
        raise SupportlensError(
            f"{path}: column '{src}' (mapped to {table}.{canon} in supportlens.yml) is not in the file; "
            f"its columns are: {', '.join(map(str, frame.columns[:15]))}",
            f"fix data.mapping.{table}.{canon} in supportlens.yml to name one of the file's columns",
        )
    renamed = frame.rename(columns={src: canon for canon, src in mapping.items()})
    required = [c for c, (_, req, _) in TABLES[table].items() if req]
    absent = [c for c in required if c not in renamed.columns]
    if absent:
        column = absent[0]
        raise SupportlensError(
            f"{path}: required column '{column}' is missing from the {table} file; "
            f"its columns are: {', '.join(map(str, frame.columns[:15]))}",
            f"add data.mapping.{table}.{column}: <your column name> to supportlens.yml, "
            f"or rename the column in the export to '{column}'",
        )
    known = [c for c in TABLES[table] if c in renamed.columns]
    return renamed[known].copy()


def parse_timestamps(series: pd.Series, *, table: str, column: str, path: Path, timezone: str,
                     dayfirst: bool | None, quality: list[QualityIssue], default_dayfirst: bool = False) -> pd.Series:
    """Parse a column to tz-aware UTC; a column that is mostly garbage is an error.

    Numeric dates (03/04/2025, 22-04-15) are read with one convention for the whole column
    (:func:`date_order`): ``dayfirst`` when configured, else the column's evidence (a first field
    above 12 is a day, a second field above 12 is a day), else ``default_dayfirst`` (the
    importer's convention), which is logged as an assumption."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.tz_localize(timezone).dt.tz_convert("UTC")
    iso = _iso_timestamps(series, timezone, table=table, column=column, quality=quality)
    if iso is not None:
        return iso
    text = series.astype("string").str.strip().replace({"": pd.NA, "?": pd.NA, "nan": pd.NA, "NaT": pd.NA})
    present = text.notna()
    if not present.any():
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    values = text if present.all() else text[present]    # no copy of a full column
    epoch = epoch_timestamps(values, table=table, column=column, quality=quality)
    if epoch is not None:
        return epoch.reindex(series.index)
    # the offset check looks at values that look like dates; the others fail to parse and are counted below
    looks_like_date = values.str.contains(_DATE_LIKE.pattern, regex=True)
    datelike = values if looks_like_date.all() else values[looks_like_date]
    with_offset = datelike.str.contains(_OFFSET.pattern, regex=True)
    has_offset = bool(with_offset.mean() >= 0.5) if len(with_offset) else False
    if with_offset.any() and not with_offset.all():
        odd = datelike[with_offset != has_offset].iloc[0]
        raise SupportlensError(
            f"{path}: column '{column}' of the {table} file mixes timestamps with and without a time zone "
            f"(e.g. {datelike[with_offset == has_offset].iloc[0]!r} and {odd!r}), so their order cannot be trusted",
            "export every timestamp of the column in one form (all UTC, or all with an offset such as +01:00), "
            "or all without an offset and set data.timezone to the zone they are in",
        )
    order = date_order(values, configured=dayfirst, default=default_dayfirst)
    if order.note:
        quality.append(QualityIssue(table, Check.DATE_ORDER, column, order.rows, order.note, order.example,
                                    applies_to=int(present.sum()), applies_what=WITH_A_VALUE))
    parsed = _to_datetime(text, dayfirst=order.dayfirst, utc=has_offset)
    if not has_offset:
        parsed = localise(parsed, timezone, table=table, column=column, quality=quality)
        quality.append(QualityIssue(table, Check.TIMEZONE_ASSUMED, column, int(present.sum()),
                                    f"timestamps without a time zone read as {timezone} (the configured time zone)", str(values.iloc[0]),
                                    applies_to=int(present.sum()), applies_what=WITH_A_VALUE))
    if not values.str.contains(_TIME_OF_DAY.pattern, regex=True).any():
        quality.append(QualityIssue(table, Check.DATE_ONLY, column, int(present.sum()),
                                    "dates without a time of day read as 00:00; durations from them and hour-of-day "
                                    "patterns are approximate", str(values.iloc[0]),
                                    applies_to=int(present.sum()), applies_what=WITH_A_VALUE))
    failed = present & parsed.isna()
    n_failed = int(failed.sum())
    if n_failed:
        row = int(np.flatnonzero(failed.to_numpy())[0])
        example = str(text[failed].iloc[0])
        if n_failed > 0.5 * int(present.sum()):
            raise SupportlensError(
                f"{path}: column '{column}' of the {table} file holds values that are not timestamps "
                f"({n_failed:,} of {int(present.sum()):,}); first at data row {row + 1}: {example!r}",
                "map the column that holds the date and time (data.mapping in supportlens.yml), "
                "or export timestamps as ISO 8601, e.g. 2025-03-01T09:30:00Z",
            )
        quality.append(QualityIssue(table, Check.UNPARSEABLE_TIMESTAMP, column, n_failed,
                                    "kept as missing", example, applies_to=int(present.sum()), applies_what=WITH_A_VALUE))
    return parsed


def _iso_timestamps(series: pd.Series, timezone: str, *, table: str, column: str,
                    quality: list[QualityIssue]) -> pd.Series | None:
    """The common case in one columnar pass: an Arrow-backed text column whose every value Arrow reads as an
    ISO 8601 timestamp, all with an offset (Z, +01:00, +0100) or all without one (:class:`IsoReading`, the
    whole column as one batch). None for any other column (it is then read by the general rules)."""
    if not (isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"):
        return None
    reading = IsoReading()
    reading.add(pa.array(series.array))
    return reading.finish(series.index, timezone, table=table, column=column, quality=quality)


_BARE_HOUR_OFFSET = r"[+-]\d\d$"


class IsoReading:
    """Arrow's columnar ISO 8601 reading of a text column, one batch after another (a column read whole is one
    batch; a streamed export, ingest.stream, gives its batches as they are read, so the column is never held as
    text). It reads the column when every value Arrow reads as an ISO 8601 timestamp, all with an offset (Z,
    +01:00, +0100) or all without one. Such a column holds nothing the general reading (parse_timestamps) would
    treat otherwise (no blank or padded value, no epoch number, no day/month date, no mix of zoned and unzoned
    times), so it gives the same times and notes without its regex passes over every value. Any other column
    is ``failed`` (and read by the general rules); so is one without a value (``finish`` gives None)."""

    def __init__(self) -> None:
        self.utc: bool | None = None       # with an offset (read as UTC) or without (local times); None: not known yet
        self.parts: list[pa.Array] = []    # int64 nanoseconds (UTC, or local wall time)
        self.present = 0                   # values (not missing)
        self.first: str | None = None      # the first value, the notes' example
        self.time_of_day = False           # some value has a time of day
        self.failed = False

    def add(self, text: pa.Array | pa.ChunkedArray) -> bool:
        """Read one batch of the column's text (in the column's order); False once the column is not one."""
        if self.failed:
            return False
        if text.null_count < len(text):
            for utc in ((True, False) if self.utc is None else (self.utc,)):
                try:
                    parsed = pc.cast(text, pa.timestamp("ns", tz="UTC" if utc else None))
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    continue
                # Arrow also reads a bare hour offset (+01), which the general rules do not count as an offset
                if utc and pc.any(pc.match_substring_regex(text, _BARE_HOUR_OFFSET)).as_py():
                    break
                self.utc = utc
                if self.first is None:
                    self.first = text[pc.index(pc.is_valid(text), True).as_py()].as_py()
                    self.time_of_day = bool(_TIME_OF_DAY.search(self.first))
                if not self.time_of_day:
                    self.time_of_day = bool(pc.any(pc.match_substring_regex(text, _TIME_OF_DAY.pattern)).as_py())
                self.present += len(text) - text.null_count
                self.parts.append(parsed.cast(pa.int64()))
                return True
            self.failed = True
            self.parts = []
            return False
        self.parts.append(pa.nulls(len(text), pa.int64()))
        return True

    def finish(self, index: pd.Index, timezone: str, *, table: str, column: str,
               quality: list[QualityIssue]) -> pd.Series | None:
        """The column as UTC times on ``index`` with its notes (local times localised from ``timezone``, dates
        without a time of day); None when it is not an ISO column or holds no value."""
        if self.failed or not self.present:
            return None
        utc = bool(self.utc)
        # the batches' nanoseconds into one array, each batch freed once copied (never all twice)
        times = np.empty(sum(len(part) for part in self.parts), dtype=np.int64)
        start, parts, self.parts = 0, self.parts, []
        parts.reverse()
        while parts:
            part = parts.pop()
            times[start:start + len(part)] = part.fill_null(np.iinfo(np.int64).min).to_numpy()
            start += len(part)
        out = pd.Series(_utc_times(times) if utc else times.view("datetime64[ns]"), index=index, copy=False)
        del times
        if not utc:
            out = localise(out, timezone, table=table, column=column, quality=quality)
            quality.append(QualityIssue(table, Check.TIMEZONE_ASSUMED, column, self.present,
                                        f"timestamps without a time zone read as {timezone} (the configured time zone)",
                                        self.first, applies_to=self.present, applies_what=WITH_A_VALUE))
        if not self.time_of_day:
            quality.append(QualityIssue(table, Check.DATE_ONLY, column, self.present,
                                        "dates without a time of day read as 00:00; durations from them and "
                                        "hour-of-day patterns are approximate", self.first,
                                        applies_to=self.present, applies_what=WITH_A_VALUE))
        return out


def _utc_times(ticks: np.ndarray, unit: str = "ns") -> object:
    """int64 ``unit``s (default nanoseconds) since 1970 as UTC times over the same memory (no copy of a column of
    times)."""
    try:
        return pd.arrays.DatetimeArray._simple_new(ticks.view(f"datetime64[{unit}]"),
                                                   dtype=pd.DatetimeTZDtype(unit, "UTC"))
    except (AttributeError, TypeError):      # a pandas without it: the same times, copied once
        return pd.Series(ticks.view(f"datetime64[{unit}]"), copy=False).dt.tz_localize("UTC").array


def localise(naive: pd.Series, timezone: str, *, table: str, column: str, quality: list[QualityIssue]) -> pd.Series:
    """Naive local times in ``timezone`` → UTC. A time the spring clock change skips is moved forward by the
    gap; a time the autumn change repeats is read as the first of the two (daylight time); both are logged."""
    strict = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    odd = naive.notna() & strict.isna()
    if not odd.any():
        return strict.dt.tz_convert("UTC")
    local = naive.dt.tz_localize(timezone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
    gap = odd & (local.dt.tz_localize(None) != naive)
    for mask, what in ((gap, "in the spring clock-change gap: moved forward to the first valid time"),
                       (odd & ~gap, "in the autumn clock-change hour, which happens twice: read as the first "
                                    "(daylight) one")):
        if mask.any():
            quality.append(QualityIssue(table, Check.DST_TIME, column, int(mask.sum()),
                                        f"local times {what} ({timezone})", str(naive[mask].iloc[0]),
                                        applies_to=int(naive.notna().sum()), applies_what=WITH_A_VALUE))
    return local.dt.tz_convert("UTC")


def epoch_timestamps(values: pd.Series, *, table: str, column: str, quality: list[QualityIssue]) -> pd.Series | None:
    """A column of plain numbers in a plausible range read as seconds (1e8-1e10: 1973-2286) or milliseconds
    (1e11-1e13) since 1970-01-01 UTC; None when the column is not such a column."""
    # a value with a character no number has (the ':' and '-' of an ISO timestamp) is not one: a column
    # mostly of such values is not an epoch column, told without pandas' slow number parsing of text
    if _share_matching(values, _NOT_A_NUMBER_RE2) > 0.5:
        return None
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if numbers.isna().mean() > 0.5:
        return None
    median = float(numbers.abs().median())
    unit = "s" if 1e8 <= median < 1e10 else "ms" if 1e11 <= median < 1e13 else None
    if unit is None:
        return None
    plausible = (numbers.between(1e8, 1e10) if unit == "s" else numbers.between(1e11, 1e13)).fillna(False).astype(bool)
    parsed = pd.to_datetime(numbers.where(plausible), unit=unit, utc=True).astype("datetime64[ns, UTC]")
    quality.append(QualityIssue(table, Check.EPOCH_TIMESTAMP, column, int(plausible.sum()),
                                f"read as {'seconds' if unit == 's' else 'milliseconds'} since 1970-01-01 UTC",
                                f"{values[plausible].iloc[0]} → {parsed[plausible].iloc[0]:%Y-%m-%d %H:%M:%S} UTC",
                                applies_to=len(values), applies_what=WITH_A_VALUE))
    bad = ~plausible
    if bad.any():
        quality.append(QualityIssue(table, Check.UNPARSEABLE_TIMESTAMP, column, int(bad.sum()),
                                    "kept as missing (not a number of seconds or milliseconds since 1970 like the rest)",
                                    str(values[bad].iloc[0]), applies_to=len(values), applies_what=WITH_A_VALUE))
    return parsed


@dataclass(frozen=True)
class DateOrder:
    """The one convention a column's numeric dates are read with, and why."""

    dayfirst: bool
    note: str | None = None        # a data-quality note when the convention was assumed or contradicted
    rows: int = 0                  # values the note is about
    example: str | None = None


def _text_table(values: pd.Series) -> pa.Table:
    """A text column and its positions as an Arrow table for the engine (no Python string per cell)."""
    return pa.table({"pos": np.arange(len(values), dtype=np.int64), "v": text_column(values)})


def _share_matching(values: pd.Series, pattern: str) -> float:
    """The share of ``values`` (missing ones count as not matching) in which the RE2 ``pattern`` is found."""
    if not len(values):
        return float("nan")
    found = query("SELECT count(*) FILTER (WHERE regexp_matches(v, $pattern)) AS n FROM t",
                  {"pattern": pattern}, t=_text_table(values))
    return found.column("n")[0].as_py() / len(values)


def _numeric_dates(values: pd.Series) -> pd.DataFrame:
    """The two leading fields of the day/month/year-shaped values, of those only, with their position (``pos``):
    found by the engine in one pass, so a column of ISO dates gives an empty frame without a per-value parse."""
    found = query("SELECT pos, regexp_extract(v, $pattern, 1) AS a, regexp_extract(v, $pattern, 2) AS b FROM t "
                  "WHERE regexp_matches(v, $pattern) ORDER BY pos", {"pattern": _NUMERIC_DATE_RE2},
                  t=_text_table(values))
    return pd.DataFrame({"pos": found.column("pos").to_numpy(),
                         "first": pd.to_numeric(found.column("a").to_pandas(), errors="coerce").to_numpy(),
                         "second": pd.to_numeric(found.column("b").to_pandas(), errors="coerce").to_numpy()})


def date_order(values: pd.Series, *, configured: bool | None, default: bool) -> DateOrder:
    """Day-first or month-first for a whole column of present values, from all of its evidence.

    A first field above 12 can only be a day (day-first); a second field above 12 only a day
    (month-first). The configured convention always wins (values that contradict it become
    unreadable and are counted). Without evidence either way the column is ambiguous: it is
    read by ``default`` and the assumption is logged."""
    fields = _numeric_dates(values)   # of the numeric dates only
    numeric = fields["first"].notna()
    example = lambda mask: str(values.iloc[fields["pos"].to_numpy()[mask.to_numpy()][0]])   # noqa: E731 - the first
    if not numeric.any():
        return DateOrder(bool(configured) if configured is not None else default)
    day_first_evidence = int((fields["first"] > 12).sum())
    month_first_evidence = int((fields["second"] > 12).sum())
    if configured is not None:
        against = month_first_evidence if configured else day_first_evidence
        if against:
            bad = (fields["second"] > 12) if configured else (fields["first"] > 12)
            return DateOrder(configured, f"{against:,} dates contradict the configured "
                             f"{'day-first' if configured else 'month-first'} order and cannot be read",
                             against, example(bad))
        return DateOrder(configured)
    if day_first_evidence and month_first_evidence:
        chosen = day_first_evidence >= month_first_evidence
        minority = month_first_evidence if chosen else day_first_evidence
        bad = (fields["second"] > 12) if chosen else (fields["first"] > 12)
        return DateOrder(chosen, f"the column mixes day-first and month-first dates; read "
                         f"{'day-first' if chosen else 'month-first'} (the majority, {max(day_first_evidence, month_first_evidence):,} "
                         f"dates with a day above 12); {minority:,} dates written the other way cannot be read",
                         minority, example(bad))
    if day_first_evidence:
        return DateOrder(True)
    if month_first_evidence:
        return DateOrder(False)
    rows = int(numeric.sum())
    return DateOrder(default, f"no date in the column has a day above 12, so the order of day and month cannot be told "
                     f"from the data; read {'day-first (3/4 = 3 April)' if default else 'month-first (3/4 = March 4)'}, "
                     f"{'the convention of this help desk' if default else 'the default'}; "
                     "the date order can be set in the configuration", rows, example(numeric))


def _iso_date_part(text: pd.Series, dayfirst: bool) -> pd.Series:
    """Rewrite day/month/year-shaped values as year-month-day (2-digit years as pandas reads %y),
    so every value of the column is read in one order; other values are left as they are."""
    parts = text.str.extract(_NUMERIC_DATE_REST)
    matched = parts[0].notna()
    if not matched.any():
        return text
    a, b = parts[0][matched].astype(int), parts[1][matched].astype(int)
    day, month = (a, b) if dayfirst else (b, a)
    year = parts[2][matched].astype(int)
    year = year.where(parts[2][matched].str.len() > 2, year + np.where(year < 69, 2000, 1900))
    valid = month.between(1, 12) & day.between(1, 31)
    iso = (year.astype(str).str.zfill(4) + "-" + month.astype(str).str.zfill(2) + "-" + day.astype(str).str.zfill(2)
           + parts[3][matched].fillna(""))
    out = text.copy()
    out[matched] = iso.where(valid, "invalid")
    return out


def _arrow_timestamps(text: pa.Array | pa.ChunkedArray, index: pd.Index, *, utc: bool) -> pd.Series | None:
    """Arrow's columnar ISO 8601 reading of ``text`` as timestamps in UTC (``utc``) or without a zone, on
    ``index``; None when Arrow does not read every value."""
    try:
        parsed = pc.cast(text, pa.timestamp("ns", tz="UTC" if utc else None))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return pd.Series(parsed.to_pandas(), index=index).astype("datetime64[ns, UTC]" if utc else "datetime64[ns]")


def _to_datetime(text: pd.Series, *, dayfirst: bool, utc: bool) -> pd.Series:
    if isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow":
        # fastest: Arrow's ISO 8601 reader, columnar; any value it does not read leaves the column to pandas
        parsed = _arrow_timestamps(pa.array(text.array), text.index, utc=utc)
        if parsed is not None:
            return parsed
    try:  # fast path: one ISO 8601 layout for the whole column
        return pd.to_datetime(text, format="ISO8601", utc=utc).astype("datetime64[ns, UTC]" if utc else "datetime64[ns]")
    except (ValueError, TypeError):
        pass
    if not dayfirst:
        try:  # fast path for 2012/10/9 14:50:17 style layouts
            return pd.to_datetime(text, format="%Y/%m/%d %H:%M:%S", utc=utc).astype(
                "datetime64[ns, UTC]" if utc else "datetime64[ns]")
        except (ValueError, TypeError):
            pass
    unique = pd.Series(text.dropna().unique(), dtype="string")
    rewritten = _iso_date_part(unique, dayfirst)
    # every numeric date is now year-month-day: reading it "day-first" would swap month and day again
    parsed = pd.to_datetime(rewritten, format="mixed", dayfirst=False, utc=utc, errors="coerce")
    unique = unique.to_numpy()
    lookup = pd.Series(parsed.to_numpy(), index=unique)
    out = text.map(lookup)
    return out.astype("datetime64[ns, UTC]" if utc else "datetime64[ns]")


def normalise_vocabulary(series: pd.Series, *, table: str, column: str, words: dict[str, str | None],
                         allowed: tuple[str, ...], fallback: str | None,
                         quality: list[QualityIssue], compact: bool = False) -> pd.Series:
    """Map spellings ("Urgent", "1 - Critical", "P1") onto the canonical vocabulary; each distinct value is
    read once and rows are counted by its weight. ``compact``: a categorical column (ingest's compact text)
    comes back as a categorical of the canonical values."""
    codes, uniques = _factorize(series)
    weight = pd.Series(code_counts(codes, len(uniques)))
    rows = lambda mask: int(weight[mask.fillna(False).to_numpy(dtype=bool)].sum())   # noqa: E731
    raw = _whole_number_text(pd.Series(uniques, dtype=_value_dtype(series) if len(uniques) else "string")).str.strip().str.lower()
    vocabulary = {**{value: value for value in allowed}, **words}
    mapped = raw.map(vocabulary)
    to_missing = raw.isin([k for k, v in vocabulary.items() if v is None])
    with_value = rows(raw.notna())
    if to_missing.any():
        quality.append(QualityIssue(table, Check.MAPPED_TO_MISSING, column, rows(to_missing),
                                    "read as missing (the vocabulary maps the value to nothing)",
                                    ", ".join(sorted(raw[to_missing].unique().tolist())[:5]),
                                    applies_to=with_value, applies_what=WITH_A_VALUE))
        raw = raw.mask(to_missing)
    unknown = raw.notna() & mapped.isna()
    if unknown.any():
        values = ", ".join(sorted(raw[unknown].unique().tolist())[:5])
        quality.append(QualityIssue(table, Check.UNKNOWN_VALUE, column, rows(unknown),
                                    f"mapped to {fallback}" if fallback else "kept as missing", values,
                                    applies_to=with_value, applies_what=WITH_A_VALUE))
    missing = rows(raw.isna()) + int((codes < 0).sum())    # the rows without a value at all count too
    if missing and fallback:
        quality.append(QualityIssue(table, Check.MISSING_VALUES, column, missing, f"set to {fallback}", None))
    if compact and _is_categorical(series):
        return _by_row(mapped.astype("string"), codes, series.index, missing=fallback)
    out = pd.Series(mapped.astype("string").array.take(codes, allow_fill=True), index=series.index)
    return out.fillna(fallback) if fallback else out


def _whole_number_text(series: pd.Series) -> pd.Series:
    """Text of a column, with a spreadsheet's whole numbers as integers ("1.0" -> "1": a stored code)
    and blank or NaN cells missing (never the string "nan")."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numeric = pd.to_numeric(series, errors="coerce")
        whole = numeric.notna() & (numeric == numeric.round())
        text = numeric.astype("string")
        text = text.where(~whole, numeric.where(whole).astype("Int64").astype("string"))
        return text.where(numeric.notna())
    text = series.astype("string")
    return text.mask(text.str.strip().isin(["", "nan", "NaN"]))


def normalise_label(series: pd.Series) -> pd.Series:
    """Lower-case, trimmed, words joined by underscores: 'Login Access ' -> 'login_access'."""
    text = series.astype("string").str.strip().str.lower()
    # per distinct value (a regex with \s runs in Python for each cell): a column has few labels
    codes, labels = pd.factorize(text)
    if not len(labels):
        return text
    joined = pd.Series(labels, dtype="string").str.replace(r"[\s\-/]+", "_", regex=True).replace({"": pd.NA})
    out = joined.take(np.maximum(codes, 0))
    out.index = text.index
    return out.where(codes >= 0)


def normalise_category(series: pd.Series, *, table: str, column: str, words: dict[str, str | None],
                       quality: list[QualityIssue], compact: bool = False) -> pd.Series:
    """A free label column (channel, category, group): known words mapped, others kept as labels;
    spellings that differ only in case, spaces or punctuation are merged, and the merge is logged.

    The rules read each distinct value once (in the order values first appear) and count rows by each
    value's number of rows, so a column of millions of rows and a few labels costs a few labels' work.
    ``compact``: a categorical column (ingest's compact text) comes back as a categorical of the labels."""
    codes, uniques = _factorize(series)
    weight = pd.Series(code_counts(codes, len(uniques)))
    raw = _whole_number_text(pd.Series(uniques, dtype=_value_dtype(series) if len(uniques) else "string")).str.strip()
    lower = raw.str.lower()
    labels = normalise_label(raw)
    rows = lambda mask: int(weight[mask.fillna(False).to_numpy(dtype=bool)].sum())   # noqa: E731
    if words:
        known = lower.map({k: v for k, v in words.items()})
        labels = known.where(known.notna(), labels).astype("string")
        unknown = lower.notna() & known.isna() & ~lower.isin([v for v in words.values() if v])
        if unknown.any() and column == "channel":
            quality.append(QualityIssue(table, Check.UNKNOWN_VALUE, column, rows(unknown),
                                        "kept as its own channel", ", ".join(sorted(labels[unknown].unique().tolist())[:5]),
                                        applies_to=rows(lower.notna()), applies_what=WITH_A_VALUE))
    # a label the vocabulary knows is a canonical word ('email', 'web') and stays one
    free = known.isna() if words else pd.Series(True, index=labels.index)
    kept = labels.where(~free, _keep_acronyms(raw[free], labels[free], weight[free]))
    spellings = pd.DataFrame({"raw": raw, "label": labels}).dropna().drop_duplicates()
    counts = spellings.groupby("label")["raw"].nunique()
    merged = counts[counts > 1]
    if len(merged):
        example = merged.index[0]
        variants = sorted(spellings.loc[spellings["label"] == example, "raw"].tolist())[:4]
        # the merged value as the report writes it (the segment reading rule), never the internal label
        shown = fmt_segment(kept[labels == example].iloc[0], column)
        quality.append(QualityIssue(table, Check.SPELLING_VARIANTS, column, rows(labels.isin(merged.index)),
                                    f"merged {int(merged.sum())} spellings into {len(merged)} values",
                                    " / ".join(variants) + f" → {shown}",
                                    applies_to=rows(labels.notna()), applies_what=WITH_A_VALUE))
    if compact and _is_categorical(series):
        return _by_row(kept.astype("string"), codes, series.index)
    return pd.Series(kept.astype("string").array.take(codes, allow_fill=True), index=series.index)


def _is_categorical(values: pd.Series) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype)


def _value_dtype(values: pd.Series) -> object:
    """The dtype of ``values``' values: a categorical's categories' (ingest's compact text: the text dtype)."""
    return values.cat.categories.dtype if _is_categorical(values) else values.dtype


def _factorize(values: pd.Series) -> tuple[np.ndarray, object]:
    """``pd.factorize(values)``: each row's code (-1: missing) and the distinct values in order of first
    appearance. A categorical (ingest's compact text, whose categories are already its distinct values in
    that order) is read from its codes, without a value per row."""
    if not _is_categorical(values):
        return pd.factorize(values)
    codes = values.array.codes
    categories = values.cat.categories
    if _in_first_appearance_order(codes, len(categories)):
        return codes, categories.array
    present = codes >= 0
    out = np.full(len(codes), -1, dtype=np.intp)
    out[present], order = pd.factorize(codes[present])
    return out, categories.array.take(order)


def _in_first_appearance_order(codes: np.ndarray, categories: int) -> bool:
    """Whether every one of ``categories`` is used and each first appears after the one before it."""
    highest = -1                      # the highest code so far; a code may be at most one above it
    for start in range(0, len(codes), _CHUNK):
        present = codes[start:start + _CHUNK]
        present = present[present >= 0].astype(np.int64)
        if not len(present):
            continue
        running = np.maximum.accumulate(np.maximum(present, highest))
        if present[0] > highest + 1 or (present[1:] > running[:-1] + 1).any():
            return False
        highest = int(running[-1])
    return highest == categories - 1


_CHUNK = 1 << 20     # rows per piece of a pass over a long column (its temporaries stay small)


def _small_codes(count: int) -> type:
    """The narrowest integer type holding the codes of ``count`` categories and -1."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if count < np.iinfo(t).max)


def _by_row(per_value: pd.Series, codes: np.ndarray, index: pd.Index, missing: str | None = None) -> pd.Series:
    """A categorical of each row's value, given the value of each distinct value (``per_value``, by code; -1 and
    a missing value give ``missing``): ingest's compact form of a text column."""
    if missing is None and ascending(per_value):      # distinct already (ids in order): the same codes
        return pd.Series(categorical(codes, pd.Index(per_value.array)), index=index)
    if missing is not None:
        per_value = per_value.fillna(missing)
    new_codes, labels = pd.factorize(pd.concat([per_value, pd.Series([missing], dtype=per_value.dtype)],
                                               ignore_index=True))
    # the labels in text order, as the compact event log keeps them (checks.compact_events)
    by_text = pc.array_sort_indices(pa.array(pd.array(labels, dtype="string[pyarrow]"))).to_numpy()
    position = np.empty(len(labels) + 1, dtype=np.int64)
    position[by_text] = np.arange(len(labels))
    position[-1] = -1
    lookup = position[new_codes].astype(_small_codes(len(labels)))
    labels = pd.Index(pd.array(labels, dtype="string")[by_text]).astype("str")
    # code -1 reads the last entry: the appended stand-in for a missing value
    return pd.Series(categorical(lookup[codes], labels), index=index)


def ascending(values: pd.Series) -> bool:
    """Whether Arrow-backed text holds no missing value and each value is above the one before (so no two are the
    same: the usual export, in id order), told in columnar passes without hashing every value."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow") or values.hasnans:
        return False
    text = pa.array(values.array)
    for start in range(0, max(len(text) - 1, 0), _CHUNK):
        stop = min(start + _CHUNK, len(text) - 1)
        try:
            if not pc.all(pc.less(text[start:stop], text[start + 1:stop + 1])).as_py():
                return False
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            return False
    return True


def categorical(codes: np.ndarray, categories: pd.Index, ordered: bool = False) -> pd.Categorical:
    """A categorical of ``codes`` (-1: missing) over ``categories``, which are distinct and are not checked again:
    pandas' check builds a hash table of them and keeps it with them (at ten million ticket ids, most of a
    gigabyte)."""
    codes = np.asarray(codes).astype(_small_codes(len(categories)), copy=False)
    try:
        dtype = pd.CategoricalDtype._from_fastpath(categories, ordered)
    except AttributeError:       # a pandas without it: the checked way
        dtype = pd.CategoricalDtype(categories, ordered=ordered)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def code_counts(codes: np.ndarray, categories: int) -> np.ndarray:
    """The rows of each of ``categories`` codes (code -1, missing, not counted), counted piece by piece."""
    counts = np.zeros(categories, dtype=np.int64)
    for start in range(0, len(codes), _CHUNK):
        piece = codes[start:start + _CHUNK]
        counts += np.bincount(piece[piece >= 0], minlength=categories)
    return counts


_SEPARATORS = re.compile(r"[\s\-/]+")


def _acronym(token: str, shouting: bool) -> bool:
    """'SW', 'API', 'VIP', 'L2' are written in capitals on purpose; in a label written all in capitals
    ('SOFTWARE UPDATE') only short tokens are."""
    return token.isupper() and len(token) >= 2 and (not shouting or len(token) <= 3)


def _keep_acronyms(raw: pd.Series, labels: pd.Series, weight: pd.Series) -> pd.Series:
    """Each label as its most common spelling writes its acronyms: 'SW bulk scheduled' -> 'SW_bulk_scheduled'
    (not 'sw_bulk_scheduled', which reads 'Sw bulk scheduled'); spellings that differ only in case stay merged.
    ``weight``: the rows each value stands for."""
    # rows per (spelling, label), most first, ties in order of first appearance (as DataFrame.value_counts has it)
    pairs = pd.DataFrame({"raw": raw, "label": labels, "rows": weight.to_numpy()}).dropna(subset=["raw", "label"])
    counts = pairs.groupby(["raw", "label"], sort=False)["rows"].sum().sort_values(ascending=False, kind="stable")
    if counts.empty:
        return labels
    display = {}
    for label, spelling in counts.reset_index().drop_duplicates("label")[["label", "raw"]].itertuples(index=False):
        tokens = [t for t in _SEPARATORS.split(str(spelling).strip()) if t]
        letters = [ch for ch in str(spelling) if ch.isalpha()]
        shouting = bool(letters) and all(ch.isupper() for ch in letters)
        written = "_".join(t if _acronym(t, shouting) else t.lower() for t in tokens)
        if written != label and written.lower() == label:
            display[label] = written
    return labels.replace(display) if display else labels


def normalise_table(frame: pd.DataFrame, table: str, *, path: Path, timezone: str, dayfirst: bool | None,
                    quality: list[QualityIssue], vocabularies: dict[str, dict[str, str | None]] | None = None,
                    default_dayfirst: bool = False, consume: bool = False,
                    prepared: dict[str, IsoReading] | None = None, compact: bool = False) -> pd.DataFrame:
    """Coerce every canonical column of ``table`` to its kind.

    ``vocabularies`` (canonical column -> {export value, lower case: canonical value or None})
    extend the built-in ones: for priority, status and channel they add spellings; for other
    columns (csat, escalated, tier ...) they translate export values before the column is coerced.
    ``dayfirst`` is the configured date order (None: each column's own evidence decides, and
    ``default_dayfirst``, the importer's convention, reads a column without evidence).
    ``consume``: take each column out of ``frame`` as it is read (the caller's own copy), so the
    export's column is freed once its canonical one is made.
    A column may come as a categorical of its text (ingest's compact reading of a streamed export: the same
    values); ``compact``: such columns of text stay categoricals (the event log's compact form). ``prepared``:
    timestamp columns already read batch by batch (canonical column -> its IsoReading), given with their notes
    in the column's turn.
    """
    vocabularies = {k: {str(w).strip().lower(): v for w, v in words.items()} for k, words in (vocabularies or {}).items()}
    prepared = prepared or {}
    out = pd.DataFrame(index=frame.index)
    for column, (kind, _required, _meaning) in TABLES[table].items():
        if column in prepared:
            out[column] = prepared[column].finish(out.index, timezone, table=table, column=column, quality=quality)
            continue
        if column not in frame.columns:
            continue
        if consume:
            release_memory()     # what the column before freed
        values = frame.pop(column) if consume else frame[column]
        if _is_categorical(values) and (kind == "timestamp" or (column in vocabularies and kind != "category"
                                                                 and column not in DEFAULT_VOCABULARIES)):
            values = _as_text(values)     # read by the rules for text, one value per row
        if column in vocabularies and column not in DEFAULT_VOCABULARIES and kind != "category":
            words = vocabularies[column]
            lower = values.astype("string").str.strip().str.lower()
            hit = lower.isin(list(words)).fillna(False)
            to_missing = hit & lower.isin([w for w, v in words.items() if v is None]).fillna(False)
            if to_missing.any():
                quality.append(QualityIssue(table, Check.MAPPED_TO_MISSING, column, int(to_missing.sum()),
                                            "read as missing (the vocabulary maps the value to nothing)",
                                            ", ".join(sorted(lower[to_missing].unique().tolist())[:5]),
                                            applies_to=int(lower.notna().sum()), applies_what=WITH_A_VALUE))
            values = values.astype("object").where(~hit, lower.map(words))
        if kind == "timestamp":
            out[column] = parse_timestamps(values, table=table, column=column, path=path,
                                           timezone=timezone, dayfirst=dayfirst, quality=quality,
                                           default_dayfirst=default_dayfirst)
        elif kind == "string" and _is_categorical(values):
            codes, uniques = _factorize(values)
            stripped = pd.Series(uniques).astype("string").str.strip()
            out[column] = (_by_row(stripped, codes, values.index) if compact
                           else pd.Series(stripped.array.take(codes, allow_fill=True), index=values.index))
        elif kind == "string":
            out[column] = values.astype("string").str.strip()
        elif kind in ("integer", "number"):
            numeric, bad, with_value = _number_column(values, kind)
            if bad.any():
                if bad.sum() > 0.5 * values.notna().sum():
                    row = int(np.flatnonzero(bad.to_numpy())[0])
                    raise SupportlensError(
                        f"{path}: column '{column}' of the {table} file holds values that are not numbers "
                        f"({int(bad.sum()):,} of {int(values.notna().sum()):,}); first at data row {row + 1}: "
                        f"{str(values[bad].iloc[0])!r}",
                        f"map the column that holds the number (data.mapping in supportlens.yml), or translate its "
                        f"words into numbers with data.values.{column}, e.g. {{\"Satisfied\": 5}}")
                quality.append(QualityIssue(table, Check.NOT_A_NUMBER, column, int(bad.sum()), "kept as missing",
                                            str(values[bad].iloc[0]), applies_to=with_value(), applies_what=WITH_A_VALUE))
            out[column] = numeric
        elif kind == "boolean":
            out[column] = _booleans(values)
        elif column == "priority":
            out[column] = normalise_vocabulary(values, table=table, column=column,
                                               words={**PRIORITY_WORDS, **vocabularies.get(column, {})},
                                               allowed=PRIORITIES, fallback="normal", quality=quality,
                                               compact=compact)
        elif column == "status":
            out[column] = normalise_vocabulary(values, table=table, column=column,
                                               words={**STATUS_WORDS, **vocabularies.get(column, {})},
                                               allowed=STATUSES, fallback=None, quality=quality, compact=compact)
        else:
            words = {**DEFAULT_VOCABULARIES.get(column, {}), **vocabularies.get(column, {})}
            out[column] = normalise_category(values, table=table, column=column, words=words, quality=quality,
                                             compact=compact)
    return out


def _as_text(values: pd.Series) -> pd.Series:
    """A categorical of text as one value per row (the text dtype of its categories)."""
    return pd.Series(values.cat.categories.array.take(values.array.codes, allow_fill=True), index=values.index)


def _number_column(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series, object]:
    """A column as numbers (Int64 for ``kind`` "integer", else float), which rows hold a value that is not a
    number (a boolean Series), and a function giving how many rows hold a value (not missing, not blank).
    A categorical (ingest's compact text) is read once per distinct value."""
    target = "Int64" if kind == "integer" else float
    if not _is_categorical(values):
        numeric = _numbers(values, kind)
        bad = values.notna() & numeric.isna() & (values.astype("string").str.strip() != "")
        with_value = lambda: int((values.notna() & (values.astype("string").str.strip() != "")).sum())  # noqa: E731
        return numeric.astype(target), bad, with_value
    codes, uniques = _factorize(values)
    distinct = pd.Series(uniques)
    numeric = _numbers(distinct, kind)
    blank = (distinct.astype("string").str.strip() == "").fillna(False).to_numpy(dtype=bool)
    bad = np.append((numeric.isna().to_numpy(dtype=bool) & ~blank), False)[codes]
    weight = code_counts(codes, len(distinct))
    return (pd.Series(numeric.astype(target).array.take(codes, allow_fill=True), index=values.index),
            pd.Series(bad, index=values.index), lambda: int(weight[~blank].sum()))


_INTEGER_TEXT = r"^[+-]?[0-9]+$"
_DECIMAL_TEXT = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def _numbers(values: pd.Series, kind: str) -> pd.Series:
    """``pd.to_numeric(values, errors="coerce")``. A text column whose every value is a plain decimal number
    (digits, a point, an exponent) is cast in one columnar pass (the same numbers and dtype, without a Python
    number per cell); anything else is left to pandas' parser."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        text = pa.array(values.array)
        for pattern, target, dtype in ((_INTEGER_TEXT, pa.int64(), pd.Int64Dtype()),
                                       (_DECIMAL_TEXT, pa.float64(), pd.Float64Dtype())):
            if text.null_count < len(text) and pc.all(pc.match_substring_regex(text, pattern)).as_py():
                try:
                    cast = pc.cast(text, target)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    break
                return pd.Series(cast.to_pandas(types_mapper={target: dtype}.get), index=values.index, dtype=dtype)
    return pd.to_numeric(values, errors="coerce")


def _booleans(values: pd.Series) -> pd.Series:
    """Each value read as true, false or missing (``_to_bool``), once per distinct value."""
    codes, uniques = _factorize(values)
    read = np.array([_to_bool(u) for u in uniques] + [None], dtype=object)
    return pd.Series(read[codes], index=values.index, dtype="object").astype("boolean")


def _to_bool(value: object) -> bool | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "t"):
        return True
    if text in ("false", "0", "no", "n", "f"):
        return False
    return None
