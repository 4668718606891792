"""The report's pages: one declaration each, in navbar order.

Everything about a page that is not its text follows from its ``Page`` here:

- the site's navbar and menus (``navbar``), the builtin engine's pages and the Quarto project
  (``report/_quarto.yml``, rendered from ``templates/quarto/_quarto.yml.j2``),
- the PDF's sections and their order (``PRINTED``),
- which charts are built and on which page they sit (``charts/__init__.py:REGISTRY`` is made from
  ``Page.charts``; a chart function no page declares is never drawn, and a test says so),
- the page's template, ``templates/pages/<id>.qmd.j2``,
- the sections of ``report/context.json`` its template reads (``Page.reads``, checked against the
  template's text by ``tests/unit/test_pages.py``).

Adding a page is this declaration, its template, its charts module and its analysis (CONTRIBUTING.md).
This module is data only: it imports nothing of supportlens, so every layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    id: str                       # file name of the page: <id>.html, report/<id>.qmd, templates/pages/<id>.qmd.j2
    nav: str                      # its navbar label (and its name in the downloads table)
    group: str = ""               # the navbar menu it sits in ("" = a top-level link)
    in_pdf: bool = True           # a section of the PDF (the explorer and downloads pages are not)
    reads: tuple[str, ...] = ()   # top-level sections of the context its template reads
    charts: tuple[str, ...] = ()  # ids of the charts it shows, in the order they are built

    @property
    def template(self) -> str:
        return f"pages/{self.id}.qmd.j2"


# Site navbar order, the order of the PDF's sections and of the charts in the downloads table.
PAGES = (
    Page("index", "Summary",
         reads=("actions", "data", "data_quality", "findings", "kpis", "method", "provenance", "quality", "report"),
         charts=("monthly_volume", "backlog")),
    Page("sla", "SLA performance", group="Performance",
         reads=("findings", "method", "report", "sla"),
         charts=("breach_by_priority", "first_response_by_hour", "monthly_breach", "open_breached_by_priority")),
    Page("drivers", "Why we breach", group="Performance",
         reads=("diagnostics", "findings", "report", "skipped"),
         charts=("driver_effects", "breach_by_segment", "breach_odds_ratios", "resolution_survival",
                 "resolution_by_segment")),
    Page("trends", "Trends", group="Performance",
         reads=("diagnostics", "report"),
         charts=("weekly_volume_forecast", "weekly_breach", "weekly_backlog", "weekday_pattern")),
    Page("escalations", "Escalations", group="Operations",
         reads=("escalations", "findings", "interrupted_series", "method", "skipped"),
         charts=("escalation_time_by_role", "escalation_stage_time", "handoff_matrix", "process_map",
                 "resolution_by_path", "swimlane_representative", "swimlane_slowest",
                 "csat_by_silence", "policy_estimate", "its_resolution", "its_breach")),
    Page("staffing", "Staffing", group="Operations",
         reads=("actions", "method", "skipped"),
         charts=("staffing_volume", "staffing_first_response", "staffing_breach", "staffing_gap")),
    Page("workload", "Workload", group="Operations",
         reads=("diagnostics", "method"),
         charts=("agent_load", "congestion", "automation_candidates")),
    Page("accounts", "Accounts", group="Operations",
         reads=("diagnostics", "findings", "skipped"),
         charts=("lorenz_curve", "top_accounts", "industry_resolution", "country_resolution", "tenure_resolution")),
    Page("risk", "Risk model", group="Actions",
         reads=("actions", "method", "report", "skipped"),
         charts=("risk_roc", "risk_calibration", "risk_importance")),
    Page("recommendations", "Recommendations", group="Actions",
         reads=("actions", "diagnostics", "provenance", "report"),
         charts=("recommendation_benefit",)),
    Page("quality", "Data quality", group="Data",
         reads=("data", "data_quality")),
    Page("methodology", "Methodology", group="Data",
         reads=("data", "data_quality", "kpis", "method", "provenance", "report", "report_tests", "schema_version",
                "sla")),
    Page("explorer", "Explorer", in_pdf=False,
         reads=("explorer",),
         charts=("explorer_volume", "explorer_breach")),
    Page("downloads", "Downloads", group="Data", in_pdf=False,
         reads=("schema_version",)),
)

PRINTED = tuple(page for page in PAGES if page.in_pdf)  # the executive summary and the PDF's sections, in order

# chart id -> the id of the page that shows it
CHART_PAGE = {chart_id: page.id for page in PAGES for chart_id in page.charts}


def navbar(pages: tuple[Page, ...] = PAGES) -> list[dict]:
    """Top-level navbar entries: a page, or a menu of the pages of one group (where its first page is), in page order."""
    entries: list[dict] = []
    for page in pages:
        item = {"id": page.id, "nav": page.nav}
        if not page.group:
            entries.append(item)
            continue
        menu = next((e for e in entries if e.get("menu") == page.group), None)
        if menu is None:
            menu = {"menu": page.group, "pages": []}
            entries.append(menu)
        menu["pages"].append(item)
    return entries
