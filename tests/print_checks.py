"""Checks of printed output shared by the tests: text cut off a chart's SVG, pages that end too early.

Both look at what a reader sees: the SVG as a browser lays it out, the PDF page as pdftoppm renders it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@contextmanager
def svg_browser() -> Iterator:
    """A headless Chromium (through Playwright) to measure printed charts' SVG in; skips the test without them."""
    import pytest

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()

# every <text> of the SVG with words in it, its box in the SVG's user units, and the viewBox
_TEXT_BOXES = """
() => {
  const svg = document.querySelector('svg');
  const [vx, vy, vw, vh] = (svg.getAttribute('viewBox') || `0 0 ${svg.getAttribute('width')} ${svg.getAttribute('height')}`)
    .split(/[ ,]+/).map(Number);
  const outer = svg.getBoundingClientRect();
  const scale = outer.width / vw;
  const found = [];
  for (const text of svg.querySelectorAll('text')) {
    const words = text.textContent.trim();
    const style = getComputedStyle(text);
    if (!words || style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
    const box = text.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    found.push({words, left: vx + (box.left - outer.left) / scale, top: vy + (box.top - outer.top) / scale,
                right: vx + (box.right - outer.left) / scale, bottom: vy + (box.bottom - outer.top) / scale});
  }
  return {view: [vx, vy, vw, vh], texts: found};
}
"""


def texts_outside_viewbox(svg_paths: list[Path], browser, tolerance: float = 0.5) -> dict[str, list[str]]:
    """For each SVG, the words of every text element whose box reaches outside the viewBox (by more than
    ``tolerance`` user units), with the side it leaves by. ``browser`` is a Playwright browser."""
    problems: dict[str, list[str]] = {}
    page = browser.new_page()
    try:
        for path in svg_paths:
            page.goto(path.resolve().as_uri())
            result = page.evaluate(_TEXT_BOXES)
            vx, vy, vw, vh = result["view"]
            cut = []
            for t in result["texts"]:
                sides = [side for side, out in (("left", t["left"] < vx - tolerance), ("top", t["top"] < vy - tolerance),
                                                 ("right", t["right"] > vx + vw + tolerance),
                                                 ("bottom", t["bottom"] > vy + vh + tolerance)) if out]
                if sides:
                    cut.append(f"{t['words']!r} leaves by the {'/'.join(sides)}")
            if cut:
                problems[path.name] = cut
    finally:
        page.close()
    return problems


# every <text> with words and its box (as in _TEXT_BOXES), and whether it covers a filled link of a Sankey
_TEXT_OVER_LINKS = """
() => {
  const svg = document.querySelector('svg');
  const links = [...svg.querySelectorAll('.sankey-link')];
  const found = [];
  for (const text of svg.querySelectorAll('text')) {
    const words = text.textContent.trim();
    if (!words || getComputedStyle(text).display === 'none') continue;
    const box = text.getBBox();
    if (box.width === 0 && box.height === 0) continue;
    const m = text.getCTM();
    const corners = [[box.x, box.y], [box.x + box.width, box.y], [box.x, box.y + box.height],
                     [box.x + box.width, box.y + box.height], [box.x + box.width / 2, box.y + box.height / 2]]
      .map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    const xs = corners.map(p => p.x), ys = corners.map(p => p.y);
    const crossed = links.some(link => {
      const inverse = link.getCTM().inverse();
      return corners.some(p => {
        const q = p.matrixTransform(inverse);
        return link.isPointInFill(new DOMPoint(q.x, q.y));
      });
    });
    found.push({words, left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys), crossed});
  }
  return found;
}
"""


def crowded_texts(svg: Path, browser) -> list[str]:
    """What a reader cannot read in a chart's SVG as a browser lays it out: two text elements whose boxes overlap,
    and a text with a corner or its centre on a link of a Sankey. ``browser`` is a Playwright browser."""
    page = browser.new_page()
    try:
        page.goto(svg.resolve().as_uri())
        texts = page.evaluate(_TEXT_OVER_LINKS)
    finally:
        page.close()
    problems = [f"{t['words']!r} lies on a link" for t in texts if t["crossed"]]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                problems.append(f"{a['words']!r} overlaps {b['words']!r}")
    return problems


