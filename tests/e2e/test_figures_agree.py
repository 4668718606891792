"""The same figure is the same number wherever the site states it, and says which tickets it covers (issue 12, 7).

Four figures the report repeats across pages: the coverage gap (first-response breach rate of the gap hours), the
resolution breach rate of high-priority tickets, the escalation rate and the backlog. Every statement of them on the
built site is found in the text a reader sees; its scope is the reporting period, the whole span of the data or the
as-of time, read from the nearest scope the text names (the same sentence, else the same section, else the page's
subtitle). A statement without a scope fails; two statements of one figure with one scope must agree. The escalation
rate and the backlog are also worked out again from the sample's tickets file.

Observational wording (issue 12, 6): no page states an effect estimated from observational data as a cause."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

BLOCKS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "figcaption", "dt", "dd"}
HEADINGS = {"h1", "h2", "h3", "h4"}
SKIPPED = {"script", "style", "head", "nav", "footer", "details"}     # details: the data behind each chart
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source"}


@dataclass
class Block:
    text: str
    section: int          # blocks under the same heading share it
    heading: str          # the heading above the block


@dataclass
class _Open:
    tag: str
    skip: bool
    kind: str | None      # "block", "subtitle" or None (an element whose text goes to the block around it)
    parts: list[str]


class _Blocks(HTMLParser):
    """The page's text cut into blocks (paragraphs, list items, table rows, KPI tiles, headings ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[Block] = []
        self.subtitle = ""
        self._stack: list[_Open] = []
        self._skip = 0
        self._section = 0
        self._heading = ""

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skip = tag in SKIPPED or (tag == "header" and "navbar" in classes)
        kind = None
        if tag == "p" and "subtitle" in classes:
            kind = "subtitle"
        elif tag in BLOCKS or (tag == "div" and {"kpi-tile", "callout-title"} & classes):
            kind = "block"
        if tag in HEADINGS and not self._skip:
            self._section += 1
        self._skip += skip
        self._stack.append(_Open(tag, skip, kind, []))

    def handle_endtag(self, tag):
        if tag in VOID or not any(el.tag == tag for el in self._stack):
            return
        while self._stack:
            el = self._stack.pop()
            self._skip -= el.skip
            text = " ".join("".join(el.parts).split())
            if el.kind == "subtitle":
                self.subtitle = text
            elif el.kind == "block" and text and not self._skip:
                if el.tag in HEADINGS:
                    self._heading = text
                self.blocks.append(Block(text, self._section, self._heading))
            if el.tag == tag:
                break

    def handle_data(self, data):
        if self._skip:
            return
        for el in reversed(self._stack):
            if el.kind:
                el.parts.append(data)
                return


def page_blocks(html: str) -> tuple[list[Block], str]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks, parser.subtitle


@dataclass(frozen=True)
class Statement:
    figure: str
    key: str              # which one: the hours of a coverage gap; "" for the others
    page: str
    scope: str | None     # period, span or now
    value: str
    text: str


DAYS = r"((?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[–, ]*)*)"
HOURS = r"([\d:–, ]+?)"
# figure -> (pattern, which groups form the key, the group of the value, only in a section with this heading)
PATTERNS: list[tuple[str, re.Pattern, tuple[int, ...], int, str | None]] = [
    ("escalation_rate", re.compile(r"^Escalation rate ([\d.]+%)"), (), 1, None),
    ("escalation_rate", re.compile(r"\( ?([\d.]+%) ?\),? \(?95% CI [^)]*\) were escalated"), (), 1, None),
    ("escalation_rate", re.compile(r"the escalation rate was ([\d.]+%)"), (), 1, None),
    ("backlog", re.compile(r"([\d,]+) tickets are open at"), (), 1, None),
    ("backlog", re.compile(r"stands at ([\d,]+) open tickets"), (), 1, None),
    ("high_breach", re.compile(r"^High [\d.]+ (?:min|h|days) (?:/ )?[\d.]+ (?:min|h|days) [\d,]+ [\d.]+% ([\d.]+%)"), (), 1,
     "By priority"),
    ("high_breach", re.compile(r"High(?:-priority)? tickets breach their resolution target most often: ([\d.]+%)"), (), 1, None),
    ("high_breach", re.compile(r"high(?:-priority)? tickets miss their resolution target in ([\d.]+%)", re.IGNORECASE), (), 1, None),
    ("high_breach", re.compile(r"high(?:-priority)? tickets (?:breach|miss) their [\d.]+ (?:h|days) resolution target in ([\d.]+%)"), (), 1, None),
    ("high_breach", re.compile(r"Resolution breach rate of high(?:-priority)? tickets:? ([\d.]+%)"), (), 1, None),
    ("high_breach", re.compile(r"^High [\d,]+ ([\d.]+%) \("), (), 1, "Priority"),
    ("coverage_gap", re.compile(rf"Tickets created {DAYS}{HOURS} UTC[^.]*? (?:breach|miss) the first-response target ([\d.]+%)"),
     (1, 2), 3, None),
    ("coverage_gap", re.compile(r"Tickets created in (the gap hours)[^.]*? (?:breach|miss) the first-response target ([\d.]+%)"),
     (1,), 2, None),
    ("coverage_gap", re.compile(rf"First-response breach rate of tickets created {DAYS}{HOURS} UTC ([\d.]+%)"), (1, 2), 3,
     None),
]
# the drivers page reads each priority against its own target: "High-priority tickets miss their own resolution target
# most often and Low-priority tickets least (36.8% vs 4.1%, each against its own target)"
PAIR = re.compile(r"^Priority\s*:\s*(\w+)-priority tickets miss their own resolution target most often and "
                  r"(\w+)-priority tickets least \(([\d.]+%) vs ([\d.]+%)")


