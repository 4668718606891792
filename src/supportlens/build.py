"""``supportlens build``: ingest → analyse → context → pages → site → pdf.

Each step is a named function; the build writes the site into its own staging
folder and swaps it into place only when every step has succeeded, so a
failed or killed build leaves the previous ``_site/`` whole; a lock file beside
the site keeps a second build in the same folder from running at once.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from typing import TYPE_CHECKING

from .cache import BuildCache
from .config import Config

if TYPE_CHECKING:
    from .analysis import Analysis
    from .dataset import Dataset
    from .ingest import IngestProgress
else:
    IngestProgress = Callable

# The steps' modules (pandas, statsmodels, scikit-learn, plotly, Jinja, WeasyPrint: seconds of imports) are
# imported by the steps that use them, so a build with nothing to do (``BuildCache.up_to_date``) stops at once.


@dataclass
class BuildResult:
    site_dir: Path
    engine: str
    context_path: Path
    pdf_path: Path | None
    tickets: int
    timings: dict[str, float] = field(default_factory=dict)


Reporter = Callable[[str], None]


def analysed(dataset: Dataset, config: Config) -> Analysis:
    """Every analysis of the dataset; on the simulated sample, with the simulator's what-if checks."""
    from .analysis import analyse
    from .sample.what_if import check_on_simulator

    return check_on_simulator(analyse(dataset, config), dataset, config)


def cached_dataset(config: Config, root: Path, cache: BuildCache,
                   progress: IngestProgress | None = None) -> tuple[Dataset, str]:
    """The canonical tables, read from the cache when the input files and the config ingest reads are
    those of a previous build (the same tables, Parquet-stored), else ingested and stored; and their key."""
    from .engine import release_memory
    from .ingest import load_dataset, sample_truth

    key = cache.ingest_key(config, root)
    tickets = config.data.tickets if config.data.tickets.is_absolute() else root / config.data.tickets
    dataset = cache.load_dataset(key, sample_truth(tickets.parent))
    if dataset is None:
        dataset = load_dataset(config, root, progress=progress)
        cache.store_dataset(key, dataset)
    # what reading or writing the Parquet tables left in Arrow's pool goes back to the system before the analysis
    # (kept, it would count in the analysis's peak: about 400 MB at 1M tickets read from the cache)
    release_memory()
    return dataset, key


def cached_analysis(dataset: Dataset, config: Config, ingest_key: str, cache: BuildCache) -> Analysis:
    """``analysed(dataset, config)``, read from the cache when its tables, config and code are unchanged."""
    key = cache.analysis_key(ingest_key, config, dataset)
    analysis = cache.load_analysis(key)
    if analysis is None:
        analysis = analysed(dataset, config)
        # without the per-ticket clocks: only the simulator's what-if checks read them, and they have run (at ten
        # million tickets the clocks are gigabytes, and pickling them was the build's peak)
        cache.store_analysis(key, replace(analysis, clocks=None))
    return analysis


def _counted_from(progress: Callable[[int, int], None] | None, before: int,
                  total: int) -> Callable[[int, int], None] | None:
    """``progress(done, total)`` told of one batch of a longer count: ``before`` done before it, ``total`` in all."""
    if progress is None:
        return None
    return lambda done, _: progress(before + done, total)


def build(config: Config, root: Path = Path("."), engine: str | None = None, pdf: bool | None = None,
          report: Reporter = lambda message: None,
          chart_progress: Callable[[int, int], None] | None = None,
          ingest_progress: IngestProgress | None = None, cache: bool = True) -> BuildResult:
    """One build at a time per folder (a second stops with a clear message); what a killed build left is
    cleaned first, its old site put back if it was killed mid-swap. ``ingest_progress`` and ``chart_progress``
    are told how far reading the exports (bytes) and exporting the PDF's static charts (charts) have got.
    ``cache=False`` neither reads nor writes the build cache (``.supportlens-cache/``, see cache.py)."""
    site_dir = root / config.render.site_dir
    store = BuildCache(root, enabled=cache)
    with_pdf = config.render.pdf if pdf is None else pdf
    started = time.perf_counter()
    # (outside the lock: a build under way, or one killed, has removed the record, so it is never up to date)
    key = store.outputs_key(config, root, engine or config.render.engine, with_pdf) if cache else ""
    done = store.up_to_date(key, root)
    if done is not None and "tickets" in done and "engine" in done:
        report("Nothing changed since the last build (data, config, code, templates): the outputs are up to date")
        return BuildResult(site_dir, done["engine"], root / config.render.report_dir / "context.json",
                           site_dir / "report.pdf" if with_pdf else None, done["tickets"],
                           {"up_to_date": round(time.perf_counter() - started, 3)})
    from .render.site import build_lock, clean_leftovers

    with build_lock(site_dir), fewer_collections():
        for done in clean_leftovers(site_dir):
            report(f"Cleaning up after an interrupted build: {done}")
        store.forget_outputs()
        result = _build(config, root, engine, pdf, report, chart_progress, ingest_progress, store)
        store.store_outputs(key, root, _outputs(root, config), {"tickets": result.tickets, "engine": result.engine})
        return result


