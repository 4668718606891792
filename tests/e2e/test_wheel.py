"""The wheel carries everything: built from the package's own files, installed into a clean virtual
environment, its `supportlens build` makes the site and the PDF in a folder holding only one export and a
short supportlens.yml; a templates/ folder there overrides single shipped files.

Installing every dependency from PyPI into the new environment would take minutes, so the wheel goes in
with --no-deps and the environment reaches the development environment's third-party packages through a
.pth file naming its site-packages. A folder a .pth adds is appended to sys.path, but the .pth files inside
it (the editable install's among them) are not processed, so the checkout stays out of sight; the test
checks that the only supportlens the environment can import is the wheel's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

from supportlens.sample import SimulationSpec, simulate, write_sample
from support import ROOT

pytestmark = pytest.mark.e2e


def run(*args: object, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """A virtual environment with the wheel installed: (its bin folder, the environment to run it in)."""
    work = tmp_path_factory.mktemp("wheel")
    # only what the build backend reads, so nothing else of the checkout can leak into the wheel
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", work / "dist", source)
    (wheel,) = (work / "dist").glob("supportlens-*.whl")

    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site_packages / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv, env


def test_the_environment_sees_only_the_wheel(installed):
    venv, env = installed
    found = run(venv / "bin" / "python", "-c", textwrap.dedent("""\
        import sys, sysconfig
        from pathlib import Path
        import jinja2, supportlens
        print(supportlens.__file__)
        print(Path(jinja2.__file__).parent.parent)
        print(*[p for p in sys.path if (Path(p) / "supportlens" / "__init__.py").exists()], sep=",")
        """), cwd=venv, env=env).stdout.splitlines()
    site_packages = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert Path(found[0]) == site_packages / "supportlens" / "__init__.py"
    assert Path(found[1]) == Path(sysconfig.get_paths()["purelib"])      # third-party packages: the dev environment's
    assert found[2].split(",") == [str(site_packages)]                   # the checkout's src/ is not on sys.path


def test_the_installed_command_builds_site_and_pdf_from_an_empty_folder(installed, tmp_path):
    venv, env = installed
    simulated = tmp_path / "simulated"
    write_sample(simulate(SimulationSpec(tickets=400, seed=5)), simulated)
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(simulated / "tickets.csv", project / "export.csv")
    (project / "supportlens.yml").write_text(textwrap.dedent("""\
        data:
          tickets: export.csv
          events: null
          accounts: null
          agents: null
        """))
    assert sorted(p.name for p in project.iterdir()) == ["export.csv", "supportlens.yml"]

    run(venv / "bin" / "supportlens", "build", "--engine", "builtin", cwd=project, env=env)
    site = project / "_site"
    assert "400 tickets" in (site / "quality.html").read_text(encoding="utf-8").replace(",", "")
    assert (site / "index.html").stat().st_size > 10_000
    assert (site / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "plotly.min.js").stat().st_size > 1_000_000                  # the bundle travels in the wheel
    assert (project / "report" / "_quarto.yml").read_text().startswith("# Quarto website project")
    shipped_css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    methodology = (site / "methodology.html").read_text(encoding="utf-8")
    assert "Wilson" in methodology

    # the project's own templates/ overrides single shipped files, the rest still come from the wheel
    (project / "templates" / "pages").mkdir(parents=True)
    (project / "templates" / "site").mkdir()
    (project / "templates" / "pages" / "methodology.qmd.j2").write_text(
        '---\ntitle: "How we count"\n---\n\nOur own methodology for {{ report.organisation }}.\n')
    (project / "templates" / "site" / "site.css").write_text("body { color: #123456; }\n")
    run(venv / "bin" / "supportlens", "build", "--engine", "builtin", "--no-pdf", cwd=project, env=env)
    methodology = (site / "methodology.html").read_text(encoding="utf-8")
    assert "How we count" in methodology and "Our own methodology for" in methodology and "Wilson" not in methodology
    assert (site / "assets" / "site.css").read_text(encoding="utf-8") == "body { color: #123456; }\n" != shipped_css
    assert (site / "index.html").read_text(encoding="utf-8") == index
