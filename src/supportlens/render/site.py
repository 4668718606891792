"""Site engines (builtin | quarto) and the shared assets every site gets.

Both engines read the same ``report/*.qmd`` and write HTML pages into a
staging folder; ``add_assets`` then adds ``plotly.min.js`` (no CDN: the partial plotly.js
bundle vendored in ``render/assets/``, see CONTRIBUTING.md), the stylesheet, the chart
and explorer scripts and the downloads; ``publish`` swaps the staging folder into place.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from .. import __version__
from ..charts import Chart
from ..errors import SupportlensError
from ..pages import PAGES, navbar
from .markdown import render_markdown
from .pages import environment, template_text

# plotly.js/lib/core + the trace types the charts use, built by `make plotly-bundle` (scripts/plotly-bundle/);
# package data, read through importlib.resources
ASSETS = resources.files("supportlens").joinpath("render", "assets")
PLOTLY_BUNDLE = ASSETS.joinpath("plotly-supportlens.min.js")
PLOTLY_BUNDLE_MANIFEST = ASSETS.joinpath("plotly-supportlens.json")
QUARTO_PROJECT = "quarto/_quarto.yml.j2"   # the Quarto project's template, under templates/


def plotly_bundle_manifest() -> dict:
    """What the vendored bundle holds: ``plotly.js`` version, ``traces`` (sorted), ``sha256`` of the file."""
    return json.loads(PLOTLY_BUNDLE_MANIFEST.read_text(encoding="utf-8"))


def choose_engine(requested: str) -> str:
    """auto -> quarto when it is on PATH, else builtin."""
    if requested == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    if requested == "quarto" and not shutil.which("quarto"):
        raise SupportlensError("ENGINE=quarto was asked for but `quarto` is not on PATH",
                               "install Quarto 1.4+ (https://quarto.org) or use ENGINE=builtin")
    return requested


def _site_info(context: dict) -> dict:
    return {
        "title": context["report"]["title"],
        "organisation": context["report"]["organisation"],
        "as_of": context["report"]["as_of"][:10],
        "pages": [{"id": p.id, "nav": p.nav} for p in PAGES],
        "navbar": navbar(),
    }


def render_builtin(context: dict, report_dir: Path, out_dir: Path, root: Path) -> None:
    shell = environment(root).get_template("site/page.html.j2")
    site = _site_info(context)
    for page in PAGES:
        rendered = render_markdown((report_dir / f"{page.id}.qmd").read_text(encoding="utf-8"))
        html = shell.render(site=site, version=__version__, page={
            "id": page.id, "title": rendered.title, "subtitle": rendered.meta.get("subtitle"),
            "html": rendered.html, "toc": rendered.toc,
        })
        (out_dir / f"{page.id}.html").write_text(html, encoding="utf-8")


def quarto_project(context: dict, root: Path) -> str:
    """``_quarto.yml`` of the pages: their render list and navbar follow from ``supportlens/pages.py``
    (template ``templates/quarto/_quarto.yml.j2``, which a project's ``templates/`` folder may override)."""
    return environment(root).get_template(QUARTO_PROJECT).render(site=_site_info(context))


def write_quarto_project(context: dict, report_dir: Path, root: Path) -> Path:
    """Write ``report/_quarto.yml`` beside the pages: ``report/`` is then a Quarto website project."""
    path = report_dir / "_quarto.yml"
    path.write_text(quarto_project(context, root), encoding="utf-8")
    return path


def render_quarto(report_dir: Path, out_dir: Path) -> None:
    """Stage ``report/_quarto.yml`` with the pages and let ``quarto render`` write the site.

    The stage holds only the project file and the pages, so Quarto's own files (``.quarto/``) stay out of
    ``report/``; the site's assets and downloads are added afterwards by ``add_assets``."""
    stage = out_dir.parent / (out_dir.name + ".quarto")
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.copy(report_dir / "_quarto.yml", stage / "_quarto.yml")
    for page in PAGES:
        shutil.copy(report_dir / f"{page.id}.qmd", stage / f"{page.id}.qmd")
    result = subprocess.run(["quarto", "render", str(stage), "--output-dir", str(out_dir.resolve())],
                            capture_output=True, text=True)
    shutil.rmtree(stage, ignore_errors=True)
    if result.returncode != 0:
        raise SupportlensError(f"quarto render failed:\n{result.stderr[-2000:]}",
                               "run with ENGINE=builtin, or fix the Quarto installation")


def safe_cell(value: object) -> object:
    """No CSV cell may start a spreadsheet formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def chart_csv(chart: Chart) -> str:
    return table_csv(chart.table)


def add_assets(context: dict, charts: dict[str, Chart], out_dir: Path, root: Path) -> None:
    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    for asset in ("site.css", "charts.js", "explorer.js"):
        (assets / asset).write_text(template_text(root, f"site/{asset}"), encoding="utf-8")
    (out_dir / "plotly.min.js").write_bytes(PLOTLY_BUNDLE.read_bytes())
    downloads = out_dir / "downloads"
    downloads.mkdir(exist_ok=True)
    (downloads / "context.json").write_text(json.dumps(context, indent=2, sort_keys=True, ensure_ascii=False),
                                            encoding="utf-8")
    for chart in charts.values():
        (downloads / f"{chart.id}.csv").write_text(chart_csv(chart), encoding="utf-8")
    (downloads / "kpis.csv").write_text(table_csv(
        [{k: v for k, v in kpi.items() if k != "monthly"} for kpi in context["kpis"]]), encoding="utf-8")
    not_found = environment(root).get_template("site/404.html.j2")
    (out_dir / "404.html").write_text(not_found.render(site=_site_info(context), version=__version__), encoding="utf-8")
    (out_dir / ".nojekyll").write_text("")


def staging_dir(site_dir: Path) -> Path:
    stage = site_dir.parent / f".{site_dir.name}.building"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def publish(stage: Path, site_dir: Path) -> None:
    """Move the finished staging folder into place; the old site is removed only after."""
    old = site_dir.parent / f".{site_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    stage.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)

