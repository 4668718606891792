"""The PDF: the print flavour of the same pages, static SVG charts, WeasyPrint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..charts import Chart
from .markdown import render_markdown
from .pages import PAGES, environment, template_dir

PRINTED = tuple(page for page in PAGES if page.in_pdf)  # the executive summary and the PDF's sections

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


def print_html(context: dict, print_pages: dict[str, str], root: Path) -> str:
    """The whole report as one HTML document for WeasyPrint."""
    env = environment(root)
    summary = render_markdown(print_pages["index"], id_prefix="index-")
    sections = []
    for page in PRINTED:
        if page.id == "index":
            continue
        rendered = render_markdown(print_pages[page.id], id_prefix=f"{page.id}-")
        sections.append({"id": page.id, "title": rendered.title, "subtitle": rendered.meta.get("subtitle"),
                         "html": rendered.html, "toc": rendered.toc})
    css = (template_dir(root) / "print" / "print.css").read_text(encoding="utf-8")
    return env.get_template("print/report.html.j2").render(
        report=context["report"], period=context["report"]["period"], data=context["data"], kpis=context["kpis"],
        summary=summary, sections=sections, css=css)


def write_pdf(html: str, base_dir: Path, out_path: Path) -> None:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base_dir.resolve()) + "/").write_pdf(out_path)
