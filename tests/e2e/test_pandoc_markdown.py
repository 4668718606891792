"""The pages' Markdown means the same to Pandoc as to the builtin engine.

Quarto reads the pages (``<page>.qmd`` at the project root) with Pandoc's Markdown reader. Quarto itself cannot be installed
everywhere (test_quarto_engine.py runs where it is on PATH), but Pandoc can: the
``pypandoc-binary`` wheel carries a Pandoc 3 binary, the generation Quarto 1.4+ bundles. Each
page rendered by Pandoc must have the same headings (ids and text), the same table cells and the
same chart ids as the builtin engine's page. This catches Markdown that only markdown-it reads
one way: a table that Pandoc sees as a paragraph, a heading id written where Pandoc wants none.
"""

from __future__ import annotations

import html
import re

import pytest

from supportlens.pages import PAGES

pypandoc = pytest.importorskip("pypandoc", reason="pypandoc-binary (a dev dependency) is not installed")
pytestmark = pytest.mark.e2e


def _text(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    # Pandoc's 'smart' extension (on in Quarto) curls quotes; the builtin engine keeps them straight
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')).strip()


def structure(page_html: str) -> dict:
    return {
        "headings": [(id_, _text(body)) for id_, body in re.findall(r'<h[23][^>]*\bid="([^"]+)"[^>]*>(.*?)</h[23]>',
                                                                    page_html, re.S)],
        "cells": [_text(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page_html, re.S)],
        "charts": re.findall(r'data-chart-id="([^"]+)"', page_html),
    }


@pytest.mark.parametrize("page", [p.id for p in PAGES])
def test_pandoc_reads_each_page_as_the_builtin_engine_does(project, page):
    qmd = (project / f"{page}.qmd").read_text()
    by_pandoc = structure(pypandoc.convert_text(qmd, "html", format="markdown"))
    site = (project / "_site" / f"{page}.html").read_text()
    by_builtin = structure(site[site.index("<main"):site.index("</main>")])
    assert by_builtin["headings"] or page == "explorer", "nothing to compare"
    assert by_pandoc["charts"] == by_builtin["charts"]
    assert by_pandoc["cells"] == by_builtin["cells"]
    assert by_pandoc["headings"] == by_builtin["headings"]
