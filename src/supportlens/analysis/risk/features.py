"""What is known about a ticket at the moment it is created: the breach-risk model's features.

Every feature is built from the ticket's own attributes at creation and from what had
happened *before* its ``created_at``: other tickets created earlier, first responses and
solves that had already happened, the account's static attributes and the published
shift schedule. Nothing reads the ticket's own outcome or anything later; the test
``tests/unit/analysis/risk/test_risk_model.py::test_no_feature_uses_information_from_after_creation`` proves it by
rebuilding the features from data cut at each ticket's creation time.

Assumption: ``priority``, ``channel`` and ``category`` are as set at creation (exports keep
the latest value; a priority raised later would leak, and the model card says so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CATEGORICAL = ("priority", "channel", "category", "account_tier", "industry", "country")
NUMERIC = ("hour", "weekday", "account_tenure_days", "account_tickets_prior_30d", "queue_waiting",
           "open_backlog", "agents_on_shift")


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    kind: str          # categorical or numeric
    description: str   # what it is and why it is known at creation
    label: str = ""    # the feature as a reader names it (the model card and its importance chart)


LABELS = {
    "priority": "Priority", "channel": "Channel", "category": "Category", "account_tier": "Account tier",
    "industry": "Industry", "country": "Country", "hour": "Hour created", "weekday": "Weekday created",
    "account_tenure_days": "Customer tenure", "account_tickets_prior_30d": "Account's recent tickets",
    "queue_waiting": "Queue waiting", "open_backlog": "Open backlog", "agents_on_shift": "Agents on shift",
}


DESCRIPTIONS = {
    "priority": "priority of the ticket (as exported; assumed unchanged since creation)",
    "channel": "channel the request came in through",
    "category": "issue type",
    "account_tier": "account tier of the requesting organisation (accounts table)",
    "industry": "industry of the requesting organisation (accounts table)",
    "country": "country of the requesting organisation (accounts table)",
    "hour": "hour of creation, in the report's time zone",
    "weekday": "weekday of creation (Monday first)",
    "account_tenure_days": "days since the account became a customer, at creation",
    "account_tickets_prior_30d": "tickets the same account created in the 30 days before",
    "queue_waiting": "tickets created earlier still waiting for a first response at creation",
    "open_backlog": "tickets created earlier and not yet solved at creation",
    "agents_on_shift": "tier-1 agents rostered for that hour of the week (the agents' shift hours)",
}


def _as_categories(values: pd.Series, rows: np.ndarray | None = None, index: pd.Index | None = None) -> pd.Series:
    """``values.astype("string").fillna("unknown")`` held as a categorical of those texts: each distinct value
    converted once, a code per ticket (ten million tickets of a few channels: ten megabytes, not a string per
    ticket). With ``rows``, of ``values`` taken at ``rows`` (-1: missing), as a Series on ``index``. Columns that
    are not text (numbers, categories of numbers, mixed objects: their text can depend on the other rows) are
    converted row by row first, as before."""
    text = isinstance(values.dtype, pd.StringDtype) or (isinstance(values.dtype, pd.CategoricalDtype)
                                                         and pd.api.types.is_string_dtype(values.cat.categories))
    if rows is not None and not text:
        values = pd.Series(pd.api.extensions.take(values.array, rows, allow_fill=True), index=index)
        rows = None
    if not text:
        values = values.astype("string").fillna("unknown")
    codes, distinct = pd.factorize(values)   # (-1: missing)
    if rows is not None:
        codes = np.append(codes, -1)[rows]
    texts = pd.Series(distinct).astype("string").fillna("unknown").tolist() + ["unknown"]
    merged, levels = pd.factorize(pd.Series(texts, dtype=object))   # (two values of one text: one category)
    return pd.Series(pd.Categorical.from_codes(merged[codes], categories=levels),
                     index=values.index if index is None else index)


def _ns(values: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds; missing -> +inf-like (never happened)."""
    out = values.astype("datetime64[ns, UTC]").to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return np.where(values.isna().to_numpy(), np.iinfo(np.int64).max, out)


