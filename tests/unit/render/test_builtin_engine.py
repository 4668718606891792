"""The builtin engine renders every construct the page templates use."""

from __future__ import annotations

import re

from supportlens.render.markdown import render_markdown
from support import ROOT


PAGE = '''---
title: "Fish & <Chips>"
subtitle: "A subtitle"
---

## Headline KPIs {#kpis}

Text with **bold** and a [link](sla.html).

::: {.callout-warning title="Coverage gap"}
Inside the *callout*.
:::

::: {.callout-note}
Plain note.
:::

| Priority | Rate |
|---|--:|
| Critical | 38.0% |

```{=html}
<div id="chart-x" class="plotly-chart"></div>
```

## Headline KPIs

### Sub heading
'''


def test_front_matter_title_and_meta():
    page = render_markdown(PAGE)
    assert page.title == "Fish & <Chips>"
    assert page.meta["subtitle"] == "A subtitle"
    assert "title:" not in page.html


def test_heading_ids_explicit_automatic_and_unique():
    page = render_markdown(PAGE)
    assert '<h2 id="kpis">Headline KPIs</h2>' in page.html
    assert '<h2 id="headline-kpis">Headline KPIs</h2>' in page.html
    assert '<h3 id="sub-heading">' in page.html
    assert [t[1] for t in page.toc] == ["kpis", "headline-kpis", "sub-heading"]
    assert "{#kpis}" not in page.html


def test_heading_id_prefix_for_print():
    page = render_markdown(PAGE, id_prefix="sla-")
    assert 'id="sla-kpis"' in page.html


def test_callouts_with_and_without_title():
    html = render_markdown(PAGE).html
    assert '<div class="callout callout-warning"><div class="callout-title">Coverage gap</div>' in html
    assert '<div class="callout callout-note"><div class="callout-title">Note</div>' in html
    assert "<em>callout</em>" in html
    assert html.count("<div") == html.count("</div>")


def test_pipe_table_with_alignment():
    html = render_markdown(PAGE).html
    assert '<div class="table-wrap"><table class="table-short">' in html
    assert '<td style="text-align:right" data-label="Rate">38.0%</td>' in html


def test_raw_html_block_passes_through():
    html = render_markdown(PAGE).html
    assert '<div id="chart-x" class="plotly-chart"></div>' in html
    assert "{=html}" not in html and "<pre>" not in html


def test_templates_use_only_supported_constructs():
    """Every fenced div and raw block in the page templates is one the engine handles."""
    templates = [*(ROOT / "src" / "supportlens" / "templates" / "pages").glob("*.j2"), *(ROOT / "src" / "supportlens" / "templates" / "partials").glob("*.j2")]
    assert templates
    for template in templates:
        text = template.read_text()
        for fence in re.findall(r"^```(\S*)", text, flags=re.M):
            assert fence in ("", "{=html}"), (template.name, fence)
        for div in re.findall(r"^:::[ \t]*(\{[^}]*\})?", text, flags=re.M):
            assert div in ("", "{.table-note}") or div.startswith("{.callout-"), (template.name, div)


def test_short_tables_are_marked_to_stay_on_one_printed_page():
    short = "| a |\n|---|\n" + "| 1 |\n" * 20
    long = "| a |\n|---|\n" + "| 1 |\n" * 21
    assert '<table class="table-short">' in render_markdown(short).html
    assert '<table>' in render_markdown(long).html


def test_the_same_text_renders_once_and_each_call_gets_its_own_page():
    """A page printed in both PDFs is rendered once (the second call is the first's result), yet a caller that
    changes its page (print_html rewrites the summary's links) changes neither the next caller's page nor the
    cached one; another prefix is rendered again, with its own ids."""
    from supportlens.render.markdown import _rendered

    _rendered.cache_clear()
    first = render_markdown(PAGE, id_prefix="sla-")
    first.html = "changed"
    first.toc.append((9, "x", "y"))
    first.meta["title"] = "changed"
    second = render_markdown(PAGE, id_prefix="sla-")
    assert _rendered.cache_info().hits == 1
    assert second.html != "changed" and (9, "x", "y") not in second.toc and second.meta.get("title") != "changed"
    assert second.html == _rendered.__wrapped__(PAGE, "sla-")[1]     # as rendered without the cache
    other = render_markdown(PAGE, id_prefix="risk-")
    assert other.html != second.html and _rendered.cache_info().misses == 2
