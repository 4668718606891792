"""Pages: the context rendered through Jinja into Quarto Markdown, in two flavours.

The ``site`` flavour embeds each chart as an interactive Plotly figure in a raw
HTML block and is written to ``<page>.qmd`` at the project root (the content
source of both site engines, and the pages of the root's Quarto project). The ``print`` flavour swaps each chart for its static SVG; the
PDF is built from it.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pandas as pd
from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup, escape

from ..charts import Chart
from ..formatting import FILTERS
from ..pages import CHART_PAGE, PAGES, Page


PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def template_loader(root: Path) -> ChoiceLoader:
    """The templates shipped in the package (``supportlens/templates/``); a file of the same name in the
    project's own ``templates/`` folder overrides that one file."""
    return ChoiceLoader([FileSystemLoader(str(root / "templates")), PackageLoader("supportlens", "templates")])


def template_text(root: Path, name: str) -> str:
    """A shipped file that is not a Jinja template (CSS, JavaScript), with the project's override."""
    env = Environment(loader=template_loader(root))
    return env.loader.get_source(env, name)[0]


def _zone(context) -> str:
    """The report's time zone (``report.timezone`` of the context; UTC when a template has no report)."""
    report = context.get("report")
    return (report or {}).get("timezone") or "UTC"


def _local(value: str, zone: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_convert(zone) if stamp.tzinfo is not None else stamp


@pass_context
def _date(context, value: str | None) -> str:
    return "—" if value is None else f"{_local(value, _zone(context)):%d %b %Y}"


@pass_context
def _date_before(context, value: str | None) -> str:
    """The last day of a half-open period [start, end)."""
    return "—" if value is None else f"{_local(value, _zone(context)) - timedelta(seconds=1):%d %b %Y}"


@pass_context
def _datetime(context, value: str | None) -> str:
    """A time of day in the report's zone, named: "03 Jan 2014 12:20 Europe/Rome"."""
    zone = _zone(context)
    return "—" if value is None else f"{_local(value, zone):%d %b %Y %H:%M} {zone}"


def _yaml_str(value: object) -> Markup:
    """A front-matter string: JSON quoting is valid YAML; the engine escapes it when it writes HTML."""
    return Markup(json.dumps(str(value), ensure_ascii=False))


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once: in memory for this process (every ``environment`` shares it: the site's and
    the print flavour's pages, the shells, the PDFs) and, once a build names its cache folder
    (``keep_compiled_in``), on disk for the next build. Jinja keys an entry by the template's name and the
    checksum of its source, so an edited template or override is compiled afresh."""

    def __init__(self) -> None:
        self.memory: dict[str, bytes] = {}
        self.folder: Path | None = None

    def load_bytecode(self, bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is None and self.folder is not None:
            try:
                data = (self.folder / f"{bucket.key}.cache").read_bytes()
            except OSError:
                data = None
        if data is not None:
            bucket.bytecode_from_string(data)   # a stale or foreign entry (another Python) is ignored by Jinja

    def dump_bytecode(self, bucket) -> None:
        data = bucket.bytecode_to_string()
        self.memory[bucket.key] = data
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                temporary = self.folder / f".{bucket.key}.{os.getpid()}"
                temporary.write_bytes(data)
                os.replace(temporary, self.folder / f"{bucket.key}.cache")
            except OSError:
                pass


_COMPILED = _CompiledTemplates()


def keep_compiled_in(folder: Path | None) -> None:
    """Keep compiled templates in ``folder`` too (the build cache's), or in memory only (None)."""
    _COMPILED.folder = folder


def environment(root: Path) -> Environment:
    env = Environment(loader=template_loader(root), autoescape=select_autoescape(default=True), bytecode_cache=_COMPILED,
                      undefined=StrictUndefined, keep_trailing_newline=True,
                      # Quarto's heading ids '{#id}' must not open a Jinja comment
                      comment_start_string="{##", comment_end_string="##}")
    env.filters.update(FILTERS)
    env.filters.update(date=_date, date_before=_date_before, datetime=_datetime, yaml_str=_yaml_str)
    env.filters["stats"] = parenthesised   # render_pages sets the flavour's own: footnotes in print
    return env


def chart_block(chart: Chart, flavour: str) -> Markup:
    """A chart as a raw HTML block: interactive for the site, a static SVG for print; a blank chart as a note.
    Its takeaway, computed from the data, is its headline, with the descriptive title beneath.

    On the site the figure travels as JSON in a ``<script type="application/json" class="chart-spec">``
    next to its ``div``; ``assets/charts.js`` draws it (the charts in view first, one per frame). The ``div``
    keeps the figure's height while it waits, so nothing moves when it is drawn."""
    if chart.blank:
        return blank_chart(chart, flavour)
    if flavour == "site":
        figure = json.loads(chart.figure.to_json())
        height = figure["layout"].get("height") or 450   # plotly.js's default height
        payload = json.dumps({"data": figure["data"], "layout": figure["layout"], "config": PLOTLY_CONFIG},
                             separators=(",", ":"), sort_keys=True)
        # inside <script> nothing may close the element or open an HTML comment: "</" and "<!" become JSON escapes
        payload = payload.replace("</", "\\u003c/").replace("<!", "\\u003c!")
        body = (f'<div id="chart-{chart.id}" class="plotly-chart" style="min-height:{height:g}px" role="img" '
                f'aria-label="{escape(chart.alt)}"></div>\n'
                f'<script type="application/json" class="chart-spec" data-chart="chart-{chart.id}">{payload}</script>')
        data = data_table(chart)
    else:
        parts = chart.print_figures()
        def alt(n: int) -> str:
            return escape(chart.alt if len(parts) == 1 else f"{chart.alt} (part {n} of {len(parts)})")

        body = "\n".join(f'<div class="chart-part"><img src="figures/{stem}.svg" alt="{alt(n)}"></div>'
                          for n, stem in enumerate(parts, start=1))
        data = ""
    classes = "chart" + (" chart-wide" if chart.wide else "") + (" chart-split" if chart.print_parts else "")
    return Markup(
        "```{=html}\n"
        f'<figure class="{classes}" id="fig-{chart.id}" data-chart-id="{chart.id}">\n'
        # the takeaway is the chart's headline; what the chart shows is said beneath it
        f'<figcaption class="chart-takeaway">{escape(chart.takeaway)}</figcaption>\n'
        f'<div class="chart-title">{escape(chart.title)}</div>\n{body}\n{data}'
        "</figure>\n```"
    )


TABLE_ROWS = 30   # rows of a chart's data shown under it on the site; the CSV has them all


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def data_table(chart: Chart) -> str:
    """The data behind a chart as a table a reader can open under it (and a screen reader can read), with its CSV."""
    csv = f'<a href="downloads/{chart.id}.csv">CSV</a>'
    rows = chart.table
    if not rows:
        return f'<div class="chart-data">Data: {csv}</div>\n'
    columns = list(rows[0])
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
                   for row in rows[:TABLE_ROWS])
    shown = (f"the first {TABLE_ROWS} of {len(rows):,} rows; all of them in the {csv}" if len(rows) > TABLE_ROWS
             else f"also as {csv}")
    return (f'<details class="chart-data"><summary>Data behind this chart ({len(rows):,} rows)</summary>\n'
            f'<div class="chart-table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>\n'
            f'<p class="chart-table-note">Values to four significant figures, {shown}.</p></details>\n')


def blank_chart(chart: Chart, flavour: str) -> Markup:
    """What stands where every value of a chart is zero: its title and takeaway, no empty axes."""
    csv = f" The numbers are in [its CSV](downloads/{chart.id}.csv)." if flavour == "site" else ""
    return Markup(f'::: {{.callout-note title="{escape(chart.title)}"}}\n'
                  f"Every value of this chart is zero, so it is not drawn. {escape(chart.takeaway)}{csv}\n:::")


def missing_chart(chart_id: str) -> Markup:
    """What stands where a chart cannot be drawn: the data lacks what it needs."""
    return Markup("::: {.callout-note title=\"Not shown\"}\n"
                  "A chart of this section needs data this export does not have; "
                  "the [data-quality page](quality.html) says what is missing.\n:::")


def footnote(text: str) -> Markup:
    """The statistical detail of a sentence in print: a footnote at the foot of the page (CSS ``float: footnote``),
    so a board member reads the sentence and an analyst finds the test."""
    return Markup(f'<span class="footnote">{text.strip()}</span>')


def parenthesised(text: str) -> Markup:
    """The statistical detail of a sentence on the site: in brackets after it."""
    return Markup(f" ({text.strip()})")


def render_pages(context: dict, charts: dict[str, Chart], root: Path, flavour: str,
                 pages: tuple[Page, ...] = PAGES) -> dict[str, str]:
    """page id -> Quarto Markdown text."""
    env = environment(root)

    def chart(chart_id: str) -> Markup:
        if chart_id not in charts:
            return missing_chart(chart_id)
        return chart_block(charts[chart_id], flavour)

    env.globals["chart"] = chart
    titles = {page.id: page.nav for page in PAGES}
    env.globals["chart_index"] = [{"id": c.id, "title": c.title, "page": CHART_PAGE[c.id], "page_title": titles[CHART_PAGE[c.id]]}
                                  for c in charts.values()]
    env.globals["has_chart"] = lambda chart_id: chart_id in charts   # a chart of a skipped analysis is absent
    env.filters["stats"] = footnote if flavour == "print" else parenthesised
    # the settings a sentence cites are in context["method"]: templates never read the configuration
    variables = dict(context, period=context["report"]["period"], flavour=flavour)
    return {page.id: env.get_template(page.template).render(**variables) for page in pages}


def write_pages(pages: dict[str, str], report_dir: Path) -> list[Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for page_id, text in pages.items():
        path = report_dir / f"{page_id}.qmd"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
