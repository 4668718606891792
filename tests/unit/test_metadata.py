"""The package's metadata: one version source, the licence file the metadata names, a kaleido bound that has
what the PDF uses, and the wheel's build folder ignored."""

from __future__ import annotations

import re
import tomllib

import pytest

from support import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_has_one_source():
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "supportlens.__version__"}
    init = (ROOT / "src" / "supportlens" / "__init__.py").read_text()
    assert len(re.findall(r"^__version__ = \"\d+\.\d+\.\d+\"$", init, re.M)) == 1


def test_the_licence_file_is_the_mit_licence_the_metadata_names():
    assert PYPROJECT["project"]["license"] == "MIT" and PYPROJECT["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_classifiers_name_the_pythons_supported():
    classifiers = PYPROJECT["project"]["classifiers"]
    floor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {floor}" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)   # the licence is the SPDX expression


def test_classifiers_are_pypis_own_and_current():
    trove = pytest.importorskip("trove_classifiers", reason="trove-classifiers (a dev dependency) is not installed")
    classifiers = PYPROJECT["project"]["classifiers"]
    assert classifiers and len(set(classifiers)) == len(classifiers)
    assert [c for c in classifiers if c not in trove.classifiers] == []
    assert [c for c in classifiers if c in trove.deprecated_classifiers] == []
    assert not trove.classifiers >= {"Intended Audience :: Nobody"}   # the check can fail: an invented one is absent


def test_kaleido_bound_has_what_the_pdf_uses():
    """The installed Kaleido within the bound has the calls the chart browser makes, and the internal the one page
    load per build relies on (without it the browser falls back to Kaleido's reload after every chart)."""
    import inspect

    import kaleido

    from supportlens.render.pdf import _one_page_kaleido

    bound = next(d for d in PYPROJECT["project"]["dependencies"] if d.startswith("kaleido"))
    assert bound.split("#")[0].strip() == "kaleido>=1.1,<2"
    assert {"timeout", "plotlyjs", "mathjax"} <= set(inspect.signature(kaleido.Kaleido.__init__).parameters)
    assert callable(kaleido.Kaleido.calc_fig)
    assert "_return_kaleido_tab" in vars(_one_page_kaleido())


def test_build_outputs_are_ignored():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert {"build/", "dist/"} <= set(ignored)


def test_the_generated_quarto_project_at_the_root_is_ignored():
    """Every build writes the Quarto project into the project root; none of it may be committed by mistake."""
    import fnmatch

    from supportlens.render.site import quarto_files

    patterns = [line[1:].rstrip("/") for line in (ROOT / ".gitignore").read_text().splitlines() if line.startswith("/")]
    missing = [name for name in quarto_files() if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert missing == []
