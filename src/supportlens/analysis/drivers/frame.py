"""The tickets the diagnostics analyse, each labelled with its segment in every dimension.

A dimension is a way to split the tickets: priority, channel, category, group,
the account's industry, country and tier, the customer's tenure when the ticket
was created, the hour and weekday of creation, and any extra column named in
``segments.extra_dimensions``. Missing values are a segment of their own,
"(not set)"; small segments are pooled into "other", never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...canonical import PRIORITIES
from ...config import Segments
from ..core.period import ReportingPeriod, rows_where
from ...labels import is_coded  # noqa: F401  (the coded-label rule; the findings import it from here)

NOT_SET = "(not set)"
OTHER = "other"


def is_pooled(label: str | None) -> bool:
    """The bucket small segments are pooled into: it names no segment a reader could act on."""
    return label == OTHER


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# id, label, where the values come from
BUILTIN = (
    ("priority", "Priority", "tickets"),
    ("channel", "Channel", "tickets"),
    ("category", "Category", "tickets"),
    ("group", "Group", "tickets"),
    ("industry", "Industry", "accounts"),
    ("country", "Country", "accounts"),
    ("account_tier", "Account tier", "accounts"),
    ("tenure_band", "Customer tenure", "accounts"),
    ("hour", "Hour created ({zone})", "tickets"),          # {zone}: the reporting time zone the hours are cut in
    ("weekday", "Weekday created ({zone})", "tickets"),
)
_ORDERED = {"priority", "hour", "weekday", "tenure_band"}


@dataclass(frozen=True)
class DimensionSpec:
    id: str
    label: str
    source: str               # tickets, accounts or config
    levels: list[str]         # segment labels in display order
    pooled_tickets: int       # tickets pooled into "other"


@dataclass(frozen=True)
class Window:
    """The tickets of the diagnostics: created in the reporting period, or all of them."""

    label: str
    kind: str                 # period or all
    start: pd.Timestamp
    end: pd.Timestamp


def diagnostic_window(clocks: pd.DataFrame, period: ReportingPeriod, kind: str) -> tuple[pd.DataFrame, Window]:
    """The window's tickets; a ticket without a creation time (logged by ingest) belongs to no window."""
    if kind == "all" or period.kind == "all":
        start = clocks["created_at"].min()
        return clocks[clocks["created_at"].notna()], Window(f"{start:%d %b %Y} – {period.as_of:%d %b %Y}", "all", start, period.as_of)
    created = clocks["created_at"]
    return (rows_where(clocks, (created >= period.start) & (created < period.end)),
            Window(period.label, "period", period.start, period.end))


def tenure_labels(edges_months: list[int]) -> list[str]:
    """[6, 12, 24] -> ['< 6 months', '6–12 months', '1–2 years', '2+ years']"""
    def say(months: int) -> str:
        return f"{months // 12}" if months % 12 == 0 and months >= 12 else f"{months}"

    def unit(months: int) -> str:
        return "years" if months % 12 == 0 and months >= 12 else "months"

    edges = sorted(edges_months)
    labels = [f"< {say(edges[0])} {unit(edges[0])}"]
    for lo, hi in zip(edges[:-1], edges[1:]):
        same = unit(lo) == unit(hi)
        labels.append(f"{say(lo)}–{say(hi)} {unit(hi)}" if same else f"{lo}–{hi} months")
    labels.append(f"{say(edges[-1])}+ {unit(edges[-1])}")
    return labels


def _tenure_band(created: pd.Series, since: pd.Series, edges_months: list[int]) -> pd.Series:
    months = (created - since).dt.total_seconds() / (86400 * 30.4375)
    labels = tenure_labels(edges_months)
    bins = [-np.inf] + sorted(float(e) for e in edges_months) + [np.inf]
    band = pd.cut(months, bins=bins, labels=labels, right=False).astype("string")
    return band.where(months >= 0)


def _pool(values: pd.Series, settings: Segments) -> tuple[pd.Series, list[str], int]:
    """Keep segments with at least min_tickets (the largest max_segments); pool the rest into 'other'."""
    counts = values.value_counts(sort=False)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
    keep = [level for level, n in ranked if n >= settings.min_tickets]
    if len(keep) + (len(keep) < len(counts)) > settings.max_segments:
        keep = keep[: settings.max_segments - 1]
    pooled = ~values.isin(keep)
    out = values.where(~pooled, OTHER)
    return out, keep + ([OTHER] if pooled.any() else []), int(pooled.sum())


