"""``supportlens init [EXPORT]``: a starting ``supportlens.yml`` for one export.

The importer is detected from the export's headers (``ingest.importers.detect``); the file written is the
documented default config (every key, its default and meaning) with ``data`` pointed at the export, the
tables it does not have set to null, the mapping the importer found listed as a comment, and the
organisation name and time zone marked for the user to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import default_config_text
from .errors import SupportlensError
from .ingest.importers import REGISTRY, detect
from .ingest.readers import read_table
from .ingest.tickets import key


@dataclass(frozen=True)
class Starter:
    text: str                      # the supportlens.yml to write
    importer: str                  # data.source
    title: str                     # the importer's description
    mapping: dict[str, str] = field(default_factory=dict)   # canonical column <- export column
    also: tuple[str, ...] = ()     # other importers whose signatures the headers match
    detected: bool = True          # the headers matched an importer (the generic one included: standard names)


def _set(text: str, section: str, name: str, value: str) -> str:
    """Replace the first ``  name: ...`` line inside the top-level ``section:`` block."""
    pattern = re.compile(rf"(^{section}:\n(?:(?:[ #].*)?\n)*?  {name}:)[^\n]*", re.M)
    replaced, count = pattern.subn(lambda m: f"{m.group(1)} {value}", text, count=1)
    if count != 1:
        raise AssertionError(f"the default config has no {section}.{name}")   # the shipped file changed shape
    return replaced


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def starter_config(export: Path, written_as: str) -> Starter:
    """The config for ``export`` (read to see its headers); ``written_as`` is the path the config names
    (relative to the project folder where possible)."""
    columns = [str(c) for c in read_table(export, "tickets").columns]
    found = detect(columns)
    importer = REGISTRY[found[0]] if found else REGISTRY["generic"]
    by_key = {}
    for column in columns:
        by_key.setdefault(key(column), column)
    mapping: dict[str, str] = {}
    for canonical, candidates in importer.columns.items():
        hit = next((by_key[key(c)] for c in candidates if key(c) in by_key), None)
        if hit is not None:
            mapping[canonical] = hit
    text = default_config_text()
    text = _set(text, "data", "source", importer.name)
    text = _set(text, "data", "tickets", _quoted(written_as))
    for table in ("events", "accounts", "agents"):
        text = _set(text, "data", table, "null")
    text = _set(text, "data", "timezone", "UTC    # FILL IN: the IANA time zone of timestamps without an offset, "
                                          "e.g. Europe/Berlin")
    text = _set(text, "publish", "organisation", "null    # FILL IN: your organisation, shown in the footer and on "
                                                 "the PDF's cover")
    if found:
        lines = [f"# Detected: {importer.name} ({importer.title}) from the headers of {written_as}."]
        if mapping:
            lines.append("# The importer reads these columns (canonical column <- your export's column):")
            lines += [f"#   {canonical:<22} <- {column}" for canonical, column in mapping.items()]
    else:
        lines = [f"# No importer recognised the headers of {written_as}: it is read as canonical columns (generic).",
                 "# Map your columns to the canonical names under data.mapping.tickets below; its columns are:",
                 "#   " + ", ".join(columns[:40])]
    lines.append("# `supportlens check` shows what is read; `supportlens build` builds the site and PDF.")
    text = text.replace("\ndata:\n", "\n" + "\n".join(lines) + "\ndata:\n", 1)
    return Starter(text, importer.name, importer.title, mapping, tuple(found[1:]), detected=bool(found))


def relative_to_project(export: Path, project: Path) -> str:
    try:
        return export.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        return export.resolve().as_posix()


def check_export(export: Path) -> None:
    if not export.exists():
        raise SupportlensError(f"export {export} not found", "give the path of your help desk's tickets export")
