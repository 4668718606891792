"""Charts too tall for a PDF page are printed in consecutive parts: nothing lost, nothing repeated, each part fits."""

from __future__ import annotations

import json
import re

import pytest

from supportlens.charts import build_charts
from supportlens.charts.drivers import PRINT_PART_HEIGHT, _print_parts


def test_parts_are_consecutive_and_no_taller_than_the_limit():
    rows = [300, 300, 200, 500, 900, 100]          # heights of the rows of a chart, px
    parts = _print_parts(rows, sum)
    assert parts == [[300, 300], [200, 500], [900], [100]]  # worked out by hand for a 760 px limit
    assert PRINT_PART_HEIGHT == 760


@pytest.fixture(scope="module")
def charts(project):
    return build_charts(json.loads((project / "report" / "context.json").read_text()))


@pytest.mark.parametrize("chart_id", ["breach_by_segment", "resolution_by_segment"])
def test_segment_panels_are_split_without_loss(charts, chart_id):
    chart = charts[chart_id]
    assert len(chart.print_parts) >= 2, "ten dimensions do not fit one page"

    def panels(figure):
        return [a.text for a in figure.layout.annotations]

    printed = [title for part in chart.print_parts for title in panels(part)]
    assert printed == panels(chart.figure)   # every dimension once, in the site's order
    for part in chart.print_parts:
        assert part.layout.height <= PRINT_PART_HEIGHT or len(panels(part)) <= 2  # one row may stand alone


def _model(segments_per_dimension: list[int]) -> dict:
    """A logistic-model result with ``n`` segments in each dimension, odds ratios from 0.5 to 12."""
    dimensions, odds = [], []
    for d, n in enumerate(segments_per_dimension):
        dimensions.append({"dimension": f"dim{d}", "label": f"Dimension {d}", "significant": True})
        for s in range(n):
            ratio = 0.5 + s * 0.5
            odds.append({"dimension": f"dim{d}", "segment": f"seg{s}", "reference": "base", "odds_ratio": ratio,
                         "ci_low": ratio / 1.5, "ci_high": ratio * 1.5, "p_value": 0.01, "adjusted_p": 0.02,
                         "significant": True})
    # every dimension is significant: the forest plot shows every odds ratio (decided in analysis)
    return {"diagnostics": {"model": {"dimensions": dimensions, "odds_ratios": odds,
                                      "odds_ratios_shown": list(range(len(odds)))}}}


def test_forest_plot_parts_keep_every_segment_on_one_axis():
    from supportlens.charts.drivers import breach_odds_ratios

    chart = breach_odds_ratios(_model([3, 4, 24, 8, 23]))   # 62 rows: about 1,290 px on one page
    assert len(chart.print_parts) >= 2
    dimensions = [{label.split(":")[0] for label in part.data[0].y} for part in chart.print_parts]
    assert sum(len(d) for d in dimensions) == 5, "a dimension is cut across two parts"
    rows = [label for part in chart.print_parts for label in part.data[0].y]
    assert rows == list(chart.figure.data[0].y)
    ranges = {tuple(part.layout.xaxis.range) for part in chart.print_parts}
    assert len(ranges) == 1, "the parts must share one odds-ratio axis"
    low, high = next(iter(ranges))
    xs = [x for part in chart.print_parts for x in part.data[0].x]
    assert 10 ** low < min(xs) and max(xs) < 10 ** high


def test_the_pdf_prints_each_part(project, charts):
    figures = project / "report" / "figures"
    html = "\n".join(path.read_text() for path in project.glob("*.qmd"))
    for chart in charts.values():
        if not chart.print_parts:
            continue
        for n in range(1, len(chart.print_parts) + 1):
            svg = figures / f"{chart.id}-{n}.svg"
            assert svg.stat().st_size > 1000, f"{svg.name} missing or empty"
        # the site keeps the one interactive figure
        assert re.search(rf'id="chart-{chart.id}"', html)


def test_wide_charts_get_a_landscape_page(project, charts):
    from pypdf import PdfReader

    wide = [chart for chart in charts.values() if chart.wide]
    assert wide, "the hour-of-week staffing chart is printed wide"
    landscape = [page.extract_text() for name in ("report.pdf", "appendix.pdf")
                 for page in PdfReader(project / "_site" / name).pages if page.mediabox.width > page.mediabox.height]
    for chart in wide:
        assert any(chart.title in text for text in landscape), f"{chart.id} is not on a landscape page"
    assert len(landscape) <= len(wide) * 2, "only the wide charts (and what follows them on that page) turn the page"


@pytest.mark.parametrize("name", ["report.pdf", "appendix.pdf"])
def test_links_in_the_pdf_stay_inside_it(project, name):
    """A link to another page of the site becomes a link to that section of the PDF; nothing points at a local file."""
    from pypdf import PdfReader

    reader = PdfReader(project / "_site" / name)
    internal, external = 0, []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            action = link.get("/A")
            if action is not None and "/URI" in action:
                external.append(str(action["/URI"]))
            elif "/Dest" in link or (action is not None and "/D" in action):
                internal += 1
    assert internal >= 10, "the contents and the cross-references link inside the PDF"
    assert not [uri for uri in external if not uri.startswith(("http://", "https://"))], external


@pytest.mark.parametrize("document", ["report", "appendix"])
def test_every_internal_link_of_the_pdf_has_its_target(project, charts, document):
    from supportlens.render.pages import render_pages
    from supportlens.render.pdf import PRINTED, print_html

    context = json.loads((project / "report" / "context.json").read_text())
    html = print_html(context, render_pages(context, charts, project, flavour="print", pages=PRINTED), project, document)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    # at least the contents: one link to each section of the document (the board pack: the summary and eight spreads)
    sections = {f"section-{page.id}" for page in PRINTED if f'id="section-{page.id}"' in html}
    assert len(sections) >= (9 if document == "report" else 5) and sections <= targets
    assert targets <= ids, sorted(targets - ids)
    assert not re.search(r'href="[a-z_]+\.html', html), "a link to a site page is left in the PDF"


def test_the_executive_summary_is_one_page(project):
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(project / "_site" / "report.pdf").pages]
    assert pages[1].lstrip().startswith("Summary") and "Decisions for the board" in pages[1]
    assert "SLA performance" in pages[2][:200], "the summary runs over onto a second page"
