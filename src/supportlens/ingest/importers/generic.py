"""Generic: any CSV, TSV, XLSX, JSON or Parquet whose columns carry the canonical names, or are
mapped to them with ``data.mapping``; value vocabularies come from ``data.values``."""

from __future__ import annotations

from ...canonical import TICKET_COLUMNS
from .base import Importer

GENERIC = Importer(
    name="generic",
    title="Generic export (standard column names, or the export's own names mapped onto them)",
    columns={column: (column,) for column in TICKET_COLUMNS},
    # an export already in the standard names: the required columns (priority is optional, issue 14)
    signatures=(tuple(column for column, (_, required, _) in TICKET_COLUMNS.items() if required),),
    notes=("Columns are read by their standard names, or by the export's own names where the set-up maps them.",),
)
