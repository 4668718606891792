"""Report-level error control: every claim a key finding could make, tested together.

A report makes many comparisons: 24 hours of the day against the rest, each priority against its goal, every
segment dimension on breach rate and on time to resolution, each headline KPI against the previous period, the
slowest handoff, the silence towards escalated customers, the largest account. Corrected one family at a time,
the chance that *some* comparison of a report is a fluke adds up across families: on data with nothing planted
most reports said something false. Here every claim that could become a key finding is one hypothesis of one
family, its p-value from a test that respects clustering (tickets of one account and tickets created on one day
are not independent: ``clustered.py``), and the family is adjusted with Holm's step-down method, which
keeps the chance that a report states any false key finding at or below ``findings.alpha`` whatever the
dependence between the tests. A claim is written only when its adjusted p is below alpha *and* its effect is
material (``findings.material_ratio``, ``findings.material_change``).

The pages keep their own, per-question tests (the drivers page's families, the KPI tiles' n.s.): they describe;
the summary claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy import stats as sstats

from .breach import breached_mask, completed_mask
from ...engine import text_objects
from ..drivers.frame import dimension_codes
from .clustered import above_median, cluster_codes, difference_p, equal_means_p, holm, mean_above_p


class ClaimKind(StrEnum):
    COVERAGE_GAP = "coverage_gap"                  # key: the hour (0-23): its first-response breach rate is above the rest
    PRIORITY_GOAL = "priority_goal"                # key: the priority: its resolution breach rate is above the goal
    PRIORITY_INVERSION = "priority_inversion"      # key: "looser>tighter": the looser target breaches more
    KPI_CHANGE = "kpi_change"                      # key: the KPI id
    SEGMENT_BREACH = "segment_breach"              # key: the dimension id (omnibus)
    SEGMENT_DURATION = "segment_duration"          # key: the dimension id (omnibus)
    ESCALATION_BOTTLENECK = "escalation_bottleneck"
    CUSTOMER_SILENCE = "customer_silence"          # key: the outcome (csat, reopened)
    ACCOUNT_CONCENTRATION = "account_concentration"
    STEP_CHANGE = "step_change"                    # key: the series (volume, resolution_breach)


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    key: str
    p_value: float | None                # the claim's own test (cluster-robust where tickets cluster)
    adjusted_p: float | None = None      # Holm across every claim of the report
    pair_p: float | None = None          # segments: worst vs best, cluster-robust (a second check, at alpha)


@dataclass(frozen=True)
class ReportTests:
    """The report-level family: how many claims were tested together and how many passed."""

    method: str                          # "holm"
    alpha: float
    clustered_by: list[str]              # "account", "day"
    claims: int                          # hypotheses tested together
    passed: int                          # adjusted p below alpha (before the materiality thresholds)
    tested: list[Claim] = field(default_factory=list, repr=False)

    def adjusted(self, kind: ClaimKind, key: str) -> float | None:
        claim = self.get(kind, key)
        return claim.adjusted_p if claim else None

    def get(self, kind: ClaimKind, key: str) -> Claim | None:
        return next((c for c in self.tested if c.kind == kind and c.key == key), None)

    def passes(self, kind: ClaimKind, key: str) -> bool:
        q = self.adjusted(kind, key)
        return q is not None and q < self.alpha


def adjust(claims: list[Claim], alpha: float, clustered_by: list[str]) -> ReportTests:
    adjusted = holm([c.p_value for c in claims])
    tested = [replace(c, adjusted_p=q) for c, q in zip(claims, adjusted)]
    return ReportTests("holm", alpha, clustered_by, sum(c.p_value is not None for c in tested),
                       sum(q is not None and q < alpha for q in adjusted), tested)


# --- Clusters ------------------------------------------------------------------------------------------------

def clusters_of(frame: pd.DataFrame) -> tuple[list[np.ndarray], list[str]]:
    """The clusterings of a frame's tickets: by account (when the export names accounts) and by day of creation,
    with their intersection (the two-way estimator); the names of the clusterings used."""
    # the day of creation on the frame's wall clock (as its "%Y-%m-%d" would read)
    day = frame["created_at"].dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    if "account_id" in frame and frame["account_id"].notna().any():
        return cluster_codes(frame["account_id"].to_numpy(dtype=object), day), ["account", "day"]
    return cluster_codes(day), ["day"]


def _outcome(states: pd.Series) -> np.ndarray:
    """1 breached, 0 achieved, NaN while open (the SLA's rate is over completed SLAs)."""
    return np.where(completed_mask(states), breached_mask(states).astype(float), np.nan)


# --- The claims of each finding kind ---------------------------------------------------------------------------

def coverage_claims(in_period: pd.DataFrame, clusterings: list[np.ndarray]) -> list[Claim]:
    """Each hour of the day: its first-response breach rate is above that of the other hours (one-sided)."""
    breached = _outcome(in_period["first_response_state"])
    hours = in_period["created_at"].dt.hour.to_numpy()
    return [Claim(ClaimKind.COVERAGE_GAP, str(h), difference_p(breached, hours == h, clusterings, "greater"))
            for h in range(24) if (hours == h).any()]


def priority_claims(in_period: pd.DataFrame, clusterings: list[np.ndarray], goal: float | None,
                    targets: dict[str, float], min_completed: int = 30) -> list[Claim]:
    """Each priority's resolution breach rate is above the goal (one-sided), and each priority with a looser
    target breaches more than one with a tighter target (the inversion, one-sided). No ratio across targets."""
    breached = _outcome(in_period["resolution_state"])
    priority = text_objects(in_period["priority"], "")
    rated = [p for p in targets if np.count_nonzero((priority == p) & ~np.isnan(breached)) >= min_completed]
    claims = []
    if goal is not None:
        for p in rated:
            mask = priority == p
            claims.append(Claim(ClaimKind.PRIORITY_GOAL, p,
                                mean_above_p(breached[mask], goal, [c[mask] for c in clusterings])))
    for looser in rated:
        for tighter in rated:
            if targets[tighter] < targets[looser]:
                mask = (priority == looser) | (priority == tighter)
                claims.append(Claim(ClaimKind.PRIORITY_INVERSION, f"{looser}>{tighter}",
                                    difference_p(breached[mask], priority[mask] == looser,
                                                 [c[mask] for c in clusterings], "greater")))
    return claims


def _kpi_values(frame: pd.DataFrame, kpi: str) -> np.ndarray | None:
    """The per-ticket outcome whose mean is the KPI (a 0/1 for rates; above/below the pooled median for a
    median is computed by the caller), NaN where the ticket does not count; None for a KPI not known here."""
    solved = frame["resolution_minutes"].notna().to_numpy()
    if kpi == "first_response_breach_rate":
        return _outcome(frame["first_response_state"])
    if kpi == "resolution_breach_rate":
        return _outcome(frame["resolution_state"])
    if kpi == "escalation_rate" and "escalated" in frame:
        return frame["escalated"].fillna(False).astype(bool).to_numpy(dtype=float)
    if kpi == "reopen_rate" and "reopens" in frame:
        return np.where(solved, (frame["reopens"].fillna(0) > 0).to_numpy(dtype=float), np.nan)
    if kpi == "one_touch_rate" and "replies" in frame:
        reopens = frame["reopens"].fillna(0) if "reopens" in frame else 0
        return np.where(solved, ((frame["replies"] == 1) & (reopens == 0)).fillna(False).to_numpy(dtype=float), np.nan)
    if kpi == "csat_mean" and "csat" in frame:
        return frame["csat"].to_numpy(dtype=float, na_value=np.nan)
    if kpi == "csat_response_rate" and "csat" in frame:
        return np.where(solved, frame["csat"].notna().to_numpy(dtype=float), np.nan)
    return None


def kpi_claims(tested: list, now: pd.DataFrame, before: pd.DataFrame | None) -> list[Claim]:
    """Each KPI whose change the tiles test (``tested``) changed between the previous period and this one
    (two-sided): means and rates by a cluster-robust difference of means, medians by the median test; a KPI not
    known here keeps its own test."""
    claims = []
    compared = bool(tested) and before is not None and len(before) > 0 and len(now) > 0
    if compared:   # the two periods' tickets and their clusterings, the same for every KPI: built once
        both = pd.concat([now, before], ignore_index=True)
        current = np.repeat([True, False], [len(now), len(before)])
        clusterings, _ = clusters_of(both)
    for kpi in tested:
        p = kpi.p_value
        if compared:
            if kpi.id == "first_response_median_minutes":
                minutes = both["first_response_minutes"].to_numpy(dtype=float, na_value=np.nan)
                values = np.where(np.isnan(minutes), np.nan, (minutes > np.nanmedian(minutes)).astype(float))
            elif kpi.id == "resolution_median_hours":
                durations = both["resolution_minutes"].fillna(both["open_minutes"]).to_numpy(dtype=float,
                                                                                            na_value=np.nan)
                values = above_median(durations, both["resolution_minutes"].notna().to_numpy())
            else:
                values = _kpi_values(both, kpi.id)
            if values is not None:
                p = difference_p(values, current, clusterings)
        claims.append(Claim(ClaimKind.KPI_CHANGE, kpi.id, p))
    return claims


def segment_claims(window: pd.DataFrame, frame: pd.DataFrame, dimensions: list, comparisons: dict,
                   candidates: set[str]) -> list[Claim]:
    """Each candidate dimension: its segments differ in resolution breach rate, and in time to resolution
    (mean log hours); each with its worst-vs-best pair
    (``comparisons``: (dimension id, metric) -> the drivers page's comparison, whose worst and best it tests)."""
    clusterings, _ = clusters_of(window)
    breached = _outcome(window["resolution_state"])
    # time to resolution on the log scale (work times are skewed; a doubling counts alike at every length), open
    # tickets at their age so far: a lower bound, which only makes a segment with more open tickets look faster
    hours = window["resolution_minutes"].fillna(window["open_minutes"]).to_numpy(dtype=float, na_value=np.nan) / 60
    slow = np.log1p(np.clip(hours, 0, None))
    claims = []
    for spec in dimensions:
        if spec.id not in candidates:
            continue
        codes = dimension_codes(frame, spec)     # each ticket's index among spec.levels
        for kind, metric, values in ((ClaimKind.SEGMENT_BREACH, "resolution_breach", breached),
                                     (ClaimKind.SEGMENT_DURATION, "resolution", slow)):
            comparison = comparisons.get((spec.id, metric))
            pair = None
            if comparison is not None and comparison.worst is not None and comparison.best is not None:
                worst, best = spec.levels.index(comparison.worst), spec.levels.index(comparison.best)
                mask = (codes == worst) | (codes == best)
                pair = difference_p(values[mask], codes[mask] == worst, [c[mask] for c in clusterings])
            claims.append(Claim(kind, spec.id, equal_means_p(values, codes, clusterings), pair_p=pair))
    return claims


def escalation_claims(escalations, min_transitions: int) -> list[Claim]:
    """The slowest handoff is slower than the others (its Mann-Whitney p times the number of handoffs it was
    picked from: the slowest of several is slow by chance more often than any one of them); longer silences go
    with lower CSAT, more reopens."""
    if escalations is None:
        return []
    claims = []
    neck = escalations.handoffs.bottleneck
    if neck is not None:
        ranked = [h for h in escalations.handoffs.matrix if not h.into_customer and h.handoffs >= min_transitions
                  and h.median_wait_hours is not None]
        p = None if neck.p_value is None else min(1.0, neck.p_value * max(1, len(ranked)))
        claims.append(Claim(ClaimKind.ESCALATION_BOTTLENECK, "slowest", p))
    for relation in escalations.communication.relations:
        if relation.outcome in ("csat", "reopened"):
            claims.append(Claim(ClaimKind.CUSTOMER_SILENCE, relation.outcome, relation.p_value))
    return claims


def concentration_claims(accounts) -> list[Claim]:
    """The largest account's share of tickets is above the dominant-share threshold: a one-sided binomial
    test, times the number of accounts (it was picked as the largest of them)."""
    if accounts is None or accounts.concentration.accounts == 0:
        return []
    c = accounts.concentration
    top = max(c.dominant, key=lambda d: d["share"]) if c.dominant else None
    if top is None:
        return [Claim(ClaimKind.ACCOUNT_CONCENTRATION, "largest", None)]
    n = round(top["tickets"] / top["share"]) if top["share"] else 0
    p = float(sstats.binom.sf(top["tickets"] - 1, n, c.dominant_threshold)) if n else None
    return [Claim(ClaimKind.ACCOUNT_CONCENTRATION, top["account_id"],
                  None if p is None else min(1.0, p * c.accounts))]


def step_change_claims(trends) -> list[Claim]:
    """Weekly volume or the breach rate stepped to a new level: the step's HAC p-value times the candidate weeks
    it was picked from (analysis/core/change_point.py)."""
    if trends is None:
        return []
    return [Claim(ClaimKind.STEP_CHANGE, s.series, s.adjusted_p) for s in trends.steps]
