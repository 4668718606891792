"""Unit tests stand alone: none of them waits for a whole build or a simulated organisation."""

from __future__ import annotations

import pytest

SLOW_FIXTURES = {"project", "example_site", "planted_sample", "null_sample"}


def pytest_collection_modifyitems(items):
    for item in items:
        used = SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        if used and "/tests/unit/" in str(item.fspath):
            raise pytest.UsageError(f"{item.nodeid} is a unit test but uses {', '.join(sorted(used))}: "
                                    "move it to tests/integration/ or tests/e2e/")
