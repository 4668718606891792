"""The ``supportlens`` command: build, init, sample, check, serve.

Results go to stdout (``supportlens check > out`` keeps the report of the check), progress and errors to
stderr. Exit codes: 0 done, 1 a runtime error (bad input file, config, missing browser: the message says
what to fix), 2 a usage error (an unknown option or a bad option value).
"""

from __future__ import annotations

import atexit
import enum
import gc
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from . import __version__
from .config import load_config
from .errors import SupportlensError

app = typer.Typer(help="Support-operations reporting: a static site and an executive PDF from help-desk exports.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True, highlight=False, soft_wrap=True)   # progress and errors
stdout = Console(highlight=False, soft_wrap=True)                   # results

RUNTIME_ERROR = 1
USAGE_ERROR = 2
# exports this large (bytes, all tables) take seconds to read: reading them gets a progress bar on a terminal
LONG_INGEST_BYTES = 5_000_000

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="The analysis config.")]


class Engine(str, enum.Enum):
    auto = "auto"
    builtin = "builtin"
    quarto = "quarto"


class Format(str, enum.Enum):
    csv = "csv"
    parquet = "parquet"


def _fail(error: SupportlensError) -> None:
    console.print(f"[bold red]error:[/] {error.problem}")
    if error.fix:
        console.print(f"[yellow]fix:[/] {error.fix}")
    raise typer.Exit(RUNTIME_ERROR)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"supportlens {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="Print the version and exit.")] = None,
) -> None:
    """Support-operations reporting: a static site and an executive PDF from help-desk exports."""


def _config(path: Path):
    return load_config(path if path.exists() or path != Path("supportlens.yml") else None)


@app.command()
def build(
    config: ConfigOption = Path("supportlens.yml"),
    engine: Annotated[Optional[Engine], typer.Option(help="The site engine (default: render.engine).")] = None,
    pdf: Annotated[Optional[bool], typer.Option("--pdf/--no-pdf", help="Write _site/report.pdf")] = None,
) -> None:
    """Build the site and the PDF: ingest → analyse → context → pages → site → pdf."""
    from .build import build as run_build

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    # bars for reading the exports and for the PDF's static charts, on a terminal only (logs keep the one-line
    # messages); the exports' bar only when they are large enough for reading them to take a while
    bar = Progress(TextColumn("  {task.description}"), BarColumn(), TextColumn("{task.fields[count]}"),
                   TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal)
    exports = bar.add_task("reading the exports", total=None, visible=False, count="")
    charts = bar.add_task("static charts", total=None, visible=False, count="")

    def exports_read(table: str, done: int, total: int) -> None:
        if total >= LONG_INGEST_BYTES:
            bar.update(exports, description=f"reading the exports ({table})", completed=done, total=total,
                       count=f"{done / 1e6:.1f}/{total / 1e6:.1f} MB", visible=done < total,
                       refresh=True)   # a few updates in all: each one drawn at once

    def charts_drawn(done: int, total: int) -> None:
        bar.update(charts, completed=done, total=total, count=f"{done}/{total}", visible=True)

    try:
        settings = _config(config)
        with bar:
            result = run_build(settings, Path("."), engine=engine.value if engine else None, pdf=pdf,
                               report=lambda message: console.print(f"[cyan]•[/] {message} …"),
                               chart_progress=charts_drawn, ingest_progress=exports_read)
    except SupportlensError as error:
        _fail(error)
    # the interpreter's exit would run one more full collection, of the build's every remaining object (about half
    # a CPU-second after a 50k build) only to free memory the exit gives back anyway: the objects are frozen first
    atexit.register(gc.freeze)
    verb = "Up to date:" if "up_to_date" in result.timings else "Built"
    stdout.print(f"[green]✓[/] {verb} {result.site_dir}/index.html"
                  + (f" and {result.pdf_path}" if result.pdf_path else "")
                  + f" from {result.tickets:,} tickets in {time.perf_counter() - started:.1f} s ({result.engine} engine)")


