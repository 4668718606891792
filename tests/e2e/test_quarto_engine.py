"""Quarto and the builtin engine render the same pages: same headings, tables and chart ids, whether supportlens
runs Quarto (`--engine quarto`) or a Quarto user runs a bare `quarto render` in the project root.

Runs only where Quarto (1.4+) is on PATH; Quarto is optional and external. Where Quarto must be there (the
Pages workflow, `make test-quarto`), SUPPORTLENS_REQUIRE_QUARTO=1 turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from supportlens.pages import PAGES

from support import run_cli

REQUIRED = os.environ.get("SUPPORTLENS_REQUIRE_QUARTO") == "1"
pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("quarto") is None and not REQUIRED,
                                 reason="quarto is not on PATH (it is optional)")]


def test_quarto_is_on_path():
    assert shutil.which("quarto"), "SUPPORTLENS_REQUIRE_QUARTO=1 but quarto is not on PATH"


def structure(html: str) -> dict:
    return {
        "headings": re.findall(r'<h[23][^>]*\bid="([^"]+)"', html),
        "tables": html.count("<table"),
        "charts": re.findall(r'data-chart-id="([^"]+)"', html),
    }


def assert_same_pages(builtin_site, rendered_site) -> None:
    """Every page Quarto rendered has the builtin page's charts and tables, and at least its headings."""
    for page in PAGES:
        builtin = structure((builtin_site / f"{page.id}.html").read_text())
        rendered = structure((rendered_site / f"{page.id}.html").read_text())
        assert rendered["charts"] == builtin["charts"], page.id
        assert rendered["tables"] == builtin["tables"], page.id
        assert set(builtin["headings"]) <= set(rendered["headings"]), page.id


def test_quarto_and_builtin_render_the_same_pages(project, tmp_path):
    quarto = tmp_path / "quarto"
    shutil.copytree(project, quarto, ignore=shutil.ignore_patterns("_site", "report"))
    result = run_cli("build", "--engine", "quarto", "--no-pdf", cwd=quarto)
    assert result.returncode == 0, result.stderr
    assert_same_pages(project / "_site", quarto / "_site")
    assert (quarto / "_site" / "plotly.min.js").exists()


def test_a_bare_quarto_render_in_the_project_root_builds_the_same_site(project, tmp_path):
    """What a Quarto user runs after a build: `quarto render` in the project root, no argument."""
    folder = tmp_path / "bare"
    shutil.copytree(project, folder, ignore=shutil.ignore_patterns("_site"))
    result = subprocess.run(["quarto", "render"], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert_same_pages(project / "_site", folder / "_site")
    for shared in ("plotly.min.js", "assets/site.css", "assets/charts.js", "assets/explorer.js", "404.html",
                   "report.pdf", "downloads/context.json"):
        assert (folder / "_site" / shared).read_bytes() == (project / "_site" / shared).read_bytes(), shared
    assert "assets/site.css" in (folder / "_site" / "index.html").read_text()   # the stylesheet is linked