def _done_before(created: np.ndarray, done: np.ndarray) -> np.ndarray:
    """For each creation time t: tickets created before t minus those done (responded, solved) by t."""
    created_sorted = np.sort(created)
    done_sorted = np.sort(done)
    return (np.searchsorted(created_sorted, created, side="left")
            - np.searchsorted(done_sorted, created, side="right")).clip(min=0)


def creation_features(tickets: pd.DataFrame, accounts: pd.DataFrame | None = None,
                      agents_by_hour_of_week: np.ndarray | None = None) -> pd.DataFrame:
    """One row per ticket (same index) with the columns of ``feature_names`` that the data supports; the
    categorical ones as categoricals of texts ("unknown" for a missing value)."""
    created_at = tickets["created_at"]
    created = _ns(created_at)
    out = pd.DataFrame(index=tickets.index)
    for column in ("priority", "channel", "category"):
        if column in tickets and tickets[column].notna().any():
            out[column] = _as_categories(tickets[column])
    if accounts is not None and "account_id" in tickets and "account_id" in accounts:
        table = accounts.drop_duplicates("account_id").set_index("account_id")
        # each ticket's account row, looked up once for every column (what Series.map does per column)
        row = table.index.get_indexer(tickets["account_id"])

        def of_account(column: str) -> pd.Series:
            return pd.Series(pd.api.extensions.take(table[column].array, row, allow_fill=True), index=tickets.index)

        for column in ("account_tier", "industry", "country"):
            if column in table and table[column].notna().any():
                out[column] = _as_categories(table[column], row, tickets.index)
        if "customer_since" in table and table["customer_since"].notna().any():
            since = of_account("customer_since")
            out["account_tenure_days"] = ((created_at - since).dt.total_seconds() / 86_400).astype(float)
    out["hour"] = created_at.dt.hour.astype(float)
    out["weekday"] = created_at.dt.day_of_week.astype(float)
    if "account_id" in tickets and tickets["account_id"].notna().any():
        out["account_tickets_prior_30d"] = _prior_same_account(tickets["account_id"], created)
    if "first_response_at" in tickets:
        out["queue_waiting"] = _done_before(created, _ns(tickets["first_response_at"])).astype(float)
    solved = tickets["first_solved_at"] if "first_solved_at" in tickets else tickets.get("solved_at")
    if solved is not None:
        out["open_backlog"] = _done_before(created, _ns(solved)).astype(float)
    if agents_by_hour_of_week is not None:
        how = (created_at.dt.day_of_week * 24 + created_at.dt.hour).to_numpy()
        out["agents_on_shift"] = np.asarray(agents_by_hour_of_week, dtype=float)[how]
    return out


def _prior_same_account(account: pd.Series, created: np.ndarray) -> np.ndarray:
    """Tickets of the same account created in [t − 30 days, t)."""
    codes = pd.factorize(account)[0].astype(np.int64)
    codes[codes < 0] = codes.max() + 1   # (the tickets without an account: one more code, their counts NaN below)
    seconds = (created - created.min()) // 10**9
    # one sorted key per (account, second): a window never crosses into another account
    key = codes * (int(seconds.max()) + 31 * 86_400 + 1)
    del codes
    key += seconds
    del seconds
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    del key
    counts = np.empty(len(ordered))
    # searched in key order (cheaper than in ticket order), written back to each ticket; a block of keys at a time
    for start in range(0, len(ordered), 1 << 20):
        block = ordered[start:start + (1 << 20)]
        found = np.searchsorted(ordered, block, side="left")
        found -= np.searchsorted(ordered, block - 30 * 86_400, side="left")
        counts[order[start:start + (1 << 20)]] = found
    counts[account.isna().to_numpy()] = np.nan
    return counts


def feature_infos(columns: list[str]) -> list[FeatureInfo]:
    return [FeatureInfo(name, "categorical" if name in CATEGORICAL else "numeric", DESCRIPTIONS[name], LABELS[name])
            for name in columns]