def scope_markers(context: dict) -> list[tuple[str, str]]:
    period = context["report"]["period"]
    as_of = pd.Timestamp(context["report"]["as_of"])
    span = f"{pd.Timestamp(period['data_start']):%d %b %Y} – {as_of:%d %b %Y}"
    whole = "span" if period["kind"] == "all" else "period"
    return [(period["label"], whole), ("whole span", "span"), (span, "span"), (f"{as_of:%d %b %Y %H:%M} UTC", "now")]


def scopes_in(text: str, markers: list[tuple[str, str]]) -> list[tuple[int, str]]:
    found = sorted((m.start(), scope) for marker, scope in markers for m in re.finditer(re.escape(marker), text))
    return found


def scope_of(blocks: list[Block], k: int, at: int, subtitle: str, markers) -> str | None:
    """The nearest scope the reader is given: before the figure in its block, else after it in the block, else the
    nearest block above in the same section, else the page's subtitle."""
    here = scopes_in(blocks[k].text, markers)
    before = [s for start, s in here if start < at]
    if before:
        return before[-1]
    if here:
        return here[0][1]
    for j in range(k - 1, -1, -1):
        if blocks[j].section != blocks[k].section:
            break
        above = scopes_in(blocks[j].text, markers)
        if above:
            return above[-1][1]
    found = scopes_in(subtitle, markers)
    return found[-1][1] if found else None


def statements(site: Path, context: dict) -> list[Statement]:
    markers = scope_markers(context)
    out = []
    for path in sorted(site.glob("*.html")):
        blocks, subtitle = page_blocks(path.read_text(encoding="utf-8"))
        for k, block in enumerate(blocks):
            for figure, pattern, key_groups, value_group, heading in PATTERNS:
                if heading is not None and block.heading != heading:
                    continue
                for m in pattern.finditer(block.text):
                    key = " ".join(m.group(g).strip(" ,") for g in key_groups).strip()
                    out.append(Statement(figure, key, path.stem, scope_of(blocks, k, m.start(value_group), subtitle, markers),
                                         m.group(value_group), block.text))
            for m in PAIR.finditer(block.text):
                for name_group, value_group in ((1, 3), (2, 4)):
                    if m.group(name_group).lower() == "high":
                        out.append(Statement("high_breach", "", path.stem,
                                             scope_of(blocks, k, m.start(value_group), subtitle, markers),
                                             m.group(value_group), block.text))
    return out


@pytest.fixture(scope="module")
def stated(project):
    context = json.loads((project / "report" / "context.json").read_text(encoding="utf-8"))
    return statements(project / "_site", context), context


def test_the_block_reader_finds_scopes_where_a_reader_would():
    html = ("<header class='title-block'><h1>SLA</h1><p class='subtitle'>Tickets created in Q2 2026</p></header>"
            "<h2>Escalations</h2><p>Over the whole span of the data, 10 of 40 tickets (25.0%, 95% CI 1%–2%) were "
            "escalated; in Q2 2026 the escalation rate was 20.0%.</p><h2>Later</h2><div class='kpi-tile'>"
            "<div>Escalation rate</div><div>20.0%</div></div><details><p>the escalation rate was 99.0%</p></details>")
    blocks, subtitle = page_blocks(html)
    markers = [("Q2 2026", "period"), ("whole span", "span")]
    assert subtitle == "Tickets created in Q2 2026"
    text = [b.text for b in blocks]
    assert not any("99.0%" in t for t in text), "the data behind a chart is not read"
    k = next(i for i, b in enumerate(blocks) if "were escalated" in b.text)
    assert scope_of(blocks, k, blocks[k].text.index("25.0%"), subtitle, markers) == "span"
    assert scope_of(blocks, k, blocks[k].text.index("20.0%"), subtitle, markers) == "period"
    tile = next(i for i, b in enumerate(blocks) if b.text.startswith("Escalation rate"))
    assert scope_of(blocks, tile, 0, subtitle, markers) == "period"     # from the subtitle: nothing nearer


