"""Who asks and who answers: the accounts and the agent roster.

The tier-1 roster is built from the expected arrivals per hour of the week so
the org is adequately staffed, except where an effect is planted (a thin
Americas late shift on weekdays, thinner weekends).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .spec import (COUNTRIES, COUNTRY_SHARE, INDUSTRIES, INDUSTRY_SHARE, SimulationSpec)

_ADJECTIVES = ("Blue", "Northern", "Bright", "Silver", "Green", "Rapid", "Summit", "Cedar", "Iron",
               "Golden", "Clear", "Harbor", "Pioneer", "Granite", "Atlas", "Lumen", "Crimson",
               "Evergreen", "Polar", "Coastal", "Urban", "Vertex", "Prairie", "Copper", "Maple",
               "Orbit", "Sterling", "Willow", "Falcon", "Redwood")
_NOUNS = ("Harbor", "Peak", "River", "Stone", "Bridge", "Field", "Forge", "Grove", "Beacon", "Mill",
          "Ridge", "Works", "Point", "Lake", "Valley", "Crest", "Path", "Gate", "Spring", "Bay",
          "Arc", "Loop", "Wave", "Pine", "Shore", "Hill", "Crown", "Anchor", "Vista", "Trail")
_SUFFIXES = ("Systems", "Labs", "Group", "Holdings", "Partners", "Health", "Logistics", "Media",
             "Retail", "Foods", "Analytics", "Industries")
_FIRST = ("Alex", "Sam", "Jordan", "Priya", "Chen", "Maria", "Liam", "Fatima", "Noah", "Aiko",
          "Lucas", "Emma", "Omar", "Sofia", "Mateo", "Hannah", "Ravi", "Elena", "Kwame", "Julia",
          "Tom", "Nina", "Diego", "Sara", "Yusuf", "Ingrid", "Pedro", "Mei", "Oscar", "Leila",
          "Ben", "Chloe", "Arjun", "Zoe", "Felix", "Amara", "Hugo", "Lea", "Ivan", "Rosa")
_LAST = ("Smith", "Garcia", "Müller", "Kim", "Patel", "Rossi", "Nguyen", "Dubois", "Jansen",
         "Silva", "Kowalski", "Andersson", "Tanaka", "Okafor", "Cohen", "Novak", "Larsen", "Haddad",
         "Costa", "Becker", "Walsh", "Moreau", "Schmidt", "Ivanova", "Reyes", "Brown", "Singh",
         "Lopez", "Fischer", "Ahmed", "Murphy", "Berg", "Santos", "Wright", "Yilmaz", "Clarke",
         "Rahman", "Vogel", "Hart", "Lind")

# Tier-1 shift templates: group, start hour, end hour (UTC, end exclusive, wraps midnight).
# Exclusive hours: APAC 22-05, EMEA early 06-09, Americas late 18-21; EMEA day overlaps.
TIER1_SHIFTS = (("Tier 1 - APAC", 22, 6), ("Tier 1 - EMEA", 6, 14), ("Tier 1 - EMEA", 10, 18),
                ("Tier 1 - Americas", 14, 22))
TIER2_SHIFTS = (("Tier 2 - Specialists", 6, 14), ("Tier 2 - Specialists", 10, 18),
                ("Tier 2 - Specialists", 14, 22))
TIER3_GROUP = "Tier 3 - Engineering"


@dataclass
class Accounts:
    table: pd.DataFrame
    weight: np.ndarray          # expected share of tickets, sums to 1
    requesters: np.ndarray      # number of requesters per account
    industry: np.ndarray        # index into INDUSTRIES
    concentrated: int           # index of the planted dominant account, -1 if none


@dataclass
class Roster:
    table: pd.DataFrame
    tier: np.ndarray                     # per agent
    on_shift: np.ndarray                 # bool [agents, 168], hour of week from Monday 00:00
    mu: float                            # tier-1 first responses per agent-hour

    def on_shift_lists(self, tier: int) -> list[np.ndarray]:
        """For each hour of the week, the indices of that tier's agents on shift."""
        mask = self.on_shift & (self.tier == tier)[:, None]
        return [np.flatnonzero(mask[:, how]) for how in range(168)]

    def coverage(self, tier: int) -> np.ndarray:
        """Agents of a tier on shift per hour of the week (int [168])."""
        return (self.on_shift & (self.tier == tier)[:, None]).sum(axis=0)


def _unique_names(rng: np.random.Generator, n: int, parts: list[tuple[str, ...]]) -> list[str]:
    sizes = [len(p) for p in parts]
    grid = int(np.prod(sizes))
    order = rng.permutation(grid)
    names = []
    for k in range(n):
        flat = int(order[k % grid])
        words = []
        for part, size in zip(reversed(parts), reversed(sizes)):
            words.append(part[flat % size])
            flat //= size
        name = " ".join(reversed(words))
        names.append(name if k < grid else f"{name} {k // grid + 1}")
    return names


