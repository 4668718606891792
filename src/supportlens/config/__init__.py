"""Typed model of ``supportlens.yml``.

Every key is declared here with its default and meaning; an unknown or
mistyped key is an error that names the key, not a silently ignored default.
The documented defaults ship inside the package as ``supportlens/config/supportlens.yml`` (read
with ``importlib.resources``; ``supportlens init`` writes a copy); the repository's own
``supportlens.yml`` is the same file, and a test checks both equal ``Config()``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from importlib import resources
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..canonical import PRIORITIES, TABLES
from .escalations import Escalations
from ..errors import SupportlensError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as UTC, Europe/Berlin or America/New_York") from None
    return name


class EventLogColumns(_Strict):
    """Columns of a process-mining event log (one row per event), for ``source: eventlog``."""

    case_id: str = "case_id"
    activity: str = "activity"
    timestamp: str = "timestamp"
    resource: str | None = None
    # a column holding the support line or tier of each event (values such as L1/L2/L3 or 1/2/3)
    tier: str | None = None
    # activity name -> event type (created, public_reply, internal_note, status_change, escalated,
    # customer_reply, solved, reopened, closed); activities not listed are status changes
    activities: dict[str, str] = Field(default_factory=dict)
    # activity name -> ticket status after it (new, open, pending, on_hold, solved, closed)
    statuses: dict[str, str] = Field(default_factory=dict)
    # ticket-level attributes taken from the case's latest event: canonical column -> log column
    attributes: dict[str, str] = Field(default_factory=dict)


class DataSources(_Strict):
    """Where the exports are and how their columns map to the canonical tables."""

    # the importer: generic (canonical names + mapping), zendesk, jira, servicenow, salesforce,
    # freshdesk, eventlog, or a preset for a known file (see `supportlens importers`)
    source: str = "generic"
    tickets: Path = Path("data/sample/tickets.csv")
    events: Path | None = Path("data/sample/events.csv")
    accounts: Path | None = Path("data/sample/accounts.csv")
    agents: Path | None = Path("data/sample/agents.csv")
    # canonical column -> column name in the export, per table; unmapped columns keep their name
    mapping: dict[str, dict[str, str]] = Field(default_factory=dict)
    # canonical column -> {value in the export: canonical value}; null maps a value to missing
    values: dict[str, dict[str, str | None]] = Field(default_factory=dict)
    # the worksheet of an XLSX workbook to read (needed when the workbook has several)
    sheet: str | None = None
    # the encoding of CSV/TSV/JSON exports (utf-8, cp1252, latin-1, utf-16 ...); null = detected
    encoding: str | None = None
    # the delimiter of CSV/TSV exports: comma, semicolon, tab, pipe (or the character); null = detected
    delimiter: str | None = None
    eventlog: EventLogColumns = EventLogColumns()
    # time zone of timestamps that carry no offset in the export
    timezone: str = "UTC"
    # read ambiguous dates such as 03/04/2025 day-first; null = the importer's convention
    dayfirst: bool | None = None

    _timezone = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {encoding!r}; use e.g. utf-8, cp1252, latin-1 or utf-16") from None
        return encoding

    @field_validator("delimiter")
    @classmethod
    def _known_delimiter(cls, delimiter: str | None) -> str | None:
        words = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
        if delimiter is None:
            return None
        delimiter = words.get(delimiter.strip().lower(), delimiter)
        if delimiter not in words.values():
            raise ValueError(f"unknown delimiter {delimiter!r}; use comma, semicolon, tab or pipe")
        return delimiter

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


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_ranges(text: str | None) -> list[tuple[int, int]]:
    """'09:00-12:30, 13:30-17:00' -> [(540, 750), (810, 1020)] minutes after local midnight."""
    if text is None or not str(text).strip() or str(text).strip().lower() == "closed":
        return []
    out = []
    for part in str(text).split(","):
        match = _RANGE.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not a time range; write e.g. '09:00-17:00'")
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if not (0 <= start < end <= 24 * 60) or m1 > 59 or m2 > 59:
            raise ValueError(f"{part.strip()!r} must run forwards within one day (00:00-24:00)")
        out.append((start, end))
    out.sort()
    if any(a[1] > b[0] for a, b in zip(out, out[1:])):
        raise ValueError(f"{text!r} has overlapping ranges")
    return out


class BusinessHours(_Strict):
    """The business calendar SLA clocks run on: time zone, weekly opening hours, holidays.

    The default is a 24/7 operation (every hour of every day, no holidays), so
    business time equals calendar time until you set your team's hours.
    """

    timezone: str = "UTC"
    weekly: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], str | None] = Field(
        default_factory=lambda: {day: "00:00-24:00" for day in WEEKDAYS})
    # public holidays of this country (ISO code, `holidays` package), closed all day
    holidays: str | None = None
    subdivision: str | None = None
    # further closed days (ISO dates)
    closed_days: list[dt.date] = Field(default_factory=list)

    _timezone = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))

    @field_validator("weekly")
    @classmethod
    def _ranges(cls, weekly: dict[str, str | None]) -> dict[str, str | None]:
        for day, text in weekly.items():
            try:
                parse_ranges(text)
            except ValueError as exc:
                raise ValueError(f"{day}: {exc}") from None
        return weekly

    @model_validator(mode="after")
    def _country(self) -> "BusinessHours":
        if self.holidays is not None:
            import holidays as holidays_package

            supported = holidays_package.list_supported_countries()
            code = self.holidays.upper()
            if code not in supported:
                raise ValueError(f"unknown holiday country {self.holidays!r}; use an ISO code such as US, GB, DE, FR")
            if self.subdivision is not None and self.subdivision not in supported[code]:
                raise ValueError(f"unknown subdivision {self.subdivision!r} of {code}; known: {', '.join(supported[code][:12])} ...")
        return self

    def minutes_by_weekday(self) -> list[list[tuple[int, int]]]:
        """Opening ranges (minutes after local midnight) for Monday..Sunday; days not listed are closed."""
        return [parse_ranges(self.weekly.get(day)) for day in WEEKDAYS]

    @property
    def always_open(self) -> bool:
        return (all(r == [(0, 1440)] for r in self.minutes_by_weekday())
                and self.holidays is None and not self.closed_days)


class SlaPolicy(_Strict):
    """Per-priority targets; ``targets`` overrides the preset priority by priority."""

    preset: Literal["default", "seed001", "seed002"] = "default"
    targets: dict[str, Target] = Field(default_factory=dict)
    # the clock targets are measured on: business (the business_hours calendar) or calendar time
    clock: Literal["business", "calendar"] = "business"
    business_hours: BusinessHours = BusinessHours()
    # ticket statuses (from the event log) during which the SLA clock stops, e.g. [pending, on_hold]
    pause_statuses: list[Literal["new", "open", "pending", "on_hold"]] = Field(default_factory=list)
    # new_cycle: a reopen (seen in the event log) starts a new resolution cycle, each measured
    # against the target; continue: one cycle from creation to the last solve
    reopen: Literal["new_cycle", "continue"] = "new_cycle"

    @field_validator("targets")
    @classmethod
    def _known_priorities(cls, targets: dict[str, Target]) -> dict[str, Target]:
        unknown = sorted(set(targets) - set(PRIORITIES) - {"default"})
        if unknown:
            raise ValueError(f"unknown priority {', '.join(unknown)}; expected {', '.join(PRIORITIES)} or default")
        return targets

    def target(self, priority: str) -> Target:
        if priority in self.targets:
            return self.targets[priority]
        return Target(**SLA_PRESETS[self.preset][priority])

    def default_target(self) -> Target | None:
        """The one target of an export without priorities (``targets.default``), if configured."""
        return self.targets.get("default")


class Period(_Strict):
    """The reporting period and the as-of time."""

    # ISO timestamp; default: the latest timestamp in the data
    as_of: str | None = None
    # quarter: the last full quarter before as_of (else the whole span); month; all
    length: Literal["quarter", "month", "all"] = "quarter"
    # tickets the drivers, accounts and workload pages analyse: period (created in the
    # reporting period) or all (the whole span); trends always use the whole span
    diagnostics: Literal["period", "all"] = "period"


class ReportSettings(_Strict):
    """How the report is cut and labelled."""

    # the zone periods, months, weeks, weekdays and hours are cut in; null = the business-hours zone
    # when set, else data.timezone, else UTC (Config.reporting_timezone)
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else _check_timezone(value)


class Findings(_Strict):
    """Thresholds a difference must pass before the report writes it as a sentence."""

    alpha: float = Field(0.05, gt=0, lt=1)
    # relative change (share, 0-1) of a KPI between periods worth a sentence
    material_change: float = Field(0.10, ge=0)
    # ratio between the worst and the best segment's breach rate worth a sentence
    material_ratio: float = Field(1.25, ge=1)
    # key findings the summary page names, largest impact first (breaches, hours or tickets a year)
    summary: int = Field(8, ge=1, le=20)


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
    # (judged on at least 30 solved tickets); the self-service recommendation names these candidates
    automation_min_one_touch_rate: float = Field(0.4, ge=0, le=1)
    # assumption: the share of a candidate's one-touch tickets self-service or auto-routing could take
    deflection_rate: float = Field(0.3, ge=0, le=1)
    # the page's tables and charts show this many groups (most tickets first) and categories (largest first,
    # plus every candidate); every row stays in context.json
    shown: int = Field(15, ge=1)


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


class Staffing(_Strict):
    """Erlang C staffing of the first-response queue (tier 1), per hour of the week."""

    # agent minutes of work per ticket up to its first response; exports rarely hold it,
    # so it is an assumption here (set it from your workforce-management or time-tracking tool)
    handle_minutes: float = Field(30, gt=0)
    # answer this share of tickets within answer_within_minutes (null = the tightest
    # first-response target of the SLA policy)
    service_level: float = Field(0.80, gt=0, lt=1)
    answer_within_minutes: float | None = Field(None, gt=0)
    # agents are never planned busier than this share of their time on the queue
    max_occupancy: float = Field(0.85, gt=0, le=1)
    # share of rostered time not on the queue (breaks, meetings, training, absence)
    shrinkage: float = Field(0.30, ge=0, lt=1)


class Risk(_Strict):
    """The breach-risk model: predicts at creation whether a resolution SLA will breach."""

    # the latest months of labelled tickets held out for the test; the month before them
    # chooses the model's review threshold
    test_months: int = Field(2, ge=1)
    # train on at most this many tickets (a seeded sample) to bound the build time
    max_training_tickets: int = Field(100_000, ge=1000)
    # bootstrap resamples for the intervals of ROC-AUC and PR-AUC
    bootstrap: int = Field(200, ge=20)
    # permutation-importance repeats, on at most importance_tickets test tickets
    importance_repeats: int = Field(3, ge=1)
    importance_tickets: int = Field(5000, ge=500)
    # open tickets listed as at highest risk now
    top_open: int = Field(15, ge=1)


class Costs(_Strict):
    """What a breach, an agent hour and a review cost, in publish.currency; the ROI rests on them."""

    # cost of one breached SLA (first response or resolution), by priority
    breach: dict[str, float] = Field(default_factory=lambda: {"critical": 500.0, "high": 200.0,
                                                              "normal": 50.0, "low": 10.0})
    # fully loaded cost of one agent hour
    agent_hour: float = Field(40, ge=0)
    # cost of reviewing one ticket the risk model flags at creation
    review: float = Field(5, ge=0)
    # share of the flagged tickets' breaches a review prevents: a range [low, high], drawn uniformly
    # (a single number means it is known exactly)
    review_prevents: tuple[float, float] = (0.2, 0.4)
    # one-off cost of adding one full-time agent (hiring, onboarding)
    hire_per_agent: float = Field(3000, ge=0)
    # one-off and yearly costs of the other actions
    dedicated_team: dict[str, float] = Field(default_factory=lambda: {"one_off": 5000.0, "per_year": 15000.0})
    account_management: dict[str, float] = Field(default_factory=lambda: {"one_off": 2000.0, "per_year": 6000.0})
    self_service: dict[str, float] = Field(default_factory=lambda: {"one_off": 20000.0, "per_year": 5000.0})
    escalation_process: dict[str, float] = Field(default_factory=lambda: {"one_off": 5000.0, "per_year": 5000.0})
    # running the breach-risk model (scoring new tickets, monthly re-training and checks); a rule on
    # priority alone costs nothing to run, so the model's review must beat it by more than this
    risk_model: dict[str, float] = Field(default_factory=lambda: {"one_off": 5000.0, "per_year": 5000.0})

    @field_validator("breach")
    @classmethod
    def _every_priority(cls, breach: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(breach) - set(PRIORITIES))
        missing = sorted(set(PRIORITIES) - set(breach))
        if unknown or missing:
            raise ValueError(f"give a cost for each of {', '.join(PRIORITIES)}"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                             + (f"; missing: {', '.join(missing)}" if missing else ""))
        return breach

    @field_validator("review_prevents", mode="before")
    @classmethod
    def _prevention_range(cls, value):
        low, high = (value, value) if isinstance(value, (int, float)) else value
        if not 0 <= float(low) <= float(high) <= 1:
            raise ValueError("expected a share 0-1 or a range [low, high] with 0 <= low <= high <= 1")
        return float(low), float(high)

    @field_validator("dedicated_team", "account_management", "self_service", "escalation_process", "risk_model")
    @classmethod
    def _one_off_and_per_year(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"one_off", "per_year"}:
            raise ValueError("expected exactly the keys one_off and per_year")
        return value


class Recommendations(_Strict):
    """When the rules fire and how the ranges of their impact are drawn."""

    # share of the measured excess breaches an action removes: a range, drawn uniformly
    effectiveness: tuple[float, float] = (0.5, 1.0)
    # share of an automation candidate's one-touch tickets self-service or auto-routing takes
    # (the candidates are the workload page's; its point assumption is workload.deflection_rate)
    deflection: tuple[float, float] = (0.2, 0.4)
    # share of a dominant account's tickets proactive account management prevents
    # (dominant accounts are the accounts page's: accounts.dominant_share)
    account_reduction: tuple[float, float] = (0.10, 0.25)
    # Monte Carlo draws of every range, and the range's coverage (0.8 = 10th to 90th percentile)
    draws: int = Field(2000, ge=100)
    interval: float = Field(0.8, gt=0, lt=1)
    # on the simulated sample (a truth.json beside the tickets), re-run the simulator with
    # the recommended coverage and compare the simulated with the predicted benefit
    what_if: bool = True

    @field_validator("effectiveness", "deflection", "account_reduction")
    @classmethod
    def _range(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low <= high <= 1:
            raise ValueError("expected [low, high] with 0 <= low <= high <= 1")
        return value


class SampleSettings(_Strict):
    """The built-in simulated organisation ``supportlens sample`` writes."""

    tickets: int = Field(50_000, ge=100)
    seed: int = 7
    out: Path = Path("data/sample")


class Publish(_Strict):
    """What the published site and PDF may show."""

    # the organisation's name for the footer and the PDF's cover; none (null or "") shows none
    # (the built-in sample shows "Sample Support Co. (simulated)", see context.organisation_shown)
    organisation: str | None = None
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
    report: ReportSettings = ReportSettings()
    findings: Findings = Findings()
    targets: KpiTargets = KpiTargets()
    staffing: Staffing = Staffing()
    risk: Risk = Risk()
    costs: Costs = Costs()
    recommendations: Recommendations = Recommendations()
    segments: Segments = Segments()
    trends: Trends = Trends()
    accounts: AccountSettings = AccountSettings()
    workload: Workload = Workload()
    sample: SampleSettings = SampleSettings()
    publish: Publish = Publish()
    render: Render = Render()
    escalations: Escalations = Escalations()
    seed: int = 7

    def reporting_timezone(self) -> str:
        """The zone the report is cut and labelled in: ``report.timezone``, else the business-hours zone when it
        was set, else the export's zone (``data.timezone``) when it was set, else UTC."""
        if self.report.timezone:
            return self.report.timezone
        if "timezone" in self.sla.business_hours.model_fields_set:
            return self.sla.business_hours.timezone
        return self.data.timezone

    @model_validator(mode="after")
    def _complete_sla(self) -> "Config":
        for priority in PRIORITIES:
            self.sla.target(priority)
        return self