def ink_depths(pdf: Path, resolution: int = 50) -> list[float]:
    """For each page of ``pdf``, where its ink ends: the lowest non-white row of the body (running header and
    footer left out) as a share 0–1 of the body's height, from a pdftoppm render at ``resolution`` dpi."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="supportlens-pages-") as folder:
        subprocess.run(["pdftoppm", "-r", str(resolution), "-gray", "-png", str(pdf), f"{folder}/page"], check=True)
        depths = []
        for image_path in sorted(Path(folder).glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            image = Image.open(image_path).convert("L")
            width, height = image.size
            # the body of an A4 page with 22 mm / 20 mm margins (portrait) or the same margins landscape;
            # the running header and footer sit in the margins and are left out
            top, bottom = round(height * 22 / 297) if height > width else round(height * 22 / 210), \
                height - (round(height * 20 / 297) if height > width else round(height * 20 / 210))
            ink = None
            pixels = image.load()
            for y in range(bottom - 1, top - 1, -1):
                if any(pixels[x, y] < 200 for x in range(0, width, 1)):
                    ink = y
                    break
            depths.append(0.0 if ink is None else (ink - top + 1) / (bottom - top))
        return depths


def pdf_page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext, layout kept)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def short_pages(pdf: Path, last_pages: set[int], fraction: float = 1 / 3, first_page: int = 1) -> list[tuple[int, float]]:
    """(page number, ink depth) of each page whose ink ends before ``fraction`` of its body and that is not the
    last page of a section (``last_pages``, numbered from 1) nor among the first ``first_page`` pages (the cover)."""
    return [(n, depth) for n, depth in enumerate(ink_depths(pdf), start=1)
            if n > first_page and n not in last_pages and depth < fraction]


def section_last_pages(pdf: Path) -> set[int]:
    """The pages (from 1) that end a section: the last page, and each page whose running header (the section's
    title, top right) differs from the next page's. The cover has no header and counts as its own section."""
    headers = []
    for text in pdf_page_texts(pdf):
        lines = [line for line in text.splitlines() if line.strip()]
        first = lines[0].strip() if lines else ""
        headers.append(first.split("  ")[-1].strip() if "  " in first else first)
    return {n for n in range(1, len(headers) + 1) if n == len(headers) or headers[n - 1] != headers[n]}


def visible_text(html: str) -> str:
    """The text a reader sees on a page: everything outside <script>, <style> and <head>."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style", "head")

        def handle_endtag(self, tag):
            if tag in ("script", "style", "head") and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def html_tables(html: str) -> list[list[list[tuple[str, str]]]]:
    """Each table of a page's text as rows of cells, each cell (its text, its inner HTML); the header row first.
    The data behind a chart (``div.chart-table``, the first rows of its CSV under a fold) is not a table of the text."""
    html = re.sub(r'<div class="chart-table">.*?</div>', "", html, flags=re.S)
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tables: list[list[list[tuple[str, str]]]] = []
            self.cell: list[str] | None = None
            self.raw: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr" and self.tables:
                self.tables[-1].append([])
            elif tag in ("td", "th") and self.tables:
                self.cell, self.raw = [], []
            elif self.cell is not None:
                self.raw.append(self.get_starttag_text() or "")

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].append((" ".join("".join(self.cell).split()), "".join(self.raw)))
                self.cell = None
            elif self.cell is not None:
                self.raw.append(f"</{tag}>")

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)
                self.raw.append(data)

    parser = Tables()
    parser.feed(html)
    return [table for table in parser.tables if table]


_PERCENT_TICK = re.compile(r">\s*(\d+(?:\.\d+)?)%\s*<")


def percent_labels_over_100(svg_paths: list[Path]) -> dict[str, list[str]]:
    """For each SVG, its text labels that read a percentage above 100% (a rate axis padded past what any rate can
    reach: '110%', '120%')."""
    found: dict[str, list[str]] = {}
    for path in svg_paths:
        over = [f"{v}%" for v in _PERCENT_TICK.findall(path.read_text(encoding="utf-8")) if float(v) > 100]
        if over:
            found[path.name] = over
    return found


# what a reader of the board pack should never meet: a coded label quoted as a name ('Value 3'), a section that only
# says it has no data, a statistical test in the running text (tests go to footnotes and the appendix)
BOARD_PACK_DEFECTS = {
    "coded label": re.compile(r"\bValue \d+\b"),
    "section without data": re.compile(r"not available|Not shown|This page needs|needs data this export does not have"
                                       r"|enough observations to be ranked"),
    "test in the text": re.compile(r"Chi-square test of|Wald χ²|Log-rank test of"),
    "ratio across priority targets": re.compile(r"\b(?:Critical|High|Normal|Low) tickets breach the [\w-]+ target "
                                                r"[\d.]+× as often"),
}


def board_pack_defects(page_texts: list[str]) -> dict[str, list[str]]:
    """Each defect class of ``BOARD_PACK_DEFECTS`` found in the pages' text, with the page (from 1) and the words."""
    found: dict[str, list[str]] = {}
    for number, text in enumerate(page_texts, start=1):
        flat = " ".join(text.split())
        for name, pattern in BOARD_PACK_DEFECTS.items():
            for match in pattern.finditer(flat):
                found.setdefault(name, []).append(f"page {number}: {flat[max(0, match.start() - 60):match.end() + 40]}")
    return found
