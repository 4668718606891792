"""Shares on the data-quality page are never above 100% and name their denominator (issue 14: an audit
export's '?' cells and collapsed rows were divided by tickets, 568.7%)."""

from __future__ import annotations

from supportlens.analysis.data_quality import quality_report
from supportlens.config import Config
from supportlens.ingest import load_dataset

from support import FIXTURES


def report_of(source: str, name: str):
    config = Config.model_validate({"data": {"source": source, "tickets": str(FIXTURES / name), "events": None,
                                             "accounts": None, "agents": None}})
    return quality_report(load_dataset(config), [])


def test_audit_export_rows_are_divided_by_export_rows():
    # servicenow_audit.csv: 9 update rows of 2 incidents; 8 rows hold a '?'; 7 rows collapsed away
    issues = {(i.check, i.column): i for i in report_of("servicenow", "servicenow_audit.csv").issues}
    marker = issues[("MISSING_VALUES", None)]
    assert (marker.rows, marker.of_rows, marker.of_what) == (8, 9, "export rows")
    collapsed = issues[("AUDIT_ROWS", "ticket_id")]
    assert (collapsed.rows, collapsed.share, collapsed.of_rows, collapsed.of_what) == (7, 7 / 9, 9, "export rows")
    zone = issues[("TIMEZONE_ASSUMED", "created_at")]
    assert (zone.share, zone.of_rows, zone.of_what) == (1.0, 2, "tickets")


def test_every_share_names_its_denominator_and_stays_within_100_percent():
    for source, name in (("servicenow", "servicenow_audit.csv"), ("servicenow", "servicenow_incidents.csv"),
                         ("bpic2013", "bpic2013.csv"), ("helpdesk_eventlog", "helpdesk_eventlog.csv")):
        for issue in report_of(source, name).issues:
            assert (issue.share is None) == (issue.of_rows is None) == (issue.of_what is None), (name, issue)
            assert issue.share is None or 0 <= issue.share <= 1, (name, issue)