DEFAULT_CONFIG = resources.files(__name__).joinpath("supportlens.yml")   # package data


def default_config_text() -> str:
    """The documented ``supportlens.yml`` shipped in the package: every key with its default and meaning."""
    return DEFAULT_CONFIG.read_text(encoding="utf-8")


def load_config(path: Path | str | None) -> Config:
    """Read and validate ``supportlens.yml``; no file (None) means the documented defaults shipped in the package."""
    if path is None:
        return _validate(default_config_text(), "the default supportlens.yml")
    path = Path(path)
    if not path.exists():
        raise SupportlensError(f"config file {path} not found",
                               "create it (`supportlens init` writes the documented defaults) or pass --config")
    return _validate(path.read_text(encoding="utf-8"), str(path))


def _validate(text: str, path: str) -> Config:
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise SupportlensError(f"{path} is not valid YAML: {exc}", "fix the YAML syntax") from None
    if not isinstance(raw, dict):
        raise SupportlensError(f"{path} must hold a mapping of keys",
                               "see the documented keys in the file `supportlens init` writes")
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
        # a value out of its range: the fix names the range ("set sla.targets.high.resolution to a value greater than 0")
        ranges = [f"{'.'.join(str(p) for p in err['loc'])} to a value {err['msg'].removeprefix('Input should be ')}"
                  for err in exc.errors() if err["type"] in ("greater_than", "greater_than_equal", "less_than",
                                                              "less_than_equal")]
        if ranges and len(ranges) == len(exc.errors()):
            fix = "set " + "; ".join(ranges) + " (the file `supportlens init` writes documents each key and its default)"
        else:
            fix = "check the spelling against the documented keys in the file `supportlens init` writes"
        raise SupportlensError(f"{path}: " + "; ".join(lines), fix) from None
