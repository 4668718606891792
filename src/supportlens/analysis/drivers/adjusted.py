"""Is a segment's breach rate its own, or another segment in disguise?

A multivariable logistic regression (statsmodels' Logit, maximum likelihood by
Newton-Raphson: core.stats.logistic_regression) of the resolution breach (completed SLAs)
on every dimension at once, so that, say, a channel effect that is really a
priority effect (email carries more high-priority tickets) shrinks once
priority is in the model. Each dimension is dummy-coded against its largest
segment; odds ratios carry 95% Wald intervals, p-values are adjusted with
Benjamini-Hochberg across all coefficients, and each dimension gets a joint
Wald test (adjusted across dimensions).

The team (``group``) is left out: the team that solves a ticket follows from its
escalation, so it is an outcome of the work, not a property of the request.
Segments whose tickets all breached (or none did) cannot be estimated and are
left out, with their tickets, and listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats as sstats
from threadpoolctl import threadpool_limits

from .frame import DimensionSpec, dimension_codes
from .segments import TicketArrays
from ..core.stats import Z95, benjamini_hochberg, logistic_regression

EXCLUDED = {"group": "the team follows from escalation: an outcome of the work, not a property of the request"}


@dataclass(frozen=True)
class OddsRatio:
    dimension: str
    segment: str
    reference: str
    odds_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    adjusted_p: float | None          # Benjamini-Hochberg across all coefficients
    significant: bool | None = None   # adjusted_p < findings.alpha (None: not estimated)


@dataclass(frozen=True)
class DimensionEffect:
    """A dimension's joint Wald test and its worst-vs-best contrast, adjusted for every other dimension."""

    dimension: str
    label: str
    reference: str
    wald_chi2: float | None
    df: int
    p_value: float | None
    adjusted_p: float | None          # Benjamini-Hochberg across dimensions
    significant: bool
    worst: str | None                 # largest adjusted odds of breaching
    best: str | None
    odds_ratio: float | None          # worst vs best, adjusted
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class BreachModel:
    outcome: str
    tickets: int                      # completed resolution SLAs in the model
    breaches: int
    sampled: bool                     # a seeded sample of model_max_rows tickets was used
    converged: bool
    pseudo_r2: float | None           # McFadden
    dimensions: list[DimensionEffect]
    odds_ratios: list[OddsRatio]
    left_out: list[dict]              # {"dimension", "segment" | None, "reason"}
    # indices into odds_ratios the forest plot shows: those of the dimensions that are significant after adjustment,
    # or every one when no dimension is
    odds_ratios_shown: list[int] = field(default_factory=list)


def shown_odds_ratios(effects: list["DimensionEffect"], ratios: list["OddsRatio"]) -> list[int]:
    significant = {e.dimension for e in effects if e.significant}
    return [i for i, r in enumerate(ratios) if r.dimension in significant] or list(range(len(ratios)))


def _contrast(beta: np.ndarray, cov: np.ndarray, i: int | None, j: int | None) -> tuple[float, float, float]:
    """log odds ratio of coefficient i vs j (None = the reference, 0), with its standard error."""
    vec = np.zeros(len(beta))
    if i is not None:
        vec[i] += 1
    if j is not None:
        vec[j] -= 1
    est = float(vec @ beta)
    se = float(np.sqrt(max(vec @ cov @ vec, 0.0)))
    return est, se, float(2 * sstats.norm.sf(abs(est) / se)) if se > 0 else 1.0


