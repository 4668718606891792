"""The builtin engine's Markdown: the subset of Quarto Markdown the templates use.

markdown-it-py (CommonMark + pipe tables) with small plugins for:
- YAML front matter (``title:``),
- fenced divs ``::: {.callout-note title="..."}`` -> ``<div class="callout callout-note">``,
- raw blocks ```` ```{=html} ```` passed through untouched,
- heading attributes ``## Title {#id .class}``, and ids for every other heading.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_KEYVAL = re.compile(r'([\w-]+)="([^"]*)"')
CALLOUT_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important", "caution": "Caution"}


@dataclass
class RenderedPage:
    title: str
    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    meta: dict = field(default_factory=dict)


def parse_attributes(text: str) -> tuple[str | None, list[str], dict[str, str]]:
    """'{#id .a .b key="v"}' -> ('id', ['a', 'b'], {'key': 'v'})"""
    body = text.strip().strip("{}")
    keyvals = dict(_KEYVAL.findall(body))
    rest = _KEYVAL.sub("", body).split()
    ident = next((w[1:] for w in rest if w.startswith("#")), None)
    classes = [w[1:] for w in rest if w.startswith(".")]
    return ident, classes, keyvals


def slugify(text: str) -> str:
    slug = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    return re.sub(r"[\s_]+", "-", slug) or "section"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _render_div(self, tokens, idx, _options, env):
    token = tokens[idx]
    if token.nesting != 1:
        return "</div></div>\n" if token.meta.get("callout") else "</div>\n"
    ident, classes, keyvals = parse_attributes(token.info.strip())
    callout = next((c.removeprefix("callout-") for c in classes if c.startswith("callout-")), None)
    id_attr = f' id="{_escape(ident)}"' if ident else ""
    if callout:
        # the closing token needs to know it closes a callout
        depth = 0
        for later in tokens[idx + 1:]:
            if later.type == "container_div_open":
                depth += 1
            elif later.type == "container_div_close":
                if depth == 0:
                    later.meta["callout"] = True
                    break
                depth -= 1
        title = keyvals.get("title", CALLOUT_TITLES.get(callout, callout.title()))
        return (f'<div class="callout callout-{_escape(callout)}"{id_attr}>'
                f'<div class="callout-title">{_escape(title)}</div><div class="callout-body">\n')
    return f'<div class="{_escape(" ".join(classes))}"{id_attr}>\n'


def _heading_ids(state: StateCore) -> None:
    """Take ``{#id .class}`` off headings and give every heading an id (unique in the page)."""
    seen: set[str] = set(state.env.setdefault("heading_ids", []))
    prefix = state.env.get("id_prefix", "")
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        match = _ATTRS.search(inline.content)
        ident, classes = None, []
        if match:
            ident, classes, _ = parse_attributes(match.group(1))
            inline.content = inline.content[: match.start()]
        text = inline.content.strip()
        ident = ident or slugify(text)
        base, n = ident, 1
        while ident in seen:
            n += 1
            ident = f"{base}-{n}"
        seen.add(ident)
        token.attrSet("id", prefix + ident)
        if classes:
            token.attrSet("class", " ".join(classes))
        state.env.setdefault("toc", []).append((int(token.tag[1]), prefix + ident, plain_text(state.md, text)))
    state.env["heading_ids"] = list(seen)


def plain_text(md: MarkdownIt, text: str) -> str:
    """A heading's inline Markdown as the words a reader sees, for the contents: backslash escapes,
    emphasis and code marks resolved ('Cover \\(up to \\+8\\)' -> 'Cover (up to +8)'), entities decoded."""
    words = []
    for token in md.parseInline(text)[0].children or []:
        if token.type in ("text", "code_inline"):
            words.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return "".join(words).strip()


SHORT_TABLE_ROWS = 20


def _mark_short_tables(state: StateCore) -> None:
    """Tables of at most 20 body rows get class 'table-short': print keeps them on one page."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "table_open":
            continue
        rows = 0
        for later in tokens[i + 1:]:
            if later.type == "table_close":
                break
            rows += later.type == "tr_open"
        if rows - 1 <= SHORT_TABLE_ROWS:
            token.attrSet("class", "table-short")


def _mark_lead_ins(state: StateCore) -> None:
    """A paragraph right before a table ('The ten agents who solved most:') gets class 'lead-in': print keeps
    it on the table's page."""
    tokens = state.tokens
    for i, token in enumerate(tokens[:-3]):
        if token.type == "paragraph_open" and tokens[i + 2].type == "paragraph_close" and tokens[i + 3].type == "table_open":
            token.attrSet("class", "lead-in")


def _label_cells(state: StateCore) -> None:
    """Give each body cell its column's header as ``data-label``: on a phone a wide table is shown row by row,
    each value under its header (site.css), instead of scrolling sideways."""
    tokens = state.tokens
    headers: list[str] = []
    column = 0
    for i, token in enumerate(tokens):
        if token.type == "thead_open":
            headers = []
        elif token.type == "th_open":
            headers.append(plain_text(state.md, tokens[i + 1].content) if tokens[i + 1].type == "inline" else "")
        elif token.type == "tr_open":
            column = 0
        elif token.type == "td_open":
            if column < len(headers) and headers[column]:
                token.attrSet("data-label", headers[column])
            column += 1


def markdown_engine() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(container_plugin, name="div", marker=":", validate=lambda params, *_: params.strip().startswith("{"),
           render=_render_div)
    md.core.ruler.before("inline", "heading_ids", _heading_ids)
    md.core.ruler.push("short_tables", _mark_short_tables)
    md.core.ruler.push("label_cells", _label_cells)
    md.core.ruler.push("lead_ins", _mark_lead_ins)
    default_fence = md.renderer.rules["fence"]

    def fence(self, tokens, idx, options, env):
        if tokens[idx].info.strip() == "{=html}":
            return tokens[idx].content
        return default_fence(tokens, idx, options, env)

    md.add_render_rule("fence", fence)
    # a table scrolls inside its own box when it is wider than a phone's screen, never the page
    default_open, default_close = md.renderer.rules.get("table_open"), md.renderer.rules.get("table_close")

    def table_open(self, tokens, idx, options, env):
        inner = default_open(tokens, idx, options, env) if default_open else self.renderToken(tokens, idx, options, env)
        return '<div class="table-wrap">' + inner

    def table_close(self, tokens, idx, options, env):
        inner = default_close(tokens, idx, options, env) if default_close else self.renderToken(tokens, idx, options, env)
        return inner + "</div>\n"

    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    md.add_render_rule("front_matter", lambda *_: "")
    return md


_ENGINE = markdown_engine()


def render_markdown(text: str, id_prefix: str = "") -> RenderedPage:
    """Quarto Markdown text -> HTML body, title, table of contents and front-matter metadata. The same text and
    prefix give the same page: a page printed in both PDFs (its sections split between the board pack and the
    appendix) is rendered once (each call gets its own RenderedPage, its list and dict copies)."""
    title, html, toc, meta = _rendered(text, id_prefix)
    return RenderedPage(title=title, html=html, toc=list(toc), meta=copy.deepcopy(meta))


@functools.lru_cache(maxsize=64)    # (more than the pages: both PDFs' pages stay in it)
def _rendered(text: str, id_prefix: str) -> tuple[str, str, tuple, dict]:
    env: dict = {"id_prefix": id_prefix}
    tokens = _ENGINE.parse(text, env)
    meta: dict = {}
    for token in tokens:
        if token.type == "front_matter":
            meta = yaml.safe_load(token.content) or {}
            break
    html = _ENGINE.renderer.render(tokens, _ENGINE.options, env)
    return str(meta.get("title", "")), html, tuple(env.get("toc", [])), meta
