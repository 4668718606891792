"""Work done once: the build's cache in the project's hidden ``.supportlens-cache/`` folder.

Seven things are kept, each under the hash of everything that decides it, so a stale entry is never read:

- the canonical tables of ingest (Parquet, one file a table, with the data-quality log and provenance as
  JSON), keyed by the input files' SHA-256, the config sections ingest reads, the package's code and the
  versions of the libraries that parse and compute (pandas, numpy, pyarrow, scipy, ...);
- the analysis (a pickle of its plain dataclasses), keyed by the ingest key, the whole config (minus how
  the site is rendered), the sample's ground truth, the package's code and those library versions;
- the report's context (JSON), keyed by the analysis key, the whole config and the versions it records;
- the charts (their figures, pickled), under the context's key;
- the PDF's static charts (SVG), keyed by the figure's JSON, its size and the Kaleido version;
- the two PDFs, keyed by their HTML, the bytes of every file it links (the SVG charts) and WeasyPrint's version,
  and per document the parts of the last one written (``pdf-parts/``: each part's key, pages and anchors), so a
  change to one printed page lays out only that page's part (render/pdf.py ``patched_pdf``);
- the last build's outputs (``build.json``): the hash of everything a build reads (input files, the whole
  config, every file of the package, the project's template overrides, the engine and PDF switches, the library
  versions) and the size and modification time of every file it wrote.

So a rebuild after a template or wording change skips ingest and analysis, unchanged charts skip the
browser, a PDF whose pages did not change skips WeasyPrint (a site-only template change), a PDF of which one
part changed lays out only that part (a printed page's template), and a build
with nothing changed whose outputs are as it left them stops at once, before any heavy import. A missing, unreadable or corrupted entry is a miss (the work is done again and the entry
rewritten), never an error; ``make clean`` removes the folder. A file's SHA-256 is remembered by its
path, size, inode and times (``files.json``), so an unchanged export is not hashed on every build.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import json
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from typing import TYPE_CHECKING

from . import __version__
from .config import Config

if TYPE_CHECKING:   # pandas and the dataset are imported when tables are read: the up-to-date check needs neither
    from .dataset import Dataset

CACHE_DIR = ".supportlens-cache"
TABLES = ("tickets", "events", "accounts", "agents")
# the config sections ingest reads (ingest/: data.*, segments.extra_dimensions, period.as_of, the default
# SLA target for exports without priorities, publish.allow_personal_data, the pseudonym salt seed)
INGEST_SECTIONS = {"data", "segments", "period", "sla", "publish", "seed"}
# what never changes a number: how and where the site is rendered
NOT_ANALYSED = {"render"}
_FORMAT = 1   # bump when the layout of an entry changes


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the package version and every Python module of the package (templates are not code:
    changing one never invalidates the tables or the analysis)."""
    digest = hashlib.sha256(__version__.encode())

    def walk(folder, prefix: str) -> None:
        for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
            name = f"{prefix}/{item.name}"
            if item.is_dir() and item.name not in ("__pycache__", "templates"):
                walk(item, name)
            elif item.is_file() and item.name.endswith(".py"):
                digest.update(name.encode() + b"\0" + item.read_bytes() + b"\0")

    walk(resources.files("supportlens"), "")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """SHA-256 of every file of the package: its code, templates, assets and schema."""
    return tree_fingerprint(Path(str(resources.files("supportlens"))))


