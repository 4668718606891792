"""First response: a priority queue in front of the tier-1 agents on shift.

A fluid queue in 15-minute bins: each bin the agents on shift can pick up
``mu`` new tickets per agent-hour; waiting tickets are taken strictly by class
(priority, then channel when that effect is planted), first come first served
within a class. A ticket's pick-up time is where its class's cumulative served
count passes its position; a reply-writing lag follows. Fast because the only
Python loop runs over bins (35,040 a year), not tickets.
"""

from __future__ import annotations

import numpy as np

from .arrivals import Tickets
from .population import Roster
from .spec import CHANNELS, HOUR, SimulationSpec

BIN = 900  # seconds

# Planted: minutes to write the first reply once picked up, by priority, times a channel factor.
_LAG_MINUTES = np.array([15.0, 45.0, 90.0, 180.0])   # critical, high, normal, low
_LAG_CHANNEL = {"email": 1.3, "web": 1.0, "chat": 0.2, "phone": 0.15}
_NULL_LAG_MINUTES = 60.0
# Planted: within a priority, live channels are answered first and email last.
_CHANNEL_RANK = {"chat": 0, "phone": 0, "web": 1, "email": 2}


def queue_classes(spec: SimulationSpec, tickets: Tickets) -> tuple[np.ndarray, int]:
    """Service class per ticket (0 served first) and the number of classes."""
    if not spec.planted_effects:
        return np.zeros(tickets.created.size, dtype=np.int64), 1
    rank = np.array([_CHANNEL_RANK[c] for c in CHANNELS])
    if spec.slow_channel != "email":  # whichever channel is planted slow goes last
        rank = np.where(np.asarray(CHANNELS) == spec.slow_channel, 2, np.minimum(rank, 1))
    return tickets.priority * 3 + rank[tickets.channel], 12


def bin_capacity(spec: SimulationSpec, roster: Roster) -> np.ndarray:
    """First responses the tier-1 agents on shift can make in each bin of the window."""
    per_how = roster.coverage(1) * roster.mu * BIN / HOUR
    bins = np.arange(spec.days * 24 * HOUR // BIN)
    how = (spec.start_weekday * 24 + bins * BIN // HOUR) % 168
    return per_how[how]


def pick_up_times(created: np.ndarray, klass: np.ndarray, n_classes: int,
                  capacity: np.ndarray) -> np.ndarray:
    """Seconds from start when each ticket is picked up; inf if never within the window."""
    n_bins = capacity.size
    arrival_bin = np.minimum(created // BIN, n_bins - 1)
    counts = np.bincount(klass * n_bins + arrival_bin, minlength=n_classes * n_bins)
    arrivals = counts.reshape(n_classes, n_bins).astype(float)
    active = [k for k in range(n_classes) if arrivals[k].any()]
    served = np.zeros((n_classes, n_bins + 1))
    cap = capacity.tolist()    # what is left of each bin's capacity once the classes before have been served
    for k in active:
        served[k, 1:] = np.cumsum(_serve(arrivals[k], cap))

    pick = np.full(created.size, np.inf)
    for k in active:
        members = np.flatnonzero(klass == k)      # creation order = FIFO order
        target = np.arange(members.size) + 0.5
        cum = served[k]
        b = np.searchsorted(cum, target, side="left") - 1
        ok = b < n_bins
        b = np.clip(b, 0, n_bins - 1)
        width = cum[b + 1] - cum[b]
        frac = np.where(width > 0, (target - cum[b]) / np.where(width > 0, width, 1.0), 0.0)
        t = (b + np.clip(frac, 0.0, 1.0)) * BIN
        pick[members] = np.where(ok, np.maximum(t, created[members]), np.inf)
    return pick


def _serve(arrivals: np.ndarray, cap: list[float]) -> list[float]:
    """What one class is served in each bin (first come first served) out of ``cap``, the capacity the classes
    served before it left, which this takes its share from. Bin by bin, as a loop over every bin and class
    would (a class's queue plus its arrivals, served up to what is left), but only over the bins where the
    class has tickets waiting: in any other bin it is served nothing and leaves the capacity as it was. The
    same floats, in the same order."""
    bins = np.flatnonzero(arrivals)
    counts, bins = arrivals[bins].tolist(), bins.tolist()
    n_bins = len(cap)
    out = [0.0] * n_bins
    backlog, j, m = 0.0, 0, len(bins)
    b = bins[0] if m else n_bins
    while b < n_bins:
        if j < m and bins[j] == b:
            q = backlog + counts[j]
            j += 1
        else:
            q = backlog
        c = cap[b]
        s = q if q < c else c
        backlog = q - s
        cap[b] = c - s
        out[b] = s
        b = b + 1 if backlog > 0.0 else (bins[j] if j < m else n_bins)
    return out


def first_responses(spec: SimulationSpec, tickets: Tickets, roster: Roster,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """First-response time (seconds from start, int; huge if never) and the tier-1 agent."""
    klass, n_classes = queue_classes(spec, tickets)
    pick = pick_up_times(tickets.created, klass, n_classes, bin_capacity(spec, roster))
    z = rng.standard_normal(tickets.created.size)
    u = rng.random(tickets.created.size)
    if spec.planted_effects:
        factor = np.array([_LAG_CHANNEL.get(c, 1.0) for c in CHANNELS])
        median = _LAG_MINUTES[tickets.priority] * factor[tickets.channel]
    else:
        median = np.full(tickets.created.size, _NULL_LAG_MINUTES)
    lag = median * 60.0 * np.exp(1.0 * z)
    never = ~np.isfinite(pick)
    first = np.where(never, np.iinfo(np.int64).max // 4, 0)
    first[~never] = np.ceil(pick[~never] + lag[~never]).astype(np.int64)

    on_shift = roster.on_shift_lists(1)
    sizes = np.array([a.size for a in on_shift])
    flat = np.concatenate(on_shift)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    hour = np.where(never, 0, np.floor(np.where(never, 0, pick) / HOUR)).astype(np.int64)
    how = (spec.start_weekday * 24 + hour) % 168
    size = sizes[how]
    idx = np.floor(u * np.maximum(size, 1)).astype(np.int64)
    tier1 = np.flatnonzero(roster.tier == 1)
    agent = np.where(size > 0, flat[np.minimum(offsets[how] + idx, flat.size - 1)],
                     tier1[np.floor(u * tier1.size).astype(np.int64)])
    return first.astype(np.int64), agent.astype(np.int64)
