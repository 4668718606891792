"""Site engines (builtin | quarto) and the shared assets every site gets.

Both engines read the same ``report/*.qmd`` and write HTML pages into a
staging folder; ``add_assets`` then adds ``plotly.min.js`` (no CDN: the partial plotly.js
bundle vendored in ``render/assets/``, see CONTRIBUTING.md), the stylesheet, the chart
and explorer scripts and the downloads; ``publish`` swaps the staging folder into place.
"""

from __future__ import annotations

import csv
import ctypes
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .. import __version__
from ..charts import Chart
from ..colours import css_variables
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
    # the colour system's custom properties (supportlens/colours.py), imported by site.css
    (assets / "colours.css").write_text(css_variables() + "\n", encoding="utf-8")
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


def _hidden(site_dir: Path, kind: str) -> str:
    return f".{site_dir.name}.{kind}"


@contextmanager
def build_lock(site_dir: Path) -> Iterator[None]:
    """Hold ``.<site>.lock`` beside the site for the whole build: a second build in the same folder stops
    with a clear message while the first runs. The lock is the operating system's (``flock``), so it is
    released when its build ends in any way, a killed one included: there is no stale lock to remove."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    path = site_dir.parent / _hidden(site_dir, "lock")
    handle = path.open("a+")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SupportlensError(
                f"another build is writing {site_dir} in this folder ({holder}); two builds at once would "
                "mix their files",
                "wait for that build to finish and run this one again")
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        yield
    finally:
        handle.close()   # closing the file releases the lock


def _try_lock(handle) -> bool:
    try:
        import fcntl
    except ImportError:   # Windows
        import msvcrt
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def clean_leftovers(site_dir: Path) -> list[str]:
    """Remove what a killed build left beside the site (staging folders, a half-swapped old site) and
    put the previous site back if a build was killed between moving it aside and moving the new one in.
    Call it holding the build lock. Returns what was done, for the build's log."""
    done = []
    olds = sorted(site_dir.parent.glob(_hidden(site_dir, "old") + "*"))
    if not site_dir.exists() and olds:
        olds[-1].rename(site_dir)
        done.append(f"put back the previous site from {olds[-1].name}")
        olds = olds[:-1]
    for leftover in [*olds, *site_dir.parent.glob(_hidden(site_dir, "building") + "*")]:
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"removed {leftover.name}")
    return done


def staging_dir(site_dir: Path) -> Path:
    """This build's own staging folder beside the site, ``.<site>.building-<process id>``."""
    stage = site_dir.parent / f"{_hidden(site_dir, 'building')}-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    return stage


def publish(stage: Path, site_dir: Path) -> None:
    """Put the finished staging folder in the site's place, so that the site's path always holds a whole site.

    Where the system can swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``, macOS
    ``renamex_np`` with ``RENAME_SWAP``), it does, and the old site is removed after. Elsewhere the old site is
    moved aside, the new one moved in, then the old one removed; a build killed between the two moves leaves
    the old site in ``.<site>.old-<process id>``, which the next build puts back (``clean_leftovers``)."""
    if not site_dir.exists():
        stage.rename(site_dir)
        return
    if _exchange(stage, site_dir):
        shutil.rmtree(stage, ignore_errors=True)   # it holds the old site now
        return
    old = site_dir.parent / f"{_hidden(site_dir, 'old')}-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    site_dir.rename(old)
    try:
        stage.rename(site_dir)
    except BaseException:
        old.rename(site_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step where the system can (see ``publish``); False where it cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
            at_fdcwd, rename_exchange = -100, 2
            swap = libc.renameat2
            swap.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            return swap(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
        if sys.platform == "darwin" and hasattr(libc, "renamex_np"):
            rename_swap = 2
            swap = libc.renamex_np
            swap.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
            return swap(os.fsencode(a), os.fsencode(b), rename_swap) == 0
    except (OSError, AttributeError, TypeError):
        pass
    return False
