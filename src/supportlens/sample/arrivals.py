"""When tickets arrive and what they are about."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .population import Accounts
from .spec import (CATEGORIES, CATEGORY_SHARE, CHANNEL_SHARE, CHANNELS, HOUR, PRIORITIES,
                   PRIORITY_SHARE, SimulationSpec)

# Relative arrivals by hour of day (UTC): EMEA and Americas business hours,
# a long evening shoulder from the Americas, a quiet night.
HOUR_PROFILE = np.array([0.30, 0.25, 0.22, 0.22, 0.25, 0.30, 0.45, 0.65, 0.85, 1.00, 1.00, 1.00,
                         0.95, 1.00, 1.00, 1.00, 0.95, 0.85, 0.78, 0.72, 0.64, 0.54, 0.42, 0.35])
WEEKDAY_PROFILE = np.array([1.10, 1.05, 1.00, 1.00, 0.90, 0.40, 0.35])  # Monday first


@dataclass
class Tickets:
    """Ticket attributes as integer codes; row order is creation order."""

    created: np.ndarray      # seconds from start
    priority: np.ndarray     # index into PRIORITIES
    channel: np.ndarray      # index into CHANNELS
    category: np.ndarray     # index into CATEGORIES
    account: np.ndarray      # index into accounts
    requester: np.ndarray    # global requester number (0-based)


def hourly_intensity(spec: SimulationSpec) -> np.ndarray:
    """Expected tickets per hour of the window (sums to ``spec.tickets``)."""
    hours = np.arange(spec.days * 24)
    day = hours // 24
    weekday = (spec.start_weekday + day) % 7
    doy = pd.date_range(spec.start_ts, periods=spec.days, freq="D").day_of_year.to_numpy()[day]

    def bump(centre: float, width: float) -> np.ndarray:
        d = np.abs(doy - centre)
        d = np.minimum(d, 365 - d)
        return np.exp(-((d / width) ** 2))

    # New-year restart and back-to-school / budget season peaks, a holiday lull, mild growth.
    season = 1.0 + 0.30 * bump(18, 14) + 0.22 * bump(258, 14) - 0.25 * bump(359, 6)
    trend = 1.0 + 0.08 * day / max(1, spec.days - 1)
    rate = HOUR_PROFILE[hours % 24] * WEEKDAY_PROFILE[weekday] * season * trend
    return rate / rate.sum() * spec.tickets


def per_hour_of_week(spec: SimulationSpec, intensity: np.ndarray) -> np.ndarray:
    """Average expected arrivals per hour of week (168, Monday 00:00 first)."""
    how = (spec.start_weekday * 24 + np.arange(intensity.size)) % 168
    total = np.bincount(how, weights=intensity, minlength=168)
    count = np.bincount(how, minlength=168)
    return total / np.maximum(count, 1)


def draw_tickets(spec: SimulationSpec, intensity: np.ndarray, accounts: Accounts,
                 rng_arrivals: np.random.Generator, rng_attributes: np.random.Generator) -> Tickets:
    n = spec.tickets
    per_hour = rng_arrivals.multinomial(n, intensity / intensity.sum())
    hour = np.repeat(np.arange(intensity.size), per_hour)
    created = np.sort(hour * HOUR + rng_arrivals.integers(0, HOUR, size=n))

    rng = rng_attributes
    priority = rng.choice(len(PRIORITIES), size=n, p=PRIORITY_SHARE)
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_SHARE)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARE)
    account = rng.choice(accounts.weight.size, size=n, p=accounts.weight)
    # Within an account a few requesters write most tickets.
    offsets = np.concatenate([[0], np.cumsum(accounts.requesters)[:-1]])
    pick = np.floor(rng.random(n) ** 2 * accounts.requesters[account]).astype(np.int64)
    requester = offsets[account] + pick
    return Tickets(created.astype(np.int64), priority, channel, category, account, requester)
