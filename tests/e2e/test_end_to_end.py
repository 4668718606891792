"""End to end: simulate a small organisation, build site and PDF through the CLI, and check them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from supportlens.charts.base import COLOUR_KEY
from supportlens.formatting import fmt_value
from supportlens.pages import PAGES
from supportlens.render.site import PLOTLY_BUNDLE

from support import run_cli

pytestmark = pytest.mark.e2e


def context_of(project: Path) -> dict:
    return json.loads((project / "report" / "context.json").read_text())


def test_every_page_is_built_with_navbar_and_shared_plotly(project):
    site = project / "_site"
    for page in PAGES:
        html = (site / f"{page.id}.html").read_text()
        for other in PAGES:
            assert f'href="{other.id}.html"' in html
        assert '<script src="plotly.min.js" defer></script>\n<script src="assets/charts.js" defer></script>' in html
        assert "cdn" not in html.lower()
    assert (site / "plotly.min.js").read_bytes() == PLOTLY_BUNDLE.read_bytes()   # the vendored partial bundle
    assert (site / "assets" / "charts.js").exists()
    assert (site / "report.pdf").exists() and (site / "downloads" / "context.json").exists()


def test_every_chart_has_data(project):
    site = project / "_site"
    charts = 0
    for page in PAGES:
        html = (site / f"{page.id}.html").read_text()
        for payload in re.findall(r'<script type="application/json" class="chart-spec" data-chart="[^"]+">(.*?)</script>', html):
            figure = json.loads(payload)
            assert figure["data"], "a chart without traces"
            for trace in figure["data"]:
                if trace.get("legendgroup") == COLOUR_KEY:   # a legend-only square saying what a colour means
                    assert trace.get("showlegend", True) and not [v for v in trace.get("y", []) if v is not None]
                    continue
                # a Sankey carries its numbers in its links
                data = trace.get("y") or trace.get("link", {}).get("value", [])
                values = [v for v in data if v is not None]
                assert values, f"trace {trace.get('name')} has no values"
            charts += 1
    assert charts >= 4


def test_context_is_valid_and_has_provenance(project):
    context = context_of(project)
    assert context["schema_version"] == "1.0"
    tables = {s["table"]: s for s in context["provenance"]["inputs"]}
    assert tables["tickets"]["rows"] == 4000 and len(tables["tickets"]["sha256"]) == 64
    assert context["provenance"]["versions"]["supportlens"]


def test_pdf_holds_the_headline_numbers(project):
    context = context_of(project)
    reader = PdfReader(project / "_site" / "report.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    appendix = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(project / "_site" / "appendix.pdf").pages))
    for kpi in context["kpis"]:   # the summary's table holds the headline KPIs; their companions (p90, % satisfied) sit
        shown = fmt_value(kpi["value"], kpi["unit"])   # with the SLA durations, in the appendix
        if kpi["id"] == "solved_without_reply_rate":   # stated on the site's tiles only
            continue
        assert shown in (appendix if kpi["companion"] else text), kpi["id"]
    assert "Page 2 of" in text
    assert context["report"]["period"]["label"] in text
    assert len(reader.pages) >= 5


@pytest.mark.parametrize("name", ["report.pdf", "appendix.pdf"])
def test_pdf_pages_are_neither_blank_nor_overflowing(project, tmp_path, name):
    """Every page has content, and nothing runs into the side margins (18 mm) or down into the footer."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image, ImageStat

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(project / "_site" / name), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert pages
    for png in pages:
        image = Image.open(png).convert("L")
        assert ImageStat.Stat(image).stddev[0] > 5, f"{png.name} looks blank"
        width, height = image.size
        mm = width / (297 if width > height else 210)
        top, bottom = int(25 * mm), int(height - 22 * mm)
        for left in (0, int(width - 16 * mm)):
            margin = image.crop((left, top, left + int(16 * mm), bottom))
            if png.name.endswith("-01.png") or png.name.endswith("-1.png"):
                continue  # the cover's colour bar sits in the margin by design
            assert margin.getextrema()[0] > 200, f"{png.name}: something runs into the margin"
        # between the content area (ends 20 mm above the page bottom) and the footer text
        above_footer = image.crop((0, int(height - 19.5 * mm), width, int(height - 16.5 * mm)))
        assert above_footer.getextrema()[0] > 200, f"{png.name}: something runs into the footer"


def test_same_inputs_give_identical_context(project, tmp_path):
    first = (project / "report" / "context.json").read_bytes()
    copy = tmp_path / "again"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("report", "_site"))
    again = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=copy)
    assert again.returncode == 0, again.stderr
    assert (copy / "report" / "context.json").read_bytes() == first
    assert "Built _site/index.html" in again.stdout
    # run once more with nothing changed: the build says so and leaves the outputs as they are
    site_before = (copy / "_site" / "index.html").stat().st_mtime_ns
    third = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=copy)
    assert third.returncode == 0, third.stderr
    assert "Up to date: _site/index.html" in third.stdout and "Built" not in third.stdout
    assert (copy / "_site" / "index.html").stat().st_mtime_ns == site_before


@pytest.mark.parametrize("breakage, message", [
    ("config", "unknown key 'colour'"),
    ("no_tickets", "not found"),
    ("missing_column", "required column 'created_at'"),
    ("garbage_timestamps", "not timestamps"),
    ("empty", "is empty"),
])
def test_bad_input_fails_clearly_and_keeps_the_previous_site(project, tmp_path, breakage, message):
    broken = tmp_path / "broken"
    shutil.copytree(project, broken, ignore=shutil.ignore_patterns("report"))
    before = (broken / "_site" / "index.html").read_bytes()
    tickets = broken / "data" / "sample" / "tickets.csv"
    if breakage == "config":
        (broken / "supportlens.yml").write_text("colour: blue\n")
    elif breakage == "no_tickets":
        tickets.unlink()
    elif breakage == "missing_column":
        lines = tickets.read_text().splitlines()
        header = lines[0].split(",")
        col = header.index("created_at")
        tickets.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != col) for line in lines) + "\n")
    elif breakage == "garbage_timestamps":
        text = tickets.read_text()
        tickets.write_text(re.sub(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", "soon", text))
    elif breakage == "empty":
        tickets.write_text("")
    result = run_cli("build", "--engine", "builtin", cwd=broken)
    assert result.returncode == 1   # a runtime error: bad input (2 is for usage errors)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert (broken / "_site" / "index.html").read_bytes() == before
