"""Builds are safe to interrupt or repeat: killed mid-publish, the next build puts the site back; two builds
in one folder never mix their files (the second stops with a clear message)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from supportlens.render.site import build_lock
from support import TINY_TICKETS, run_cli

CONFIG = textwrap.dedent("""\
    data: {tickets: tickets.csv, events: null, accounts: null, agents: null}
    period: {as_of: "2026-03-31T12:00:00Z"}
    """)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> Path:
    """A folder with the six tickets, built once (no PDF) for the module."""
    folder = tmp_path_factory.mktemp("first_build")
    (folder / "tickets.csv").write_text(TINY_TICKETS)
    (folder / "supportlens.yml").write_text(CONFIG)
    first = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=folder)
    assert first.returncode == 0, first.stderr
    return folder


@pytest.fixture
def built(first_build, tmp_path) -> Path:
    """A copy of that built folder of the test's own, its site marked as the previous one."""
    folder = tmp_path / "built"
    shutil.copytree(first_build, folder, symlinks=True)
    (folder / "_site" / "marker.txt").write_text("the previous site")
    return folder


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("._site") and p.name != "._site.lock")


def test_killed_between_moving_the_old_site_aside_and_the_new_in(built):
    """The window the issue found (no one-step swap, as on a system without one): SIGKILL-like exit there."""
    killed = textwrap.dedent("""
        import os, sys
        from pathlib import Path
        from supportlens.render import site
        from supportlens.cli import app
        site._exchange = lambda a, b: False
        rename = Path.rename
        def rename_then_die(self, target):
            result = rename(self, target)
            if Path(target).name.startswith("._site.old"):
                os._exit(9)
            return result
        Path.rename = rename_then_die
        app(["build", "--engine", "builtin", "--no-pdf"])
    """)
    result = subprocess.run([sys.executable, "-c", killed], cwd=built, capture_output=True, text=True)
    assert result.returncode == 9, result.stderr
    assert not (built / "_site").exists() and len(leftovers(built)) == 2
    again = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=built)
    assert again.returncode == 0, again.stderr
    assert "Cleaning up after an interrupted build: put back the previous site" in again.stderr
    assert (built / "_site" / "index.html").exists()
    assert not (built / "_site" / "marker.txt").exists()     # replaced by the new build's site
    assert leftovers(built) == []


def test_a_build_while_another_runs_stops_clearly_and_leaves_the_site(built):
    with build_lock(built / "_site"):        # the first build, holding the folder
        second = run_cli("build", "--engine", "builtin", "--no-pdf", cwd=built)
    assert second.returncode == 1     # a runtime error, not a usage error
    assert "another build is writing _site in this folder (process" in second.stderr
    assert "wait for that build to finish" in second.stderr and "Traceback" not in second.stderr
    assert (built / "_site" / "marker.txt").read_text() == "the previous site"
    assert leftovers(built) == []


def test_two_builds_started_together(built):
    """Each either builds or stops with the message; the site is whole and nothing is left behind."""
    command = [sys.executable, "-m", "supportlens.cli", "build", "--engine", "builtin", "--no-pdf"]
    runs = [subprocess.Popen(command, cwd=built, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    for code, stderr in results:
        assert "Traceback" not in stderr and "FileNotFoundError" not in stderr, stderr
        assert code == 0 or "another build is writing" in stderr, stderr
    assert any(code == 0 for code, _ in results)
    assert (built / "_site" / "index.html").exists() and not (built / "_site" / "marker.txt").exists()
    assert leftovers(built) == []
