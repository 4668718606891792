"""supportlens/pages.py: each page's declaration agrees with its template and the chart modules, and the
navbar, the PDF's sections and the chart registry follow from the declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import meta, nodes

from supportlens.charts import REGISTRY, chart_functions
from supportlens.context import context_schema
from supportlens.pages import CHART_PAGE, PAGES, PRINTED, Page, navbar
from supportlens.render.pages import environment

ENV = environment(Path("/nonexistent"))   # the package's templates only, no project override
SECTIONS = set(context_schema()["properties"])
# what render_pages passes besides the context's sections, by the section it comes from
DERIVED = {"period": "report", "findings_alpha": "provenance", "findings_ratio": "provenance",
           "findings_change": "provenance", "config_period_length": "provenance"}
CHART_CALLS = {"chart", "has_chart", "maybe_chart"}


def parsed(name: str) -> nodes.Template:
    return ENV.parse(ENV.loader.get_source(ENV, name)[0])


def sections_read(template: nodes.Template) -> set[str]:
    """The context sections a template reads, with those of the partials it includes or imports with context
    (a partial imported without context sees no section)."""
    names = set(meta.find_undeclared_variables(template))
    for node in template.find_all((nodes.Include, nodes.Import, nodes.FromImport)):
        if getattr(node, "with_context", True):
            for name in partials_named(node.template):
                names |= sections_read(parsed(name))
    return {DERIVED.get(name, name) for name in names} & (SECTIONS | set(DERIVED.values()))


def partials_named(name: nodes.Expr) -> list[str]:
    """The templates an include or import can load: its name, or for a name built at render time from a
    literal prefix and suffix ("partials/recommendations/" ~ r.kind ~ ".j2") every template that fits."""
    if isinstance(name, nodes.Const):
        return [name.value]
    if isinstance(name, nodes.Concat) and isinstance(name.nodes[0], nodes.Const):
        suffix = name.nodes[-1].value if isinstance(name.nodes[-1], nodes.Const) else ""
        return [t for t in ENV.list_templates() if t.startswith(name.nodes[0].value) and t.endswith(suffix)]
    raise AssertionError(f"a template loads a partial whose name this test cannot follow: {name}")


def charts_named(template: nodes.Template) -> set[str]:
    """The chart ids a template names literally: chart("id"), has_chart("id"), maybe_chart("id")."""
    return {call.args[0].value for call in template.find_all(nodes.Call)
            if isinstance(call.node, nodes.Name) and call.node.name in CHART_CALLS
            and call.args and isinstance(call.args[0], nodes.Const)}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_a_page_template_reads_only_the_sections_it_declares(page):
    assert set(page.reads) <= SECTIONS, "not a section of the context"
    assert sections_read(parsed(page.template)) <= set(page.reads)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_a_page_template_names_only_charts_it_declares(page):
    assert charts_named(parsed(page.template)) <= set(page.charts)


def test_the_checks_see_sections_and_charts_through_partials_and_conditionals():
    planted = ENV.parse('{% from "partials/recommendation.j2" import evidence with context %}'
                        '{% if flavour == "site" %}{{ kpis[0].value }} {{ period.start }}{% endif %}'
                        '{% set data = 1 %}{{ data }}{{ maybe_chart("backlog") }}{{ chart(d.id ~ "_y") }}')
    # recommendation.j2 imports partials/recommendations/<kind>.j2, one of which reads diagnostics; `period`
    # is report.period; `data` is a local here; a chart id built at render time is not seen here
    # (tests/e2e/test_page_declarations.py sees it in the site)
    assert sections_read(planted) == {"kpis", "report", "diagnostics"}
    assert charts_named(planted) == {"backlog"}
    without_context = ENV.parse('{% from "partials/recommendation.j2" import evidence %}{{ sla.all }}')
    assert sections_read(without_context) == {"sla"}


def test_every_chart_function_is_declared_by_exactly_one_page():
    declared = [chart_id for page in PAGES for chart_id in page.charts]
    assert len(declared) == len(set(declared)), "a chart declared on two pages"
    assert sorted(declared) == sorted(chart_functions())
    assert list(REGISTRY) == declared                     # built in page order
    assert CHART_PAGE["breach_by_priority"] == "sla" and CHART_PAGE["its_breach"] == "escalations"


def test_every_page_has_its_template_and_every_page_template_a_page():
    shipped = {name for name in ENV.list_templates() if name.startswith("pages/")}
    assert shipped == {page.template for page in PAGES}
    assert [page.id for page in PAGES][0] == "index"      # the site's home and the PDF's executive summary


def test_the_pdf_sections_are_the_pages_declared_in_it_in_navbar_order():
    assert [page.id for page in PRINTED] == [page.id for page in PAGES if page.id not in ("explorer", "downloads")]


def test_navbar_groups_pages_into_menus_where_the_first_page_of_the_group_stands():
    pages = (Page("index", "Home"), Page("a", "A", group="G"), Page("x", "X"), Page("b", "B", group="G"),
             Page("c", "C", group="H"))
    assert navbar(pages) == [
        {"id": "index", "nav": "Home"},
        {"menu": "G", "pages": [{"id": "a", "nav": "A"}, {"id": "b", "nav": "B"}]},
        {"id": "x", "nav": "X"},
        {"menu": "H", "pages": [{"id": "c", "nav": "C"}]},
    ]
    assert navbar()[-1] == {"id": "explorer", "nav": "Explorer"}
