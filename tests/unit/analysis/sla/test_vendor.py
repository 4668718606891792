"""The help desk's own SLA verdict beside the report's (issue 14, 7). tests/fixtures/servicenow_made_sla.csv,
worked out by hand: 14 incidents of priority 3 (normal: the default 24 h resolution target, a 24/7 calendar).
4 resolved in 2 h and 8 in 30 h with made_sla true, 1 in 40 h with made_sla false, 1 still open (made_sla true).
Both verdicts exist for the 13 solved ones: the report breaches 9 (8 + 1), ServiceNow 1; the 8 disagreements
all go one way (McNemar exact p = 2 / 2^8 = 0.0078)."""

from __future__ import annotations

import pandas as pd
import pytest

from supportlens.analysis import analyse
from supportlens.analysis.sla.vendor import GapReason, vendor_comparison
from supportlens.config import Config, SlaPolicy
from supportlens.ingest import load_dataset

from support import FIXTURES


def config(**sla) -> Config:
    return Config.model_validate({"data": {"source": "servicenow", "tickets": str(FIXTURES / "servicenow_made_sla.csv"),
                                           "events": None, "accounts": None, "agents": None},
                                  "sla": sla, "period": {"length": "all"}})


def test_made_sla_beside_the_reports_verdict():
    cfg = config()
    analysis = analyse(load_dataset(cfg), cfg)
    vendor = analysis.sla.vendor
    assert vendor is not None and [v.measure for v in vendor.measures] == ["resolution"]
    v = vendor.measures[0]
    assert (v.tickets, v.both_breached, v.report_only, v.system_only, v.both_met) == (13, 1, 8, 0, 4)
    assert (v.report_breach.events, v.system_breach.events) == (9, 1)
    assert v.gap == pytest.approx(8 / 13)
    assert v.p_value == pytest.approx(2 / 2 ** 8)
    assert v.differs and vendor.headline == 0
    assert v.report_only_median_hours == pytest.approx(30) and v.report_only_target_hours == pytest.approx(24)
    assert v.reasons == [GapReason.REPORT_STRICTER, GapReason.NO_PAUSES, GapReason.ALWAYS_OPEN]
    assert v.system_flags == 14                                       # the open one carries a flag, not judged


def test_a_target_the_system_agrees_with_closes_the_gap():
    # a 36 h resolution target for normal: only the 40 h incident breaches, as ServiceNow says
    cfg = config(targets={"normal": {"first_response": 8, "resolution": 36}})
    v = analyse(load_dataset(cfg), cfg).sla.vendor.measures[0]
    assert (v.report_only, v.system_only, v.both_breached) == (0, 0, 1)
    assert v.gap == 0 and not v.differs and v.p_value is None
    assert GapReason.REPORT_STRICTER not in v.reasons


def test_few_disagreements_are_not_a_material_difference():
    # 2 report-only breaches among 10: 20 pp apart but McNemar p = 0.5, not significant
    clocks = pd.DataFrame({"resolution_state": ["breached"] * 2 + ["achieved"] * 8,
                           "source_resolution_met": [True] * 10, "resolution_minutes": [100.0] * 10,
                           "resolution_target_minutes": [60.0] * 10})
    v = vendor_comparison(clocks, SlaPolicy(clock="calendar"), 0.05).measures[0]
    assert v.gap == pytest.approx(0.2) and v.p_value == pytest.approx(0.5) and not v.differs
    assert GapReason.CALENDAR_CLOCK in v.reasons


def test_no_flag_no_comparison():
    clocks = pd.DataFrame({"resolution_state": ["breached", "achieved"], "resolution_minutes": [1.0, 2.0],
                           "resolution_target_minutes": [1.0, 1.0]})
    assert vendor_comparison(clocks, SlaPolicy(), 0.05) is None