# Python's cyclic garbage collector collects its young generation every 700 new containers, and every tenth of
# those collections the middle one; each tenth of those, once a quarter more objects live than at the last full
# collection, it traverses every object of the process. A build makes millions (modules, the tables' Python objects,
# the context, WeasyPrint's boxes): 12 full collections, about 2.5 of the 50k cold build's CPU-s. Reference counting
# frees everything not in a cycle at once whatever the setting; only garbage in cycles waits longer.
YOUNG_COLLECTION_EVERY = 10_000


@contextmanager
def fewer_collections(every: int = YOUNG_COLLECTION_EVERY):
    """The build with the collector's young generation collected every ``every`` new containers (the older
    generations' thresholds unchanged); the previous thresholds restored after it."""
    before = gc.get_threshold()
    gc.set_threshold(max(every, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextmanager
def older_objects_left_alone():
    """The objects made so far (the tables, the analysis, the context: millions at scale) left out of the
    collector's passes (``gc.freeze``) while WeasyPrint lays out and draws the PDFs: it allocates millions of objects
    that live until a PDF is written (boxes, styles, layouts), and each full collection went through all of them
    and through everything the build held before (about a thousand collections for the 50k appendix). Garbage
    made inside is collected as before; what was frozen is handed back to the collector after (objects frozen by
    a caller stay frozen)."""
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        yield
    finally:
        if freeze:
            gc.unfreeze()


def _outputs(root: Path, config: Config) -> list[Path]:
    """What a build writes: the site, the context, and the pages and Quarto project at the project root."""
    return [root / config.render.site_dir, root / config.render.report_dir / "context.json",
            *sorted(root.glob("*.qmd")), root / "_quarto.yml"]


def _build(config: Config, root: Path, engine: str | None, pdf: bool | None, report: Reporter,
           chart_progress: Callable[[int, int], None] | None, ingest_progress: IngestProgress | None,
           cache: BuildCache) -> BuildResult:
    from .charts import build_charts
    from .context_file import write_context   # (context.py imports the analysis: only when it is built)
    from .pages import PRINTED
    from .render.pages import keep_compiled_in, render_pages, write_pages
    from .render.pdf import DOCUMENTS, chart_browser, charts_by_document, export_svgs, print_html, write_pdf
    from .render.site import (add_assets, check_quarto_root, choose_engine, keep_pdf, publish,
                              remove_old_quarto_project, render_builtin, render_quarto, staging_dir,
                              write_quarto_project)

    timings: dict[str, float] = {}
    keep_compiled_in(cache.folder / "templates" if cache.enabled else None)

    @contextmanager
    def step(name: str, message: str):
        report(message)
        started, cpu = time.perf_counter(), time.process_time()
        yield
        # (a step taken more than once, once per PDF, adds up)
        timings[name] = round(timings.get(name, 0.0) + time.perf_counter() - started, 3)
        # the process's CPU seconds in the step (every thread's: the static charts' wait is the browser's share)
        timings[f"{name}_cpu"] = round(timings.get(f"{name}_cpu", 0.0) + time.process_time() - cpu, 3)

    report_dir = root / config.render.report_dir
    site_dir = root / config.render.site_dir
    engine = choose_engine(engine or config.render.engine)
    with_pdf = config.render.pdf if pdf is None else pdf

    check_quarto_root(root)   # the pages and _quarto.yml go to the project root: never over a user's own files
    # a rebuild after a template or wording change reads the context from the cache: no tables, no analysis
    context_key = cache.context_key(config, root) if cache.enabled else None
    context = cache.load_context(context_key) if context_key else None
    # fail fast, before minutes of ingest and analysis, when the PDF's browser cannot start: the build's chart
    # browser is started first and its page loaded (that it does is the check; it then waits for the charts)
    start_first = with_pdf and context is None and not cache.has_analysis(config, root)
    context_cached = context is not None
    with ExitStack() as resources:
        browser = None
        if start_first:
            browser = resources.enter_context(chart_browser())
            browser.wait_started()
        if context is None:
            with step("ingest", "Reading exports"):
                dataset, ingest_key = cached_dataset(config, root, cache, ingest_progress)
            with step("analyse", f"Analysing {len(dataset.tickets):,} tickets"):
                analysis = cached_analysis(dataset, config, ingest_key, cache)
            with step("context", "Writing report/context.json"):
                from .context import build_context

                context = build_context(dataset, analysis, config)
                if context_key:
                    cache.store_context(context_key, context)
        else:
            report(f"Reading the context of {context['data']['tickets']:,} tickets from the build cache "
                   "(data, config and code unchanged)")
        write_context(context, report_dir / "context.json")
        if with_pdf and browser is None:
            # the analysis came from the cache: started at once (its start-up overlaps the context, charts and
            # pages), or, when the context came from the cache (its charts most likely drawn before), only when a
            # static chart must be drawn
            browser = resources.enter_context(chart_browser(lazy=context_cached))
        charts = cache.load_charts(context_key) if context_key else None
        if charts is None:
            charts = build_charts(context)
            if context_key:
                cache.store_charts(context_key, charts)
        documents: dict[str, str] = {}   # each PDF's HTML, by document id
        svgs: dict[str, Future] = {}      # each PDF's static charts, drawn
        if with_pdf:
            print_pages = render_pages(context, charts, root, flavour="print", pages=PRINTED)
            documents = {document: print_html(context, print_pages, root, document) for document in DOCUMENTS}
            batches = charts_by_document(documents, charts)
            total = sum(len(batch) for batch in batches.values())
            report(f"Exporting the PDFs' {total} static charts (SVG) while the site is built")
            # the browser draws each PDF's charts in turn, the board pack's first, while this thread renders the site
            # and then lays out each PDF as soon as its own charts are drawn (the board pack while the browser draws
            # the appendix's): neither waits for the other's work
            drawing, done = resources.enter_context(ThreadPoolExecutor(max_workers=1)), 0
            # a build that stops does not wait for the browser to draw the charts of a PDF it will not write
            resources.callback(lambda: [future.cancel() for future in svgs.values()])
            for document, batch in batches.items():
                svgs[document] = drawing.submit(export_svgs, batch, report_dir / "figures", cache=cache, browser=browser,
                                                progress=_counted_from(chart_progress, done, total))
                done += len(batch)
        with step("pages", "Rendering the pages and the Quarto project (_quarto.yml, *.qmd)"):
            # the project root is the report's Quarto website project: `quarto render` there builds the site
            write_pages(render_pages(context, charts, root, flavour="site"), root)
            write_quarto_project(context, root, charts, site_dir)
            remove_old_quarto_project(report_dir, root)
        stage = staging_dir(site_dir)
        try:
            with step("site", f"Building the site ({engine} engine)"):
                if engine == "quarto":
                    render_quarto(root, stage)
                else:
                    render_builtin(context, stage, root)
                add_assets(context, charts, stage, root)
                (stage / ".nojekyll").write_text("")   # GitHub Pages serves the site as it is
            for document, html in documents.items():   # report.pdf, then appendix.pdf
                name = DOCUMENTS[document]["file"]
                with step("charts", f"Waiting for the static charts of {name}"):
                    svgs[document].result()
                with step("pdf", f"Writing {name}"), older_objects_left_alone():
                    write_pdf(html, report_dir, stage / name, cache=cache)
                keep_pdf(stage / name, root)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    publish(stage, site_dir)
    return BuildResult(site_dir, engine, report_dir / "context.json", site_dir / "report.pdf" if with_pdf else None,
                       context["data"]["tickets"], timings)
