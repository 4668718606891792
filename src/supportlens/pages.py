"""The report's pages: one declaration each, in navbar order.

Everything about a page that is not its text follows from its ``Page`` here:

- the site's navbar and menus (``navbar``), the builtin engine's pages and the Quarto project
  (``_quarto.yml`` at the project root, rendered from ``templates/quarto/_quarto.yml.j2``),
- the two PDFs and their sections, in page order: the board pack ``report.pdf`` (``BOARD``: each page's
  sections but those it sends to the appendix) and the analysts' ``appendix.pdf`` (``APPENDIX``: the sections
  a page sends there, and the pages printed there whole),
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
from fnmatch import fnmatchcase

REPORT = "report"       # report.pdf, the board pack: cover, the one-page summary, one spread per question, the actions
APPENDIX = "appendix"   # appendix.pdf, for analysts: the model card, segment tables, methodology, data quality, glossary


@dataclass(frozen=True)
class Page:
    id: str                       # file name of the page: <id>.html, <id>.qmd (project root), templates/pages/<id>.qmd.j2
    nav: str                      # its navbar label (and its name in the downloads table)
    group: str = ""               # the navbar menu it sits in ("" = a top-level link)
    pdf: str | None = REPORT      # the PDF it is printed in: REPORT, APPENDIX or None (the explorer and downloads)
    reads: tuple[str, ...] = ()   # top-level sections of the context its template reads
    charts: tuple[str, ...] = ()  # ids of the charts it shows, in the order they are built
    # sections of a REPORT page printed in the appendix instead: the ids of their headings (``## Title {#id}``,
    # shell-style patterns such as "by-*"); a heading's subsections go with it. The site shows every section.
    appendix: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return f"pages/{self.id}.qmd.j2"

    @property
    def in_pdf(self) -> bool:
        return self.pdf is not None

    def document_of(self, section: str) -> str | None:
        """The PDF a section of this page (the id of its heading, "" for the text before the first) is printed in."""
        if self.pdf == REPORT and section and any(fnmatchcase(section, pattern) for pattern in self.appendix):
            return APPENDIX
        return self.pdf


# Site navbar order, the order of the PDF's sections and of the charts in the downloads table.
PAGES = (
    Page("index", "Summary",
         reads=("actions", "data", "data_quality", "diagnostics", "findings", "kpis", "method", "provenance", "quality",
                "report", "sla", "unanswered", "verdict"),
         charts=("monthly_volume", "backlog")),
    Page("sla", "SLA performance", group="Performance",
         reads=("findings", "kpis", "method", "report", "sla"),
         charts=("breach_by_priority", "first_response_by_hour", "monthly_breach", "open_breached_by_priority"),
         appendix=("durations", "open-breaches")),
    Page("drivers", "Why we breach", group="Performance",
         reads=("diagnostics", "findings", "report", "skipped"),
         charts=("driver_effects", "breach_by_segment", "breach_odds_ratios", "resolution_survival",
                 "resolution_by_segment"),
         # the board pack keeps the question's answer (which dimensions separate breaching tickets); the model adjusted
         # for every dimension at once, a forest plot of odds ratios, is for analysts
         appendix=("differences", "adjusted", "model-table", "resolution", "segments", "not-compared")),
    Page("trends", "Trends", group="Performance",
         reads=("diagnostics", "findings", "report"),
         charts=("weekly_volume_forecast", "weekly_breach", "weekly_backlog", "weekday_pattern"),
         appendix=("forecast-table", "breach", "steps", "backlog", "seasonality", "monthly")),
    Page("escalations", "Escalations", group="Operations",
         reads=("escalations", "findings", "interrupted_series", "kpis", "method", "report", "skipped"),
         charts=("escalation_time_by_role", "escalation_stage_time", "handoff_matrix", "process_map",
                 "resolution_by_path", "swimlane_representative", "swimlane_slowest",
                 "csat_by_silence", "policy_estimate", "its_resolution", "its_breach"),
         appendix=("stage-table", "handoff-table", "process-map", "paths", "communication", "proactive", "before-after",
                   "mapping")),
    Page("staffing", "Staffing", group="Operations",
         reads=("actions", "method", "report", "skipped"),
         charts=("staffing_volume", "staffing_first_response", "staffing_breach", "staffing_gap"),
         appendix=("gaps-method", "heatmaps", "required")),
    Page("workload", "Workload", group="Operations",
         reads=("diagnostics", "method"),
         charts=("agent_load", "congestion", "automation_candidates"),
         appendix=("load-table", "congestion", "automation-table")),
    Page("accounts", "Accounts", group="Operations",
         reads=("diagnostics", "findings", "skipped"),
         charts=("lorenz_curve", "top_accounts", "industry_resolution", "country_resolution", "tenure_resolution"),
         appendix=("concentration-detail", "top-accounts-table", "by-*", "tenure")),
    Page("risk", "Risk model", group="Actions", pdf=APPENDIX,
         reads=("actions", "method", "report", "skipped"),
         charts=("risk_roc", "risk_calibration", "risk_importance")),
    Page("recommendations", "Recommendations", group="Actions",
         reads=("actions", "diagnostics", "provenance", "report"),
         charts=("recommendation_benefit",),
         appendix=("rec-*", "not-recommended", "rules")),
    Page("quality", "Data quality", group="Data", pdf=APPENDIX,
         reads=("data", "data_quality")),
    Page("methodology", "Methodology", group="Data", pdf=APPENDIX,
         reads=("actions", "data", "data_quality", "diagnostics", "kpis", "method", "provenance", "report",
                "report_tests", "schema_version", "sla")),
    Page("explorer", "Explorer", pdf=None,
         reads=("explorer",),
         charts=("explorer_volume", "explorer_breach")),
    Page("downloads", "Downloads", group="Data", pdf=None,
         reads=("schema_version",)),
)

PRINTED = tuple(page for page in PAGES if page.in_pdf)   # the pages either PDF prints from, in page order
BOARD = tuple(page for page in PRINTED if page.pdf == REPORT)   # the summary and the board pack's spreads
# the appendix's sections: the appendix sections of the board pack's pages, then the pages printed there whole
APPENDIX_PAGES = tuple(page for page in PRINTED if page.pdf == APPENDIX or page.appendix)

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
