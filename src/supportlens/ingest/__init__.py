"""Ingest: read the configured exports into a validated, normalised Dataset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Config
from ..dataset import Dataset, QualityIssue, SourceFile
from .checks import check_tickets
from .normalise import apply_mapping, normalise_table
from .readers import file_sha256, read_table

__all__ = ["load_dataset", "load_table"]


def load_table(path: Path, table: str, config: Config, quality: list[QualityIssue]) -> tuple[pd.DataFrame, SourceFile]:
    """Read one export and return its canonical table and provenance."""
    raw = read_table(path, table)
    mapped = apply_mapping(raw, table, config.data.mapping.get(table, {}), path)
    frame = normalise_table(mapped, table, path=path, timezone=config.data.timezone,
                            dayfirst=config.data.dayfirst, quality=quality)
    # extra segment dimensions (segments.extra_dimensions) are kept as trimmed text, as exported
    for column in config.segments.extra_dimensions:
        if column in raw.columns and column not in frame.columns:
            frame[column] = raw[column].astype("string").str.strip()
    source = SourceFile(table=table, path=path.as_posix(), sha256=file_sha256(path), rows=len(raw))
    return frame.reset_index(drop=True), source


def load_dataset(config: Config, root: Path = Path(".")) -> Dataset:
    """Read tickets (required) and events, accounts, agents (optional) as the config names them."""
    quality: list[QualityIssue] = []
    sources: list[SourceFile] = []
    tables: dict[str, pd.DataFrame | None] = {}
    for table in ("tickets", "events", "accounts", "agents"):
        configured = getattr(config.data, table)
        if configured is None:
            tables[table] = None
            continue
        path = configured if configured.is_absolute() else root / configured
        if table != "tickets" and not path.exists():
            quality.append(QualityIssue(table, "TABLE_ABSENT", None, 0,
                                        f"analyses that need {table} are skipped", path.as_posix()))
            tables[table] = None
            continue
        tables[table], source = load_table(path, table, config, quality)
        sources.append(source)
    tables["tickets"] = check_tickets(tables["tickets"], quality)
    if tables["events"] is not None:
        tables["events"] = tables["events"].sort_values(["ticket_id", "event_at"], kind="stable").reset_index(drop=True)
    return Dataset(quality=quality, sources=sources, **tables)
