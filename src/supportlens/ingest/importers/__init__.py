"""The importer registry: ``data.source`` in supportlens.yml names one of these.

One module per help desk declares its column and value mappings (``base.Importer``);
``detect`` recognises an export by its headers, so a file given to the wrong
importer gets an error that names the right one.
"""

from __future__ import annotations

import difflib

from ...errors import SupportlensError
from .base import Derived, Duration, Importer
from .eventlogs import BPIC2013, EVENTLOG, HELPDESK
from .freshdesk import FRESHDESK
from .generic import GENERIC
from .jira import JIRA
from .salesforce import SALESFORCE
from .seeds import ESHOKHAT, KAGGLE
from .servicenow import SERVICENOW
from .zendesk import ZENDESK

REGISTRY: dict[str, Importer] = {i.name: i for i in (
    GENERIC, ZENDESK, JIRA, SERVICENOW, SALESFORCE, FRESHDESK, EVENTLOG, HELPDESK, BPIC2013, KAGGLE, ESHOKHAT)}

__all__ = ["REGISTRY", "Derived", "Duration", "Importer", "detect", "get_importer"]


def get_importer(name: str) -> Importer:
    if name in REGISTRY:
        return REGISTRY[name]
    close = difflib.get_close_matches(name, list(REGISTRY), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise SupportlensError(f"supportlens.yml: unknown importer data.source: {name!r}",
                           f"{hint}use one of: {', '.join(REGISTRY)}")


def _key(column: object) -> str:
    return " ".join(str(column).strip().lower().split())


def detect(columns: list[str]) -> list[str]:
    """Importers whose signature columns are all in ``columns`` (most specific first)."""
    present = {_key(c) for c in columns}
    found = []
    for importer in REGISTRY.values():
        for signature in importer.signatures:
            if all(_key(c) in present for c in signature):
                found.append((len(signature), importer.name))
                break
    return [name for _, name in sorted(found, key=lambda t: -t[0])]
