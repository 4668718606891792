"""An export without priorities (issue 14, a city's 311 requests): it builds; SLA targets come from the
one default target or each ticket's due date; without either there is no SLA verdict and no breach KPI.
Expected states worked out by hand from tests/fixtures/requests_311.csv (as-of: its latest time,
2024-03-07 09:00, the closed date of SR-1002)."""

from __future__ import annotations


from supportlens.analysis import analyse
from supportlens.config import Config
from supportlens.ingest import load_dataset

from support import FIXTURES

MAPPING = {"tickets": {"ticket_id": "Service Request Number", "created_at": "Created Date",
                       "solved_at": "Closed Date", "due_at": "Due Date", "status": "Status", "channel": "Source",
                       "category": "Request Type"}}


def config(mapping=MAPPING, **sla) -> Config:
    return Config.model_validate({"data": {"tickets": str(FIXTURES / "requests_311.csv"), "events": None,
                                           "accounts": None, "agents": None, "mapping": mapping},
                                  "sla": sla, "period": {"length": "all"}})


def states(cfg: Config) -> tuple[dict, object]:
    analysis = analyse(load_dataset(cfg), cfg)
    clocks = analysis.clocks.set_index("ticket_id")
    return clocks["resolution_state"].astype(object).where(clocks["resolution_state"].notna(), None).to_dict(), analysis


def test_due_dates_give_the_verdict_without_priority():
    resolution, analysis = states(config())
    assert resolution == {"SR-1001": "achieved", "SR-1002": "breached", "SR-1003": "active_breached",
                          "SR-1004": "active", "SR-1005": None, "SR-1006": None}
    assert analysis.method.sla.targets_from == "due_dates"
    kpis = {k.id: k for k in analysis.kpis}
    assert "first_response_breach_rate" not in kpis                # no first-response time, no target
    assert (kpis["resolution_breach_rate"].value, kpis["resolution_breach_rate"].n) == (0.5, 2)


def test_one_default_target_without_priority():
    resolution, analysis = states(config(targets={"default": {"first_response": 2, "resolution": 24}}))
    # the default 24 h applies to SR-1006 (2 h: achieved); due dates still rule where present
    assert resolution["SR-1006"] == "achieved" and resolution["SR-1002"] == "breached"
    assert analysis.method.sla.targets_from == "default"


def test_without_priority_or_target_no_verdict_and_no_breach_kpi():
    mapping = {"tickets": {k: v for k, v in MAPPING["tickets"].items() if k != "due_at"}}
    resolution, analysis = states(config(mapping))
    assert set(resolution.values()) == {None}
    assert analysis.method.sla.targets_from == "none"
    ids = [k.id for k in analysis.kpis]
    assert "resolution_breach_rate" not in ids and "first_response_breach_rate" not in ids
    assert "resolution_median_hours" in ids                       # durations are still measured
    dataset = load_dataset(config(mapping))
    missing = next(q for q in dataset.quality if q.check == "MISSING_COLUMN" and q.column == "priority")
    assert "no SLA verdict" in missing.action
