"""Who raises the work? Tickets per account, concentration, the top accounts and the tenure effect.

Concentration counts every account of the customer base: the accounts table
(customers since before the window's end) plus any account that appears only
on tickets, so accounts that raised nothing count as zero. Without an accounts
table only accounts with tickets are known, and the page says so.

An account is *dominant* when the lower end of the 95% Wilson interval of its
share of tickets is above ``accounts.dominant_share`` (the one definition: the
account_concentration finding and the account-management recommendation use it). Names are published only
when ``publish.allow_personal_data`` is true; otherwise accounts are shown by id.

Tenure: seed 001 reported that long-standing customers were resolved more
slowly. That is tested, not assumed: the tenure-band family of the segment
diagnostics (log-rank across bands, Benjamini-Hochberg across dimensions) decides,
and Spearman's rank correlation between tenure and time to resolution (solved
tickets) gives the direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .drivers.segments import Comparison, SegmentReport
from .core.breach import breach_rate
from .core.missing import MissingData
from .core.extremes import highest
from .core.stats import Estimate, Rate, gini, kaplan_meier, lorenz, wilson


@dataclass(frozen=True)
class AccountRow:
    account: str                      # the name when publishing names is allowed, else the id
    account_id: str
    industry: str | None
    country: str | None
    tier: str | None
    tickets: int
    share: Rate                       # of the window's tickets
    resolution_breach: Rate
    resolution: Estimate              # Kaplan-Meier median hours, open tickets censored


@dataclass(frozen=True)
class Concentration:
    accounts: int                     # the customer base (with or without tickets)
    accounts_with_tickets: int
    base_includes_silent: bool        # accounts without tickets are known (accounts table present)
    tickets: int
    top_20pct_accounts: int
    top_20pct_share: float            # share 0-1 of tickets raised by the top 20% of accounts
    gini: float | None
    lorenz_accounts: list[float]      # cumulative share of accounts, fewest tickets first
    lorenz_tickets: list[float]
    largest: str
    largest_share: Rate
    dominant: list[dict]              # {"account", "account_id", "share", "ci_low", "ci_high", "tickets", "tickets_per_year"}
    dominant_threshold: float
    median_tickets: float             # per account with tickets
    p90_tickets: float
    largest_dominant: int | None = None   # index into dominant: the largest share (the first on a tie; None: no dominant)


@dataclass(frozen=True)
class TenureEffect:
    tickets: int                      # solved tickets with a known tenure
    spearman_rho: float | None        # tenure (days) vs time to resolution (hours)
    spearman_p: float | None
    band_comparison: Comparison | None   # the tenure-band family of the drivers page (resolution)
    found: bool                       # the family is a finding: significant, material, pair significant
    direction: str | None             # "slower" or "faster" for longer-standing customers


@dataclass(frozen=True)
class AccountReport:
    window: str
    names_published: bool
    concentration: Concentration
    top_accounts: list[AccountRow]
    tenure: TenureEffect | None


def _base(window: pd.DataFrame, accounts: pd.DataFrame | None, window_end: pd.Timestamp) -> tuple[pd.Series, bool]:
    """Tickets per account over the customer base (zero for silent accounts when they are known)."""
    counts = window["account_id"].dropna().astype("string").value_counts()
    if accounts is None or "account_id" not in accounts:
        return counts, False
    table = accounts.drop_duplicates("account_id")
    if "customer_since" in table:
        table = table[table["customer_since"].isna() | (table["customer_since"] < window_end)]
    ids = pd.Index(table["account_id"].astype("string")).union(counts.index)
    return counts.reindex(ids, fill_value=0), True


def account_report(window: pd.DataFrame, accounts: pd.DataFrame | None, segments: SegmentReport | None,
                   window_end: pd.Timestamp, top_n: int, dominant_share: float, allow_names: bool,
                   window_days: float) -> AccountReport:
    """``window_days`` (the window's length in days) turns ticket counts into tickets a year."""
    if "account_id" not in window or window["account_id"].notna().sum() == 0:
        raise MissingData("needs the account of each ticket (an account id column)")
    counts, with_silent = _base(window, accounts, window_end)
    total = int(counts.sum())
    ranked = counts.iloc[np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))]
    n_top = max(1, int(np.ceil(0.2 * len(ranked))))
    holders, amounts = lorenz(ranked.to_numpy(dtype=float))
    info = accounts.drop_duplicates("account_id").set_index("account_id") if accounts is not None and "account_id" in accounts else None
    names_published = bool(allow_names and info is not None and "account_name" in info and info["account_name"].notna().any())

    def label(account_id: str) -> str:
        if names_published and pd.notna(info["account_name"].get(account_id)):
            return str(info["account_name"][account_id])
        return str(account_id)

    def attribute(account_id: str, column: str) -> str | None:
        if info is None or column not in info or account_id not in info.index:
            return None
        value = info[column][account_id]
        return None if pd.isna(value) else str(value)

    dominant = []
    for account_id, n in ranked.items():
        share = wilson(int(n), total)
        if share.ci_low is None or share.ci_low <= dominant_share:
            break
        dominant.append({"account": label(account_id), "account_id": str(account_id), "share": share.value,
                         "ci_low": share.ci_low, "ci_high": share.ci_high, "tickets": int(n),
                         "tickets_per_year": n * 365.25 / window_days if window_days > 0 else float(n)})
    with_tickets = ranked[ranked > 0]
    concentration = Concentration(
        accounts=len(ranked), accounts_with_tickets=len(with_tickets), base_includes_silent=with_silent, tickets=total,
        top_20pct_accounts=n_top, top_20pct_share=float(ranked.iloc[:n_top].sum() / total) if total else 0.0,
        gini=gini(ranked.to_numpy(dtype=float)), lorenz_accounts=holders, lorenz_tickets=amounts,
        largest=label(ranked.index[0]), largest_share=wilson(int(ranked.iloc[0]), total), dominant=dominant,
        dominant_threshold=dominant_share, median_tickets=float(with_tickets.median()),
        p90_tickets=float(with_tickets.quantile(0.9)),
        largest_dominant=highest(dominant, lambda d: d["share"]),
    )

    account_ids = window["account_id"].astype("string")
    state = window["resolution_state"]
    durations = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float, na_value=np.nan) / 60
    observed = window["resolution_minutes"].notna().to_numpy()
    rows = []
    for account_id in with_tickets.index[:top_n]:
        member = (account_ids == account_id).fillna(False).to_numpy()
        km = kaplan_meier(durations[member], observed[member])
        rows.append(AccountRow(label(account_id), str(account_id), attribute(account_id, "industry"),
                               attribute(account_id, "country"), attribute(account_id, "account_tier"),
                               int(with_tickets[account_id]), wilson(int(with_tickets[account_id]), total),
                               breach_rate(state[member]),
                               Estimate(km.median, km.median_ci_low, km.median_ci_high, km.n)))
    return AccountReport(segments.window if segments else "", names_published, concentration, rows,
                         tenure_effect(window, info, segments))


def tenure_effect(window: pd.DataFrame, info: pd.DataFrame | None, segments: SegmentReport | None) -> TenureEffect | None:
    if info is None or "customer_since" not in info or info["customer_since"].isna().all():
        return None
    since = window["account_id"].map(info["customer_since"])
    tenure_days = (window["created_at"] - since).dt.total_seconds() / 86400
    hours = window["resolution_minutes"] / 60
    keep = tenure_days.notna() & hours.notna() & (tenure_days >= 0)
    rho = p = None
    if keep.sum() >= 10:
        result = sstats.spearmanr(tenure_days[keep].to_numpy(dtype=float), hours[keep].to_numpy(dtype=float))
        rho, p = float(result.statistic), float(result.pvalue)
    comparison = None
    if segments is not None:
        band = next((d for d in segments.dimensions if d.id == "tenure_band"), None)
        if band is not None:
            comparison = next(c for c in band.comparisons if c.metric == "resolution")
    found = bool(comparison and comparison.finding)
    direction = None
    if found and rho is not None and p is not None and p < segments.alpha:
        direction = "slower" if rho > 0 else "faster"
    return TenureEffect(int(keep.sum()), rho, p, comparison, found, direction)
