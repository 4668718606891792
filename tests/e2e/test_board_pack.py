"""The board pack (issue 13): report.pdf is at most 16 A4 pages with the answer first on page 2; appendix.pdf
holds the rest for analysts (the detail behind each question, the risk model, data quality, methodology, glossary)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT, run_cli

MAX_PAGES = 16
HELPDESK = ROOT.parent / "shared" / "data" / "helpdesk_eventlog" / "helpdesk.csv"


def pages(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]


def needs_pdf(site: Path) -> None:
    if not (site / "report.pdf").exists():
        pytest.skip("the build made no PDF here (no Chromium or WeasyPrint)")


def check_board_pack(site: Path) -> None:
    report, appendix = pages(site / "report.pdf"), pages(site / "appendix.pdf")
    assert len(report) <= MAX_PAGES, f"the board pack has {len(report)} pages"
    # the appendix holds what the board pack leaves out
    text = " ".join(appendix)
    for heading in ("Methodology", "Glossary", "Data quality"):
        assert heading in text, heading
    assert "Methodology" not in " ".join(report[1:]) and "Glossary" not in " ".join(report[1:])


def test_the_sample_board_pack_fits_sixteen_pages_and_the_appendix_holds_the_rest(project: Path):
    needs_pdf(project / "_site")
    check_board_pack(project / "_site")


def test_the_summary_answers_first_on_one_page(project: Path):
    needs_pdf(project / "_site")
    report = pages(project / "_site" / "report.pdf")
    summary = report[1]
    # verdict, KPI table, findings, decisions: in that order, all on page 2
    order = [re.search(r"\d+ of \d+ service targets? met|no headline measure has a target", summary),
             re.search(r"Headline KPIs", summary), re.search(r"Key findings", summary),
             re.search(r"Decisions for the board", summary)]
    assert all(order), summary[:400]
    starts = [m.start() for m in order]
    assert starts == sorted(starts)
    # the table's columns and the plain words issue 13 asked for
    assert re.search(r"Measure Actual Target (Change vs .+? )?Status", summary)
    assert not re.search(r"\bHigh tickets\b", summary) and "no one-off cost" not in summary
    assert "Decisions for the board" not in report[2], "the decisions spilled onto a second page"
    # statistical detail is in footnotes: after the last decision, not in the findings' sentences
    findings = summary[summary.index("Key findings"):summary.index("Decisions for the board")]
    assert "Cramér" not in findings and "χ²" not in findings


def test_the_site_links_both_pdfs(project: Path):
    downloads = (project / "_site" / "downloads.html").read_text()
    assert 'href="report.pdf"' in downloads and 'href="appendix.pdf"' in downloads


@pytest.mark.parametrize("example_site", ["helpdesk_eventlog"], indirect=True)
def test_the_helpdesk_board_pack_fits_sixteen_pages(example_site: Path):
    needs_pdf(example_site / "_site")
    check_board_pack(example_site / "_site")
