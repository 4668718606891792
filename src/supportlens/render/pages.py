"""Pages: the context rendered through Jinja into Quarto Markdown, in two flavours.

The ``site`` flavour embeds each chart as an interactive Plotly figure in a raw
HTML block and is written to ``report/<page>.qmd`` (the content source of both
site engines). The ``print`` flavour swaps each chart for its static SVG; the
PDF is built from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..charts import Chart
from ..formatting import FILTERS


@dataclass(frozen=True)
class Page:
    id: str
    nav: str      # navbar label
    template: str


PAGES = (
    Page("index", "Summary", "pages/index.qmd.j2"),
    Page("sla", "SLA performance", "pages/sla.qmd.j2"),
    Page("drivers", "Why we breach", "pages/drivers.qmd.j2"),
    Page("trends", "Trends", "pages/trends.qmd.j2"),
    Page("accounts", "Accounts", "pages/accounts.qmd.j2"),
    Page("workload", "Workload", "pages/workload.qmd.j2"),
    Page("methodology", "Methodology", "pages/methodology.qmd.j2"),
)

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def template_dir(root: Path) -> Path:
    """The project's ``templates/`` folder, else the one next to the installed source tree."""
    local = root / "templates"
    if local.is_dir():
        return local
    return Path(__file__).resolve().parents[3] / "templates"


def _date(value: str | None) -> str:
    return "—" if value is None else f"{pd.Timestamp(value):%d %b %Y}"


def _date_before(value: str | None) -> str:
    """The last day of a half-open period [start, end)."""
    return "—" if value is None else f"{pd.Timestamp(value) - timedelta(seconds=1):%d %b %Y}"


def _datetime(value: str | None) -> str:
    return "—" if value is None else f"{pd.Timestamp(value):%d %b %Y %H:%M} UTC"


def _yaml_str(value: object) -> Markup:
    """A front-matter string: JSON quoting is valid YAML; the engine escapes it when it writes HTML."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


def environment(root: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(template_dir(root))), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      # Quarto's heading ids '{#id}' must not open a Jinja comment
                      comment_start_string="{##", comment_end_string="##}")
    env.filters.update(FILTERS)
    env.filters.update(date=_date, date_before=_date_before, datetime=_datetime, yaml_str=_yaml_str)
    return env


def chart_block(chart: Chart, flavour: str) -> Markup:
    """A chart as a raw HTML block: interactive for the site, a static SVG for print."""
    if flavour == "site":
        figure = json.loads(chart.figure.to_json())
        payload = json.dumps({"data": figure["data"], "layout": figure["layout"], "config": PLOTLY_CONFIG},
                             separators=(",", ":"), sort_keys=True).replace("</", "<\\/")
        body = (f'<div id="chart-{chart.id}" class="plotly-chart" role="img" aria-label="{escape(chart.alt)}"></div>\n'
                f'<script>(function(){{var s={payload};Plotly.newPlot("chart-{chart.id}",s.data,s.layout,s.config);}})();</script>\n'
                f'<div class="chart-data"><a href="downloads/{chart.id}.csv">Data behind this chart (CSV)</a></div>')
    else:
        body = f'<img src="figures/{chart.id}.svg" alt="{escape(chart.alt)}">'
    return Markup(
        "```{=html}\n"
        f'<figure class="chart" id="fig-{chart.id}" data-chart-id="{chart.id}">\n'
        f'<div class="chart-title">{escape(chart.title)}</div>\n{body}\n'
        f'<figcaption class="chart-takeaway">{escape(chart.takeaway)}</figcaption>\n'
        "</figure>\n```"
    )


def render_pages(context: dict, charts: dict[str, Chart], root: Path, flavour: str) -> dict[str, str]:
    """page id -> Quarto Markdown text."""
    env = environment(root)
    env.globals["chart"] = lambda chart_id: chart_block(charts[chart_id], flavour)
    env.globals["has_chart"] = lambda chart_id: chart_id in charts   # a chart of a skipped analysis is absent
    findings_config = context["provenance"]["config"]["findings"]
    variables = dict(context, period=context["report"]["period"],
                     findings_alpha=findings_config["alpha"], findings_ratio=findings_config["material_ratio"],
                     findings_change=findings_config["material_change"],
                     config_period_length=context["provenance"]["config"]["period"]["length"], flavour=flavour)
    return {page.id: env.get_template(page.template).render(**variables) for page in PAGES}


def write_pages(pages: dict[str, str], report_dir: Path) -> list[Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page_id, text in pages.items():
        path = report_dir / f"{page_id}.qmd"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
