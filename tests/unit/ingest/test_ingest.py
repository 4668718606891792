"""Ingest: formats, mapping, normalisation, the data-quality log and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from supportlens.config import Config
from supportlens.errors import SupportlensError
from supportlens.ingest import load_dataset

from support import TINY_TICKETS


def config_for(path: Path, **data) -> Config:
    return Config.model_validate({"data": {"tickets": str(path), "events": None, "accounts": None, "agents": None,
                                           **data}})


def test_csv_json_and_parquet_give_the_same_table(tmp_path):
    csv_path = tmp_path / "tickets.csv"
    csv_path.write_text(TINY_TICKETS)
    from_csv = load_dataset(config_for(csv_path)).tickets
    raw = pd.read_csv(csv_path, dtype=str)
    json_path = tmp_path / "tickets.json"
    json_path.write_text(json.dumps({"tickets": raw.where(raw.notna(), None).to_dict("records")}))
    parquet_path = tmp_path / "tickets.parquet"
    raw.to_parquet(parquet_path)
    for other in (json_path, parquet_path):
        table = load_dataset(config_for(other)).tickets
        pd.testing.assert_frame_equal(table, from_csv, check_dtype=False)


def test_timestamps_are_utc_and_priorities_normalised(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    tickets = load_dataset(config_for(path)).tickets
    assert str(tickets["created_at"].dt.tz) == "UTC"
    assert tickets.loc[tickets.ticket_id == "T3", "priority"].item() == "critical"   # "Urgent"
    assert tickets.loc[tickets.ticket_id == "T1", "priority"].item() == "normal"     # "Normal"


def test_mapping_renames_export_columns(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Case Number,Opened,State,Prio\nC-1,2025-01-02 10:00,Resolved,P1\nC-2,2025-01-03 11:00,Open,P4\n")
    config = config_for(path, mapping={"tickets": {"ticket_id": "Case Number", "created_at": "Opened",
                                                   "status": "State", "priority": "Prio"}},
                        timezone="Europe/Berlin")
    tickets = load_dataset(config).tickets
    assert tickets["priority"].tolist() == ["critical", "low"]
    assert tickets["status"].tolist() == ["solved", "open"]
    # naive local times are read in the configured zone: 10:00 Berlin (CET) = 09:00 UTC
    assert tickets["created_at"].iloc[0] == pd.Timestamp("2025-01-02 09:00", tz="UTC")


def test_quality_log_records_every_fix(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(
        "ticket_id,created_at,solved_at,status,priority,csat\n"
        "A,2025-01-01T10:00:00Z,2025-01-01T12:00:00Z,solved,Sev-9,7\n"       # unknown priority, csat out of range
        "A,2025-01-01T10:00:00Z,2025-01-01T12:00:00Z,solved,high,5\n"        # duplicate id
        "B,2025-01-02T10:00:00Z,2025-01-01T12:00:00Z,solved,low,\n"          # solved before created
        "C,,,open,low,\n"                                                   # no creation time
        "D,2025-01-03T10:00:00Z,,open,,\n"                                  # missing priority
    )
    dataset = load_dataset(config_for(path))
    checks = {(q.check, q.column): q for q in dataset.quality}
    assert checks[("UNKNOWN_VALUE", "priority")].example == "sev-9"
    assert checks[("MISSING_VALUES", "priority")].rows == 1
    assert checks[("DUPLICATE_ID", "ticket_id")].rows == 1
    assert checks[("BEFORE_CREATED", "solved_at")].rows == 1
    assert checks[("MISSING_VALUES", "created_at")].action.startswith("dropped")
    assert sorted(dataset.tickets["ticket_id"]) == ["A", "B", "D"]
    # the duplicate keeps its last row, whose csat is valid
    assert dataset.tickets.set_index("ticket_id").loc["A", "csat"] == 5


@pytest.mark.parametrize("content, message", [
    ("", "is empty"),
    ("ticket_id,created_at,status,priority\n", "has a header but no rows"),
    ("ticket_id,status,priority\nT1,open,high\n", "required column 'created_at' is missing"),
    ("ticket_id,created_at,status,priority\nT1,yesterday-ish,open,high\nT2,soon,open,low\n",
     "column 'created_at' of the tickets file holds values that are not timestamps"),
])
def test_bad_input_gives_a_clear_error(tmp_path, content, message):
    path = tmp_path / "tickets.csv"
    path.write_text(content)
    with pytest.raises(SupportlensError, match=message) as error:
        load_dataset(config_for(path))
    assert str(path) in error.value.problem
    assert error.value.fix


def test_garbage_timestamp_error_names_the_row_and_example(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,created_at,status,priority\nT1,not a date,open,high\n")
    with pytest.raises(SupportlensError) as error:
        load_dataset(config_for(path))
    assert "row 1" in error.value.problem and "'not a date'" in error.value.problem
    assert "ISO 8601" in error.value.fix


def test_missing_tickets_file_says_how_to_fix(tmp_path):
    with pytest.raises(SupportlensError, match="not found") as error:
        load_dataset(config_for(tmp_path / "nowhere.csv"))
    assert "supportlens sample" in error.value.fix


def test_mapping_to_a_column_the_file_lacks(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    with pytest.raises(SupportlensError, match="column 'Opened'"):
        load_dataset(config_for(path, mapping={"tickets": {"created_at": "Opened"}}))


def test_absent_optional_table_is_logged_not_fatal(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    dataset = load_dataset(config_for(path, events=str(tmp_path / "events.csv")))
    assert dataset.events is None
    assert any(q.check == "TABLE_ABSENT" and q.table == "events" for q in dataset.quality)


def test_the_tickets_labels_are_held_as_categories_of_the_same_values(tmp_path):
    """Status, priority, channel, category and group come out as categoricals (a code per ticket, each label once),
    their categories in text order, holding exactly the values the text columns held; ids and other text stay text."""
    from supportlens.ingest.checks import compact_tickets

    text = pd.DataFrame({
        "ticket_id": pd.array(["T2", "T1", "T3", "T4"], dtype="string"),
        "status": pd.array(["solved", None, "open", "solved"], dtype="string"),
        "channel": pd.array(["web", "email", "chat", "email"], dtype="string"),
        "group": pd.array([None, None, None, None], dtype="string"),
        "agent_id": pd.array(["a1", "a2", "a1", None], dtype="string"),
    })
    compact = compact_tickets(text)
    for column in ("status", "channel", "group"):
        assert isinstance(compact[column].dtype, pd.CategoricalDtype), column
        assert compact[column].cat.categories.tolist() == sorted(text[column].dropna().unique().tolist())
        assert compact[column].astype(object).where(compact[column].notna(), None).tolist() == \
            text[column].astype(object).where(text[column].notna(), None).tolist()
    for column in ("ticket_id", "agent_id"):
        assert compact[column].dtype == text[column].dtype
    path = tmp_path / "tickets.csv"
    path.write_text(TINY_TICKETS)
    tickets = load_dataset(config_for(path)).tickets
    assert tickets["priority"].astype(object).tolist() == ["normal", "normal", "critical", "high", "low", "normal"]
    assert tickets["status"].cat.categories.tolist() == ["closed", "new", "open", "solved"]
    # the counts in the narrowest integer type that holds them
    assert tickets["replies"].dtype == "Int8" and tickets["replies"].tolist() == [1, 2, 3, 1, 0, 1]
    many = compact_tickets(text.assign(replies=pd.array([300, None, 1, 2], dtype="Int64")))
    assert many["replies"].dtype == "Int16" and many["replies"].astype(object).tolist() == [300, pd.NA, 1, 2]