def test_each_figure_states_its_scope_and_agrees_wherever_it_appears(stated):
    found, context = stated
    unscoped = [f"{s.figure} on {s.page}: {s.text[:160]}" for s in found if s.scope is None]
    assert not unscoped, "a repeated figure without its scope:\n" + "\n".join(unscoped)
    values: dict[tuple[str, str, str], set[str]] = {}
    for s in found:
        values.setdefault((s.figure, s.key, s.scope), set()).add(s.value)
    disagree = {k: v for k, v in values.items() if len(v) > 1}
    assert not disagree, "one figure, one scope, different numbers:\n" + "\n".join(
        f"{k}: {sorted(v)} on " + ", ".join(sorted({s.page for s in found if (s.figure, s.key, s.scope) == k}))
        for k, v in disagree.items())


def test_the_figures_are_found_on_every_page_that_states_them(stated):
    found, context = stated
    pages = lambda figure: {s.page for s in found if s.figure == figure}  # noqa: E731
    assert {"index", "escalations"} <= pages("escalation_rate")
    assert {"index", "trends"} <= pages("backlog")
    assert {"sla", "drivers"} <= pages("high_breach")
    expected_gap = {"sla"} if any(f["kind"] == "coverage_gap" for f in context["findings"]) else set()
    if any(f["kind"] == "coverage_gap" and f["on_summary"] for f in context["findings"]):
        expected_gap.add("index")
    if context["actions"] and context["actions"]["staffing"] and context["actions"]["staffing"]["gap"]:
        expected_gap.add("staffing")
    assert expected_gap <= pages("coverage_gap")
    # a page that covers another scope says so: the escalations page states the whole span's rate and the period's
    assert {s.scope for s in found if s.figure == "escalation_rate" and s.page == "escalations"} == {"span", "period"}


def test_escalation_rate_and_backlog_match_the_tickets_file(stated, project):
    found, context = stated
    tickets = pd.read_csv(project / "data" / "sample" / "tickets.csv", parse_dates=["created_at"])
    period = context["report"]["period"]
    escalated = tickets["escalated"].astype(str).str.lower() == "true"
    in_period = (tickets["created_at"] >= pd.Timestamp(period["start"])) & (tickets["created_at"] < pd.Timestamp(period["end"]))
    expected = {"span": f"{escalated.mean() * 100:.1f}%", "period": f"{escalated[in_period].mean() * 100:.1f}%"}
    for s in found:
        if s.figure == "escalation_rate":
            assert s.value == expected[s.scope], (s.page, s.scope, s.text[:160])
    open_now = int((~tickets["status"].isin(["solved", "closed"])).sum())
    backlog = [s for s in found if s.figure == "backlog"]
    assert backlog and all(s.scope == "now" and s.value == f"{open_now:,}" for s in backlog), backlog


# --- Observational wording (issue 12, 6) ---------------------------------------------------------------------------
CAUSAL = re.compile(r"would (?:lift|raise|improve|change|cut|reduce|increase|lower) (?:the )?(?:mean )?CSAT"
                    r"|pays? off|lifts satisfaction|still change the odds|clearly changes the odds", re.IGNORECASE)


def test_no_observational_estimate_is_written_as_a_cause(project):
    said = []
    for path in sorted((project / "_site").glob("*.html")):
        blocks, subtitle = page_blocks(path.read_text(encoding="utf-8"))
        for text in [subtitle, *(b.text for b in blocks)]:
            said += [f"{path.stem}: …{text[max(0, m.start() - 60):m.end() + 60]}…" for m in CAUSAL.finditer(text)]
    assert not said, "\n".join(said)


def test_the_causal_pattern_catches_what_issue_12_saw():
    for sentence in ("Updating at least every 8 h would lift mean CSAT by 0.19",
                     "Keeping escalated customers updated pays off.",
                     "Adjusted for each other, channel and category still change the odds of a breach"):
        assert CAUSAL.search(sentence), sentence
    assert not CAUSAL.search("Escalated tickets updated at least every 8 h had a mean CSAT 0.19 points higher")
