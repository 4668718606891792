"""What an importer is: a declaration of how one help desk's export maps onto the canonical tables.

Most of an importer is data — which export column holds which canonical column,
which export values mean which canonical values, which columns are durations
rather than timestamps — so a new help desk is a new declaration, not new code.
Code (``prepare``) is only for what a format needs logic for, such as joining
the ticket metrics of a Zendesk API export onto its tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd


@dataclass(frozen=True)
class Duration:
    """A canonical timestamp given in the export as a duration since another timestamp.

    The first of ``columns`` present holds the duration in ``unit`` (seconds, minutes or
    hours) after the canonical timestamp ``since``.
    Used only where the canonical timestamp itself is not in the export.
    """

    columns: tuple[str, ...]
    unit: Literal["seconds", "minutes", "hours"]
    since: str = "created_at"


@dataclass(frozen=True)
class Derived:
    """A canonical column computed from the values of an export column.

    ``values`` maps the export value (lower case) to the canonical value; any other
    value gets ``default``. E.g. seed 003's status "Escalated" -> escalated = True.
    """

    column: str
    values: dict[str, object]
    default: object = None


@dataclass(frozen=True)
class Importer:
    """One export format.

    ``columns``: canonical column -> export column names that may hold it (the first
    present wins; matching ignores case and surrounding spaces). ``values``: canonical
    column -> {export value, lower case: canonical value, or None for missing}; they
    extend the built-in vocabularies of ``ingest/normalise.py``. ``absent``: canonical
    columns the format never has (the report says what that prevents). ``signatures``:
    export columns that identify the format (for detection and wrong-importer errors).
    """

    name: str
    title: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    durations: dict[str, Duration] = field(default_factory=dict)
    derived: dict[str, Derived] = field(default_factory=dict)
    # sets of export columns that identify the format (any one set, all its columns present)
    signatures: tuple[tuple[str, ...], ...] = ()
    shape: Literal["tickets", "audit", "eventlog"] = "tickets"
    # audit exports: the ticket key and the columns ordering the rows of one ticket (latest last)
    audit_order: tuple[str, ...] = ()
    audit_time: str | None = None
    # event logs: defaults for data.eventlog (case_id, activity, timestamp, ...)
    eventlog: dict = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    missing_markers: tuple[str, ...] = ()
    dayfirst: bool | None = None
    # canonical columns that hold people's names in this export: pseudonymised unless
    # publish.allow_personal_data is true
    personal: tuple[str, ...] = ()
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    # JSON payloads: turn the parsed document into a list of ticket records
    json_records: Callable[[object], list[dict]] | None = None
    # what the importer decided where the export is ambiguous (shown by `supportlens check`)
    notes: tuple[str, ...] = ()
    # the file the importer was written for and the exact headers it expects (documentation)
    fixture: str | None = None

    def candidates(self, canonical: str) -> tuple[str, ...]:
        return self.columns.get(canonical, ())
