"""Scores of a probability model: ROC-AUC and average precision (PR-AUC) with a vectorised
bootstrap, and calibration bins (the review threshold is review.py).

ROC-AUC counts ties as one half (as scikit-learn does); average precision is
Σ (R_k − R_{k−1})·P_k over distinct score thresholds (scikit-learn's definition), so the
tie-heavy priority-only baseline is scored fairly. Both agree with scikit-learn in tests.
"""

from __future__ import annotations

import numpy as np

from ..core.stats import Resamples


def _groups(score: np.ndarray) -> tuple[np.ndarray, int]:
    """Each item's distinct-score group, highest score first, and the number of groups."""
    uniques, group = np.unique(-score, return_inverse=True)     # ascending -score = descending score
    return group.reshape(-1), len(uniques)


def _resampled_weights(code: np.ndarray, n_groups: int, draws: np.ndarray):
    """Positive and negative count per distinct score in each resample (rows of ``draws``): (B, G) each, counted
    from the drawn items themselves (the same whole numbers as weighting each item by how often it was drawn).
    ``code`` is each item's group times two plus one for a positive, so one count gives both."""
    rows, width = len(draws), 2 * n_groups
    flat = code[draws]
    flat += (np.arange(rows, dtype=flat.dtype) * width)[:, None]
    counts = np.bincount(flat.ravel(), minlength=rows * width).reshape(rows, n_groups, 2)
    return counts[:, :, 1].astype(float), counts[:, :, 0].astype(float)


def _resample_counts(draws: np.ndarray, n: int) -> np.ndarray:
    """How often each item appears in each resample: (rows of draws, n)."""
    rows = len(draws)
    return np.bincount((np.arange(rows)[:, None] * n + draws).ravel(), minlength=rows * n).reshape(rows, n)


# each resample's counts are scattered over its block's cells: a block that stays in the processor's cache is about
# twice as fast as one of 2 million cells (every resample's arithmetic is its own, so the numbers are the same)
BLOCK_CELLS = 250_000


def _blocks(draws: np.ndarray | Resamples | None, n: int):
    """Resamples in blocks of about ``BLOCK_CELLS`` cells, to bound memory on large test sets (drawn block by block
    when they are ``Resamples``)."""
    if draws is None or not len(draws):
        return
    size = max(1, BLOCK_CELLS // max(1, n))
    if isinstance(draws, Resamples):
        yield from draws.blocks(size)
        return
    for start in range(0, len(draws), size):
        yield draws[start:start + size]


def _auc_ap(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """(ROC-AUC, AP) per row of positive and negative weights per distinct score, highest score first."""
    total_pos, total_neg = pos.sum(axis=1), neg.sum(axis=1)
    # descending order: negatives with a lower score are those in later groups
    false_pos = np.cumsum(neg, axis=1)
    below = np.subtract(total_neg[:, None], false_pos)     # negatives scored lower
    below += 0.5 * neg                                      # ... and ties count one half
    below *= pos
    true_pos = np.cumsum(pos, axis=1)
    flagged = false_pos
    flagged += true_pos
    precision = np.divide(true_pos, flagged, out=np.zeros_like(true_pos), where=flagged > 0)
    precision *= pos
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = below.sum(axis=1) / (total_pos * total_neg)
        ap = precision.sum(axis=1) / total_pos
    return np.column_stack([auc, ap])


def auc_and_ap(y: np.ndarray, score: np.ndarray, draws: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(ROC-AUC, AP) on the data, and per bootstrap resample (rows of ``draws`` index into y)."""
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    group, n_groups = _groups(score)
    point = _auc_ap(np.bincount(group, weights=(y == 1).astype(float), minlength=n_groups)[None, :],
                    np.bincount(group, weights=(y == 0).astype(float), minlength=n_groups)[None, :])[0]
    code = group.astype(np.int64) * 2 + (y == 1)
    samples = [_auc_ap(*_resampled_weights(code, n_groups, block)) for block in _blocks(draws, max(len(y), n_groups))]
    return point, (np.vstack(samples) if samples else np.empty((0, 2)))


def calibration_bins(y: np.ndarray, score: np.ndarray, make, bins: int = 10) -> list:
    """Mean predicted vs observed share in up to ``bins`` quantile bins of the score."""
    edges = np.unique(np.quantile(score, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, score, side="right") - 1, 0, max(0, len(edges) - 2))
    out = []
    for b in np.unique(which):
        members = which == b
        out.append(make(float(score[members].mean()), float(y[members].mean()), int(members.sum())))
    return out