def segment_frame(window: pd.DataFrame, accounts: pd.DataFrame | None, settings: Segments,
                  extra_columns: list[str], zone: str = "UTC") -> tuple[pd.DataFrame, list[DimensionSpec], list[dict]]:
    """One string column per dimension (named ``dim:<id>``), the dimensions found, and those not available.

    ``extra_columns`` are the columns of ``window`` and ``accounts`` that the
    extra dimensions may name.
    """
    raw: dict[str, tuple[str, str, pd.Series]] = {}
    unavailable: list[dict] = []
    joined = None
    if accounts is not None and "account_id" in window and "account_id" in accounts:
        joined = accounts.drop_duplicates("account_id").set_index("account_id")
    for dim, label, source in ((d, label.format(zone=zone), s) for d, label, s in BUILTIN):
        if dim == "hour":
            hours = np.array([f"{h:02d}:00" for h in range(24)], dtype=object)
            raw[dim] = (label, source, pd.Series(hours[window["created_at"].dt.hour.to_numpy()], index=window.index))
        elif dim == "weekday":
            days = np.array(WEEKDAYS, dtype=object)
            raw[dim] = (label, source, pd.Series(days[window["created_at"].dt.day_of_week.to_numpy()], index=window.index))
        elif source == "tickets":
            if dim in window and window[dim].notna().any():
                raw[dim] = (label, source, window[dim])
            else:
                unavailable.append({"dimension": label, "reason": f"the tickets have no {label.lower()}"})
        elif joined is None:
            unavailable.append({"dimension": label, "reason": "needs an accounts table (each customer's industry, country, tier and start date)"})
        elif dim == "tenure_band":
            if "customer_since" in joined and joined["customer_since"].notna().any():
                since = window["account_id"].map(joined["customer_since"])
                raw[dim] = (label, source, _tenure_band(window["created_at"], since, settings.tenure_band_months))
            else:
                unavailable.append({"dimension": label, "reason": "the accounts have no customer start dates"})
        elif dim in joined and joined[dim].notna().any():
            raw[dim] = (label, source, window["account_id"].map(joined[dim]))
        else:
            unavailable.append({"dimension": label, "reason": f"the accounts have no {label.lower()}"})
    for name in settings.extra_dimensions:
        if name in raw:
            continue
        if name in window and name in extra_columns:
            raw[name] = (name, "config", window[name])
        elif joined is not None and name in joined and name in extra_columns:
            raw[name] = (name, "config", window["account_id"].map(joined[name]))
        else:
            unavailable.append({"dimension": name, "reason": f"no column '{name}' in the tickets or accounts"})

    frame = pd.DataFrame(index=window.index)
    specs = []
    for dim, (label, source, values) in raw.items():
        text = values.astype("string").str.strip().replace({"": pd.NA}).fillna(NOT_SET)
        present = set(text.unique().tolist())
        if dim == "priority":
            natural = [p for p in PRIORITIES if p in present] + sorted(present - set(PRIORITIES))
        elif dim == "weekday":
            natural = [d for d in WEEKDAYS if d in present]
        elif dim == "tenure_band":
            natural = [b for b in tenure_labels(settings.tenure_band_months) + [NOT_SET] if b in present]
        else:
            natural = sorted(present)
        pooled, levels, n_pooled = _pool(text, settings)
        if dim in _ORDERED:
            levels = [level for level in natural if level in levels] + ([OTHER] if OTHER in levels else [])
        if len(levels) < 2:
            unavailable.append({"dimension": label, "reason": f"only one segment ({levels[0] if levels else 'none'}) "
                                f"has at least {settings.min_tickets} tickets"})
            continue
        frame[f"dim:{dim}"] = pooled
        specs.append(DimensionSpec(dim, label, source, levels, n_pooled))
    return frame, specs, unavailable


def dimension_codes(frame: pd.DataFrame, spec: DimensionSpec) -> np.ndarray:
    """Each ticket's segment index among ``spec.levels`` (-1 for none), as ``pd.Categorical(..., categories=levels)``
    codes it, matching each distinct value to the levels once instead of every value."""
    codes, distinct = pd.factorize(frame[f"dim:{spec.id}"])
    position = np.append(pd.Index(spec.levels).get_indexer(distinct), -1)    # a missing value (code -1) stays -1
    return position[codes].astype(np.int64)
