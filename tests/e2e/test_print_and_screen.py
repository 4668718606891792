"""Print that holds up and a site that reads on any screen (issue 13, 5 and 7), on the built sample:
no chart text cut at the edge of its SVG, no page that ends before a third of its height unless it ends a section,
tables in one unit a column with intervals that read as intervals, no escaped Markdown, no doubled page title.
The browser's own checks (phone width, tiles a row, the toolbar) are in tests/browser/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from print_checks import (html_tables, pdf_page_texts, section_last_pages, short_pages, svg_browser, texts_outside_viewbox,
                          visible_text)
from supportlens.canonical import TABLES

pytestmark = pytest.mark.e2e


def _site_pages(project: Path) -> list[Path]:
    return sorted(p for p in (project / "_site").glob("*.html") if p.name != "404.html")


def test_every_text_of_every_static_chart_lies_inside_its_svg(project):
    figures = sorted((project / "report" / "figures").glob("*.svg"))
    assert len(figures) > 20
    with svg_browser() as browser:
        cut = texts_outside_viewbox(figures, browser)
    assert cut == {}, "text cut at the edge of a printed chart:\n" + "\n".join(f"{k}: {v}" for k, v in cut.items())


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_no_page_ends_before_a_third_of_its_height_unless_it_ends_a_section(project):
    pdfs = sorted((project / "_site").glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        short = short_pages(pdf, section_last_pages(pdf))
        assert short == [], f"{pdf.name}: pages ending early (page, share of the page inked): {short}"


ESCAPED = re.compile(r"\\[\\`*_{}\[\]()#+\-.!|<>]")


def test_no_page_shows_escaped_markdown(project):
    for page in _site_pages(project):
        text = visible_text(page.read_text(encoding="utf-8"))
        assert not ESCAPED.findall(text), f"{page.name}: {ESCAPED.findall(text)[:5]}"


def test_no_page_title_repeats_itself(project):
    for page in _site_pages(project):
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1)
        parts = [p.strip() for p in title.split("–")]
        assert len(parts) == len(set(parts)), f"{page.name}: {title!r}"


UNIT = re.compile(r"\d(?:\s|\u00a0)?(min|h|days?)\b")
DEGENERATE = re.compile(r"(\d[\d.,]*)\s?(%|min|h|days)?\s?\(\1\s?\2?–\1\s?\2?\)")
INTERVAL = re.compile(r"\(\s*[−+-]?\d[^()]*(?:–| to )[^()]*\)")


def test_tables_read_in_one_unit_a_column_without_empty_or_degenerate_cells(project):
    problems = []
    for page in _site_pages(project):
        for table in html_tables(page.read_text(encoding="utf-8")):
            header, body = table[0], table[1:]
            if not body:
                continue
            for col in range(len(header)):
                cells = [row[col] for row in body if col < len(row)]
                name = f"{page.name} · {header[col][0]!r}"
                units = {u.rstrip("s") for text, _ in cells for u in UNIT.findall(text)}
                if len(units) > 1:
                    problems.append(f"{name}: mixed units {sorted(units)}")
                if len(cells) > 1 and all(text in ("—", "") for text, _ in cells):
                    problems.append(f"{name}: every cell empty")
                for text, raw in cells:
                    if DEGENERATE.search(text):
                        problems.append(f"{name}: degenerate interval {text!r}")
                    if re.match(r"[−+×-]?\d", text) and INTERVAL.search(text) and "nowrap" not in raw:   # a value's interval
                        problems.append(f"{name}: interval may wrap {text!r}")
            durations = [col for col in range(1, len(header)) if any(UNIT.search(row[col][0]) for row in body if col < len(row))]
            for i, a in enumerate(durations):
                for b in durations[i + 1:]:
                    if len(body) > 1 and [row[a][0] for row in body] == [row[b][0] for row in body]:
                        problems.append(f"{page.name}: columns {header[a][0]!r} and {header[b][0]!r} are identical")
    assert problems == [], "\n".join(problems[:30])


# what an analyst would have to ask about: a standard column's internal name, a configuration key, a file name or path
COLUMN_NAMES = sorted({c for columns in TABLES.values() for c in columns if "_" in c}, key=len, reverse=True)
CONFIG_KEY = re.compile(r"\b(?:data|sla|publish|escalations|workload|costs|recommendations|render|period|segments|"
                        r"findings|risk|staffing|accounts|trends)\.[a-z_]+\b")
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|json|ya?ml|parquet|xlsx|py)\b|(?:^|\s)/[\w.-]+/[\w./-]+")


def _appendix_text(project: Path) -> str:
    """The appendix's text but the methodology's set-up hints, written for the person who runs the tool
    (issue 13, 4: they may name configuration keys and files)."""
    text = "\n".join(pdf_page_texts(project / "_site" / "appendix.pdf"))
    start, end = text.find("Setting up this report"), text.find("Provenance", text.find("Setting up this report"))
    assert 0 <= start < end, "the methodology's set-up section is where the test expects it"
    return text[:start] + text[end:]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_appendix_names_no_column_configuration_key_or_file(project):
    text = _appendix_text(project)
    found = [c for c in COLUMN_NAMES if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w])", text)]
    found += CONFIG_KEY.findall(text) + [m.group(0).strip() for m in FILE_NAME.finditer(text)]
    assert found == [], f"appendix.pdf names what a reader would have to ask about: {sorted(set(found))[:20]}"
