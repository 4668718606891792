"""Templates and charts format; they never read the configuration (issue 11): the settings a sentence cites are
fields of context["method"] or of the results, decided in analysis."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "supportlens"

# Temporary, explicit: the recommendations templates (and the action plan's interval line of the summary) belong to
# the helper that types the recommendations; they still read provenance.config until that lands.
EXCEPTIONS = {
    "templates/pages/recommendations.qmd.j2": None,            # any read
    "templates/partials/recommendation.j2": None,
    "templates/pages/index.qmd.j2": {"provenance.config.recommendations.interval"},
}
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