def breach_model(arrays: TicketArrays, frame: pd.DataFrame, specs: list[DimensionSpec], alpha: float,
                 max_rows: int, seed: int) -> BreachModel | None:
    """Fit the regression; None when fewer than 50 completed SLAs or no dimension to adjust for."""
    y_all = arrays.breached["resolution_breach"]
    rows = np.flatnonzero(arrays.completed["resolution_breach"])
    left_out = [{"dimension": spec.label, "segment": None, "reason": EXCLUDED[spec.id]} for spec in specs if spec.id in EXCLUDED]
    specs = [spec for spec in specs if spec.id not in EXCLUDED]
    if len(rows) < 50 or not specs:
        return None
    sampled = len(rows) > max_rows
    if sampled:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=max_rows, replace=False))
    keep = np.ones(len(rows), dtype=bool)
    codes = {}
    y = y_all[rows]
    for spec in specs:
        c = dimension_codes(frame, spec)[rows]
        for level_index, level in enumerate(spec.levels):
            member = c == level_index
            rate = y[member].mean() if member.any() else None
            if rate in (0.0, 1.0):
                keep &= ~member
                left_out.append({"dimension": spec.label, "segment": level,
                                 "reason": "every ticket breached" if rate == 1.0 else "no ticket breached"})
        codes[spec.id] = c
    y = y[keep].astype(float)
    if len(y) < 50 or y.min() == y.max():
        return None
    columns, names, blocks, references = [np.ones(len(y))], ["intercept"], {}, {}
    for spec in specs:
        c = codes[spec.id][keep]
        present = [i for i in range(len(spec.levels)) if (c == i).any()]
        if len(present) < 2:
            left_out.append({"dimension": spec.label, "segment": None, "reason": "one segment only among completed SLAs"})
            continue
        reference = max(present, key=lambda i: ((c == i).sum(), -i))
        references[spec.id] = spec.levels[reference]
        blocks[spec.id] = {}
        for i in present:
            if i == reference:
                continue
            blocks[spec.id][spec.levels[i]] = len(columns)
            columns.append((c == i).astype(float))
            names.append(f"{spec.id}={spec.levels[i]}")
    if len(columns) == 1:
        return None
    try:
        with threadpool_limits(limits=1, user_api="blas"):   # see diagnostics.run_diagnostics
            fit = logistic_regression(np.column_stack(columns), y)
    except np.linalg.LinAlgError:
        return None
    beta, cov = fit.coefficients, fit.covariance
    converged = fit.converged and bool(np.isfinite(cov).all())

    ratios = []
    for spec in specs:
        for level, i in blocks.get(spec.id, {}).items():
            est, se, p = _contrast(beta, cov, i, None)
            ratios.append(OddsRatio(spec.id, level, references[spec.id], *_odds(est, se), p, None))
    adjusted = benjamini_hochberg([r.p_value for r in ratios])
    ratios = [OddsRatio(**{**r.__dict__, "adjusted_p": q}) for r, q in zip(ratios, adjusted)]

    effects = []
    for spec in specs:
        block = blocks.get(spec.id)
        if not block:
            continue
        idx = list(block.values())
        b, v = beta[idx], cov[np.ix_(idx, idx)]
        try:
            wald = float(b @ np.linalg.solve(v, b))
        except np.linalg.LinAlgError:
            wald = None
        p = float(sstats.chi2.sf(wald, len(idx))) if wald is not None else None
        logits = {references[spec.id]: (0.0, None), **{level: (beta[i], i) for level, i in block.items()}}
        worst = max(logits, key=lambda level: logits[level][0])
        best = min(logits, key=lambda level: logits[level][0])
        est, se, _ = _contrast(beta, cov, logits[worst][1], logits[best][1])
        effects.append(DimensionEffect(spec.id, spec.label, references[spec.id], wald, len(idx), p, None, False,
                                       worst, best, *_odds(est, se)))
    adjusted = benjamini_hochberg([e.p_value for e in effects])
    effects = [DimensionEffect(**{**e.__dict__, "adjusted_p": q, "significant": q is not None and q < alpha})
               for e, q in zip(effects, adjusted)]
    ratios = [replace(r, significant=None if r.adjusted_p is None else bool(r.adjusted_p < alpha)) for r in ratios]
    return BreachModel("resolution SLA breached (completed SLAs)", int(len(y)), int(y.sum()), sampled, converged,
                       fit.mcfadden_r2, effects, ratios, left_out, shown_odds_ratios(effects, ratios))


def _odds(log_odds: float, se: float) -> tuple[float, float, float]:
    """An odds ratio and its 95% interval from a log-odds contrast and its standard error. A bound past the
    largest float (a segment that (almost) always or never breaches: the fit's estimate runs off) is infinite,
    which is what it is, without numpy's overflow warning."""
    with np.errstate(over="ignore"):
        return (float(np.exp(log_odds)), float(np.exp(log_odds - Z95 * se)), float(np.exp(log_odds + Z95 * se)))