@app.command()
def init(
    export: Annotated[Optional[Path], typer.Argument(
        help="Your tickets export: its importer is detected from the headers and the config points at it.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
    config: ConfigOption = Path("supportlens.yml"),
) -> None:
    """Write a commented supportlens.yml (every key, its default and meaning) to start a project.

    With EXPORT, the config reads that file with the importer its headers match, and lists the columns
    it maps; fill in the organisation name and the time zone, then run `supportlens build`."""
    from .config import default_config_text

    if config.exists() and not force:
        _fail(SupportlensError(f"{config} already exists", "edit it, or pass --force to replace it"))
    if export is None:
        config.write_text(default_config_text(), encoding="utf-8")
        stdout.print(f"[green]✓[/] Wrote {config}: every key with its default; point data.tickets at your export, "
                  "or run `supportlens init EXPORT` to have it detected")
        stdout.print("next: supportlens sample && supportlens build   (the simulated sample organisation)")
        return
    from .starter import check_export, relative_to_project, starter_config

    try:
        check_export(export)
        starter = starter_config(export, relative_to_project(export, config.resolve().parent))
    except SupportlensError as error:
        _fail(error)
    config.write_text(starter.text, encoding="utf-8")
    if not starter.detected:
        stdout.print(f"[yellow]![/] No importer recognised the headers of {export}; wrote {config} with the generic "
                  "importer: map your columns under data.mapping.tickets")
    else:
        stdout.print(f"[green]✓[/] {export}: {starter.title} (importer {starter.importer}, "
                  f"{len(starter.mapping)} columns mapped)"
                  + (f"; the headers also match: {', '.join(starter.also)}" if starter.also else ""))
        stdout.print(f"[green]✓[/] Wrote {config}; fill in publish.organisation and data.timezone")
    flag = "" if config == Path("supportlens.yml") else f" --config {config}"
    stdout.print(f"next: supportlens check{flag}   then   supportlens build{flag}")


@app.command()
def sample(
    tickets: Annotated[Optional[int], typer.Option(min=100, help="Tickets to simulate (default: sample.tickets)")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed (default: sample.seed)")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: sample.out)")] = None,
    format: Annotated[Format, typer.Option("--format", help="The files' format.")] = Format.csv,
    effects: Annotated[bool, typer.Option("--effects/--no-effects",
                                          help="Plant the known effects (coverage gap, slow industry, ...), or "
                                               "write a null world where nothing is planted (truth.json says so).")] = True,
    config: ConfigOption = Path("supportlens.yml"),
) -> None:
    """Write the simulated sample organisation (tickets, events, accounts, agents, truth.json)."""
    from .sample import SimulationSpec, write_simulated

    try:
        settings = _config(config).sample
    except SupportlensError as error:
        _fail(error)
    spec = SimulationSpec(tickets=tickets or settings.tickets, seed=settings.seed if seed is None else seed,
                          planted_effects=effects)
    folder = out or settings.out
    started = time.perf_counter()
    world = "" if effects else ", nothing planted"
    with console.status(f"Simulating {spec.tickets:,} tickets (seed {spec.seed}{world}) …"):
        paths = write_simulated(spec, folder, fmt=format.value)
    stdout.print(f"[green]✓[/] Wrote {len(paths)} files to {folder}/ in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(p.name for p in paths))


@app.command()
def check(config: ConfigOption = Path("supportlens.yml")) -> None:
    """Validate the config and the exports: the importer used, the mapping, the data-quality summary."""
    from .analysis.data_quality import CHECKS, Severity
    from .ingest import load_dataset

    try:
        settings = _config(config)
        dataset = load_dataset(settings)
    except SupportlensError as error:
        _fail(error)
    info = dataset.source_info
    detected = [d for d in info.get("detected", []) if d != info.get("importer")]
    stdout.print(f"[bold]importer[/] {info.get('importer')} — {info.get('title')}"
                  + (f" (the headers also match: {', '.join(detected)})" if detected else ""))
    for source in dataset.sources:
        stdout.print(f"[green]✓[/] {source.table}: {source.path} ({source.rows:,} rows{', ' + source.read_as if source.read_as else ''})")
    stdout.print(f"  → {len(dataset.tickets):,} tickets" + (f", {len(dataset.events):,} events" if dataset.events is not None else ""))
    if info.get("mapping"):
        stdout.print("[bold]mapping[/] (canonical ← export)")
        for canonical, column in info["mapping"].items():
            stdout.print(f"  {canonical:<26} ← {column}")
    for note in info.get("notes", []):
        stdout.print(f"[dim]note:[/] {note}")
    if not dataset.quality:
        stdout.print("[green]✓[/] no data-quality issues")
    else:
        stdout.print(f"[bold]data quality[/] ({len(dataset.quality)} findings)")
    for issue in dataset.quality:
        title, _, severity = CHECKS[issue.check]
        mark = "[yellow]![/]" if severity == Severity.WARNING else "[cyan]i[/]"
        stdout.print(f"{mark} {issue.table}.{issue.column or '*'} {title}: {issue.rows:,} rows — {issue.action}"
                      + (f" (e.g. {issue.example})" if issue.example else ""))
    from .analysis import data_skips

    skips = data_skips(dataset, settings)
    if skips:
        console.print(f"[bold]the build will skip[/] ({len(skips)}; analyses that find their data too thin say so in the report)")
    for skip in skips:
        console.print(f"[yellow]-[/] {skip.analysis}: {skip.reason}")


@app.command()
def serve(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on localhost")] = 8000,
    config: ConfigOption = Path("supportlens.yml"),
) -> None:
    """Serve the built site on http://localhost:PORT/ (Ctrl-C to stop)."""
    import functools
    import http.server

    try:
        site_dir = _config(config).render.site_dir
    except SupportlensError as error:
        _fail(error)
    if not (site_dir / "index.html").exists():
        _fail(SupportlensError(f"{site_dir}/index.html does not exist", "run `make report` first"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        _fail(SupportlensError(f"cannot serve on port {port}: {error.strerror or error}",
                               "stop what is using it, or pass another --port"))
    with server:
        console.print(f"Serving {site_dir}/ on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    app()
