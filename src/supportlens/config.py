"""Typed model of ``supportlens.yml``.

Every key is declared here with its default and meaning; an unknown or
mistyped key is an error that names the key, not a silently ignored default.
The documented example is the repository's own ``supportlens.yml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .canonical import PRIORITIES, TABLES
from .errors import SupportlensError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataSources(_Strict):
    """Where the exports are and how their columns map to the canonical tables."""

    tickets: Path = Path("data/sample/tickets.csv")
    events: Path | None = Path("data/sample/events.csv")
    accounts: Path | None = Path("data/sample/accounts.csv")
    agents: Path | None = Path("data/sample/agents.csv")
    # canonical column -> column name in the export, per table; unmapped columns keep their name
    mapping: dict[str, dict[str, str]] = Field(default_factory=dict)
    # time zone of timestamps that carry no offset in the export
    timezone: str = "UTC"
    dayfirst: bool = False

    @field_validator("mapping")
    @classmethod
    def _known_tables(cls, mapping: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for table, columns in mapping.items():
            if table not in TABLES:
                raise ValueError(f"unknown table {table!r} (expected one of {', '.join(TABLES)})")
            unknown = sorted(set(columns) - set(TABLES[table]))
            if unknown:
                raise ValueError(
                    f"mapping.{table}: unknown canonical column(s) {', '.join(unknown)}; "
                    f"known: {', '.join(TABLES[table])}"
                )
        return mapping


class Target(_Strict):
    """SLA targets of one priority, in hours."""

    first_response: float = Field(gt=0)
    resolution: float = Field(gt=0)


SLA_PRESETS: dict[str, dict[str, dict[str, float]]] = {
    # METRICS.md defaults: first response / resolution hours
    "default": {
        "critical": {"first_response": 1, "resolution": 4},
        "high": {"first_response": 4, "resolution": 8},
        "normal": {"first_response": 8, "resolution": 24},
        "low": {"first_response": 24, "resolution": 72},
    },
    # seed 001: resolution 4/8/24/72 h
    "seed001": {
        "critical": {"first_response": 1, "resolution": 4},
        "high": {"first_response": 4, "resolution": 8},
        "normal": {"first_response": 8, "resolution": 24},
        "low": {"first_response": 24, "resolution": 72},
    },
    # seed 002: resolution 4/12/24/48 h
    "seed002": {
        "critical": {"first_response": 1, "resolution": 4},
        "high": {"first_response": 4, "resolution": 12},
        "normal": {"first_response": 8, "resolution": 24},
        "low": {"first_response": 24, "resolution": 48},
    },
}


class SlaPolicy(_Strict):
    """Per-priority targets; ``targets`` overrides the preset priority by priority."""

    preset: Literal["default", "seed001", "seed002"] = "default"
    targets: dict[str, Target] = Field(default_factory=dict)

    @field_validator("targets")
    @classmethod
    def _known_priorities(cls, targets: dict[str, Target]) -> dict[str, Target]:
        unknown = sorted(set(targets) - set(PRIORITIES))
        if unknown:
            raise ValueError(f"unknown priority {', '.join(unknown)}; expected {', '.join(PRIORITIES)}")
        return targets

    def target(self, priority: str) -> Target:
        if priority in self.targets:
            return self.targets[priority]
        return Target(**SLA_PRESETS[self.preset][priority])


class Period(_Strict):
    """The reporting period and the as-of time."""

    # ISO timestamp; default: the latest timestamp in the data
    as_of: str | None = None
    # quarter: the last full quarter before as_of (else the whole span); month; all
    length: Literal["quarter", "month", "all"] = "quarter"
    # tickets the drivers, accounts and workload pages analyse: period (created in the
    # reporting period) or all (the whole span); trends always use the whole span
    diagnostics: Literal["period", "all"] = "period"


class Findings(_Strict):
    """Thresholds a difference must pass before the report writes it as a sentence."""

    alpha: float = Field(0.05, gt=0, lt=1)
    # relative change (share, 0-1) of a KPI between periods worth a sentence
    material_change: float = Field(0.10, ge=0)
    # ratio between the worst and the best segment's breach rate worth a sentence
    material_ratio: float = Field(1.25, ge=1)


class Segments(_Strict):
    """Segment diagnostics of the drivers page."""

    # extra columns of the tickets or accounts export to segment by, e.g. [product, region]
    extra_dimensions: list[str] = Field(default_factory=list)
    # segments with fewer tickets are pooled into "other" (never dropped)
    min_tickets: int = Field(30, ge=2)
    # at most this many segments per dimension: the largest, the rest pooled into "other"
    max_segments: int = Field(24, ge=2)
    # customer tenure bands (months from customer_since to the ticket's creation)
    tenure_band_months: list[int] = Field(default_factory=lambda: [6, 12, 24, 48], min_length=1)
    # the breach regression uses at most this many tickets (a seeded sample beyond it)
    model_max_rows: int = Field(200_000, ge=1000)


class Trends(_Strict):
    """Weekly trends and the volume forecast."""

    # weeks forecast ahead, with 80% and 95% prediction intervals
    forecast_weeks: int = Field(13, ge=1, le=52)
    # the last full weeks held out to measure the forecast error (MAPE)
    backtest_weeks: int = Field(8, ge=1, le=26)
    # fewest full weeks a forecast is fitted on
    min_training_weeks: int = Field(26, ge=8)


class AccountSettings(_Strict):
    """The accounts page."""

    # rows of the top-accounts table
    top_accounts: int = Field(10, ge=1, le=100)
    # an account is called dominant when its share of tickets is significantly above this
    dominant_share: float = Field(0.03, gt=0, lt=1)


class Workload(_Strict):
    """The workload page: imbalance, congestion and automation candidates."""

    # a congestion episode: the backlog grows (7-day average net inflow > 0) this many days in a row
    congestion_min_days: int = Field(7, ge=2)
    # ... and grows by at least this share of the median backlog over the episode
    congestion_min_growth: float = Field(0.5, ge=0)
    # automation candidates: categories with at least this share of tickets ...
    automation_min_share: float = Field(0.05, ge=0, le=1)
    # ... at most this escalation rate ...
    automation_max_escalation_rate: float = Field(0.15, ge=0, le=1)
    # ... at least this one-touch rate, and a median resolution below the overall median
    automation_min_one_touch_rate: float = Field(0.4, ge=0, le=1)
    # assumption: the share of a candidate's one-touch tickets self-service or auto-routing could take
    deflection_rate: float = Field(0.3, ge=0, le=1)


class KpiTargets(_Strict):
    """Targets shown on the KPI tiles; null hides a target. Shares are 0-1."""

    first_response_breach_rate: float | None = Field(0.10, ge=0, le=1)
    resolution_breach_rate: float | None = Field(0.10, ge=0, le=1)
    first_response_median_minutes: float | None = Field(60, gt=0)
    resolution_median_hours: float | None = Field(24, gt=0)
    escalation_rate: float | None = Field(None, ge=0, le=1)
    reopen_rate: float | None = Field(0.05, ge=0, le=1)
    one_touch_rate: float | None = Field(0.30, ge=0, le=1)
    csat_mean: float | None = Field(4.0, ge=1, le=5)


class SampleSettings(_Strict):
    """The built-in simulated organisation ``supportlens sample`` writes."""

    tickets: int = Field(50_000, ge=100)
    seed: int = 7
    out: Path = Path("data/sample")


class Publish(_Strict):
    """What the published site and PDF may show."""

    organisation: str = "Sample Support Co. (simulated)"
    title: str = "Support operations report"
    # personal data (names, e-mails, free text) is never published unless this is true
    allow_personal_data: bool = False
    currency: str = "USD"


class Render(_Strict):
    """How the report is rendered."""

    engine: Literal["auto", "builtin", "quarto"] = "auto"
    pdf: bool = True
    site_dir: Path = Path("_site")
    report_dir: Path = Path("report")


class Config(_Strict):
    """The whole of ``supportlens.yml``."""

    data: DataSources = DataSources()
    sla: SlaPolicy = SlaPolicy()
    period: Period = Period()
    findings: Findings = Findings()
    targets: KpiTargets = KpiTargets()
    segments: Segments = Segments()
    trends: Trends = Trends()
    accounts: AccountSettings = AccountSettings()
    workload: Workload = Workload()
    sample: SampleSettings = SampleSettings()
    publish: Publish = Publish()
    render: Render = Render()
    seed: int = 7

    @model_validator(mode="after")
    def _complete_sla(self) -> "Config":
        for priority in PRIORITIES:
            self.sla.target(priority)
        return self


def load_config(path: Path | str | None) -> Config:
    """Read and validate ``supportlens.yml``; a missing file means all defaults."""
    if path is None:
        return Config()
    path = Path(path)
    if not path.exists():
        raise SupportlensError(f"config file {path} not found",
                               "create it (copy supportlens.yml from the repository) or pass --config")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SupportlensError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None
    if not isinstance(raw, dict):
        raise SupportlensError(f"{path} must hold a mapping of keys", "see supportlens.yml in the repository")
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                lines.append(f"unknown key '{key}'")
            else:
                lines.append(f"'{key}': {err['msg']}")
        raise SupportlensError(f"{path}: " + "; ".join(lines),
                               "check the spelling against the documented keys in supportlens.yml") from None
