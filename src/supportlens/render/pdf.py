"""The PDF: the print flavour of the same pages, static SVG charts, WeasyPrint."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..charts import Chart
from ..pages import PRINTED  # the executive summary and the PDF's sections: the pages declared in_pdf
from .markdown import render_markdown
from .pages import environment, template_text

STATIC_WIDTH = 760  # px of the SVG; the PDF scales it to the text width (174 mm: 13 px type prints at about 8.4 pt)
WIDE_WIDTH = 1300   # px of a wide chart, printed on a landscape page


@contextmanager
def chart_browser() -> Iterator[None]:
    """One Kaleido browser process for the whole build. It starts in the background, so its
    start-up overlaps the analysis; ``export_svgs`` inside the block uses it."""
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def export_svgs(charts: dict[str, Chart], figures_dir: Path) -> None:
    """Write every chart as SVG with the build's browser (see ``chart_browser``)."""
    import kaleido

    figures_dir.mkdir(parents=True, exist_ok=True)
    for chart in charts.values():
        width = WIDE_WIDTH if chart.wide else STATIC_WIDTH
        for stem, figure in chart.print_figures().items():
            svg = kaleido.calc_fig_sync(figure, opts={"format": "svg", "width": width, "height": figure.layout.height or 380})
            (figures_dir / f"{stem}.svg").write_bytes(svg)


_SITE_LINK = re.compile(r'<a href="(?P<page>[a-z0-9_-]+)\.html(?:#(?P<anchor>[^"]*))?"(?P<rest>[^>]*)>(?P<text>.*?)</a>', re.S)
_FILE_LINK = re.compile(r'<a href="downloads/[^"]*"[^>]*>(?P<text>.*?)</a>', re.S)
_IN_PAGE_LINK = re.compile(r'href="#(?P<anchor>[^"]+)"')


def internal_links(html: str, page_id: str) -> str:
    """The site's page links as links inside the PDF: ``sla.html#by-priority`` → ``#sla-by-priority``,
    ``sla.html`` → its section, ``#gaps`` on the staffing page → ``#staffing-gaps`` (ids carry their page
    in the PDF). Links to what the PDF does not hold (the explorer, downloads) keep only their text."""
    printed = {page.id for page in PRINTED}
    html = _IN_PAGE_LINK.sub(lambda m: f'href="#{page_id}-{m["anchor"]}"', html)

    def relink(match: re.Match) -> str:
        page, anchor = match["page"], match["anchor"]
        if page not in printed:
            return match["text"]
        target = f"{page}-{anchor}" if anchor else f"section-{page}"
        return f'<a href="#{target}"{match["rest"]}>{match["text"]}</a>'

    return _FILE_LINK.sub(lambda m: m["text"], _SITE_LINK.sub(relink, html))


def print_html(context: dict, print_pages: dict[str, str], root: Path) -> str:
    """The whole report as one HTML document for WeasyPrint."""
    env = environment(root)
    summary = render_markdown(print_pages["index"], id_prefix="index-")
    summary.html = internal_links(summary.html, "index")
    sections = []
    for page in PRINTED:
        if page.id == "index":
            continue
        rendered = render_markdown(print_pages[page.id], id_prefix=f"{page.id}-")
        sections.append({"id": page.id, "title": rendered.title, "subtitle": rendered.meta.get("subtitle"),
                         "html": internal_links(rendered.html, page.id), "toc": rendered.toc})
    css = template_text(root, "print/print.css")
    return env.get_template("print/report.html.j2").render(
        report=context["report"], period=context["report"]["period"], data=context["data"], kpis=context["kpis"],
        summary=summary, sections=sections, css=css)


def write_pdf(html: str, base_dir: Path, out_path: Path) -> None:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base_dir.resolve()) + "/").write_pdf(out_path)
