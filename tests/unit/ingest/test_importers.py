"""Every importer on a small hand-written export with the exact headers its system writes
(tests/fixtures/README.md), checked against values worked out by hand."""

from __future__ import annotations


import pandas as pd
import pytest

from supportlens.analysis.core.clocks import ticket_clocks
from supportlens.config import Config
from supportlens.ingest import detect, load_dataset
from support import FIXTURES



def load(source: str, name: str, **data):
    config = Config.model_validate({"data": {"source": source, "tickets": str(FIXTURES / name), "events": None,
                                             "accounts": None, "agents": None, **data}})
    dataset = load_dataset(config)
    return dataset, dataset.tickets.set_index("ticket_id"), config


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def checks(dataset) -> dict[tuple[str, str | None], object]:
    return {(q.check, q.column): q for q in dataset.quality}


def states(dataset, config, as_of: str, policy=None) -> pd.DataFrame:
    clocks = ticket_clocks(dataset.tickets, policy or config.sla, utc(as_of), events=dataset.events)
    return clocks.set_index("ticket_id")


def test_zendesk_csv():
    dataset, t, config = load("zendesk", "zendesk_tickets.csv")
    assert t.loc["101", "first_response_at"] == utc("2025-03-03 09:30")           # created + 30 calendar minutes
    assert t.loc["101", "solved_at"] == utc("2025-03-03 12:00")
    assert t["priority"].tolist() == ["critical", "normal", "high", "low"]
    assert t["status"].tolist() == ["solved", "pending", "on_hold", "closed"]
    assert t["channel"].tolist() == ["email", "web", "phone", "chat"]
    assert t["csat"].tolist()[0] == 5 and pd.isna(t.loc["102", "csat"]) and t.loc["104", "csat"] == 1
    assert t.loc["104", "reopens"] == 1 and t.loc["104", "replies"] == 3
    assert t.loc["103", "due_at"] == utc("2025-03-06 08:00")
    # organisations are pseudonymised, consistently
    assert t.loc["101", "account_id"] == t.loc["103", "account_id"] != t.loc["102", "account_id"]
    assert t.loc["101", "account_id"].startswith("account-") and "Acme" not in "".join(t["account_id"])
    assert checks(dataset)[("MAPPED_TO_MISSING", "csat")].rows == 2                # offered, unoffered
    clocks = states(dataset, config, "2025-03-07 08:00")
    # 101 critical: 30 <= 60 and 180 <= 240; 102 normal: 600 > 480 first-response minutes
    assert clocks.loc["101", ["first_response_state", "resolution_state"]].tolist() == ["achieved", "achieved"]
    assert clocks.loc["102", "first_response_state"] == "breached"
    # 103 is open one day after its due date: breached by its own due date
    assert clocks.loc["103", "resolution_state"] == "active_breached"


def test_zendesk_api_json_with_ticket_metrics():
    dataset, t, _ = load("zendesk", "zendesk_api.json")
    assert t.loc["201", "first_response_at"] == utc("2025-03-03 09:45")
    assert t.loc["201", "solved_at"] == utc("2025-03-03 14:00")
    assert t.loc["201", "csat"] == 5 and t.loc["201", "priority"] == "critical" and t.loc["201", "channel"] == "email"
    assert t.loc["202", "priority"] == "normal"                                  # missing priority, logged
    assert checks(dataset)[("MISSING_VALUES", "priority")].rows == 1
    assert dataset.source_info["mapping"]["first_response_at"].startswith("created_at + metric_set.reply_time")


def test_jira_service_management_csv():
    dataset, t, config = load("jira", "jira_issues.csv")
    assert t.loc["ITSM-1", "created_at"] == utc("2025-03-03 09:00")
    assert t.loc["ITSM-1", "solved_at"] == utc("2025-03-03 13:00")
    assert t["priority"].tolist() == ["critical", "normal", "low"]
    assert t["status"].tolist() == ["solved", "pending", "open"]
    assert t.loc["ITSM-2", "due_at"] == utc("2025-03-10 17:00")
    assert t["source_first_response_met"].tolist() == [True, False, True]
    assert t.loc["ITSM-1", "source_resolution_met"] == False  # noqa: E712  ("-1h 0m": Jira says breached)
    clocks = states(dataset, config, "2025-03-06 00:00")
    # no first-response time in the CSV: the first-response state is Jira's own verdict
    assert clocks["first_response_state"].tolist() == ["achieved", "breached", "achieved"]
    # resolution is measured by supportlens: 4 h for a 4 h critical target is exactly on target: achieved
    assert clocks.loc["ITSM-1", "resolution_minutes"] == 240 and clocks.loc["ITSM-1", "resolution_state"] == "achieved"
    assert clocks.loc["ITSM-2", "resolution_state"] == "active"                  # due 10 March, as-of 6 March


