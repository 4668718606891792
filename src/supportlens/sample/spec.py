"""What the simulator is asked for, what it returns, and the constants of its world.

All durations inside the simulator are whole seconds counted from ``start``
(00:00 UTC); hours in the knobs below are calendar hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PRIORITIES = ("critical", "high", "normal", "low")
PRIORITY_SHARE = (0.05, 0.20, 0.55, 0.20)
CHANNELS = ("email", "web", "chat", "phone")
CHANNEL_SHARE = (0.38, 0.27, 0.22, 0.13)
CATEGORIES = ("billing", "login_access", "bug", "how_to", "integration", "performance",
              "feature_request", "account_change")
CATEGORY_SHARE = (0.15, 0.13, 0.16, 0.18, 0.09, 0.07, 0.08, 0.14)
INDUSTRIES = ("Software", "Retail", "Finance", "Healthcare", "Manufacturing", "Education",
              "Logistics", "Media")
INDUSTRY_SHARE = (0.22, 0.14, 0.12, 0.12, 0.11, 0.10, 0.10, 0.09)
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "CA", "AU", "SE", "ES", "IN")
COUNTRY_SHARE = (0.30, 0.14, 0.11, 0.08, 0.07, 0.08, 0.06, 0.05, 0.05, 0.06)

# Default SLA policy of the product (calendar hours): first response, resolution.
SLA_TARGET_HOURS = {
    "critical": (1.0, 4.0),
    "high": (4.0, 8.0),
    "normal": (8.0, 24.0),
    "low": (24.0, 72.0),
}

# Event vocabulary; codes index these tuples.
EVENT_TYPES = ("created", "public_reply", "internal_note", "status_change", "escalated",
               "customer_reply", "solved", "reopened", "closed")
ROLES = ("customer", "tier1", "tier2", "tier3", "system")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")

HOUR = 3600
DAY = 86_400


@dataclass
class SimulationSpec:
    """Knobs of one simulated year of a support organisation.

    ``planted_effects=False`` is the null world: no ticket attribute (priority,
    channel, category, industry, country, account tier, tenure) changes any
    duration or probability, the tier-1 roster follows arrivals with no gap and
    the two escalation handoffs behave alike.
    """

    tickets: int = 50_000
    seed: int = 7
    start: str = "2025-10-01"
    days: int = 365
    planted_effects: bool = True
    # what-if: hour of day (UTC) -> extra tier-1 agents on shift at that hour, every day
    extra_coverage: dict[int, int] = field(default_factory=dict)
    # what-if: hour of the week (0 = Monday 00:00 UTC ... 167) -> change in tier-1 agents on shift
    # in that hour of every week (negative: agents taken off it), e.g. hours moved from one slot to another
    coverage_change: dict[int, int] = field(default_factory=dict)
    # what-if: escalated tickets get a public update at least every this many hours
    proactive_update_hours: float | None = None
    # intervention (interrupted time series): from change_date (ISO date, UTC) on, escalated
    # tickets are resolved change_effect_hours later (negative = sooner) than before it, exactly:
    # the work of the escalated tickets on the slower side of the date ends that much later.
    change_date: str | None = None
    change_effect_hours: float = 0.0
    # Planted effects (used only when planted_effects is True).
    gap_hours: tuple[int, ...] = (18, 19, 20, 21)
    gap_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    gap_staffing: float = 0.30          # evening tier-1 capacity / arrival rate in the gap
    slow_industry: str = "Healthcare"
    slow_industry_factor: float = 2.0   # work-time multiplier
    slow_channel: str = "email"
    slow_channel_factor: float = 1.25   # work-time multiplier, and queued last for first response
    concentrated_share: float = 0.05    # expected ticket share of the one dominant account
    # The world.
    headroom: float = 1.35              # tier-1 capacity / arrival rate the roster is built for
    weekend_headroom: float = 1.1       # planted: weekends are staffed a little thinner
    tickets_per_account: float = 60.0
    close_after_hours: float = 96.0     # solved tickets close this long after the last solve
    csat_response_rate: float = 0.40

    def __post_init__(self) -> None:
        if self.tickets < 1:
            raise ValueError("tickets must be at least 1")
        if self.days < 7:
            raise ValueError("days must be at least 7")
        for hour, extra in self.extra_coverage.items():
            if not 0 <= int(hour) <= 23 or int(extra) < 0:
                raise ValueError(f"extra_coverage wants hour 0-23 -> agents >= 0, got {hour}: {extra}")
        for how in self.coverage_change:
            if not 0 <= int(how) <= 167:
                raise ValueError(f"coverage_change wants hours of the week 0-167 -> change in agents, got {how}")
        if self.proactive_update_hours is not None and self.proactive_update_hours <= 0:
            raise ValueError("proactive_update_hours must be positive")
        if self.change_effect_hours and self.change_date is None:
            raise ValueError("change_effect_hours needs a change_date")

    @property
    def change_second(self) -> int | None:
        """Seconds from start to the change date (00:00 UTC), when an intervention is planted."""
        if self.change_date is None:
            return None
        return int((pd.Timestamp(self.change_date, tz="UTC").normalize() - self.start_ts).total_seconds())

    @property
    def start_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.start, tz="UTC").normalize()

    @property
    def end_ts(self) -> pd.Timestamp:
        """Exclusive end of the simulated window (start + days)."""
        return self.start_ts + pd.Timedelta(days=self.days)

    @property
    def start_weekday(self) -> int:
        return int(self.start_ts.weekday())


@dataclass
class SampleData:
    """The four canonical tables plus the ground truth of what was planted."""

    tickets: pd.DataFrame
    events: pd.DataFrame
    accounts: pd.DataFrame
    agents: pd.DataFrame
    truth: dict


def stream(spec: SimulationSpec, name: str) -> np.random.Generator:
    """An independent random stream per model part.

    Separate streams keep what-if re-runs comparable: changing staffing moves
    first responses but not which tickets arrive, escalate or reopen.
    """
    parts = {"accounts": 1, "agents": 2, "arrivals": 3, "attributes": 4, "queue": 5,
             "work": 6, "events": 7, "csat": 8}
    return np.random.default_rng([int(spec.seed), parts[name]])
