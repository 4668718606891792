"""Generic: any CSV, TSV, XLSX, JSON or Parquet whose columns carry the canonical names, or are
mapped to them with ``data.mapping``; value vocabularies come from ``data.values``."""

from __future__ import annotations

from ...canonical import TICKET_COLUMNS
from .base import Importer

GENERIC = Importer(
    name="generic",
    title="Generic export (canonical column names, or data.mapping and data.values)",
    columns={column: (column,) for column in TICKET_COLUMNS},
    signatures=(("ticket_id", "created_at", "status", "priority"),),
    notes=("Columns are matched by their canonical names (src/supportlens/canonical.py) unless "
           "data.mapping names the export's column.",),
)
