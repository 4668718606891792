"""Assemble every result into the report context and check it against its JSON Schema.

The context is the single source of truth of the site and the PDF: plain JSON
(no pandas or numpy objects), deterministic for the same inputs and config.
``Context`` declares it: each key is a typed result of the analysis, and the JSON Schema
(schema/context.schema.json) is generated from these types (``generate_schema``; regenerate
with ``make schema``, a test checks the committed file is current).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import os
import platform
import typing
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from .analysis import Analysis, context_sections
from .analysis.actions.recommendations import FACTS as RECOMMENDATION_FACTS
from .analysis.core.period import ReportingPeriod, Scopes, scopes
from .analysis.findings import FACTS as FINDING_FACTS
from .config import Config
from .dataset import Dataset, QualityIssue, SourceFile

SCHEMA_VERSION = "1.0"
_PACKAGES = ("supportlens", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn", "plotly", "kaleido",
             "jinja2", "weasyprint", "markdown-it-py")


# Every dataclass of the context: no key beyond its fields; pandas timestamps are ISO strings.
_STRICT = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


@dataclass(frozen=True)
class ReportInfo:
    title: str
    organisation: str
    currency: str
    as_of: pd.Timestamp
    period: ReportingPeriod
    scopes: Scopes          # "in Q3 2026", "over the whole span of the data (…)", "at <as-of>": each repeated figure names one
    timezone: str = "UTC"           # the zone the report's periods, months, weeks, weekdays and hours are cut in


@dataclass(frozen=True)
class Provenance:
    inputs: list[SourceFile]
    config: dict[str, Any]          # the configuration as read (config.model_dump); templates never read it
    versions: dict[str, str]


@dataclass(frozen=True)
class DataSummary:
    tickets: int
    events: int
    accounts: int
    agents: int
    first_created: pd.Timestamp | None
    last_created: pd.Timestamp | None
    columns: list[str]


@dataclass(frozen=True)
class Header:
    """What the context says about the report itself; the analysis's sections follow it (``Context``)."""

    schema_version: Literal["1.0"]
    report: ReportInfo
    provenance: Provenance
    data: DataSummary
    quality: list[QualityIssue]             # every problem ingest found in the export and what was done


def _context_type() -> type:
    """The context's type: the header's fields, then every context section of ``Analysis`` under its name, so
    a new result on ``Analysis`` is in the context and its generated schema with no edit here."""
    analysis = typing.get_type_hints(Analysis)
    sections = [(name, analysis[name]) for name in context_sections()]
    context = dataclasses.make_dataclass(
        "Context", [*typing.get_type_hints(Header).items(), *sections], frozen=True,
        namespace={"__pydantic_config__": _STRICT,
                   "__doc__": "Every number, finding and table of the report. Shares are 0-1; durations carry "
                              "their unit in the key or in 'unit'."})
    context.__module__ = __name__
    return context


Context = _context_type()


def to_plain(value: object) -> object:
    """Dataclasses, numpy and pandas values -> JSON types; NaN -> None; floats to 6 significant digits."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}   # str() of a StrEnum is its value
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


SAMPLE_ORGANISATION = "Sample Support Co."


def organisation_shown(configured: str | None, dataset: Dataset) -> str:
    """The organisation the report names: the configured one, or none (""); on the built-in simulated
    sample (its truth.json beside the tickets) the sample's name unless one is configured, marked simulated."""
    name = (configured or "").strip()
    if dataset.sample_truth is not None:
        return f"{name or SAMPLE_ORGANISATION} (simulated)"
    return name


def context_of(dataset: Dataset, analysis: Analysis, config: Config) -> Context:
    period = analysis.period
    tickets = dataset.tickets
    return Context(
        schema_version=SCHEMA_VERSION,
        report=ReportInfo(config.publish.title, organisation_shown(config.publish.organisation, dataset),
                          config.publish.currency, period.as_of,
                          period, scopes(period, config.reporting_timezone()), config.reporting_timezone()),
        provenance=Provenance(dataset.sources, config.model_dump(mode="json"), versions()),
        data=DataSummary(
            tickets=len(tickets),
            events=0 if dataset.events is None else len(dataset.events),
            accounts=0 if dataset.accounts is None else len(dataset.accounts),
            agents=0 if dataset.agents is None else len(dataset.agents),
            first_created=tickets["created_at"].min(),
            last_created=tickets["created_at"].max(),
            columns=sorted(tickets.columns),
        ),
        quality=dataset.quality,
        **{name: getattr(analysis, name) for name in context_sections()},
    )


# The context is checked against its schema where a broken contract is a bug to catch: in the tests (their
# conftest sets this variable, so every build they run checks it, CLI builds included) and on request. A build
# does not pay for it (a few CPU seconds at 50k tickets): the schema is generated from the very types
# ``to_plain`` writes, and tests/unit/test_context_schema.py fails when it is stale.
CHECK_CONTEXT = "SUPPORTLENS_CHECK_CONTEXT"


def build_context(dataset: Dataset, analysis: Analysis, config: Config, validate: bool | None = None) -> dict:
    """The context as plain JSON values; checked against the schema when ``validate`` (default: when the
    environment variable SUPPORTLENS_CHECK_CONTEXT is set to anything but 0 or empty)."""
    plain = to_plain(context_of(dataset, analysis, config))
    if validate if validate is not None else os.environ.get(CHECK_CONTEXT, "0") not in ("", "0"):
        validate_context(plain)
    return plain


SCHEMA_PATH = "schema/context.schema.json"


class _ContextSchema(GenerateJsonSchema):
    """How ``to_plain`` writes values: pandas timestamps as ISO 8601 strings, and a float that is NaN or
    infinite (an export can make any ratio or median undefined) as null, so every float may be null."""

    def float_schema(self, schema):
        return {"type": ["number", "null"]}

    def is_instance_schema(self, schema):
        if schema["cls"] is pd.Timestamp:
            return {"type": "string", "format": "date-time", "pattern": "^\\d{4}-\\d{2}-\\d{2}T"}
        return super().is_instance_schema(schema)


def _tie_kind_to_facts(definition: dict, facts: dict[enum.Enum, type], constants=lambda cls: {}) -> None:
    """A finding's or a recommendation's ``facts`` must be the dataclass of its ``kind``."""
    definition["oneOf"] = [
        {"properties": {"kind": {"const": kind.value},
                        **{key: {"const": value} for key, value in constants(cls).items()},
                        "facts": {"$ref": f"#/$defs/{cls.__name__}"}}}
        for kind, cls in facts.items()]


def generate_schema() -> dict:
    """The JSON Schema of ``to_plain(Context)``, generated from the types."""
    schema = TypeAdapter(Context).json_schema(schema_generator=_ContextSchema, mode="serialization")
    defs = schema["$defs"]
    _tie_kind_to_facts(defs["Finding"], FINDING_FACTS,
                       lambda cls: {"page": cls.PAGE, "chart": cls.CHART})
    _tie_kind_to_facts(defs["Recommendation"], RECOMMENDATION_FACTS)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "supportlens report context",
            **schema}


def schema_text(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def context_schema() -> dict:
    return json.loads(resources.files("supportlens").joinpath(SCHEMA_PATH).read_text())


def validate_context(context: dict) -> None:
    """Raise jsonschema.ValidationError when the context breaks its contract (a bug, not bad input)."""
    import jsonschema

    jsonschema.validate(context, context_schema())


from .context_file import write_context  # noqa: E402,F401 -- (its own light module: build.py writes a cached context)
