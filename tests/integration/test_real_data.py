"""The real exports in ../shared/data (skipped when the folder is absent, as on a user's fresh clone):
each loads through its preset without a traceback, and the seeds' published figures come out."""

from __future__ import annotations

import re

import pytest

from supportlens.analysis import analyse
from supportlens.config import load_config
from supportlens.errors import SupportlensError
from supportlens.ingest import REGISTRY, load_dataset
from support import ROOT

SHARED = ROOT.parent / "shared" / "data"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent (real data is only on the dev machines)")


@pytest.fixture(scope="module")
def analysed():
    """(dataset, analysis) of an example export, each read and analysed once for the module."""
    done: dict[str, tuple] = {}

    def of(example: str):
        if example not in done:
            config = load_config(ROOT / "examples" / f"{example}.yml")
            dataset = load_dataset(config, ROOT)
            done[example] = dataset, analyse(dataset, config)
        return done[example]

    return of


def kpi(analysis, kpi_id):
    return next(k for k in analysis.kpis if k.id == kpi_id)


def test_kaggle_csat_and_the_missing_creation_time(analysed):
    dataset, analysis = analysed("kaggle_support_tickets")
    csat = kpi(analysis, "csat_mean")
    assert round(csat.value, 2) == 2.99 and csat.n == 2769           # seed 002's published figures
    assert len(dataset.tickets) == 8469
    assert any(q.check == "MISSING_COLUMN" and q.column == "created_at" for q in dataset.quality)
    # seed 002: mean |resolution - first response| over the 2,769 closed tickets = 7.74 h
    t = dataset.tickets.dropna(subset=["solved_at", "first_response_at"])
    gap = (t["solved_at"] - t["first_response_at"]).abs().dt.total_seconds() / 3600
    assert len(t) == 2769 and round(gap.mean(), 2) == 7.74


def test_eshokhat_dates_only_leave_out_the_plan_by_hour(analysed):
    dataset, analysis = analysed("eshokhat_50k")
    assert analysis.actions.staffing is None
    assert any(s.code == "staffing_plan" and "dates only" in s.reason for s in analysis.skipped)
    assert analysis.actions.risk is not None or any(s.code == "risk_model" for s in analysis.skipped)


def test_eshokhat_escalation_rate_and_mean_resolution(analysed):
    dataset, analysis = analysed("eshokhat_50k")
    assert round(kpi(analysis, "escalation_rate").value * 100, 1) == 33.1
    resolution = next(d for d in analysis.sla.period.durations if d.measure == "resolution")
    assert resolution.tickets == 50000 and round(resolution.mean_minutes, 1) == 36.6
    monthly = [m.created for m in analysis.volume.monthly if not m.partial]
    assert 5000 < sum(monthly) / len(monthly) < 6000                 # "about 5.5K tickets a month"


def test_event_logs_build_tickets(analysed):
    dataset, analysis = analysed("helpdesk_eventlog")
    assert len(dataset.tickets) == 4580 and len(dataset.events) == 21348
    # the self-service rule names exactly the workload page's candidates (it once kept a list of its own)
    service = next(r for r in analysis.actions.recommendations if r.kind == "self_service")
    assert service.facts.categories == [c for c in analysis.diagnostics.workload.categories if c.candidate]
    dataset, analysis = analysed("bpic2013")
    assert len(dataset.tickets) == 7554 and dataset.tickets["tier_max"].max() == 3
    assert 0 < kpi(analysis, "escalation_rate").value < 1
    # the escalation rule fires on the handoff of the escalation_bottleneck finding, with its numbers
    finding = next(f.facts for f in analysis.findings if f.kind == "escalation_bottleneck")
    handoff = next(r for r in analysis.actions.recommendations if r.kind == "escalation").facts.handoff
    assert (handoff.from_role, handoff.to_role, handoff.median_wait_hours) == (
        finding.from_role, finding.to_role, finding.median_wait_hours)


@pytest.mark.parametrize("folder", ["kaggle_support_tickets", "eshokhat_50k", "helpdesk_eventlog",
                                    "bpic2013_volvo_incidents"])
def test_every_importer_on_every_file_succeeds_or_explains(folder):
    from supportlens.config import Config

    path = next((SHARED / folder).glob("*.csv"))
    for source in REGISTRY:
        config = Config.model_validate({"data": {"source": source, "tickets": str(path), "events": None,
                                                 "accounts": None, "agents": None}})
        try:
            load_dataset(config)
        except SupportlensError as error:
            assert str(path) in error.problem and error.fix


@pytest.mark.parametrize("example", sorted(p.stem for p in (ROOT / "examples").glob("*.yml")))
def test_every_example_builds_its_charts_and_pages(example, analysed):
    """Every chart and page renders on every real export: a chart whose analysis lacks data is left out
    (the page says what is missing), never a traceback."""
    from supportlens.charts import build_charts
    from supportlens.context import build_context
    from supportlens.pages import PAGES
    from supportlens.render.pages import render_pages

    config = load_config(ROOT / "examples" / f"{example}.yml")
    dataset, analysis = analysed(example)
    context = build_context(dataset, analysis, config)
    charts = build_charts(context)
    for flavour in ("site", "print"):
        pages = render_pages(context, charts, ROOT, flavour=flavour)
        assert set(pages) == {page.id for page in PAGES}
    for page_id, text in pages.items():   # print: a real export with hundreds of groups or products stays readable
        longest = max((len(block.splitlines()) - 2 for block in re.findall(r"(?:^\|.*\|\n)+", text, re.M)), default=0)
        assert longest <= 60, f"{page_id}: a table of {longest} rows in the PDF"
    for chart in charts.values():
        assert chart.figure.data, f"{chart.id} has no traces"
        assert chart.takeaway and chart.alt
