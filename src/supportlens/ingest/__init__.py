"""Ingest: read the configured exports through their importer into a validated, normalised Dataset."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..canonical import TABLES, TICKET_COLUMNS
from ..config import Config
from ..dataset import Check, Dataset, QualityIssue, SourceFile
from ..engine import release_memory
from .checks import check_events, check_tickets
from .eventlog import import_eventlog
from .importers import REGISTRY, Importer, detect, get_importer
from .normalise import apply_mapping, frame_of, normalise_table
from .readers import csv_batches, file_sha256, read_table
from .stream import canonical_columns, read_streamed
from .tickets import import_tickets, key, resolve_columns

TABLE_KEYS = {"accounts": "account_id", "agents": "agent_id"}   # one row per id in these tables

__all__ = ["REGISTRY", "IngestProgress", "detect", "get_importer", "load_dataset", "load_table"]


def load_table(path: Path, table: str, config: Config, quality: list[QualityIssue]) -> tuple[pd.DataFrame, SourceFile]:
    """Read one export of canonical columns (or mapped ones) and return its canonical table and provenance.

    A text export Arrow reads is read in batches and held compact as it is read (ingest.stream): the event log's
    text columns stay categoricals (its compact form, ``checks.compact_events``)."""
    streamed = _load_streamed(path, table, config, quality)
    if streamed is not None:
        frame, extra, rows, read_as = streamed
    else:
        raw = read_table(path, table, config.data.sheet, encoding=config.data.encoding,
                         delimiter=config.data.delimiter)
        _said_how_read(raw.attrs.get("read_as"), len(raw), table, quality)
        rows, read_as = len(raw), raw.attrs.get("read_as")
        extra = {column: raw[column] for column in config.segments.extra_dimensions if column in raw.columns}
        mapped = apply_mapping(raw, table, config.data.mapping.get(table, {}), path)
        del raw     # each export column is freed once normalised (consume=True): never the export and its table at once
        frame = normalise_table(mapped, table, path=path, timezone=config.data.timezone,
                                dayfirst=config.data.dayfirst, quality=quality,
                                vocabularies=config.data.values, consume=True)
        del mapped
    # extra segment dimensions (segments.extra_dimensions) are kept as trimmed text, as exported
    for column, values in extra.items():
        if column not in frame.columns:
            frame[column] = values.astype("string").str.strip()
    source = SourceFile(table=table, path=path.as_posix(), sha256=file_sha256(path), rows=rows, read_as=read_as)
    key = TABLE_KEYS.get(table)
    if key and key in frame:
        duplicated = frame[key].notna() & frame[key].duplicated(keep="last")
        if duplicated.any():
            quality.append(QualityIssue(table, Check.DUPLICATE_ID, key, int(duplicated.sum()),
                                        "kept the last row of each id", str(frame.loc[duplicated, key].iloc[0])))
            frame = frame[~duplicated]
    return frame.reset_index(drop=True), source


def _load_streamed(path: Path, table: str, config: Config, quality: list[QualityIssue]
                   ) -> tuple[pd.DataFrame, dict[str, pd.Series], int, str] | None:
    """``load_table``'s reading of a text export in batches (ingest.stream): its canonical table, extra segment
    dimensions, rows and how it was read; None when the export is not read that way."""
    found = csv_batches(path, table, config.data.encoding, config.data.delimiter)
    if found is None:
        return None
    names = found[0]
    canonical = canonical_columns(names, table, config.data.mapping.get(table, {}), path)
    if canonical is None:
        return None
    extra_names = [column for column in config.segments.extra_dimensions if column in names]
    times = [name for name, column in canonical.items()
             if TABLES[table][column][0] == "timestamp" and column not in config.data.values
             and name not in extra_names]
    read = read_streamed(path, table, [*canonical, *extra_names], times, encoding=config.data.encoding,
                         delimiter=config.data.delimiter)
    if read is None:
        return None
    _said_how_read(read.read_as, read.rows, table, quality)
    extra = {column: read.columns[column] for column in extra_names}
    frame = frame_of({canonical[name]: read.columns.pop(name) for name in list(read.columns) if name in canonical},
                     pd.RangeIndex(read.rows))
    prepared = {canonical[name]: reading for name, reading in read.times.items()}
    rows = read.rows
    del read
    frame = normalise_table(frame, table, path=path, timezone=config.data.timezone, dayfirst=config.data.dayfirst,
                            quality=quality, vocabularies=config.data.values, consume=True, prepared=prepared,
                            compact=table == "events")
    return frame, extra, rows, found[1]


def load_tickets(path: Path, importer: Importer, config: Config, quality: list[QualityIssue],
                 info: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame | None, SourceFile]:
    """Read the tickets export through its importer; audit exports and event logs also give events."""
    streamed = _stream_tickets(path, importer, config, quality, info)
    if streamed is not None:
        return streamed
    raw = read_table(path, "tickets", config.data.sheet, importer.json_records,
                     encoding=config.data.encoding, delimiter=config.data.delimiter)
    _said_how_read(raw.attrs.get("read_as"), len(raw), "tickets", quality)
    info = {} if info is None else info
    info.update(importer=importer.name, title=importer.title, notes=list(importer.notes), shape=importer.shape,
                detected=detect(list(raw.columns)))
    if importer.shape == "eventlog":
        tickets, events = import_eventlog(raw, importer, config, path, quality, info)
    else:
        tickets, events = import_tickets(raw, importer, config, path, quality, info)
        tickets = _keep_extra_dimensions(tickets, raw, config, info.get("mapping", {}).get("ticket_id", "ticket_id"))
    source = SourceFile(table="tickets", path=path.as_posix(), sha256=file_sha256(path), rows=len(raw),
                        read_as=raw.attrs.get("read_as"))
    return tickets.reset_index(drop=True), events, source


def _stream_tickets(path: Path, importer: Importer, config: Config, quality: list[QualityIssue],
                    info: dict | None) -> tuple[pd.DataFrame, None, SourceFile] | None:
    """``load_tickets``'s reading of a text export of one row per ticket in batches (ingest.stream): only the
    columns the tickets are made of, held compact; None when the export is not read that way (an audit export
    or event log, an importer that prepares or blanks the export's cells, a file Arrow does not read)."""
    if importer.shape != "tickets" or importer.prepare is not None or importer.missing_markers:
        return None
    found = csv_batches(path, "tickets", config.data.encoding, config.data.delimiter)
    if found is None:
        return None
    names, read_as = found[0], found[1]
    header = pd.DataFrame(columns=names)
    resolved = resolve_columns(header, importer, config.data.mapping.get("tickets", {}), path)
    by_key = {key(column): column for column in names}
    # read as text, as exported: the columns derive() and the extra segment dimensions read besides the canonical ones
    as_text = {by_key[key(column)] for duration in importer.durations.values() for column in duration.columns
               if key(column) in by_key}
    as_text |= {by_key[key(rule.column)] for rule in importer.derived.values() if key(rule.column) in by_key}
    as_text |= {column for column in config.segments.extra_dimensions if column in names}
    if config.segments.extra_dimensions:
        as_text.add(resolved.get("ticket_id", "ticket_id"))
    vocabularies = {*importer.values, *config.data.values}
    sources = list(resolved.values())
    times = [source for canonical, source in resolved.items()
             if TICKET_COLUMNS[canonical][0] == "timestamp" and canonical not in vocabularies
             and sources.count(source) == 1 and source not in as_text]
    read = read_streamed(path, "tickets", [*sources, *as_text], times, encoding=config.data.encoding,
                         delimiter=config.data.delimiter, as_text=as_text)
    if read is None:
        return None
    _said_how_read(read_as, read.rows, "tickets", quality)
    info = {} if info is None else info
    info.update(importer=importer.name, title=importer.title, notes=list(importer.notes), shape=importer.shape,
                detected=detect(names))
    raw = frame_of(read.columns, pd.RangeIndex(read.rows))
    prepared = {canonical: read.times[source] for canonical, source in resolved.items() if source in read.times}
    rows = read.rows
    del read
    tickets, _ = import_tickets(raw, importer, config, path, quality, info, header=header, prepared=prepared)
    tickets = _keep_extra_dimensions(tickets, raw, config, info.get("mapping", {}).get("ticket_id", "ticket_id"))
    source = SourceFile(table="tickets", path=path.as_posix(), sha256=file_sha256(path), rows=rows, read_as=read_as)
    return tickets.reset_index(drop=True), None, source


def _said_how_read(read_as: str | None, rows: int, table: str, quality: list[QualityIssue]) -> None:
    """A text export read in another encoding than UTF-8 or with another delimiter than its suffix's
    (detected or configured) is said on the data-quality page."""
    if read_as and not read_as.startswith("UTF-8, comma") and not read_as.startswith("UTF-8 (with byte-order mark), comma"):
        quality.append(QualityIssue(table, Check.READ_AS, None, rows, f"read as {read_as} text", None))


def _keep_extra_dimensions(tickets: pd.DataFrame, raw: pd.DataFrame, config: Config, id_column: str) -> pd.DataFrame:
    """Extra segment dimensions (segments.extra_dimensions) of the export, as trimmed text, by ticket id."""
    extra = [c for c in config.segments.extra_dimensions if c in raw.columns and c not in tickets.columns]
    if not extra or id_column not in raw.columns:
        return tickets
    by_id = raw.assign(_id=raw[id_column].astype("string").str.strip()).drop_duplicates("_id", keep="last").set_index("_id")
    tickets = tickets.copy()
    for column in extra:
        tickets[column] = tickets["ticket_id"].map(by_id[column].astype("string").str.strip())
    return tickets


# (what is being read, bytes of the exports read so far, bytes of the exports in all): for a progress bar
IngestProgress = Callable[[str, int, int], None]


def _export_bytes(config: Config, root: Path) -> dict[str, int]:
    """The size of each export the config names that is there, by table: the measure of ingest's progress."""
    sizes = {}
    for table in ("tickets", "events", "accounts", "agents"):
        configured = getattr(config.data, table)
        if configured is None:
            continue
        path = configured if configured.is_absolute() else root / configured
        if path.is_file():
            sizes[table] = path.stat().st_size
    return sizes


def load_dataset(config: Config, root: Path = Path("."), progress: IngestProgress | None = None) -> Dataset:
    """Read tickets (required) and events, accounts, agents (optional) as the config names them.

    ``progress`` is told, before each export is read and once all are checked, how many bytes of the exports
    are read out of how many (a table's bytes count as read once it is read and normalised)."""
    importer = get_importer(config.data.source)
    quality: list[QualityIssue] = []
    sources: list[SourceFile] = []
    info: dict = {}
    tables: dict[str, pd.DataFrame | None] = {}
    sizes = _export_bytes(config, root)
    total, done = sum(sizes.values()), 0
    ticket_checks: list[QualityIssue] = []     # check_tickets' notes, said after the exports' own
    tell = progress or (lambda what, done, total: None)
    for table in ("tickets", "events", "accounts", "agents"):
        configured = getattr(config.data, table)
        if table == "events" and tables.get("events") is not None:
            if configured is not None and (configured if configured.is_absolute() else root / configured).exists():
                quality.append(QualityIssue("events", Check.TABLE_IGNORED, None, 0,
                                            f"not read: the {importer.name} importer builds the events from the "
                                            "tickets export", configured.as_posix()))
            total -= sizes.pop("events", 0)
            continue
        if configured is None:
            tables[table] = None
            continue
        path = configured if configured.is_absolute() else root / configured
        if table != "tickets" and not path.exists():
            quality.append(QualityIssue(table, Check.TABLE_ABSENT, None, 0,
                                        f"analyses that need {table} are skipped", path.as_posix()))
            tables[table] = None
            continue
        tell(table, done, total)
        done += sizes.get(table, 0)
        if table == "tickets":
            tables["tickets"], tables["events"], source = load_tickets(path, importer, config, quality, info)
            # checked now, while no other export is held (its notes still follow every export's, as said below)
            tables["tickets"] = check_tickets(tables["tickets"], ticket_checks, config.period.as_of)
        else:
            tables[table], source = load_table(path, table, config, quality)
        sources.append(source)
        release_memory()     # what reading this export freed, before the next one is read
    quality.extend(ticket_checks)
    for column in config.segments.extra_dimensions:
        if not any(frame is not None and column in frame for frame in (tables["tickets"], tables.get("accounts"))):
            quality.append(QualityIssue("tickets", Check.EXTRA_DIMENSION_ABSENT, column, 0,
                                        "not analysed: neither the tickets nor the accounts export has this column",
                                        None))
    if tables["events"] is not None:
        tables["events"] = check_events(tables["events"], tables["tickets"], quality)
    release_memory()
    tell("checks", total, total)
    tickets_path = config.data.tickets if config.data.tickets.is_absolute() else root / config.data.tickets
    return Dataset(quality=quality, sources=sources, source_info=info, sample_truth=sample_truth(tickets_path.parent),
                   **tables)


def sample_truth(folder: Path) -> dict | None:
    """truth.json that `supportlens sample` writes beside the tickets; None when absent or unreadable."""
    try:
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return truth if isinstance(truth, dict) else None
