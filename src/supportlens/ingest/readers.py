"""Read one export file of any supported format into a DataFrame of strings/values.

Delimited text (CSV, TSV) is read in the encoding and with the delimiter it was written in: the
encoding from a byte-order mark, else UTF-8 when the bytes decode as UTF-8, else Windows-1252
(Latin-1 for bytes cp1252 leaves undefined); the delimiter from the header line (comma, semicolon,
tab or pipe: the one that splits it into the most columns). ``data.encoding`` and ``data.delimiter``
override both. How a file was read is ``frame.attrs["read_as"]`` (e.g. "UTF-8, comma-separated").
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from ..errors import SupportlensError
from ..hashing import file_sha256  # noqa: F401 - ingest's provenance reads it from here

SUPPORTED = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".xlsx")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with byte-order mark)", "utf-16": "UTF-16", "utf-16-le": "UTF-16",
           "utf-16-be": "UTF-16", "utf-32": "UTF-32", "cp1252": "Windows-1252", "latin-1": "Latin-1"}


def detect_encoding(data: bytes) -> str:
    """The encoding of an export's bytes: a byte-order mark's, else UTF-8 if they decode, else UTF-16
    without a mark (every other byte zero), else Windows-1252, else Latin-1 (which decodes anything)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head[1::2]):
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head[0::2]):
        return "utf-16-be"
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(text: str, default: str) -> str:
    """The delimiter that splits the header line into the most columns (quotes respected); ``default``
    on a tie with it or when none splits the line."""
    header = next(iter(text.splitlines()), "")
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts.values(), default=1)
    if best <= 1 or counts.get(default, 0) == best:
        return default
    return next(d for d in DELIMITERS if counts[d] == best)


