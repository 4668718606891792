"""The Quarto engine renders the project the build wrote in report/ and shows Quarto's warnings (checked with a
stand-in `quarto` on PATH: Quarto itself is optional and external)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
import yaml

from supportlens.errors import SupportlensError
from supportlens.render.site import quarto_project, quarto_warnings, render_quarto, write_quarto_project

CONTEXT = {"report": {"title": "Support operations report", "organisation": "", "as_of": "2026-03-31T12:00:00+00:00"}}

QUARTO_OUTPUT = """\
[ 1/14] index.qmd
WARN: Unable to resolve link target: explorer.qmd#nowhere
[ 2/14] sla.qmd
WARNING (/tmp/report/sla.qmd) Duplicate label 'fig-a'
  Labels must be unique.
Output created: _site/index.html
"""


def test_quarto_warnings_are_kept_and_progress_dropped():
    assert quarto_warnings(QUARTO_OUTPUT) == [
        "WARN: Unable to resolve link target: explorer.qmd#nowhere",
        "WARNING (/tmp/report/sla.qmd) Duplicate label 'fig-a'\n  Labels must be unique.",
    ]
    assert quarto_warnings("\x1b[33mWARN: coloured\x1b[39m\n[ 1/1] a.qmd\n") == ["\x1b[33mWARN: coloured\x1b[39m"]
    assert quarto_warnings("[ 1/1] index.qmd\nOutput created: _site/index.html\n") == []


def fake_quarto(folder, exit_code: int):
    """A `quarto` that logs its arguments, writes index.html to --output-dir and warns once."""
    script = folder / "bin" / "quarto"
    script.parent.mkdir()
    script.write_text(f"""#!{sys.executable}
import pathlib, sys
args = sys.argv[1:]
pathlib.Path({str(folder / "args.txt")!r}).write_text("\\n".join(args))
out = pathlib.Path(args[args.index("--output-dir") + 1])
out.mkdir(parents=True, exist_ok=True)
(out / "index.html").write_text("<p>quarto</p>")
sys.stderr.write({QUARTO_OUTPUT!r})
sys.exit({exit_code})
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script.parent


def test_render_quarto_renders_report_into_the_stage_and_shows_the_warnings(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{fake_quarto(tmp_path, 0)}:/usr/bin:/bin")
    report, stage = tmp_path / "report", tmp_path / "._site.building"
    report.mkdir()
    stage.mkdir()
    shown: list[str] = []
    render_quarto(report, stage, warn=shown.append)
    assert (tmp_path / "args.txt").read_text().splitlines() == ["render", str(report), "--output-dir", str(stage.resolve())]
    assert (stage / "index.html").exists()
    assert shown == ["quarto: WARN: Unable to resolve link target: explorer.qmd#nowhere",
                     "quarto: WARNING (/tmp/report/sla.qmd) Duplicate label 'fig-a'\n  Labels must be unique."]


def test_a_failed_quarto_render_is_an_error_with_its_output(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{fake_quarto(tmp_path, 1)}:/usr/bin:/bin")
    (tmp_path / "report").mkdir()
    with pytest.raises(SupportlensError, match="quarto render failed") as error:
        render_quarto(tmp_path / "report", tmp_path / "stage", warn=lambda line: None)
    assert "Duplicate label" in error.value.problem


@pytest.mark.parametrize("site_dir, expected", [("_site", "../_site"), ("public/site", "../public/site")])
def test_the_project_writes_the_site_where_the_config_says(tmp_path, site_dir, expected):
    report = tmp_path / "report"
    path = write_quarto_project(CONTEXT, report, tmp_path, site_dir=tmp_path / site_dir)
    settings = yaml.safe_load(path.read_text())
    assert settings["project"]["output-dir"] == expected
    assert (report / expected).resolve() == (tmp_path / site_dir).resolve()


def test_no_organisation_leaves_no_dangling_separator():
    settings = yaml.safe_load(quarto_project(CONTEXT, Path(".")))
    footer = settings["website"]["page-footer"]["center"]
    assert footer.startswith("data as of 2026-03-31 · built with supportlens ")
