"""report/_quarto.yml, written by the build from the page declarations, renders the same pages in the same
menus as the builtin engine; the repository keeps no hand-written copy."""

from __future__ import annotations

import json
import re

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
    report = project / "report"
    path = report / "_quarto.yml"
    settings = yaml.safe_load(path.read_text())
    assert settings["project"]["type"] == "website"
    # `quarto render report` from the project root writes the site where the build does
    assert (report / settings["project"]["output-dir"]).resolve() == (project / "_site").resolve()
    assert settings["project"]["render"] == [f"{page.id}.qmd" for page in PAGES]
    assert all((report / name).exists() for name in settings["project"]["render"])
    assert quarto_navbar(settings) == declared_navbar() + [("report.pdf", "PDF")]
    context = json.loads((report / "context.json").read_text())
    assert settings["website"]["title"] == context["report"]["title"]
    # the shared files are in the project, so Quarto alone copies them into the site: the bundle, the
    # stylesheet and scripts, the downloads, the 404 page and the PDF (a copy of the build's)
    resources = settings["project"]["resources"]
    assert {"plotly.min.js", "assets/", "downloads/", "404.html", "report.pdf"} <= set(resources)
    for resource in resources:
        assert (report / resource).exists(), resource
    assert (report / "plotly.min.js").read_bytes() == (project / "_site" / "plotly.min.js").read_bytes()
    assert (report / "report.pdf").read_bytes() == (project / "_site" / "report.pdf").read_bytes()
    assert sorted(p.name for p in (report / "downloads").iterdir()) == sorted(
        p.name for p in (project / "_site" / "downloads").iterdir())
    # the site's own stylesheet, on a theme on system fonts
    html = settings["format"]["html"]
    assert html["css"] == "assets/site.css" and (report / "assets" / "site.css").exists()
    assert (report / "assets" / "explorer.js").exists()
    assert html["theme"] == "default"
    header = html["include-in-header"]["text"]
    assert '<script src="plotly.min.js" defer></script>' in header
    assert '<script src="assets/charts.js" defer></script>' in header
    assert context["report"]["organisation"] in settings["website"]["page-footer"]["center"]
    assert not (ROOT / "_quarto.yml").exists() and not (project / "_quarto.yml").exists()


def test_the_quarto_project_asks_nothing_of_another_site(project):
    """No outside request: no Google Fonts (the bootswatch themes import them), no CDN; every page and
    shared file the Quarto project holds names no http(s) resource to load."""
    report = project / "report"
    settings = yaml.safe_load((report / "_quarto.yml").read_text())
    assert settings["format"]["html"]["theme"] not in BOOTSWATCH
    assert settings["format"]["html"]["html-math-method"] == "plain"   # no MathJax from a CDN
    # what a browser loads by itself: scripts, images, stylesheets, imports (links to follow are no request)
    loads = re.compile(r'\bsrc\s*=\s*"https?://|<link\b[^>]*href\s*=\s*"https?://|@import\s+url\(\s*["\']?https?://'
                       r'|fonts\.googleapis', re.I)
    texts = {"_quarto.yml": (report / "_quarto.yml").read_text()}
    texts |= {p.name: p.read_text() for p in report.glob("*.qmd")}
    texts |= {f"assets/{p.name}": p.read_text() for p in (report / "assets").iterdir()}
    found = {name: loads.findall(text) for name, text in texts.items() if loads.search(text)}
    assert not found
    assert loads.search('<link href="https://fonts.googleapis.com/css?family=Source+Sans+Pro">')   # the check can fail


# Quarto's bootswatch themes (they load web fonts from Google Fonts); `default` is Bootstrap on system fonts
BOOTSWATCH = {"cerulean", "cosmo", "cyborg", "darkly", "flatly", "journal", "litera", "lumen", "lux", "materia",
              "minty", "morph", "pulse", "quartz", "sandstone", "simplex", "sketchy", "slate", "solar", "spacelab",
              "superhero", "united", "vapor", "yeti", "zephyr"}


def test_a_project_template_overrides_the_quarto_project(tmp_path):
    context = {"report": {"title": 'Acme "support" & co', "organisation": "Acme", "as_of": "2026-03-31T12:00:00+00:00"}}
    shipped = yaml.safe_load(quarto_project(context, tmp_path))
    assert shipped["website"]["title"] == 'Acme "support" & co'   # quoted for YAML, not escaped for HTML
    assert shipped["format"]["html"]["theme"] == "default"
    assert shipped["project"]["output-dir"] == "../_site"
    custom = tmp_path / "templates" / "quarto" / "_quarto.yml.j2"
    custom.parent.mkdir(parents=True)
    custom.write_text("project:\n  type: website\nformat:\n  html:\n    theme: darkly\n")
    assert yaml.safe_load(quarto_project(context, tmp_path))["format"]["html"]["theme"] == "darkly"
