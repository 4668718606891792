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


class FakeKaleido:
    """Kaleido as the chart browser drives it: opened and closed with ``async with``, ``calc_fig`` per chart."""

    warming = True
    opens = None        # a coroutine function run on opening (raise: the browser does not open)
    draws = None        # a coroutine function (figure, opts) -> bytes

    def __init__(self, **kwargs):
        self.closed = False

    async def __aenter__(self):
        if self.opens is not None:
            await type(self).opens()
        return self

    async def __aexit__(self, *exc):
        self.closed = True

    async def close(self):
        self.closed = True

    async def calc_fig(self, figure, opts):
        return await type(self).draws(figure, opts)


@pytest.fixture
def fake_kaleido(monkeypatch, tmp_path):
    kaleido = type("Kaleido", (FakeKaleido,), {})
    monkeypatch.setattr(pdf, "_one_page_kaleido", lambda: kaleido)
    monkeypatch.setenv("BROWSER_PATH", fake_browser(tmp_path, 'echo "<html><head></head><body></body></html>"'))
    return kaleido


def test_a_chart_the_browser_never_draws_times_out(fake_kaleido):
    import asyncio

    async def never(figure, opts):
        await asyncio.sleep(30)

    fake_kaleido.draws = staticmethod(never)
    with pdf.chart_browser() as browser:
        with pytest.raises(SupportlensError, match="no static chart within"):
            browser.draw(object(), {"format": "svg"}, timeout=0.2)
        assert browser.abandoned   # the stuck browser is let go, not waited for at the end of the build


def test_a_chart_error_reaches_the_build_and_the_browser_draws_on(fake_kaleido):
    async def broken(figure, opts):
        raise ValueError("bad figure")

    async def works(figure, opts):
        return b"<svg/>"

    fake_kaleido.draws = staticmethod(broken)
    with pdf.chart_browser() as browser:
        with pytest.raises(ValueError, match="bad figure"):
            browser.draw(object(), {"format": "svg"}, timeout=5)
        fake_kaleido.draws = staticmethod(works)
        assert browser.draw(object(), {"format": "svg"}, timeout=5) == b"<svg/>"
        assert browser._kaleido.warming is False   # the page is no longer reloaded after each chart
    assert browser._kaleido.closed


def test_a_chart_sent_before_the_page_is_ready_is_drawn_again(fake_kaleido):
    calls = []

    async def loading(figure, opts):
        calls.append(figure)
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"<svg/>"

    fake_kaleido.draws = staticmethod(loading)
    with pdf.chart_browser() as browser:
        assert browser.draw("figure", {"format": "svg"}, timeout=5) == b"<svg/>"
    assert calls == ["figure", "figure"]


def test_a_browser_that_starts_but_cannot_load_the_page_is_named(fake_kaleido):
    async def fails():
        raise RuntimeError("The browser seemed to close immediately after starting.")

    fake_kaleido.opens = staticmethod(fails)
    with pytest.raises(SupportlensError) as error, pdf.chart_browser() as browser:
        browser.wait_started()
    assert "could not load the charts' page" in error.value.problem and "close immediately" in error.value.problem
    assert "BROWSER_PATH" in error.value.fix


def test_a_browser_that_does_not_start_is_named_by_the_check(fake_kaleido, monkeypatch, tmp_path):
    async def fails():
        raise RuntimeError("The browser seemed to close immediately after starting.")

    fake_kaleido.opens = staticmethod(fails)
    monkeypatch.setenv("BROWSER_PATH", fake_browser(tmp_path, 'echo "requires the chromium snap" >&2; exit 1'))
    with pytest.raises(SupportlensError) as error, pdf.chart_browser() as browser:
        browser.wait_started()
    assert "exit code 1" in error.value.problem and "requires the chromium snap" in error.value.problem


def test_a_browser_that_hangs_on_start_is_given_up_on(fake_kaleido):
    import asyncio

    async def hangs():
        await asyncio.sleep(30)

    fake_kaleido.opens = staticmethod(hangs)
    with pytest.raises(SupportlensError, match="did not start within"), pdf.chart_browser() as browser:
        browser.wait_started(timeout=0.3)


def test_a_missing_browser_stops_before_any_process_starts(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "nonexistent" / "chrome"))
    browser = pdf.ChartBrowser()
    with pytest.raises(SupportlensError, match="nonexistent/chrome does not exist"):
        browser.start()
    assert browser._thread is None


def test_export_reports_its_progress_chart_by_chart(monkeypatch, tmp_path):
    import plotly.graph_objects as go

    class OneChart:
        wide = False

        def print_figures(self):   # the export fits the axis titles of each figure: real figures
            return {"a": go.Figure(layout={"height": 300}), "a-2": go.Figure(layout={"height": 300})}   # two parts count once

    monkeypatch.setattr(pdf.ChartBrowser, "draw", lambda self, figure, opts, timeout: b"<svg/>")
    seen: list[tuple[int, int]] = []
    pdf.export_svgs({"a": OneChart(), "b": OneChart()}, tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.svg", "a.svg"]
