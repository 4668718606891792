"""Nothing a reader cannot act on (issue 13): no configuration keys, file paths, seed projects, simulator
classes or rule counts in the text of any page a reader sees, and no sentence built from a missing value.

The methodology page is written for the person who runs the tool and may name settings; every other site
page and the PDF may not."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from print_checks import visible_text

LEAKS = {
    "configuration key": re.compile(r"\b[a-z]+\.[a-z]+_[a-z_]+\b"),
    "config file": re.compile(r"\.ya?ml\b"),
    "source file": re.compile(r"\.py\b"),
    "source path": re.compile(r"\bsrc/"),
    "data path": re.compile(r"\.\./"),
    "simulator class": re.compile(r"SimulationSpec"),
    "seed project": re.compile(r"\bSeeds? 0\d\d", re.IGNORECASE),
    "rule count": re.compile(r"rules? fired"),
    "(s) plural": re.compile(r"\w\(s\)"),
    "plural of one": re.compile(r"(?<![\d.,])1 tickets\b"),
    "missing count": re.compile(r"— of "),
    "empty count": re.compile(r"\b0 of 0\b"),
}


def leaks(text: str) -> list[str]:
    found = []
    for name, pattern in LEAKS.items():
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 60):match.end() + 60]
            found.append(f"{name}: …{context}…")
    return found


def test_the_leak_patterns_catch_what_issue_13_saw():
    seen = [
        "Set escalations.change_date in supportlens.yml",
        "re-run with SimulationSpec(proactive_update_hours=8)",
        "names are published only when publish.allow_personal_data is true",
        "Seed 001 reported that long-standing customers were resolved more slowly",
        "canonical names (src/supportlens/canonical.py)",
        "(README of ../shared/data)",
        "7 rules fired on the findings",
        "1 dominant account(s)",
        "About 1 tickets a week",
        "— of 0 tickets",
    ]
    for sentence in seen:
        assert leaks(sentence), sentence
    clean = "About 11 tickets a week; 1 ticket pooled; 21 tickets; 0.1 tickets; 9.1% of 4,000 tickets (p 0.03)."
    assert leaks(clean) == []


def test_no_site_page_but_methodology_shows_internals(project: Path):
    pages = sorted((project / "_site").glob("*.html"))
    assert len(pages) > 5
    found = {page.name: leaks(visible_text(page.read_text())) for page in pages if page.name != "methodology.html"}
    found = {name: hits for name, hits in found.items() if hits}
    assert found == {}, "\n".join(f"{name}: {hit}" for name, hits in found.items() for hit in hits)


def pdf_reader_text(pdf: Path) -> str:
    """The text of a PDF a reader sees, without its methodology section (which may carry set-up hints, like the
    site's methodology page)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    headings = list(re.finditer(r"^\s*Methodology\s*$", text, re.MULTILINE))
    if headings:
        after = re.search(r"^\s*Glossary\s*$", text[headings[-1].end():], re.MULTILINE)
        text = text[:headings[-1].start()] + (text[headings[-1].end() + after.start():] if after else "")
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["report.pdf", "appendix.pdf"])
def test_the_pdfs_show_no_internals(project: Path, name: str):
    pdf = project / "_site" / name
    if not pdf.exists() or shutil.which("pdftotext") is None:
        pytest.skip("the build made no PDF here (no Chromium or WeasyPrint), or pdftotext is missing")
    text = pdf_reader_text(pdf)
    assert len(text) > 2000
    assert leaks(text) == [], "\n".join(leaks(text))
