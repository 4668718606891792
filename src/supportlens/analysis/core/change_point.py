"""A step change in a weekly series: the week the level moved, by how much, and whether it is more
than noise, a trend or a season.

The break is located with ``ruptures`` (exact dynamic programming, least-squares cost, one break,
each side at least ``MIN_SEGMENT_WEEKS`` full weeks). Whether it is real is tested on an ordinary
least-squares fit of the series on a constant, a linear trend and a step at that week: the step's
p-value uses Newey-West (HAC) standard errors, so weeks that follow each other closely do not pass
for independent evidence, and is multiplied by the number of weeks the break could have been put at
(Bonferroni), because the week was chosen as the one that fits best. A step is reported when that
adjusted p is below the findings' alpha and the change is material and held: mean weekly volume moves
by at least ``MATERIAL_VOLUME`` of its earlier level, a breach rate by at least ``MATERIAL_RATE`` (share),
and it does so between either half of each side and the whole of the other (``_held``): a season or a
bump of a few weeks inside one side is not a new level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SEGMENT_WEEKS = 13         # full weeks each side of a break: a new level that held for a quarter at least
MATERIAL_VOLUME = 0.30         # relative change of the mean weekly volume worth a finding
MATERIAL_RATE = 0.10           # change of a breach rate (share, 0-1) worth a finding
MIN_COMPLETED = 5              # a week enters the breach-rate series with at least this many completed SLAs
WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True)
class StepChange:
    """A step in weekly volume (tickets a week) or in the resolution breach rate (share of completed SLAs)."""

    series: str                  # volume or resolution_breach
    week: str                    # Monday of the first week at the new level (YYYY-MM-DD)
    before: float                # mean tickets a week, or the pooled breach rate, before the week
    after: float                 # ... from the week on
    change: float                # after - before
    relative_change: float | None   # change / before
    weeks_before: int
    weeks_after: int
    adjusted_p: float            # the step's HAC p-value times the candidate weeks (Bonferroni), at most 1
    per_year: float              # the change in tickets a year (volume) or breaches a year (breach rate)
    material: bool               # the change passes its threshold, and it held (see the module's docstring)
    significant: bool


def locate_break(values: np.ndarray, min_size: int = MIN_SEGMENT_WEEKS) -> int | None:
    """Index of the first value after the single best least-squares break (ruptures Dynp), or None when the
    series is too short for two segments of ``min_size``."""
    if len(values) < 2 * min_size:
        return None
    import ruptures

    breaks = ruptures.Dynp(model="l2", min_size=min_size, jump=1).fit(values.reshape(-1, 1)).predict(n_bkps=1)
    return int(breaks[0])


def step_p_value(values: np.ndarray, at: int, min_size: int = MIN_SEGMENT_WEEKS) -> float:
    """Bonferroni-adjusted p of a step at ``at`` over a linear trend (OLS, Newey-West standard errors)."""
    from statsmodels.regression.linear_model import OLS

    n = len(values)
    t = np.arange(n, dtype=float)
    design = np.column_stack([np.ones(n), t / n, (t >= at).astype(float)])
    lags = max(1, int(np.floor(4 * (n / 100) ** (2 / 9))))
    if np.allclose(values, values[0]):
        return 1.0
    fit = OLS(values.astype(float), design).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    p = float(fit.pvalues[2])
    candidates = n - 2 * min_size + 1
    return 1.0 if not np.isfinite(p) else min(1.0, p * candidates)


def _halves(values: np.ndarray, weights: np.ndarray) -> list[float]:
    half = len(values) // 2
    return [float(np.average(values[:half], weights=weights[:half])),
            float(np.average(values[half:], weights=weights[half:]))]


def _held(values: np.ndarray, weights: np.ndarray, at: int, material) -> bool:
    """The change is material between the whole of each side and either half of the other, in the same direction."""
    before = float(np.average(values[:at], weights=weights[:at]))
    after = float(np.average(values[at:], weights=weights[at:]))
    sign = np.sign(after - before)
    pairs = [(before, a) for a in _halves(values[at:], weights[at:])] + \
            [(b, after) for b in _halves(values[:at], weights[:at])]
    return all(np.sign(a - b) == sign and material(b, a) for b, a in pairs)


def _volume_material(before: float, after: float) -> bool:
    return before <= 0 or abs(after - before) / before >= MATERIAL_VOLUME


def _rate_material(before: float, after: float) -> bool:
    return abs(after - before) >= MATERIAL_RATE


def volume_step(weeks: list[str], created: list[int], alpha: float) -> StepChange | None:
    """The step in tickets created a week (full weeks inside the data, in order), or None without a break."""
    y = np.asarray(created, dtype=float)
    at = locate_break(y)
    if at is None:
        return None
    before, after = float(y[:at].mean()), float(y[at:].mean())
    relative = (after - before) / before if before > 0 else None
    p = step_p_value(y, at)
    material = _volume_material(before, after) and _held(y, np.ones(len(y)), at, _volume_material)
    return StepChange("volume", weeks[at], before, after, after - before, relative, at, len(y) - at, p,
                      (after - before) * WEEKS_PER_YEAR, bool(material), bool(p < alpha))


def rate_step(weeks: list[str], breached: list[int], completed: list[int], alpha: float) -> StepChange | None:
    """The step in the weekly resolution breach rate (weeks with at least ``MIN_COMPLETED`` completed SLAs)."""
    keep = [i for i, n in enumerate(completed) if n >= MIN_COMPLETED]
    if not keep:
        return None
    b = np.asarray([breached[i] for i in keep], dtype=float)
    n = np.asarray([completed[i] for i in keep], dtype=float)
    at = locate_break(b / n)
    if at is None:
        return None
    before, after = float(b[:at].sum() / n[:at].sum()), float(b[at:].sum() / n[at:].sum())
    p = step_p_value(b / n, at)
    per_year = (after - before) * float(n[at:].mean()) * WEEKS_PER_YEAR
    return StepChange("resolution_breach", weeks[keep[at]], before, after, after - before,
                      (after - before) / before if before > 0 else None, at, len(b) - at, p, per_year,
                      bool(_rate_material(before, after) and _held(b / n, n, at, _rate_material)), bool(p < alpha))
