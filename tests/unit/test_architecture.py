"""The house: no import cycle anywhere in the package (imports inside functions included), data flows
down (analysis never imports the simulator, the charts or the renderers), and the analysis folder is
grouped by question."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "supportlens"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """Every supportlens module ``name`` imports, at the top or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {target for target in found if target in MODULES and target != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_lazy_and_relative_imports():
    # what_if imports the analysis at the top; the build imports the analysis relatively
    assert "supportlens.analysis" in GRAPH["supportlens.sample.what_if"]
    assert "supportlens.analysis" in GRAPH["supportlens.build"]
    assert "supportlens.analysis.core.stats" in GRAPH["supportlens.analysis.sla.kpis"]


def test_cycle_finder_finds_a_planted_cycle():
    planted = dict(GRAPH)
    planted["supportlens.analysis.core.stats"] = GRAPH["supportlens.analysis.core.stats"] | {"supportlens.analysis.sla.kpis"}
    saved = dict(GRAPH)
    GRAPH.update(planted)
    try:
        # the cycle holds every module on a path from kpis back to stats, so compare by membership
        assert any({"supportlens.analysis.core.stats", "supportlens.analysis.sla.kpis"} <= set(c) for c in cycles())
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_no_import_cycle_in_the_package():
    assert cycles() == []


def test_analysis_imports_nothing_downstream_nor_the_simulator():
    downstream = ("supportlens.sample", "supportlens.charts", "supportlens.render", "supportlens.report",
                  "supportlens.build", "supportlens.cli", "supportlens.context")
    offending = {name: sorted(t for t in targets if t.startswith(downstream))
                 for name, targets in GRAPH.items() if name.startswith("supportlens.analysis")}
    assert {name: found for name, found in offending.items() if found} == {}


def test_analysis_root_holds_at_most_a_dozen_modules():
    root = PACKAGE / "analysis"
    entries = [p.name for p in root.iterdir() if p.name != "__init__.py" and p.name != "__pycache__"
               and (p.suffix == ".py" or (p / "__init__.py").exists())]
    assert len(entries) <= 12, sorted(entries)
