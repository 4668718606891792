"""The Quarto engine renders the project the build wrote at the project root and shows Quarto's warnings (checked
with a stand-in `quarto` on PATH: Quarto itself is optional and external); the build never overwrites Quarto
files at the root that it did not write."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
import yaml

from supportlens.errors import SupportlensError
from supportlens.pages import PAGES
from supportlens.render.site import (QUARTO_MARKER, check_quarto_root, quarto_project, quarto_warnings,
                                     remove_old_quarto_project, render_quarto, write_quarto_project)

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


def test_render_quarto_renders_the_project_root_into_the_stage_and_shows_the_warnings(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{fake_quarto(tmp_path, 0)}:/usr/bin:/bin")
    root, stage = tmp_path / "project", tmp_path / "project" / "._site.building"
    stage.mkdir(parents=True)
    shown: list[str] = []
    render_quarto(root, stage, warn=shown.append)
    assert (tmp_path / "args.txt").read_text().splitlines() == ["render", str(root), "--output-dir", str(stage.resolve())]
    assert (stage / "index.html").exists()
    assert shown == ["quarto: WARN: Unable to resolve link target: explorer.qmd#nowhere",
                     "quarto: WARNING (/tmp/report/sla.qmd) Duplicate label 'fig-a'\n  Labels must be unique."]


def test_a_failed_quarto_render_is_an_error_with_its_output(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", f"{fake_quarto(tmp_path, 1)}:/usr/bin:/bin")
    (tmp_path / "report").mkdir()
    with pytest.raises(SupportlensError, match="quarto render failed") as error:
        render_quarto(tmp_path / "report", tmp_path / "stage", warn=lambda line: None)
    assert "Duplicate label" in error.value.problem


@pytest.mark.parametrize("site_dir, expected", [("_site", "_site"), ("public/site", "public/site")])
def test_the_project_writes_the_site_where_the_config_says(tmp_path, site_dir, expected):
    path = write_quarto_project(CONTEXT, tmp_path, site_dir=tmp_path / site_dir)
    assert path == tmp_path / "_quarto.yml"
    settings = yaml.safe_load(path.read_text())
    assert settings["project"]["output-dir"] == expected
    assert (tmp_path / expected).resolve() == (tmp_path / site_dir).resolve()


# Quarto's schema of the `project` key (quarto-cli src/resources/schema/project.yml): a closed object, so any
# other key is an error; https://quarto.org/docs/reference/projects/options.html lists the same options
QUARTO_PROJECT_OPTIONS = {"title", "type", "render", "execute-dir", "output-dir", "lib-dir", "resources", "preview",
                          "pre-render", "post-render", "detect"}


def test_the_project_keeps_to_quartos_schema_of_project_options():
    settings = yaml.safe_load(quarto_project(CONTEXT, Path(".")))
    project = settings["project"]
    assert set(project) <= QUARTO_PROJECT_OPTIONS
    assert project["type"] in {"default", "website", "book", "manuscript"} and project["type"] == "website"
    assert isinstance(project["output-dir"], str)   # `path`
    # `render: arrayOf path`, the pages by their file names: a website page's output is its path in the project
    assert project["render"] == [f"{page.id}.qmd" for page in PAGES]
    assert all(isinstance(r, str) and "/" not in r.rstrip("/") for r in project["resources"])   # `maybeArrayOf path`
    assert set(settings) <= {"project", "website", "format"}


def test_the_build_marks_its_quarto_project_even_under_a_project_template(tmp_path):
    custom = tmp_path / "templates" / "quarto" / "_quarto.yml.j2"
    custom.parent.mkdir(parents=True)
    custom.write_text("project:\n  type: website\n  render: [index.qmd]\n")
    text = quarto_project(CONTEXT, tmp_path)
    assert text.splitlines()[0] == QUARTO_MARKER
    assert yaml.safe_load(text)["project"]["render"] == ["index.qmd"]


def test_the_build_refuses_to_overwrite_quarto_files_it_did_not_write(tmp_path):
    check_quarto_root(tmp_path)   # an empty project folder
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")   # the user's own Quarto site
    (tmp_path / "index.qmd").write_text("---\ntitle: Our team\n---\n")
    with pytest.raises(SupportlensError) as refused:
        check_quarto_root(tmp_path)
    assert "_quarto.yml, index.qmd" in refused.value.problem and "did not write" in refused.value.problem
    (tmp_path / "_quarto.yml").unlink()
    with pytest.raises(SupportlensError, match=r"holds index\.qmd, which"):
        check_quarto_root(tmp_path)   # a page without the build's _quarto.yml listing it
    (tmp_path / "index.qmd").unlink()
    (tmp_path / "assets").mkdir()
    with pytest.raises(SupportlensError, match=r"holds assets, which"):
        check_quarto_root(tmp_path)


def test_the_build_rewrites_the_quarto_files_its_own_project_lists(tmp_path):
    write_quarto_project(CONTEXT, tmp_path)
    for page in PAGES:
        (tmp_path / f"{page.id}.qmd").write_text("---\ntitle: a page the last build wrote\n---\n")
    (tmp_path / "assets").mkdir()
    (tmp_path / "report.pdf").write_bytes(b"%PDF")
    check_quarto_root(tmp_path)   # nothing raised: every file is listed by the build's own _quarto.yml
    (tmp_path / "notes.qmd").write_text("mine")   # a file the build never writes is none of its business
    check_quarto_root(tmp_path)


def test_an_earlier_builds_project_in_report_is_removed_and_nothing_else(tmp_path):
    report = tmp_path / "report"
    (report / "assets").mkdir(parents=True)
    (report / "_quarto.yml").write_text("# Quarto website project, generated by `supportlens build` from ...\n")
    (report / "index.qmd").write_text("old")
    (report / "context.json").write_text("{}")
    (report / "figures").mkdir()
    remove_old_quarto_project(report, tmp_path)
    assert sorted(p.name for p in report.iterdir()) == ["context.json", "figures"]
    (report / "_quarto.yml").write_text("project:\n  type: website\n")   # not the build's: kept, with its pages
    (report / "index.qmd").write_text("mine")
    remove_old_quarto_project(report, tmp_path)
    assert (report / "_quarto.yml").exists() and (report / "index.qmd").exists()
    write_quarto_project(CONTEXT, tmp_path)   # report/ configured as the root itself: the project is today's
    remove_old_quarto_project(tmp_path, tmp_path)
    assert (tmp_path / "_quarto.yml").exists()


def test_no_organisation_leaves_no_dangling_separator():
    settings = yaml.safe_load(quarto_project(CONTEXT, Path(".")))
    footer = settings["website"]["page-footer"]["center"]
    assert footer.startswith("data as of 2026-03-31 · built with supportlens ")
