"""`supportlens init EXPORT`: the config written for an export names the importer its headers match, points
at the file, lists the mapping found, and leaves the organisation and time zone to fill in."""

from __future__ import annotations

import pytest
import yaml

from supportlens.config import Config, load_config
from supportlens.starter import relative_to_project, starter_config
from support import FIXTURES


@pytest.mark.parametrize("fixture, importer, mapped", [
    ("zendesk_tickets.csv", "zendesk", ("ticket_id", "Id")),
    ("jira_issues.csv", "jira", ("ticket_id", "Issue key")),
    ("freshdesk_tickets.csv", "freshdesk", None),
])
def test_the_importer_is_detected_from_the_headers(tmp_path, fixture, importer, mapped):
    starter = starter_config(FIXTURES / fixture, f"data/{fixture}")
    assert starter.importer == importer
    path = tmp_path / "supportlens.yml"
    path.write_text(starter.text)
    config = load_config(path)
    assert config.data.source == importer
    assert config.data.tickets.as_posix() == f"data/{fixture}"
    assert (config.data.events, config.data.accounts, config.data.agents) == (None, None, None)
    assert config.publish.organisation is None and config.data.timezone == "UTC"
    assert starter.text.count("FILL IN") == 2
    # everything else keeps the documented defaults
    rest = Config.model_validate({"data": config.data.model_dump(), "publish": config.publish.model_dump()})
    assert config == rest
    if mapped:
        canonical, column = mapped
        assert starter.mapping[canonical] == column
        assert f"#   {canonical:<22} <- {column}" in starter.text


def test_headers_no_importer_knows_get_the_generic_importer_and_their_list(tmp_path):
    export = tmp_path / "odd.csv"
    export.write_text("Case,Opened,Owner\n1,2025-01-01,ann\n")
    starter = starter_config(export, "odd.csv")
    assert starter.importer == "generic" and starter.mapping == {} and not starter.detected
    assert "#   Case, Opened, Owner" in starter.text
    assert yaml.safe_load(starter.text)["data"]["source"] == "generic"


def test_a_path_with_quotes_survives_yaml(tmp_path):
    export = tmp_path / 'my "export".csv'
    export.write_bytes((FIXTURES / "zendesk_tickets.csv").read_bytes())
    starter = starter_config(export, relative_to_project(export, tmp_path))
    assert yaml.safe_load(starter.text)["data"]["tickets"] == 'my "export".csv'
    assert relative_to_project(export, tmp_path / "elsewhere") == export.resolve().as_posix()


@pytest.mark.parametrize("header", [
    "ticket_id,created_at,status,priority,channel",
    "ticket_id,created_at,status",                       # priority is optional
    "Ticket_ID, Created_At ,STATUS,solved_at",           # the names as a spreadsheet may case and pad them
])
def test_an_export_in_the_standard_names_is_detected_as_the_generic_importer(tmp_path, header):
    export = tmp_path / "export.csv"
    export.write_text(header + "\n" + ",".join("T1" if i == 0 else "2026-01-05T09:00:00Z" if i == 1 else "open"
                                                for i in range(header.count(",") + 1)) + "\n")
    starter = starter_config(export, "export.csv")
    assert starter.detected and starter.importer == "generic"
    columns = [c.strip() for c in header.split(",")]
    assert starter.mapping["ticket_id"] == columns[0] and starter.mapping["status"] == columns[2]
    assert "# Detected: generic" in starter.text and "No importer recognised" not in starter.text


def test_a_standard_column_short_of_the_required_ones_is_not_called_detected(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("ticket_id,created_at,priority\nT1,2026-01-05,high\n")   # no status
    assert not starter_config(export, "export.csv").detected
