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
import os
import re
import shutil
import subprocess
import sys
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
    as_of = context["report"]["as_of"][:10]
    return {
        "title": context["report"]["title"],
        "organisation": context["report"]["organisation"],
        "as_of": as_of,
        # the builtin shell's footer line, for the Quarto site's page footer
        "footer": " · ".join(part for part in (context["report"]["organisation"], f"data as of {as_of}",
                                               f"built with supportlens {__version__}") if part),
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


def quarto_project(context: dict, root: Path, output_dir: str = "../_site") -> str:
    """``_quarto.yml`` of the pages: their render list and navbar follow from ``supportlens/pages.py``
    (template ``templates/quarto/_quarto.yml.j2``, which a project's ``templates/`` folder may override);
    ``output_dir`` is the site folder relative to the project (``report/``)."""
    return environment(root).get_template(QUARTO_PROJECT).render(site=_site_info(context), output_dir=output_dir)


def write_quarto_project(context: dict, report_dir: Path, root: Path, charts: dict[str, Chart] | None = None,
                         site_dir: Path | None = None) -> Path:
    """Write ``report/_quarto.yml`` beside the pages, and (given the charts) the files the site shares, so
    ``report/`` is a whole Quarto website project: ``quarto render report`` from the project root writes the
    same site to ``site_dir`` (``_site/``) as ``supportlens build --engine quarto`` (the PDF: ``keep_pdf``)."""
    site_dir = report_dir.parent / "_site" if site_dir is None else site_dir
    output_dir = Path(os.path.relpath(site_dir.resolve(), report_dir.resolve())).as_posix()
    path = report_dir / "_quarto.yml"
    report_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(quarto_project(context, root, output_dir), encoding="utf-8")
    if charts is not None:
        add_assets(context, charts, report_dir, root)
    return path


def keep_pdf(pdf: Path, report_dir: Path) -> None:
    """A copy of the PDF in the Quarto project, so a site Quarto renders from ``report/`` links a PDF."""
    shutil.copy(pdf, report_dir / pdf.name)


# Quarto's warnings: "WARN: ..." / "WARNING: ..." / "WARNING (file) ...", shown even when the render succeeds
_QUARTO_WARNING = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*\s*(WARN|WARNING|ERROR)\b")


def quarto_warnings(stderr: str) -> list[str]:
    """The lines of Quarto's output that warn (progress lines dropped), with their continuation lines."""
    found: list[str] = []
    keep = False
    for line in stderr.splitlines():
        if _QUARTO_WARNING.match(line):
            found.append(line.rstrip())
            keep = True
        elif keep and line.startswith((" ", "\t")) and line.strip():
            found[-1] += "\n" + line.rstrip()
        else:
            keep = False
    return found


def render_quarto(report_dir: Path, out_dir: Path, warn=lambda line: print(line, file=sys.stderr)) -> None:
    """``quarto render report/ --output-dir <out_dir>``: Quarto renders the project the build wrote
    (``write_quarto_project``) into the staging folder; its warnings are passed to ``warn``, its whole
    output is shown when it fails. Quarto's own files (``.quarto/``) stay inside ``report/``."""
    result = subprocess.run(["quarto", "render", str(report_dir), "--output-dir", str(out_dir.resolve())],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SupportlensError(f"quarto render failed:\n{result.stderr[-2000:]}",
                               "run with ENGINE=builtin, or fix the Quarto installation")
    for line in quarto_warnings(result.stderr):
        warn(f"quarto: {line.strip()}")


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

