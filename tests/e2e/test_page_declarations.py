"""The built site shows each chart on the page that declares it (supportlens/pages.py), including the charts
whose id a template builds at render time, which tests/unit/test_pages.py cannot see in the template's text."""

from __future__ import annotations

import json
import re

import pytest

from supportlens.charts import build_charts
from supportlens.pages import CHART_PAGE, PAGES

pytestmark = pytest.mark.e2e


def test_each_page_shows_exactly_the_built_charts_it_declares(project):
    site = project / "_site"
    built = {path.stem for path in (site / "downloads").glob("*.csv")} - {"kpis"}
    assert len(built) > 30
    for page in PAGES:
        html = (site / f"{page.id}.html").read_text(encoding="utf-8")
        shown = re.findall(r'data-chart-id="([^"]+)"', html)
        assert len(shown) == len(set(shown)), page.id
        # a chart whose values are all zero stands as a note linking its CSV instead of a figure
        noted = set(re.findall(r'href="downloads/([a-z0-9_]+)\.csv"', html)) if page.id != "downloads" else set()
        # every chart it shows is declared; every declared chart that was built is shown
        assert set(shown) <= set(page.charts), page.id
        assert set(page.charts) & built <= set(shown) | noted, page.id


def test_the_charts_name_the_page_that_declares_them(project):
    context = json.loads((project / "report" / "context.json").read_text(encoding="utf-8"))
    charts = build_charts(context)
    assert {chart_id: chart.page for chart_id, chart in charts.items()} == {chart_id: CHART_PAGE[chart_id] for chart_id in charts}
