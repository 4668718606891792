"""A build replaces the site in one step, one build at a time, and the next build cleans up after a killed one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from supportlens.errors import SupportlensError
from supportlens.render import site
from supportlens.render.site import build_lock, clean_leftovers, publish, staging_dir

SRC = str(Path(site.__file__).resolve().parents[2])


def a_site(path: Path, text: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "index.html").write_text(text)
    return path


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("swap", [True, False], ids=["one-step swap", "two renames"])
def test_publish_puts_the_new_site_in_place_and_removes_the_old(tmp_path, monkeypatch, swap):
    if not swap:
        monkeypatch.setattr(site, "_exchange", lambda a, b: False)
    site_dir = a_site(tmp_path / "_site", "old")
    stage = a_site(staging_dir(site_dir), "new")
    assert stage.name == f"._site.building-{os.getpid()}"     # this build's own staging folder
    publish(stage, site_dir)
    assert (site_dir / "index.html").read_text() == "new"
    assert hidden(tmp_path) == []


def test_first_publish_moves_the_stage_in(tmp_path):
    site_dir = tmp_path / "_site"
    publish(a_site(staging_dir(site_dir), "new"), site_dir)
    assert (site_dir / "index.html").read_text() == "new" and hidden(tmp_path) == []


def test_the_swap_is_one_step_on_this_system(tmp_path):
    """Linux and macOS swap two folders atomically; then no moment exists without a site."""
    if not (sys.platform.startswith("linux") or sys.platform == "darwin"):
        pytest.skip("no atomic folder swap on this system: publish uses two renames and clean_leftovers")
    a, b = a_site(tmp_path / "a", "A"), a_site(tmp_path / "b", "B")
    assert site._exchange(a, b)
    assert (a / "index.html").read_text() == "B" and (b / "index.html").read_text() == "A"


def test_a_build_killed_between_the_two_renames_gets_its_old_site_back(tmp_path):
    """Where there is no one-step swap: kill -9 right after the old site was moved aside, then the next build."""
    a_site(tmp_path / "_site", "old")
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        sys.path.insert(0, {SRC!r})
        from supportlens.render import site
        site._exchange = lambda a, b: False
        rename = Path.rename
        def killed_after_moving_the_old_site(self, target):
            result = rename(self, target)
            if Path(target).name.startswith("._site.old"):
                os._exit(9)   # no cleanup runs: as after SIGKILL
            return result
        Path.rename = killed_after_moving_the_old_site
        site_dir = Path({str(tmp_path / "_site")!r})
        stage = site.staging_dir(site_dir)
        (stage / "index.html").write_text("new")
        site.publish(stage, site_dir)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    assert not (tmp_path / "_site").exists()                       # the moment the issue describes
    assert [n.split("-")[0] for n in hidden(tmp_path)] == ["._site.building", "._site.old"]
    done = clean_leftovers(tmp_path / "_site")
    assert (tmp_path / "_site" / "index.html").read_text() == "old"
    assert hidden(tmp_path) == [] and any("put back the previous site" in d for d in done)


def test_leftovers_of_a_killed_build_are_removed(tmp_path):
    site_dir = a_site(tmp_path / "_site", "current")
    a_site(tmp_path / "._site.building-123", "half")
    a_site(tmp_path / "._site.building-123.quarto", "half")
    a_site(tmp_path / "._site.old-77", "older")
    a_site(tmp_path / "other", "not ours")
    clean_leftovers(site_dir)
    assert (site_dir / "index.html").read_text() == "current"
    assert hidden(tmp_path) == [] and (tmp_path / "other").exists()


def test_a_second_build_in_the_same_folder_stops_with_a_clear_message(tmp_path):
    site_dir = tmp_path / "_site"
    with build_lock(site_dir):
        with pytest.raises(SupportlensError) as caught:
            with build_lock(site_dir):
                pass
        assert "another build is writing" in caught.value.problem and f"process {os.getpid()}" in caught.value.problem
        assert "wait for that build to finish" in caught.value.fix
    with build_lock(site_dir):   # released when the first build ends
        pass


def test_a_killed_build_leaves_no_stale_lock(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        sys.path.insert(0, {SRC!r})
        from supportlens.render.site import build_lock
        with build_lock(Path({str(tmp_path / "_site")!r})):
            os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    assert (tmp_path / "._site.lock").exists()
    with build_lock(tmp_path / "_site"):
        pass
