"""The Dataset: canonical tables plus the data-quality log of every fix and drop."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd


class Check(StrEnum):
    """The data-quality taxonomy: what ingest can find wrong with an export (titles, meanings and
    severities are in analysis/data_quality.py)."""

    MISSING_COLUMN = "MISSING_COLUMN"
    MISSING_VALUES = "MISSING_VALUES"
    DUPLICATE_ID = "DUPLICATE_ID"
    BEFORE_CREATED = "BEFORE_CREATED"
    SOLVED_BEFORE_FIRST_RESPONSE = "SOLVED_BEFORE_FIRST_RESPONSE"
    FUTURE_TIMESTAMP = "FUTURE_TIMESTAMP"
    UNPARSEABLE_TIMESTAMP = "UNPARSEABLE_TIMESTAMP"
    NOT_A_NUMBER = "NOT_A_NUMBER"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNKNOWN_VALUE = "UNKNOWN_VALUE"
    UNKNOWN_STATUS = "UNKNOWN_STATUS"
    MAPPED_TO_MISSING = "MAPPED_TO_MISSING"
    SPELLING_VARIANTS = "SPELLING_VARIANTS"
    DATE_ONLY = "DATE_ONLY"
    TIMEZONE_ASSUMED = "TIMEZONE_ASSUMED"
    DERIVED = "DERIVED"
    AUDIT_ROWS = "AUDIT_ROWS"
    ORPHAN_EVENTS = "ORPHAN_EVENTS"
    PERSONAL_DATA = "PERSONAL_DATA"
    TABLE_ABSENT = "TABLE_ABSENT"
    TABLE_IGNORED = "TABLE_IGNORED"
    READ_AS = "READ_AS"
    EPOCH_TIMESTAMP = "EPOCH_TIMESTAMP"
    DST_TIME = "DST_TIME"
    EXTRA_DIMENSION_ABSENT = "EXTRA_DIMENSION_ABSENT"
    DATE_ORDER = "DATE_ORDER"


WITH_A_VALUE = "with a value"   # QualityIssue.applies_what of a check of the values a column holds


@dataclass(frozen=True)
class QualityIssue:
    """One thing found wrong with an export and what was done about it."""

    table: str
    check: Check
    column: str | None
    rows: int
    action: str  # what supportlens did: "kept as missing", "mapped to normal", "dropped" ...
    example: str | None = None
    # what ``rows`` counts when it is not rows of ``table``: "export_rows" = rows of the export file as read
    # (an audit export has several per ticket), so its share is of those rows
    counted_in: str | None = None
    # the rows the check can apply to (same unit as ``rows``), when fewer than all: a value check applies to the
    # rows holding a value, "solved before first response" to tickets with both times; the data-quality page
    # divides by it. ``applies_what`` says which rows, after the unit: "with a value", "solved or closed"
    applies_to: int | None = None
    applies_what: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "check", Check(self.check))   # a check outside the taxonomy is a bug


@dataclass(frozen=True)
class SourceFile:
    """Provenance of one input file."""

    table: str
    path: str
    sha256: str
    rows: int
    read_as: str | None = None   # text files: the encoding and delimiter used, e.g. "Windows-1252, semicolon-separated"


@dataclass
class Dataset:
    tickets: pd.DataFrame
    events: pd.DataFrame | None = None
    accounts: pd.DataFrame | None = None
    agents: pd.DataFrame | None = None
    quality: list[QualityIssue] = field(default_factory=list)
    sources: list[SourceFile] = field(default_factory=list)
    # how the tickets export was read: {"importer", "title", "detected", "mapping", "notes"}
    source_info: dict = field(default_factory=dict)
    # the ground truth of a simulated sample (truth.json beside the tickets written by `supportlens sample`)
    sample_truth: dict | None = None

    def has(self, table: str, *columns: str) -> bool:
        """Whether ``table`` is present with all ``columns`` holding at least one value."""
        frame = getattr(self, table)
        if frame is None:
            return False
        return all(c in frame.columns and frame[c].notna().any() for c in columns)
