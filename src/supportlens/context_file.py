"""report/context.json as written: its own module, free of the analysis' imports, so a build whose context
comes from the cache (cache.py) writes it without importing pandas, statsmodels or scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path


_LAST: list[tuple[dict, str]] = []


def context_json(context: dict) -> str:
    """The context as JSON (indented, keys sorted). A build writes it three times (report/context.json and the
    downloads of the site and of the Quarto project): the text of the last context is kept, not made again (with
    an indent, json's encoder is the pure-Python one: a tenth of a CPU second for the 50k sample's context). The
    build changes no context after it is written."""
    if not _LAST or _LAST[0][0] is not context:
        _LAST[:] = [(context, json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False))]
    return _LAST[0][1]


def write_context(context: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(context_json(context) + "\n", encoding="utf-8")
