"""report/context.json as written: its own module, free of the analysis' imports, so a build whose context
comes from the cache (cache.py) writes it without importing pandas, statsmodels or scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path


def write_context(context: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
