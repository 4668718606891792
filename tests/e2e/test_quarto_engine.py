"""Quarto and the builtin engine render the same pages: same headings, tables and chart ids.

Runs only where Quarto (1.4+) is on PATH; Quarto is optional and external.
"""

from __future__ import annotations

import re
import shutil

import pytest

from supportlens.pages import PAGES

from support import run_cli

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH (it is optional)")]


def structure(html: str) -> dict:
    return {
        "headings": re.findall(r'<h[23][^>]*\bid="([^"]+)"', html),
        "tables": html.count("<table"),
        "charts": re.findall(r'data-chart-id="([^"]+)"', html),
    }


def test_quarto_and_builtin_render_the_same_pages(project, tmp_path):
    quarto = tmp_path / "quarto"
    shutil.copytree(project, quarto, ignore=shutil.ignore_patterns("_site", "report"))
    result = run_cli("build", "--engine", "quarto", "--no-pdf", cwd=quarto)
    assert result.returncode == 0, result.stderr
    for page in PAGES:
        builtin = structure((project / "_site" / f"{page.id}.html").read_text())
        rendered = structure((quarto / "_site" / f"{page.id}.html").read_text())
        assert rendered["charts"] == builtin["charts"], page.id
        assert rendered["tables"] == builtin["tables"], page.id
        assert set(builtin["headings"]) <= set(rendered["headings"]), page.id
    assert (quarto / "_site" / "plotly.min.js").exists()
