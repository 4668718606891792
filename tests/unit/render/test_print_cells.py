"""A printed table's cells (render/pdf.py ``print_cells``): a column's alignment moves from each cell's style
attribute to a class the PDF's style sheet aligns by, and the site's phone labels (``data-label``) are left out;
WeasyPrint aligns the cells as before, also under a project's own print style sheet."""

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
        '<table>\n<thead>\n<tr>\n<th></th>\n<th class="align-right">Tickets</th>\n'
        '<th class="align-center">Share</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
        '<td>First response</td>\n<td class="align-right">13,296</td>\n'
        '<td class="x align-center">8%</td>\n</tr>\n</tbody>\n</table>')
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
