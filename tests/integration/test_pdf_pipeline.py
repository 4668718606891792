"""The chart browser and the PDF writer never wait for each other's work: the browser draws the board pack's
static charts first, the board pack is laid out as soon as they are drawn, while the browser draws the
appendix's, and the appendix is laid out once its own are drawn. A build of a small simulated organisation with
the browser and WeasyPrint replaced by recorders (what they are given, in what order, and what was still being
drawn when each PDF was written)."""

from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from supportlens.build import build
from supportlens.config import Config
from supportlens.render import pdf
from supportlens.sample import SimulationSpec, simulate, write_sample


class Recorder:
    """export_svgs and write_pdf as the build calls them, recorded; the appendix's charts are drawn only once the
    board pack has been written (up to a timeout), so a build that waited for every chart before writing the
    board pack is seen waiting."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.batches: list[list[str]] = []
        self.board_pack_written = threading.Event()
        self.drawing: list[str] | None = None   # the batch being drawn right now
        self.images: dict[str, list[str]] = {}    # each PDF's SVG images, by file
        self.missing: dict[str, list[str]] = {}   # those not yet drawn when it was written

    def export_svgs(self, charts, figures_dir: Path, timeout=None, progress=None, cache=None, browser=None):
        self.batches.append(list(charts))
        self.drawing = list(charts)
        self.events.append(("draw", list(charts)))
        if len(self.batches) > 1:   # the appendix's: the board pack is written meanwhile, or this never ends
            self.events.append(("board pack written while drawing", self.board_pack_written.wait(10)))
        figures_dir.mkdir(parents=True, exist_ok=True)
        for chart in charts.values():
            for stem in chart.print_figures():
                (figures_dir / f"{stem}.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
        self.drawing = None

    def write_pdf(self, html: str, base_dir: Path, out_path: Path, cache=None) -> None:
        self.events.append(("write", Path(out_path).name, self.drawing))
        images = re.findall(r'<img src="([^"]+\.svg)"', html)
        self.images[Path(out_path).name] = images
        self.missing[Path(out_path).name] = [src for src in images if not (Path(base_dir) / src).exists()]
        Path(out_path).write_bytes(b"%PDF-1.7 recorded")
        if Path(out_path).name == "report.pdf":
            self.board_pack_written.set()


class NoBrowser:
    def wait_started(self, timeout=None) -> None:
        pass


@pytest.fixture(scope="module")
def recorded_build(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("pipeline")
    write_sample(simulate(SimulationSpec(tickets=3000, seed=5)), tmp_path / "data")
    config = Config.model_validate({
        "data": {table: str(tmp_path / "data" / f"{table}.csv") for table in ("tickets", "events", "accounts", "agents")},
        "render": {"engine": "builtin"},
        "risk": {"bootstrap": 50, "importance_repeats": 1},
        "recommendations": {"draws": 500},
    })
    recorder = Recorder()

    @contextmanager
    def chart_browser(lazy: bool = False, path=None):
        yield NoBrowser()

    project = tmp_path / "project"
    project.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "export_svgs", recorder.export_svgs)
        patch.setattr(pdf, "write_pdf", recorder.write_pdf)
        patch.setattr(pdf, "chart_browser", chart_browser)
        build(config, project, pdf=True, cache=False)
    return recorder, project


def test_the_board_pack_is_laid_out_while_the_browser_draws_the_appendix_charts(recorded_build):
    recorder, _ = recorded_build
    report_charts, appendix_charts = recorder.batches
    assert report_charts and appendix_charts   # both PDFs show charts on this organisation
    assert recorder.events == [
        ("draw", report_charts),
        ("draw", appendix_charts),
        ("write", "report.pdf", appendix_charts),           # the board pack laid out while the appendix's are drawn
        ("board pack written while drawing", True),
        ("write", "appendix.pdf", None),                    # the appendix once its own charts are drawn
    ]


def test_each_pdf_waits_for_exactly_the_charts_it_shows(recorded_build):
    """Every SVG a PDF shows is drawn before it is laid out, each chart once, and no chart no PDF shows."""
    recorder, project = recorded_build
    report_charts, appendix_charts = recorder.batches
    assert recorder.missing == {"report.pdf": [], "appendix.pdf": []}
    assert recorder.images["report.pdf"] and recorder.images["appendix.pdf"]
    assert not set(report_charts) & set(appendix_charts)
    drawn = {f"figures/{path.name}" for path in (project / "report" / "figures").glob("*.svg")}
    assert drawn == set(recorder.images["report.pdf"]) | set(recorder.images["appendix.pdf"])


def test_charts_by_document_on_hand_made_html():
    charts = {name: object() for name in ("a", "b", "c", "d")}
    documents = {
        "report": '<figure class="chart" id="fig-b" data-chart-id="b"></figure><figure data-chart-id="a"></figure>'
                  '<figure data-chart-id="b"></figure><figure data-chart-id="gone"></figure>',
        "appendix": '<p data-chart-id="c">not a figure</p><figure class="chart" data-chart-id="a"></figure>'
                    '<figure data-chart-id="d"></figure>',
    }
    batches = pdf.charts_by_document(documents, charts)
    assert {doc: list(batch) for doc, batch in batches.items()} == {"report": ["b", "a"], "appendix": ["d"]}
    assert batches["report"]["a"] is charts["a"]
