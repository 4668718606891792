"""Templates and charts format; they never read the configuration (issue 11): the settings a sentence cites are
fields of context["method"] or of the results, decided in analysis."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "supportlens"

# No exception: every template and chart module reads fields, never the configuration.
EXCEPTIONS: dict[str, set[str] | None] = {}
READS = re.compile(r"provenance\s*\.\s*config[\w.]*|\[\s*[\"']config[\"']\s*\]|provenance\s*\[\s*[\"']config")
GLOBALS = re.compile(r"\b(findings_alpha|findings_ratio|findings_change|config_period_length)\b")


def presentation_files() -> list[Path]:
    return sorted([*(PACKAGE / "templates").rglob("*.j2"), *(PACKAGE / "charts").glob("*.py")])


def test_the_scan_sees_every_template_and_chart_module_and_would_catch_a_read():
    names = {p.relative_to(PACKAGE).as_posix() for p in presentation_files()}
    assert {"templates/pages/workload.qmd.j2", "templates/partials/macros.j2", "charts/escalations.py"} <= names
    assert READS.findall('{{ provenance.config.workload.deflection_rate }}') == ["provenance.config.workload.deflection_rate"]
    assert READS.search('context["provenance"]["config"]["targets"]')
    assert GLOBALS.search("{{ findings_alpha }}")


def test_no_template_or_chart_reads_the_configuration():
    found = []
    for path in presentation_files():
        name = path.relative_to(PACKAGE).as_posix()
        allowed = EXCEPTIONS.get(name, set())
        text = path.read_text(encoding="utf-8")
        for match in READS.findall(text):
            if allowed is None or match in allowed:
                continue
            found.append(f"{name}: {match}")
        found += [f"{name}: {m}" for m in GLOBALS.findall(text)]
    assert not found, "read context['method'] or a field of the result instead:\n" + "\n".join(found)


def test_render_passes_no_configuration_to_the_templates():
    source = (PACKAGE / "render" / "pages.py").read_text(encoding="utf-8")
    assert not READS.search(source)


# --- No pick in a chart or a page: which item is highest/lowest, first/last or how many are shown is a field of the
# result, decided in analysis (analysis/core/extremes.py). What remains is layout, each with its reason: a line
# matching PICKS passes only when it holds one of the allowed fragments of its file.
PICKS = re.compile(r"\b(?:max|min|sorted)\s*\(|\.sort\s*\(")
LAYOUT = {
    "charts/__init__.py": {"sorted(pkgutil.iter_modules": "chart modules found in name order"},
    "charts/accounts.py": {"height=max(300,": "figure height"},
    "charts/base.py": {
        "chars = max(12, int(room / (size * CHAR_WIDTH)))": "line length of a wrapped axis title",
        "left = max(margin[\"l\"] if margin.get(\"l\") is not None else 80, (max(labels)": "the left margin category labels need",
        "tops = [max([v for v in values if v is not None] or [0]) or 1.0": "dual-axis ranges that hold every value",
        "best = min(((sum(n * _nice_step(top / n) / top": "dual-axis tick count that wastes the least height",
        "low, high = (min(present), max(present)) if present else (0.0, 1.0)": "label placement: the data span",
        "if not values or min(values) < 0 or max(values) > 1 + 1e-9:": "a share axis: are the values shares",
        "if max(values) * 1.06 > 1:": "a share axis ends at 100%",
    },
    "charts/recommendations.py": {'lines = max(label.count("<br>")': "row height: the most lines a wrapped title takes"},
    "charts/drivers.py": {
        "height=max(300, 34 * len(rows)": "figure height",
        'rows.sort(key=lambda r: r["cramers_v"] or 0)': "bars ordered by their length for display",
        'return max(max(len(d["segments"]) for d in row), 3)': "panel row height",
        'largest = max((s[metric]["value"] or 0': "tick format: decimals when every value is below 10",
        "return max(320, 19 * rows + 110)": "figure height",
        'low = min((r["ci_low"]': "log axis range that holds every interval",
        'high = max((r["ci_high"]': "log axis range that holds every interval",
        "return [math.log10(min(low, 1) / 1.15), math.log10(max(high, 1) * 1.15)]": "log axis range",
    },
    "charts/escalations.py": {
        "sources = sorted(out_flow, key=": "Sankey node order (by flow, for fewer crossings)",
        "targets = sorted(in_flow, key=": "Sankey node order (by their sources, for fewer crossings)",
        "lines = max(len(w) for w in wrapped)": "Sankey label lines: the gap between nodes",
        "n = max(len(sources), len(targets))": "Sankey figure height",
        "plot_height = (n - 1) * pad + max(200, 14 * n)": "Sankey figure height",
        "scale = min((plot_height - (len(col) - 1) * pad)": "Sankey node heights (plotly's own scale)",
        "widths = [max(len(line) for line in w) for w in wrapped]": "Sankey margins that hold the labels",
        "left = 16 + 7 * max(widths[:len(sources)])": "Sankey margins that hold the labels",
        "right = 16 + 7 * max(widths[len(sources):])": "Sankey margins that hold the labels",
        "height=150 + 55 * max(2, len(lanes))": "figure height",
        'span = max([e["hours"] for e in events]': "x axis range of the swimlane",
    },
    "charts/workload.py": {'top = max(backlog["open_tickets"] or [1]) * 1.05': "y axis range"},
}
# templates: a filter that picks (first, last, sort, max, min) or a slice with a literal bound decides what is named
# or how many rows are shown (the summary's cut is context["method"]["summary"]).
TEMPLATE_PICKS = re.compile(r"\|\s*(?:first|last|sort|max|min)\b|\[\s*-?\d*\s*:\s*-?\d+\s*\]|\[\s*:?\s*\(")
TEMPLATE_EXCEPTIONS = {
    "templates/pages/methodology.qmd.j2": {"s.sha256[:16]"},   # formatting: the hash shortened for the table
}


def _picks(text: str, pattern: re.Pattern) -> list[str]:
    return [line.strip() for line in text.splitlines() if pattern.search(line)]


def test_the_pick_scans_would_catch_a_new_pick():
    assert PICKS.search("    peak = max(weeks, key=lambda w: w['backlog_end'])")
    assert PICKS.search("worst = min(full, key=rate)") and PICKS.search("rows.sort(key=len)")
    assert PICKS.search("strong = sorted(rows, key=effect)[:2]")
    assert not PICKS.search("fig.update_layout(maximum=3)") and not PICKS.search("minutes = fmt_minutes(v)")
    for line in ('{% set chosen = m.models | selectattr("id", "equalto", m.chosen) | first %}',
                 "{{ (m.splits | last).breach_rate | pct }}", "{% for s in rows[:6] -%}", "{% for s in rows | sort %}"):
        assert TEMPLATE_PICKS.search(line), line
    for line in ("{{ neck.facts.ci[0] | hours }}", "{% for s in rows[:e.shown] -%}", "{{ w.groups[i] }}"):
        assert not TEMPLATE_PICKS.search(line), line


def test_no_chart_picks_what_its_sentence_names():
    found = []
    for path in sorted((PACKAGE / "charts").glob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        allowed = LAYOUT.get(name, {})
        found += [f"{name}: {line}" for line in _picks(path.read_text(encoding="utf-8"), PICKS)
                  if not any(fragment in line for fragment in allowed)]
    assert not found, ("a chart picks an item (max/min/sorted): make it a field of the result, decided in analysis "
                       "(analysis/core/extremes.py), or, if it is layout, add it to LAYOUT with its reason:\n"
                       + "\n".join(found))


def test_every_layout_exception_is_still_used():
    stale = []
    for name, allowed in LAYOUT.items():
        lines = _picks((PACKAGE / name).read_text(encoding="utf-8"), PICKS)
        stale += [f"{name}: {fragment}" for fragment in allowed if not any(fragment in line for line in lines)]
    assert not stale, "remove the exceptions nothing needs any more:\n" + "\n".join(stale)


def test_no_page_picks_what_it_names_or_how_many_rows_it_shows():
    found = []
    for path in sorted((PACKAGE / "templates").rglob("*.j2")):
        name = path.relative_to(PACKAGE).as_posix()
        allowed = TEMPLATE_EXCEPTIONS.get(name, set())
        if allowed is None:
            continue
        found += [f"{name}: {line[:160]}" for line in _picks(path.read_text(encoding="utf-8"), TEMPLATE_PICKS)
                  if not any(fragment in line for fragment in allowed)]
    assert not found, "a page picks or cuts a list: read the field of the result that decided it:\n" + "\n".join(found)
