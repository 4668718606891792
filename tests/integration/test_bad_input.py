"""Bad input gives a clear error naming the file and the fix: unknown importer, a mapping to a missing
column, an XLSX with several sheets and none named, mixed time zones, another help desk's file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from supportlens.config import Config
from supportlens.errors import SupportlensError
from supportlens.ingest import load_dataset
from support import FIXTURES



def config_for(path: Path, **data) -> Config:
    return Config.model_validate({"data": {"tickets": str(path), "events": None, "accounts": None, "agents": None,
                                           **data}})


def error_of(config: Config) -> SupportlensError:
    with pytest.raises(SupportlensError) as caught:
        load_dataset(config)
    assert caught.value.fix
    return caught.value


def test_unknown_importer_suggests_the_nearest():
    error = error_of(config_for(FIXTURES / "zendesk_tickets.csv", source="zendeks"))
    assert "unknown importer" in error.problem and "zendeks" in error.problem
    assert "did you mean 'zendesk'" in error.fix


def test_mapping_to_a_missing_column_names_file_column_and_key():
    path = FIXTURES / "freshdesk_tickets.csv"
    error = error_of(config_for(path, source="freshdesk", mapping={"tickets": {"group": "Team"}}))
    assert str(path) in error.problem and "'Team'" in error.problem
    assert "data.mapping.tickets.group" in error.fix


def test_workbook_with_several_sheets_and_none_named(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "January"
    book.active.append(["ticket_id", "created_at", "status", "priority"])
    book.create_sheet("February").append(["ticket_id", "created_at", "status", "priority"])
    path = tmp_path / "tickets.xlsx"
    book.save(path)
    error = error_of(config_for(path))
    assert str(path) in error.problem and "January, February" in error.problem
    assert "data.sheet" in error.fix
    assert "no sheet 'March'" in error_of(config_for(path, sheet="March")).problem


def test_mixed_time_zones_in_one_column(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,priority\nT1,2025-01-01T10:00:00+01:00,open,high\n"
                    "T2,2025-01-01 11:00:00,open,low\n")
    error = error_of(config_for(path))
    assert str(path) in error.problem and "'created_at'" in error.problem and "with and without a time zone" in error.problem
    assert "data.timezone" in error.fix


@pytest.mark.parametrize("fixture, given, right", [
    ("zendesk_tickets.csv", "salesforce", "zendesk"),
    ("jira_issues.csv", "generic", "jira"),
    ("servicenow_incidents.csv", "freshdesk", "servicenow"),
    ("freshdesk_tickets.csv", "zendesk", "freshdesk"),
    ("bpic2013.csv", "helpdesk_eventlog", "bpic2013"),
    ("helpdesk_eventlog.csv", "jira", "helpdesk_eventlog"),
])
def test_another_help_desks_file_names_the_right_importer(fixture, given, right):
    error = error_of(config_for(FIXTURES / fixture, source=given))
    assert str(FIXTURES / fixture) in error.problem
    assert f"data.source: {right}" in error.fix


def test_cli_exits_nonzero_without_traceback_and_keeps_the_site(tmp_path):
    import subprocess
    import sys

    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text("previous")
    shutil.copy(FIXTURES / "zendesk_tickets.csv", tmp_path / "export.csv")
    (tmp_path / "supportlens.yml").write_text("data:\n  source: salesforce\n  tickets: export.csv\n"
                                              "  events: null\n  accounts: null\n  agents: null\n")
    for command in ("check", "build"):
        result = subprocess.run([sys.executable, "-m", "supportlens.cli", command], cwd=tmp_path,
                                capture_output=True, text=True)
        assert result.returncode == 1, result.stderr   # a runtime error (2 is for usage errors)
        assert "Traceback" not in result.stderr and "data.source: zendesk" in result.stderr
    assert (tmp_path / "_site" / "index.html").read_text() == "previous"
