"""`make report` installs what a build needs; `make test` adds the dev extras and the test-only system packages
(checked on make's dry run: nothing is installed)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from support import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str) -> str:
    result = subprocess.run(["make", "-n", "-B", target, "VENV=/nonexistent/venv"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_report_installs_the_runtime_dependencies_only():
    commands = dry_run("report")
    assert "pip install --quiet -e .\n" in commands
    assert ".[dev]" not in commands
    assert "bash scripts/install-system-deps.sh\n" in commands and "--test" not in commands
    assert "supportlens build" in commands


def test_test_adds_the_dev_extras_and_the_test_only_packages():
    commands = dry_run("test")
    assert "pip install --quiet -e '.[dev]'" in commands
    assert "bash scripts/install-system-deps.sh --test" in commands
    assert "-m pytest" in commands


def test_the_system_script_leaves_test_tools_to_test():
    script = (ROOT / "scripts" / "install-system-deps.sh").read_text()
    runtime, _, test_only = script.partition('if [ "$with_test" = 1 ]; then')
    assert "poppler-utils" not in runtime.split("set -euo pipefail")[1] and "poppler-utils" in test_only
    assert "--dump-dom about:blank" in script   # the browser must start, not merely be on PATH


def test_bench_sizes_are_chosen_on_the_command_line_and_the_profiler_stays_out_of_the_project_env():
    result = subprocess.run(["make", "-n", "-B", "bench", "SIZES=50k", "VENV=/nonexistent/venv"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "bench/run.py --sizes 50k " in result.stdout and "1m" not in result.stdout
    assert "/nonexistent/venv/profiler/bin/python -m pip install --quiet -r bench/requirements-profiler.txt" in result.stdout
    assert "ydata" not in (ROOT / "pyproject.toml").read_text()   # it needs pandas < 3: never in the project's environment


def test_clean_removes_the_build_cache():
    assert ".supportlens-cache" in dry_run("clean")
