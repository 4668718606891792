"""The two PDFs: the print flavour of the same pages, static SVG charts, WeasyPrint.

``report.pdf`` is the board pack (cover, the one-page summary, one spread per question, the actions);
``appendix.pdf`` holds the rest for analysts. Which page, and which section of a page, goes to which follows
from the page declarations (``pages.py``: ``Page.pdf`` and ``Page.appendix``); this module only cuts each
page's print HTML at its headings and puts the pieces in their document. A PDF of which only some parts (its
top-level sections) changed since the last build lays out only those parts (``patched_pdf``)."""

from __future__ import annotations

import json
import logging
import re
from html import escape
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache, lru_cache
from pathlib import Path

from ..cache import BuildCache
from ..charts import Chart
from ..charts.base import fit_axis_titles_spec
from ..colours import css_variables
from ..errors import SupportlensError
from ..pages import APPENDIX, PRINTED, REPORT, Page  # the pages the PDFs print from, and the two documents
from .markdown import render_markdown
from .pages import environment, template_text

STATIC_WIDTH = 760  # px of the SVG; the PDF scales it to the text width (174 mm: 13 px type prints at about 8.4 pt)
WIDE_WIDTH = 1300   # px of a wide chart, printed on a landscape page


BROWSER_START_TIMEOUT = 30   # s for the browser to start and load a blank page (about 2 s when it works)
CHART_TIMEOUT = 120          # s for one static chart (well under a second once the browser runs)
INSTALL_BROWSER = "install Chromium (sudo apt-get install chromium, or `bash scripts/install-system-deps.sh`)"


def find_browser() -> str | None:
    """The browser Kaleido will drive: ``BROWSER_PATH`` when set, else a Chromium or Chrome found on PATH
    (choreographer's own search, so the check and the export use the same executable)."""
    import os
    import shutil

    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False)
    except (ImportError, AttributeError, TypeError):   # choreographer before 1.1 (kaleido 1.1's minimum)
        names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
        return os.environ.get("BROWSER_PATH") or next(filter(None, map(shutil.which, names)), None)


def _browser_path(path: str | None) -> tuple[str, str]:
    """The browser to start and the fix to name with any error: a SupportlensError at once (no process started)
    when no browser is found, or the one named does not exist or cannot be run."""
    import os

    path = path or find_browser()
    fix = f"{INSTALL_BROWSER}; or set BROWSER_PATH to a Chromium or Chrome executable; or build with --no-pdf"
    if not path:
        raise SupportlensError("no Chromium or Chrome browser found for the PDF's static charts", fix)
    if os.sep in path or (os.altsep and os.altsep in path):
        if not os.path.exists(path):
            raise SupportlensError(f"the browser {path} does not exist (BROWSER_PATH or PATH)", fix)
        if not os.access(path, os.X_OK):
            raise SupportlensError(f"the browser {path} cannot be run (not executable)", fix)
    return path, fix


