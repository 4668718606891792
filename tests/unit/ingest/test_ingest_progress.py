"""Reading the exports tells its progress in bytes: before each export is read, and once all are checked."""

from __future__ import annotations

from supportlens.config import Config
from supportlens.ingest import load_dataset
from support import TINY_TICKETS

ACCOUNTS = "account_id,account_name,industry,country\nA1,Acme,retail,DE\nA2,Bolt,software,FR\n"


def test_ingest_tells_its_progress_export_by_export_in_bytes(tmp_path):
    (tmp_path / "tickets.csv").write_text(TINY_TICKETS)
    (tmp_path / "accounts.csv").write_text(ACCOUNTS)
    config = Config.model_validate({
        "data": {"tickets": "tickets.csv", "accounts": "accounts.csv", "events": None,
                 "agents": "agents.csv"},   # configured but absent: not read, not counted
        "period": {"as_of": "2026-03-31T12:00:00Z"},
    })
    told: list[tuple[str, int, int]] = []
    dataset = load_dataset(config, tmp_path, progress=lambda *step: told.append(step))
    assert len(dataset.tickets) == 6
    tickets, accounts = len(TINY_TICKETS.encode()), len(ACCOUNTS.encode())
    assert told == [("tickets", 0, tickets + accounts), ("accounts", tickets, tickets + accounts),
                    ("checks", tickets + accounts, tickets + accounts)]


def test_ingest_without_a_listener_is_unchanged(tmp_path):
    (tmp_path / "tickets.csv").write_text(TINY_TICKETS)
    config = Config.model_validate({"data": {"tickets": "tickets.csv", "events": None, "accounts": None, "agents": None},
                                    "period": {"as_of": "2026-03-31T12:00:00Z"}})
    assert load_dataset(config, tmp_path).tickets.equals(
        load_dataset(config, tmp_path, progress=lambda *step: None).tickets)