def test_servicenow_one_row_per_incident_day_first_and_question_marks():
    dataset, t, config = load("servicenow", "servicenow_incidents.csv")
    assert t.loc["INC0010002", "created_at"] == utc("2025-03-04 10:00")          # 04/03 is 4 March
    assert t.loc["INC0010003", "created_at"] == utc("2025-03-13 08:15")
    assert t["status"].tolist() == ["closed", "pending", "solved"]
    assert t["priority"].tolist() == ["critical", "normal", "low"]
    assert t["channel"].tolist() == ["phone", "self_service", "email"]               # Self-service: its own channel
    assert pd.isna(t.loc["INC0010003", "category"]) and pd.isna(t.loc["INC0010003", "agent_id"])
    marker = checks(dataset)[("MISSING_VALUES", None)]
    assert marker.rows == 2 and marker.action.startswith("5 cells")              # five '?' cells in two rows
    assert t.loc["INC0010003", "reopens"] == 1
    assert t["source_resolution_met"].tolist() == [True, False, True]
    clocks = states(dataset, config, "2025-03-20 00:00")
    assert clocks.loc["INC0010001", "resolution_minutes"] == 90


def test_servicenow_audit_rows_become_events_and_pauses():
    dataset, t, config = load("servicenow", "servicenow_audit.csv")
    assert len(t) == 2 and len(dataset.events) == 9
    # the latest row by sys_mod_count (5, not the last line of the file) gives the attributes
    assert t.loc["INC0000045", "status"] == "closed"
    assert t.loc["INC0000045", "solved_at"] == utc("2016-02-29 15:16")
    assert t.loc["INC0000047", "status"] == "open"
    kinds = dataset.events[dataset.events.ticket_id == "INC0000045"]["event_type"].tolist()
    assert kinds == ["created", "status_change", "status_change", "status_change", "solved", "closed"]
    paused = states(dataset, config, "2016-03-05 16:00",
                    config.sla.model_copy(update={"pause_statuses": ["pending", "on_hold"]}))
    # 01:16 -> 15:16 is 14 h, of which 10:00-13:00 awaiting user info: 11 h on the SLA clock
    assert paused.loc["INC0000045", "resolution_sla_minutes"] == 11 * 60
    assert paused.loc["INC0000045", "paused_minutes"] == 3 * 60
    # 47 waited on the vendor 29 Feb 06:00 -> 1 Mar 06:00 and is still open at 5 Mar 16:00
    assert paused.loc["INC0000047", "paused_minutes"] == 24 * 60
    assert paused.loc["INC0000047", "resolution_sla_minutes"] == (5 * 24 * 60 + 11 * 60 + 20) - 24 * 60


def test_salesforce_case_report():
    dataset, t, config = load("salesforce", "salesforce_cases.csv")
    assert t.loc["00001001", "created_at"] == utc("2025-03-04 09:00")            # month-first
    assert t.loc["00001003", "created_at"] == utc("2025-03-13 16:00")
    assert t.loc["00001001", "solved_at"] == t.loc["00001001", "closed_at"] == utc("2025-03-04 13:00")
    assert t["escalated"].tolist() == [False, True, False]
    assert t["status"].tolist() == ["closed", "open", "closed"]
    assert t["channel"].tolist() == ["email", "phone", "web"]
    clocks = states(dataset, config, "2025-03-21 00:00")
    assert clocks["first_response_state"].isna().all()                          # a case report has no reply time
    assert clocks.loc["00001001", "resolution_state"] == "achieved"             # 4 h of a high 8 h target


def test_freshdesk_export_with_due_dates():
    dataset, t, config = load("freshdesk", "freshdesk_tickets.csv")
    assert t.loc["1", "first_response_at"] == utc("2025-03-03 09:20")            # the timestamp column
    assert t.loc["2", "first_response_at"] == utc("2025-03-04 11:30")            # created + 1.5 h
    assert t["status"].tolist() == ["closed", "pending", "solved"]
    assert t["channel"].tolist() == ["email", "web", "web"]
    assert t.loc["1", "csat"] == 5 and pd.isna(t.loc["2", "csat"]) and t.loc["3", "csat"] == 1
    assert t["source_resolution_met"].tolist()[0] == False  # noqa: E712
    clocks = states(dataset, config, "2025-03-21 00:00")
    # 1 was solved in 3 h, inside its 4 h critical target but after its own due time 11:00: breached
    assert clocks.loc["1", "resolution_state"] == "breached"
    assert clocks.loc["3", "resolution_state"] == "achieved"


