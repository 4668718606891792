"""The build cache (cache.py): what is read back is exactly what the work would give, a changed input or
relevant setting is a miss, a template change or the render settings are not, and a broken entry is a miss."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from supportlens.build import analysed, cached_analysis, cached_dataset
from supportlens.cache import CACHE_DIR, BuildCache
from supportlens.charts.base import Chart
from supportlens.config import Config
from supportlens.context import build_context
from supportlens.ingest import load_dataset
from supportlens.render import pdf
from support import FIXTURES, TINY_TICKETS


def _config(folder: Path, **extra) -> Config:
    return Config.model_validate({
        "data": {"tickets": "tickets.csv", "events": None, "accounts": None, "agents": None},
        "period": {"as_of": "2026-03-31T12:00:00Z"}, **extra})


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    (tmp_path / "tickets.csv").write_text(TINY_TICKETS)
    return tmp_path


@pytest.fixture
def eventlog(tmp_path: Path) -> tuple[Path, Config]:
    """An event log export (tickets and events built from it): the cache must give back both tables."""
    shutil.copy(FIXTURES / "helpdesk_eventlog.csv", tmp_path / "log.csv")
    config = Config.model_validate({"data": {"source": "helpdesk_eventlog", "tickets": "log.csv", "events": None,
                                             "accounts": None, "agents": None}})
    return tmp_path, config


def _same_tables(first, second) -> None:
    for table in ("tickets", "events", "accounts", "agents"):
        a, b = getattr(first, table), getattr(second, table)
        assert (a is None) == (b is None), table
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            assert list(a.dtypes) == list(b.dtypes)
    assert first.quality == second.quality
    assert first.sources == second.sources
    assert first.source_info == second.source_info


@pytest.mark.parametrize("rows", [0, 1, 999, 1000, 2500])
@pytest.mark.parametrize("range_index", [True, False])
def test_a_table_written_a_slice_at_a_time_reads_back_as_written(tmp_path, monkeypatch, rows, range_index):
    """A cached table is written ROWS_AT_ONCE rows at a time: every slice boundary, an empty table, an index that
    is not 0, 1, 2 ... and each kind of column the canonical tables hold read back equal, dtypes included."""
    import numpy as np

    from supportlens import cache

    monkeypatch.setattr(cache, "ROWS_AT_ONCE", 1000)
    at = np.arange(rows)
    frame = pd.DataFrame({
        "ticket_id": pd.array([f"T{i}" for i in at], dtype="string[pyarrow]"),
        "status": pd.Categorical(np.where(at % 3 == 0, "open", "solved"), categories=["open", "solved", "new"]),
        "created_at": pd.to_datetime(1_700_000_000 + at * 3600, unit="s", utc=True),
        "replies": pd.array(np.where(at % 4 == 0, None, at), dtype="Int64"),
        "hours": np.where(at % 5 == 0, np.nan, at / 7),
        "escalated": at % 2 == 0,
    }, index=None if range_index else pd.Index(at * 2 + 7))
    cache._write_table(BuildCache._write_with, tmp_path, "tickets", frame)
    back = cache._read_table(tmp_path, "tickets", {"status": False})
    pd.testing.assert_frame_equal(back, frame, check_exact=True, check_index_type=True)
    assert list(back.dtypes) == list(frame.dtypes)


def test_identical_inputs_are_read_back_from_the_cache_unchanged(eventlog):
    root, config = eventlog
    fresh = load_dataset(config, root)
    first, key = cached_dataset(config, root, BuildCache(root))
    assert (root / CACHE_DIR).is_dir()
    again = BuildCache(root)
    second, same_key = cached_dataset(config, root, again)
    assert same_key == key and again.hits == ["tables"]
    assert second.events is not None and len(second.events) == len(fresh.events) > 0
    _same_tables(fresh, first)
    _same_tables(fresh, second)
    # the compact log's ticket ids are categories over the tickets' ids: stored once (no file of their own) and
    # read back over the tickets' ids, so an event's code is still its ticket's row
    from supportlens.engine import ticket_rows

    assert ticket_rows(fresh.events["ticket_id"], fresh.tickets["ticket_id"]) is not None
    position = list(fresh.events.columns).index("ticket_id")
    assert not list((root / CACHE_DIR / "tables" / key).glob(f"events.{position}.categories.parquet"))
    assert ticket_rows(second.events["ticket_id"], second.tickets["ticket_id"]).tolist() == \
        ticket_rows(fresh.events["ticket_id"], fresh.tickets["ticket_id"]).tolist()


def test_a_changed_export_is_a_miss_and_its_new_rows_are_read(tiny):
    config = _config(tiny)
    first, key = cached_dataset(config, tiny, BuildCache(tiny))
    assert len(first.tickets) == 6
    # one more ticket: the same size would not be enough to notice, the content hash is
    (tiny / "tickets.csv").write_text(TINY_TICKETS + "T7,2026-03-01T09:00:00Z,,,,,open,low,web,bug,1,0,0,\n")
    cache = BuildCache(tiny)
    second, other_key = cached_dataset(config, tiny, cache)
    assert other_key != key and cache.hits == []
    assert len(second.tickets) == 7 and "T7" in set(second.tickets["ticket_id"])


def test_an_export_rewritten_with_other_bytes_of_the_same_size_is_a_miss(tiny):
    config = _config(tiny)
    _, key = cached_dataset(config, tiny, BuildCache(tiny))
    text = TINY_TICKETS.replace("billing", "billinG", 1)      # same length, other content
    (tiny / "tickets.csv").write_text(text)
    os.utime(tiny / "tickets.csv", ns=(1, 1))   # a distinct time: the remembered hash is keyed by size and times
    cache = BuildCache(tiny)
    _, other_key = cached_dataset(config, tiny, cache)
    assert other_key != key and cache.hits == []


@pytest.mark.parametrize("change", [{"data": {"tickets": "tickets.csv", "events": None, "accounts": None,
                                              "agents": None, "timezone": "Europe/Berlin"}},
                                    {"period": {"as_of": "2026-03-15T12:00:00Z"}},
                                    {"seed": 8}])
def test_a_setting_ingest_reads_is_a_miss(tiny, change):
    _, key = cached_dataset(_config(tiny), tiny, BuildCache(tiny))
    cache = BuildCache(tiny)
    _, other_key = cached_dataset(_config(tiny, **change), tiny, cache)
    assert other_key != key and cache.hits == []


def test_render_settings_reuse_tables_and_analysis_and_an_analysis_setting_reuses_only_the_tables(tiny):
    config = _config(tiny)
    cache = BuildCache(tiny)
    dataset, key = cached_dataset(config, tiny, cache)
    cached_analysis(dataset, config, key, cache)
    assert cache.hits == []

    rendered_elsewhere = _config(tiny, render={"engine": "builtin", "site_dir": "elsewhere"})
    again = BuildCache(tiny)
    dataset, key = cached_dataset(rendered_elsewhere, tiny, again)
    cached_analysis(dataset, rendered_elsewhere, key, again)
    assert again.hits == ["tables", "analysis"]

    other_costs = _config(tiny, costs={"agent_hour": 61.0})
    third = BuildCache(tiny)
    dataset, key = cached_dataset(other_costs, tiny, third)
    cached_analysis(dataset, other_costs, key, third)
    assert third.hits == ["tables"]


def test_the_context_is_the_same_with_and_without_the_cache(tiny):
    config = _config(tiny)
    without = load_dataset(config, tiny)
    expected = build_context(without, analysed(without, config), config)
    for _ in range(2):    # the first build writes the cache, the second reads it
        cache = BuildCache(tiny)
        dataset, key = cached_dataset(config, tiny, cache)
        analysis = cached_analysis(dataset, config, key, cache)
        context = build_context(dataset, analysis, config)
        assert json.dumps(context, sort_keys=True) == json.dumps(expected, sort_keys=True)
        # the build that analyses has the per-ticket clocks (the what-if checks read them); the cache does not
        # keep them (gigabytes at ten million tickets), and the context above never needed them
        assert (analysis.clocks is None) == ("analysis" in cache.hits)
    assert cache.hits == ["tables", "analysis"]


def test_a_disabled_cache_neither_reads_nor_writes(tiny):
    config = _config(tiny)
    cached_dataset(config, tiny, BuildCache(tiny, enabled=False))
    assert not (tiny / CACHE_DIR).exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete_table"])
def test_a_corrupted_cache_is_ignored_not_fatal(tiny, damage):
    config = _config(tiny)
    cache = BuildCache(tiny)
    dataset, key = cached_dataset(config, tiny, cache)
    cached_analysis(dataset, config, key, cache)
    entries = list((tiny / CACHE_DIR).rglob("*.parquet")) + list((tiny / CACHE_DIR).rglob("*.pickle")) \
        + list((tiny / CACHE_DIR).rglob("dataset.json"))
    assert entries
    for entry in entries:
        if damage == "truncate":
            entry.write_bytes(entry.read_bytes()[:20])
        elif damage == "garbage":
            entry.write_bytes(b"\x00not what it was\xff" * 3)
        elif entry.suffix == ".parquet":
            entry.unlink()
    expected = build_context(load_dataset(config, tiny), analysed(load_dataset(config, tiny), config), config)
    again = BuildCache(tiny)
    dataset, key = cached_dataset(config, tiny, again)
    context = build_context(dataset, cached_analysis(dataset, config, key, again), config)
    assert "tables" not in again.hits
    assert json.dumps(context, sort_keys=True) == json.dumps(expected, sort_keys=True)


def _chart(chart_id: str, values: list[float]) -> Chart:
    return Chart(chart_id, "sla", "A title", "A takeaway", "Alt text", go.Figure(go.Bar(x=["a", "b"], y=values)), [])


def test_an_unchanged_static_chart_skips_the_browser_and_a_changed_one_is_drawn(tmp_path, monkeypatch):
    drawn = []

    def fake_draw(browser, figure, opts, timeout):   # (the figure as its JSON)
        drawn.append(tuple(figure["data"][0]["y"]))
        return f"<svg>{list(figure['data'][0]['y'])}</svg>".encode()

    monkeypatch.setattr(pdf.ChartBrowser, "draw", fake_draw)
    charts = {"one": _chart("one", [1, 2]), "two": _chart("two", [3, 4])}
    pdf.export_svgs(charts, tmp_path / "a", cache=BuildCache(tmp_path))
    assert len(drawn) == 2
    cache = BuildCache(tmp_path)
    pdf.export_svgs({**charts, "two": _chart("two", [3, 5])}, tmp_path / "b", cache=cache)
    assert drawn[2:] == [(3, 5)] and cache.hits == ["chart"]
    assert (tmp_path / "b" / "one.svg").read_bytes() == (tmp_path / "a" / "one.svg").read_bytes() == b"<svg>[1, 2]</svg>"
    assert (tmp_path / "b" / "two.svg").read_bytes() == b"<svg>[3, 5]</svg>"
    # a cut-short SVG in the cache is drawn again
    for svg in (tmp_path / CACHE_DIR / "svg").glob("*.svg"):
        svg.write_bytes(b"<svg>[1,")
    pdf.export_svgs(charts, tmp_path / "c", cache=BuildCache(tmp_path))
    assert len(drawn) == 3 + 2


@pytest.mark.parametrize("changed", ["code_fingerprint", "dependency_versions"])
def test_other_code_or_another_library_version_is_a_miss(tiny, monkeypatch, changed):
    import supportlens.cache as cache_module

    config = _config(tiny)
    cache = BuildCache(tiny)
    dataset, key = cached_dataset(config, tiny, cache)
    analysis_key = cache.analysis_key(key, config, dataset)
    original = getattr(cache_module, changed)()
    monkeypatch.setattr(cache_module, changed, lambda: {"changed": True} if isinstance(original, dict) else "other")
    again = BuildCache(tiny)
    dataset, other_key = cached_dataset(config, tiny, again)
    assert other_key != key and again.hits == []
    assert again.analysis_key(other_key, config, dataset) != analysis_key


# -- the context, the PDFs and the last build's outputs ---------------------------------------------------

def test_the_cached_context_is_the_context_and_a_config_change_is_a_miss(tiny):
    config = _config(tiny)
    cache = BuildCache(tiny)
    key = cache.context_key(config, tiny)
    expected = build_context(load_dataset(config, tiny), analysed(load_dataset(config, tiny), config), config)
    assert cache.load_context(key) is None
    cache.store_context(key, expected)
    again = BuildCache(tiny)
    assert again.load_context(again.context_key(config, tiny)) == expected and again.hits == ["context"]
    # the organisation's name changes no number but is in the context: another key
    assert cache.context_key(_config(tiny, publish={"organisation": "Other Co."}), tiny) != key
    (tiny / "tickets.csv").write_text(TINY_TICKETS.replace("billing", "invoices", 1))
    assert BuildCache(tiny).context_key(config, tiny) != key


def test_a_pdf_is_kept_by_its_html_and_the_files_it_links(tmp_path, monkeypatch):
    import weasyprint

    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    html = '<html><body><p>Board pack</p><img src="figures/a.svg"></body></html>'
    written = []   # each layout of a document by WeasyPrint
    real = weasyprint.HTML.render

    def counted(self, *args, **kwargs):
        written.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    pdf.write_pdf(html, tmp_path, tmp_path / "one.pdf", cache=BuildCache(tmp_path))
    cache = BuildCache(tmp_path)
    pdf.write_pdf(html, tmp_path, tmp_path / "two.pdf", cache=cache)
    assert len(written) == 1 and cache.hits == ["pdf"]
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    # a changed chart (the same HTML) or changed HTML is written again; so is a cut-short entry
    (tmp_path / "figures" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>')
    pdf.write_pdf(html, tmp_path, tmp_path / "three.pdf", cache=BuildCache(tmp_path))
    pdf.write_pdf(html.replace("Board", "The board"), tmp_path, tmp_path / "four.pdf", cache=BuildCache(tmp_path))
    assert len(written) == 3
    for entry in (tmp_path / CACHE_DIR / "pdf").glob("*.pdf"):
        entry.write_bytes(entry.read_bytes()[:100])
    pdf.write_pdf(html, tmp_path, tmp_path / "five.pdf", cache=BuildCache(tmp_path))
    assert len(written) == 4 and (tmp_path / "five.pdf").read_bytes().startswith(b"%PDF-")


def test_outputs_are_up_to_date_only_with_the_same_inputs_and_untouched_outputs(tiny):
    config = _config(tiny)
    site = tiny / "_site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    cache = BuildCache(tiny)
    key = cache.outputs_key(config, tiny, "builtin", True)
    assert cache.up_to_date(key, tiny) is None
    cache.store_outputs(key, tiny, [site, tiny / "report" / "context.json"], {"tickets": 3, "engine": "builtin"})
    assert BuildCache(tiny).up_to_date(BuildCache(tiny).outputs_key(config, tiny, "builtin", True), tiny) == \
        {"tickets": 3, "engine": "builtin"}
    # another switch, a config change, a template override, a changed input: other keys
    assert cache.outputs_key(config, tiny, "builtin", False) != key
    assert cache.outputs_key(_config(tiny, publish={"organisation": "Other Co."}), tiny, "builtin", True) != key
    (tiny / "templates" / "pages").mkdir(parents=True)
    (tiny / "templates" / "pages" / "index.qmd.j2").write_text("changed")
    assert BuildCache(tiny).outputs_key(config, tiny, "builtin", True) != key
    shutil.rmtree(tiny / "templates")
    assert BuildCache(tiny).outputs_key(config, tiny, "builtin", True) == key
    # a file added to the site, an output edited or removed since: not up to date
    (site / "marker.txt").write_text("added")
    assert BuildCache(tiny).up_to_date(key, tiny) is None
    (site / "marker.txt").unlink()
    assert BuildCache(tiny).up_to_date(key, tiny) is not None
    (site / "index.html").write_text("<html>edited</html>")
    assert BuildCache(tiny).up_to_date(key, tiny) is None
    cache.store_outputs(key, tiny, [site], {"tickets": 3, "engine": "builtin"})
    (site / "index.html").unlink()
    assert BuildCache(tiny).up_to_date(key, tiny) is None
    # a build that starts forgets the record (killed half-way, it is never taken as up to date)
    (site / "index.html").write_text("<html></html>")
    cache.store_outputs(key, tiny, [site], {"tickets": 3, "engine": "builtin"})
    cache.forget_outputs()
    assert BuildCache(tiny).up_to_date(key, tiny) is None
    assert BuildCache(tiny, enabled=False).up_to_date(key, tiny) is None


def test_an_input_file_is_read_once_for_its_hash_and_not_at_all_when_a_previous_build_recorded_it(tmp_path, monkeypatch):
    import hashlib

    from supportlens import hashing

    export = tmp_path / "tickets.csv"
    export.write_bytes(b"ticket_id,created_at\nT1,2026-01-01T00:00:00Z\n")
    expected = hashlib.sha256(export.read_bytes()).hexdigest()   # worked out directly
    reads = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: (reads.append(self) if self == export else None)
                        or real_open(self, *a, **k))
    monkeypatch.setattr(hashing, "_HASHED", {})
    assert BuildCache(tmp_path).file_hash(export) == expected
    assert hashing.file_sha256(export) == expected      # ingest's provenance: the same process, not read again
    assert reads == [export]
    monkeypatch.setattr(hashing, "_HASHED", {})         # a new build process: the record in files.json serves
    assert BuildCache(tmp_path).file_hash(export) == expected and hashing.file_sha256(export) == expected
    assert reads == [export]


def test_an_ordered_categorical_reads_back_ordered_with_its_categories_and_codes(tmp_path):
    from supportlens import cache

    frame = pd.DataFrame({"size": pd.Categorical(["m", None, "s", "l", "m"], categories=["s", "m", "l"], ordered=True)})
    cache._write_table(BuildCache._write_with, tmp_path, "agents", frame)
    back = cache._read_table(tmp_path, "agents", {"size": True})
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back["size"].cat.ordered and back["size"].cat.codes.tolist() == [1, -1, 0, 2, 1]
    assert (back["size"] > "s").tolist() == [True, False, False, True, True]
