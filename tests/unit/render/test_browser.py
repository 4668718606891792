"""The chart browser fails fast: a missing, broken or hanging browser stops the build with an error naming
BROWSER_PATH, and a chart the browser never draws times out instead of waiting for ever."""

from __future__ import annotations

import stat

import pytest

from supportlens.errors import SupportlensError
from supportlens.render import pdf


def fake_browser(tmp_path, body: str):
    path = tmp_path / "chrome"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_missing_browser_is_named_with_the_fix(tmp_path):
    with pytest.raises(SupportlensError) as error:
        pdf.check_browser(str(tmp_path / "nonexistent" / "chrome"))
    assert "does not exist" in error.value.problem and "nonexistent" in error.value.problem
    assert "BROWSER_PATH" in error.value.fix and "apt-get install chromium" in error.value.fix


def test_a_browser_that_exits_at_once_is_refused(tmp_path):
    # like Ubuntu's snap launcher stub: prints a message and exits 1
    stub = fake_browser(tmp_path, 'echo "Command \'/usr/bin/chromium-browser\' requires the chromium snap" >&2; exit 1')
    with pytest.raises(SupportlensError) as error:
        pdf.check_browser(stub)
    assert "exit code 1" in error.value.problem and "requires the chromium snap" in error.value.problem


def test_a_browser_that_hangs_is_given_up_on(tmp_path):
    hangs = fake_browser(tmp_path, "exec sleep 30")
    with pytest.raises(SupportlensError) as error:
        pdf.check_browser(hangs, timeout=0.5)
    assert "did not start within" in error.value.problem


def test_a_browser_that_loads_a_page_passes(tmp_path):
    works = fake_browser(tmp_path, 'echo "<html><head></head><body></body></html>"')
    pdf.check_browser(works)   # no error


def test_the_environment_variable_picks_the_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "elsewhere"))
    assert pdf.find_browser() == str(tmp_path / "elsewhere")
    with pytest.raises(SupportlensError, match="elsewhere"):
        pdf.check_browser()


def test_a_chart_the_browser_never_draws_times_out(monkeypatch):
    import threading

    import kaleido

    release = threading.Event()
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: release.wait(30))
    monkeypatch.setattr(pdf, "_abandoned", [])
    try:
        with pytest.raises(SupportlensError, match="no static chart within"):
            pdf._calc_svg(object(), {"format": "svg"}, timeout=0.2)
        assert pdf._abandoned == ["timeout"]
    finally:
        release.set()


def test_a_chart_error_reaches_the_build(monkeypatch):
    import kaleido

    def broken(*args, **kwargs):
        raise ValueError("bad figure")

    monkeypatch.setattr(kaleido, "calc_fig_sync", broken)
    with pytest.raises(ValueError, match="bad figure"):
        pdf._calc_svg(object(), {"format": "svg"}, timeout=5)
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: b"<svg/>")
    assert pdf._calc_svg(object(), {"format": "svg"}, timeout=5) == b"<svg/>"


def test_export_reports_its_progress_chart_by_chart(monkeypatch, tmp_path):
    import kaleido
    import plotly.graph_objects as go

    class OneChart:
        wide = False

        def print_figures(self):   # the export fits the axis titles of each figure: real figures
            return {"a": go.Figure(layout={"height": 300}), "a-2": go.Figure(layout={"height": 300})}   # two parts count once

    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: b"<svg/>")
    seen: list[tuple[int, int]] = []
    pdf.export_svgs({"a": OneChart(), "b": OneChart()}, tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.svg", "a.svg"]
