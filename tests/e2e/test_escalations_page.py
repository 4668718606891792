"""The escalations page: built from a sample with a change date, and explained without an event log."""

from __future__ import annotations


import pytest

from supportlens.build import analysed
from supportlens.charts import build_charts
from supportlens.config import Config
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from supportlens.render.pages import render_pages
from supportlens.sample import SimulationSpec, simulate, write_sample
from support import ROOT

HOSTILE = "<b>Eng</b> | *three*"


def page_of(config: Config) -> tuple[str, dict, dict]:
    dataset = load_dataset(config)
    analysis = analysed(dataset, config)
    context = build_context(dataset, analysis, config)
    charts = build_charts(context)
    return render_pages(context, charts, ROOT, flavour="site")["escalations"], context, charts


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    write_sample(simulate(SimulationSpec(tickets=4000, seed=5, change_date="2026-04-06", change_effect_hours=-12)),
                 folder)
    config = Config.model_validate({
        "data": {t: str(folder / f"{t}.csv") for t in ("tickets", "events", "accounts", "agents")},
        "escalations": {"change_date": "2026-04-06", "change_label": "the new escalation desk",
                        "role_labels": {"customer": "Customer", "tier1": "Tier 1", "tier2": "Tier 2", "tier3": HOSTILE,
                                        "third_party": "Third party"}},
    })
    return page_of(config)


def test_page_with_an_event_log(sample_page):
    page, context, charts = sample_page
    for chart_id in ("escalation_time_by_role", "handoff_matrix", "process_map", "resolution_by_path",
                     "swimlane_representative", "swimlane_slowest", "csat_by_silence", "policy_estimate",
                     "its_resolution"):
        assert chart_id in charts and f'data-chart-id="{chart_id}"' in page, chart_id
    assert context["escalations"]["proactive"]["simulated"] is not None     # truth.json was beside the tickets
    assert "Checked against the simulator" in page
    assert "the new escalation desk" in page and "Level change" in page
    its = context["interrupted_series"]["resolution"]
    assert its["level_ci_low"] <= -12 <= its["level_ci_high"]
    # a user-supplied role label is escaped in text, tables and chart data, never markup
    assert HOSTILE not in page and "<b>Eng" not in page
    assert "&lt;b&gt;Eng&lt;/b&gt;" in page
    kinds = [f["kind"] for f in context["findings"]]
    assert "escalation_bottleneck" in kinds


def test_page_without_an_event_log(tiny_config):
    page, context, charts = page_of(tiny_config)
    assert context["escalations"] is None and context["interrupted_series"] is None
    assert any(s["analysis"] == "escalation process" and "event log" in s["reason"] for s in context["skipped"])
    assert "This page needs an event log" in page
    assert "handoff matrix" in page and "methodology.html#setup" in page and "supportlens.yml" not in page
    assert not [c for c in charts.values() if c.page == "escalations"]
    assert "No process change was named" in page and "change_date" not in page


def test_change_date_without_enough_weeks_says_why(tiny_config):
    config = tiny_config.model_copy(update={"escalations": tiny_config.escalations.model_copy(
        update={"change_date": __import__("datetime").date(2026, 2, 16)})})
    page, context, _ = page_of(config)
    assert context["interrupted_series"] is None
    assert "could not be made" in page and "complete weeks" in page