def test_xlsx_export_and_its_sheet(tmp_path):
    from openpyxl import Workbook

    frame = pd.read_csv(FIXTURES / "freshdesk_tickets.csv", dtype=str)
    book = Workbook()
    sheet = book.active
    sheet.title = "Tickets"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    book.create_sheet("Notes").append(["exported by hand"])
    path = tmp_path / "freshdesk.xlsx"
    book.save(path)
    _, t, _ = load("freshdesk", path.as_posix(), sheet="Tickets")
    assert t.loc["2", "first_response_at"] == utc("2025-03-04 11:30")
    assert t["status"].tolist() == ["closed", "pending", "solved"]


def test_generic_export_with_mapping_values_and_due_date(tmp_path):
    path = tmp_path / "export.parquet"
    pd.DataFrame({
        "Ref": ["G-1", "G-2", "G-3"],
        "Opened": ["2025-05-05T09:00:00Z", "2025-05-05T10:00:00Z", "2025-05-06T10:00:00Z"],
        "Done": ["2025-05-05T11:00:00Z", None, "2025-05-06T11:00:00Z"],
        "Severity": ["Sev 1", "Sev 3", "Sev 9"],
        "State": ["Finished", "Parked", "Finished"],
        "Contact": ["Web Portal", "E-Mail", "Carrier pigeon"],
        "Promise": ["2025-05-05T10:00:00Z", None, None],
    }).to_parquet(path)
    dataset, t, config = load("generic", path.as_posix(), mapping={"tickets": {
        "ticket_id": "Ref", "created_at": "Opened", "solved_at": "Done", "priority": "Severity", "status": "State",
        "channel": "Contact", "due_at": "Promise"}}, values={
        "priority": {"Sev 1": "critical", "Sev 3": "normal"}, "status": {"Finished": "solved", "Parked": "on_hold"},
        "channel": {"Web Portal": "web"}})
    assert t["priority"].tolist() == ["critical", "normal", "normal"]              # Sev 9 unknown -> normal
    assert t["status"].tolist() == ["solved", "on_hold", "solved"]
    assert t["channel"].tolist() == ["web", "email", "carrier_pigeon"]            # unknown channel kept
    found = checks(dataset)
    assert found[("UNKNOWN_VALUE", "priority")].example == "sev 9"
    assert found[("UNKNOWN_VALUE", "channel")].rows == 1
    clocks = states(dataset, config, "2025-05-07 00:00")
    assert clocks.loc["G-1", "resolution_state"] == "breached"                   # 2 h, but promised within 1 h


def test_process_mining_event_log_with_named_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("case,step,when,who,line\n"
                    "A,open,2024-01-02T08:00:00Z,u1,1\nA,answer,2024-01-02T08:20:00Z,u1,1\n"
                    "A,escalate,2024-01-02T09:00:00Z,u1,2\nA,fix,2024-01-02T12:00:00Z,u7,2\n"
                    "B,open,2024-01-03T08:00:00Z,u2,1\n")
    dataset, t, _ = load("eventlog", path.as_posix(), eventlog={
        "case_id": "case", "activity": "step", "timestamp": "when", "resource": "who", "tier": "line",
        "activities": {"open": "created", "answer": "public_reply", "escalate": "escalated", "fix": "solved"},
        "statuses": {"open": "new", "answer": "open", "fix": "solved"}})
    assert t.loc["A", "first_response_at"] == utc("2024-01-02 08:20")
    assert t.loc["A", "solved_at"] == utc("2024-01-02 12:00") and t.loc["A", "status"] == "solved"
    assert t.loc["A", "tier_max"] == 2 and bool(t.loc["A", "escalated"]) and t.loc["A", "agent_id"] == "u7"
    assert t.loc["B", "status"] == "new" and pd.isna(t.loc["B", "solved_at"])
    assert len(dataset.events) == 5


def test_helpdesk_event_log_preset():
    dataset, t, config = load("helpdesk_eventlog", "helpdesk_eventlog.csv")
    assert t.loc["Case 1", "created_at"] == utc("2012-10-09 14:50:17")
    assert t.loc["Case 1", "first_response_at"] == utc("2012-10-09 14:51:01")
    assert t.loc["Case 1", "first_solved_at"] == utc("2012-10-12 15:02:56")
    assert t.loc["Case 1", "solved_at"] == utc("2012-10-15 12:00:00")
    assert t.loc["Case 1", "reopens"] == 1 and t.loc["Case 1", "status"] == "closed"
    assert bool(t.loc["Case 2", "escalated"]) and t.loc["Case 2", "status"] == "pending"
    assert (t["priority"] == "normal").all()
    assert checks(dataset)[("MISSING_COLUMN", "priority")].rows == 2
    clocks = states(dataset, config, "2012-10-26 00:00")
    # the reopen starts a second cycle: 15 Oct 09:00 -> 12:00 (3 h), the first ran 3 days: breached (24 h target)
    assert clocks.loc["Case 1", "resolution_cycles"] == 2
    assert clocks.loc["Case 1", "resolution_state"] == "breached"


