"""Exports shaped like the real ones of issue 14 build without a traceback, and the summary says what the
data cannot support: a 311 export without priority (with and without due dates), optional columns left out."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from supportlens.analysis import analyse
from supportlens.config import Config
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from support import FIXTURES, run_cli

COLUMNS = {"ticket_id": "Service Request Number", "created_at": "Created Date", "solved_at": "Closed Date",
           "due_at": "Due Date", "status": "Status", "channel": "Source", "category": "Request Type"}


def project(tmp_path: Path, mapping: dict[str, str]) -> Path:
    shutil.copy(FIXTURES / "requests_311.csv", tmp_path / "requests.csv")
    lines = "\n".join(f"      {k}: {v}" for k, v in mapping.items())
    (tmp_path / "supportlens.yml").write_text(textwrap.dedent("""\
        data:
          tickets: requests.csv
          events: null
          accounts: null
          agents: null
          mapping:
            tickets:
        """) + lines + "\n")
    return tmp_path


@pytest.mark.parametrize("with_due", [True, False])
def test_311_export_without_priority_builds_and_says_why(tmp_path, with_due):
    mapping = {k: v for k, v in COLUMNS.items() if with_due or k != "due_at"}
    root = project(tmp_path, mapping)
    checked = run_cli("check", cwd=root)
    assert checked.returncode == 0 and "Traceback" not in checked.stderr, checked.stderr
    said = checked.stdout + checked.stderr
    assert "no priority" in said
    # check says what the build will skip: the SLA verdict only when there is no due date either
    assert "the build will skip" in said and ("SLA verdicts (breached or achieved)" in said) is not with_due
    built = run_cli("build", cwd=root)
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr[-2000:]
    summary = (root / "index.qmd").read_text(encoding="utf-8")
    if with_due:
        assert "judged against its own due date" in summary and "Resolution SLA breaches" in summary
    else:
        assert "No SLA verdict: the export has no priority and no SLA target" in summary
        assert "SLA breaches" not in summary
    assert "The report covers the whole span" in summary          # four days: no complete quarter


@pytest.mark.parametrize("keep", [
    ["ticket_id", "created_at", "solved_at", "status"],
    ["ticket_id", "created_at", "solved_at", "status", "channel"],
    ["ticket_id", "created_at", "solved_at", "status", "due_at", "category"],
])
def test_optional_columns_left_out_still_give_a_context(keep):
    mapping = {k: v for k, v in COLUMNS.items() if k in keep}
    # (an export without a solve time is issue 16's: analysis/core/volume.py)
    config = Config.model_validate({"data": {"tickets": str(FIXTURES / "requests_311.csv"), "events": None,
                                             "accounts": None, "agents": None, "mapping": {"tickets": mapping}}})
    dataset = load_dataset(config)
    analysis = analyse(dataset, config)
    context = build_context(dataset, analysis, config)
    assert context["data"]["tickets"] == 6
    assert pd.notna(context["kpis"][0]["value"])