def decode(path: Path, table: str, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text of ``data`` and the encoding used (``encoding`` when configured, else detected)."""
    used = encoding or detect_encoding(data)
    try:
        text = data.decode(used)
    except (UnicodeDecodeError, LookupError) as exc:
        raise SupportlensError(f"{table} file {path} cannot be read as {encoding}: {exc}",
                               "set data.encoding in supportlens.yml to the file's encoding (e.g. utf-8, cp1252, "
                               "utf-16), or remove it to let supportlens detect the encoding") from None
    return text.lstrip("\ufeff"), used


def check_file(path: Path, table: str) -> None:
    """A missing, folder or empty export is a clear error."""
    if not path.exists():
        raise SupportlensError(
            f"{table} file {path} not found",
            f"put your {table} export there, point data.{table} in supportlens.yml at it, "
            "or run `supportlens sample` to write the simulated sample data",
        )
    if path.is_dir():
        raise SupportlensError(f"{table} file {path} is a folder", f"point data.{table} in supportlens.yml at the export file")
    if path.stat().st_size == 0:
        raise SupportlensError(f"{table} file {path} is empty",
                               f"export the {table} again; the file has no header and no rows")


def no_rows(path: Path, table: str) -> None:
    raise SupportlensError(f"{table} file {path} has a header but no rows",
                           f"export the {table} again with at least one row")


def read_table(path: Path, table: str, sheet: str | None = None,
               json_records: Callable[[object], list[dict]] | None = None,
               encoding: str | None = None, delimiter: str | None = None) -> pd.DataFrame:
    """Read ``path`` by its suffix. Raises SupportlensError for a missing, empty or unreadable file.

    ``sheet`` names the worksheet of an XLSX workbook; ``json_records`` turns a JSON document
    into its list of records (an importer's hook, e.g. Zendesk tickets with their metrics);
    ``encoding`` and ``delimiter`` (text files) override the detected ones.
    """
    check_file(path, table)
    suffix = path.suffix.lower()
    read_as = None
    try:
        fast = _read_utf8_text(path, suffix, encoding, delimiter) if suffix in (".csv", ".tsv", ".txt") else None
        if fast is not None:
            frame, read_as = fast
        elif suffix in (".csv", ".tsv", ".txt"):
            text, used = decode(path, table, path.read_bytes(), encoding)
            sep = delimiter or detect_delimiter(text, "\t" if suffix == ".tsv" else ",")
            with warnings.catch_warnings():   # a first row longer than the header is an error, not an index
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True, index_col=False)
            read_as = f"{_LABELS.get(used, used)}, {DELIMITERS.get(sep, repr(sep))}-separated"
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            text, used = decode(path, table, path.read_bytes(), encoding)
            frame = _read_json(path, table, text, json_records, lines=suffix != ".json")
        elif suffix == ".xlsx":
            frame = _read_xlsx(path, table, sheet)
        else:
            raise SupportlensError(f"{path}: unsupported file type {suffix!r}",
                                   f"export as one of {', '.join(SUPPORTED)}")
    except SupportlensError:
        raise
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        what = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
        if isinstance(exc, pd.errors.ParserWarning):
            what = "the first row has more cells than the header"
        raise SupportlensError(f"could not read {table} file {path}: {what}",
                               "a row has more cells than the header: check the delimiter (data.delimiter in "
                               "supportlens.yml) and that text with delimiters or line breaks is quoted") from None
    except Exception as exc:  # noqa: BLE001 - any reader failure on a user's file is a clear error, not a traceback
        raise SupportlensError(f"could not read {table} file {path}: {type(exc).__name__}: {exc}",
                               "check that the file is a complete export in the format its name says") from None
    if frame.empty:
        no_rows(path, table)
    frame.columns = [str(c) for c in frame.columns]
    frame.attrs["read_as"] = read_as
    return frame


# what pandas reads as missing in a text export (its default NA strings), so both readers agree
_PANDAS_NA = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
              "NA", "NULL", "NaN", "None", "n/a", "nan", "null")


def _read_utf8_text(path: Path, suffix: str, encoding: str | None,
                    delimiter: str | None) -> tuple[pd.DataFrame, str] | None:
    """A UTF-8 text export without a byte-order mark, read by Arrow's CSV reader straight from the file
    (several times faster than pandas' parser, and no Python string per cell: the columns are Arrow-backed
    text, the dtype pandas gives ``dtype=str``). None when the file is anything else, or anything Arrow
    reads differently from pandas (a short or long row, a header with a blank or repeated name, bytes
    that are not UTF-8): the caller then reads it with pandas, with its checks and messages."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    arrow = _arrow_csv(path, suffix, encoding, delimiter)
    if arrow is None:
        return None
    names, read_as, options = arrow
    try:
        table = pa_csv.read_csv(path, **options)
    except (pa.ArrowException, OSError, ValueError):
        return None
    if table.column_names != names:
        return None
    frame = table.to_pandas(types_mapper=lambda kind: pd.StringDtype("pyarrow", na_value=float("nan"))
                            if kind in (pa.string(), pa.large_string()) else None)
    return frame, read_as


def csv_batches(path: Path, table: str, encoding: str | None = None, delimiter: str | None = None,
                block_size: int = 1 << 22) -> tuple[list[str], str, Callable[[list[str]], Iterator]] | None:
    """A text export that Arrow's CSV reader reads (as ``read_table`` reads it: the same values, the same
    missing cells), as batches: its column names, how it is read (``read_as``), and a function opening a
    reader of the record batches of the named columns (each column as text, in the file's order), so the
    export is read in pieces and never held whole (in one thread: Arrow's threads read ahead, and what they
    read ahead is held, about 40 blocks; one thread costs the least CPU too). None when ``read_table`` would read the file otherwise
    (another format or encoding, a header Arrow does not take); a row Arrow cannot read raises
    pyarrow's error from the reader (the caller then reads the file with ``read_table``)."""
    check_file(path, table)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt"):
        return None
    import pyarrow.csv as pa_csv

    arrow = _arrow_csv(path, suffix, encoding, delimiter, block_size)
    if arrow is None:
        return None
    names, read_as, options = arrow

    def batches(columns: list[str]) -> Iterator:
        convert = options["convert_options"]
        read = options["read_options"]
        return pa_csv.open_csv(path, read_options=pa_csv.ReadOptions(block_size=read.block_size, use_threads=False,
                                                                     column_names=read.column_names,
                                                                     skip_rows=read.skip_rows),
                               parse_options=options["parse_options"],
                               convert_options=pa_csv.ConvertOptions(
                                   column_types={name: convert.column_types[name] for name in columns},
                                   null_values=convert.null_values, strings_can_be_null=True,
                                   quoted_strings_can_be_null=True, include_columns=columns))
    return names, read_as, batches


def _arrow_csv(path: Path, suffix: str, encoding: str | None, delimiter: str | None,
               block_size: int = 1 << 24) -> tuple[list[str], str, dict] | None:
    """How Arrow's CSV reader reads a UTF-8 text export as pandas would (its column names, ``read_as`` and the
    reader's options); None when the file is not such an export (another encoding, a byte-order mark other
    than UTF-8's, a header with a blank or repeated name pandas would rename otherwise)."""
    if encoding is not None and codecs.lookup(encoding).name != "utf-8":
        return None
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    used = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"   # Arrow skips a UTF-8 byte-order mark
    head = head.removeprefix(codecs.BOM_UTF8)
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    first_line = head.split(b"\n", 1)[0]
    try:
        header_text = first_line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    sep = delimiter or detect_delimiter(header_text, "\t" if suffix == ".tsv" else ",")
    if len(sep) != 1:
        return None
    names = _mangled(next(csv.reader([header_text.rstrip("\r")], delimiter=sep), []))
    if not names or any(not name.strip() for name in names):
        return None
    options = dict(
        read_options=pa_csv.ReadOptions(block_size=block_size, column_names=names, skip_rows=1),
        parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True),
        # large_string: what pandas' Arrow-backed text holds, so the frame shares the table's buffers
        # (with pa.string() pandas casts every column into a second, 64-bit-offset copy: ~1.5x the peak)
        convert_options=pa_csv.ConvertOptions(column_types={name: pa.large_string() for name in names},
                                              null_values=list(_PANDAS_NA), strings_can_be_null=True,
                                              quoted_strings_can_be_null=True))
    return names, f"{_LABELS[used]}, {DELIMITERS.get(sep, repr(sep))}-separated", options


def _mangled(names: list[str]) -> list[str]:
    """Repeated column names as pandas names them ('Variant', 'Variant.1', ...); [] when that would collide
    with another column's name (the caller then leaves the file to pandas)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
            if name in seen or name in names:
                return []
        seen.setdefault(name, 0)
        out.append(name)
    return out


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


def _json_lines(path: Path, text: str) -> list:
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as exc:
                raise SupportlensError(f"{path}: line {number} is not JSON ({exc}): {line[:80]!r}",
                                       "export one JSON object per line (JSON lines), or one JSON list of objects") from None
    return records


def _read_json(path: Path, table: str, text: str, json_records: Callable[[object], list[dict]] | None = None,
               lines: bool = False) -> pd.DataFrame:
    """Records from a JSON list of objects, an envelope such as ``{"tickets": [...]}`` or JSON lines
    (one object per line, also in a ``.json`` file); anything else is a clear error."""
    if lines:
        payload: object = _json_lines(path, text)
    else:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise SupportlensError(f"{path}: not valid JSON ({exc})",
                                       "export the file again; it may be cut short") from None
            payload = _json_lines(path, text)   # JSON lines in a .json file
    if json_records is not None:
        payload = json_records(payload)
    if isinstance(payload, dict):
        # API-style envelope: {"tickets": [...]} or {"results": [...]}
        for key in (table, "results", "data", "records", "items"):
            if isinstance(payload.get(key), list):
                payload = payload[key]
                break
    if not isinstance(payload, list):
        keys = f" (its keys: {', '.join(map(str, list(payload)[:8]))})" if isinstance(payload, dict) else ""
        raise SupportlensError(f"{path}: expected a JSON list of {table} records, found {_json_kind(payload)}{keys}",
                               f"export a list of objects, an object with a '{table}' list, or JSON lines "
                               "(one object per line)")
    bad = next(((i, item) for i, item in enumerate(payload) if not isinstance(item, dict)), None)
    if bad is not None:
        index, item = bad
        raise SupportlensError(
            f"{path}: the {table} records must be JSON objects, but record {index + 1} is {_json_kind(item)} "
            f"({json.dumps(item)[:60]})",
            f"export each {table[:-1] if table.endswith('s') else table} as an object of its fields, "
            "e.g. {\"ticket_id\": \"T1\", \"created_at\": \"2025-03-01T09:30:00Z\", ...}")
    return pd.json_normalize(payload, sep=".")


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__
