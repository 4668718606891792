"""Read one export file of any supported format into a DataFrame of strings/values."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..errors import SupportlensError

SUPPORTED = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet", ".xlsx")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: Path, table: str, sheet: str | None = None,
               json_records: Callable[[object], list[dict]] | None = None) -> pd.DataFrame:
    """Read ``path`` by its suffix. Raises SupportlensError for a missing, empty or unreadable file.

    ``sheet`` names the worksheet of an XLSX workbook; ``json_records`` turns a JSON document
    into its list of records (an importer's hook, e.g. Zendesk tickets with their metrics).
    """
    if not path.exists():
        raise SupportlensError(
            f"{table} file {path} not found",
            f"put your {table} export there, point data.{table} in supportlens.yml at it, "
            "or run `supportlens sample` to write the simulated sample data",
        )
    if path.stat().st_size == 0:
        raise SupportlensError(f"{table} file {path} is empty",
                               f"export the {table} again; the file has no header and no rows")
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv"):
            frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str,
                                keep_default_na=True, encoding="utf-8-sig")
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".jsonl", ".ndjson"):
            frame = pd.read_json(path, lines=True, dtype=False)
        elif suffix == ".json":
            frame = _read_json(path, table, json_records)
        elif suffix == ".xlsx":
            frame = _read_xlsx(path, table, sheet)
        else:
            raise SupportlensError(f"{path}: unsupported file type {suffix!r}",
                                   f"export as one of {', '.join(SUPPORTED)}")
    except SupportlensError:
        raise
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SupportlensError(f"could not read {table} file {path}: {exc}",
                               "check that the file is a complete export in the format its name says") from None
    if frame.empty:
        raise SupportlensError(f"{table} file {path} has a header but no rows",
                               f"export the {table} again with at least one row")
    return frame


def _read_xlsx(path: Path, table: str, sheet: str | None) -> pd.DataFrame:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        names = workbook.sheetnames
        if sheet is None and len(names) > 1:
            raise SupportlensError(
                f"{path}: the workbook has {len(names)} sheets ({', '.join(names)}) and supportlens.yml names none",
                f"set data.sheet: <sheet name> in supportlens.yml, e.g. data.sheet: {names[0]!r}")
        if sheet is not None and sheet not in names:
            raise SupportlensError(f"{path}: the workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}",
                                   "set data.sheet in supportlens.yml to one of those names")
        rows = workbook[sheet or names[0]].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return pd.DataFrame()
        records = [row for row in rows if any(v is not None and str(v).strip() != "" for v in row)]
    finally:
        workbook.close()
    columns = [str(h).strip() if h is not None else f"column {i + 1}" for i, h in enumerate(header)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    # dates stay datetimes (naive, read in data.timezone); everything else as text, like a CSV
    return frame.apply(lambda c: c if pd.api.types.is_datetime64_any_dtype(c) else c.map(_cell_text).astype("string"))


def _cell_text(value: object) -> str | None:
    """A workbook cell as a CSV would write it: blank is missing (pandas turns a blank cell of a number column
    into NaN, never the text 'nan'), and a whole number of such a column stays a whole number ('3', not '3.0')."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_json(path: Path, table: str, json_records: Callable[[object], list[dict]] | None = None) -> pd.DataFrame:
    payload = json.loads(path.read_text(encoding="utf-8-sig"))
    if json_records is not None:
        payload = json_records(payload)
    if isinstance(payload, dict):
        # API-style envelope: {"tickets": [...]} or {"results": [...]}
        for key in (table, "results", "data", "records"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    if not isinstance(payload, list):
        raise SupportlensError(f"{path}: expected a JSON list of {table} records",
                               f"export a list of objects, or an object with a '{table}' list")
    return pd.json_normalize(payload, sep=".")
