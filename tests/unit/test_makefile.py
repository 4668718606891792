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


def test_test_quarto_runs_the_quarto_tests_requiring_quarto():
    """The Pages workflow's `make test-quarto`: the Quarto e2e tests, failing rather than skipping without Quarto."""
    commands = dry_run("test-quarto")
    assert "pip install --quiet -e '.[dev]'" in commands
    run = next(line for line in commands.splitlines() if "-m pytest" in line)
    assert run.startswith("SUPPORTLENS_REQUIRE_QUARTO=1 ")
    assert "tests/e2e/test_quarto_engine.py" in run and "tests/e2e/test_quarto_project.py" in run


def test_clean_removes_the_quarto_project_the_build_wrote_and_nothing_of_a_users_own(tmp_path):
    from supportlens.pages import PAGES
    from supportlens.render.site import quarto_files, write_quarto_project

    def cleaned() -> list[str]:
        result = subprocess.run(["make", "-n", "-f", str(ROOT / "Makefile"), "clean", "VENV=/nonexistent/venv"],
                                cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return next(line for line in result.stdout.splitlines() if line.startswith("rm -rf")).split()[2:]

    write_quarto_project({"report": {"title": "t", "organisation": "", "as_of": "2026-03-31T00:00:00+00:00"}},
                         tmp_path)
    removed = {name.rstrip("/") for name in cleaned()}
    assert set(quarto_files()) | {".quarto"} <= removed and {f"{p.id}.qmd" for p in PAGES} <= removed
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n  render:\n    - index.qmd\n")   # the user's
    assert cleaned() == ["_site", "report", "data/sample", "._site.*", "test-artifacts", ".supportlens-cache"]


def test_bench_sizes_are_chosen_on_the_command_line_and_the_profiler_stays_out_of_the_project_env():
    result = subprocess.run(["make", "-n", "-B", "bench", "SIZES=50k", "VENV=/nonexistent/venv"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "bench/run.py --sizes 50k " in result.stdout and "1m" not in result.stdout
    assert "/nonexistent/venv/profiler/bin/python -m pip install --quiet -r bench/requirements-profiler.txt" in result.stdout
    assert "ydata" not in (ROOT / "pyproject.toml").read_text()   # it needs pandas < 3: never in the project's environment


def test_clean_removes_the_build_cache():
    assert ".supportlens-cache" in dry_run("clean")
