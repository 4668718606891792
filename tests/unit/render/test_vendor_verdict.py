"""The SLA page writes the help desk's own verdict beside the report's (issue 14, 7), from the analysis's fields:
tests/fixtures/servicenow_made_sla.csv (see tests/unit/analysis/sla/test_vendor.py for the hand-worked numbers)."""

from __future__ import annotations

from supportlens.analysis import analyse
from supportlens.config import Config
from supportlens.context import to_plain
from supportlens.ingest import load_dataset
from supportlens.render.pages import environment

from support import FIXTURES, ROOT


def test_the_sla_page_writes_both_verdicts_and_why_they_differ():
    cfg = Config.model_validate({"data": {"source": "servicenow", "tickets": str(FIXTURES / "servicenow_made_sla.csv"),
                                          "events": None, "accounts": None, "agents": None},
                                 "period": {"length": "all"}})
    analysis = analyse(load_dataset(cfg), cfg)
    sla = to_plain(analysis.sla)
    text = environment(ROOT).get_template("partials/vendor_verdict.j2").render(
        sla=sla, period={"label": "March 2025"})
    assert ("ServiceNow recorded its own resolution verdict on 13 of the resolution SLAs this report judged in "
            "March 2025: it counts **7.7%** breached (1) where this report counts **69.2%** (9)") in text
    assert "8 tickets are breached by this report and met by ServiceNow, 0 the other way round" in text
    assert "The gap is material." in text
    assert "Those 8 tickets took 30.0 h (median) against this report's target of 24.0 h" in text
    assert "**Pauses.**" in text and "**Clock.**" in text