def check_browser(path: str | None = None, timeout: float = BROWSER_START_TIMEOUT) -> None:
    """Fail within ``timeout`` seconds, naming why, unless the browser starts and loads a blank page headless
    (the build's ``ChartBrowser`` runs this only to say why it could not start the browser itself).

    Kaleido waits for ever on a browser that is missing or exits at once (its server thread dies
    silently), so the build checks and says what to do."""
    import subprocess
    import tempfile

    path, fix = _browser_path(path)
    with tempfile.TemporaryDirectory(prefix="supportlens-browser-") as profile:
        try:
            probe = subprocess.run([path, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                                    "--dump-dom", "about:blank"], capture_output=True, text=True, timeout=timeout,
                                   stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise SupportlensError(f"the browser {path} does not exist (BROWSER_PATH or PATH)", fix) from None
        except PermissionError:
            raise SupportlensError(f"the browser {path} cannot be run (not executable)", fix) from None
        except subprocess.TimeoutExpired:
            raise SupportlensError(f"the browser {path} did not start within {timeout:.0f} s", fix) from None
    if probe.returncode != 0 or "<body" not in probe.stdout:
        said = (probe.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise SupportlensError(f"the browser {path} does not start headless (exit code {probe.returncode}: {said})", fix)


def page_scripts() -> dict:
    """The scripts of Kaleido's page: the site's partial plotly.js bundle (the same plotly.js version as the full
    plotly.min.js Kaleido loads by default, with every trace type a chart uses: tests/e2e/test_plotly_bundle.py)
    and no MathJax (by default fetched from a CDN). The browser evaluates the page's scripts once per page load
    (``ChartBrowser`` loads it once per build): the 1.4 MB bundle instead of the 4.8 MB plotly.js takes a third
    of the time, and draws the same SVGs (but for plotly's random ids)."""
    from .site import PLOTLY_BUNDLE

    bundle = Path(str(PLOTLY_BUNDLE))
    return {"plotlyjs": str(bundle), "mathjax": False} if bundle.is_file() else {"mathjax": False}


@cache
def _one_page_kaleido() -> type:
    """Kaleido drawing every chart on the one page it loaded. Kaleido reloads its page after every chart, and so
    evaluates plotly.js again for each (two thirds of the browser's CPU seconds for a build's charts); plotly.js
    draws each chart in a graph div of its own and removes it after (``Plotly.toImage``), so the page holds nothing
    of one chart when the next is drawn: the SVGs are those of a fresh page but for plotly's random ids
    (tests/e2e/test_plotly_bundle.py). Until a chart has come back (``warming``) the page is still reloaded after
    each: a chart sent before the page had defined its scripts fails, and is drawn again on the reloaded page."""
    import kaleido

    class OnePageKaleido(kaleido.Kaleido):
        warming = True

        async def _return_kaleido_tab(self, tab) -> None:   # Kaleido's own reloads the page first
            if self.warming:
                await tab.reload()
            await self.tabs_ready.put(tab)

    class ReloadingKaleido(kaleido.Kaleido):
        warming = True

    # how a page goes back to Kaleido's queue is its internal (1.1 to 1.5: _return_kaleido_tab); a Kaleido
    # without it is used as it is, reloading its page after every chart (slower; the same SVGs)
    return OnePageKaleido if callable(getattr(kaleido.Kaleido, "_return_kaleido_tab", None)) else ReloadingKaleido


class ChartBrowser:
    """The build's one Kaleido browser, on a thread of its own with its own event loop. ``start`` launches it
    without waiting; ``wait_started`` waits until its page is loaded (or stops the build, saying why: this is the
    check that the browser works); ``draw`` starts it if need be, so a build whose static charts all come from
    the cache never starts it."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self.started = False
        self.abandoned = False   # a chart timed out: the browser's thread is stuck and is not waited for
        self._thread = None
        self._ready = None
        self._loop = None
        self._stop = None
        self._kaleido = None
        self._error: BaseException | None = None

    def start(self) -> None:
        if self.started:
            return
        import threading

        self.path, self._fix = _browser_path(self.path)
        # the browser's pipe logs what it could not decode (a message cut short when the browser closes) with a
        # traceback, and goes on; what stops a chart reaches the build as an error, said in one line with its fix
        for name in ("choreographer", "kaleido", "logistro"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="supportlens-chart-browser")
        self.started = True
        self._thread.start()

    def _run(self) -> None:
        import asyncio

        async def serve() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            browser = None
            try:
                browser = _one_page_kaleido()(path=self.path, timeout=None, **page_scripts())
                async with browser:
                    self._kaleido = browser
                    self._ready.set()
                    await self._stop.wait()
            except BaseException as error:  # noqa: BLE001 -- told to the build by wait_started
                self._error = error
                if browser is not None and self._kaleido is None:   # it failed to open: what it started is closed
                    try:
                        await browser.close()
                    except Exception:  # noqa: BLE001,S110 -- already broken; the start's error is the one to tell
                        pass
            finally:
                self._ready.set()

        asyncio.run(serve())

    def wait_started(self, timeout: float = BROWSER_START_TIMEOUT) -> None:
        """Wait until the browser has loaded its page; a SupportlensError naming why if it does not within
        ``timeout`` seconds (``check_browser`` finds the reason the browser does not start)."""
        self.start()
        if self._ready.wait(timeout) and self._kaleido is not None and self._error is None:
            return
        if not self._ready.is_set():
            self.abandoned = True
        check_browser(self.path, timeout=min(timeout, 10))   # raises, naming the reason, when the browser is at fault
        if not self._ready.is_set():
            raise SupportlensError(f"the browser {self.path} did not start within {timeout:.0f} s", self._fix)
        said = str(self._error).strip().splitlines()[0][:300] if self._error is not None and str(self._error).strip() \
            else type(self._error).__name__
        raise SupportlensError(f"the browser {self.path} started but could not load the charts' page ({said})",
                               self._fix)

    def draw(self, figure, opts: dict, timeout: float = CHART_TIMEOUT) -> bytes:
        """The figure as ``opts["format"]`` from the browser's page, or a SupportlensError after ``timeout``
        seconds (a stuck browser is then let go, and dies with the process). A chart sent while the page was
        still loading (Kaleido takes tasks before its page has defined its scripts: under load a chart drawn at
        once fails with "kaleido_scopes is not defined") is sent again."""
        import asyncio
        import concurrent.futures
        import time

        self.wait_started()
        for attempt in range(20):
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(figure, opts=opts), self._loop)
            try:
                svg = future.result(timeout)
            except concurrent.futures.TimeoutError:
                future.cancel()
                self.abandoned = True
                raise SupportlensError(f"the browser drew no static chart within {timeout:.0f} s",
                                       f"check the browser starts (BROWSER_PATH); {INSTALL_BROWSER}; "
                                       "or build with --no-pdf") from None
            except Exception as error:
                if not self._kaleido.warming or "kaleido_scopes" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.5)
                continue
            self._kaleido.warming = False
            return svg
        raise AssertionError("unreachable")   # (the last attempt returns or raises)

    def close(self) -> None:
        """Close the browser and wait for it (unless a chart timed out: then it is let go)."""
        if not self.started or self.abandoned or self._loop is None:
            return
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(BROWSER_START_TIMEOUT)


@contextmanager
def chart_browser(lazy: bool = False, path: str | None = None) -> Iterator[ChartBrowser]:
    """One Kaleido browser for the whole build, closed at the end of the block. Unless ``lazy`` it is started
    (in the background) at once; ``lazy``: by the first chart that must be drawn (``export_svgs``)."""
    browser = ChartBrowser(path)
    if not lazy:
        browser.start()
    try:
        yield browser
    finally:
        browser.close()


def export_svgs(charts: dict[str, Chart], figures_dir: Path, timeout: float = CHART_TIMEOUT,
                progress: Callable[[int, int], None] | None = None, cache: BuildCache | None = None,
                browser: ChartBrowser | None = None) -> None:
    """Write every chart as SVG with the build's browser (see ``chart_browser``); a chart the browser
    does not draw within ``timeout`` seconds stops the build with an error instead of waiting for ever.
    ``progress(done, total)`` is called with the charts drawn so far (for a progress bar). With a ``cache``,
    a figure drawn before (the same figure JSON and size) is copied from it instead of drawn again, and a
    lazy ``browser`` (``chart_browser(lazy=True)``) is started by the first chart that is not."""
    figures_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as own:
        if browser is None:
            browser = own.enter_context(chart_browser(lazy=True))
        _export_svgs(charts, figures_dir, timeout, progress, cache, browser)


def _export_svgs(charts: dict[str, Chart], figures_dir: Path, timeout: float,
                 progress: Callable[[int, int], None] | None, cache: BuildCache | None, browser: ChartBrowser) -> None:
    for done, chart in enumerate(charts.values()):
        if progress:
            progress(done, len(charts))
        width = WIDE_WIDTH if chart.wide else STATIC_WIDTH
        for stem, figure in chart.print_figures().items():
            height = figure.layout.height or 380
            opts = {"format": "svg", "width": width, "height": height}
            # the figure's JSON, drawn and keyed by: with sorted keys, a figure read back from the cache (build.py)
            # orders its layout's keys otherwise, and must find the SVG its equal drew; the cache holds the SVG as
            # printed, so its key names the version of that preparation
            spec = json.loads(figure.to_json())
            key = (cache.chart_key(json.dumps(spec, sort_keys=True), {**opts, "printed": _LEAN_SVG})
                   if cache is not None else None)
            svg = cache.load_svg(key) if key else None
            if svg is None:
                svg = lean_svg(printable_svg(browser.draw(fit_axis_titles_spec(spec, width, height), opts, timeout)))
                if key:
                    cache.store_svg(key, svg)
            (figures_dir / f"{stem}.svg").write_bytes(svg)
    if progress:
        progress(len(charts), len(charts))


_SVG_NS = "http://www.w3.org/2000/svg"
_LEAN_SVG = "6"   # the version of printable_svg + lean_svg, part of a cached static chart's key

# what no renderer draws differently: the browser's interaction hints and data, a default that nothing inherits
_NOT_DRAWN = frozenset({"pointer-events", "cursor"})
_DEFAULTS = {"opacity": "1", "vector-effect": "none"}
# what a group may hold and still be left out, its children given what they do not set themselves: the properties
# SVG inherits (so a child that does not set one takes the group's, as WeasyPrint's cascade gives it)
_INHERITED = frozenset({
    "clip-rule", "color", "fill", "fill-opacity", "fill-rule", "font-family", "font-size", "font-style",
    "font-variant", "font-weight", "stroke", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor"})
_INHERITED_OPACITY = ("fill-opacity", "stroke-opacity")
_RGB = re.compile(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)")
_COLOURED = ("fill", "stroke", "stop-color", "color")


def lean_svg(svg: bytes) -> bytes:
    """The SVG as WeasyPrint draws it, with less for it to do (it draws every element of a chart, each with a
    cascade of its parent's attributes and a saved graphics state):

    - each element's ``style`` attribute as presentation attributes (WeasyPrint parses every element's style
      with its CSS tokenizer, then sets the declarations as its attributes: so it is parsed once per distinct
      style here, with WeasyPrint's own parser, and the result is the same);
    - what draws nothing left out: groups that hold nothing, the browser's interaction hints (``pointer-events``,
      ``cursor``) and data (``data-*``), a group's and the root's ``class`` when the SVG has no style sheet
      (the drawn elements keep theirs: the print checks find a Sankey's links by it), and attributes at their
      default (``opacity="1"``, ``vector-effect="none"``; ``fill-opacity``/``stroke-opacity`` of 1 where the
      inherited value is 1 too);
    - a group that sets only inherited properties (two thirds of Plotly's groups set nothing else) left out, its
      children given the properties they do not set themselves;
    - ``rgb(r, g, b)`` colours written ``#rrggbb`` (the same colour, a third of the parsing);
    - a text or a path moved by a ``translate`` (Plotly's tick labels, grid lines and markers) placed by its
      ``x`` and ``y``, or the absolute coordinates of its ``d``, instead (WeasyPrint parses each transform and
      draws the element in a moved coordinate system: the same place).

    The root's style, which WeasyPrint does not apply, is kept as it is; an SVG this cannot read is returned
    unchanged. After WeasyPrint's cascade every element that is not a group holds the same attributes as before
    (but for those that draw nothing), and the PDF's pages are the same to the pixel (compared page by page
    with pdftoppm when this was written)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return svg
    group = f"{{{_SVG_NS}}}g"
    styled = any(element.tag == f"{{{_SVG_NS}}}style" for element in root.iter())
    for element in root.iter():
        style = element.attrib.get("style")
        if style is None or element is root:
            continue
        declarations = _style_declarations(style)
        if declarations is None:
            continue
        del element.attrib["style"]
        element.attrib.update(declarations)

    def tidy(element, opacities: dict[str, str]) -> None:
        attrib = element.attrib
        unstyled_class = not styled and (element.tag == group or element is root)
        for name in [name for name in attrib if name in _NOT_DRAWN or name.startswith("data-")
                     or (name == "class" and unstyled_class) or _DEFAULTS.get(name) == attrib[name]]:
            del attrib[name]
        for name in _INHERITED_OPACITY:
            if attrib.get(name) == "1" and opacities.get(name, "1") == "1":
                del attrib[name]
        for name in _COLOURED:
            if name in attrib:
                attrib[name] = _RGB.sub(_hex_colour, attrib[name])
        inherited = {**opacities, **{name: attrib[name] for name in _INHERITED_OPACITY if name in attrib}}
        for child in element:
            tidy(child, inherited)

    tidy(root, {})

    def flatten(parent) -> None:
        children = []
        for child in parent:
            flatten(child)
            if child.tag != group or (child.text or "").strip():
                children.append(child)
            elif len(child) == 0 and "id" not in child.attrib:
                continue   # a group that holds nothing
            elif child.attrib.keys() <= _INHERITED:
                for grandchild in child:
                    for name, value in child.attrib.items():
                        grandchild.attrib.setdefault(name, value)
                    children.append(grandchild)
            else:
                children.append(child)
        parent[:] = children

    if root.tag == f"{{{_SVG_NS}}}svg":
        flatten(root)
    for text in root.iter(f"{{{_SVG_NS}}}text"):
        _place_text(text)
    for path in root.iter(f"{{{_SVG_NS}}}path"):
        _place_path(path)
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


_TRANSLATE = re.compile(r"\s*translate\(\s*(?P<x>[-+]?[\d.]+(?:e[-+]?\d+)?)(?:\s*,?\s*(?P<y>[-+]?[\d.]+(?:e[-+]?\d+)?))?\s*\)\s*")
_NUMBER = re.compile(r"\s*[-+]?[\d.]+(?:e[-+]?\d+)?\s*")
# what a text's coordinate system decides beside its position: left as it is
_MOVED_WITH_TEXT = ("clip-path", "mask", "filter", "transform-origin", "rotate")


def _translation(element, also_moved: tuple[str, ...] = ()) -> tuple[float, float] | None:
    """How far ``element`` is moved when its ``transform`` is a translation alone and it holds no element and
    nothing else is drawn in its coordinate system (clip, mask, filter, paint server, and ``also_moved``); else
    None."""
    attrib = element.attrib
    moved = _TRANSLATE.fullmatch(attrib.get("transform", ""))
    if moved is None or len(element) or any(name in attrib for name in (*_MOVED_WITH_TEXT, *also_moved)) \
            or any("url(" in attrib.get(name, "") for name in ("fill", "stroke")):
        return None
    return float(moved["x"]), float(moved["y"] or 0)


def _place_text(text) -> None:
    """A text element moved by a translation alone (``_translation``), with one number for each of ``x`` and
    ``y``, placed by ``x`` and ``y`` instead of its ``transform``."""
    attrib = text.attrib
    moved = _translation(text)
    x, y = attrib.get("x", "0"), attrib.get("y", "0")
    if moved is None or not (_NUMBER.fullmatch(x) and _NUMBER.fullmatch(y)):
        return
    del attrib["transform"]
    attrib["x"] = f"{float(x) + moved[0]:.10g}"
    attrib["y"] = f"{float(y) + moved[1]:.10g}"


_PATH_TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_ARGUMENTS = {"m": 2, "l": 2, "t": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "a": 7, "z": 0}


def _place_path(path) -> None:
    """A path moved by a translation alone (``_translation``; nor markers drawn in its coordinate system), drawn
    with its absolute coordinates moved instead (relative ones stay); a path data this does not read (or an arc
    whose flags are not written apart) is left as it is."""
    attrib = path.attrib
    moved = _translation(path, ("marker", "marker-start", "marker-mid", "marker-end"))
    if moved is None or not attrib.get("d"):
        return
    data = _moved_path(attrib["d"], *moved)
    if data is not None:
        del attrib["transform"]
        attrib["d"] = data


def _moved_path(data: str, dx: float, dy: float) -> str | None:
    tokens = _PATH_TOKEN.findall(data)
    if "".join(tokens) != re.sub(r"[\s,]", "", data) or not tokens or tokens[0] not in "Mm":
        return None
    out, command, n, first = [], "", 0, True
    while n < len(tokens):
        if tokens[n].isalpha():
            command = tokens[n]
            out.append(command)
            n += 1
            continue
        size = _PATH_ARGUMENTS[command.lower()]
        values = tokens[n:n + size]
        if size == 0 or len(values) < size or any(v.isalpha() for v in values):
            return None
        kind = command.lower()
        if kind == "a" and not (values[3] in ("0", "1") and values[4] in ("0", "1")):
            return None
        if command.isupper() or (first and command == "m"):   # absolute (a path's first moveto always is)
            xs = {"h": (0,), "v": (), "a": (5,)}.get(kind, range(0, size, 2))
            ys = {"h": (), "v": (0,), "a": (6,)}.get(kind, range(1, size, 2))
            for at in xs:
                values[at] = f"{float(values[at]) + dx:.10g}"
            for at in ys:
                values[at] = f"{float(values[at]) + dy:.10g}"
        if kind == "m":   # further pairs of a moveto are linetos of the same kind
            command = "L" if command == "M" else "l"
        first = False
        out.append(",".join(values))
        n += size
    return " ".join(out)


def _hex_colour(match: re.Match) -> str:
    red, green, blue = (int(match[n]) for n in (1, 2, 3))
    return f"#{red:02x}{green:02x}{blue:02x}" if max(red, green, blue) <= 255 else match[0]


@lru_cache(maxsize=4096)
def _style_declarations(style: str) -> list[tuple[str, str]] | None:
    """A style attribute's declarations as WeasyPrint's SVG cascade sets them (name, value), each distinct style
    parsed once per process; None for a style with ``!important`` declarations (they come after style sheets)."""
    _weasyprint()
    from weasyprint.svg.css import parse_declarations

    normal, important = parse_declarations(style)
    return None if important else [(name, value.strip()) for name, value in normal]


_QUOTED_URL = re.compile(rb"""url\((['"]|&quot;)(#[^'"&)]+)\1\)""")


_FILLED_RECT = re.compile(rb"<rect\b[^>]*fill: ?url\(#(?P<id>[^)]+)\)[^>]*>")
_ATTR = re.compile(rb'\b(x|y|width|height|x1|y1|x2|y2)="([-\d.e]+)"')


def printable_svg(svg: bytes) -> bytes:
    """Plotly's SVG as WeasyPrint draws it, on a page with running headers: a paint reference written
    ``url('#id')`` (the colour bar's gradient) becomes ``url(#id)`` (quoted, WeasyPrint leaves the bar
    unpainted), and a gradient laid over its rectangle's bounding box is given in that rectangle's
    coordinates (``objectBoundingBox`` gradients are misplaced on such pages: the bar shows as two dots)."""
    svg = _QUOTED_URL.sub(rb"url(\2)", svg)
    for rect in _FILLED_RECT.finditer(svg):
        box = {k.decode(): float(v) for k, v in _ATTR.findall(rect[0])}
        start = svg.find(b'id="' + rect["id"] + b'"')
        tag_start = svg.rfind(b"<linearGradient", 0, start)
        if start < 0 or tag_start < 0 or not {"x", "y", "width", "height"} <= box.keys():
            continue
        tag_end = svg.find(b">", start)
        tag = svg[tag_start:tag_end]
        if b'gradientUnits="objectBoundingBox"' not in tag:
            continue
        ends = {k.decode(): float(v) for k, v in _ATTR.findall(tag)}
        x1, x2 = (box["x"] + ends.get(k, d) * box["width"] for k, d in (("x1", 0.0), ("x2", 1.0)))
        y1, y2 = (box["y"] + ends.get(k, 0.0) * box["height"] for k in ("y1", "y2"))
        rest = _ATTR.sub(b"", tag.replace(b'gradientUnits="objectBoundingBox"', b"")).removeprefix(b"<linearGradient")
        fixed = (f'<linearGradient x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" gradientUnits="userSpaceOnUse"'
                 .encode() + b" " + b" ".join(rest.split()))
        svg = svg[:tag_start] + fixed + svg[tag_end:]
    return svg


_SITE_LINK = re.compile(r'<a href="(?P<page>[a-z0-9_-]+)\.html(?:#(?P<anchor>[^"]*))?"(?P<rest>[^>]*)>(?P<text>.*?)</a>', re.S)
_FILE_LINK = re.compile(r'<a href="downloads/[^"]*"[^>]*>(?P<text>.*?)</a>', re.S)
_IN_PAGE_LINK = re.compile(r'href="#(?P<anchor>[^"]+)"')


def internal_links(html: str, page_id: str) -> str:
    """The site's page links as links inside the PDF: ``sla.html#by-priority`` → ``#sla-by-priority``,
    ``sla.html`` → its section, ``#gaps`` on the staffing page → ``#staffing-gaps`` (ids carry their page
    in the PDF). Links to what no PDF holds (the explorer, downloads) keep only their text; links to the
    other PDF are cut by ``keep_links_inside``."""
    printed = {page.id for page in PRINTED}
    html = _IN_PAGE_LINK.sub(lambda m: f'href="#{page_id}-{m["anchor"]}"', html)

    def relink(match: re.Match) -> str:
        page, anchor = match["page"], match["anchor"]
        if page not in printed:
            return match["text"]
        target = f"{page}-{anchor}" if anchor else f"section-{page}"
        return f'<a href="#{target}"{match["rest"]}>{match["text"]}</a>'

    return _FILE_LINK.sub(lambda m: m["text"], _SITE_LINK.sub(relink, html))


_ANCHOR_LINK = re.compile(r'<a href="#(?P<target>[^"]+)"[^>]*>(?P<text>.*?)</a>', re.S)
_ID = re.compile(r'\bid="([^"]+)"')


def keep_links_inside(html: str) -> str:
    """A link to a part of the report the document does not hold (it went to the other PDF) keeps only its text."""
    ids = set(_ID.findall(html))
    return _ANCHOR_LINK.sub(lambda m: m[0] if m["target"] in ids else m["text"], html)


_HEADING = re.compile(r'<h(?P<level>[23])\b[^>]*\bid="(?P<id>[^"]*)"')


def split_page(html: str, page: Page, unanswered: frozenset[str] = frozenset()) -> dict[str, str]:
    """A page's print HTML cut at its second- and third-level headings, each piece put in the PDF its section
    is declared for (``Page.document_of``); a subsection goes with its section unless it is declared itself.
    ``unanswered``: ids of this page's sections the data cannot answer (``context["sections_unanswered"]``,
    analysis/core/answered.py), printed in the appendix only."""
    pieces: dict[str, list[str]] = {REPORT: [], APPENDIX: []}
    prefix = f"{page.id}-"

    def document_of(ident: str) -> str | None:
        return APPENDIX if page.pdf == REPORT and ident in unanswered else page.document_of(ident)

    start, section, document = 0, "", document_of("")
    for heading in _HEADING.finditer(html):
        pieces[document].append(html[start:heading.start()])
        ident = heading["id"].removeprefix(prefix)
        if heading["level"] == "2":
            section, document = ident, document_of(ident)
        else:
            document = APPENDIX if APPENDIX in (document_of(section), document_of(ident)) else page.pdf
        start = heading.start()
    pieces[document].append(html[start:])
    return {document: "".join(parts) for document, parts in pieces.items() if "".join(parts).strip()}


DOCUMENTS = {
    REPORT: {"id": REPORT, "file": "report.pdf", "kicker": None, "summary": True, "glossary": False},
    APPENDIX: {"id": APPENDIX, "file": "appendix.pdf", "kicker": "Appendix for analysts", "summary": False,
               "glossary": True},
}


def printed_pages(context: dict, document: str) -> list[Page]:
    """The pages a PDF prints from, in order. The board pack leaves out a page the data cannot answer
    (``context["unanswered"]``, analysis/core/answered.py): its summary says why in one line. The appendix prints
    each page's appendix sections whatever the data."""
    left_out = {page for u in context.get("unanswered") or [] for page in u["pages"]} if document == REPORT else set()
    return [page for page in PRINTED if page.id not in left_out]


def sections_unanswered(context: dict, page: Page) -> frozenset[str]:
    """The ids of ``page``'s sections the data cannot answer (``context["sections_unanswered"]``: "page#section")."""
    return frozenset(s.split("#", 1)[1] for s in context.get("sections_unanswered") or [] if s.startswith(f"{page.id}#"))


def print_html(context: dict, print_pages: dict[str, str], root: Path, document: str = REPORT) -> str:
    """One PDF (``REPORT``, the board pack, or ``APPENDIX``) as one HTML document for WeasyPrint."""
    env = environment(root)
    summary = None
    if DOCUMENTS[document]["summary"]:
        summary = render_markdown(print_pages["index"], id_prefix="index-")
        summary.html = internal_links(summary.html, "index")
    sections = []
    for page in printed_pages(context, document):
        if page.id == "index":
            continue
        rendered = render_markdown(print_pages[page.id], id_prefix=f"{page.id}-")
        html = split_page(internal_links(rendered.html, page.id), page, sections_unanswered(context, page)).get(document)
        if html is None:
            continue
        sections.append({"id": page.id, "title": rendered.title, "subtitle": rendered.meta.get("subtitle"),
                         "html": html, "toc": rendered.toc})
    # the colour system first (colours.py), and the cells' alignment (print_cells)
    css = css_variables() + "\n" + CELL_ALIGNMENT_CSS + "\n" + template_text(root, "print/print.css")
    return print_cells(keep_links_inside(env.get_template("print/report.html.j2").render(
        report=context["report"], period=context["report"]["period"], data=context["data"], kpis=context["kpis"],
        summary=summary, sections=sections, css=css, document=DOCUMENTS[document])))


_CHART_ID = re.compile(r'<figure\b[^>]*\bdata-chart-id="(?P<id>[^"]+)"')


def charts_by_document(documents: dict[str, str], charts: dict[str, Chart]) -> dict[str, dict[str, Chart]]:
    """The charts each PDF shows (``documents``: its HTML by document id, in the order they are written), in the
    order it shows them, each under the first document that shows it: the static charts to draw before that
    document can be laid out."""
    drawn: set[str] = set()
    batches = {}
    for document, html in documents.items():
        shown = [m["id"] for m in _CHART_ID.finditer(html) if m["id"] in charts and m["id"] not in drawn]
        batches[document] = {chart_id: charts[chart_id] for chart_id in dict.fromkeys(shown)}
        drawn.update(shown)
    return batches


# a Markdown column's alignment, which the cells of a printed table carry as a class (``print_cells``), where it
# stood in their style attribute; before the print style sheet (a project's own keeps it unless it says otherwise)
CELL_ALIGNMENT_CSS = ("th.align-left, td.align-left { text-align: left; }\n"
                      "th.align-right, td.align-right { text-align: right; }\n"
                      "th.align-center, td.align-center { text-align: center; }")
_CELL = re.compile(r"<(?P<tag>t[dh])\b(?P<attrs>[^>]*)>")
_CELL_ALIGN = re.compile(r'\s+style="text-align:\s*(?P<align>left|right|center);?"')
_CELL_LABEL = re.compile(r'\s+data-label="[^"]*"')
_CLASS = re.compile(r'\bclass="(?P<names>[^"]*)"')


# the line breaks the Markdown writes between a table's rows and cells: text WeasyPrint parses, makes boxes of and
# drops (white space between table parts is not rendered)
_BETWEEN_CELLS = re.compile(r"(?P<tag></t[dhr]>|</thead>|</tbody>|<tr>|<thead>|<tbody>|<table\b[^>]*>)\s+"
                            r"(?=<(?:td|th|tr|/tr|thead|/thead|tbody|/tbody|/table)\b)")
# a value kept on one line (formatting.py: ``<span class="nowrap">``) whose text has no break opportunity anyway:
# digits, letters, decimal and thousands marks, signs, per cent, times and no-break spaces ('16.8%', '6.4 h'); only
# where no text stands before it (after a tag: its text is not shaped with the words before it)
_UNBREAKABLE = re.compile('(?<=>)<span class="nowrap">(?P<text>[0-9A-Za-z.,%+\u2212\u00d7\u00a0]*)</span>')


def print_cells(html: str) -> str:
    """The tables' cells as the PDF needs them: a column's alignment (``style="text-align:right"`` from the
    Markdown) as a class ``CELL_ALIGNMENT_CSS`` aligns (``align-right``), and without the site's ``data-label``
    (its header, for phones). WeasyPrint parses each style attribute on its own and gives each element that has
    one a style of its own, computed property by property; cells with a class share the style of their
    column's alignment (the appendix: 1,268 style attributes). The white space between a table's rows and cells
    is left out, and a value kept on one line whose text could not break anyway is written without its span (an
    inline box WeasyPrint lays out: about half of the appendix's 800); the same lines."""

    def cell(match: re.Match) -> str:
        attrs = _CELL_LABEL.sub("", match["attrs"])
        align = _CELL_ALIGN.search(attrs)
        if align is not None:
            attrs = attrs[:align.start()] + attrs[align.end():]
            name = f"align-{align['align']}"
            named = _CLASS.search(attrs)
            attrs = (attrs[:named.start()] + f'class="{named["names"]} {name}"' + attrs[named.end():] if named
                     else f' class="{name}"' + attrs)
        return f"<{match['tag']}{attrs}>"

    return _UNBREAKABLE.sub(lambda m: m["text"], _CELL.sub(cell, _BETWEEN_CELLS.sub(r"\g<tag>", html)))


def write_pdf(html: str, base_dir: Path, out_path: Path, cache: BuildCache | None = None) -> None:
    """WeasyPrint's PDF of ``html`` (its links relative to ``base_dir``); with a ``cache``, the PDF of the same
    HTML and linked files (the SVG charts) written before is copied from it instead (a site-only change), and
    a PDF of which only some parts changed (a printed page's template) lays out only those parts again and
    puts their pages in place of the old ones (``patched_pdf``)."""
    key = cache.pdf_key(html, base_dir) if cache is not None and cache.enabled else None
    pdf = cache.load_pdf(key) if key else None
    if pdf is None:
        document = Path(out_path).stem
        try:
            patched = patched_pdf(html, base_dir, cache, document) if key else None
        except Exception:  # noqa: BLE001 -- the parts are a shortcut: whatever fails in it, the whole PDF is laid out
            logging.getLogger(__name__).debug("the PDF's changed parts could not be put in place", exc_info=True)
            patched = None
        if patched is not None:
            pdf, parts = patched
        else:
            rendered = _render(html, base_dir)
            parts = pdf_parts(html, base_dir, rendered, cache) if key else None
            pdf = rendered.write_pdf()
        if key:
            cache.store_pdf(key, pdf)
            if parts is not None:
                cache.store_pdf_parts(document, {**parts, "pdf": key})
    Path(out_path).write_bytes(pdf)


def _weasyprint():
    """WeasyPrint, imported without asking ``ctypes.util.find_library`` for its libraries on Linux. WeasyPrint
    tries several names for each library (Pango, HarfBuzz, fontconfig ...), and cffi hands a name it cannot open
    directly to ``find_library``, which runs ``ldconfig``, ``gcc`` and ``ld`` (54 processes, a fifth of a CPU
    second, and more in the import itself): each library's list holds its soname (``libpango-1.0.so.0``), which
    the dynamic loader opens directly, the same file ``find_library`` finds. If that import fails, WeasyPrint is
    imported again the usual way."""
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint

        return weasyprint
    except (ImportError, OSError):
        for name in [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = find_library
    import weasyprint

    return weasyprint


def _render(html: str, base_dir: Path):
    """WeasyPrint's laid-out document of ``html``."""
    HTML = _weasyprint().HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(Path(base_dir).resolve()) + "/").render()


# -- a PDF in parts: a change to one part lays out only that part --------------------------------------------
#
# The print HTML's parts are its top-level sections (the summary, each page, the glossary), each starting on a
# new page (``break-before: page``); the rest (the styles and the cover with its contents) is the frame. After a
# whole PDF is written, ``pdf_parts`` notes, per part, its key (its HTML and linked charts), first page, number of
# pages, the anchors on each page and the footnotes it numbers. When a later PDF has the same frame and parts
# of which only some changed, ``patched_pdf`` lays out a copy of the document in which each unchanged part is a
# stub of as many empty pages holding the same anchors on the same pages and counting the same footnotes: so
# the changed parts are laid out exactly where they stood, with the page numbers, the running headers (each stub
# keeps its section title), the footnote numbers and the targets of their links as in the whole document. If
# their pages, anchors and footnotes still fit the old ones, their pages replace the old pages in the last PDF
# (the outline and the named destinations rebuilt to match); otherwise the whole PDF is laid out again.

_PART = re.compile(r'^<section\b(?P<attrs>[^>]*)\bid="(?P<id>section-[^"]*)"(?P<rest>[^>]*)>', re.M)
_STYLE = re.compile(r"<style>(?P<css>.*?)</style>", re.S)
_H1 = re.compile(r"<h1\b.*?</h1>", re.S)
# what a stub cannot stand in for: counters of the authors' own, running elements, a running string set by
# anything but a section's title or the cover
_UNSTUBBABLE = re.compile(r"counter-(?:reset|increment|set)|running\(|element\(")
_STRING_SET_RULE = re.compile(r"(?P<selectors>[^{}]*)\{[^{}]*string-set")


def split_parts(html: str) -> tuple[str, list[tuple[str, str]]]:
    """``html`` as its frame (each part replaced by a placeholder) and its parts, ``(id, html)`` in order."""
    starts = list(_PART.finditer(html))
    end = html.rfind("</body>")
    if not starts or end < starts[-1].start():
        return html, []
    bounds = [m.start() for m in starts] + [end]
    parts = [(m["id"], html[a:b]) for m, a, b in zip(starts, bounds, bounds[1:])]
    frame = html[:bounds[0]] + "".join(f"<!-- part {ident} -->" for ident, _ in parts) + html[end:]
    return frame, parts


def stubbable(frame: str) -> bool:
    """Whether the print CSS lets a part be laid out with the others as stubs (see above)."""
    css = "".join(m["css"] for m in _STYLE.finditer(frame))
    if _UNSTUBBABLE.search(css):
        return False
    selectors = [s.strip() for m in _STRING_SET_RULE.finditer(css) for s in m["selectors"].split(",")]
    return all(s.startswith("h1") or s.startswith(".cover") for s in selectors)


def _footnotes(pages) -> int:
    """The footnotes called on ``pages`` (each once, however many pieces its call was split in)."""
    return len({id(box.element) for page in pages for box in page._page_box.descendants()
                if (getattr(box, "element_tag", None) or "").endswith("::footnote-call")})


def pdf_parts(html: str, base_dir: Path, rendered, cache: BuildCache) -> dict | None:
    """What ``patched_pdf`` needs to know of the parts of ``rendered`` (the laid-out ``html``), or None when
    it cannot be split in parts."""
    frame, parts = split_parts(html)
    if not parts or not stubbable(frame):
        return None
    anchors = [sorted(page.anchors) for page in rendered.pages]
    firsts = [next((n for n, names in enumerate(anchors) if ident in names), None) for ident, _ in parts]
    if None in firsts or firsts != sorted(set(firsts)) or firsts[0] == 0:
        return None
    ends = firsts[1:] + [len(anchors)]
    return {"frame": cache.pdf_key(frame, base_dir), "pages": len(anchors),
            "parts": [{"id": ident, "key": cache.pdf_key(chunk, base_dir), "first": first, "pages": end - first,
                       "anchors": anchors[first:end],
                       "footnotes": _footnotes(rendered.pages[first:end])}
                      for (ident, chunk), first, end in zip(parts, firsts, ends)]}


_STUB_PAGE = "supportlens-stub"
_MARGINS = [f"{side}-{place}" for side in ("top", "bottom") for place in ("left-corner", "left", "center", "right", "right-corner")] \
    + [f"{side}-{place}" for side in ("left", "right") for place in ("top", "middle", "bottom")]
# for the stubbed layout only, whose frame (the cover) and stub pages are never printed: stub pages draw no
# running headers and footers, and the frame is laid out as plain blocks (when the cover was a flex box, its layout
# took half of the stubbed layout); whether it still takes the same pages is checked like the stubs (their anchors' pages)
_STUB_CSS = ("<style>@page " + _STUB_PAGE + " { " + " ".join(f"@{m} {{ content: none }}" for m in _MARGINS) + " }\n"
             'body > :not([id^="section-"]) { display: block !important }</style>')


def _stub(chunk: str, part: dict) -> str | None:
    """An unchanged part as empty pages with its anchors where they stood, its section title and its footnotes
    counted (``counter-increment``), or None when its HTML does not allow it."""
    start = _PART.match(chunk)
    title = _H1.search(chunk)
    if start is None or "style=" in start[0] or title is None:
        return None
    in_title = set(_ID.findall(title[0]))
    pages = []
    for n, names in enumerate(part["anchors"]):
        spans = "".join(f'<span id="{escape(name, quote=True)}"></span>' for name in names
                        if name != part["id"] and name not in in_title)
        pages.append((title[0] if n == 0 else '<div style="break-before: page">') + f"<p>{spans}&#8203;</p>"
                     + ("" if n == 0 else "</div>"))
    opening = start[0][:-1] + f' style="page: {_STUB_PAGE}; counter-increment: footnote {int(part["footnotes"])}">'
    return opening + "".join(pages) + "</section>\n"


def patched_pdf(html: str, base_dir: Path, cache: BuildCache, document: str) -> tuple[bytes, dict] | None:
    """The last PDF of ``document`` with the pages of its changed parts laid out again (see above), and its
    parts; None when that is not possible (no last PDF, another frame or other parts, pages that moved)."""
    last = cache.load_pdf_parts(document)
    frame, parts = split_parts(html)
    if last is None or not parts or [p["id"] for p in last["parts"]] != [ident for ident, _ in parts]:
        return None
    if last["frame"] != cache.pdf_key(frame, base_dir) or not stubbable(frame):
        return None
    keys = [cache.pdf_key(chunk, base_dir) for _, chunk in parts]
    changed = [n for n, key in enumerate(keys) if key != last["parts"][n]["key"]]
    old = cache.load_pdf(last["pdf"])
    if not changed or old is None:
        return None
    chunks = {}
    for n, ((ident, chunk), part) in enumerate(zip(parts, last["parts"])):
        chunks[ident] = chunk if n in changed else _stub(chunk, part)
        if chunks[ident] is None:
            return None
    stubbed = re.sub(r"<!-- part (section-[^ ]*) -->", lambda m: chunks[m[1]], frame)
    if "</head>" not in stubbed:
        return None
    stubbed = stubbed.replace("</head>", _STUB_CSS + "</head>", 1)
    rendered = _render(stubbed, base_dir)
    anchors = [sorted(page.anchors) for page in rendered.pages]
    if len(anchors) != last["pages"]:
        return None
    fresh = dict(last, parts=[dict(p) for p in last["parts"]])
    for n, part in enumerate(fresh["parts"]):
        pages = slice(part["first"], part["first"] + part["pages"])
        if n not in changed:
            if anchors[pages] != part["anchors"]:
                return None
            continue
        footnotes = _footnotes(rendered.pages[pages])
        if part["id"] not in anchors[part["first"]] or footnotes != part["footnotes"]:
            return None
        part.update(key=keys[n], anchors=anchors[pages])
    ranges = [range(fresh["parts"][n]["first"], fresh["parts"][n]["first"] + fresh["parts"][n]["pages"])
              for n in changed]
    # the whole stubbed document is written (its stub pages are all but empty), so the links of the changed
    # parts to the other parts are kept: WeasyPrint drops a link whose anchor is on no page it writes
    merged = _replace_pages(old, rendered.write_pdf(), ranges)
    return (merged, fresh) if merged is not None else None


def _outline(reader, items=None, depth: int = 0) -> list[tuple[int, dict]]:
    """The outline of a PDF as (depth, destination) in order."""
    flat = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            flat.extend(_outline(reader, item, depth + 1))
        else:
            flat.append((depth, item))
    return flat


def _replace_pages(old: bytes, new: bytes, ranges: list[range]) -> bytes | None:
    """``old`` (a PDF) with the pages of ``ranges`` replaced by the same pages of ``new`` (a PDF of as many
    pages), its named destinations and outline rebuilt: those on the replaced pages from ``new``. None when the
    outline would not nest as before (a replaced range that does not start a top-level entry)."""
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Destination, Fit, NameObject

    before, after = PdfReader(BytesIO(old)), PdfReader(BytesIO(new))
    replaced = {i for r in ranges for i in r}
    if len(before.pages) != len(after.pages):
        return None
    writer = PdfWriter()
    writer.pdf_header = before.pdf_header
    for i, page in enumerate(before.pages):
        writer.add_page(after.pages[i] if i in replaced else page)

    def where(reader, destination) -> int | None:
        number = reader.get_destination_page_number(destination)
        return number if (number in replaced) == (reader is after) else None

    names = []
    for reader in (before, after):
        for name, destination in reader.named_destinations.items():
            page = where(reader, destination)
            if page is not None:
                names.append((name, page, destination))
    for name, page, destination in sorted(names, key=lambda n: n[0]):
        writer.add_named_destination_object(Destination(
            name, writer.pages[page].indirect_reference,
            Fit.xyz(destination.left, destination.top, destination.zoom)))

    entries = []
    for order, reader in enumerate((before, after)):
        for n, (depth, destination) in enumerate(_outline(reader)):
            page = where(reader, destination)
            if page is not None:
                entries.append((page, order, n, depth, destination))
    entries.sort(key=lambda e: e[:3])
    for r in ranges:   # each replaced range, and what follows it, starts at the top level
        first_in = next((e for e in entries if e[0] >= r.start), None)
        first_after = next((e for e in entries if e[0] >= r.stop), None)
        if any(e is not None and e[3] != 0 for e in (first_in, first_after)):
            return None
    parents: list = []
    for page, _, _, depth, destination in entries:
        if depth > len(parents):
            return None
        parent = writer.add_outline_item(
            title=destination.title, page_number=page, parent=parents[depth - 1] if depth else None,
            fit=Fit.xyz(destination.left, destination.top, destination.zoom),
            is_open=bool(destination.get("/%is_open%", True)))
        parents[depth:] = [parent]
    for key in ("/Lang",):
        if key in before.trailer["/Root"]:
            writer._root_object[NameObject(key)] = before.trailer["/Root"][key]
    if before.metadata:
        writer.add_metadata(dict(before.metadata))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
