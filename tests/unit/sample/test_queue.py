"""The first-response queue's bins: served bin by bin only where a class has tickets waiting, the same floats as
the loop over every bin and every class (worked out directly here) on random arrivals and capacities."""

from __future__ import annotations

import numpy as np
import pytest

from supportlens.sample.queue import BIN, pick_up_times


def _every_bin_and_class(created, klass, n_classes, capacity):
    """The queue as a loop over every bin and, inside it, every class in order: each class's queue plus its
    arrivals served up to what the classes before it left of the bin's capacity; then each ticket picked up where
    its class's cumulative served count passes its place in the class's line (plus a half)."""
    n_bins = capacity.size
    arrivals = np.zeros((n_classes, n_bins))
    np.add.at(arrivals, (klass, np.minimum(created // BIN, n_bins - 1)), 1.0)
    served = np.zeros((n_classes, n_bins + 1))
    backlog = [0.0] * n_classes
    out = np.zeros((n_classes, n_bins))
    for b in range(n_bins):
        cap = float(capacity[b])
        for k in range(n_classes):
            q = backlog[k] + float(arrivals[k, b])
            s = q if q < cap else cap
            backlog[k] = q - s
            cap -= s
            out[k, b] = s
    served[:, 1:] = np.cumsum(out, axis=1)
    pick = np.full(created.size, np.inf)
    for k in range(n_classes):
        members = np.flatnonzero(klass == k)
        for place, row in enumerate(members):
            target = place + 0.5
            cum = served[k]
            b = int(np.searchsorted(cum, target, side="left")) - 1
            if b >= n_bins:
                continue
            b = max(b, 0)
            width = cum[b + 1] - cum[b]
            frac = min(max((target - cum[b]) / width, 0.0), 1.0) if width > 0 else 0.0
            pick[row] = max((b + frac) * BIN, created[row])
    return pick


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_pick_up_times_are_the_loop_over_every_bin_and_class(seed):
    rng = np.random.default_rng(seed)
    n_bins, n_classes = 400, 5
    # bursts and quiet stretches, capacity fractional, zero in some bins (nights), too little at the end
    created = np.sort(np.concatenate([rng.integers(0, n_bins * BIN, 600),
                                      rng.integers(100 * BIN, 110 * BIN, 300)]))
    klass = rng.integers(0, n_classes, created.size)
    klass[klass == 3] = 2                                          # a class with no tickets
    capacity = rng.gamma(2.0, 1.2, n_bins) * (rng.random(n_bins) > 0.3)
    capacity[-20:] = 0.0
    got = pick_up_times(created, klass, n_classes, capacity)
    expected = _every_bin_and_class(created, klass, n_classes, capacity)
    assert np.array_equal(got, expected)
    assert np.isinf(got).any() and np.isfinite(got).any()         # some wait past the window, most are picked up
