"""Read one export file of any supported format into a DataFrame of strings/values."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from ..errors import SupportlensError

SUPPORTED = (".csv", ".tsv", ".json", ".jsonl", ".ndjson", ".parquet")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: Path, table: str) -> pd.DataFrame:
    """Read ``path`` by its suffix. Raises SupportlensError for a missing, empty or unreadable file."""
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
            frame = _read_json(path, table)
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


def _read_json(path: Path, table: str) -> pd.DataFrame:
    payload = json.loads(path.read_text(encoding="utf-8-sig"))
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
