"""_quarto.yml renders the same pages, in the same menus, as the builtin engine's PAGES."""

from __future__ import annotations

from pathlib import Path

import yaml

from supportlens.render.pages import PAGES, navbar
from support import ROOT



def test_quarto_project_lists_every_page_in_the_same_menus():
    project = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert project["project"]["output-dir"] == "_site"
    assert sorted(project["project"]["render"]) == sorted(f"{p.id}.qmd" for p in PAGES)
    quarto_nav = []
    for item in project["website"]["navbar"]["left"]:
        if "menu" in item:
            quarto_nav.append((item["text"], [(m["href"], m["text"]) for m in item["menu"]]))
        elif item["href"].endswith(".qmd"):
            quarto_nav.append((item["href"], item["text"]))
    builtin_nav = [(e["menu"], [(f"{p['id']}.qmd", p["nav"]) for p in e["pages"]]) if "menu" in e
                   else (f"{e['id']}.qmd", e["nav"]) for e in navbar()]
    assert sorted(map(str, quarto_nav)) == sorted(map(str, builtin_nav))