@lru_cache(maxsize=1)
def dependency_versions() -> dict[str, str]:
    """The libraries whose upgrade can change a parsed value or a computed number: a new one is a miss."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in NUMBER_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


NUMBER_LIBRARIES = ("pandas", "numpy", "pyarrow", "scipy", "statsmodels", "scikit-learn", "holidays", "openpyxl")
# ... and those that only change how the outputs look (the up-to-date check's key)
OUTPUT_LIBRARIES = ("jinja2", "markdown-it-py", "plotly", "kaleido", "weasyprint", "pydantic", "pyyaml")


@lru_cache(maxsize=1)
def output_dependency_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = dict(dependency_versions())
    for name in OUTPUT_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "absent"
    return found


def tree_fingerprint(folder: Path) -> str:
    """SHA-256 of the names and bytes of every file under ``folder`` (``__pycache__`` aside); empty when absent."""
    digest = hashlib.sha256()
    if Path(folder).is_dir():
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _reduce_figure(figure):
    """A Plotly figure pickled as its class and properties, read back by ``_trusted_figure``."""
    cls, (props,) = figure.__reduce__()
    return _trusted_figure, (cls, props)


def _trusted_figure(cls, props: dict):
    """A figure read back from the cache, not validated again: it was validated when the charts were built, and
    the figures' validation (the house template's above all) took most of reading the charts back."""
    return cls(props, _validate=False)


def linked_files(html: str, base_dir: Path) -> dict[str, str]:
    """The SHA-256 of every local file ``html`` links (``src="…"``, relative to ``base_dir``: the SVG charts);
    a missing file gets a random value, so a key made of it is never found."""
    import re

    linked = {}
    for name in sorted(set(re.findall(r'\bsrc="([^"#:]+)"', html))):
        path = Path(base_dir) / name
        linked[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else os.urandom(8).hex()
    return linked


def _digest(parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _write_table(write_with, folder: Path, table: str, frame, ids=None) -> dict[str, bool]:
    """``table`` as Parquet, its categorical columns as their integer codes, each column's categories in a
    Parquet file of their own (``{table}.{i}.categories.parquet``, i the column's position): Parquet would
    write a categorical's dictionary into every row group, and reading them back unifies them (at 10M tickets the
    event log's ticket ids, 10M texts, over sixty times: more memory than the whole build). Returns each
    categorical column's ordered flag, by column name. A ``ticket_id`` column whose categories are the tickets'
    ids in order (``ids``, given for the compact event log) writes no file of them: it is read back over the
    tickets table's ids (``load_dataset``)."""
    import pandas as pd

    ordered = {}
    columns = {}
    for position, (column, values) in enumerate(frame.items()):
        if isinstance(values.dtype, pd.CategoricalDtype):
            ordered[column] = bool(values.cat.ordered)
            columns[column] = values.cat.codes
            if column == "ticket_id" and ids is not None:
                continue
            categories = pd.DataFrame({"value": values.cat.categories})
            write_with(folder / f"{table}.{position}.categories.parquet",
                       lambda path, c=categories: c.to_parquet(path, index=False))
    coded = frame.assign(**columns) if columns else frame
    write_with(folder / f"{table}.parquet", lambda path: _write_parquet(coded, path))
    return ordered


ROWS_AT_ONCE = 1_000_000    # rows of a cached table converted to Arrow and written at a time


def _write_parquet(frame, path: Path) -> None:
    """``frame`` as Parquet, ``ROWS_AT_ONCE`` rows at a time (one row group each): converting a table of millions
    of rows to Arrow whole would hold a second copy of it. The file is the one ``to_parquet`` writes (the same
    schema and pandas metadata, so ``read_parquet`` gives the same dtypes); an index that is not 0, 1, 2 ...
    is written as a column, as ``to_parquet(index=True)`` does."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    keep_index = not (isinstance(frame.index, pd.RangeIndex) and frame.index.equals(pd.RangeIndex(len(frame))))
    schema = pa.Schema.from_pandas(frame, preserve_index=keep_index)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, len(frame), ROWS_AT_ONCE):
            rows = frame.iloc[start:start + ROWS_AT_ONCE]
            writer.write_table(pa.Table.from_pandas(rows, schema=schema, preserve_index=keep_index))


def _over_ticket_ids(frame, tickets) -> bool:
    """Whether ``frame``'s ticket ids are a categorical whose categories are the tickets' ids in order (the
    compact event log's)."""
    import pandas as pd

    from .engine import _same_text

    if tickets is None or "ticket_id" not in frame or not isinstance(frame["ticket_id"].dtype, pd.CategoricalDtype):
        return False
    categories, ids = frame["ticket_id"].cat.categories, tickets["ticket_id"]
    return len(categories) == len(ids) and not ids.isna().any() and _same_text(categories, ids)


def _read_table(folder: Path, table: str, ordered: dict[str, bool], ids=None):
    """The table ``_write_table`` wrote, its categorical columns made again from their codes and categories.

    Arrow's copy of a column is freed as soon as the column is converted (``self_destruct``, one block a column, as
    ingest builds a table), so reading holds about one table and a column, not the table twice. The categories
    are not checked again (they were distinct when written): pandas' check builds a hash table of them and keeps
    it with them, most of a gigabyte for the event log's ten million ticket ids. ``ids``: the tickets' ids, the
    categories of a ``ticket_id`` column written without its own (held once: the same Arrow buffers)."""
    import pandas as pd

    from .ingest.checks import _stored
    from .ingest.normalise import categorical

    frame = pd.read_parquet(folder / f"{table}.parquet",
                            to_pandas_kwargs={"self_destruct": True, "split_blocks": True, "use_threads": False})
    for position, column in enumerate(frame.columns):
        if column in ordered:
            if column == "ticket_id" and ids is not None:
                categories = _stored(pd.Index(ids.array))
            else:
                categories = pd.Index(pd.read_parquet(folder / f"{table}.{position}.categories.parquet")["value"].array)
            frame[column] = categorical(frame[column].to_numpy(), categories, ordered[column])
    return frame


class BuildCache:
    """The cache of one project folder (``root``); ``enabled=False`` makes every lookup a miss and writes nothing."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.folder = Path(root) / CACHE_DIR
        self.enabled = enabled
        self.hits: list[str] = []     # what was read from the cache in this build ("tables", "analysis", charts)

    # -- input files -------------------------------------------------------------------------------

    def file_hash(self, path: Path) -> str:
        """The SHA-256 of ``path``, remembered across builds by its absolute path, size, inode and modification and
        change times (``hashing.file_stamp``)."""
        from . import hashing

        stamp = hashing.file_stamp(path)
        memo_path = self.folder / "files.json"
        memo = self._read_json(memo_path) if self.enabled else None
        memo = memo if isinstance(memo, dict) else {}
        known = memo.get(stamp[0])
        if isinstance(known, list) and known[:-1] == list(stamp[1:]):
            # ingest's provenance asks for the same hash when the tables are not cached: handed over, not read again
            hashing.remember(stamp, str(known[-1]))
            return str(known[-1])
        sha = hashing.file_sha256(path)
        if self.enabled:
            memo[stamp[0]] = [*stamp[1:], sha]
            self._write_bytes(memo_path, json.dumps(memo, sort_keys=True).encode())
        return sha

    def ingest_key(self, config: Config, root: Path) -> str:
        files = {}
        for table in TABLES:
            configured = getattr(config.data, table)
            if configured is None:
                continue
            path = configured if configured.is_absolute() else Path(root) / configured
            files[table] = self.file_hash(path) if path.is_file() else "absent"
        return _digest({"format": _FORMAT, "code": code_fingerprint(), "libraries": dependency_versions(),
                        "root": Path(root).as_posix(), "files": files,
                        "config": config.model_dump(mode="json", include=INGEST_SECTIONS)})

    def analysis_key(self, ingest_key: str, config: Config, dataset: Dataset | dict | None) -> str:
        """(``dataset``: the dataset, or only its sample ground truth)"""
        truth = dataset if dataset is None or isinstance(dataset, dict) else dataset.sample_truth
        return _digest({"format": _FORMAT, "code": code_fingerprint(), "libraries": dependency_versions(),
                        "ingest": ingest_key,
                        "truth": truth,
                        "config": config.model_dump(mode="json", exclude=NOT_ANALYSED)})

    def _analysis_key_of(self, config: Config, root: Path) -> tuple[str, str]:
        """The ingest and analysis keys, without reading a table (the sample's ground truth as ingest reads it)."""
        key = self.ingest_key(config, root)
        tickets = config.data.tickets if config.data.tickets.is_absolute() else Path(root) / config.data.tickets
        truth = self._read_json(tickets.parent / "truth.json")
        return key, self.analysis_key(key, config, truth if isinstance(truth, dict) else None)

    def has_analysis(self, config: Config, root: Path) -> bool:
        """Whether the build's tables and analysis are both in the cache (a quick look: no table is read)."""
        if not self.enabled:
            return False
        ingest, analysis = self._analysis_key_of(config, root)
        return ((self.folder / "tables" / ingest / "dataset.json").is_file()
                and (self.folder / "analysis" / f"{analysis}.pickle").is_file())

    # -- the context -------------------------------------------------------------------------------

    def context_key(self, config: Config, root: Path) -> str:
        """The context's key: the analysis key, the whole config (the context records it) and the versions
        the context records (Python and the libraries)."""
        import platform

        return _digest({"format": _FORMAT, "analysis": self._analysis_key_of(config, root)[1],
                        "config": config.model_dump(mode="json"), "libraries": output_dependency_versions(),
                        "python": platform.python_version(), "version": __version__})

    def load_context(self, key: str) -> dict | None:
        """The context (plain JSON values) of a previous build with the same key: a rebuild after a template or
        wording change reads neither the tables nor the analysis (nor imports the libraries they need)."""
        context = self._read_json(self.folder / "context" / f"{key}.json") if self.enabled else None
        if not isinstance(context, dict):
            return None
        self.hits.append("context")
        return context

    def store_context(self, key: str, context: dict) -> None:
        if not self.enabled:
            return
        try:
            data = json.dumps(context, ensure_ascii=False).encode()
        except (TypeError, ValueError):
            return
        self._write_bytes(self.folder / "context" / f"{key}.json", data)
        self._prune(self.folder / "context", keep=f"{key}.json")

    # -- canonical tables --------------------------------------------------------------------------

    def load_dataset(self, key: str, sample_truth: dict | None) -> Dataset | None:
        folder = self.folder / "tables" / key
        meta = self._read_json(folder / "dataset.json") if self.enabled else None
        if not isinstance(meta, dict):
            return None
        import pandas as pd

        from .dataset import Dataset, QualityIssue, SourceFile

        try:
            tables = {}
            for table in TABLES:     # the tickets first: a table written over their ids reads them
                ids = tables["tickets"]["ticket_id"] if table in meta.get("over_ticket_ids", ()) else None
                tables[table] = (_read_table(folder, table, meta.get("categories", {}).get(table, {}), ids)
                                 if table in meta["tables"] else None)
            for table, frame in tables.items():
                if frame is not None and len(frame) != meta["tables"][table]:
                    return None
            dataset = Dataset(**tables, quality=[QualityIssue(**issue) for issue in meta["quality"]],
                              sources=[SourceFile(**source) for source in meta["sources"]],
                              source_info=meta["source_info"], sample_truth=sample_truth)
        except Exception:  # noqa: BLE001 - a corrupted or foreign entry is a miss, never an error
            return None
        self.hits.append("tables")
        return dataset

    def store_dataset(self, key: str, dataset: Dataset) -> None:
        if not self.enabled:
            return
        from dataclasses import asdict

        folder = self.folder / "tables" / key
        try:
            meta = {"tables": {}, "quality": [asdict(issue) for issue in dataset.quality],
                    "sources": [asdict(source) for source in dataset.sources], "source_info": dataset.source_info}
            json.dumps(meta)   # raises on anything JSON cannot hold: then nothing is cached
            folder.mkdir(parents=True, exist_ok=True)
            for table in TABLES:
                frame = getattr(dataset, table)
                if frame is not None:
                    ids = None
                    if table != "tickets" and _over_ticket_ids(frame, dataset.tickets):
                        ids = dataset.tickets["ticket_id"]
                        meta.setdefault("over_ticket_ids", []).append(table)
                    meta.setdefault("categories", {})[table] = _write_table(self._write_with, folder, table, frame, ids)
                    meta["tables"][table] = len(frame)
            # written last: an entry without it (a killed build) is a miss
            self._write_bytes(folder / "dataset.json", json.dumps(meta).encode())
        except Exception:  # noqa: BLE001 - a table Parquet cannot hold is simply not cached
            return
        self._prune(self.folder / "tables", keep=key)

    # -- analysis ----------------------------------------------------------------------------------

    def load_analysis(self, key: str):
        return self._load_pickle("analysis", key)

    def store_analysis(self, key: str, analysis) -> None:
        self._store_pickle("analysis", key, analysis)

    def load_charts(self, key: str):
        """The charts (``build_charts``) of the context cached under ``key``: the context and the chart code
        decide them (the context key holds the code's fingerprint), so a template change reuses them."""
        return self._load_pickle("charts", key, dict)

    def store_charts(self, key: str, charts: dict) -> None:
        import plotly.graph_objects as go

        self._store_pickle("charts", key, charts, {go.Figure: _reduce_figure})

    def _load_pickle(self, kind: str, key: str, expected: type | None = None):
        """The object pickled under ``kind``/``key`` (a miss when absent, corrupted or not an ``expected``)."""
        path = self.folder / kind / f"{key}.pickle"
        if not self.enabled or not path.is_file():
            return None
        try:
            value = pickle.loads(path.read_bytes())
        except Exception:  # noqa: BLE001 - a corrupted entry is a miss
            return None
        if expected is not None and not isinstance(value, expected):
            return None
        self.hits.append(kind)
        return value

    def _store_pickle(self, kind: str, key: str, value, reducers: dict | None = None) -> None:
        """Pickle ``value`` under ``kind``/``key``, keeping only the newest entry of its kind; ``reducers``: how
        objects of some types are pickled instead of their own way (``copyreg``'s dispatch table)."""
        if not self.enabled:
            return
        try:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            if reducers:
                pickler.dispatch_table = {**copyreg.dispatch_table, **reducers}
            pickler.dump(value)
            data = buffer.getvalue()
        except Exception:  # noqa: BLE001 - what cannot be pickled is not cached
            return
        self._write_bytes(self.folder / kind / f"{key}.pickle", data)
        self._prune(self.folder / kind, keep=f"{key}.pickle")

    # -- static charts -----------------------------------------------------------------------------

    def chart_key(self, figure_json: str, opts: dict) -> str:
        # Kaleido's version from its metadata (the module has no __version__; importing it and the browser
        # driver only for the key cost a rebuild whose charts are all cached a third of a second)
        return _digest({"format": _FORMAT, "figure": hashlib.sha256(figure_json.encode()).hexdigest(), "opts": opts,
                        "kaleido": output_dependency_versions()["kaleido"]})

    def load_svg(self, key: str) -> bytes | None:
        path = self.folder / "svg" / f"{key}.svg"
        if not self.enabled or not path.is_file():
            return None
        try:
            svg = path.read_bytes()
        except OSError:
            return None
        if not svg.rstrip().endswith(b"</svg>"):   # cut short: drawn again
            return None
        self.hits.append("chart")
        return svg

    def store_svg(self, key: str, svg: bytes) -> None:
        if self.enabled:
            self._write_bytes(self.folder / "svg" / f"{key}.svg", svg)

    # -- the PDFs ----------------------------------------------------------------------------------

    def pdf_key(self, html: str, base_dir: Path) -> str:
        """The hash of a PDF's HTML, of every local file it links (``src="…"``, relative to ``base_dir``: the SVG
        charts; a missing one makes the key unique, so it is never read) and of WeasyPrint's version."""
        from importlib.metadata import PackageNotFoundError, version

        try:
            weasyprint = version("weasyprint")
        except PackageNotFoundError:
            weasyprint = "absent"
        return _digest({"format": _FORMAT, "html": hashlib.sha256(html.encode()).hexdigest(),
                        "linked": linked_files(html, base_dir), "weasyprint": weasyprint,
                        "base": Path(base_dir).resolve().as_posix()})

    def load_pdf(self, key: str) -> bytes | None:
        path = self.folder / "pdf" / f"{key}.pdf"
        if not self.enabled or not path.is_file():
            return None
        try:
            pdf = path.read_bytes()
        except OSError:
            return None
        if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-64:]:   # cut short: written again
            return None
        try:   # a PDF read is as recent as one written: kept by _prune while edits to the other document go on
            os.utime(path)
        except OSError:
            pass
        self.hits.append("pdf")
        return pdf

    def store_pdf(self, key: str, pdf: bytes) -> None:
        if self.enabled:
            self._write_bytes(self.folder / "pdf" / f"{key}.pdf", pdf)
            self._prune(self.folder / "pdf", keep=f"{key}.pdf", entries=4)   # the two documents, and the two before

    def load_pdf_parts(self, document: str) -> dict | None:
        """The parts of the last PDF written of ``document`` (``render/pdf.py``'s ``PdfParts``: its key and, per
        part, its key, pages and the anchors on each page), so a change to one part lays out only that part."""
        found = self._read_json(self.folder / "pdf-parts" / f"{document}.json") if self.enabled else None
        return found if isinstance(found, dict) and found.get("format") == _FORMAT else None

    def store_pdf_parts(self, document: str, parts: dict) -> None:
        if self.enabled:
            data = json.dumps({**parts, "format": _FORMAT}).encode()
            self._write_bytes(self.folder / "pdf-parts" / f"{document}.json", data)

    # -- the last build's outputs ------------------------------------------------------------------

    def outputs_key(self, config: Config, root: Path, engine: str, pdf: bool) -> str:
        """The hash of everything a build reads: input files (and the sample's ground truth beside them), the
        whole config, every file of the package (code, templates, assets), the project's template overrides,
        the engine asked for (and whether Quarto is installed, for ``auto``), the PDF switch, the libraries."""
        import shutil

        root = Path(root)
        files = {}
        for table in TABLES:
            configured = getattr(config.data, table)
            if configured is None:
                continue
            path = configured if configured.is_absolute() else root / configured
            files[table] = self.file_hash(path) if path.is_file() else "absent"
        tickets = config.data.tickets if config.data.tickets.is_absolute() else root / config.data.tickets
        truth = tickets.parent / "truth.json"
        files["truth"] = hashlib.sha256(truth.read_bytes()).hexdigest() if truth.is_file() else "absent"
        return _digest({"format": _FORMAT, "package": package_fingerprint(), "libraries": output_dependency_versions(),
                        "root": root.resolve().as_posix(), "files": files, "config": config.model_dump(mode="json"),
                        "overrides": tree_fingerprint(root / "templates"), "engine": engine, "pdf": pdf,
                        "quarto": bool(shutil.which("quarto")) if engine == "auto" else None})

    @staticmethod
    def _manifest(root: Path, outputs: list[Path]) -> dict[str, list[int]]:
        found = {}
        for output in outputs:
            paths = sorted(p for p in output.rglob("*") if p.is_file()) if output.is_dir() else [output]
            for path in paths:
                stat = path.stat()
                found[path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()] = \
                    [stat.st_size, stat.st_mtime_ns]
        # (a root recorded but gone since has no files: the manifests then differ)
        return found

    def up_to_date(self, key: str, root: Path) -> dict | None:
        """The last build's record (``info``) when it was built from the same inputs (``key``) and every file it
        wrote is still there, unchanged in size and modification time; else None."""
        record = self._read_json(self.folder / "build.json") if self.enabled else None
        if not isinstance(record, dict) or record.get("key") != key or not record.get("outputs"):
            return None
        root = Path(root)
        try:   # the same files (none added, none removed in the site), each of the same size and time
            if self._manifest(root, [root / name for name in record["roots"]]) != record["outputs"]:
                return None
        except (OSError, TypeError, ValueError, KeyError):
            return None
        self.hits.append("outputs")
        return record.get("info") or {}

    def store_outputs(self, key: str, root: Path, outputs: list[Path], info: dict) -> None:
        """Remember what this build wrote (``outputs``: files and folders) under its inputs' ``key``."""
        if not self.enabled:
            return
        try:
            roots = [p for p in outputs if p.exists()]
            record = {"key": key, "outputs": self._manifest(Path(root), roots), "info": info,
                      "roots": [p.relative_to(root).as_posix() if p.is_relative_to(root) else p.as_posix() for p in roots]}
        except OSError:
            return
        self._write_bytes(self.folder / "build.json", json.dumps(record, sort_keys=True).encode())

    def forget_outputs(self) -> None:
        """A build is starting that will rewrite the outputs: the record no longer describes them."""
        if self.enabled:
            (self.folder / "build.json").unlink(missing_ok=True)

    # -- plumbing ----------------------------------------------------------------------------------

    @staticmethod
    def _read_json(path: Path) -> object:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write_bytes(self, path: Path, data: bytes) -> None:
        def write(target: Path) -> None:
            target.write_bytes(data)
        self._write_with(path, write)

    @staticmethod
    def _write_with(path: Path, write) -> None:
        """Write through a temporary file renamed into place, so a reader never sees half an entry; a cache
        that cannot be written (read-only folder, full disk) is simply not written."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            os.close(handle)
            try:
                write(Path(temporary))
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError:
            pass

    @staticmethod
    def _prune(folder: Path, keep: str, entries: int = 3) -> None:
        """Keep the ``entries`` most recent entries of ``folder`` (``keep`` always), so the cache does not grow
        with every edit of the data or config."""
        import shutil

        try:
            found = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for stale in [p for p in found if p.name != keep and not p.name.startswith(".")][entries - 1:]:
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)
