"""The ``supportlens`` command: build, init, sample, check, serve."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .config import load_config
from .errors import SupportlensError

app = typer.Typer(help="Support-operations reporting: a static site and an executive PDF from help-desk exports.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="The analysis config.")]


def _fail(error: SupportlensError) -> None:
    console.print(f"[bold red]error:[/] {error.problem}")
    if error.fix:
        console.print(f"[yellow]fix:[/] {error.fix}")
    raise typer.Exit(2)


def _config(path: Path):
    return load_config(path if path.exists() or path != Path("supportlens.yml") else None)


@app.command()
def build(
    config: ConfigOption = Path("supportlens.yml"),
    engine: Annotated[Optional[str], typer.Option(help="auto | builtin | quarto (default: render.engine)")] = None,
    pdf: Annotated[Optional[bool], typer.Option("--pdf/--no-pdf", help="Write _site/report.pdf")] = None,
) -> None:
    """Build the site and the PDF: ingest → analyse → context → pages → site → pdf."""
    from .build import build as run_build

    started = time.perf_counter()
    try:
        settings = _config(config)
        if engine not in (None, "auto", "builtin", "quarto"):
            raise SupportlensError(f"unknown engine {engine!r}", "use auto, builtin or quarto")
        result = run_build(settings, Path("."), engine=engine, pdf=pdf,
                           report=lambda message: console.print(f"[cyan]•[/] {message} …"))
    except SupportlensError as error:
        _fail(error)
    console.print(f"[green]✓[/] Built {result.site_dir}/index.html"
                  + (f" and {result.pdf_path}" if result.pdf_path else "")
                  + f" from {result.tickets:,} tickets in {time.perf_counter() - started:.1f} s ({result.engine} engine)")


@app.command()
def init(
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
    config: ConfigOption = Path("supportlens.yml"),
) -> None:
    """Write the documented default supportlens.yml (every key, its default and meaning) to start a project."""
    from .config import default_config_text

    if config.exists() and not force:
        _fail(SupportlensError(f"{config} already exists", "edit it, or pass --force to replace it with the defaults"))
    config.write_text(default_config_text(), encoding="utf-8")
    console.print(f"[green]✓[/] Wrote {config}: every key with its default; point data.tickets at your export")


@app.command()
def sample(
    tickets: Annotated[Optional[int], typer.Option(help="Tickets to simulate (default: sample.tickets)")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed (default: sample.seed)")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: sample.out)")] = None,
    format: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    config: ConfigOption = Path("supportlens.yml"),
) -> None:
    """Write the simulated sample organisation (tickets, events, accounts, agents, truth.json)."""
    from .sample import SimulationSpec, simulate, write_sample

    try:
        settings = _config(config).sample
    except SupportlensError as error:
        _fail(error)
    if format not in ("csv", "parquet"):
        _fail(SupportlensError(f"unknown format {format!r}", "use csv or parquet"))
    spec = SimulationSpec(tickets=tickets or settings.tickets, seed=settings.seed if seed is None else seed)
    folder = out or settings.out
    started = time.perf_counter()
    with console.status(f"Simulating {spec.tickets:,} tickets (seed {spec.seed}) …"):
        data = simulate(spec)
        paths = write_sample(data, folder, fmt=format)
    console.print(f"[green]✓[/] Wrote {len(paths)} files to {folder}/ in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(p.name for p in paths))


@app.command()
def check(config: ConfigOption = Path("supportlens.yml")) -> None:
    """Validate the config and the exports: the importer used, the mapping, the data-quality summary."""
    from .analysis.data_quality import CHECKS
    from .ingest import load_dataset

    try:
        settings = _config(config)
        dataset = load_dataset(settings)
    except SupportlensError as error:
        _fail(error)
    info = dataset.source_info
    detected = [d for d in info.get("detected", []) if d != info.get("importer")]
    console.print(f"[bold]importer[/] {info.get('importer')} — {info.get('title')}"
                  + (f" (the headers also match: {', '.join(detected)})" if detected else ""))
    for source in dataset.sources:
        console.print(f"[green]✓[/] {source.table}: {source.path} ({source.rows:,} rows)")
    console.print(f"  → {len(dataset.tickets):,} tickets" + (f", {len(dataset.events):,} events" if dataset.events is not None else ""))
    if info.get("mapping"):
        console.print("[bold]mapping[/] (canonical ← export)")
        for canonical, column in info["mapping"].items():
            console.print(f"  {canonical:<26} ← {column}")
    for note in info.get("notes", []):
        console.print(f"[dim]note:[/] {note}")
    if not dataset.quality:
        console.print("[green]✓[/] no data-quality issues")
    else:
        console.print(f"[bold]data quality[/] ({len(dataset.quality)} findings)")
    for issue in dataset.quality:
        title, _, severity = CHECKS.get(issue.check, (issue.check, "", "warning"))
        mark = "[yellow]![/]" if severity == "warning" else "[cyan]i[/]"
        console.print(f"{mark} {issue.table}.{issue.column or '*'} {title}: {issue.rows:,} rows — {issue.action}"
                      + (f" (e.g. {issue.example})" if issue.example else ""))
    from .analysis import data_skips

    skips = data_skips(dataset, settings)
    if skips:
        console.print(f"[bold]the build will skip[/] ({len(skips)}; analyses that find their data too thin say so in the report)")
    for skip in skips:
        console.print(f"[yellow]-[/] {skip.analysis}: {skip.reason}")


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port on localhost")] = 8000,
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
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        console.print(f"Serving {site_dir}/ on http://127.0.0.1:{port}/")
        server.serve_forever()


if __name__ == "__main__":
    app()