def make_accounts(spec: SimulationSpec, rng: np.random.Generator) -> Accounts:
    n = max(50, int(round(spec.tickets / spec.tickets_per_account)))
    # Heavy tail: Pareto with alpha 1.2 (top fifth of accounts raise most tickets),
    # then cap so that no ordinary account passes 2.5% of volume.
    weight = rng.pareto(1.2, n) + 1.0
    for _ in range(50):
        share = weight / weight.sum()
        if share.max() <= 0.025:
            break
        weight = np.minimum(weight, 0.025 * weight.sum())
    concentrated = -1
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_SHARE)
    if spec.planted_effects:
        concentrated = int(np.argmax(weight))
        others = weight.sum() - weight[concentrated]
        weight[concentrated] = spec.concentrated_share / (1 - spec.concentrated_share) * others
        # Keep the dominant account out of the slow industry so the two effects stay apart.
        industry[concentrated] = INDUSTRIES.index("Software")
    weight = weight / weight.sum()

    score = np.log(weight) + rng.normal(0.0, 0.6, n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-score, kind="stable")] = np.arange(n)
    quantile = rank / n
    tier = np.where(quantile < 0.12, "enterprise", np.where(quantile < 0.45, "business", "starter"))
    if concentrated >= 0:
        tier[concentrated] = "enterprise"
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_SHARE)
    days_before = rng.integers(30, 6 * 365, size=n)
    since = spec.start_ts - pd.to_timedelta(days_before, unit="D")
    expected = weight * spec.tickets
    requesters = np.maximum(1, np.round(expected ** 0.6 * rng.uniform(0.5, 1.5, n))).astype(np.int64)
    width = max(5, len(str(n)))
    table = pd.DataFrame({
        "account_id": [f"ACC-{k + 1:0{width}d}" for k in range(n)],
        "account_name": _unique_names(rng, n, [_ADJECTIVES, _NOUNS, _SUFFIXES]),
        "industry": np.asarray(INDUSTRIES)[industry],
        "country": np.asarray(COUNTRIES)[country],
        "account_tier": tier,
        "customer_since": pd.DatetimeIndex(since).as_unit("ns"),
    })
    return Accounts(table, weight, requesters, industry, concentrated)


def _shift_mask(start: np.ndarray, end: np.ndarray, weekends: np.ndarray) -> np.ndarray:
    """bool [agents, 168]: on shift at hour of week (Monday 00:00 = 0)."""
    how = np.arange(168)
    hour, day = how % 24, how // 24
    start, end = start[:, None], end[:, None]
    in_hours = np.where(start < end, (hour >= start) & (hour < end), (hour >= start) | (hour < end))
    return in_hours & ((day < 5) | weekends[:, None])


def _template_counts(need: np.ndarray, shifts, fixed: dict[int, int]) -> list[int]:
    """Fewest agents per shift template so every hour's need is covered.

    ``need`` is agents per hour of day; ``fixed`` pins some templates (the thin
    late shift). Templates with exclusive hours are sized first, the overlapping
    one fills what is left.
    """
    cover = np.zeros((len(shifts), 24), dtype=bool)
    for k, (_, s, e) in enumerate(shifts):
        cover[k] = _shift_mask(np.array([s]), np.array([e]), np.array([True]))[0, :24]
    counts = [0] * len(shifts)
    exclusive = cover & (cover.sum(axis=0) == 1)
    for k in range(len(shifts)):
        if k in fixed:
            counts[k] = fixed[k]
        elif exclusive[k].any():
            counts[k] = int(np.ceil(need[exclusive[k]].max() - 1e-9))
    for k in range(len(shifts)):
        if k in fixed or exclusive[k].any():
            continue
        others = sum(counts[j] * cover[j] for j in range(len(shifts)) if j != k)
        counts[k] = int(np.ceil(max(0.0, (need - others)[cover[k]].max()) - 1e-9))
    return [max(1, c) for c in counts]


