"""Issue 13 (5, 6, 7): readable table cells, one colour system, static charts that hold up in print, contents
without Markdown escapes. Each value below is worked out by hand."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from supportlens.charts.base import _nice_step, aligned_ticks, fit_axis_titles, label_positions
from supportlens.colours import OKABE_ITO, PRIORITY_COLOURS, SERIES, STATUS, css_variables
from supportlens.formatting import duration_unit, fmt_change_interval, fmt_duration, fmt_interval, has_values, same_values
from supportlens.render.markdown import render_markdown
from supportlens.render.pdf import printable_svg

CHARTS = Path(__file__).resolve().parents[2] / "src" / "supportlens" / "charts"
NBSP = "\u00a0"


# --- tables: one unit a column, intervals that read as intervals --------------------------------------------------

def test_a_column_takes_the_unit_of_its_median_value():
    assert duration_unit([20, 45, 83]) == "min"              # median 45 min
    assert duration_unit([83, 1001, 3000]) == "h"            # median 1001 min = 16.7 h
    assert duration_unit([1.5, 60, 96], source="h") == "days"   # median 60 h
    assert duration_unit([None, 30, None]) == "min"
    assert duration_unit([None]) == "h"
    assert duration_unit([-300, -200, 30], source="h") == "days"   # overdue times by their size


def test_a_duration_is_written_in_the_unit_given():
    assert fmt_duration(1001, "h") == f"16.7{NBSP}h"          # not '1,001.0 min'
    assert fmt_duration(83, "min") == f"83{NBSP}min"
    assert fmt_duration(96, "days", source="h") == f"4.0{NBSP}days"
    assert fmt_duration(None, "h") == "—"


def test_an_interval_is_one_unbroken_unit_and_never_degenerate():
    text = str(fmt_interval(83, 75, 96, "h"))
    assert "1.4" in text and "(1.2–1.6" in text and text.count("h") == 2   # '1.4 h (1.2–1.6 h)': one unit, twice
    assert 'class="nowrap"' in text
    assert str(fmt_interval(0.123, 0.101, 0.145, "share")) == \
        '<span class="nowrap">12.3%</span> <span class="nowrap">(10.1–14.5%)</span>'   # may break only between the two
    # '4.0 days (4.0 days–4.0 days)' and '0.0% (0.0%–0.0%)' become the value alone
    assert "(" not in str(fmt_interval(96, 96, 96, "days", source="h"))
    assert "(" not in str(fmt_interval(0.0, 0.0, 0.0, "share"))
    # an interval whose ends differ at the precision shown stays, though the value equals one end
    assert "(0.0–1.2%)" in str(fmt_interval(0.0, 0.0, 0.012, "share"))
    assert "(" not in str(fmt_interval(0.5, None, 0.6, "share"))


def test_a_change_and_its_interval_stand_on_one_line_that_never_wraps():
    # the proactive-updates table's reopen column printed '−1.7 pp' above '(−3.4 pp to +0.0 pp)' (issue 13)
    cell = str(fmt_change_interval(-0.017, -0.034, 0.0004, "share"))
    assert cell == '<span class="nowrap">−1.7 pp (−3.4 to +0.0 pp)</span>'
    assert str(fmt_change_interval(0.31, 0.19, 0.42, "score")) == '<span class="nowrap">+0.31 (+0.19 to +0.42)</span>'
    assert str(fmt_change_interval(-0.017, None, 0.01, "share")) == '<span class="nowrap">−1.7 pp</span>'
    # and no template writes a value and its interval as two pieces a line can break between
    templates = Path(__file__).resolve().parents[2] / "src" / "supportlens" / "templates"
    split = [path.name for path in templates.rglob("*.j2") if '}} <span class="nowrap">(' in path.read_text()]
    assert split == []


def test_columns_that_would_be_empty_or_repeat_another_are_found():
    rows = [{"csat": {"value": None}, "a": 1, "b": 1}, {"csat": {"value": None}, "a": 2, "b": 2}]
    assert not has_values(rows, "csat.value")
    assert has_values(rows + [{"csat": {"value": 4.1}}], "csat.value")
    assert same_values(rows, "a", "b")
    assert not same_values(rows + [{"a": 3, "b": 4}], "a", "b")


# --- page contents ------------------------------------------------------------------------------------------------

def test_contents_show_a_heading_as_the_reader_sees_it():
    page = render_markdown("---\ntitle: T\n---\n## Cover Mon–Fri 18:00 UTC \\(up to \\+8 agents an hour\\) {#cover}\n\n"
                           "## **Bold** `code` A &amp; B\n")
    assert [text for _, _, text in page.toc] == ["Cover Mon–Fri 18:00 UTC (up to +8 agents an hour)", "Bold code A & B"]
    assert page.toc[0][1] == "cover"


def test_a_table_scrolls_in_its_own_box():
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n").html
    assert html.startswith('<div class="table-wrap"><table') and html.rstrip().endswith("</table>\n</div>")


# --- one colour system --------------------------------------------------------------------------------------------

def test_status_colours_are_never_series_colours():
    assert set(STATUS.values()).isdisjoint(SERIES)
    assert set(PRIORITY_COLOURS.values()) <= set(SERIES)
    assert set(SERIES) - {"#7f7f7f"} <= set(OKABE_ITO.values())        # Okabe–Ito stays
    assert "--good: #009E73;" in css_variables() and "--bad: #D55E00;" in css_variables()


STATUS_HUES = re.compile(r'PALETTE\["(?:green|vermillion)"\]|#009E73|#D55E00|rgba\(213,\s*94,\s*0|rgba\(0,\s*158,\s*115',
                         re.IGNORECASE)


@pytest.mark.parametrize("module", sorted(p.name for p in CHARTS.glob("*.py") if p.name != "base.py"))
def test_charts_name_a_status_colour_only_as_a_status(module):
    """A chart colours a verdict with STATUS["good"/"bad"]; the hues themselves are not series colours to pick."""
    text = (CHARTS / module).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if STATUS_HUES.search(line)]
    assert lines == [], f"{module}: a status hue used directly (series colour?): {lines}"


# --- static charts --------------------------------------------------------------------------------------------------

def test_quoted_paint_references_are_unquoted_for_print():
    svg = b'''<rect style="fill: url('#g1-cb');"/><rect style='fill: url("#g2")'/><g clip-path="url(#c)"/>'''
    assert printable_svg(svg) == b'''<rect style="fill: url(#g1-cb);"/><rect style='fill: url(#g2)'/><g clip-path="url(#c)"/>'''


def test_a_colour_bar_gradient_is_given_in_its_bars_coordinates():
    # Plotly's colour bar: a gradient from the bottom (y1=1) to the top (y2=0) of the bar's bounding box
    svg = (b'<defs><linearGradient x1="0" y1="1" x2="0" y2="0" gradientUnits="objectBoundingBox" id="g-cb">'
           b'<stop offset="0%" stop-color="white"/></linearGradient></defs>'
           b'''<rect class="cbfill" style="fill: url('#g-cb');" x="600" y="10" width="30" height="228"/>''')
    out = printable_svg(svg)
    # bottom of the bar: y = 10 + 1 × 228 = 238, top: y = 10; x stays at the bar's left edge
    assert b'<linearGradient x1="600" y1="238" x2="600" y2="10" gradientUnits="userSpaceOnUse" id="g-cb">' in out
    assert b"url(#g-cb)" in out and b"objectBoundingBox" not in out


def test_a_title_longer_than_its_axis_wraps_and_the_site_figure_keeps_it():
    title = "Cramér's V of the resolution breach rate across segments (0 = no association)"   # 78 characters
    fig = go.Figure(layout=dict(font=dict(size=13), margin=dict(l=200, r=24, t=24, b=56), height=300,
                                xaxis=dict(title=dict(text=title)), yaxis=dict(title=dict(text="Share"))))
    fitted = fit_axis_titles(fig, 760, 300)
    # room: 760 - 224 = 536 px at 13 px × 0.58 a character = 71 characters a line
    lines = fitted.layout.xaxis.title.text.split("<br>")
    assert len(lines) == 2 and all(len(line) <= 71 for line in lines) and " ".join(lines) == title
    assert fitted.layout.yaxis.title.text == "Share" and fitted.layout.xaxis.automargin
    assert fig.layout.xaxis.title.text == title


def test_dual_axis_ticks_are_round_and_their_grids_coincide():
    assert [_nice_step(x) for x in (0.03, 0.045, 130, 7)] == [0.05, 0.05, 200, 10]
    volume, rate = aligned_ticks([1000, 870, None], [0.18, 0.05])
    # 5 intervals: 200 tickets and 5% a step (4 would need 250/500 and 5%; 6 wastes more height)
    assert (volume["dtick"], volume["range"], rate["dtick"]) == (200, [0, 1000], 0.05)
    assert volume["range"][1] / volume["dtick"] == pytest.approx(rate["range"][1] / rate["dtick"])
    for axis in (volume, rate):
        mantissa = axis["dtick"] / 10 ** __import__("math").floor(__import__("math").log10(axis["dtick"]))
        assert round(mantissa, 9) in (1, 2, 5)


def test_scatter_labels_do_not_overlap():
    # two points 1% of the width apart with long names: the second label moves off the first
    positions = label_positions([7000, 7050, 9000], [5.0, 5.0, 5.0], ["Login access", "Account change", "How to"])
    assert positions[0] == "top center" and positions[1] != "top center" and positions[2] == "top center"


def test_a_paragraph_that_leads_into_a_table_is_marked_to_stay_with_it():
    html = render_markdown("Alone.\n\nThe ten agents who solved most:\n\n| a |\n|---|\n| 1 |\n").html
    assert '<p>Alone.</p>' in html and '<p class="lead-in">The ten agents who solved most:</p>' in html


def test_body_cells_carry_their_column_header_for_the_phone_layout():
    html = render_markdown("| Net benefit \\(USD\\) | Owner |\n|---|---|\n| 1 | Head |\n").html
    assert '<td data-label="Net benefit (USD)">1</td>' in html and '<td data-label="Owner">Head</td>' in html


# --- the short-page check (tests/print_checks.py) on a PDF made for it -----------------------------------------------

@pytest.mark.skipif(__import__("shutil").which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_short_page_check_flags_a_page_that_ends_early_inside_a_section(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    from print_checks import ink_depths, section_last_pages, short_pages

    css = ("@page { size: A4; margin: 22mm 18mm 20mm 18mm; @top-right { content: string(section); } } "
           "h1 { string-set: section content(); break-before: page; } .next { break-before: page; } p { margin: 0 0 4mm; }")
    filler = "<p>" + "A line of the report that fills the page. " * 12 + "</p>"
    html = (f"<style>{css}</style>"
            f"<h1>Alpha</h1>{filler}"                         # page 1: ends near the top, Alpha goes on
            f"<div class='next'>{filler * 5}</div>"           # page 2: most of a page
            f"<h1>Beta</h1>{filler}")                         # page 3: short, but Beta's last (and the last) page
    pdf = tmp_path / "report.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    depths = ink_depths(pdf)
    assert len(depths) == 3 and depths[0] < 1 / 3 and depths[1] > 0.5 and depths[2] < 1 / 3
    assert section_last_pages(pdf) == {2, 3}
    # page 1 ends early and is not Alpha's last page: flagged (unless taken for a report's cover)
    assert [n for n, _ in short_pages(pdf, section_last_pages(pdf), first_page=0)] == [1]
    assert [n for n, _ in short_pages(pdf, section_last_pages(pdf))] == []
