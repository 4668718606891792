"""A printed table's cells (render/pdf.py ``print_cells``): a column's alignment moves from each cell's style
attribute to a class the PDF's style sheet aligns by, the site's phone labels (``data-label``) and the white space
between rows and cells are left out, and so are the spans keeping on one line a value that cannot break; WeasyPrint
aligns the cells and breaks their lines as before, also under a project's own print style sheet."""

from __future__ import annotations

from supportlens.render.pdf import CELL_ALIGNMENT_CSS, _render, print_cells
from support import ROOT

MARKDOWN_TABLE = ('<table>\n<thead>\n<tr>\n<th></th>\n<th style="text-align:right">Tickets</th>\n'
                  '<th style="text-align:center">Share</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
                  '<td data-label="">First response</td>\n'
                  '<td style="text-align:right" data-label="Tickets">13,296</td>\n'
                  '<td class="x" style="text-align:center" data-label="Share">8%</td>\n</tr>\n</tbody>\n</table>')


def test_alignment_becomes_a_class_and_phone_labels_go():
    assert print_cells(MARKDOWN_TABLE) == (
        '<table><thead><tr><th></th><th class="align-right">Tickets</th>'
        '<th class="align-center">Share</th></tr></thead><tbody><tr>'
        '<td>First response</td><td class="align-right">13,296</td>'
        '<td class="x align-center">8%</td></tr></tbody></table>')
    # white space inside a cell is the cell's
    assert print_cells("<tr>\n<td> a\n b </td>\n</tr>") == "<tr><td> a\n b </td></tr>"
    # another style is not the Markdown's alignment: left as it is
    assert print_cells('<td style="text-align:right; color: red">1</td>') == '<td style="text-align:right; color: red">1</td>'
    assert print_cells("<thead><th>a</th>") == "<thead><th>a</th>"


def _alignments(html: str) -> list[tuple[str, str]]:
    page = _render(html, ROOT).pages[0]
    return [(box.element_tag, box.style["text_align_all"]) for box in page._page_box.descendants()
            if type(box).__name__ == "TableCellBox"]


def test_weasyprint_aligns_the_cells_as_their_style_attributes_did():
    shipped = (ROOT / "src" / "supportlens" / "templates" / "print" / "print.css").read_text()
    for sheet in (shipped, "td, th { text-align: left; }"):   # the shipped print style sheet, and a project's own
        before = _alignments(f"<style>{sheet}</style>{MARKDOWN_TABLE}")
        after = _alignments(f"<style>{CELL_ALIGNMENT_CSS}\n{sheet}</style>{print_cells(MARKDOWN_TABLE)}")
        assert after == before == [("th", "left"), ("th", "right"), ("th", "center"),
                                   ("td", "left"), ("td", "right"), ("td", "center")]


def _lines(html: str) -> list[str]:
    """The lines of each cell of a table squeezed into 1 mm (every break opportunity taken), under the shipped
    print style sheet."""
    shipped = (ROOT / "src" / "supportlens" / "templates" / "print" / "print.css").read_text()
    page = _render(f'<style>{shipped}</style><table style="width: 1mm"><tr>{html}</tr></table>', ROOT).pages[0]
    return ["".join(text.text for text in line.descendants() if type(text).__name__ == "TextBox")
            for line in page._page_box.descendants() if type(line).__name__ == "LineBox"]


def test_a_value_that_cannot_break_loses_its_span_and_breaks_nowhere_else():
    cells = ('<td><span class="nowrap">16.8%</span> <span class="nowrap">(14.2–19.7%)</span></td>'
             '<td><span class="nowrap">6.4\u00a0h</span></td><td><span class="nowrap">−1,234.5 pp ×2</span></td>'
             '<td><span class="nowrap">+0.31</span></td><td><span class="nowrap">a &amp; b</span></td>'
             '<td>High vs Low: <span class="nowrap">19.21</span></td>')
    assert print_cells(cells) == (
        '<td>16.8% <span class="nowrap">(14.2–19.7%)</span></td><td>6.4\u00a0h</td>'
        '<td><span class="nowrap">−1,234.5 pp ×2</span></td><td>+0.31</td><td><span class="nowrap">a &amp; b</span></td>'
        '<td>High vs Low: <span class="nowrap">19.21</span></td>')   # after words: shaped apart from them, as before
    # worked out by hand: the value and its interval on two lines, each whole; the rest on one line each
    assert _lines(print_cells(cells)) == _lines(cells) == [
        "16.8%", "(14.2–19.7%)", "6.4\u00a0h", "−1,234.5 pp ×2", "+0.31", "a & b", "High", "vs", "Low:", "19.21"]
