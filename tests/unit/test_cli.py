"""The command line behaves like any tool's: --version, python -m, exit code 1 for a runtime error and 2 for
a usage error (no traceback either way), results on stdout and progress/errors on stderr, a busy port reported."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from supportlens import __version__
from support import FIXTURES, TINY_TICKETS, run_cli


def tiny_project(folder: Path) -> Path:
    (folder / "tickets.csv").write_text(TINY_TICKETS)
    (folder / "supportlens.yml").write_text("data:\n  tickets: tickets.csv\n  events: null\n  accounts: null\n"
                                            "  agents: null\nperiod:\n  as_of: \"2026-03-31T12:00:00Z\"\n")
    return folder


def test_version_on_stdout(tmp_path):
    for command in ([sys.executable, "-m", "supportlens.cli", "--version"],
                    [sys.executable, "-m", "supportlens", "--version"]):   # python -m supportlens works too
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"supportlens {__version__}"


@pytest.mark.parametrize("args, option", [
    (("sample", "--tickets", "-5"), "--tickets"),
    (("build", "--engine", "bogus"), "--engine"),
    (("sample", "--format", "xml"), "--format"),
    (("serve", "--port", "70000"), "--port"),
    (("build", "--colour"), "--colour"),
])
def test_a_bad_option_is_a_usage_error_without_traceback(tmp_path, args, option):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert option in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()   # nothing simulated or built


def test_a_runtime_error_exits_1_with_the_fix(tmp_path):
    result = run_cli("check", "--config", "missing.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert "missing.yml not found" in result.stderr and "fix:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_check_writes_its_report_to_stdout(tmp_path):
    result = run_cli("check", cwd=tiny_project(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "importer generic" in result.stdout and "6 tickets" in result.stdout
    assert result.stderr == ""


def test_serve_on_a_busy_port_says_so(tmp_path):
    (tmp_path / "_site").mkdir()
    (tmp_path / "_site" / "index.html").write_text("<p>site</p>")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "supportlens", "serve", "--port", str(port)], cwd=tmp_path,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot serve on port {port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_with_an_export_detects_its_importer_and_prints_the_next_command(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "export.csv").write_bytes((FIXTURES / "zendesk_tickets.csv").read_bytes())
    result = run_cli("init", "data/export.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "importer zendesk" in result.stdout and "next: supportlens check" in result.stdout
    again = run_cli("check", cwd=tmp_path)   # the written config reads the export as it is
    assert again.returncode == 0, again.stderr
    assert "importer zendesk" in again.stdout and "tickets: data/export.csv" in again.stdout


def test_init_on_an_export_in_the_standard_names_says_the_generic_importer_reads_it(tmp_path):
    (tmp_path / "export.csv").write_text("ticket_id,created_at,status,priority\n"
                                         "T1,2026-01-05T09:00:00Z,open,high\nT2,2026-01-06T10:00:00Z,solved,low\n")
    result = run_cli("init", "export.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No importer recognised" not in result.stdout
    assert "importer generic, 4 columns mapped" in result.stdout and "fill in publish.organisation" in result.stdout


def test_a_build_with_a_missing_browser_stops_at_once_naming_browser_path(tmp_path):
    import os

    project = tiny_project(tmp_path)
    result = subprocess.run([sys.executable, "-m", "supportlens", "build"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "BROWSER_PATH": str(tmp_path / "nonexistent" / "chrome")},
                            timeout=120)
    assert result.returncode == 1
    assert "nonexistent/chrome does not exist" in result.stderr and "BROWSER_PATH" in result.stderr
    assert "apt-get install chromium" in result.stderr and "Traceback" not in result.stderr
    assert "Reading exports" not in result.stderr     # checked before the exports are read, not after the analysis
    assert not (project / "_site").exists()


def test_sample_reports_what_it_wrote_on_stdout(tmp_path):
    result = run_cli("sample", "--tickets", "200", "--out", "simulated", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Wrote 5 files to simulated/" in result.stdout and "truth.json" in result.stdout
    assert (tmp_path / "simulated" / "tickets.csv").exists()


@pytest.mark.parametrize("terminal, long_from, shown", [
    (True, 0, True),             # a terminal and exports counted as long: the bar
    (True, 10**12, False),       # a terminal, exports read in a moment: no bar
    (False, 0, False),           # a log (not a terminal): the one-line messages only
])
def test_reading_the_exports_gets_a_bar_on_a_terminal_when_it_is_long(tmp_path, monkeypatch, terminal, long_from, shown):
    import io

    from rich.console import Console
    from typer.testing import CliRunner

    from supportlens import cli

    project = tiny_project(tmp_path)
    monkeypatch.chdir(project)
    said = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=said, force_terminal=terminal, width=120))
    monkeypatch.setattr(cli, "LONG_INGEST_BYTES", long_from)
    result = CliRunner().invoke(cli.app, ["build", "--no-pdf", "--engine", "builtin"])
    assert result.exit_code == 0, result.output
    assert "Reading exports" in said.getvalue()
    assert ("reading the exports (tickets)" in said.getvalue()) is shown
    assert "0.0/0.0 MB" in said.getvalue() if shown else "MB" not in said.getvalue()


def test_sample_no_effects_writes_a_null_world(tmp_path):
    result = run_cli("sample", "--tickets", "300", "--seed", "5", "--no-effects", "--out", "null", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    truth = json.loads((tmp_path / "null" / "truth.json").read_text())
    assert truth["planted_effects"] is False
    assert [truth[k] for k in ("coverage_gap", "worst_breach_priority", "slowest_industry", "high_breach_channel",
                               "concentrated_account", "bottleneck_transition")] == [None] * 6
    planted = run_cli("sample", "--tickets", "300", "--seed", "5", "--out", "planted", cwd=tmp_path)
    assert planted.returncode == 0, planted.stderr
    truth = json.loads((tmp_path / "planted" / "truth.json").read_text())
    assert truth["planted_effects"] is True and truth["coverage_gap"]["hours"] == [18, 19, 20, 21]
