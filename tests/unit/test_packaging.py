"""What the wheel carries: every file the package reads besides its code is package data, and nothing in
src/ reads a file relative to the repository checkout (tests/e2e/test_wheel.py installs the wheel and builds)."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch

from support import ROOT

PACKAGE = ROOT / "src" / "supportlens"


def package_data_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["supportlens"]


def shipped(relative: str, patterns: list[str]) -> bool:
    """As setuptools reads the patterns: ``**`` spans folders, ``*`` stays within one."""
    for pattern in patterns:
        if "**" in pattern:
            if fnmatch(relative, pattern.replace("**/", "*")):
                return True
        elif fnmatch(relative, pattern) and relative.count("/") == pattern.count("/"):
            return True
    return False


def test_every_data_file_of_the_package_is_package_data():
    data = [p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert "templates/quarto/_quarto.yml.j2" in data and "config/supportlens.yml" in data
    patterns = package_data_patterns()
    assert [name for name in data if not shipped(name, patterns)] == []


def test_the_pattern_check_can_fail():
    assert not shipped("templates/pages/x.qmd.j2", ["templates/*"])
    assert shipped("templates/pages/x.qmd.j2", ["templates/**/*"])
    assert not shipped("config/other.yml", ["config/supportlens.yml"])


def test_no_module_reads_files_beside_the_checkout():
    """Package files are read through importlib.resources (or Jinja's PackageLoader), never by a path
    computed from the module's location, which would point into the checkout in an editable install."""
    offending = {}
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"__file__|\.parents\[|\.parent\.parent", text)
        if found:
            offending[path.relative_to(PACKAGE).as_posix()] = sorted(set(found))
    assert offending == {}
