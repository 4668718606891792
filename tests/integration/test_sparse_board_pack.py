"""A sparse export's board pack is short and answers what it can (issue 13): the Kaggle-style export without creation
times leaves every page that needs them out of report.pdf, and its summary names each in one line, instead of eight
pages that each say "not available". Rendered from the fixture's context, no PDF: the pages the PDF prints from and the
print summary's text."""

from __future__ import annotations

from supportlens.analysis import analyse
from supportlens.charts import build_charts
from supportlens.config import Config
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from supportlens.pages import APPENDIX, PRINTED, REPORT
from supportlens.render.pages import render_pages
from supportlens.render.pdf import printed_pages

from support import ROOT


def test_an_export_without_creation_times_prints_its_summary_alone_and_says_what_it_leaves_out():
    config = Config.model_validate({"data": {"source": "kaggle_support_tickets",
                                             "tickets": str(ROOT / "tests" / "fixtures" / "kaggle_tickets.csv"),
                                             "events": None, "accounts": None, "agents": None},
                                    "sla": {"preset": "seed002"}, "period": {"length": "all"}})
    dataset = load_dataset(config)
    context = build_context(dataset, analyse(dataset, config), config)
    assert [page.id for page in printed_pages(context, REPORT) if page.pdf == REPORT] == ["index"]
    assert len(printed_pages(context, APPENDIX)) == len(PRINTED)          # the appendix keeps every page's detail
    left_out = [q for u in context["unanswered"] for q in u["questions"]]
    assert set(left_out) == {"SLA performance", "Why we breach", "Trends", "Escalations", "Staffing", "Workload",
                             "Accounts", "Recommendations"}
    summary = render_pages(context, build_charts(context), ROOT, flavour="print", pages=PRINTED)["index"]
    assert "## Not in this pack" in summary
    for u in context["unanswered"]:
        assert f"- **{', '.join(u['questions'])}**: " in summary            # one line per reason
    assert "not available" not in summary.lower()
    # a measure the export cannot give is left out of the KPI table, not shown as a dash
    assert "| Median first response |" not in summary
    # no finding is claimed to have failed a test that was never run
    assert "No difference passed" not in summary and "There is no finding to report" in summary
