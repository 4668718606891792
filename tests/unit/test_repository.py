"""The repository itself: no merge left half done."""

from __future__ import annotations

import re
from support import ROOT

TEXT = {".py", ".md", ".yml", ".yaml", ".toml", ".j2", ".css", ".js", ".json", ".sh", ".mjs", ".cfg", ".txt"}


def test_no_file_holds_merge_conflict_markers():
    marker = re.compile(r"^(<{7}|>{7}) ", re.M)
    tracked = [p for p in ROOT.rglob("*") if p.is_file() and p.suffix in TEXT
               and not any(part.startswith(".") or part in {"_site", "report", "data", "node_modules", "test-artifacts"}
                           for part in p.relative_to(ROOT).parts)
               and not p.name.endswith(".min.js")]
    assert len(tracked) > 50
    conflicted = [str(p.relative_to(ROOT)) for p in tracked if marker.search(p.read_text(encoding="utf-8", errors="ignore"))]
    assert not conflicted
