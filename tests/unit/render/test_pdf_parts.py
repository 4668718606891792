"""A PDF of which only some parts changed (a printed page's template) lays out only those parts and puts their
pages in place of the old ones (render/pdf.py ``patched_pdf``): the result must read, link and look as the whole
document laid out again would, and a change that moves pages must lay out the whole document."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from supportlens.cache import BuildCache
from supportlens.render import pdf

pypdf = pytest.importorskip("pypdf")

# the print CSS's devices, small: page numbers of a total, running title and section strings, no header on the
# cover (:first), a contents list of target-counters, footnotes numbered through the document, a landscape page
CSS = """
@page { size: A6; margin: 18mm 12mm;
  @top-left { content: string(report-title); font-size: 7pt; }
  @top-right { content: string(section-title); font-size: 7pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 7pt; } }
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-right { content: none; } }
@page landscape { size: A6 landscape; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; }
.cover-title { string-set: report-title content(); }
h1.section-title { string-set: section-title content(); }
section.report-section { break-before: page; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
.footnote { float: footnote; font-size: 6pt; }
.wide { page: landscape; }
"""

WORDS = "Tickets waited for the second line while the queue grew and the breaches followed it. "


def _section(ident: str, title: str, paragraphs: int, footnotes: int, link: str, word: str = "first") -> str:
    body = [f'<h2 id="{ident}-detail">{title} in detail</h2>']
    for n in range(paragraphs):
        note = f'<span class="footnote">Note {ident} {n}.</span>' if n < footnotes else ""
        body.append(f"<p>The {word} paragraph {n}: {WORDS * 3}{note} See <a href=\"#{link}\">the other part</a>.</p>")
    return (f'<section class="report-section" id="section-{ident}">\n  <h1 class="section-title">{title}</h1>\n'
            + "\n".join(body) + "\n</section>\n")


def _document(middle: str) -> str:
    sections = [_section("sla", "SLA performance", 9, 2, "trends-detail"), middle,
                _section("trends", "Trends", 6, 1, "section-sla")
                + '<section class="report-section" id="section-wide">\n  <h1 class="section-title">Wide</h1>\n'
                  '<p class="wide">A landscape page.</p>\n</section>\n']
    toc = "".join(f'<li><a href="#section-{i}">{i}</a></li>' for i in ("sla", "drivers", "trends", "wide"))
    return (f"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Report</title>\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n<section class=\"cover\">\n"
            f"<h1 class=\"cover-title\">Support operations report</h1>\n<ul class=\"toc\">{toc}</ul>\n</section>\n"
            + "".join(sections) + "</body>\n</html>\n")


def _structure(path) -> dict:
    """What a reader of the PDF meets: each page's text and size, the named destinations, the outline, the links."""
    reader = pypdf.PdfReader(path)

    def outline(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from outline(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item), round(float(item.top), 1)

    links = [(n, [round(float(v), 1) for v in a.get_object()["/Rect"]], str(a.get_object().get("/Dest")))
             for n, page in enumerate(reader.pages) for a in page.get("/Annots") or []]
    return {"texts": [page.extract_text() for page in reader.pages],
            "sizes": [tuple(round(float(v)) for v in page.mediabox) for page in reader.pages],
            "names": {name: (reader.get_destination_page_number(d), round(float(d.top), 1))
                      for name, d in reader.named_destinations.items()},
            "outline": list(outline(reader.outline)), "links": links}


def _pixels(path, folder, stem) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(folder / stem)], check=True)
    return [p.read_bytes() for p in sorted(folder.glob(f"{stem}-*.png"))]


@pytest.fixture
def layouts(monkeypatch) -> list[int]:
    """The number of pages of every document WeasyPrint lays out."""
    laid_out: list[int] = []
    real = pdf._render

    def counted(html, base_dir):
        document = real(html, base_dir)
        laid_out.append(len(document.pages))
        return document

    monkeypatch.setattr(pdf, "_render", counted)
    return laid_out


def test_a_changed_part_is_laid_out_alone_and_reads_links_and_looks_as_the_whole_document(tmp_path, layouts):
    before = _document(_section("drivers", "Drivers", 7, 1, "sla-detail"))
    # the same words, one changed for another of the same width, and a changed link: the pages do not move
    after = _document(_section("drivers", "Drivers", 7, 1, "trends-detail", word="fresh"))
    pdf.write_pdf(before, tmp_path, tmp_path / "appendix.pdf", cache=BuildCache(tmp_path))
    whole = len(layouts)
    pdf.write_pdf(after, tmp_path, tmp_path / "appendix.pdf", cache=BuildCache(tmp_path))
    assert len(layouts) == whole + 1
    pdf.write_pdf(after, tmp_path, tmp_path / "whole.pdf")   # no cache: the whole document laid out
    patched, expected = _structure(tmp_path / "appendix.pdf"), _structure(tmp_path / "whole.pdf")
    assert len(expected["texts"]) >= 8 and "fresh paragraph" in "".join(expected["texts"])
    assert "Page 3 of" in expected["texts"][2] and any("Note trends 0." in t for t in expected["texts"])
    for part in ("texts", "sizes", "names", "outline", "links"):
        assert patched[part] == expected[part], part
    # the stubs stood in for the unchanged parts: the changed part's pages were the only ones laid out in full
    stubbed = pdf.split_parts(after)[1]
    assert [ident for ident, _ in stubbed] == ["section-sla", "section-drivers", "section-trends", "section-wide"]
    if shutil.which("pdftoppm"):
        assert _pixels(tmp_path / "appendix.pdf", tmp_path, "patched") == _pixels(tmp_path / "whole.pdf", tmp_path, "whole")


@pytest.mark.parametrize("change", ["more pages", "another footnote"])
def test_a_change_that_moves_pages_or_renumbers_footnotes_lays_out_the_whole_document(tmp_path, layouts, change):
    before = _document(_section("drivers", "Drivers", 7, 1, "sla-detail"))
    after = _document(_section("drivers", "Drivers", 16, 1, "sla-detail") if change == "more pages"
                      else _section("drivers", "Drivers", 7, 2, "sla-detail"))
    pdf.write_pdf(before, tmp_path, tmp_path / "appendix.pdf", cache=BuildCache(tmp_path))
    pdf.write_pdf(after, tmp_path, tmp_path / "appendix.pdf", cache=BuildCache(tmp_path))
    pdf.write_pdf(after, tmp_path, tmp_path / "whole.pdf")
    # the stubbed layout was tried and refused, then the whole document laid out
    assert len(layouts) == 4 and layouts[2] == layouts[3]
    assert layouts[3] > layouts[0] if change == "more pages" else layouts[1] == layouts[0] == layouts[3]
    patched, expected = _structure(tmp_path / "appendix.pdf"), _structure(tmp_path / "whole.pdf")
    assert patched == expected
    # the trends part's footnote is numbered after the drivers part's: 4, or 5 after another footnote
    numbers = [m[1] for t in expected["texts"] for m in re.finditer(r"(\d+)\.? ?Note trends 0\.", t)]
    assert numbers == (["5"] if change == "another footnote" else ["4"])
