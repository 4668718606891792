"""The Dataset: canonical tables plus the data-quality log of every fix and drop."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class QualityIssue:
    """One thing found wrong with an export and what was done about it."""

    table: str
    check: str  # e.g. MISSING_VALUES, UNKNOWN_VALUE, DUPLICATE_ID, ORDER
    column: str | None
    rows: int
    action: str  # what supportlens did: "kept as missing", "mapped to normal", "dropped" ...
    example: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """Provenance of one input file."""

    table: str
    path: str
    sha256: str
    rows: int


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
