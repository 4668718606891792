"""The board pack and its appendix (issue 13): which section of a page goes to which PDF follows from the page
declarations; the PDF code cuts the page at its headings and keeps links inside each document."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from supportlens.pages import APPENDIX, APPENDIX_PAGES, BOARD, PAGES, REPORT, Page
from supportlens.render.pdf import keep_links_inside, split_page
from support import ROOT

PAGE = Page("sla", "SLA", appendix=("durations", "by-*"))
HTML = ('<p>intro</p>'
        '<h2 id="sla-durations">Durations</h2><p>table</p><h3 id="sla-calendar">Calendar</h3><p>more</p>'
        '<h2 id="sla-trend">Over time</h2><p>chart</p>'
        '<h3 id="sla-by-team">By team</h3><p>team table</p>'
        '<h3 id="sla-open">Open</h3><p>open chart</p>')


def test_a_page_is_cut_at_its_headings_into_the_two_documents():
    parts = split_page(HTML, PAGE)
    board, appendix = parts[REPORT], parts[APPENDIX]
    # worked out by hand: the intro, "Over time" and its subsection "Open" stay; "Durations" goes with its
    # subsection "Calendar", and "By team" goes alone (it matches the pattern "by-*")
    assert re.findall(r"<p>(.*?)</p>", board) == ["intro", "chart", "open chart"]
    assert re.findall(r"<p>(.*?)</p>", appendix) == ["table", "more", "team table"]


def test_a_page_printed_whole_in_one_document_is_not_cut():
    assert split_page(HTML, Page("methodology", "M", pdf=APPENDIX)) == {APPENDIX: HTML}
    assert split_page(HTML, Page("sla", "SLA")) == {REPORT: HTML}


def test_a_section_the_data_cannot_answer_goes_to_the_appendix_with_its_subsections():
    # "Over time" is a board-pack section; unanswered, it goes whole (with "By team" and "Open") to the appendix
    parts = split_page(HTML, PAGE, frozenset({"trend"}))
    assert re.findall(r"<p>(.*?)</p>", parts[REPORT]) == ["intro"]
    assert re.findall(r"<p>(.*?)</p>", parts[APPENDIX]) == ["table", "more", "chart", "team table", "open chart"]
    # a page printed whole in the appendix is not moved anywhere else
    assert split_page(HTML, Page("methodology", "M", pdf=APPENDIX), frozenset({"trend"})) == {APPENDIX: HTML}


def test_links_to_the_other_document_keep_only_their_text():
    html = '<h2 id="a">A</h2><a href="#a">here</a> and <a href="#b">there</a> <a href="https://x.org">web</a>'
    assert keep_links_inside(html) == '<h2 id="a">A</h2><a href="#a">here</a> and there <a href="https://x.org">web</a>'


def test_the_board_pack_holds_the_questions_and_the_appendix_the_rest():
    assert [p.id for p in BOARD] == ["index", "sla", "drivers", "trends", "escalations", "staffing", "workload",
                                     "accounts", "recommendations"]
    whole = [p.id for p in APPENDIX_PAGES if p.pdf == APPENDIX]
    assert whole == ["risk", "quality", "methodology"]


def test_every_section_a_page_sends_to_the_appendix_is_a_heading_of_its_template():
    """A misspelt section id would silently keep a section in the board pack."""
    templates = ROOT / "src" / "supportlens" / "templates" / "pages"
    for page in PAGES:
        ids = re.findall(r"(?<!\{)\{#([a-z][^}\s]*)", (templates / f"{page.id}.qmd.j2").read_text())
        for pattern in page.appendix:
            assert any(page.document_of(i) == APPENDIX for i in ids if fnmatchcase(i, pattern)), \
                f"{page.id}: no heading matches {pattern!r}"
