"""report/_quarto.yml, written by the build from the page declarations, renders the same pages in the same
menus as the builtin engine; the repository keeps no hand-written copy."""

from __future__ import annotations

import json

import pytest
import yaml

from supportlens.pages import PAGES
from supportlens.render.site import quarto_project
from support import ROOT

pytestmark = pytest.mark.e2e


def declared_navbar() -> list:
    """The navbar as the declarations say it, worked out here without supportlens's navbar():
    a page without a group is a link; a group is one menu, where its first page stands."""
    entries: list = []
    for page in PAGES:
        if not page.group:
            entries.append((f"{page.id}.qmd", page.nav))
            continue
        menu = next((e for e in entries if e[0] == page.group), None)
        if menu is None:
            entries.append((page.group, []))
            menu = entries[-1]
        menu[1].append((f"{page.id}.qmd", page.nav))
    return entries


def quarto_navbar(project: dict) -> list:
    found = []
    for item in project["website"]["navbar"]["left"]:
        if "menu" in item:
            found.append((item["text"], [(m["href"], m["text"]) for m in item["menu"]]))
        else:
            found.append((item["href"], item["text"]))
    return found


def test_the_build_writes_the_quarto_project_beside_the_pages(project):
    path = project / "report" / "_quarto.yml"
    settings = yaml.safe_load(path.read_text())
    assert settings["project"]["type"] == "website"
    assert settings["project"]["output-dir"] == "_site"
    assert settings["project"]["render"] == [f"{page.id}.qmd" for page in PAGES]
    assert all((project / "report" / name).exists() for name in settings["project"]["render"])
    assert quarto_navbar(settings) == declared_navbar() + [("report.pdf", "PDF")]
    context = json.loads((project / "report" / "context.json").read_text())
    assert settings["website"]["title"] == context["report"]["title"]
    # the shared files add_assets puts in the site: the bundle, the stylesheet and scripts, the downloads
    assert {"plotly.min.js", "assets/", "downloads/", "404.html"} <= set(settings["project"]["resources"])
    header = settings["format"]["html"]["include-in-header"]["text"]
    assert '<script src="plotly.min.js" defer></script>' in header
    assert '<script src="assets/charts.js" defer></script>' in header
    assert not (ROOT / "_quarto.yml").exists() and not (project / "_quarto.yml").exists()


def test_a_project_template_overrides_the_quarto_project(tmp_path):
    context = {"report": {"title": 'Acme "support" & co', "organisation": "Acme", "as_of": "2026-03-31T12:00:00+00:00"}}
    shipped = yaml.safe_load(quarto_project(context, tmp_path))
    assert shipped["website"]["title"] == 'Acme "support" & co'   # quoted for YAML, not escaped for HTML
    assert shipped["format"]["html"]["theme"] == "cosmo"
    custom = tmp_path / "templates" / "quarto" / "_quarto.yml.j2"
    custom.parent.mkdir(parents=True)
    custom.write_text("project:\n  type: website\nformat:\n  html:\n    theme: darkly\n")
    assert yaml.safe_load(quarto_project(context, tmp_path))["format"]["html"]["theme"] == "darkly"
