"""Segment diagnostics on hand-made tables: pooling, the tests, the gating of findings, the regression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnostics_helpers import clocks, window_of
from supportlens.analysis.drivers.adjusted import breach_model
from supportlens.analysis.drivers.frame import OTHER, segment_frame, tenure_labels
from supportlens.analysis.drivers.segments import segment_report, ticket_arrays
from supportlens.config import Findings, Segments

SETTINGS = Segments(min_tickets=10)


def report(frame: pd.DataFrame, accounts=None, settings=SETTINGS, thresholds=Findings()):
    seg, specs, unavailable = segment_frame(frame, accounts, settings, [])
    return segment_report(frame, seg, specs, unavailable, window_of(frame), thresholds, settings.min_tickets, 7), seg, specs


def family(rep, dimension: str, metric: str):
    dim = next(d for d in rep.dimensions if d.id == dimension)
    return dim, next(c for c in dim.comparisons if c.metric == metric)


def test_chi_square_family_worked_by_hand():
    # email 20/40 breached, chat 5/40: chi2 = 80 * (20*35 - 20*5)^2 / (40*40*25*55) = 13.09, p = 0.000297,
    # Cramér's V = sqrt(13.09 / 80) = 0.405, ratio 0.5 / 0.125 = 4
    frame = clocks([{"n": 40, "breached": 20, "channel": "email"}, {"n": 40, "breached": 5, "channel": "chat"}])
    rep, _, _ = report(frame)
    dim, c = family(rep, "channel", "resolution_breach")
    assert c.p_value == pytest.approx(0.000297, rel=1e-2)
    assert c.effect_size == pytest.approx(np.sqrt(80 * 600 ** 2 / (40 * 40 * 25 * 55) / 80))
    assert (c.worst, c.best, c.ratio) == ("email", "chat", pytest.approx(4.0))
    assert c.significant and c.material and c.finding
    email = next(s for s in dim.segments if s.label == "email")
    assert (email.resolution_breach.events, email.resolution_breach.n) == (20, 40)
    assert email.share.value == pytest.approx(0.5)
    assert c.worse_than_best == ["email"]


def test_a_significant_but_small_difference_is_not_a_finding():
    # 1200/4000 vs 1000/4000: clearly significant, but 0.30 / 0.25 = 1.2 < material ratio 1.25
    frame = clocks([{"n": 4000, "breached": 1200, "channel": "email"}, {"n": 4000, "breached": 1000, "channel": "web"}])
    rep, _, _ = report(frame)
    _, c = family(rep, "channel", "resolution_breach")
    assert c.significant and c.ratio == pytest.approx(1.2)
    assert not c.material and not c.finding
    summary = next(m for m in rep.summary if m.metric == "resolution_breach")
    assert "channel" in summary.weak and "channel" not in summary.differs


def test_no_pairwise_tests_when_the_family_is_not_significant():
    frame = clocks([{"n": 50, "breached": 10, "channel": "email"}, {"n": 50, "breached": 9, "channel": "web"},
                    {"n": 50, "breached": 11, "channel": "chat"}])
    rep, _, _ = report(frame)
    _, c = family(rep, "channel", "resolution_breach")
    assert not c.significant and c.pairs_tested == 0 and not c.finding
    assert "channel" in next(m for m in rep.summary if m.metric == "resolution_breach").no_difference


def test_resolution_family_uses_the_log_rank_test_and_counts_open_tickets():
    # slow: 30 solved after 20 h and 10 still open (censored at 30 h); fast: 40 solved after 5 h
    frame = clocks([{"n": 40, "open": 10, "resolution_hours": [20.0, 20.0, 30.0], "category": "slow"},
                    {"n": 40, "resolution_hours": 5.0, "category": "fast"}])
    rep, _, _ = report(frame)
    dim, c = family(rep, "category", "resolution")
    assert c.test == "log-rank" and c.significant and c.worst == "slow" and c.best == "fast"
    slow = next(s for s in dim.segments if s.label == "slow")
    assert slow.open_tickets == 10 and slow.resolution.value == 20.0
    assert c.ratio == pytest.approx(4.0)


def test_small_segments_are_pooled_into_other_and_missing_values_kept():
    frame = clocks([{"n": 30, "category": "billing"}, {"n": 25, "category": "bug"}, {"n": 4, "category": "rare_a"},
                    {"n": 5, "category": "rare_b"}, {"n": 12, "category": None}])
    seg, specs, _ = segment_frame(frame, None, SETTINGS, [])
    spec = next(s for s in specs if s.id == "category")
    assert spec.levels == ["billing", "bug", "(not set)", OTHER]
    assert spec.pooled_tickets == 9
    assert len(seg) == len(frame)   # nothing dropped


def test_max_segments_keeps_the_largest():
    frame = clocks([{"n": 40 - i, "category": f"c{i}"} for i in range(6)])
    _, specs, _ = segment_frame(frame, None, Segments(min_tickets=10, max_segments=3), [])
    assert next(s for s in specs if s.id == "category").levels == ["c0", "c1", OTHER]


def test_account_dimensions_and_tenure_bands_come_from_the_accounts_table():
    frame = clocks([{"n": 20, "account_id": "A"}, {"n": 20, "account_id": "B"}])
    accounts = pd.DataFrame({"account_id": ["A", "B"], "industry": ["retail", "finance"],
                             "customer_since": [pd.Timestamp("2025-12-01", tz="UTC"), pd.Timestamp("2020-01-01", tz="UTC")]})
    seg, specs, unavailable = segment_frame(frame, accounts, SETTINGS, [])
    assert {s.id for s in specs} >= {"industry", "tenure_band"}
    assert set(seg["dim:tenure_band"]) == {"< 6 months", "4+ years"}
    assert {u["dimension"] for u in unavailable} >= {"Country", "Account tier"}
    assert tenure_labels([6, 12, 24, 48]) == ["< 6 months", "6–12 months", "1–2 years", "2–4 years", "4+ years"]


def test_extra_dimension_from_the_config():
    frame = clocks([{"n": 20, "product": "alpha"}, {"n": 20, "product": "beta"}])
    settings = Segments(min_tickets=10, extra_dimensions=["product", "region"])
    _, specs, unavailable = segment_frame(frame, None, settings, ["product"])
    assert "product" in {s.id for s in specs}
    assert {"dimension": "region", "reason": "no column 'region' in the tickets or accounts"} in unavailable


def test_regression_separates_a_channel_effect_from_a_priority_effect():
    # Within each priority email and chat breach alike (high 50%, low 10%), but email carries mostly high tickets:
    # crude email 42% vs chat 18%; adjusted for priority the channel odds ratio is exactly 1.
    frame = clocks([{"n": 400, "breached": 200, "channel": "email", "priority": "high"},
                    {"n": 100, "breached": 10, "channel": "email", "priority": "low"},
                    {"n": 100, "breached": 50, "channel": "chat", "priority": "high"},
                    {"n": 400, "breached": 40, "channel": "chat", "priority": "low"}], spread_minutes=0)
    rep, seg, specs = report(frame)
    _, crude = family(rep, "channel", "resolution_breach")
    assert crude.finding and crude.ratio == pytest.approx(0.42 / 0.18)
    model = breach_model(ticket_arrays(frame), seg, specs, 0.05, 200_000, 7)
    effects = {e.dimension: e for e in model.dimensions}
    assert not effects["channel"].significant
    channel = next(r for r in model.odds_ratios if r.dimension == "channel")
    assert channel.odds_ratio == pytest.approx(1.0, abs=1e-6)
    assert effects["priority"].significant
    priority = next(r for r in model.odds_ratios if r.dimension == "priority")
    # reference = the larger priority group (a tie: 500 each, broken towards the first level, high)
    assert priority.odds_ratio == pytest.approx((0.1 / 0.9) / (0.5 / 0.5), rel=1e-6)


def test_regression_leaves_out_segments_that_always_or_never_breach():
    frame = clocks([{"n": 60, "breached": 20, "channel": "email"}, {"n": 60, "breached": 10, "channel": "web"},
                    {"n": 30, "breached": 0, "channel": "chat"}], spread_minutes=0)
    rep, seg, specs = report(frame)
    model = breach_model(ticket_arrays(frame), seg, specs, 0.05, 200_000, 7)
    assert {"dimension": "Channel", "segment": "chat", "reason": "no ticket breached"} in model.left_out
    assert model.tickets == 120


def test_extra_dimension_survives_ingest(tmp_path):
    from supportlens.config import Config
    from supportlens.ingest import load_dataset

    path = tmp_path / "tickets.csv"
    rows = ["ticket_id,created_at,status,priority,product"]
    rows += [f"T{i},2026-02-0{1 + i % 5}T10:00:00Z,open,normal,{'alpha' if i % 2 else 'Beta '}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n")
    config = Config.model_validate({"data": {"tickets": str(path), "events": None, "accounts": None, "agents": None},
                                    "segments": {"extra_dimensions": ["product"]}})
    tickets = load_dataset(config).tickets
    assert sorted(tickets["product"].unique()) == ["Beta", "alpha"]


def test_dimension_codes_are_the_categorical_codes():
    """A segment's index among the dimension's levels, as pd.Categorical gives it: values beyond the levels and
    missing values -1, the levels' own order (not the values' order of appearance)."""
    import warnings

    import numpy as np

    from supportlens.analysis.drivers.frame import DimensionSpec, dimension_codes

    values = pd.Series(["Email", "Chat", "Phone", None, "Email", "Fax"], dtype="string")
    spec = DimensionSpec("channel", "Channel", "tickets", ["Phone", "Email", "Chat"], 0)
    frame = pd.DataFrame({"dim:channel": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = pd.Categorical(values, categories=spec.levels).codes
    assert dimension_codes(frame, spec).tolist() == [1, 2, 0, -1, 1, -1] == expected.tolist()
    assert dimension_codes(frame, spec).dtype == np.int64