def make_roster(spec: SimulationSpec, rng: np.random.Generator, arrivals_per_how: np.ndarray) -> Roster:
    """Build the agents table from expected arrivals per hour of week (Monday-based)."""
    lam = arrivals_per_how.reshape(7, 24)
    peak_heads = float(np.clip(spec.tickets / 5000.0, 6.0, 400.0))
    mu = spec.headroom * lam.max() / peak_heads
    weekday_need = spec.headroom * lam[:5].max(axis=0) / mu
    weekend_headroom = spec.weekend_headroom if spec.planted_effects else spec.headroom
    weekend_need = weekend_headroom * lam[5:].max(axis=0) / mu
    late = len(TIER1_SHIFTS) - 1
    fixed = {}
    if spec.planted_effects:
        gap_lam = lam[list(spec.gap_weekdays)][:, list(spec.gap_hours)].max()
        fixed[late] = max(1, int(np.floor(spec.gap_staffing * gap_lam / mu)))
    counts = _template_counts(weekday_need, TIER1_SHIFTS, fixed)
    weekend_counts = _template_counts(weekend_need, TIER1_SHIFTS, {})
    weekend_counts = [min(w, c) for w, c in zip(weekend_counts, counts)]

    rows: list[tuple[str, int, int, int, bool]] = []
    for (group, s, e), c, w in zip(TIER1_SHIFTS, counts, weekend_counts):
        rows += [(group, 1, s, e, k < w) for k in range(c)]
    n1 = len(rows)
    n2 = max(3, int(round(0.30 * n1)))
    for k in range(n2):
        group, s, e = TIER2_SHIFTS[k % 3]
        rows.append((group, 2, s, e, k < max(3, int(round(0.3 * n2)))))
    n3 = max(2 if spec.planted_effects else 3, int(round(0.12 * n1)))
    for k in range(n3):
        if spec.planted_effects:  # engineering works office hours only: the slow handoff
            rows.append((TIER3_GROUP, 3, 9, 17, False))
        else:  # null world: tier 3 covers the same hours as tier 2
            _, s, e = TIER2_SHIFTS[k % 3]
            rows.append((TIER3_GROUP, 3, s, e, k < 3))
    rows += _extra_rows(spec.extra_coverage)

    group, tier, start, end, weekends = (np.array(col) for col in zip(*rows))
    n = len(rows)
    width = max(3, len(str(n)))
    table = pd.DataFrame({
        "agent_id": [f"AG-{k + 1:0{width}d}" for k in range(n)],
        "agent_name": _unique_names(rng, n, [_FIRST, _LAST]),
        "group": group,
        "tier": tier.astype(np.int64),
        "shift_start_hour": start.astype(np.int64),
        "shift_end_hour": np.where(end == 0, 24, end).astype(np.int64),
        "works_weekends": weekends.astype(bool),
    })
    on_shift = _shift_mask(start.astype(np.int64), end.astype(np.int64), weekends.astype(bool))
    roster = Roster(table, tier.astype(np.int64), on_shift, float(mu))
    return _changed_cover(roster, spec.coverage_change) if spec.coverage_change else roster


def _changed_cover(roster: Roster, change: dict[int, int]) -> Roster:
    """The roster with ``change`` (hour of the week -> tier-1 agents added, or taken off when negative)
    applied to who is on shift. Agents taken off an hour are the last tier-1 agents on shift then;
    added agents are new tier-1 agents, one per level of added cover, on shift exactly in the hours
    that gain that many. The agents table keeps the published shifts (it cannot hold a pattern that
    differs by weekday); the simulation reads who is on shift."""
    delta = np.zeros(168, dtype=np.int64)
    for how, k in change.items():
        delta[int(how)] += int(k)
    on_shift = roster.on_shift.copy()
    tier1 = roster.tier == 1
    for how in np.flatnonzero(delta < 0):
        working = np.flatnonzero(on_shift[:, how] & tier1)
        on_shift[working[max(0, working.size + int(delta[how])):], how] = False
    depth = int(delta.max(initial=0))
    if depth == 0:
        return Roster(roster.table, roster.tier, on_shift, roster.mu)
    added = np.array([delta >= level for level in range(1, depth + 1)])
    hours = [np.flatnonzero(row) % 24 for row in added]
    extra = pd.DataFrame({
        "agent_id": [f"AG-X{k + 1:03d}" for k in range(depth)],
        "agent_name": [f"Extra cover {k + 1}" for k in range(depth)],
        "group": "Tier 1 - Extra cover", "tier": 1,
        "shift_start_hour": [int(h.min()) for h in hours], "shift_end_hour": [int(h.max()) + 1 for h in hours],
        "works_weekends": [bool(row[120:].any()) for row in added]})
    table = pd.concat([roster.table, extra], ignore_index=True)
    tier = np.concatenate([roster.tier, np.ones(depth, dtype=np.int64)])
    return Roster(table, tier, np.vstack([on_shift, added]), roster.mu)


def _extra_rows(extra: dict[int, int]) -> list[tuple[str, int, int, int, bool]]:
    """What-if agents: one agent per contiguous run of hours at each level of extra cover."""
    level = np.zeros(24, dtype=np.int64)
    for hour, k in extra.items():
        level[int(hour)] += int(k)
    rows = []
    for depth in range(1, int(level.max(initial=0)) + 1):
        hours = level >= depth
        if hours.all():
            rows.append(("Tier 1 - Extra cover", 1, 0, 24, True))
            continue
        for h in range(24):  # a run starts where the previous hour is not covered
            if hours[h] and not hours[h - 1]:
                e = h
                while hours[e % 24] and e - h < 24:
                    e += 1
                rows.append(("Tier 1 - Extra cover", 1, h, e % 24, True))
    return rows
