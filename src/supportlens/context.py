"""Assemble every result into the report context and check it against its JSON Schema.

The context is the single source of truth of the site and the PDF: plain JSON
(no pandas or numpy objects), deterministic for the same inputs and config.
"""

from __future__ import annotations

import dataclasses
import json
import math
import platform
from importlib import metadata, resources
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd

from .analysis import Analysis
from .config import Config
from .dataset import Dataset

SCHEMA_VERSION = "1.0"
_PACKAGES = ("supportlens", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "plotly", "kaleido",
             "jinja2", "weasyprint", "markdown-it-py")


def to_plain(value: object) -> object:
    """Dataclasses, numpy and pandas values -> JSON types; NaN -> None; floats to 6 significant digits."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value) or math.isinf(value):
            return None
        return float(f"{value:.6g}")
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, Path):
        return value.as_posix()
    return value


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def build_context(dataset: Dataset, analysis: Analysis, config: Config) -> dict:
    period = analysis.period
    tickets = dataset.tickets
    context = {
        "schema_version": SCHEMA_VERSION,
        "report": {
            "title": config.publish.title,
            "organisation": config.publish.organisation,
            "currency": config.publish.currency,
            "as_of": period.as_of,
            "period": period,
        },
        "provenance": {
            "inputs": dataset.sources,
            "config": config.model_dump(mode="json"),
            "versions": versions(),
        },
        "data": {
            "tickets": len(tickets),
            "events": 0 if dataset.events is None else len(dataset.events),
            "accounts": 0 if dataset.accounts is None else len(dataset.accounts),
            "agents": 0 if dataset.agents is None else len(dataset.agents),
            "first_created": tickets["created_at"].min(),
            "last_created": tickets["created_at"].max(),
            "columns": sorted(tickets.columns),
        },
        "quality": dataset.quality,
        "kpis": analysis.kpis,
        "sla": {
            "period": analysis.sla_period,
            "all": analysis.sla_all,
            "first_response_by_hour": analysis.first_response_by_hour,
            "monthly": analysis.monthly_breach,
            # indices into monthly: the lowest and highest resolution breach rate (decided in analysis)
            "monthly_best": analysis.monthly_breach_range.best if analysis.monthly_breach_range else None,
            "monthly_worst": analysis.monthly_breach_range.worst if analysis.monthly_breach_range else None,
        },
        "volume": {"monthly": analysis.monthly_volume, "backlog": analysis.backlog,
                   # indices into monthly: the most and fewest tickets created among full months (decided in analysis)
                   "busiest_month": analysis.month_extremes.busiest if analysis.month_extremes else None,
                   "quietest_month": analysis.month_extremes.quietest if analysis.month_extremes else None},
        "findings": analysis.findings,
        "explorer": analysis.explorer,
        "skipped": analysis.skipped,
        "data_quality": analysis.quality,
        "escalations": analysis.escalations,
        "interrupted_series": analysis.interrupted,
        "diagnostics": analysis.diagnostics,
        "actions": analysis.actions,   # null when the export has no creation times
        "method": analysis.method,     # the settings the sentences cite; templates never read provenance.config
    }
    plain = to_plain(context)
    validate_context(plain)
    return plain


def context_schema() -> dict:
    return json.loads(resources.files("supportlens").joinpath("schema/context.schema.json").read_text())


def validate_context(context: dict) -> None:
    """Raise jsonschema.ValidationError when the context breaks its contract (a bug, not bad input)."""
    jsonschema.validate(context, context_schema())


def write_context(context: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