def test_bpic2013_preset_tiers_priorities_and_pseudonyms():
    dataset, t, config = load("bpic2013", "bpic2013.csv")
    assert t.loc["1-100", "tier_max"] == 2 and bool(t.loc["1-100", "escalated"])
    assert t.loc["1-200", "tier_max"] == 1 and not bool(t.loc["1-200", "escalated"])
    assert t["priority"].tolist() == ["high", "low", "critical"]
    assert t.loc["1-100", "created_at"] == utc("2010-03-31 14:00")               # +01:00 offset
    assert t.loc["1-100", "first_response_at"] == utc("2010-03-31 15:00")
    assert t.loc["1-200", "solved_at"] == utc("2010-04-01 09:30")                # Completed-In Call solves
    assert t.loc["1-100", "status"] == "closed" and t.loc["1-300", "status"] == "open"
    assert not dataset.events["actor_id"].str.contains("Frederic|Anne|Lars").any()
    pauses = config.sla.model_copy(update={"pause_statuses": ["pending"]})
    clocks = states(dataset, config, "2010-04-03 00:00", pauses)
    # 1-100: 31 Mar 14:00 -> 1 Apr 14:00 UTC is 24 h, 4 h of it waiting on the user
    assert clocks.loc["1-100", "resolution_minutes"] == 24 * 60
    assert clocks.loc["1-100", "resolution_sla_minutes"] == 20 * 60


def test_kaggle_preset_has_no_creation_time():
    dataset, t, _ = load("kaggle_support_tickets", "kaggle_tickets.csv")
    assert len(t) == 4 and t["created_at"].isna().all()                          # nothing dropped
    assert "Jane" not in t.to_string() and "example.com" not in t.to_string()
    issue = checks(dataset)[("MISSING_COLUMN", "created_at")]
    assert "cannot be computed" in issue.action
    assert checks(dataset)[("SOLVED_BEFORE_FIRST_RESPONSE", "solved_at")].example == "3"
    assert t["csat"].mean() == 4


def test_eshokhat_preset_outcomes():
    dataset, t, _ = load("eshokhat_50k", "eshokhat_tickets.csv")
    assert t["escalated"].sum() == 2 and t["reopens"].sum() == 1
    assert (t["status"] == "solved").all()
    minutes = (t["solved_at"] - t["created_at"]).dt.total_seconds() / 60
    assert minutes.mean() == pytest.approx((54 + 6 + 24 + 31 + 72) / 5)
    assert ("DATE_ONLY", "created_at") in checks(dataset)


@pytest.mark.parametrize("name, expected", [
    ("zendesk_tickets.csv", "zendesk"), ("jira_issues.csv", "jira"), ("servicenow_incidents.csv", "servicenow"),
    ("servicenow_audit.csv", "servicenow"), ("salesforce_cases.csv", "salesforce"),
    ("freshdesk_tickets.csv", "freshdesk"), ("bpic2013.csv", "bpic2013"), ("helpdesk_eventlog.csv", "helpdesk_eventlog"),
    ("kaggle_tickets.csv", "kaggle_support_tickets"), ("eshokhat_tickets.csv", "eshokhat_50k"),
])
def test_detection_by_headers(name, expected):
    columns = pd.read_csv(FIXTURES / name, nrows=0, encoding="utf-8-sig").columns.tolist()
    assert detect(columns)[0] == expected


def test_quality_shares_are_of_tickets_not_of_log_rows():
    from supportlens.analysis.data_quality import quality_report

    dataset, _, _ = load("bpic2013", "bpic2013.csv")
    report = quality_report(dataset, [])
    derived = next(i for i in report.issues if i.table == "tickets" and i.check == "DERIVED")
    assert derived.rows == 3 and derived.share == 1.0
    dataset, _, _ = load("servicenow", "servicenow_incidents.csv")
    missing = next(i for i in quality_report(dataset, []).issues if i.check == "MISSING_VALUES")
    assert missing.share == pytest.approx(2 / 3)   # two of the three rows hold a '?'
